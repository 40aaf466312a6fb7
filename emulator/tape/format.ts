// On-disk layout of a virtual cartridge (documented byte by byte in FORMAT.md): two header slots,
// then an append-only sequence of records, one per logical object, each protected by CRC32C; plus
// a sidecar index checkpoint that can always be rebuilt from the data file. All integers are
// big-endian. This module only encodes and decodes buffers; cartridge.ts and recovery.ts do I/O.
import { crc32c } from '@node-rs/crc32';

export const FORMAT_VERSION = 1;

/** Each header slot is 16 KiB; slot 0 at byte 0, slot 1 at byte 16384. */
export const SLOT_SIZE = 16384;
export const SLOT_COUNT = 2;
/** The first record starts after both slots. */
export const RECORDS_START = SLOT_COUNT * SLOT_SIZE;
export const RECORD_HEADER_SIZE = 32;
/** Largest block (SSC variable-length blocks are limited by the drive; 16 MiB here). */
export const MAX_BLOCK_LENGTH = 16 * 1024 * 1024;
/** Bytes of the header slot reserved for host-written MAM attributes (MAM SPACE REMAINING). */
export const MAM_HOST_AREA_SIZE = 8192;

export const CARTRIDGE_MAGIC = 'XTAPECRT';
export const INDEX_MAGIC = 'XTAPEIDX';
/** "XTRC" */
export const RECORD_MAGIC = 0x58545243;

export const RecordType = { block: 0x01, filemark: 0x02 } as const;
export type RecordType = (typeof RecordType)[keyof typeof RecordType];

const MAX_U64_NUMBER = BigInt(Number.MAX_SAFE_INTEGER);

// --- header slot --------------------------------------------------------------------------------

const SLOT = {
  magic: 0,
  formatVersion: 8,
  slotSequence: 12,
  usedLength: 16,
  crc: 20,
  cartridgeId: 24,
  createdAt: 40,
  capacityBytes: 48,
  earlyWarningBytes: 56,
  generation: 64,
  flags: 68,
  loadCount: 72,
  densityCode: 80,
  partitionCount: 81,
  barcode: 88,
  mediumSerial: 120,
  mediumManufacturer: 152,
  volumeIdentifier: 160,
  hostAttributeCount: 256,
  hostAttributes: 258,
} as const;

export const ASCII_FIELD_LENGTHS = {
  barcode: 32,
  mediumSerial: 32,
  mediumManufacturer: 8,
  volumeIdentifier: 32,
} as const;

const FLAG_WRITE_PROTECTED = 0x00000001;

/** MAM attribute FORMAT codes (SPC-4 7.4.1): 00b binary, 01b ASCII, 10b text. */
export const MamFormatCode = { binary: 0, ascii: 1, text: 2 } as const;
export type MamFormat = keyof typeof MamFormatCode;
const MAM_FORMATS: readonly MamFormat[] = ['binary', 'ascii', 'text'];

/** A host-written MAM attribute as stored in the header slot. */
export interface StoredAttribute {
  attributeIdentifier: number;
  format: MamFormat;
  value: Buffer;
}

export interface CartridgeHeader {
  /** Incremented on every header write; the valid slot with the highest sequence is current. */
  slotSequence: number;
  /** 16 random bytes naming this cartridge; the index checkpoint must carry the same. */
  cartridgeId: Buffer;
  /** Creation time, milliseconds since the epoch. */
  createdAt: number;
  capacityBytes: number;
  earlyWarningBytes: number;
  /** Highest record generation ever issued (raised by every cut of recorded data). */
  generation: number;
  writeProtected: boolean;
  loadCount: number;
  densityCode: number;
  partitionCount: number;
  barcode: string;
  mediumSerial: string;
  mediumManufacturer: string;
  volumeIdentifier: string;
  hostAttributes: StoredAttribute[];
}

/** Bytes the host attributes take in the slot (5-byte header each, as on the wire). */
export function hostAttributeBytes(attrs: readonly StoredAttribute[]): number {
  return attrs.reduce((n, a) => n + 5 + a.value.length, 0);
}

export function isPrintableAscii(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s);
}

function putAsciiField(b: Buffer, off: number, len: number, s: string, what: string): void {
  if (!isPrintableAscii(s) || s.length > len) {
    throw new RangeError(`${what} "${s}" must be at most ${len} printable ASCII characters`);
  }
  b.fill(0x20, off, off + len);
  b.write(s, off, 'latin1');
}

function getAsciiField(b: Buffer, off: number, len: number): string {
  return b.toString('latin1', off, off + len).replace(/ +$/, '');
}

