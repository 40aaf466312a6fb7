// Logical Block Provisioning VPD page, B2h (SBC-3 6.6.4; MINIMUM PERCENTAGE, THRESHOLD PERCENTAGE and
// the 3-bit LBPRZ from SBC-4 6.6.6 -- in SBC-3 the upper LBPRZ bits are reserved and read as zero).
// The provisioning group descriptor is a designation descriptor (SPC-4 7.8.6.1), present iff DP=1.
import { checkUint, flag, putU8 } from '../bytes';
import { invalidParamField } from '../errors';
import { readVpdPage, writeVpdPage, type VpdPageHeader } from './inquiry';
import { encodeDesignationDescriptor, readDesignationDescriptor, type DesignationDescriptor } from './vpd-83';

export const VPD_LOGICAL_BLOCK_PROVISIONING = 0xb2;

/** PROVISIONING TYPE values. */
export const PROVISIONING_TYPE = { FULL: 0, RESOURCE: 1, THIN: 2 } as const;

export interface LogicalBlockProvisioningPage extends VpdPageHeader {
  thresholdExponent: number;
  /** LBPU: UNMAP is supported. */
  lbpu: boolean;
  /** LBPWS: WRITE SAME(16) with UNMAP is supported. */
  lbpws: boolean;
  /** LBPWS10: WRITE SAME(10) with UNMAP is supported. */
  lbpws10: boolean;
  /** LBPRZ (3 bits, SBC-4; SBC-3 has only bit 0): what unmapped blocks read back as. */
  lbprz: number;
  /** ANC_SUP: ANCHOR bit supported. */
  ancSup: boolean;
  /** DP: a provisioning group descriptor is present. */
  dp: boolean;
  /** MINIMUM PERCENTAGE (5 bits). */
  minimumPercentage: number;
  /** PROVISIONING TYPE (3 bits): 0 full, 1 resource, 2 thin. */
  provisioningType: number;
  thresholdPercentage: number;
  /** Set iff dp is true. */
  provisioningGroupDescriptor?: DesignationDescriptor;
}

export function encodeLogicalBlockProvisioning(v: LogicalBlockProvisioningPage): Buffer {
  if (v.dp !== (v.provisioningGroupDescriptor !== undefined)) {
    throw new RangeError('dp must be set exactly when provisioningGroupDescriptor is given');
  }
  const b = Buffer.alloc(4);
  putU8(b, v.thresholdExponent, 0, 'thresholdExponent');
  b[1] =
    flag(v.lbpu, 7) |
    flag(v.lbpws, 6) |
    flag(v.lbpws10, 5) |
    (checkUint(v.lbprz, 3, 'lbprz') << 2) |
    flag(v.ancSup, 1) |
    flag(v.dp, 0);
  b[2] =
    (checkUint(v.minimumPercentage, 5, 'minimumPercentage') << 3) |
    checkUint(v.provisioningType, 3, 'provisioningType');
  putU8(b, v.thresholdPercentage, 3, 'thresholdPercentage');
  const descriptor = v.provisioningGroupDescriptor
    ? encodeDesignationDescriptor(v.provisioningGroupDescriptor)
    : Buffer.alloc(0);
  return writeVpdPage(v, VPD_LOGICAL_BLOCK_PROVISIONING, Buffer.concat([b, descriptor]));
}

export function decodeLogicalBlockProvisioning(buf: Buffer): LogicalBlockProvisioningPage {
  const { header, body } = readVpdPage(buf, VPD_LOGICAL_BLOCK_PROVISIONING);
  body.need(0, 4, 'Logical Block Provisioning VPD page (PAGE LENGTH 4 at least)');
  const dp = body.bit(1, 0);
  const v: LogicalBlockProvisioningPage = {
    ...header,
    thresholdExponent: body.u8(0),
    lbpu: body.bit(1, 7),
    lbpws: body.bit(1, 6),
    lbpws10: body.bit(1, 5),
    lbprz: body.bits(1, 2, 3),
    ancSup: body.bit(1, 1),
    dp,
    minimumPercentage: body.bits(2, 3, 5),
    provisioningType: body.bits(2, 0, 3),
    thresholdPercentage: body.u8(3),
  };
  if (dp) {
    // SBC-3: with DP set the page carries the provisioning group descriptor after byte 7.
    if (body.length < 8)
      throw invalidParamField(5, 'DP is set but there is no provisioning group descriptor', 0);
    v.provisioningGroupDescriptor = readDesignationDescriptor(body, 4)[0];
  }
  return v;
}
