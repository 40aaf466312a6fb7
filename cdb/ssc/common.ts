// Helpers shared by the SSC codecs: CDB framing checks, signed counts and checked ASCII fields.
import { ByteReader, checkUint } from '../bytes';
import { invalidCdbField, invalidOpcode } from '../errors';

/**
 * Open a CDB for decoding: the OPERATION CODE must match and the buffer must hold the whole CDB.
 * Longer buffers are accepted (transports such as iSCSI carry CDBs in a 16-byte field) and the
 * trailing bytes are ignored.
 */
export function openCdb(cdb: Buffer, opcode: number, cdbLength: number, name: string): ByteReader {
  if (cdb.length === 0) throw invalidCdbField(0, `${name}: empty CDB`);
  if (cdb[0] !== opcode) throw invalidOpcode(cdb[0]);
  const r = new ByteReader(cdb, 'cdb');
  r.need(0, cdbLength, `${name} CDB`);
  return r;
}

/** A zeroed CDB of `cdbLength` bytes with the OPERATION CODE and CONTROL byte filled in. */
export function newCdb(opcode: number, cdbLength: number, control: number): Buffer {
  const b = Buffer.alloc(cdbLength);
  b[0] = opcode;
  b[cdbLength - 1] = checkUint(control, 8, 'control');
  return b;
}

// --- signed counts (two's complement), e.g. SPACE(6) COUNT (SSC-4 6.6) -------------------------

export const INT24_MIN = -0x800000;
export const INT24_MAX = 0x7fffff;

/** Interpret a raw 24-bit field (0..FFFFFFh) as a two's-complement signed value. */
export function signed24FromRaw(raw: number): number {
  const v = checkUint(raw, 24, 'raw 24-bit value');
  return v >= 0x800000 ? v - 0x1000000 : v;
}

/** The raw 24-bit two's-complement encoding of a signed value in -8388608..8388607. */
export function rawFromSigned24(value: number, name = 'signed 24-bit value'): number {
  if (!Number.isInteger(value) || value < INT24_MIN || value > INT24_MAX) {
    throw new RangeError(`${name} = ${value} does not fit in a signed 24-bit field`);
  }
  return value < 0 ? value + 0x1000000 : value;
}

/** Read a signed 24-bit big-endian field. */
export function readSigned24(r: ByteReader, off: number, what = 'signed 24-bit field'): number {
  return signed24FromRaw(r.u24(off, what));
}

/** Write a signed 24-bit big-endian field (RangeError if it does not fit). */
export function putSigned24(buf: Buffer, value: number, off: number, name = 'signed 24-bit value'): void {
  buf.writeUIntBE(rawFromSigned24(value, name), off, 3);
}

export const INT64_MIN = -(1n << 63n);
export const INT64_MAX = (1n << 63n) - 1n;

/** Interpret a raw 64-bit field as a two's-complement signed value (SPACE(16) COUNT). */
export function signed64FromRaw(raw: bigint): bigint {
  return BigInt.asIntN(64, raw);
}

/** Write a signed 64-bit big-endian field (RangeError if it does not fit). */
export function putSigned64(buf: Buffer, value: bigint, off: number, name = 'signed 64-bit value'): void {
  if (value < INT64_MIN || value > INT64_MAX) {
    throw new RangeError(`${name} = ${value} does not fit in a signed 64-bit field`);
  }
  buf.writeBigInt64BE(value, off);
}

/** Write an unsigned 32-bit field after a range check. */
export function putU32(buf: Buffer, value: number, off: number, name: string): void {
  buf.writeUInt32BE(checkUint(value, 32, name), off);
}

/** Write an unsigned 16-bit field after a range check. */
export function putU16(buf: Buffer, value: number, off: number, name: string): void {
  buf.writeUInt16BE(checkUint(value, 16, name), off);
}

/** Write an unsigned 8-bit field after a range check. */
export function putU8(buf: Buffer, value: number, off: number, name: string): void {
  buf[off] = checkUint(value, 8, name);
}

/** Write an unsigned 64-bit field after a range check. */
export function putU64(buf: Buffer, value: bigint, off: number, name: string): void {
  if (value < 0n || value >= 1n << 64n) throw new RangeError(`${name} = ${value} does not fit in 64 bits`);
  buf.writeBigUInt64BE(value, off);
}

/**
 * Space-padded ASCII field (SPC-4 4.3.1). Unlike bytes.putAscii this refuses values that would be
 * truncated or changed on the way back (too long, non-printable, trailing spaces).
 */
export function putAsciiExact(buf: Buffer, value: string, off: number, n: number, name: string): void {
  if (value.length > n) throw new RangeError(`${name} "${value}" is longer than ${n} bytes`);
  if (!/^[\x20-\x7e]*$/.test(value)) throw new RangeError(`${name} "${value}" is not printable ASCII`);
  if (/ $/.test(value)) throw new RangeError(`${name} "${value}" has trailing spaces`);
  buf.fill(0x20, off, off + n);
  buf.write(value, off, n, 'latin1');
}
