// What the copy manager tells initiators about itself: RECEIVE COPY OPERATING PARAMETERS (SPC-4
// 6.18), the Third-party Copy VPD page 8Fh (SPC-4 7.8.17) and the standard INQUIRY 3PC bit. All
// three are built from the same MoverConfig, so they cannot disagree, and the parameter list
// decoder enforces the same limits.
import type { CopyManagerLimits } from '../../cdb/xcopy/limits';
import { type OperatingParameters, encodeOperatingParameters } from '../../cdb/xcopy/operating-parameters';
import { EXTENDED_COPY, EXTENDED_COPY_LID1 } from '../../cdb/xcopy/extended-copy';
import { RCR_SERVICE_ACTION, RECEIVE_COPY_RESULTS } from '../../cdb/xcopy/receive-copy-results';
import {
  CSCD_ID_COPY_MANAGER,
  CSCD_ID_NULL_BLOCK,
  CSCD_ID_NULL_STREAM,
  IDENTIFICATION_DESCRIPTOR,
} from '../../cdb/xcopy/descriptor-codes';
import { type ThirdPartyCopyPage, TPC_DESCRIPTOR_TYPE, encodeThirdPartyCopy } from '../../cdb/spc/vpd-8f';
import type { MoverConfig } from './config';

/** Vendor specific segment descriptor "digest block range" (see VENDOR-SEGMENTS.md). */
export const DIGEST_SEGMENT_TYPE = 0xc0;

/** Segment types the mover executes, SPC-4 6.4.6 (13h, 15h, 16h, BEh and BFh are answered 26/09). */
export const IMPLEMENTED_SEGMENT_TYPES: readonly number[] = [
  0x00,
  0x01,
  0x02,
  0x03,
  0x04,
  0x05,
  0x06,
  0x07,
  0x08,
  0x09,
  0x0a,
  0x0b,
  0x0c,
  0x0d,
  0x0e,
  0x0f,
  0x10,
  0x11,
  0x12,
  0x14,
  DIGEST_SEGMENT_TYPE,
];

/** Segment and CSCD descriptor type codes, ascending: the IMPLEMENTED DESCRIPTOR TYPE CODES list. */
export const IMPLEMENTED_DESCRIPTOR_TYPE_CODES: readonly number[] = [
  ...IMPLEMENTED_SEGMENT_TYPES,
  IDENTIFICATION_DESCRIPTOR,
];

/**
 * The segment types that only involve block devices (02h, 0Ah, 0Dh; 07h verify, 14h register key,
 * C0h digest): MoverConfig.segmentTypes for a copy manager whose CSCDs are disks (the LIO / VAAI
 * model, and what libiscsi's ExtendedCopy.DescrType expects of a disk LU).
 */
export const BLOCK_SEGMENT_TYPES: readonly number[] = [0x02, 0x07, 0x0a, 0x0d, 0x14, DIGEST_SEGMENT_TYPE];

/** The descriptor type codes a copy manager with this configuration implements, ascending. */
export function implementedDescriptorTypeCodes(config: MoverConfig): number[] {
  if (config.segmentTypes === undefined) return [...IMPLEMENTED_DESCRIPTOR_TYPE_CODES];
  return [...config.segmentTypes, IDENTIFICATION_DESCRIPTOR].sort((a, b) => a - b);
}

/** CSCD descriptor IDs above 07FFh the mover accepts (VPD 8Fh Supported CSCD IDs). */
export const SUPPORTED_CSCD_IDS: readonly number[] = [
  CSCD_ID_NULL_BLOCK,
  CSCD_ID_NULL_STREAM,
  CSCD_ID_COPY_MANAGER,
];

/**
 * MAXIMUM SEGMENT LENGTH: the mover streams any segment through bounded buffers, so the only limit is
 * what the descriptor fields can express; FFFFFFFFh says so.
 */
export const MAXIMUM_SEGMENT_LENGTH = 0xffffffff;

/** The limits the parameter list decoder checks. */
export function decoderLimits(config: MoverConfig): CopyManagerLimits {
  return {
    maximumCscdDescriptorCount: config.limits.maximumCscdDescriptorCount,
    maximumSegmentDescriptorCount: config.limits.maximumSegmentDescriptorCount,
    maximumDescriptorListLength: config.limits.maximumDescriptorListLength,
    maximumInlineDataLength: config.limits.maximumInlineDataLength,
    implementedDescriptorTypeCodes: implementedDescriptorTypeCodes(config),
  };
}

