// EXTENDED COPY(LID1) parameter list (SPC-4 6.5, shared fields in 6.4.3): 16-byte header, CSCD
// (target) descriptors, segment descriptors, inline data.
//
// decodeExtendedCopyParameterList validates in four passes so that the first error reported is the
// one SPC-4 and the libiscsi test suite expect when several are present:
//  1. lengths: CSCD + segment descriptor bytes above MAXIMUM DESCRIPTOR LIST LENGTH, or header
//     lengths reaching past the bytes received -> 05/1A/00 (libiscsi DescrLimits and Param);
//  2. counts: too many CSCD descriptors -> 05/26/06, too many segment descriptors -> 05/26/08,
//     inline data above MAXIMUM INLINE DATA LENGTH -> 05/26/0B;
//  3. codes: unsupported CSCD descriptor type -> 05/26/07, unsupported segment type -> 05/26/09,
//     both pointing at the descriptor's first byte;
//  4. fields -> 05/26/00 with the field pointer on the offending byte.
// Bytes after the inline data (a PARAMETER LIST LENGTH larger than the list) are ignored.
import { ByteReader, checkUint, putU16, putU32, putU8 } from '../bytes';
import { type SenseError, illegalRequest, invalidParamField, paramListLengthError } from '../errors';
import {
  CSCD_DESCRIPTOR_UNIT,
  cscdDescriptorSize,
  isCscdDescriptorCode,
  isHeldDataSegmentType,
  isSegmentDescriptorCode,
} from './descriptor-codes';
import type { CopyManagerLimits } from './limits';
import {
  type SegmentDescriptor,
  encodeSegmentDescriptor,
  readSegmentDescriptor,
  segmentDescriptorLength,
  unsupportedSegmentType,
} from './segment-descriptor';
import {
  type TargetDescriptor,
  encodeTargetDescriptor,
  readTargetDescriptor,
  targetDescriptorLength,
} from './target-descriptor';

/** LIST ID USAGE values (SPC-4 6.4.3.2); 01b is reserved. */
export const LIST_ID_USAGE = {
  /** 00b: keep status, held data and failure details for RECEIVE COPY RESULTS. */
  hold: 0,
  /** 10b: the list identifier is valid but held data may be discarded. */
  discard: 2,
  /** 11b: no list identifier (LIST IDENTIFIER must be 0; needs SNLID=1). */
  none: 3,
} as const;

export interface ExtendedCopyParameterList {
  listIdentifier: number;
  /** STR: the block references are mostly sequential over striped devices. */
  str: boolean;
  listIdUsage: number;
  /** PRIORITY: 0 highest; other commands run at 1. */
  priority: number;
  targetDescriptors: TargetDescriptor[];
  segmentDescriptors: SegmentDescriptor[];
  inlineData: Buffer;
}

export const PARAMETER_LIST_HEADER_LENGTH = 16;

/** Where each part of an encoded list starts, for field pointers and listings. */
export interface ParameterListLayout {
  cscdDescriptorOffsets: number[];
  segmentDescriptorOffsets: number[];
  inlineDataOffset: number;
  length: number;
}

export function parameterListLayout(list: ExtendedCopyParameterList): ParameterListLayout {
  let off = PARAMETER_LIST_HEADER_LENGTH;
  const cscdDescriptorOffsets = list.targetDescriptors.map((d) => {
    const at = off;
    off += targetDescriptorLength(d);
    return at;
  });
  const segmentDescriptorOffsets = list.segmentDescriptors.map((s) => {
    const at = off;
    off += segmentDescriptorLength(s);
    return at;
  });
  return {
    cscdDescriptorOffsets,
    segmentDescriptorOffsets,
    inlineDataOffset: off,
    length: off + list.inlineData.length,
  };
}

export function encodeExtendedCopyParameterList(list: ExtendedCopyParameterList): Buffer {
  const targets = list.targetDescriptors.map(encodeTargetDescriptor);
  const segments = list.segmentDescriptors.map(encodeSegmentDescriptor);
  const header = Buffer.alloc(PARAMETER_LIST_HEADER_LENGTH);
  putU8(header, list.listIdentifier, 0, 'listIdentifier');
  header[1] =
    (list.str ? 0x20 : 0) |
    (checkUint(list.listIdUsage, 2, 'listIdUsage') << 3) |
    checkUint(list.priority, 3, 'priority');
  putU16(header, sum(targets), 2, 'CSCD descriptor list length');
  putU32(header, sum(segments), 8, 'segment descriptor list length');
  putU32(header, list.inlineData.length, 12, 'inline data length');
  return Buffer.concat([header, ...targets, ...segments, list.inlineData]);
}

function sum(parts: Buffer[]): number {
  return parts.reduce((n, b) => n + b.length, 0);
}

function listError(asc: number, ascq: number, what: string, field: number): SenseError {
  return illegalRequest(asc, ascq, what, { commandData: false, field });
}

/** Count segment descriptors by walking their DESCRIPTOR LENGTH fields; a cut-off one counts too. */
function countSegments(buf: Buffer, start: number, end: number): number {
  let count = 0;
  for (let off = start; off < end; count++) {
    if (off + 4 > end) return count + 1;
    off += 4 + buf.readUInt16BE(off + 2);
  }
  return count;
}

/**
 * Decode and validate an EXTENDED COPY(LID1) parameter list against a copy manager's limits (see
 * the file comment for the order of checks). Throws only SenseError. A CSCD descriptor count is
 * taken in 32-byte slots, the unit CSCD descriptor IDs address (a 64-byte IPv6 descriptor uses two).
 */