function putU64(b: Buffer, off: number, v: number, what: string): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${what} ${v} is not a non-negative integer`);
  b.writeBigUInt64BE(BigInt(v), off);
}

function getU64(b: Buffer, off: number): number | undefined {
  const v = b.readBigUInt64BE(off);
  return v > MAX_U64_NUMBER ? undefined : Number(v);
}

function slotCrc(b: Buffer, usedLength: number): number {
  return crc32c(b.subarray(SLOT.crc + 4, usedLength), crc32c(b.subarray(0, SLOT.crc)));
}

/** Encode a header into a full SLOT_SIZE buffer (zero beyond the used length). */
export function encodeHeaderSlot(h: CartridgeHeader): Buffer {
  const b = Buffer.alloc(SLOT_SIZE);
  b.write(CARTRIDGE_MAGIC, SLOT.magic, 'latin1');
  b.writeUInt16BE(FORMAT_VERSION, SLOT.formatVersion);
  b.writeUInt32BE(h.slotSequence >>> 0, SLOT.slotSequence);
  if (h.cartridgeId.length !== 16) throw new RangeError('cartridgeId must be 16 bytes');
  h.cartridgeId.copy(b, SLOT.cartridgeId);
  putU64(b, SLOT.createdAt, h.createdAt, 'createdAt');
  putU64(b, SLOT.capacityBytes, h.capacityBytes, 'capacityBytes');
  putU64(b, SLOT.earlyWarningBytes, h.earlyWarningBytes, 'earlyWarningBytes');
  b.writeUInt32BE(h.generation, SLOT.generation);
  b.writeUInt32BE(h.writeProtected ? FLAG_WRITE_PROTECTED : 0, SLOT.flags);
  putU64(b, SLOT.loadCount, h.loadCount, 'loadCount');
  b.writeUInt8(h.densityCode, SLOT.densityCode);
  b.writeUInt8(h.partitionCount, SLOT.partitionCount);
  putAsciiField(b, SLOT.barcode, ASCII_FIELD_LENGTHS.barcode, h.barcode, 'barcode');
  putAsciiField(b, SLOT.mediumSerial, ASCII_FIELD_LENGTHS.mediumSerial, h.mediumSerial, 'mediumSerial');
  putAsciiField(
    b,
    SLOT.mediumManufacturer,
    ASCII_FIELD_LENGTHS.mediumManufacturer,
    h.mediumManufacturer,
    'mediumManufacturer',
  );
  putAsciiField(
    b,
    SLOT.volumeIdentifier,
    ASCII_FIELD_LENGTHS.volumeIdentifier,
    h.volumeIdentifier,
    'volumeIdentifier',
  );
  if (hostAttributeBytes(h.hostAttributes) > MAM_HOST_AREA_SIZE) {
    throw new RangeError('host MAM attributes exceed the MAM host area');
  }
  b.writeUInt16BE(h.hostAttributes.length, SLOT.hostAttributeCount);
  let off: number = SLOT.hostAttributes;
  for (const a of h.hostAttributes) {
    b.writeUInt16BE(a.attributeIdentifier, off);
    b.writeUInt8(MamFormatCode[a.format], off + 2);
    b.writeUInt16BE(a.value.length, off + 3);
    a.value.copy(b, off + 5);
    off += 5 + a.value.length;
  }
  b.writeUInt32BE(off, SLOT.usedLength);
  b.writeUInt32BE(slotCrc(b, off), SLOT.crc);
  return b;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Decode and validate one header slot; never throws. */
export function decodeHeaderSlot(b: Buffer): Decoded<CartridgeHeader> {
  if (b.length < SLOT.hostAttributes) return { ok: false, reason: 'slot is short' };
  if (b.toString('latin1', 0, 8) !== CARTRIDGE_MAGIC) return { ok: false, reason: 'bad magic' };
  const version = b.readUInt16BE(SLOT.formatVersion);
  if (version !== FORMAT_VERSION) return { ok: false, reason: `format version ${version} is not supported` };
  const usedLength = b.readUInt32BE(SLOT.usedLength);
  if (usedLength < SLOT.hostAttributes || usedLength > Math.min(b.length, SLOT_SIZE)) {
    return { ok: false, reason: `used length ${usedLength} out of range` };
  }
  if (b.readUInt32BE(SLOT.crc) !== slotCrc(b, usedLength)) return { ok: false, reason: 'CRC mismatch' };
  const createdAt = getU64(b, SLOT.createdAt);
  const capacityBytes = getU64(b, SLOT.capacityBytes);
  const earlyWarningBytes = getU64(b, SLOT.earlyWarningBytes);
  const loadCount = getU64(b, SLOT.loadCount);
  if (
    createdAt === undefined ||
    capacityBytes === undefined ||
    earlyWarningBytes === undefined ||
    loadCount === undefined
  ) {
    return { ok: false, reason: '64-bit field out of range' };
  }
  const hostAttributes: StoredAttribute[] = [];
  const count = b.readUInt16BE(SLOT.hostAttributeCount);
  let off: number = SLOT.hostAttributes;
  for (let i = 0; i < count; i++) {
    if (off + 5 > usedLength) return { ok: false, reason: 'host attribute list overruns the slot' };
    const formatCode = b.readUInt8(off + 2);
    const length = b.readUInt16BE(off + 3);
    const format = MAM_FORMATS[formatCode];
    if (format === undefined || off + 5 + length > usedLength) {
      return { ok: false, reason: 'bad host attribute entry' };
    }
    hostAttributes.push({
      attributeIdentifier: b.readUInt16BE(off),
      format,
      value: Buffer.from(b.subarray(off + 5, off + 5 + length)),
    });
    off += 5 + length;
  }
  if (off !== usedLength) return { ok: false, reason: 'used length does not match the attribute list' };
  return {
    ok: true,
    value: {
      slotSequence: b.readUInt32BE(SLOT.slotSequence),
      cartridgeId: Buffer.from(b.subarray(SLOT.cartridgeId, SLOT.cartridgeId + 16)),
      createdAt,
      capacityBytes,
      earlyWarningBytes,
      generation: b.readUInt32BE(SLOT.generation),
      writeProtected: (b.readUInt32BE(SLOT.flags) & FLAG_WRITE_PROTECTED) !== 0,
      loadCount,
      densityCode: b.readUInt8(SLOT.densityCode),
      partitionCount: b.readUInt8(SLOT.partitionCount),
      barcode: getAsciiField(b, SLOT.barcode, ASCII_FIELD_LENGTHS.barcode),
      mediumSerial: getAsciiField(b, SLOT.mediumSerial, ASCII_FIELD_LENGTHS.mediumSerial),
      mediumManufacturer: getAsciiField(b, SLOT.mediumManufacturer, ASCII_FIELD_LENGTHS.mediumManufacturer),
      volumeIdentifier: getAsciiField(b, SLOT.volumeIdentifier, ASCII_FIELD_LENGTHS.volumeIdentifier),
      hostAttributes,
    },
  };
}

/** Sequence numbers compare modulo 2^32 (serial number arithmetic), so wrap-around is harmless. */
export function sequenceNewer(a: number, b: number): boolean {
  const d = (a - b) >>> 0;
  return d !== 0 && d < 0x80000000;
}

// --- records ----------------------------------------------------------------------------------------

const REC = {
  magic: 0,
  type: 4,
  partition: 5,
  generation: 8,
  payloadLength: 12,
  objectNumber: 16,
  crc: 28,
} as const;

export interface RecordHeader {
  type: number;
  partition: number;
  /** Bytes 6-7 and 24-27 must be zero. */
  reservedZero: boolean;
  generation: number;
  payloadLength: number;
  objectNumber: number;
  crc: number;
}

/** CRC32C of header bytes 0-27 followed by the payload. */
export function recordCrc(header: Buffer, payload: Buffer | undefined): number {
  const h = crc32c(header.subarray(0, REC.crc));
  return payload === undefined || payload.length === 0 ? h : crc32c(payload, h);
}

export function encodeRecordHeader(
  type: RecordType,
  partition: number,
  generation: number,
  objectNumber: number,
  payload: Buffer | undefined,
): Buffer {
  const b = Buffer.alloc(RECORD_HEADER_SIZE);
  b.writeUInt32BE(RECORD_MAGIC, REC.magic);
  b.writeUInt8(type, REC.type);
  b.writeUInt8(partition, REC.partition);
  b.writeUInt32BE(generation, REC.generation);
  b.writeUInt32BE(payload?.length ?? 0, REC.payloadLength);
  b.writeBigUInt64BE(BigInt(objectNumber), REC.objectNumber);
  b.writeUInt32BE(recordCrc(b, payload), REC.crc);
  return b;
}

/** Parse the 32 header bytes at `off` of `b` (structure only; see checkRecordHeader). */
export function parseRecordHeader(b: Buffer, off = 0): RecordHeader | undefined {
  if (b.length - off < RECORD_HEADER_SIZE || b.readUInt32BE(off + REC.magic) !== RECORD_MAGIC)
    return undefined;
  const objectNumber = b.readBigUInt64BE(off + REC.objectNumber);
  if (objectNumber > MAX_U64_NUMBER) return undefined;
  return {
    type: b.readUInt8(off + REC.type),
    partition: b.readUInt8(off + REC.partition),
    reservedZero: b.readUInt16BE(off + 6) === 0 && b.readUInt32BE(off + 24) === 0,
    generation: b.readUInt32BE(off + REC.generation),
    payloadLength: b.readUInt32BE(off + REC.payloadLength),
    objectNumber: Number(objectNumber),
    crc: b.readUInt32BE(off + REC.crc),
  };
}

export interface RecordExpectation {
  objectNumber: number;
  partition: number;
  /** Generations never decrease along the chain... */
  minGeneration: number;
  /** ...and never exceed the header's generation. */
  maxGeneration: number;
}

/** Structural check of a record header against what the chain expects; returns a reason or null. */
export function checkRecordHeader(h: RecordHeader | undefined, want: RecordExpectation): string | null {
  if (h === undefined) return 'no record magic';
  if (!h.reservedZero) return 'reserved bytes are not zero';
  if (h.type !== RecordType.block && h.type !== RecordType.filemark) return `record type ${h.type}`;
  if (h.partition !== want.partition) return `partition ${h.partition}, expected ${want.partition}`;
  if (h.objectNumber !== want.objectNumber) {
    return `object number ${h.objectNumber}, expected ${want.objectNumber}`;
  }
  if (h.generation < want.minGeneration || h.generation > want.maxGeneration) {
    return `generation ${h.generation} outside ${want.minGeneration}..${want.maxGeneration}`;
  }
  if (h.type === RecordType.filemark ? h.payloadLength !== 0 : h.payloadLength < 1) {
    return `payload length ${h.payloadLength} for record type ${h.type}`;
  }
  if (h.payloadLength > MAX_BLOCK_LENGTH) return `payload length ${h.payloadLength} too large`;
  return null;
}

// --- index checkpoint (sidecar file) -----------------------------------------------------------------

export const INDEX_HEADER_SIZE = 64;

export interface IndexCheckpoint {
  generation: number;
  cartridgeId: Buffer;
  /** Payload length per object, 0 for a filemark. */
  lengths: Uint32Array;
  /** File offset just after the last indexed record. */
  dataEndOffset: number;
}

export function encodeIndex(c: IndexCheckpoint): Buffer {
  const n = c.lengths.length;
  const b = Buffer.alloc(INDEX_HEADER_SIZE + 4 * n + 4);
  b.write(INDEX_MAGIC, 0, 'latin1');
  b.writeUInt16BE(FORMAT_VERSION, 8);
  b.writeUInt32BE(c.generation, 12);
  c.cartridgeId.copy(b, 16);
  putU64(b, 32, n, 'objectCount');
  putU64(b, 40, c.dataEndOffset, 'dataEndOffset');
  for (let i = 0; i < n; i++) b.writeUInt32BE(c.lengths[i], INDEX_HEADER_SIZE + 4 * i);
  b.writeUInt32BE(crc32c(b.subarray(0, b.length - 4)), b.length - 4);
  return b;
}

/** Decode and self-check an index file; consistency with the data file is checked by the caller. */
export function decodeIndex(b: Buffer): Decoded<IndexCheckpoint> {
  if (b.length < INDEX_HEADER_SIZE + 4) return { ok: false, reason: 'index file is short' };
  if (b.toString('latin1', 0, 8) !== INDEX_MAGIC) return { ok: false, reason: 'bad index magic' };
  if (b.readUInt16BE(8) !== FORMAT_VERSION) return { ok: false, reason: 'index format version' };
  const n = getU64(b, 32);
  const dataEndOffset = getU64(b, 40);
  if (n === undefined || dataEndOffset === undefined || b.length !== INDEX_HEADER_SIZE + 4 * n + 4) {
    return { ok: false, reason: 'index length does not match its object count' };
  }
  if (b.readUInt32BE(b.length - 4) !== crc32c(b.subarray(0, b.length - 4))) {
    return { ok: false, reason: 'index CRC mismatch' };
  }
  const lengths = new Uint32Array(n);
  let end = RECORDS_START;
  for (let i = 0; i < n; i++) {
    const len = b.readUInt32BE(INDEX_HEADER_SIZE + 4 * i);
    if (len > MAX_BLOCK_LENGTH) return { ok: false, reason: `index entry ${i} too large` };
    lengths[i] = len;
    end += RECORD_HEADER_SIZE + len;
  }
  if (end !== dataEndOffset) return { ok: false, reason: 'index data end does not match its entries' };
  return {
    ok: true,
    value: {
      generation: b.readUInt32BE(12),
      cartridgeId: Buffer.from(b.subarray(16, 32)),
      lengths,
      dataEndOffset,
    },
  };
}
