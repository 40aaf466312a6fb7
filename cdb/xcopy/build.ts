// Convenience constructors of the typed values the cdb/xcopy codecs encode: segment descriptors
// (SPC-4 6.4.6), the Identification Descriptor CSCD descriptor (E4h, SPC-4 6.4.5.6) and the
// EXTENDED COPY(LID1) parameter list that carries them (6.4.3), plus the EXTENDED COPY(LID1) and
// RECEIVE COPY RESULTS CDBs. Pure functions, no I/O; every field the caller does not give is zero
// (or false), and the encoders check the values.
import { ASSOCIATION, CODE_SET, DESIGNATOR_TYPE } from '../spc/vpd-83';
import { encodeExtendedCopy } from './extended-copy';
import { LIST_ID_USAGE, encodeExtendedCopyParameterList } from './parameter-list';
import { type RcrServiceAction, encodeReceiveCopyResults } from './receive-copy-results';
import type {
  LocateSegment,
  RegisterKeySegment,
  SpaceSegment,
  VerifyCscdSegment,
  WriteFilemarksSegment,
} from './segment-control';
import type {
  BlockOffsetToBlockOffsetSegment,
  BlockOffsetToStreamSegment,
  BlockToBlockSegment,
  BlockToStreamSegment,
  EmbeddedToStreamSegment,
  InlineToStreamSegment,
  StreamToBlockOffsetSegment,
  StreamToBlockSegment,
  StreamToDiscardSegment,
  StreamToStreamSegment,
} from './segment-copy';
import type { OpaqueSegment, SegmentDescriptor } from './segment-descriptor';
import type { DeviceTypeParameters, IdentificationDescriptor, TargetDescriptor } from './target-descriptor';

// ---- CSCD (target) descriptors ---------------------------------------------------------------------

export interface IdentificationTargetFields {
  /** The DESIGNATOR (at most 20 bytes), e.g. the LU's NAA designator from VPD 83h. */
  designator: Buffer;
  /** Default 3h, NAA. */
  designatorType?: number;
  /** Default 1h, binary. */
  codeSet?: number;
  /** Default 0, the logical unit. */
  association?: number;
  peripheralDeviceType: number;
  nul?: boolean;
  deviceTypeParameters: DeviceTypeParameters;
}

/** An E4h descriptor (LU ID TYPE 0, any initiator port: RELATIVE INITIATOR PORT IDENTIFIER 0). */
export function identificationTarget(f: IdentificationTargetFields): IdentificationDescriptor {
  return {
    kind: 'identification',
    luIdType: 0,
    nul: f.nul ?? false,
    peripheralDeviceType: f.peripheralDeviceType,
    relativeInitiatorPortIdentifier: 0,
    codeSet: f.codeSet ?? CODE_SET.BINARY,
    association: f.association ?? ASSOCIATION.LOGICAL_UNIT,
    designatorType: f.designatorType ?? DESIGNATOR_TYPE.NAA,
    designator: f.designator,
    deviceTypeParameters: f.deviceTypeParameters,
  };
}

/** E4h naming a direct access block device (type 00h) by its NAA designator (SPC-4 6.4.5.3). */
export function naaBlockTarget(
  naa: Buffer,
  o: { pad?: boolean; diskBlockLength?: number } = {},
): IdentificationDescriptor {
  return identificationTarget({
    designator: naa,
    peripheralDeviceType: 0x00,
    deviceTypeParameters: { kind: 'block', pad: o.pad ?? false, diskBlockLength: o.diskBlockLength ?? 0 },
  });
}

/**
 * E4h naming a sequential access device (type 01h) by its NAA designator (SPC-4 6.4.5.4). FIXED=0
 * (variable blocks) unless `fixed`; a fixed STREAM BLOCK LENGTH must then be given too.
 */
export function naaStreamTarget(
  naa: Buffer,
  o: { pad?: boolean; fixed?: boolean; streamBlockLength?: number } = {},
): IdentificationDescriptor {
  return identificationTarget({
    designator: naa,
    peripheralDeviceType: 0x01,
    deviceTypeParameters: {
      kind: 'stream',
      pad: o.pad ?? false,
      fixed: o.fixed ?? false,
      streamBlockLength: o.streamBlockLength ?? 0,
    },
  });
}

// ---- segment descriptors ---------------------------------------------------------------------------

/** CAT (SPC-4 6.4.6.1): what to do with residual data when block and stream sizes do not match. */
export interface CatOption {
  cat?: boolean;
}

/** `hold`: the "+application client" type code that keeps the data for RECEIVE COPY DATA. */
export interface HeldCopyOptions extends CatOption {
  hold?: boolean;
}

/** `dc` (DC=1): BLOCK DEVICE NUMBER OF BLOCKS counts destination blocks (SPC-4 6.4.6.4). */
export interface BlockToBlockOptions extends HeldCopyOptions {
  dc?: boolean;
}

