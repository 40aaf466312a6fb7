// SPACE(16) (SSC-4 clause 7, SPACE(16) command): CODE in byte 1 bits 3-0, COUNT bytes 4-11 (64-bit two's complement),
// PARAMETER LENGTH bytes 12-13.
import { checkUint, newCdb, openCdb, putU16 } from '../bytes';
import { checkSpaceCode, type SpaceCode } from './space-code';
import { putSigned64, signed64FromRaw } from './common';

export const SPACE16_OPCODE = 0x91;
export const SPACE16_CDB_LENGTH = 16;

export interface Space16 {
  code: SpaceCode;
  /** COUNT, signed 64-bit. */
  count: bigint;
  /** PARAMETER LENGTH (no parameter list is defined; devices expect 0). */
  parameterLength: number;
  control: number;
}

export function encodeSpace16(v: Space16): Buffer {
  const b = newCdb(SPACE16_OPCODE, SPACE16_CDB_LENGTH, v.control);
  b[1] = checkUint(v.code, 4, 'code');
  putSigned64(b, v.count, 4, 'count');
  putU16(b, v.parameterLength, 12, 'parameterLength');
  return b;
}

export function decodeSpace16(cdb: Buffer): Space16 {
  const r = openCdb(cdb, SPACE16_OPCODE, SPACE16_CDB_LENGTH, 'SPACE(16)');
  const code = checkSpaceCode(r.bits(1, 0, 4), 'SPACE(16)');
  return {
    code,
    count: signed64FromRaw(r.u64(4, 'COUNT')),
    parameterLength: r.u16(12, 'PARAMETER LENGTH'),
    control: r.u8(15),
  };
}
