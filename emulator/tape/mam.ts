// Medium auxiliary memory (MAM) of a cartridge, SPC-4 7.4. Device and medium type attributes are
// computed from the cartridge state and are read-only; host type attributes (0800h-0BFFh) and
// vendor specific host attributes (1800h-1BFFh) are written by WRITE ATTRIBUTE and stored in the
// header slot. Values are the exact wire bytes: ASCII space padded, TEXT NUL padded, binary
// big-endian, so the SSC layer only adds the 5-byte attribute header.
import { MamAttributeError } from './errors';
import { type MamFormat, MAM_HOST_AREA_SIZE, type StoredAttribute, hostAttributeBytes } from './format';

export type { MamFormat } from './format';

export interface MamAttributeValue {
  attributeIdentifier: number;
  /** READ ONLY bit of the attribute header. */
  readOnly: boolean;
  format: MamFormat;
  value: Buffer;
}

export const MamId = {
  remainingCapacityInPartition: 0x0000,
  maximumCapacityInPartition: 0x0001,
  tapeAlertFlags: 0x0002,
  loadCount: 0x0003,
  mamSpaceRemaining: 0x0004,
  formattedDensityCode: 0x0006,
  volumeIdentifier: 0x0008,
  mediumManufacturer: 0x0400,
  mediumSerialNumber: 0x0401,
  mediumDensityCode: 0x0405,
  mediumManufactureDate: 0x0406,
  mamCapacity: 0x0407,
  barcode: 0x0806,
} as const;

/** Capacities in MAM attributes 0000h/0001h are in units of 2^20 bytes, as LTO drives report. */
export const MAM_CAPACITY_UNIT = 1024 * 1024;

/** Standard host type attributes (SPC-4 table "Host type attributes"): format and fixed length. */
const HOST_ATTRIBUTES: Readonly<Record<number, { format: MamFormat; length?: number }>> = {
  0x0800: { format: 'ascii', length: 8 }, // APPLICATION VENDOR
  0x0801: { format: 'ascii', length: 32 }, // APPLICATION NAME
  0x0802: { format: 'ascii', length: 8 }, // APPLICATION VERSION
  0x0803: { format: 'text', length: 160 }, // USER MEDIUM TEXT LABEL
  0x0804: { format: 'ascii', length: 12 }, // DATE AND TIME LAST WRITTEN
  0x0805: { format: 'binary', length: 1 }, // TEXT LOCALIZATION IDENTIFIER
  0x0806: { format: 'ascii', length: 32 }, // BARCODE
  0x0807: { format: 'text', length: 80 }, // OWNING HOST TEXTUAL NAME
  0x0808: { format: 'text', length: 160 }, // MEDIA POOL
  0x0809: { format: 'ascii', length: 16 }, // PARTITION USER TEXT LABEL
  0x080a: { format: 'binary', length: 1 }, // LOAD/UNLOAD AT PARTITION
  0x080b: { format: 'ascii', length: 16 }, // APPLICATION FORMAT VERSION
  0x080c: { format: 'binary' }, // VOLUME COHERENCY INFORMATION
  0x0820: { format: 'binary', length: 36 }, // MEDIUM GLOBALLY UNIQUE IDENTIFIER
  0x0821: { format: 'binary', length: 36 }, // MEDIA POOL GLOBALLY UNIQUE IDENTIFIER
};

export function isHostAttribute(id: number): boolean {
  return (id >= 0x0800 && id <= 0x0bff) || (id >= 0x1800 && id <= 0x1bff);
}

export function asciiValue(s: string, length: number): Buffer {
  const b = Buffer.alloc(length, 0x20);
  b.write(s.slice(0, length), 0, 'latin1');
  return b;
}

function u64Value(v: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(v));
  return b;
}

function ro(attributeIdentifier: number, format: MamFormat, value: Buffer): MamAttributeValue {
  return { attributeIdentifier, readOnly: true, format, value };
}

export interface MamSource {
  capacityBytes: number;
  usedBytes: number;
  loadCount: number;
  densityCode: number;
  volumeIdentifier: string;
  mediumManufacturer: string;
  mediumSerial: string;
  createdAt: number;
  hostAttributes: readonly StoredAttribute[];
}

