// READ BLOCK LIMITS CDB (SSC-4 7.6): byte 1 bit 0 MLOI (report the maximum logical object
// identifier, 20-byte data) instead of the 6-byte block length limits.
import { flag, newCdb, openCdb } from '../bytes';

export const READ_BLOCK_LIMITS_OPCODE = 0x05;
export const READ_BLOCK_LIMITS_CDB_LENGTH = 6;
export const READ_BLOCK_LIMITS_DATA_LENGTH = 6;
export const READ_BLOCK_LIMITS_MLOI_DATA_LENGTH = 20;

export interface ReadBlockLimits {
  /** MLOI: return the MAXIMUM LOGICAL OBJECT IDENTIFIER form. */
  mloi: boolean;
  control: number;
}

export function encodeReadBlockLimits(v: ReadBlockLimits): Buffer {
  const b = newCdb(READ_BLOCK_LIMITS_OPCODE, READ_BLOCK_LIMITS_CDB_LENGTH, v.control);
  b[1] = flag(v.mloi, 0);
  return b;
}

export function decodeReadBlockLimits(cdb: Buffer): ReadBlockLimits {
  const r = openCdb(cdb, READ_BLOCK_LIMITS_OPCODE, READ_BLOCK_LIMITS_CDB_LENGTH, 'READ BLOCK LIMITS');
  return { mloi: r.bit(1, 0), control: r.u8(5) };
}