/** RECEIVE COPY OPERATING PARAMETERS data (SPC-4 6.18). */
export function operatingParameters(config: MoverConfig): OperatingParameters {
  const l = config.limits;
  return {
    snlid: true,
    maximumCscdDescriptorCount: l.maximumCscdDescriptorCount,
    maximumSegmentDescriptorCount: l.maximumSegmentDescriptorCount,
    maximumDescriptorListLength: l.maximumDescriptorListLength,
    maximumSegmentLength: MAXIMUM_SEGMENT_LENGTH,
    maximumInlineDataLength: l.maximumInlineDataLength,
    heldDataLimit: l.heldDataLimit,
    maximumStreamDeviceTransferSize: l.maximumStreamDeviceTransferSize,
    totalConcurrentCopies: l.totalConcurrentCopies,
    maximumConcurrentCopies: l.maximumConcurrentCopies,
    // Granularities are log2 values: any byte count, any inline or held data length.
    dataSegmentGranularity: 0,
    inlineDataGranularity: 0,
    heldDataGranularity: 0,
    implementedDescriptorTypeCodes: implementedDescriptorTypeCodes(config),
  };
}

export function encodeMoverOperatingParameters(config: MoverConfig): Buffer {
  return encodeOperatingParameters(operatingParameters(config));
}

/** Third-party Copy VPD page (8Fh) in its decoded form, for a LU of the given device type. */
export function thirdPartyCopyPage(config: MoverConfig, peripheralDeviceType: number): ThirdPartyCopyPage {
  const op = operatingParameters(config);
  return {
    peripheralQualifier: 0,
    peripheralDeviceType,
    thirdPartyCopyDescriptors: [
      {
        descriptorType: TPC_DESCRIPTOR_TYPE.SUPPORTED_COMMANDS,
        commands: [
          { operationCode: EXTENDED_COPY, serviceActions: [EXTENDED_COPY_LID1] },
          {
            operationCode: RECEIVE_COPY_RESULTS,
            serviceActions: [
              RCR_SERVICE_ACTION.copyStatus,
              RCR_SERVICE_ACTION.receiveData,
              RCR_SERVICE_ACTION.operatingParameters,
              RCR_SERVICE_ACTION.failedSegmentDetails,
            ],
          },
        ],
      },
      {
        descriptorType: TPC_DESCRIPTOR_TYPE.PARAMETER_DATA,
        maximumCscdDescriptorCount: op.maximumCscdDescriptorCount,
        maximumSegmentDescriptorCount: op.maximumSegmentDescriptorCount,
        maximumDescriptorListLength: op.maximumDescriptorListLength,
        maximumInlineDataLength: op.maximumInlineDataLength,
      },
      {
        descriptorType: TPC_DESCRIPTOR_TYPE.SUPPORTED_DESCRIPTORS,
        descriptorTypeCodes: [...op.implementedDescriptorTypeCodes],
      },
      {
        descriptorType: TPC_DESCRIPTOR_TYPE.SUPPORTED_CSCD_DESCRIPTOR_IDS,
        cscdDescriptorIds: [...SUPPORTED_CSCD_IDS],
      },
      {
        descriptorType: TPC_DESCRIPTOR_TYPE.GENERAL_COPY_OPERATIONS,
        totalConcurrentCopies: op.totalConcurrentCopies,
        maximumIdentifiedConcurrentCopies: op.maximumConcurrentCopies,
        maximumSegmentLength: op.maximumSegmentLength,
        dataSegmentGranularity: op.dataSegmentGranularity,
        inlineDataGranularity: op.inlineDataGranularity,
      },
      {
        descriptorType: TPC_DESCRIPTOR_TYPE.STREAM_COPY_OPERATIONS,
        maximumStreamDeviceTransferSize: op.maximumStreamDeviceTransferSize,
      },
      {
        descriptorType: TPC_DESCRIPTOR_TYPE.HELD_DATA,
        heldDataLimit: op.heldDataLimit,
        heldDataGranularity: op.heldDataGranularity,
      },
    ],
  };
}

/** The whole VPD page 8Fh, header included. */
export function encodeThirdPartyCopyPage(config: MoverConfig, peripheralDeviceType: number): Buffer {
  return encodeThirdPartyCopy(thirdPartyCopyPage(config, peripheralDeviceType));
}

/** Standard INQUIRY byte 5 bit 3: 3PC, the LU contains a copy manager (SPC-4 6.6.2). */
export const INQUIRY_3PC_BYTE = 5;
export const INQUIRY_3PC_MASK = 0x08;

/** Set 3PC in a standard INQUIRY data buffer (in place) and return it. */
export function setThirdPartyCopyBit(standardInquiryData: Buffer): Buffer {
  if (standardInquiryData.length > INQUIRY_3PC_BYTE)
    standardInquiryData[INQUIRY_3PC_BYTE] |= INQUIRY_3PC_MASK;
  return standardInquiryData;
}
