// READ ATTRIBUTE (8Ch), SPC-4 6.17, and the MAM attribute data it returns (SPC-4 7.4; tape
// attributes from SSC-4). The attribute value list has the same shape as the WRITE ATTRIBUTE
// parameter list, so its codec is exported for reuse.
import type { CommandCodec, DecoderTable } from '../command';
import { ByteReader, checkUint, flag, newCdb, openCdb, putAsciiExact, putU16, putU32, putU8 } from '../bytes';
import { invalidCdbField, invalidParamField } from '../errors';

export const READ_ATTRIBUTE_OPCODE = 0x8c;

export const READ_ATTRIBUTE_SERVICE_ACTION = {
  attributeValues: 0x00,
  attributeList: 0x01,
  logicalVolumeList: 0x02,
  partitionList: 0x03,
  supportedAttributes: 0x05,
} as const;

export const READ_ATTRIBUTE_SERVICE_ACTION_NAMES: Record<number, string> = {
  0x00: 'ATTRIBUTE VALUES',
  0x01: 'ATTRIBUTE LIST',
  0x02: 'LOGICAL VOLUME LIST',
  0x03: 'PARTITION LIST',
  0x05: 'SUPPORTED ATTRIBUTES',
};

// --- CDB -------------------------------------------------------------------------------------

export interface ReadAttributeCdb {
  serviceAction: number;
  /** ELEMENT ADDRESS (bytes 2-3, defined by SMC-3; restricted in SPC-4). */
  elementAddress: number;
  logicalVolumeNumber: number;
  partitionNumber: number;
  firstAttributeIdentifier: number;
  allocationLength: number;
  /** CACHE: cached attribute values may be returned. */
  cache: boolean;
  control: number;
}

export function encodeReadAttribute(v: ReadAttributeCdb): Buffer {
  const b = newCdb(READ_ATTRIBUTE_OPCODE, 16, v.control);
  b[1] = checkUint(v.serviceAction, 5, 'serviceAction');
  putU16(b, v.elementAddress, 2, 'elementAddress');
  putU8(b, v.logicalVolumeNumber, 5, 'logicalVolumeNumber');
  putU8(b, v.partitionNumber, 7, 'partitionNumber');
  putU16(b, v.firstAttributeIdentifier, 8, 'firstAttributeIdentifier');
  putU32(b, v.allocationLength, 10, 'allocationLength');
  b[14] = flag(v.cache, 0);
  return b;
}

export function decodeReadAttribute(cdb: Buffer): ReadAttributeCdb {
  const r = openCdb(cdb, READ_ATTRIBUTE_OPCODE, 16, 'READ ATTRIBUTE');
  const serviceAction = r.bits(1, 0, 5);
  if (READ_ATTRIBUTE_SERVICE_ACTION_NAMES[serviceAction] === undefined) {
    throw invalidCdbField(1, `READ ATTRIBUTE service action ${serviceAction} is not supported`, 4);
  }
  return {
    serviceAction,
    elementAddress: r.u16(2),
    logicalVolumeNumber: r.u8(5),
    partitionNumber: r.u8(7),
    firstAttributeIdentifier: r.u16(8),
    allocationLength: r.u32(10),
    cache: r.bit(14, 0),
    control: r.u8(15),
  };
}

// --- attribute identifiers (SPC-4 7.4.2) ----------------------------------------------------------

export type AttributeFormat = 'binary' | 'ascii' | 'text' | 'reserved';
const FORMAT_CODES: AttributeFormat[] = ['binary', 'ascii', 'text', 'reserved'];

export interface AttributeDefinition {
  name: string;
  format: AttributeFormat;
  /** Standard ATTRIBUTE LENGTH; undefined when variable. */
  length?: number;
}

