// The eight-byte segment descriptor header shared by every segment type (SPC-4 6.4.6.1):
// byte 0 DESCRIPTOR TYPE CODE, byte 1 bit 1 DC and bit 0 CAT, bytes 2-3 DESCRIPTOR LENGTH (the
// number of bytes after that field), bytes 4-5 SOURCE and 6-7 DESTINATION CSCD DESCRIPTOR ID.
import { checkUint, flag } from '../bytes';

export const SEGMENT_HEADER_LENGTH = 8;

/** A zeroed segment descriptor of `size` bytes with its type code and DESCRIPTOR LENGTH set. */
export function segmentBuffer(descriptorTypeCode: number, size: number): Buffer {
  const buf = Buffer.alloc(size);
  buf[0] = checkUint(descriptorTypeCode, 8, 'descriptorTypeCode');
  buf.writeUInt16BE(checkUint(size - 4, 16, 'descriptor length'), 2);
  return buf;
}

export function putCat(buf: Buffer, cat: boolean, dc = false): void {
  buf[1] = flag(dc, 1) | flag(cat, 0);
}

export function putCscdId(buf: Buffer, off: number, id: number, name: string): void {
  buf.writeUInt16BE(checkUint(id, 16, name), off);
}

export function putU32(buf: Buffer, value: number, off: number, name: string): void {
  buf.writeUInt32BE(checkUint(value, 32, name), off);
}

export function putU16(buf: Buffer, value: number, off: number, name: string): void {
  buf.writeUInt16BE(checkUint(value, 16, name), off);
}

export function putU64(buf: Buffer, value: bigint, off: number, name: string): void {
  if (typeof value !== 'bigint' || value < 0n || value >= 1n << 64n) {
    throw new RangeError(`${name} = ${String(value)} does not fit in 64 bits`);
  }
  buf.writeBigUInt64BE(value, off);
}

/** Check that a descriptor object carries one of the type codes its layout allows. */
export function checkTypeCode<T extends number>(code: T, allowed: readonly number[], kind: string): T {
  if (!allowed.includes(code))
    throw new RangeError(`descriptorTypeCode ${code} is not a ${kind} segment type`);
  return code;
}
