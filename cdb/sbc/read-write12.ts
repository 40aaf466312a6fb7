// READ(12) and WRITE(12) (SBC-3/SBC-4 clauses "READ (12) command" and "WRITE (12) command").
//   byte 1   RDPROTECT/WRPROTECT (7-5) DPO (4) FUA (3) RARC (2, READ only)
//   2-5      LOGICAL BLOCK ADDRESS
//   6-9      TRANSFER LENGTH
//   10       bit 7 restricted for MMC, GROUP NUMBER (5-0)
import { newCdb, openCdb, putBits, putU32 } from '../bytes';
import { putReadByte1, putWriteByte1, readReadByte1, readWriteByte1 } from './common';
import type { ReadByte1, WriteByte1 } from './common';

export const READ12_OPCODE = 0xa8;
export const WRITE12_OPCODE = 0xaa;
export const RW12_CDB_LENGTH = 12;

interface Rw12Fields {
  logicalBlockAddress: number;
  transferLength: number;
  groupNumber: number;
  control: number;
}

export interface Read12Cdb extends ReadByte1, Rw12Fields {}
export interface Write12Cdb extends WriteByte1, Rw12Fields {}

function putFields(b: Buffer, v: Rw12Fields): void {
  putU32(b, v.logicalBlockAddress, 2, 'logicalBlockAddress');
  putU32(b, v.transferLength, 6, 'transferLength');
  putBits(b, 10, 0, 6, v.groupNumber, 'groupNumber');
}

export function encodeRead12(v: Read12Cdb): Buffer {
  const b = newCdb(READ12_OPCODE, RW12_CDB_LENGTH, v.control);
  putReadByte1(b, v);
  putFields(b, v);
  return b;
}

export function decodeRead12(cdb: Buffer): Read12Cdb {
  const r = openCdb(cdb, READ12_OPCODE, RW12_CDB_LENGTH, 'READ(12)');
  return {
    ...readReadByte1(r),
    logicalBlockAddress: r.u32(2),
    transferLength: r.u32(6),
    groupNumber: r.bits(10, 0, 6),
    control: r.u8(11),
  };
}

export function encodeWrite12(v: Write12Cdb): Buffer {
  const b = newCdb(WRITE12_OPCODE, RW12_CDB_LENGTH, v.control);
  putWriteByte1(b, v);
  putFields(b, v);
  return b;
}

export function decodeWrite12(cdb: Buffer): Write12Cdb {
  const r = openCdb(cdb, WRITE12_OPCODE, RW12_CDB_LENGTH, 'WRITE(12)');
  return {
    ...readWriteByte1(r),
    logicalBlockAddress: r.u32(2),
    transferLength: r.u32(6),
    groupNumber: r.bits(10, 0, 6),
    control: r.u8(11),
  };
}