/** Standard MAM attributes: device (0000h-03FFh), medium (0400h-07FFh), host (0800h-0BFFh). */
export const MAM_ATTRIBUTES: Readonly<Record<number, AttributeDefinition>> = {
  0x0000: { name: 'REMAINING CAPACITY IN PARTITION', format: 'binary', length: 8 },
  0x0001: { name: 'MAXIMUM CAPACITY IN PARTITION', format: 'binary', length: 8 },
  0x0002: { name: 'TAPEALERT FLAGS', format: 'binary', length: 8 },
  0x0003: { name: 'LOAD COUNT', format: 'binary', length: 8 },
  0x0004: { name: 'MAM SPACE REMAINING', format: 'binary', length: 8 },
  0x0005: { name: 'ASSIGNING ORGANIZATION', format: 'ascii', length: 8 },
  0x0006: { name: 'FORMATTED DENSITY CODE', format: 'binary', length: 1 },
  0x0007: { name: 'INITIALIZATION COUNT', format: 'binary', length: 2 },
  0x0008: { name: 'VOLUME IDENTIFIER', format: 'ascii', length: 32 },
  0x0009: { name: 'VOLUME CHANGE REFERENCE', format: 'binary' },
  0x020a: { name: 'DEVICE VENDOR/SERIAL NUMBER AT LAST LOAD', format: 'ascii', length: 40 },
  0x020b: { name: 'DEVICE VENDOR/SERIAL NUMBER AT LOAD-1', format: 'ascii', length: 40 },
  0x020c: { name: 'DEVICE VENDOR/SERIAL NUMBER AT LOAD-2', format: 'ascii', length: 40 },
  0x020d: { name: 'DEVICE VENDOR/SERIAL NUMBER AT LOAD-3', format: 'ascii', length: 40 },
  0x0220: { name: 'TOTAL MBYTES WRITTEN IN MEDIUM LIFE', format: 'binary', length: 8 },
  0x0221: { name: 'TOTAL MBYTES READ IN MEDIUM LIFE', format: 'binary', length: 8 },
  0x0222: { name: 'TOTAL MBYTES WRITTEN IN CURRENT/LAST LOAD', format: 'binary', length: 8 },
  0x0223: { name: 'TOTAL MBYTES READ IN CURRENT/LAST LOAD', format: 'binary', length: 8 },
  0x0224: { name: 'LOGICAL POSITION OF FIRST ENCRYPTED BLOCK', format: 'binary', length: 8 },
  0x0225: {
    name: 'LOGICAL POSITION OF FIRST UNENCRYPTED BLOCK AFTER THE FIRST ENCRYPTED BLOCK',
    format: 'binary',
    length: 8,
  },
  0x0340: { name: 'MEDIUM USAGE HISTORY', format: 'binary', length: 90 },
  0x0341: { name: 'PARTITION USAGE HISTORY', format: 'binary', length: 60 },
  0x0400: { name: 'MEDIUM MANUFACTURER', format: 'ascii', length: 8 },
  0x0401: { name: 'MEDIUM SERIAL NUMBER', format: 'ascii', length: 32 },
  0x0402: { name: 'MEDIUM LENGTH', format: 'binary', length: 4 },
  0x0403: { name: 'MEDIUM WIDTH', format: 'binary', length: 4 },
  0x0404: { name: 'ASSIGNING ORGANIZATION', format: 'ascii', length: 8 },
  0x0405: { name: 'MEDIUM DENSITY CODE', format: 'binary', length: 1 },
  0x0406: { name: 'MEDIUM MANUFACTURE DATE', format: 'ascii', length: 8 },
  0x0407: { name: 'MAM CAPACITY', format: 'binary', length: 8 },
  0x0408: { name: 'MEDIUM TYPE', format: 'binary', length: 1 },
  0x0409: { name: 'MEDIUM TYPE INFORMATION', format: 'binary', length: 2 },
  0x040a: { name: 'NUMERIC MEDIUM SERIAL NUMBER', format: 'binary' },
  0x0800: { name: 'APPLICATION VENDOR', format: 'ascii', length: 8 },
  0x0801: { name: 'APPLICATION NAME', format: 'ascii', length: 32 },
  0x0802: { name: 'APPLICATION VERSION', format: 'ascii', length: 8 },
  0x0803: { name: 'USER MEDIUM TEXT LABEL', format: 'text', length: 160 },
  0x0804: { name: 'DATE AND TIME LAST WRITTEN', format: 'ascii', length: 12 },
  0x0805: { name: 'TEXT LOCALIZATION IDENTIFIER', format: 'binary', length: 1 },
  0x0806: { name: 'BARCODE', format: 'ascii', length: 32 },
  0x0807: { name: 'OWNING HOST TEXTUAL NAME', format: 'text', length: 80 },
  0x0808: { name: 'MEDIA POOL', format: 'text', length: 160 },
  0x0809: { name: 'PARTITION USER TEXT LABEL', format: 'ascii', length: 16 },
  0x080a: { name: 'LOAD/UNLOAD AT PARTITION', format: 'binary', length: 1 },
  0x080b: { name: 'APPLICATION FORMAT VERSION', format: 'ascii', length: 16 },
  0x080c: { name: 'VOLUME COHERENCY INFORMATION', format: 'binary' },
  0x0820: { name: 'MEDIUM GLOBALLY UNIQUE IDENTIFIER', format: 'binary', length: 36 },
  0x0821: { name: 'MEDIA POOL GLOBALLY UNIQUE IDENTIFIER', format: 'binary', length: 36 },
};