function yyyymmdd(ms: number): string {
  const d = new Date(ms);
  return (
    String(d.getUTCFullYear()).padStart(4, '0') +
    String(d.getUTCMonth() + 1).padStart(2, '0') +
    String(d.getUTCDate()).padStart(2, '0')
  );
}

/** All attributes of partition 0, sorted by identifier (READ ATTRIBUTE returns them in order). */
export function mamAttributes(s: MamSource): MamAttributeValue[] {
  const remaining = Math.max(0, s.capacityBytes - s.usedBytes);
  const device: MamAttributeValue[] = [
    ro(MamId.remainingCapacityInPartition, 'binary', u64Value(Math.floor(remaining / MAM_CAPACITY_UNIT))),
    ro(MamId.maximumCapacityInPartition, 'binary', u64Value(Math.floor(s.capacityBytes / MAM_CAPACITY_UNIT))),
    ro(MamId.tapeAlertFlags, 'binary', u64Value(0)),
    ro(MamId.loadCount, 'binary', u64Value(s.loadCount)),
    ro(
      MamId.mamSpaceRemaining,
      'binary',
      u64Value(MAM_HOST_AREA_SIZE - hostAttributeBytes(s.hostAttributes)),
    ),
    ro(MamId.formattedDensityCode, 'binary', Buffer.from([s.densityCode])),
    ro(MamId.volumeIdentifier, 'ascii', asciiValue(s.volumeIdentifier, 32)),
    ro(MamId.mediumManufacturer, 'ascii', asciiValue(s.mediumManufacturer, 8)),
    ro(MamId.mediumSerialNumber, 'ascii', asciiValue(s.mediumSerial, 32)),
    ro(MamId.mediumDensityCode, 'binary', Buffer.from([s.densityCode])),
    ro(MamId.mediumManufactureDate, 'ascii', asciiValue(yyyymmdd(s.createdAt), 8)),
    ro(MamId.mamCapacity, 'binary', u64Value(MAM_HOST_AREA_SIZE)),
  ];
  const host = s.hostAttributes.map((a): MamAttributeValue => ({
    attributeIdentifier: a.attributeIdentifier,
    readOnly: false,
    format: a.format,
    value: Buffer.from(a.value),
  }));
  return [...device, ...host].sort((a, b) => a.attributeIdentifier - b.attributeIdentifier);
}

/**
 * The host attribute list after WRITE ATTRIBUTE of one attribute (SPC-4 6.32): a zero-length
 * value deletes it; standard attributes must have their format and length.
 */
export function applyHostAttribute(
  current: readonly StoredAttribute[],
  attributeIdentifier: number,
  format: MamFormat,
  value: Buffer,
): StoredAttribute[] {
  if (!isHostAttribute(attributeIdentifier)) {
    throw new MamAttributeError(
      attributeIdentifier,
      'read-only',
      'device and medium attributes are read-only',
    );
  }
  const rest = current.filter((a) => a.attributeIdentifier !== attributeIdentifier);
  if (value.length === 0) return rest;
  const def = HOST_ATTRIBUTES[attributeIdentifier];
  if (def !== undefined && def.format !== format) {
    throw new MamAttributeError(attributeIdentifier, 'invalid-format', `format must be ${def.format}`);
  }
  if (def?.length !== undefined && value.length !== def.length) {
    throw new MamAttributeError(attributeIdentifier, 'invalid-length', `length must be ${def.length}`);
  }
  if (value.length > 0xffff) {
    throw new MamAttributeError(attributeIdentifier, 'invalid-length', 'longer than 65535 bytes');
  }
  const next = [...rest, { attributeIdentifier, format, value: Buffer.from(value) }].sort(
    (a, b) => a.attributeIdentifier - b.attributeIdentifier,
  );
  if (hostAttributeBytes(next) > MAM_HOST_AREA_SIZE) {
    throw new MamAttributeError(attributeIdentifier, 'no-space', 'MAM host area is full');
  }
  return next;
}