/** 00h block->stream, 0Bh with `hold`. */
export function blockToStream(
  src: number,
  dst: number,
  blocks: number,
  lba: bigint,
  transferLength: number,
  o: HeldCopyOptions = {},
): BlockToStreamSegment {
  return {
    kind: 'blockToStream',
    descriptorTypeCode: o.hold === true ? 0x0b : 0x00,
    cat: o.cat ?? false,
    sourceCscdDescriptorId: src,
    destinationCscdDescriptorId: dst,
    streamDeviceTransferLength: transferLength,
    blockDeviceNumberOfBlocks: blocks,
    blockDeviceLogicalBlockAddress: lba,
  };
}

/** 01h stream->block, 0Ch with `hold`. */
export function streamToBlock(
  src: number,
  dst: number,
  blocks: number,
  lba: bigint,
  transferLength: number,
  o: HeldCopyOptions = {},
): StreamToBlockSegment {
  return {
    ...blockToStream(src, dst, blocks, lba, transferLength, o),
    kind: 'streamToBlock',
    descriptorTypeCode: o.hold === true ? 0x0c : 0x01,
  };
}

/** 02h block->block, 0Dh with `hold`. */
export function blockToBlock(
  src: number,
  dst: number,
  blocks: number,
  srcLba: bigint,
  dstLba: bigint,
  o: BlockToBlockOptions = {},
): BlockToBlockSegment {
  return {
    kind: 'blockToBlock',
    descriptorTypeCode: o.hold === true ? 0x0d : 0x02,
    dc: o.dc ?? false,
    cat: o.cat ?? false,
    sourceCscdDescriptorId: src,
    destinationCscdDescriptorId: dst,
    blockDeviceNumberOfBlocks: blocks,
    sourceBlockDeviceLogicalBlockAddress: srcLba,
    destinationBlockDeviceLogicalBlockAddress: dstLba,
  };
}

/** 03h stream->stream, 0Eh with `hold`. */
export function streamToStream(
  src: number,
  dst: number,
  srcTransferLength: number,
  dstTransferLength: number,
  byteCount: number,
  o: HeldCopyOptions = {},
): StreamToStreamSegment {
  return {
    kind: 'streamToStream',
    descriptorTypeCode: o.hold === true ? 0x0e : 0x03,
    cat: o.cat ?? false,
    sourceCscdDescriptorId: src,
    destinationCscdDescriptorId: dst,
    sourceStreamDeviceTransferLength: srcTransferLength,
    destinationStreamDeviceTransferLength: dstTransferLength,
    byteCount,
  };
}

/** 04h inline data->stream; `offset` counts from the first inline data byte (a multiple of 4). */
export function inlineToStream(
  dst: number,
  transferLength: number,
  offset: number,
  bytes: number,
  o: CatOption = {},
): InlineToStreamSegment {
  return {
    kind: 'inlineToStream',
    descriptorTypeCode: 0x04,
    cat: o.cat ?? false,
    destinationCscdDescriptorId: dst,
    streamDeviceTransferLength: transferLength,
    inlineDataOffset: offset,
    inlineDataNumberOfBytes: bytes,
  };
}

/** 05h embedded data->stream: `data` rides in the descriptor. */
export function embeddedToStream(
  dst: number,
  transferLength: number,
  data: Buffer,
  o: CatOption = {},
): EmbeddedToStreamSegment {
  return {
    kind: 'embeddedToStream',
    descriptorTypeCode: 0x05,
    cat: o.cat ?? false,
    destinationCscdDescriptorId: dst,
    streamDeviceTransferLength: transferLength,
    embeddedData: data,
  };
}

/** 06h stream->discard, 0Fh with `hold` (the bytes read are kept for RECEIVE COPY DATA). */
export function streamToDiscard(
  src: number,
  transferLength: number,
  bytes: number,
  o: HeldCopyOptions = {},
): StreamToDiscardSegment {
  return {
    kind: 'streamToDiscard',
    descriptorTypeCode: o.hold === true ? 0x0f : 0x06,
    cat: o.cat ?? false,
    sourceCscdDescriptorId: src,
    streamDeviceTransferLength: transferLength,
    numberOfBytes: bytes,
  };
}

/** 07h verify CSCD; `tur` (TUR=1) also sends TEST UNIT READY. */
export function verifyCscd(src: number, o: { tur?: boolean } = {}): VerifyCscdSegment {
  return { kind: 'verifyCscd', descriptorTypeCode: 0x07, sourceCscdDescriptorId: src, tur: o.tur ?? false };
}

/** 08h block<o>->stream: `bytes` from byte `byteOffset` of block `lba`. */
export function blockOffsetToStream(
  src: number,
  dst: number,
  transferLength: number,
  bytes: number,
  lba: bigint,
  byteOffset: number,
  o: CatOption = {},
): BlockOffsetToStreamSegment {
  return {
    kind: 'blockOffsetToStream',
    descriptorTypeCode: 0x08,
    cat: o.cat ?? false,
    sourceCscdDescriptorId: src,
    destinationCscdDescriptorId: dst,
    streamDeviceTransferLength: transferLength,
    numberOfBytes: bytes,
    blockDeviceLogicalBlockAddress: lba,
    blockDeviceByteOffset: byteOffset,
  };
}