export const MAM_ATTRIBUTE = {
  remainingCapacityInPartition: 0x0000,
  maximumCapacityInPartition: 0x0001,
  tapeAlertFlags: 0x0002,
  loadCount: 0x0003,
  mamSpaceRemaining: 0x0004,
  volumeIdentifier: 0x0008,
  mediumManufacturer: 0x0400,
  mediumSerialNumber: 0x0401,
  applicationVendor: 0x0800,
  applicationName: 0x0801,
  barcode: 0x0806,
} as const;

export function attributeName(id: number): string {
  const def = MAM_ATTRIBUTES[id];
  if (def !== undefined) return def.name;
  if (id >= 0x1400 && id <= 0x17ff) return `vendor specific medium attribute ${id.toString(16)}h`;
  if (id >= 0x1000 && id <= 0x13ff) return `vendor specific device attribute ${id.toString(16)}h`;
  if (id >= 0x1800 && id <= 0x1bff) return `vendor specific host attribute ${id.toString(16)}h`;
  return `attribute ${id.toString(16).padStart(4, '0')}h`;
}

// --- attribute (SPC-4 7.4.1) -----------------------------------------------------------------------

interface AttributeBase {
  attributeIdentifier: number;
  /** READ ONLY. */
  readOnly: boolean;
  /** ATTRIBUTE LENGTH in bytes. */
  length: number;
}

/**
 * Binary attribute: a number when 1-8 bytes long (big-endian), raw bytes otherwise (0 or > 8).
 */
export interface BinaryAttribute extends AttributeBase {
  format: 'binary';
  value: bigint | Buffer;
}

/** ASCII attribute: left-aligned, space padded to `length`; trailing padding removed on decode. */
export interface AsciiAttribute extends AttributeBase {
  format: 'ascii';
  value: string;
}

/** TEXT attribute: decoded as UTF-8 (ASCII superset), null padded to `length`. */
export interface TextAttribute extends AttributeBase {
  format: 'text';
  value: string;
}

/** FORMAT 11b (reserved): raw bytes. */
export interface ReservedFormatAttribute extends AttributeBase {
  format: 'reserved';
  value: Buffer;
}

export type MamAttribute = BinaryAttribute | AsciiAttribute | TextAttribute | ReservedFormatAttribute;

function attributeValueBytes(a: MamAttribute): Buffer {
  checkUint(a.length, 16, 'attribute length');
  switch (a.format) {
    case 'binary':
    case 'reserved':
      if (typeof a.value === 'bigint') {
        if (a.length < 1 || a.length > 8 || a.value < 0n || a.value >= 1n << BigInt(8 * a.length)) {
          throw new RangeError(`binary attribute value ${a.value} does not fit in ${a.length} bytes`);
        }
        const b = Buffer.alloc(8);
        b.writeBigUInt64BE(a.value);
        return b.subarray(8 - a.length);
      }
      if (a.value.length !== a.length) throw new RangeError(`attribute value is not ${a.length} bytes`);
      return a.value;
    case 'ascii': {
      const b = Buffer.alloc(a.length);
      putAsciiExact(b, a.value, 0, a.length, 'ASCII attribute');
      return b;
    }
    case 'text': {
      const t = Buffer.from(a.value, 'utf8');
      if (t.length > a.length || a.value.endsWith('\0')) {
        throw new RangeError(`TEXT attribute "${a.value}" is longer than ${a.length} bytes or ends with NUL`);
      }
      const b = Buffer.alloc(a.length);
      t.copy(b);
      return b;
    }
  }
}

