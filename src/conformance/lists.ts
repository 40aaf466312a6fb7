// EXTENDED COPY(LID1) parameter lists for the checks: Identification Descriptor CSCD descriptors
// (E4h) naming the LUs by the designator they report in VPD 83h, and the segment descriptors, all
// encoded with the cdb/xcopy codecs. Malformed lists for the error checks are patched bytes.
import { encodeExtendedCopy } from '../../cdb/xcopy/extended-copy';
import { encodeExtendedCopyParameterList, LIST_ID_USAGE } from '../../cdb/xcopy/parameter-list';
import { encodeReceiveCopyResults } from '../../cdb/xcopy/receive-copy-results';
import type { SegmentDescriptor } from '../../cdb/xcopy/segment-descriptor';
import type { TargetDescriptor } from '../../cdb/xcopy/target-descriptor';
import type { LuIdentity } from './probe';

export function blockTarget(lu: LuIdentity, o: { pad?: boolean } = {}): TargetDescriptor {
  return identification(lu, 0x00, { kind: 'block', pad: o.pad ?? false, diskBlockLength: 0 });
}

export function streamTarget(
  lu: LuIdentity,
  o: { pad?: boolean; fixed?: boolean; streamBlockLength?: number } = {},
): TargetDescriptor {
  return identification(lu, 0x01, {
    kind: 'stream',
    pad: o.pad ?? false,
    fixed: o.fixed ?? false,
    streamBlockLength: o.streamBlockLength ?? 0,
  });
}

/** An E4h descriptor for `lu` claiming peripheral device type `pdt` (the error checks lie about it). */
export function identification(
  lu: LuIdentity,
  pdt: number,
  params: Extract<TargetDescriptor, { kind: 'identification' }>['deviceTypeParameters'],
): TargetDescriptor {
  return {
    kind: 'identification',
    luIdType: 0,
    nul: false,
    peripheralDeviceType: pdt,
    relativeInitiatorPortIdentifier: 0,
    codeSet: lu.designator.codeSet,
    association: 0,
    designatorType: lu.designator.designatorType,
    designator: lu.designatorBytes,
    deviceTypeParameters: params,
  };
}

export interface ListSpec {
  listIdentifier: number;
  targets: TargetDescriptor[];
  segments: SegmentDescriptor[];
  inline?: Buffer;
  listIdUsage?: number;
}

export function parameterList(s: ListSpec): Buffer {
  return encodeExtendedCopyParameterList({
    listIdentifier: s.listIdentifier,
    str: false,
    listIdUsage: s.listIdUsage ?? LIST_ID_USAGE.hold,
    priority: 0,
    targetDescriptors: s.targets,
    segmentDescriptors: s.segments,
    inlineData: s.inline ?? Buffer.alloc(0),
  });
}

export function extendedCopyCdb(parameterListLength: number): Buffer {
  return encodeExtendedCopy({ parameterListLength, control: 0 });
}

export function rcrCdb(
  serviceAction: 0 | 1 | 3 | 4,
  listIdentifier: number,
  allocationLength: number,
): Buffer {
  return encodeReceiveCopyResults({ serviceAction, listIdentifier, allocationLength, control: 0 });
}

// ---- segment descriptors ---------------------------------------------------------------------------------

export function blockToBlock(
  src: number,
  dst: number,
  blocks: number,
  srcLba: bigint,
  dstLba: bigint,
  hold = false,
): SegmentDescriptor {
  return {
    kind: 'blockToBlock',
    descriptorTypeCode: hold ? 0x0d : 0x02,
    dc: false,
    cat: false,
    sourceCscdDescriptorId: src,
    destinationCscdDescriptorId: dst,
    blockDeviceNumberOfBlocks: blocks,
    sourceBlockDeviceLogicalBlockAddress: srcLba,
    destinationBlockDeviceLogicalBlockAddress: dstLba,
  };
}

export function blockToStream(
  src: number,
  dst: number,
  blocks: number,
  lba: bigint,
  transferLength: number,
  hold = false,
): SegmentDescriptor {
  return {
    kind: 'blockToStream',
    descriptorTypeCode: hold ? 0x0b : 0x00,
    cat: false,
    sourceCscdDescriptorId: src,
    destinationCscdDescriptorId: dst,
    streamDeviceTransferLength: transferLength,
    blockDeviceNumberOfBlocks: blocks,
    blockDeviceLogicalBlockAddress: lba,
  };
}

export function streamToBlock(
  src: number,
  dst: number,
  blocks: number,
  lba: bigint,
  transferLength: number,
  hold = false,
): SegmentDescriptor {
  return {
    kind: 'streamToBlock',
    descriptorTypeCode: hold ? 0x0c : 0x01,
    cat: false,
    sourceCscdDescriptorId: src,
    destinationCscdDescriptorId: dst,
    streamDeviceTransferLength: transferLength,
    blockDeviceNumberOfBlocks: blocks,
    blockDeviceLogicalBlockAddress: lba,
  };
}

