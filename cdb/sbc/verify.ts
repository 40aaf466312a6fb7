// VERIFY(10) and VERIFY(16) (SBC-3/SBC-4 clauses "VERIFY (10) command" and "VERIFY (16) command").
//   byte 1   VRPROTECT (7-5) DPO (4) BYTCHK (2-1) (bit 0 obsolete/reserved)
//   VERIFY(10): 2-5 LBA, 6 GROUP NUMBER (5-0), 7-8 VERIFICATION LENGTH
//   VERIFY(16): 2-9 LBA, 10-13 VERIFICATION LENGTH, 14 GROUP NUMBER (5-0)
import { newCdb, openCdb, putBits, putU16, putU32, putU64 } from '../bytes';
import type { ByteReader } from '../bytes';
import { invalidCdbField } from '../errors';
import { readProtectField } from './common';

export const VERIFY10_OPCODE = 0x2f;
export const VERIFY16_OPCODE = 0x8f;

/** BYTCHK values (SBC-4): 00b no compare, 01b compare every block, 10b reserved, 11b one block for all. */
export const BYTCHK_NONE = 0;
export const BYTCHK_COMPARE = 1;
export const BYTCHK_COMPARE_SAME = 3;

interface VerifyByte1 {
  vrprotect: number;
  dpo: boolean;
  /** BYTCHK, two bits in SBC-4 (SBC-3 had one bit at bit 1, i.e. the values 0 and 1 here). */
  bytchk: number;
}

export interface Verify10Cdb extends VerifyByte1 {
  logicalBlockAddress: number;
  groupNumber: number;
  verificationLength: number;
  control: number;
}

export interface Verify16Cdb extends VerifyByte1 {
  logicalBlockAddress: bigint;
  verificationLength: number;
  groupNumber: number;
  control: number;
}

function putByte1(b: Buffer, v: VerifyByte1): void {
  putBits(b, 1, 5, 3, v.vrprotect, 'vrprotect');
  putBits(b, 1, 1, 2, v.bytchk, 'bytchk');
  if (v.dpo) b[1] |= 0x10;
}

function readByte1(r: ByteReader): VerifyByte1 {
  const vrprotect = readProtectField(r, 'VRPROTECT');
  const bytchk = r.bits(1, 1, 2);
  // SBC-4: BYTCHK 10b is reserved -> INVALID FIELD IN CDB, pointer to the field's top bit.
  if (bytchk === 2) throw invalidCdbField(1, 'BYTCHK 10b is reserved', 2);
  return { vrprotect, dpo: r.bit(1, 4), bytchk };
}

export function encodeVerify10(v: Verify10Cdb): Buffer {
  const b = newCdb(VERIFY10_OPCODE, 10, v.control);
  putByte1(b, v);
  putU32(b, v.logicalBlockAddress, 2, 'logicalBlockAddress');
  putBits(b, 6, 0, 6, v.groupNumber, 'groupNumber');
  putU16(b, v.verificationLength, 7, 'verificationLength');
  return b;
}

export function decodeVerify10(cdb: Buffer): Verify10Cdb {
  const r = openCdb(cdb, VERIFY10_OPCODE, 10, 'VERIFY(10)');
  return {
    ...readByte1(r),
    logicalBlockAddress: r.u32(2),
    groupNumber: r.bits(6, 0, 6),
    verificationLength: r.u16(7),
    control: r.u8(9),
  };
}

export function encodeVerify16(v: Verify16Cdb): Buffer {
  const b = newCdb(VERIFY16_OPCODE, 16, v.control);
  putByte1(b, v);
  putU64(b, v.logicalBlockAddress, 2, 'logicalBlockAddress');
  putU32(b, v.verificationLength, 10, 'verificationLength');
  putBits(b, 14, 0, 6, v.groupNumber, 'groupNumber');
  return b;
}

export function decodeVerify16(cdb: Buffer): Verify16Cdb {
  const r = openCdb(cdb, VERIFY16_OPCODE, 16, 'VERIFY(16)');
  return {
    ...readByte1(r),
    logicalBlockAddress: r.u64(2),
    verificationLength: r.u32(10),
    groupNumber: r.bits(14, 0, 6),
    control: r.u8(15),
  };
}
