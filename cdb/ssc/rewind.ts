// REWIND (SSC-4 clause 7, REWIND command): byte 1 bit 0 IMMED.
import { flag, newCdb, openCdb } from '../bytes';

export const REWIND_OPCODE = 0x01;
export const REWIND_CDB_LENGTH = 6;

export interface Rewind {
  immed: boolean;
  control: number;
}

export function encodeRewind(v: Rewind): Buffer {
  const b = newCdb(REWIND_OPCODE, REWIND_CDB_LENGTH, v.control);
  b[1] = flag(v.immed, 0);
  return b;
}

export function decodeRewind(cdb: Buffer): Rewind {
  const r = openCdb(cdb, REWIND_OPCODE, REWIND_CDB_LENGTH, 'REWIND');
  return { immed: r.bit(1, 0), control: r.u8(5) };
}