export function streamToStream(
  src: number,
  dst: number,
  srcTransferLength: number,
  dstTransferLength: number,
  byteCount: number,
  hold = false,
): SegmentDescriptor {
  return {
    kind: 'streamToStream',
    descriptorTypeCode: hold ? 0x0e : 0x03,
    cat: false,
    sourceCscdDescriptorId: src,
    destinationCscdDescriptorId: dst,
    sourceStreamDeviceTransferLength: srcTransferLength,
    destinationStreamDeviceTransferLength: dstTransferLength,
    byteCount,
  };
}

export function inlineToStream(
  dst: number,
  transferLength: number,
  offset: number,
  bytes: number,
): SegmentDescriptor {
  return {
    kind: 'inlineToStream',
    descriptorTypeCode: 0x04,
    cat: false,
    destinationCscdDescriptorId: dst,
    streamDeviceTransferLength: transferLength,
    inlineDataOffset: offset,
    inlineDataNumberOfBytes: bytes,
  };
}

export function embeddedToStream(dst: number, transferLength: number, data: Buffer): SegmentDescriptor {
  return {
    kind: 'embeddedToStream',
    descriptorTypeCode: 0x05,
    cat: false,
    destinationCscdDescriptorId: dst,
    streamDeviceTransferLength: transferLength,
    embeddedData: data,
  };
}

export function streamToDiscard(
  src: number,
  transferLength: number,
  bytes: number,
  hold = false,
): SegmentDescriptor {
  return {
    kind: 'streamToDiscard',
    descriptorTypeCode: hold ? 0x0f : 0x06,
    cat: false,
    sourceCscdDescriptorId: src,
    streamDeviceTransferLength: transferLength,
    numberOfBytes: bytes,
  };
}

export function verifyCscd(src: number): SegmentDescriptor {
  return { kind: 'verifyCscd', descriptorTypeCode: 0x07, sourceCscdDescriptorId: src, tur: true };
}

export function blockOffsetToStream(
  src: number,
  dst: number,
  transferLength: number,
  bytes: number,
  lba: bigint,
  byteOffset: number,
): SegmentDescriptor {
  return {
    kind: 'blockOffsetToStream',
    descriptorTypeCode: 0x08,
    cat: false,
    sourceCscdDescriptorId: src,
    destinationCscdDescriptorId: dst,
    streamDeviceTransferLength: transferLength,
    numberOfBytes: bytes,
    blockDeviceLogicalBlockAddress: lba,
    blockDeviceByteOffset: byteOffset,
  };
}

export function streamToBlockOffset(
  src: number,
  dst: number,
  transferLength: number,
  bytes: number,
  lba: bigint,
  byteOffset: number,
): SegmentDescriptor {
  return {
    kind: 'streamToBlockOffset',
    descriptorTypeCode: 0x09,
    cat: false,
    sourceCscdDescriptorId: src,
    destinationCscdDescriptorId: dst,
    streamDeviceTransferLength: transferLength,
    numberOfBytes: bytes,
    blockDeviceLogicalBlockAddress: lba,
    blockDeviceByteOffset: byteOffset,
  };
}

export function blockOffsetToBlockOffset(
  src: number,
  dst: number,
  bytes: number,
  srcLba: bigint,
  dstLba: bigint,
  srcOffset: number,
  dstOffset: number,
): SegmentDescriptor {
  return {
    kind: 'blockOffsetToBlockOffset',
    descriptorTypeCode: 0x0a,
    cat: false,
    sourceCscdDescriptorId: src,
    destinationCscdDescriptorId: dst,
    numberOfBytes: bytes,
    sourceBlockDeviceLogicalBlockAddress: srcLba,
    destinationBlockDeviceLogicalBlockAddress: dstLba,
    sourceBlockDeviceByteOffset: srcOffset,
    destinationBlockDeviceByteOffset: dstOffset,
  };
}

export function writeFilemarks(dst: number, count: number): SegmentDescriptor {
  return {
    kind: 'writeFilemarks',
    descriptorTypeCode: 0x10,
    destinationCscdDescriptorId: dst,
    wImmed: false,
    filemarkCount: count,
  };
}

export function space(dst: number, code: number, count: number): SegmentDescriptor {
  return { kind: 'space', descriptorTypeCode: 0x11, destinationCscdDescriptorId: dst, code, count };
}

export function locate(dst: number, logicalObjectIdentifier: number): SegmentDescriptor {
  return {
    kind: 'locate',
    descriptorTypeCode: 0x12,
    destinationCscdDescriptorId: dst,
    logicalObjectIdentifier,
  };
}

export function registerKey(
  dst: number,
  reservationKey: bigint,
  serviceActionReservationKey: bigint,
): SegmentDescriptor {
  return {
    kind: 'registerKey',
    descriptorTypeCode: 0x14,
    destinationCscdDescriptorId: dst,
    reservationKey,
    serviceActionReservationKey,
  };
}

/** A segment descriptor of type `code` kept as raw bytes (codes the codec does not decode, C0h...). */
export function opaqueSegment(bytes: Buffer): SegmentDescriptor {
  return { kind: 'opaque', descriptorTypeCode: bytes[0], bytes };
}
