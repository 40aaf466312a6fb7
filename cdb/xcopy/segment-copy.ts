// Data-moving segment descriptors, SPC-4 6.4.6.2 to 6.4.6.8 and 6.4.6.10 to 6.4.6.12: type codes
// 00h-06h and 08h-0Fh (0Bh-0Fh are the "+application client" forms of 00h-03h and 06h that also
// hold the processed data for RECEIVE COPY DATA). Readers get a ByteReader over exactly one
// descriptor whose DESCRIPTOR LENGTH the dispatcher (segment-descriptor.ts) has already checked.
import { ByteReader, putU16, putU24, putU32, putU64 } from '../bytes';
import { invalidParamField } from '../errors';
import { newSegment, putCat } from './segment-header';

/** The fields of the 00h/01h layout (6.4.6.2, 6.4.6.3), whichever way the data moves. */
interface BlockStreamFields {
  cat: boolean;
  sourceCscdDescriptorId: number;
  destinationCscdDescriptorId: number;
  streamDeviceTransferLength: number;
  blockDeviceNumberOfBlocks: number;
  blockDeviceLogicalBlockAddress: bigint;
}

/** 00h block->stream, 0Bh the same holding data (6.4.6.2). */
export interface BlockToStreamSegment extends BlockStreamFields {
  kind: 'blockToStream';
  descriptorTypeCode: 0x00 | 0x0b;
}

/** 01h stream->block, 0Ch the same holding data (6.4.6.3); same layout as 00h. */
export interface StreamToBlockSegment extends BlockStreamFields {
  kind: 'streamToBlock';
  descriptorTypeCode: 0x01 | 0x0c;
}

/** 02h block->block, 0Dh the same holding data (6.4.6.4). DC=1: the count is of destination blocks. */
export interface BlockToBlockSegment {
  kind: 'blockToBlock';
  descriptorTypeCode: 0x02 | 0x0d;
  dc: boolean;
  cat: boolean;
  sourceCscdDescriptorId: number;
  destinationCscdDescriptorId: number;
  blockDeviceNumberOfBlocks: number;
  sourceBlockDeviceLogicalBlockAddress: bigint;
  destinationBlockDeviceLogicalBlockAddress: bigint;
}

/** 03h stream->stream, 0Eh the same holding data (6.4.6.5). */
export interface StreamToStreamSegment {
  kind: 'streamToStream';
  descriptorTypeCode: 0x03 | 0x0e;
  cat: boolean;
  sourceCscdDescriptorId: number;
  destinationCscdDescriptorId: number;
  sourceStreamDeviceTransferLength: number;
  destinationStreamDeviceTransferLength: number;
  byteCount: number;
}

/** 04h inline data->stream (6.4.6.6). The offset is relative to the first inline data byte. */
export interface InlineToStreamSegment {
  kind: 'inlineToStream';
  descriptorTypeCode: 0x04;
  cat: boolean;
  destinationCscdDescriptorId: number;
  streamDeviceTransferLength: number;
  inlineDataOffset: number;
  inlineDataNumberOfBytes: number;
}

/** 05h embedded data->stream (6.4.6.7): the data rides in the descriptor, padded to 4 bytes. */
export interface EmbeddedToStreamSegment {
  kind: 'embeddedToStream';
  descriptorTypeCode: 0x05;
  cat: boolean;
  destinationCscdDescriptorId: number;
  streamDeviceTransferLength: number;
  /** EMBEDDED DATA NUMBER OF BYTES bytes of the EMBEDDED DATA field. */
  embeddedData: Buffer;
}

/** 06h stream->discard, 0Fh stream read and held for the application client (6.4.6.8). */
export interface StreamToDiscardSegment {
  kind: 'streamToDiscard';
  descriptorTypeCode: 0x06 | 0x0f;
  cat: boolean;
  sourceCscdDescriptorId: number;
  streamDeviceTransferLength: number;
  numberOfBytes: number;
}

