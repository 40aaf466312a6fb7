// READ(10) and WRITE(10) (SBC-3/SBC-4 clauses "READ (10) command" and "WRITE (10) command").
//   byte 1   RDPROTECT/WRPROTECT (7-5) DPO (4) FUA (3) RARC (2, READ only)
//   2-5      LOGICAL BLOCK ADDRESS
//   6        GROUP NUMBER (5-0)
//   7-8      TRANSFER LENGTH (0 = no blocks, not an error)
import { newCdb, openCdb, putBits, putU16, putU32 } from '../bytes';
import { putReadByte1, putWriteByte1, readReadByte1, readWriteByte1 } from './common';
import type { ReadByte1, WriteByte1 } from './common';

export const READ10_OPCODE = 0x28;
export const WRITE10_OPCODE = 0x2a;
export const RW10_CDB_LENGTH = 10;

interface Rw10Fields {
  logicalBlockAddress: number;
  groupNumber: number;
  transferLength: number;
  control: number;
}

export interface Read10Cdb extends ReadByte1, Rw10Fields {}
export interface Write10Cdb extends WriteByte1, Rw10Fields {}

function putFields(b: Buffer, v: Rw10Fields): void {
  putU32(b, v.logicalBlockAddress, 2, 'logicalBlockAddress');
  putBits(b, 6, 0, 6, v.groupNumber, 'groupNumber');
  putU16(b, v.transferLength, 7, 'transferLength');
}

export function encodeRead10(v: Read10Cdb): Buffer {
  const b = newCdb(READ10_OPCODE, RW10_CDB_LENGTH, v.control);
  putReadByte1(b, v);
  putFields(b, v);
  return b;
}

export function decodeRead10(cdb: Buffer): Read10Cdb {
  const r = openCdb(cdb, READ10_OPCODE, RW10_CDB_LENGTH, 'READ(10)');
  return {
    ...readReadByte1(r),
    logicalBlockAddress: r.u32(2),
    groupNumber: r.bits(6, 0, 6),
    transferLength: r.u16(7),
    control: r.u8(9),
  };
}

export function encodeWrite10(v: Write10Cdb): Buffer {
  const b = newCdb(WRITE10_OPCODE, RW10_CDB_LENGTH, v.control);
  putWriteByte1(b, v);
  putFields(b, v);
  return b;
}

export function decodeWrite10(cdb: Buffer): Write10Cdb {
  const r = openCdb(cdb, WRITE10_OPCODE, RW10_CDB_LENGTH, 'WRITE(10)');
  return {
    ...readWriteByte1(r),
    logicalBlockAddress: r.u32(2),
    groupNumber: r.bits(6, 0, 6),
    transferLength: r.u16(7),
    control: r.u8(9),
  };
}
