// Block Limits VPD page, B0h (SBC-3 6.6.3; bytes 44-63 from SBC-4 6.6.4).
//
// Devices built to earlier revisions return a shorter page (PAGE LENGTH 0Ch in SBC-2 era devices).
// A field beyond PAGE LENGTH is absent, and SBC-3 gives zero the meaning "not reported / no limit"
// for every field here, so an absent field decodes as 0 (false for UGAVALID). Encoding always writes
// the full 64-byte page (PAGE LENGTH 3Ch).
import { checkUint, checkUint64, flag } from '../bytes';
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
  b[1] = checkUint(v.maximumCompareAndWriteLength, 8, 'maximumCompareAndWriteLength');
  b.writeUInt16BE(checkUint(v.optimalTransferLengthGranularity, 16, 'optimalTransferLengthGranularity'), 2);
  const u32 = (value: number, off: number, name: string): void => {
    b.writeUInt32BE(checkUint(value, 32, name), off);
  };
  u32(v.maximumTransferLength, 4, 'maximumTransferLength');
  u32(v.optimalTransferLength, 8, 'optimalTransferLength');
  u32(v.maximumPrefetchLength, 12, 'maximumPrefetchLength');
  u32(v.maximumUnmapLbaCount, 16, 'maximumUnmapLbaCount');
  u32(v.maximumUnmapBlockDescriptorCount, 20, 'maximumUnmapBlockDescriptorCount');
  u32(v.optimalUnmapGranularity, 24, 'optimalUnmapGranularity');
  u32(
    checkUint(v.unmapGranularityAlignment, 31, 'unmapGranularityAlignment'),
    28,
    'unmapGranularityAlignment',
  );
  b[28] |= flag(v.ugavalid, 7);
  b.writeBigUInt64BE(checkUint64(v.maximumWriteSameLength, 'maximumWriteSameLength'), 32);
  u32(v.maximumAtomicTransferLength, 40, 'maximumAtomicTransferLength');
  u32(v.atomicAlignment, 44, 'atomicAlignment');
  u32(v.atomicTransferLengthGranularity, 48, 'atomicTransferLengthGranularity');
  u32(v.maximumAtomicTransferLengthWithAtomicBoundary, 52, 'maximumAtomicTransferLengthWithAtomicBoundary');
  u32(v.maximumAtomicBoundarySize, 56, 'maximumAtomicBoundarySize');
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
