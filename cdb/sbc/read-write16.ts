// READ(16) and WRITE(16) (SBC-3/SBC-4 clauses "READ (16) command" and "WRITE (16) command").
//   byte 1   RDPROTECT/WRPROTECT (7-5) DPO (4) FUA (3) RARC (2, READ only); bit 0 DLD2 not modelled
//   2-9      LOGICAL BLOCK ADDRESS
//   10-13    TRANSFER LENGTH
//   14       DLD1/DLD0 (7-6, SBC-4 duration limits, not modelled), GROUP NUMBER (5-0)
import { newCdb, openCdb, putBits, putU32, putU64 } from '../bytes';
import { putReadByte1, putWriteByte1, readReadByte1, readWriteByte1 } from './common';
import type { ReadByte1, WriteByte1 } from './common';

export const READ16_OPCODE = 0x88;
export const WRITE16_OPCODE = 0x8a;
export const RW16_CDB_LENGTH = 16;

interface Rw16Fields {
  logicalBlockAddress: bigint;
  transferLength: number;
  groupNumber: number;
  control: number;
}

export interface Read16Cdb extends ReadByte1, Rw16Fields {}
export interface Write16Cdb extends WriteByte1, Rw16Fields {}

function putFields(b: Buffer, v: Rw16Fields): void {
  putU64(b, v.logicalBlockAddress, 2, 'logicalBlockAddress');
  putU32(b, v.transferLength, 10, 'transferLength');
  putBits(b, 14, 0, 6, v.groupNumber, 'groupNumber');
}

export function encodeRead16(v: Read16Cdb): Buffer {
  const b = newCdb(READ16_OPCODE, RW16_CDB_LENGTH, v.control);
  putReadByte1(b, v);
  putFields(b, v);
  return b;
}

export function decodeRead16(cdb: Buffer): Read16Cdb {
  const r = openCdb(cdb, READ16_OPCODE, RW16_CDB_LENGTH, 'READ(16)');
  return {
    ...readReadByte1(r),
    logicalBlockAddress: r.u64(2),
    transferLength: r.u32(10),
    groupNumber: r.bits(14, 0, 6),
    control: r.u8(15),
  };
}

export function encodeWrite16(v: Write16Cdb): Buffer {
  const b = newCdb(WRITE16_OPCODE, RW16_CDB_LENGTH, v.control);
  putWriteByte1(b, v);
  putFields(b, v);
  return b;
}

export function decodeWrite16(cdb: Buffer): Write16Cdb {
  const r = openCdb(cdb, WRITE16_OPCODE, RW16_CDB_LENGTH, 'WRITE(16)');
  return {
    ...readWriteByte1(r),
    logicalBlockAddress: r.u64(2),
    transferLength: r.u32(10),
    groupNumber: r.bits(14, 0, 6),
    control: r.u8(15),
  };
}