/** The fields of the 08h/09h layout (6.4.6.10, 6.4.6.11), whichever way the data moves. */
interface BlockOffsetStreamFields {
  cat: boolean;
  sourceCscdDescriptorId: number;
  destinationCscdDescriptorId: number;
  streamDeviceTransferLength: number;
  numberOfBytes: number;
  blockDeviceLogicalBlockAddress: bigint;
  blockDeviceByteOffset: number;
}

/** 08h block<o>->stream (6.4.6.10). */
export interface BlockOffsetToStreamSegment extends BlockOffsetStreamFields {
  kind: 'blockOffsetToStream';
  descriptorTypeCode: 0x08;
}

/** 09h stream->block<o> (6.4.6.11); same layout as 08h. */
export interface StreamToBlockOffsetSegment extends BlockOffsetStreamFields {
  kind: 'streamToBlockOffset';
  descriptorTypeCode: 0x09;
}

/** 0Ah block<o>->block<o> (6.4.6.12). */
export interface BlockOffsetToBlockOffsetSegment {
  kind: 'blockOffsetToBlockOffset';
  descriptorTypeCode: 0x0a;
  cat: boolean;
  sourceCscdDescriptorId: number;
  destinationCscdDescriptorId: number;
  numberOfBytes: number;
  sourceBlockDeviceLogicalBlockAddress: bigint;
  destinationBlockDeviceLogicalBlockAddress: bigint;
  sourceBlockDeviceByteOffset: number;
  destinationBlockDeviceByteOffset: number;
}

export type CopySegment =
  | BlockToStreamSegment
  | StreamToBlockSegment
  | BlockToBlockSegment
  | StreamToStreamSegment
  | InlineToStreamSegment
  | EmbeddedToStreamSegment
  | StreamToDiscardSegment
  | BlockOffsetToStreamSegment
  | StreamToBlockOffsetSegment
  | BlockOffsetToBlockOffsetSegment;

export const COPY_SEGMENT_CODES: readonly number[] = [
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
];

/** Bytes of EMBEDDED DATA field header before the data (05h): the data starts at byte 16. */
const EMBEDDED_DATA_START = 16;

/** Total length of an 05h descriptor carrying `n` bytes of embedded data (padded to 4). */
export function embeddedSegmentLength(n: number): number {
  return EMBEDDED_DATA_START + Math.ceil(n / 4) * 4;
}

