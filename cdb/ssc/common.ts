// Signed (two's complement) count fields used by the SSC codecs. CDB framing and the unsigned
// checked writers are in ../bytes.
import { ByteReader, checkUint } from '../bytes';

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
