// The eight-byte segment descriptor header shared by every segment type (SPC-4 6.4.6.1):
// byte 0 DESCRIPTOR TYPE CODE, byte 1 bit 1 DC and bit 0 CAT, bytes 2-3 DESCRIPTOR LENGTH (the
// number of bytes after that field), bytes 4-5 SOURCE and 6-7 DESTINATION CSCD DESCRIPTOR ID.
import { flag, putU16, putU8 } from '../bytes';

export const SEGMENT_HEADER_LENGTH = 8;

/** A zeroed segment descriptor of `size` bytes with its type code and DESCRIPTOR LENGTH set. */
export function segmentBuffer(descriptorTypeCode: number, size: number): Buffer {
  const buf = Buffer.alloc(size);
  putU8(buf, descriptorTypeCode, 0, 'descriptorTypeCode');
  putU16(buf, size - 4, 2, 'descriptor length');
  return buf;
}

export function putCat(buf: Buffer, cat: boolean, dc = false): void {
  buf[1] = flag(dc, 1) | flag(cat, 0);
}

/** Check that a descriptor object carries one of the type codes its layout allows. */
export function checkTypeCode<T extends number>(code: T, allowed: readonly number[], kind: string): T {
  if (!allowed.includes(code))
    throw new RangeError(`descriptorTypeCode ${code} is not a ${kind} segment type`);
  return code;
}

/**
 * A zeroed `size`-byte descriptor for `s` with the header filled in: DESCRIPTOR TYPE CODE (one of
 * `allowed`), DESCRIPTOR LENGTH and the SOURCE / DESTINATION CSCD DESCRIPTOR IDs. `null` leaves an
 * ID that the descriptor type does not use reserved (zero). Byte 1 (DC, CAT) is the caller's.
 */
export function newSegment(
  s: { kind: string; descriptorTypeCode: number },
  allowed: readonly number[],
  size: number,
  sourceCscdDescriptorId: number | null,
  destinationCscdDescriptorId: number | null,
): Buffer {
  const buf = segmentBuffer(checkTypeCode(s.descriptorTypeCode, allowed, s.kind), size);
  if (sourceCscdDescriptorId !== null) putU16(buf, sourceCscdDescriptorId, 4, 'sourceCscdDescriptorId');
  if (destinationCscdDescriptorId !== null) {
    putU16(buf, destinationCscdDescriptorId, 6, 'destinationCscdDescriptorId');
  }
  return buf;
}
