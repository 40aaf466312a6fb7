// ERASE(6) (SSC-4 6.2): byte 1 bit 1 IMMED, bit 0 LONG. (The SSC-5 byte 2 fields METHOD/SMD/VCM
// are not decoded.)
import { flag, newCdb, openCdb } from '../bytes';

export const ERASE6_OPCODE = 0x19;
export const ERASE6_CDB_LENGTH = 6;

export interface Erase6 {
  immed: boolean;
  /** LONG: erase from the current position to end of partition; false = write an EOD only. */
  long: boolean;
  control: number;
}

export function encodeErase6(v: Erase6): Buffer {
  const b = newCdb(ERASE6_OPCODE, ERASE6_CDB_LENGTH, v.control);
  b[1] = flag(v.immed, 1) | flag(v.long, 0);
  return b;
}

export function decodeErase6(cdb: Buffer): Erase6 {
  const r = openCdb(cdb, ERASE6_OPCODE, ERASE6_CDB_LENGTH, 'ERASE(6)');
  return { immed: r.bit(1, 1), long: r.bit(1, 0), control: r.u8(5) };
}
