// The SBC VPD pages of a disk LU: Block Limits (B0h), Block Device Characteristics (B1h) and
// Logical Block Provisioning (B2h), built from the LU's limits. The handlers enforce the same
// limits, so what the pages say is what the device server does.
import { encodeBlockLimits } from '../../cdb/spc/vpd-b0';
import { encodeBlockDeviceCharacteristics, NON_ROTATING_MEDIUM } from '../../cdb/spc/vpd-b1';
import { encodeLogicalBlockProvisioning, PROVISIONING_TYPE } from '../../cdb/spc/vpd-b2';

export interface DiskLimits {
  /** MAXIMUM TRANSFER LENGTH in blocks. */
  maxTransferBlocks: number;
  /** MAXIMUM WRITE SAME LENGTH in blocks (never 0: the LU always states its limit). */
  maxWriteSameBlocks: number;
  /** MAXIMUM UNMAP LBA COUNT: blocks of all descriptors of one UNMAP together. */
  maxUnmapLbaCount: number;
  /** MAXIMUM UNMAP BLOCK DESCRIPTOR COUNT. */
  maxUnmapDescriptors: number;
  /** OPTIMAL UNMAP GRANULARITY in blocks: the store's provisioning granularity. */
  unmapGranularity: number;
}

export const DEFAULT_MAX_TRANSFER_BYTES = 8 * 1024 * 1024;
/** Default MAXIMUM WRITE SAME LENGTH (capped at the capacity): 4 Mi blocks. */
export const DEFAULT_MAX_WRITE_SAME_BLOCKS = 0x400000;
/** libiscsi's Inquiry.BlockLimits holds anything above 1 Mi blocks or descriptors insane. */
export const MAX_UNMAP_LBA_COUNT = 0x100000;
export const MAX_UNMAP_DESCRIPTORS = 256;

const header = { peripheralQualifier: 0, peripheralDeviceType: 0x00 };

/** Block Limits VPD page (SBC-3 6.5.3). WSNZ=0: WRITE SAME with 0 blocks writes to the last LBA. */
export function blockLimitsPage(l: DiskLimits): Buffer {
  return encodeBlockLimits({
    ...header,
    wsnz: false,
    maximumCompareAndWriteLength: 0,
    optimalTransferLengthGranularity: 1,
    maximumTransferLength: l.maxTransferBlocks,
    optimalTransferLength: l.maxTransferBlocks,
    maximumPrefetchLength: 0,
    maximumUnmapLbaCount: l.maxUnmapLbaCount,
    maximumUnmapBlockDescriptorCount: l.maxUnmapDescriptors,
    optimalUnmapGranularity: l.unmapGranularity,
    ugavalid: true,
    unmapGranularityAlignment: 0,
    maximumWriteSameLength: BigInt(l.maxWriteSameBlocks),
    maximumAtomicTransferLength: 0,
    atomicAlignment: 0,
    atomicTransferLengthGranularity: 0,
    maximumAtomicTransferLengthWithAtomicBoundary: 0,
    maximumAtomicBoundarySize: 0,
  });
}

/** Block Device Characteristics VPD page (SBC-3 6.5.2): a non-rotating medium. */
export function blockDeviceCharacteristicsPage(): Buffer {
  return encodeBlockDeviceCharacteristics({
    ...header,
    mediumRotationRate: NON_ROTATING_MEDIUM,
    productType: 0,
    wabereq: 0,
    wacereq: 0,
    nominalFormFactor: 0,
    zoned: 0,
    fuab: false,
    vbuls: false,
  });
}

/**
 * Logical Block Provisioning VPD page (SBC-3 6.5.4): thin provisioned, UNMAP and WRITE SAME(10)/(16)
 * with UNMAP supported, deallocated blocks read zeros (LBPRZ=1), no ANCHOR (ANC_SUP=0).
 */
export function logicalBlockProvisioningPage(): Buffer {
  return encodeLogicalBlockProvisioning({
    ...header,
    thresholdExponent: 0,
    lbpu: true,
    lbpws: true,
    lbpws10: true,
    lbprz: 1,
    ancSup: false,
    dp: false,
    minimumPercentage: 0,
    provisioningType: PROVISIONING_TYPE.THIN,
    thresholdPercentage: 0,
  });
}
