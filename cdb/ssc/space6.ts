// SPACE(6) (SSC-4 6.6): CODE in byte 1 bits 3-0, COUNT a 24-bit two's-complement signed value
// (negative = toward beginning of partition).
import { checkUint, newCdb, openCdb } from '../bytes';
import { checkSpaceCode, type SpaceCode } from './space-code';
import { putSigned24, readSigned24 } from './common';

export const SPACE6_OPCODE = 0x11;
export const SPACE6_CDB_LENGTH = 6;

export interface Space6 {
  code: SpaceCode;
  /** COUNT, signed, -8388608..8388607 (ignored for end-of-data). */
  count: number;
  control: number;
}

export function encodeSpace6(v: Space6): Buffer {
  const b = newCdb(SPACE6_OPCODE, SPACE6_CDB_LENGTH, v.control);
  b[1] = checkUint(v.code, 4, 'code');
  putSigned24(b, v.count, 2, 'count');
  return b;
}

export function decodeSpace6(cdb: Buffer): Space6 {
  const r = openCdb(cdb, SPACE6_OPCODE, SPACE6_CDB_LENGTH, 'SPACE(6)');
  const code = checkSpaceCode(r.bits(1, 0, 4), 'SPACE(6)');
  return { code, count: readSigned24(r, 2, 'COUNT'), control: r.u8(5) };
}