export function encodeMamAttribute(a: MamAttribute): Buffer {
  const value = attributeValueBytes(a);
  const b = Buffer.alloc(5 + value.length);
  putU16(b, a.attributeIdentifier, 0, 'attributeIdentifier');
  b[2] = flag(a.readOnly, 7) | FORMAT_CODES.indexOf(a.format);
  b.writeUInt16BE(value.length, 3);
  value.copy(b, 5);
  return b;
}

/** Read the attribute at `off`; it must end by `end` (else 05/26/00 at ATTRIBUTE LENGTH). */
export function readMamAttribute(
  r: ByteReader,
  off: number,
  end: number,
): { attribute: MamAttribute; size: number } {
  if (end - off < 5)
    throw invalidParamField(r.base + off, `${end - off} bytes left, an attribute header needs 5`);
  const attributeIdentifier = r.u16(off);
  const readOnly = r.bit(off + 2, 7);
  const format = FORMAT_CODES[r.bits(off + 2, 0, 2)];
  const length = r.u16(off + 3);
  if (off + 5 + length > end) {
    throw invalidParamField(r.base + off + 3, `ATTRIBUTE LENGTH ${length} overruns the attribute data`);
  }
  const base = { attributeIdentifier, readOnly, length };
  let attribute: MamAttribute;
  switch (format) {
    case 'binary': {
      const raw = r.slice(off + 5, length);
      const value = length >= 1 && length <= 8 ? BigInt(`0x${raw.toString('hex')}`) : raw;
      attribute = { ...base, format, value };
      break;
    }
    case 'ascii':
      attribute = { ...base, format, value: r.ascii(off + 5, length).replace(/ +$/, '') };
      break;
    case 'text':
      attribute = {
        ...base,
        format,
        value: r
          .slice(off + 5, length)
          .toString('utf8')
          .replace(/\0+$/, ''),
      };
      break;
    default:
      attribute = { ...base, format: 'reserved', value: r.slice(off + 5, length) };
  }
  return { attribute, size: 5 + length };
}

/** Build an attribute with the standard format and length of `id` (table above). */
export function standardAttribute(
  id: number,
  value: bigint | string | Buffer,
  readOnly = false,
): MamAttribute {
  const def = MAM_ATTRIBUTES[id];
  if (def === undefined) throw new RangeError(`attribute ${id.toString(16)}h has no standard definition`);
  const length =
    def.length ??
    (typeof value === 'string' ? Buffer.byteLength(value) : Buffer.isBuffer(value) ? value.length : 8);
  switch (def.format) {
    case 'ascii':
    case 'text':
      if (typeof value !== 'string') throw new RangeError(`${def.name} takes a string`);
      return { attributeIdentifier: id, readOnly, format: def.format, length, value };
    default:
      if (typeof value === 'string') throw new RangeError(`${def.name} takes a number or bytes`);
      return { attributeIdentifier: id, readOnly, format: 'binary', length, value };
  }
}

// --- ATTRIBUTE VALUES data (service action 00h) --------------------------------------------------

export interface AttributeValuesData {
  attributes: MamAttribute[];
}

/** ATTRIBUTE VALUES and ATTRIBUTE LIST data: AVAILABLE DATA (4 bytes, n-3) in front of `body`. */
function withAvailableData(body: Buffer): Buffer {
  const b = Buffer.alloc(4 + body.length);
  putU32(b, body.length, 0, 'available data');
  body.copy(b, 4);
  return b;
}

/**
 * Read AVAILABLE DATA and require the bytes it announces (05/1A/00 otherwise; extra bytes after
 * them are ignored). `pairs`: the data is a list of 2-byte identifiers, so an odd length is 05/26/00.
 */
function openAvailableData(buf: Buffer, what: string, pairs = false): { r: ByteReader; end: number } {
  const r = new ByteReader(buf, 'data-in');
  const available = r.u32(0, 'AVAILABLE DATA');
  if (pairs && available % 2 !== 0) throw invalidParamField(0, `AVAILABLE DATA ${available} is odd`);
  r.need(4, available, `${what} (AVAILABLE DATA ${available})`);
  return { r, end: 4 + available };
}

export function encodeAttributeValuesData(v: AttributeValuesData): Buffer {
  return withAvailableData(Buffer.concat(v.attributes.map(encodeMamAttribute)));
}

