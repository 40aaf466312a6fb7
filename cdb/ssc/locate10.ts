// LOCATE(10) (SSC-4 6.3): byte 1 bit 2 BT, bit 1 CP, bit 0 IMMED; bytes 3-6 LOGICAL OBJECT
// IDENTIFIER; byte 8 PARTITION (used only when CP=1).
import { flag, newCdb, openCdb, putU32, putU8 } from '../bytes';

export const LOCATE10_OPCODE = 0x2b;
export const LOCATE10_CDB_LENGTH = 10;

export interface Locate10 {
  /** BT: the identifier is a vendor-specific block address; false = logical object identifier. */
  bt: boolean;
  /** CP: change to PARTITION before locating. */
  cp: boolean;
  immed: boolean;
  /** LOGICAL OBJECT IDENTIFIER: blocks and filemarks counted from beginning of partition (first = 0). */
  logicalObjectIdentifier: number;
  partition: number;
  control: number;
}

export function encodeLocate10(v: Locate10): Buffer {
  const b = newCdb(LOCATE10_OPCODE, LOCATE10_CDB_LENGTH, v.control);
  b[1] = flag(v.bt, 2) | flag(v.cp, 1) | flag(v.immed, 0);
  putU32(b, v.logicalObjectIdentifier, 3, 'logicalObjectIdentifier');
  putU8(b, v.partition, 8, 'partition');
  return b;
}

export function decodeLocate10(cdb: Buffer): Locate10 {
  const r = openCdb(cdb, LOCATE10_OPCODE, LOCATE10_CDB_LENGTH, 'LOCATE(10)');
  return {
    bt: r.bit(1, 2),
    cp: r.bit(1, 1),
    immed: r.bit(1, 0),
    logicalObjectIdentifier: r.u32(3, 'LOGICAL OBJECT IDENTIFIER'),
    partition: r.u8(8),
    control: r.u8(9),
  };
}
