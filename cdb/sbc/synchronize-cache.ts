// SYNCHRONIZE CACHE(10) and (16) (SBC-3/SBC-4 clauses "SYNCHRONIZE CACHE (10)/(16) command").
//   byte 1   IMMED (1); bit 2 SYNC_NV (obsolete in SBC-4) and bit 0 are not modelled
//   (10): 2-5 LBA, 6 GROUP NUMBER (5-0), 7-8 NUMBER OF LOGICAL BLOCKS
//   (16): 2-9 LBA, 10-13 NUMBER OF LOGICAL BLOCKS, 14 GROUP NUMBER (5-0)
// NUMBER OF LOGICAL BLOCKS 0 means "from LBA to the end of the medium".
import { newCdb, openCdb, putBits, putU16, putU32, putU64 } from '../bytes';

export const SYNCHRONIZE_CACHE10_OPCODE = 0x35;
export const SYNCHRONIZE_CACHE16_OPCODE = 0x91;

export interface SynchronizeCache10Cdb {
  immed: boolean;
  logicalBlockAddress: number;
  groupNumber: number;
  numberOfLogicalBlocks: number;
  control: number;
}

export interface SynchronizeCache16Cdb {
  immed: boolean;
  logicalBlockAddress: bigint;
  numberOfLogicalBlocks: number;
  groupNumber: number;
  control: number;
}

export function encodeSynchronizeCache10(v: SynchronizeCache10Cdb): Buffer {
  const b = newCdb(SYNCHRONIZE_CACHE10_OPCODE, 10, v.control);
  if (v.immed) b[1] |= 0x02;
  putU32(b, v.logicalBlockAddress, 2, 'logicalBlockAddress');
  putBits(b, 6, 0, 6, v.groupNumber, 'groupNumber');
  putU16(b, v.numberOfLogicalBlocks, 7, 'numberOfLogicalBlocks');
  return b;
}

export function decodeSynchronizeCache10(cdb: Buffer): SynchronizeCache10Cdb {
  const r = openCdb(cdb, SYNCHRONIZE_CACHE10_OPCODE, 10, 'SYNCHRONIZE CACHE(10)');
  return {
    immed: r.bit(1, 1),
    logicalBlockAddress: r.u32(2),
    groupNumber: r.bits(6, 0, 6),
    numberOfLogicalBlocks: r.u16(7),
    control: r.u8(9),
  };
}

export function encodeSynchronizeCache16(v: SynchronizeCache16Cdb): Buffer {
  const b = newCdb(SYNCHRONIZE_CACHE16_OPCODE, 16, v.control);
  if (v.immed) b[1] |= 0x02;
  putU64(b, v.logicalBlockAddress, 2, 'logicalBlockAddress');
  putU32(b, v.numberOfLogicalBlocks, 10, 'numberOfLogicalBlocks');
  putBits(b, 14, 0, 6, v.groupNumber, 'groupNumber');
  return b;
}

export function decodeSynchronizeCache16(cdb: Buffer): SynchronizeCache16Cdb {
  const r = openCdb(cdb, SYNCHRONIZE_CACHE16_OPCODE, 16, 'SYNCHRONIZE CACHE(16)');
  return {
    immed: r.bit(1, 1),
    logicalBlockAddress: r.u64(2),
    numberOfLogicalBlocks: r.u32(10),
    groupNumber: r.bits(14, 0, 6),
    control: r.u8(15),
  };
}
