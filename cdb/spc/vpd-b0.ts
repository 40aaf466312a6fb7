// Block Limits VPD page, B0h (SBC-3 6.6.3; bytes 44-63 from SBC-4 6.6.4).
//
// Devices built to earlier revisions return a shorter page (PAGE LENGTH 0Ch in SBC-2 era devices).
// A field beyond PAGE LENGTH is absent, and SBC-3 gives zero the meaning "not reported / no limit"
// for every field here, so an absent field decodes as 0 (false for UGAVALID). Encoding always writes
// the full 64-byte page (PAGE LENGTH 3Ch).
import { checkUint, flag, putU16, putU32, putU64, putU8 } from '../bytes';
import { readVpdPage, writeVpdPage, type VpdPageHeader } from './inquiry';

export const VPD_BLOCK_LIMITS = 0xb0;
const PAGE_LENGTH = 0x3c;

export interface BlockLimitsPage extends VpdPageHeader {
  /** WSNZ: WRITE SAME with NUMBER OF LOGICAL BLOCKS zero is not supported. */
  wsnz: boolean;
  maximumCompareAndWriteLength: number;
  optimalTransferLengthGranularity: number;
  maximumTransferLength: number;
  optimalTransferLength: number;
  /** MAXIMUM PREFETCH LENGTH (SBC-3 r33 renamed it from MAXIMUM PREFETCH XDREAD XDWRITE TRANSFER LENGTH). */
  maximumPrefetchLength: number;
  maximumUnmapLbaCount: number;
  maximumUnmapBlockDescriptorCount: number;
  optimalUnmapGranularity: number;
  /** UGAVALID: UNMAP GRANULARITY ALIGNMENT is valid. */
  ugavalid: boolean;
  /** 31 bits. */
  unmapGranularityAlignment: number;
  maximumWriteSameLength: bigint;
  maximumAtomicTransferLength: number;
  atomicAlignment: number;
  atomicTransferLengthGranularity: number;
  maximumAtomicTransferLengthWithAtomicBoundary: number;
  maximumAtomicBoundarySize: number;
}

export function encodeBlockLimits(v: BlockLimitsPage): Buffer {
  const b = Buffer.alloc(PAGE_LENGTH);
  // Offsets below are page offsets minus 4.
  b[0] = flag(v.wsnz, 0);
  putU8(b, v.maximumCompareAndWriteLength, 1, 'maximumCompareAndWriteLength');
  putU16(b, v.optimalTransferLengthGranularity, 2, 'optimalTransferLengthGranularity');
  putU32(b, v.maximumTransferLength, 4, 'maximumTransferLength');
  putU32(b, v.optimalTransferLength, 8, 'optimalTransferLength');
  putU32(b, v.maximumPrefetchLength, 12, 'maximumPrefetchLength');
  putU32(b, v.maximumUnmapLbaCount, 16, 'maximumUnmapLbaCount');
  putU32(b, v.maximumUnmapBlockDescriptorCount, 20, 'maximumUnmapBlockDescriptorCount');
  putU32(b, v.optimalUnmapGranularity, 24, 'optimalUnmapGranularity');
  putU32(
    b,
    checkUint(v.unmapGranularityAlignment, 31, 'unmapGranularityAlignment'),
    28,
    'unmapGranularityAlignment',
  );
  b[28] |= flag(v.ugavalid, 7);
  putU64(b, v.maximumWriteSameLength, 32, 'maximumWriteSameLength');
  putU32(b, v.maximumAtomicTransferLength, 40, 'maximumAtomicTransferLength');
  putU32(b, v.atomicAlignment, 44, 'atomicAlignment');
  putU32(b, v.atomicTransferLengthGranularity, 48, 'atomicTransferLengthGranularity');
  putU32(
    b,
    v.maximumAtomicTransferLengthWithAtomicBoundary,
    52,
    'maximumAtomicTransferLengthWithAtomicBoundary',
  );
  putU32(b, v.maximumAtomicBoundarySize, 56, 'maximumAtomicBoundarySize');
  return writeVpdPage(v, VPD_BLOCK_LIMITS, b);
}

export function decodeBlockLimits(buf: Buffer): BlockLimitsPage {
  const { header, body } = readVpdPage(buf, VPD_BLOCK_LIMITS);
  // Page offsets; a field not wholly inside PAGE LENGTH reads as zero.
  const has = (off: number, n: number): boolean => off - 4 + n <= body.length;
  const at = (off: number, n: number): number => (has(off, n) ? body.buf.readUIntBE(off - 4, n) : 0);
  const u32 = (off: number): number => at(off, 4);
  return {
    ...header,
    wsnz: has(4, 1) && body.bit(0, 0),
    maximumCompareAndWriteLength: at(5, 1),
    optimalTransferLengthGranularity: at(6, 2),
    maximumTransferLength: u32(8),
    optimalTransferLength: u32(12),
    maximumPrefetchLength: u32(16),
    maximumUnmapLbaCount: u32(20),
    maximumUnmapBlockDescriptorCount: u32(24),
    optimalUnmapGranularity: u32(28),
    ugavalid: has(32, 4) && body.bit(28, 7),
    unmapGranularityAlignment: u32(32) & 0x7fffffff,
    maximumWriteSameLength: has(36, 8) ? body.u64(32) : 0n,
    maximumAtomicTransferLength: u32(44),
    atomicAlignment: u32(48),
    atomicTransferLengthGranularity: u32(52),
    maximumAtomicTransferLengthWithAtomicBoundary: u32(56),
    maximumAtomicBoundarySize: u32(60),
  };
}
