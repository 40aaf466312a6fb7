// WRITE SAME(10) and WRITE SAME(16) (SBC-3/SBC-4 clauses "WRITE SAME (10)/(16) command").
//   byte 1   WRPROTECT (7-5) ANCHOR (4) UNMAP (3) PBDATA (2) LBDATA (1) NDOB (0, WRITE SAME(16) only)
//   (10): 2-5 LBA, 6 GROUP NUMBER (5-0), 7-8 NUMBER OF LOGICAL BLOCKS
//   (16): 2-9 LBA, 10-13 NUMBER OF LOGICAL BLOCKS, 14 GROUP NUMBER (5-0)
// PBDATA and LBDATA are defined in SBC-3 and obsolete in SBC-4; they are kept so that a CDB from
// an older initiator decodes faithfully. NUMBER OF LOGICAL BLOCKS 0 means "to the end of the medium"
// (if the device allows it).
import { newCdb, openCdb, putBits, putU16, putU32, putU64 } from '../bytes';
import type { ByteReader } from '../bytes';
import { invalidCdbField } from '../errors';
import { readProtectField } from './common';

export const WRITE_SAME10_OPCODE = 0x41;
export const WRITE_SAME16_OPCODE = 0x93;

interface WriteSameByte1 {
  wrprotect: number;
  anchor: boolean;
  unmap: boolean;
  /** Obsolete in SBC-4. */
  pbdata: boolean;
  /** Obsolete in SBC-4. */
  lbdata: boolean;
}

export interface WriteSame10Cdb extends WriteSameByte1 {
  logicalBlockAddress: number;
  groupNumber: number;
  numberOfLogicalBlocks: number;
  control: number;
}

export interface WriteSame16Cdb extends WriteSameByte1 {
  /** No Data-Out Buffer (SBC-4): write zeros without transferring a block. */
  ndob: boolean;
  logicalBlockAddress: bigint;
  numberOfLogicalBlocks: number;
  groupNumber: number;
  control: number;
}

function putByte1(b: Buffer, v: WriteSameByte1): void {
  putBits(b, 1, 5, 3, v.wrprotect, 'wrprotect');
  b[1] |= (v.anchor ? 0x10 : 0) | (v.unmap ? 0x08 : 0) | (v.pbdata ? 0x04 : 0) | (v.lbdata ? 0x02 : 0);
}

function readByte1(r: ByteReader): WriteSameByte1 {
  const wrprotect = readProtectField(r, 'WRPROTECT');
  const pbdata = r.bit(1, 2);
  const lbdata = r.bit(1, 1);
  // SBC-3 WRITE SAME: PBDATA and LBDATA both set to one -> INVALID FIELD IN CDB.
  if (pbdata && lbdata) throw invalidCdbField(1, 'PBDATA and LBDATA are both set', 2);
  return { wrprotect, anchor: r.bit(1, 4), unmap: r.bit(1, 3), pbdata, lbdata };
}

export function encodeWriteSame10(v: WriteSame10Cdb): Buffer {
  const b = newCdb(WRITE_SAME10_OPCODE, 10, v.control);
  putByte1(b, v);
  putU32(b, v.logicalBlockAddress, 2, 'logicalBlockAddress');
  putBits(b, 6, 0, 6, v.groupNumber, 'groupNumber');
  putU16(b, v.numberOfLogicalBlocks, 7, 'numberOfLogicalBlocks');
  return b;
}

export function decodeWriteSame10(cdb: Buffer): WriteSame10Cdb {
  const r = openCdb(cdb, WRITE_SAME10_OPCODE, 10, 'WRITE SAME(10)');
  return {
    ...readByte1(r),
    logicalBlockAddress: r.u32(2),
    groupNumber: r.bits(6, 0, 6),
    numberOfLogicalBlocks: r.u16(7),
    control: r.u8(9),
  };
}

export function encodeWriteSame16(v: WriteSame16Cdb): Buffer {
  const b = newCdb(WRITE_SAME16_OPCODE, 16, v.control);
  putByte1(b, v);
  if (v.ndob) b[1] |= 0x01;
  putU64(b, v.logicalBlockAddress, 2, 'logicalBlockAddress');
  putU32(b, v.numberOfLogicalBlocks, 10, 'numberOfLogicalBlocks');
  putBits(b, 14, 0, 6, v.groupNumber, 'groupNumber');
  return b;
}

export function decodeWriteSame16(cdb: Buffer): WriteSame16Cdb {
  const r = openCdb(cdb, WRITE_SAME16_OPCODE, 16, 'WRITE SAME(16)');
  return {
    ...readByte1(r),
    ndob: r.bit(1, 0),
    logicalBlockAddress: r.u64(2),
    numberOfLogicalBlocks: r.u32(10),
    groupNumber: r.bits(14, 0, 6),
    control: r.u8(15),
  };
}