export function decodeAttributeValuesData(buf: Buffer): AttributeValuesData {
  const { r, end } = openAvailableData(buf, 'attribute values');
  const attributes: MamAttribute[] = [];
  for (let off = 4; off < end;) {
    const { attribute, size } = readMamAttribute(r, off, end);
    attributes.push(attribute);
    off += size;
  }
  return { attributes };
}

export function findAttribute(v: AttributeValuesData, id: number): MamAttribute | undefined {
  return v.attributes.find((a) => a.attributeIdentifier === id);
}

// --- ATTRIBUTE LIST (01h) / SUPPORTED ATTRIBUTES (05h) data ---------------------------------------

export interface AttributeListData {
  attributeIdentifiers: number[];
}

export function encodeAttributeListData(v: AttributeListData): Buffer {
  const body = Buffer.alloc(2 * v.attributeIdentifiers.length);
  v.attributeIdentifiers.forEach((id, i) => putU16(body, id, 2 * i, 'attributeIdentifier'));
  return withAvailableData(body);
}

export function decodeAttributeListData(buf: Buffer): AttributeListData {
  const { r, end } = openAvailableData(buf, 'attribute list', true);
  const attributeIdentifiers: number[] = [];
  for (let off = 4; off < end; off += 2) attributeIdentifiers.push(r.u16(off));
  return { attributeIdentifiers };
}

// --- LOGICAL VOLUME LIST (02h) / PARTITION LIST (03h) data ------------------------------------------

/** Both lists: AVAILABLE DATA (2 bytes, 0002h), FIRST ... NUMBER, NUMBER OF ... AVAILABLE. */
export interface LogicalVolumeListData {
  firstLogicalVolumeNumber: number;
  numberOfLogicalVolumesAvailable: number;
}

export interface PartitionListData {
  firstPartitionNumber: number;
  numberOfPartitionsAvailable: number;
}

function encodeNumberList(first: number, count: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt16BE(2, 0);
  putU8(b, first, 2, 'first number');
  putU8(b, count, 3, 'number available');
  return b;
}

function decodeNumberList(buf: Buffer, name: string): [number, number] {
  const r = new ByteReader(buf, 'data-in');
  r.need(0, 4, name);
  const available = r.u16(0);
  if (available !== 2) throw invalidParamField(0, `${name}: AVAILABLE DATA ${available}, expected 2`);
  return [r.u8(2), r.u8(3)];
}

export function encodeLogicalVolumeListData(v: LogicalVolumeListData): Buffer {
  return encodeNumberList(v.firstLogicalVolumeNumber, v.numberOfLogicalVolumesAvailable);
}

export function decodeLogicalVolumeListData(buf: Buffer): LogicalVolumeListData {
  const [firstLogicalVolumeNumber, numberOfLogicalVolumesAvailable] = decodeNumberList(
    buf,
    'logical volume list',
  );
  return { firstLogicalVolumeNumber, numberOfLogicalVolumesAvailable };
}

export function encodePartitionListData(v: PartitionListData): Buffer {
  return encodeNumberList(v.firstPartitionNumber, v.numberOfPartitionsAvailable);
}

export function decodePartitionListData(buf: Buffer): PartitionListData {
  const [firstPartitionNumber, numberOfPartitionsAvailable] = decodeNumberList(buf, 'partition list');
  return { firstPartitionNumber, numberOfPartitionsAvailable };
}

export const READ_ATTRIBUTE_COMMANDS: CommandCodec[] = Object.keys(READ_ATTRIBUTE_SERVICE_ACTION_NAMES).map(
  (sa) => ({
    opcode: READ_ATTRIBUTE_OPCODE,
    serviceAction: Number(sa),
    name: 'READ ATTRIBUTE',
    deviceTypes: [],
    cdbLength: 16,
    decode: decodeReadAttribute,
  }),
);

export const READ_ATTRIBUTE_DECODERS: DecoderTable = {
  'spc.readAttribute': decodeReadAttribute,
  'spc.readAttribute.attributeValues': decodeAttributeValuesData,
  'spc.readAttribute.attributeList': decodeAttributeListData,
  'spc.readAttribute.logicalVolumeList': decodeLogicalVolumeListData,
  'spc.readAttribute.partitionList': decodePartitionListData,
};