export function decodeExtendedCopyParameterList(
  buf: Buffer,
  limits: CopyManagerLimits,
): ExtendedCopyParameterList {
  const r = new ByteReader(buf, 'param', 0);
  r.need(0, PARAMETER_LIST_HEADER_LENGTH, 'EXTENDED COPY parameter list header');
  const cscdLength = r.u16(2);
  const segmentLength = r.u32(8);
  const inlineLength = r.u32(12);
  const cscdEnd = PARAMETER_LIST_HEADER_LENGTH + cscdLength;
  const segmentEnd = cscdEnd + segmentLength;

  // 1. Lengths (SPC-4 6.4.3.5: the descriptor list above MAXIMUM DESCRIPTOR LIST LENGTH is 1A/00).
  if (cscdLength + segmentLength > limits.maximumDescriptorListLength) {
    throw paramListLengthError(
      `descriptor lists of ${cscdLength + segmentLength} bytes exceed MAXIMUM DESCRIPTOR LIST LENGTH ${limits.maximumDescriptorListLength}`,
    );
  }
  if (segmentEnd + inlineLength > buf.length) {
    throw paramListLengthError(
      `header lengths need ${segmentEnd + inlineLength} bytes, parameter list has ${buf.length}`,
    );
  }

  // 2. Counts (SPC-4 6.4.3.4, 6.4.3.5).
  const cscdCount = Math.ceil(cscdLength / CSCD_DESCRIPTOR_UNIT);
  if (cscdCount > limits.maximumCscdDescriptorCount) {
    throw listError(
      0x26,
      0x06,
      `${cscdCount} CSCD descriptors exceed the maximum ${limits.maximumCscdDescriptorCount}`,
      2,
    );
  }
  const segmentCount = countSegments(buf, cscdEnd, segmentEnd);
  if (segmentCount > limits.maximumSegmentDescriptorCount) {
    throw listError(
      0x26,
      0x08,
      `${segmentCount} segment descriptors exceed the maximum ${limits.maximumSegmentDescriptorCount}`,
      8,
    );
  }
  if (inlineLength > limits.maximumInlineDataLength) {
    throw listError(
      0x26,
      0x0b,
      `inline data of ${inlineLength} bytes exceeds ${limits.maximumInlineDataLength}`,
      12,
    );
  }

  // 3. Descriptor type codes.
  const implemented = new Set(limits.implementedDescriptorTypeCodes);
  // A trailing piece shorter than 32 bytes is no descriptor: pass 4 reports the list length.
  for (
    let off = PARAMETER_LIST_HEADER_LENGTH;
    off + CSCD_DESCRIPTOR_UNIT <= cscdEnd;
    off += cscdDescriptorSize(buf[off])
  ) {
    const code = buf[off];
    if (!isCscdDescriptorCode(code) || !implemented.has(code)) {
      throw listError(
        0x26,
        0x07,
        `unsupported target descriptor type code ${code.toString(16).padStart(2, '0')}h`,
        off,
      );
    }
  }
  for (let off = cscdEnd; off < segmentEnd; off += 4 + buf.readUInt16BE(off + 2)) {
    const code = buf[off];
    if (!isSegmentDescriptorCode(code) || !implemented.has(code)) throw unsupportedSegmentType(code, off);
    if (off + 4 > segmentEnd) break;
  }

  // 4. Fields.
  const listIdentifier = r.u8(0);
  const listIdUsage = r.bits(1, 3, 2);
  if (listIdUsage === 1) throw invalidParamField(1, 'LIST ID USAGE 01b is reserved', 4);
  if (listIdUsage === LIST_ID_USAGE.none && listIdentifier !== 0) {
    throw invalidParamField(0, 'LIST IDENTIFIER must be 0 when LIST ID USAGE is 11b');
  }
  if (cscdLength % CSCD_DESCRIPTOR_UNIT !== 0) {
    throw invalidParamField(2, `CSCD DESCRIPTOR LIST LENGTH ${cscdLength} is not a multiple of 32`);
  }
  const targetDescriptors: TargetDescriptor[] = [];
  for (let off = PARAMETER_LIST_HEADER_LENGTH; off < cscdEnd;) {
    const size = cscdDescriptorSize(buf[off]);
    if (off + size > cscdEnd) {
      throw invalidParamField(
        2,
        `CSCD descriptor at byte ${off} needs ${size} bytes, the list ends at ${cscdEnd}`,
      );
    }
    targetDescriptors.push(readTargetDescriptor(r.sub(off, size)));
    off += size;
  }
  const segmentDescriptors: SegmentDescriptor[] = [];
  for (let off = cscdEnd; off < segmentEnd;) {
    if (off + 4 > segmentEnd) {
      throw invalidParamField(
        8,
        `segment descriptor at byte ${off} is cut off by SEGMENT DESCRIPTOR LIST LENGTH`,
      );
    }
    const size = 4 + r.u16(off + 2);
    if (off + size > segmentEnd) {
      throw invalidParamField(
        off + 2,
        `DESCRIPTOR LENGTH at byte ${off + 2} reaches past the segment descriptor list`,
      );
    }
    // SPC-4 6.4.3.2: LIST ID USAGE 11b with a segment that holds data is 05/26/00.
    if (listIdUsage === LIST_ID_USAGE.none && isHeldDataSegmentType(buf[off])) {
      throw invalidParamField(off, 'segment holds data for the application client but LIST ID USAGE is 11b');
    }
    segmentDescriptors.push(readSegmentDescriptor(r.sub(off, size)));
    off += size;
  }
  return {
    listIdentifier,
    str: r.bit(1, 5),
    listIdUsage,
    priority: r.bits(1, 0, 3),
    targetDescriptors,
    segmentDescriptors,
    inlineData: r.slice(segmentEnd, inlineLength),
  };
}
