// Segment descriptor dispatch (SPC-4 6.4.6): checks the type code and the DESCRIPTOR LENGTH, then
// hands the bytes to the family codec. Vendor specific codes (C0h-DFh) and the defined codes this
// codec does not take apart (15h, BEh, BFh: variable-length reservation and ROD forms) are kept as
// opaque bytes, sized by their DESCRIPTOR LENGTH.
import { ByteReader, checkUint } from '../bytes';
import { type SenseError, illegalRequest, invalidParamField } from '../errors';
import { SEGMENT_FIXED_SIZE, descriptorTypeName, isSegmentDescriptorCode } from './descriptor-codes';
import {
  COPY_SEGMENT_CODES,
  type CopySegment,
  embeddedSegmentLength,
  encodeCopySegment,
  readCopySegment,
} from './segment-copy';
import {
  CONTROL_SEGMENT_CODES,
  type ControlSegment,
  encodeControlSegment,
  isControlSegment,
  readControlSegment,
} from './segment-control';

export interface OpaqueSegment {
  kind: 'opaque';
  descriptorTypeCode: number;
  /** The complete descriptor, header included (bytes 2-3 = bytes.length - 4). */
  bytes: Buffer;
}

export type SegmentDescriptor = CopySegment | ControlSegment | OpaqueSegment;

/** 05/26/09 UNSUPPORTED SEGMENT DESCRIPTOR TYPE CODE pointing at the descriptor's first byte. */
export function unsupportedSegmentType(code: number, field: number): SenseError {
  return illegalRequest(
    0x26,
    0x09,
    `unsupported segment descriptor type code ${code.toString(16).padStart(2, '0')}h (${descriptorTypeName(code)})`,
    { commandData: false, field },
  );
}

/**
 * Decode the segment descriptor `r` covers exactly (DESCRIPTOR LENGTH + 4 bytes; r.base is its
 * offset in the parameter list). A wrong DESCRIPTOR LENGTH for a fixed-size type is 05/26/00 with
 * the field pointer on bytes 2-3 of the descriptor.
 */
export function readSegmentDescriptor(r: ByteReader): SegmentDescriptor {
  const code = r.u8(0, 'DESCRIPTOR TYPE CODE');
  if (!isSegmentDescriptorCode(code)) throw unsupportedSegmentType(code, r.base);
  const fixed = SEGMENT_FIXED_SIZE[code];
  if (fixed !== undefined && r.length !== fixed) {
    throw invalidParamField(
      r.base + 2,
      `DESCRIPTOR LENGTH ${r.length - 4} for type ${code.toString(16)}h must be ${fixed - 4}`,
    );
  }
  if (code === 0x05 && (r.length < 16 || r.length % 4 !== 0)) {
    // SPC-4 6.4.6.7: at least the 12 fixed bytes after the length field, and a multiple of 4.
    throw invalidParamField(
      r.base + 2,
      `DESCRIPTOR LENGTH ${r.length - 4} for type 05h must be >= 12 and a multiple of 4`,
    );
  }
  if (COPY_SEGMENT_CODES.includes(code)) return readCopySegment(r, code);
  if (CONTROL_SEGMENT_CODES.includes(code)) return readControlSegment(r, code);
  return { kind: 'opaque', descriptorTypeCode: code, bytes: r.slice(0, r.length) };
}

/** Decode one segment descriptor standing alone (field pointers relative to its first byte). */
export function decodeSegmentDescriptor(buf: Buffer): SegmentDescriptor {
  const r = new ByteReader(buf, 'param', 0);
  const code = r.u8(0, 'DESCRIPTOR TYPE CODE');
  if (!isSegmentDescriptorCode(code)) throw unsupportedSegmentType(code, 0);
  return readSegmentDescriptor(r.sub(0, 4 + r.u16(2, 'DESCRIPTOR LENGTH'), 'segment descriptor'));
}

export function encodeSegmentDescriptor(s: SegmentDescriptor): Buffer {
  if (s.kind === 'opaque') {
    checkUint(s.descriptorTypeCode, 8, 'descriptorTypeCode');
    if (
      !isSegmentDescriptorCode(s.descriptorTypeCode) ||
      COPY_SEGMENT_CODES.includes(s.descriptorTypeCode) ||
      CONTROL_SEGMENT_CODES.includes(s.descriptorTypeCode)
    ) {
      throw new RangeError(`descriptorTypeCode ${s.descriptorTypeCode} is not kept as opaque bytes`);
    }
    const b = s.bytes;
    if (
      b.length < 4 ||
      b.length > 0xffff + 4 ||
      b[0] !== s.descriptorTypeCode ||
      b.readUInt16BE(2) !== b.length - 4
    ) {
      throw new RangeError(
        'opaque segment bytes need the type code at byte 0 and DESCRIPTOR LENGTH = length - 4',
      );
    }
    return Buffer.from(b);
  }
  return isControlSegment(s) ? encodeControlSegment(s) : encodeCopySegment(s);
}

/** Encoded size of a segment descriptor in bytes. */
export function segmentDescriptorLength(s: SegmentDescriptor): number {
  if (s.kind === 'opaque') return s.bytes.length;
  if (s.kind === 'embeddedToStream') return embeddedSegmentLength(s.embeddedData.length);
  return SEGMENT_FIXED_SIZE[s.descriptorTypeCode];
}
