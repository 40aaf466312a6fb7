// GET LBA STATUS (SERVICE ACTION IN(16) 9Eh / 12h) CDB and parameter data
// (SBC-3/SBC-4 clause "GET LBA STATUS command").
//   CDB: 2-9 STARTING LOGICAL BLOCK ADDRESS, 10-13 ALLOCATION LENGTH, 14 REPORT TYPE, 15 CONTROL
//   Parameter data:
//     0-3  PARAMETER DATA LENGTH (n-3)
//     4-6  reserved; 7 COMPLETION CONDITION (3-1, SBC-4), RTP (0, SBC-4)
//     8..  LBA status descriptors, 16 bytes each:
//            0-7 LBA STATUS LOGICAL BLOCK ADDRESS, 8-11 NUMBER OF LOGICAL BLOCKS,
//            12 PROVISIONING STATUS (3-0), 13 ADDITIONAL STATUS (SBC-4), 14-15 reserved
import { ByteReader, checkUint, newCdb, openCdb, putBits, putU32, putU64, putU8 } from '../bytes';
import { invalidParamField } from '../errors';
import { SERVICE_ACTION_IN_16_OPCODE } from './read-capacity16';

export const GET_LBA_STATUS_SERVICE_ACTION = 0x12;
export const LBA_STATUS_HEADER_LENGTH = 8;
export const LBA_STATUS_DESCRIPTOR_LENGTH = 16;

/** PROVISIONING STATUS values (SBC-4). */
export const PROVISIONING_STATUS = {
  mappedOrUnknown: 0,
  deallocated: 1,
  anchored: 2,
  mapped: 3,
  unknown: 4,
} as const;

export interface GetLbaStatusCdb {
  startingLogicalBlockAddress: bigint;
  allocationLength: number;
  /** REPORT TYPE (byte 14; reserved in SBC-3, 0 = all LBAs). */
  reportType: number;
  control: number;
}

export interface LbaStatusDescriptor {
  lbaStatusLogicalBlockAddress: bigint;
  numberOfLogicalBlocks: number;
  provisioningStatus: number;
  additionalStatus: number;
}

/**
 * GET LBA STATUS parameter data. PARAMETER DATA LENGTH is kept as reported: it describes all the
 * data the device server had, which is more than `descriptors` when ALLOCATION LENGTH truncated
 * the transfer (SPC-4 allocation length rules).
 */
export interface LbaStatusData {
  parameterDataLength: number;
  completionCondition: number;
  /** Report type processed. */
  rtp: boolean;
  descriptors: LbaStatusDescriptor[];
}

/** PARAMETER DATA LENGTH of a complete response holding `count` descriptors. */
export function lbaStatusParameterDataLength(count: number): number {
  return 4 + LBA_STATUS_DESCRIPTOR_LENGTH * count;
}

export function encodeGetLbaStatus(v: GetLbaStatusCdb): Buffer {
  const b = newCdb(SERVICE_ACTION_IN_16_OPCODE, 16, v.control, GET_LBA_STATUS_SERVICE_ACTION);
  putU64(b, v.startingLogicalBlockAddress, 2, 'startingLogicalBlockAddress');
  putU32(b, v.allocationLength, 10, 'allocationLength');
  putU8(b, v.reportType, 14, 'reportType');
  return b;
}

export function decodeGetLbaStatus(cdb: Buffer): GetLbaStatusCdb {
  const r = openCdb(cdb, SERVICE_ACTION_IN_16_OPCODE, 16, 'GET LBA STATUS', GET_LBA_STATUS_SERVICE_ACTION);
  return {
    startingLogicalBlockAddress: r.u64(2),
    allocationLength: r.u32(10),
    reportType: r.u8(14),
    control: r.u8(15),
  };
}

// SBC-4: PARAMETER DATA LENGTH shall be at least 20 (one descriptor) and 4 plus a multiple of 16.
function checkParameterDataLength(pdl: number): string | undefined {
  if (pdl < lbaStatusParameterDataLength(1)) return `PARAMETER DATA LENGTH ${pdl} is less than 20`;
  if ((pdl - 4) % LBA_STATUS_DESCRIPTOR_LENGTH !== 0) {
    return `PARAMETER DATA LENGTH ${pdl} does not end on a descriptor boundary`;
  }
  return undefined;
}

export function encodeLbaStatusData(v: LbaStatusData): Buffer {
  const n = v.descriptors.length;
  const pdl = checkUint(v.parameterDataLength, 32, 'parameterDataLength');
  const bad = checkParameterDataLength(pdl);
  if (bad !== undefined) throw new RangeError(bad);
  if (pdl < lbaStatusParameterDataLength(n)) {
    throw new RangeError(`parameterDataLength ${pdl} is too small for ${n} descriptors`);
  }
  const b = Buffer.alloc(LBA_STATUS_HEADER_LENGTH + n * LBA_STATUS_DESCRIPTOR_LENGTH);
  b.writeUInt32BE(pdl, 0);
  putBits(b, 7, 1, 3, v.completionCondition, 'completionCondition');
  if (v.rtp) b[7] |= 0x01;
  v.descriptors.forEach((d, i) => {
    const off = LBA_STATUS_HEADER_LENGTH + i * LBA_STATUS_DESCRIPTOR_LENGTH;
    putU64(b, d.lbaStatusLogicalBlockAddress, off, `descriptors[${i}].lbaStatusLogicalBlockAddress`);
    putU32(b, d.numberOfLogicalBlocks, off + 8, `descriptors[${i}].numberOfLogicalBlocks`);
    putBits(b, off + 12, 0, 4, d.provisioningStatus, `descriptors[${i}].provisioningStatus`);
    putU8(b, d.additionalStatus, off + 13, `descriptors[${i}].additionalStatus`);
  });
  return b;
}

/**
 * Decode GET LBA STATUS data as received. Complete descriptors inside both the buffer and the
 * PARAMETER DATA LENGTH are returned; a trailing partial descriptor (allocation-length truncation)
 * is dropped. A PARAMETER DATA LENGTH that breaks the SBC-4 rules is INVALID FIELD IN PARAMETER
 * LIST at byte 0; fewer than 8 bytes is PARAMETER LIST LENGTH ERROR.
 */
export function decodeLbaStatusData(buf: Buffer): LbaStatusData {
  const r = new ByteReader(buf, 'data-in');
  r.need(0, LBA_STATUS_HEADER_LENGTH, 'GET LBA STATUS parameter data header');
  const parameterDataLength = r.u32(0);
  const bad = checkParameterDataLength(parameterDataLength);
  if (bad !== undefined) throw invalidParamField(0, bad);
  const end = Math.min(buf.length, 4 + parameterDataLength);
  const count = Math.floor((end - LBA_STATUS_HEADER_LENGTH) / LBA_STATUS_DESCRIPTOR_LENGTH);
  const descriptors: LbaStatusDescriptor[] = [];
  for (let i = 0; i < count; i++) {
    const off = LBA_STATUS_HEADER_LENGTH + i * LBA_STATUS_DESCRIPTOR_LENGTH;
    descriptors.push({
      lbaStatusLogicalBlockAddress: r.u64(off),
      numberOfLogicalBlocks: r.u32(off + 8),
      provisioningStatus: r.bits(off + 12, 0, 4),
      additionalStatus: r.u8(off + 13),
    });
  }
  return {
    parameterDataLength,
    completionCondition: r.bits(7, 1, 3),
    rtp: r.bit(7, 0),
    descriptors,
  };
}