/** Decode one data-moving segment descriptor (code already known to be in COPY_SEGMENT_CODES). */
export function readCopySegment(r: ByteReader, code: number): CopySegment {
  const cat = r.bit(1, 0);
  switch (code) {
    case 0x00:
    case 0x0b:
    case 0x01:
    case 0x0c: {
      const fields: BlockStreamFields = {
        cat,
        sourceCscdDescriptorId: r.u16(4),
        destinationCscdDescriptorId: r.u16(6),
        streamDeviceTransferLength: r.u24(9),
        blockDeviceNumberOfBlocks: r.u16(14),
        blockDeviceLogicalBlockAddress: r.u64(16),
      };
      return code === 0x00 || code === 0x0b
        ? { kind: 'blockToStream', descriptorTypeCode: code, ...fields }
        : { kind: 'streamToBlock', descriptorTypeCode: code, ...fields };
    }
    case 0x02:
    case 0x0d:
      return {
        kind: 'blockToBlock',
        descriptorTypeCode: code,
        dc: r.bit(1, 1),
        cat,
        sourceCscdDescriptorId: r.u16(4),
        destinationCscdDescriptorId: r.u16(6),
        blockDeviceNumberOfBlocks: r.u16(10),
        sourceBlockDeviceLogicalBlockAddress: r.u64(12),
        destinationBlockDeviceLogicalBlockAddress: r.u64(20),
      };
    case 0x03:
    case 0x0e:
      return {
        kind: 'streamToStream',
        descriptorTypeCode: code,
        cat,
        sourceCscdDescriptorId: r.u16(4),
        destinationCscdDescriptorId: r.u16(6),
        sourceStreamDeviceTransferLength: r.u24(9),
        destinationStreamDeviceTransferLength: r.u24(13),
        byteCount: r.u32(16),
      };
    case 0x04: {
      const inlineDataOffset = r.u32(12);
      // SPC-4 6.4.6.6: the INLINE DATA OFFSET value shall be a multiple of 4.
      if (inlineDataOffset % 4 !== 0) {
        throw invalidParamField(r.base + 12, `INLINE DATA OFFSET ${inlineDataOffset} is not a multiple of 4`);
      }
      return {
        kind: 'inlineToStream',
        descriptorTypeCode: 0x04,
        cat,
        destinationCscdDescriptorId: r.u16(6),
        streamDeviceTransferLength: r.u24(9),
        inlineDataOffset,
        inlineDataNumberOfBytes: r.u32(16),
      };
    }
    case 0x05: {
      const n = r.u16(12);
      // SPC-4 6.4.6.7: more embedded bytes than DESCRIPTOR LENGTH minus 12 is 05/26/00.
      if (n > r.length - EMBEDDED_DATA_START) {
        throw invalidParamField(r.base + 12, `EMBEDDED DATA NUMBER OF BYTES ${n} exceeds the descriptor`);
      }
      return {
        kind: 'embeddedToStream',
        descriptorTypeCode: 0x05,
        cat,
        destinationCscdDescriptorId: r.u16(6),
        streamDeviceTransferLength: r.u24(9),
        embeddedData: r.slice(EMBEDDED_DATA_START, n),
      };
    }
    case 0x06:
    case 0x0f:
      return {
        kind: 'streamToDiscard',
        descriptorTypeCode: code,
        cat,
        sourceCscdDescriptorId: r.u16(4),
        streamDeviceTransferLength: r.u24(9),
        numberOfBytes: r.u32(12),
      };
    case 0x08:
    case 0x09: {
      const fields: BlockOffsetStreamFields = {
        cat,
        sourceCscdDescriptorId: r.u16(4),
        destinationCscdDescriptorId: r.u16(6),
        streamDeviceTransferLength: r.u24(9),
        numberOfBytes: r.u32(12),
        blockDeviceLogicalBlockAddress: r.u64(16),
        blockDeviceByteOffset: r.u16(26),
      };
      return code === 0x08
        ? { kind: 'blockOffsetToStream', descriptorTypeCode: 0x08, ...fields }
        : { kind: 'streamToBlockOffset', descriptorTypeCode: 0x09, ...fields };
    }
    default:
      return {
        kind: 'blockOffsetToBlockOffset',
        descriptorTypeCode: 0x0a,
        cat,
        sourceCscdDescriptorId: r.u16(4),
        destinationCscdDescriptorId: r.u16(6),
        numberOfBytes: r.u32(8),
        sourceBlockDeviceLogicalBlockAddress: r.u64(12),
        destinationBlockDeviceLogicalBlockAddress: r.u64(20),
        sourceBlockDeviceByteOffset: r.u16(28),
        destinationBlockDeviceByteOffset: r.u16(30),
      };
  }
}

