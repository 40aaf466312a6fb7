// MOVE MEDIUM CDB (SMC-3 clause "MOVE MEDIUM command"), opcode A5h, 12 bytes:
//   2-3  MEDIUM TRANSPORT ADDRESS (SMC-2: TRANSPORT ELEMENT ADDRESS; 0 = default transport)
//   4-5  SOURCE ADDRESS
//   6-7  DESTINATION ADDRESS
//   8-9  reserved, 10 bit 0 INVERT, 11 CONTROL
import { newCdb, openCdb, putU16 } from '../bytes';

export const MOVE_MEDIUM_OPCODE = 0xa5;
export const MOVE_MEDIUM_CDB_LENGTH = 12;

export interface MoveMediumCdb {
  mediumTransportAddress: number;
  sourceAddress: number;
  destinationAddress: number;
  /** Rotate (turn over) the medium before placing it. */
  invert: boolean;
  control: number;
}

export function encodeMoveMedium(v: MoveMediumCdb): Buffer {
  const b = newCdb(MOVE_MEDIUM_OPCODE, MOVE_MEDIUM_CDB_LENGTH, v.control);
  putU16(b, v.mediumTransportAddress, 2, 'mediumTransportAddress');
  putU16(b, v.sourceAddress, 4, 'sourceAddress');
  putU16(b, v.destinationAddress, 6, 'destinationAddress');
  if (v.invert) b[10] |= 0x01;
  return b;
}

export function decodeMoveMedium(cdb: Buffer): MoveMediumCdb {
  const r = openCdb(cdb, MOVE_MEDIUM_OPCODE, MOVE_MEDIUM_CDB_LENGTH, 'MOVE MEDIUM');
  return {
    mediumTransportAddress: r.u16(2),
    sourceAddress: r.u16(4),
    destinationAddress: r.u16(6),
    invert: r.bit(10, 0),
    control: r.u8(11),
  };
}