/** 09h stream->block<o>: `bytes` to byte `byteOffset` of block `lba`. */
export function streamToBlockOffset(
  src: number,
  dst: number,
  transferLength: number,
  bytes: number,
  lba: bigint,
  byteOffset: number,
  o: CatOption = {},
): StreamToBlockOffsetSegment {
  return {
    ...blockOffsetToStream(src, dst, transferLength, bytes, lba, byteOffset, o),
    kind: 'streamToBlockOffset',
    descriptorTypeCode: 0x09,
  };
}

/** 0Ah block<o>->block<o>. */
export function blockOffsetToBlockOffset(
  src: number,
  dst: number,
  bytes: number,
  srcLba: bigint,
  dstLba: bigint,
  srcOffset: number,
  dstOffset: number,
  o: CatOption = {},
): BlockOffsetToBlockOffsetSegment {
  return {
    kind: 'blockOffsetToBlockOffset',
    descriptorTypeCode: 0x0a,
    cat: o.cat ?? false,
    sourceCscdDescriptorId: src,
    destinationCscdDescriptorId: dst,
    numberOfBytes: bytes,
    sourceBlockDeviceLogicalBlockAddress: srcLba,
    destinationBlockDeviceLogicalBlockAddress: dstLba,
    sourceBlockDeviceByteOffset: srcOffset,
    destinationBlockDeviceByteOffset: dstOffset,
  };
}

/** 10h write filemarks; `wImmed` sets W_IMMED (WRITE FILEMARKS with IMMED=1). */
export function writeFilemarks(
  dst: number,
  filemarkCount: number,
  o: { wImmed?: boolean } = {},
): WriteFilemarksSegment {
  return {
    kind: 'writeFilemarks',
    descriptorTypeCode: 0x10,
    destinationCscdDescriptorId: dst,
    wImmed: o.wImmed ?? false,
    filemarkCount,
  };
}

/** 11h space: SPACE(6) CODE (0 blocks, 1 filemarks, 3 end of data) and signed COUNT. */
export function space(dst: number, code: number, count: number): SpaceSegment {
  return { kind: 'space', descriptorTypeCode: 0x11, destinationCscdDescriptorId: dst, code, count };
}

/** 12h locate, in the current partition. */
export function locate(dst: number, logicalObjectIdentifier: number): LocateSegment {
  return {
    kind: 'locate',
    descriptorTypeCode: 0x12,
    destinationCscdDescriptorId: dst,
    logicalObjectIdentifier,
  };
}

/** 14h register persistent reservation key (PERSISTENT RESERVE OUT REGISTER on the destination). */
export function registerKey(
  dst: number,
  reservationKey: bigint,
  serviceActionReservationKey: bigint,
): RegisterKeySegment {
  return {
    kind: 'registerKey',
    descriptorTypeCode: 0x14,
    destinationCscdDescriptorId: dst,
    reservationKey,
    serviceActionReservationKey,
  };
}

/** A segment descriptor kept as raw bytes (type code at byte 0, e.g. vendor specific C0h-DFh). */
export function opaqueSegment(bytes: Buffer): OpaqueSegment {
  return { kind: 'opaque', descriptorTypeCode: bytes[0], bytes };
}

// ---- parameter list and CDBs -----------------------------------------------------------------------

export interface ExtendedCopyListSpec {
  /** Default 0. */
  listIdentifier?: number;
  /** Default LIST_ID_USAGE.hold (00b). */
  listIdUsage?: number;
  /** Default 0 (highest). */
  priority?: number;
  targets: TargetDescriptor[];
  segments: SegmentDescriptor[];
  /** Inline data (default none). */
  inline?: Buffer;
}

/** The encoded EXTENDED COPY(LID1) parameter list (STR=0). */
export function extendedCopyParameterList(s: ExtendedCopyListSpec): Buffer {
  return encodeExtendedCopyParameterList({
    listIdentifier: s.listIdentifier ?? 0,
    str: false,
    listIdUsage: s.listIdUsage ?? LIST_ID_USAGE.hold,
    priority: s.priority ?? 0,
    targetDescriptors: s.targets,
    segmentDescriptors: s.segments,
    inlineData: s.inline ?? Buffer.alloc(0),
  });
}

/** EXTENDED COPY(LID1) CDB, CONTROL 0. */
export function extendedCopyCdb(parameterListLength: number): Buffer {
  return encodeExtendedCopy({ parameterListLength, control: 0 });
}

/** RECEIVE COPY RESULTS CDB (LID1 service actions), CONTROL 0. */
export function receiveCopyResultsCdb(
  serviceAction: RcrServiceAction,
  listIdentifier: number,
  allocationLength: number,
): Buffer {
  return encodeReceiveCopyResults({ serviceAction, listIdentifier, allocationLength, control: 0 });
}