export function encodeCopySegment(s: CopySegment): Buffer {
  switch (s.kind) {
    case 'blockToStream':
    case 'streamToBlock': {
      const allowed = s.kind === 'blockToStream' ? [0x00, 0x0b] : [0x01, 0x0c];
      const buf = newSegment(s, allowed, 24, s.sourceCscdDescriptorId, s.destinationCscdDescriptorId);
      putCat(buf, s.cat);
      putU24(buf, s.streamDeviceTransferLength, 9, 'streamDeviceTransferLength');
      putU16(buf, s.blockDeviceNumberOfBlocks, 14, 'blockDeviceNumberOfBlocks');
      putU64(buf, s.blockDeviceLogicalBlockAddress, 16, 'blockDeviceLogicalBlockAddress');
      return buf;
    }
    case 'blockToBlock': {
      const buf = newSegment(s, [0x02, 0x0d], 28, s.sourceCscdDescriptorId, s.destinationCscdDescriptorId);
      putCat(buf, s.cat, s.dc);
      putU16(buf, s.blockDeviceNumberOfBlocks, 10, 'blockDeviceNumberOfBlocks');
      putU64(buf, s.sourceBlockDeviceLogicalBlockAddress, 12, 'sourceBlockDeviceLogicalBlockAddress');
      putU64(
        buf,
        s.destinationBlockDeviceLogicalBlockAddress,
        20,
        'destinationBlockDeviceLogicalBlockAddress',
      );
      return buf;
    }
    case 'streamToStream': {
      const buf = newSegment(s, [0x03, 0x0e], 20, s.sourceCscdDescriptorId, s.destinationCscdDescriptorId);
      putCat(buf, s.cat);
      putU24(buf, s.sourceStreamDeviceTransferLength, 9, 'sourceStreamDeviceTransferLength');
      putU24(buf, s.destinationStreamDeviceTransferLength, 13, 'destinationStreamDeviceTransferLength');
      putU32(buf, s.byteCount, 16, 'byteCount');
      return buf;
    }
    case 'inlineToStream': {
      const buf = newSegment(s, [0x04], 20, null, s.destinationCscdDescriptorId);
      putCat(buf, s.cat);
      putU24(buf, s.streamDeviceTransferLength, 9, 'streamDeviceTransferLength');
      putU32(buf, s.inlineDataOffset, 12, 'inlineDataOffset');
      putU32(buf, s.inlineDataNumberOfBytes, 16, 'inlineDataNumberOfBytes');
      return buf;
    }
    case 'embeddedToStream': {
      const n = s.embeddedData.length;
      const buf = newSegment(s, [0x05], embeddedSegmentLength(n), null, s.destinationCscdDescriptorId);
      putCat(buf, s.cat);
      putU24(buf, s.streamDeviceTransferLength, 9, 'streamDeviceTransferLength');
      putU16(buf, n, 12, 'embedded data number of bytes');
      s.embeddedData.copy(buf, EMBEDDED_DATA_START);
      return buf;
    }
    case 'streamToDiscard': {
      const buf = newSegment(s, [0x06, 0x0f], 16, s.sourceCscdDescriptorId, null);
      putCat(buf, s.cat);
      putU24(buf, s.streamDeviceTransferLength, 9, 'streamDeviceTransferLength');
      putU32(buf, s.numberOfBytes, 12, 'numberOfBytes');
      return buf;
    }
    case 'blockOffsetToStream':
    case 'streamToBlockOffset': {
      const allowed = s.kind === 'blockOffsetToStream' ? [0x08] : [0x09];
      const buf = newSegment(s, allowed, 28, s.sourceCscdDescriptorId, s.destinationCscdDescriptorId);
      putCat(buf, s.cat);
      putU24(buf, s.streamDeviceTransferLength, 9, 'streamDeviceTransferLength');
      putU32(buf, s.numberOfBytes, 12, 'numberOfBytes');
      putU64(buf, s.blockDeviceLogicalBlockAddress, 16, 'blockDeviceLogicalBlockAddress');
      putU16(buf, s.blockDeviceByteOffset, 26, 'blockDeviceByteOffset');
      return buf;
    }
    case 'blockOffsetToBlockOffset': {
      const buf = newSegment(s, [0x0a], 32, s.sourceCscdDescriptorId, s.destinationCscdDescriptorId);
      putCat(buf, s.cat);
      putU32(buf, s.numberOfBytes, 8, 'numberOfBytes');
      putU64(buf, s.sourceBlockDeviceLogicalBlockAddress, 12, 'sourceBlockDeviceLogicalBlockAddress');
      putU64(
        buf,
        s.destinationBlockDeviceLogicalBlockAddress,
        20,
        'destinationBlockDeviceLogicalBlockAddress',
      );
      putU16(buf, s.sourceBlockDeviceByteOffset, 28, 'sourceBlockDeviceByteOffset');
      putU16(buf, s.destinationBlockDeviceByteOffset, 30, 'destinationBlockDeviceByteOffset');
      return buf;
    }
    default:
      // Reachable from untyped input (e.g. JSON): report it like any other bad value.
      throw new RangeError(`unknown segment descriptor kind ${String((s as { kind: unknown }).kind)}`);
  }
}
