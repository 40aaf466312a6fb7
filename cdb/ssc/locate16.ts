// LOCATE(16) (SSC-4 7.4): byte 1 bits 5-3 DEST_TYPE, bit 1 CP, bit 0 IMMED; byte 2 bit 0 BAM;
// byte 3 PARTITION; bytes 4-11 LOGICAL IDENTIFIER.
import { checkUint, flag, newCdb, openCdb, putU64, putU8 } from '../bytes';
import { invalidCdbField } from '../errors';

export const LOCATE16_OPCODE = 0x92;
export const LOCATE16_CDB_LENGTH = 16;

/** DEST_TYPE values (SSC-4 7.4): 010b (logical set identifier) is obsolete, 100b-111b reserved. */
export const LocateDestType = {
  LOGICAL_OBJECT: 0,
  LOGICAL_FILE: 1,
  END_OF_DATA: 3,
} as const;
export type LocateDestType = (typeof LocateDestType)[keyof typeof LocateDestType];

export interface Locate16 {
  /** DEST_TYPE: what LOGICAL IDENTIFIER counts (objects, filemarks) or end-of-data. */
  destType: LocateDestType;
  cp: boolean;
  immed: boolean;
  /** BAM: block address mode, true = explicit address mode. */
  bam: boolean;
  partition: number;
  logicalIdentifier: bigint;
  control: number;
}

export function encodeLocate16(v: Locate16): Buffer {
  const b = newCdb(LOCATE16_OPCODE, LOCATE16_CDB_LENGTH, v.control);
  b[1] = (checkUint(v.destType, 3, 'destType') << 3) | flag(v.cp, 1) | flag(v.immed, 0);
  b[2] = flag(v.bam, 0);
  putU8(b, v.partition, 3, 'partition');
  putU64(b, v.logicalIdentifier, 4, 'logicalIdentifier');
  return b;
}

export function decodeLocate16(cdb: Buffer): Locate16 {
  const r = openCdb(cdb, LOCATE16_OPCODE, LOCATE16_CDB_LENGTH, 'LOCATE(16)');
  const destType = r.bits(1, 3, 3);
  if (destType !== 0 && destType !== 1 && destType !== 3) {
    throw invalidCdbField(
      1,
      `LOCATE(16): DEST_TYPE ${destType.toString(2).padStart(3, '0')}b is obsolete or reserved`,
      5,
    );
  }
  return {
    destType,
    cp: r.bit(1, 1),
    immed: r.bit(1, 0),
    bam: r.bit(2, 0),
    partition: r.u8(3),
    logicalIdentifier: r.u64(4, 'LOGICAL IDENTIFIER'),
    control: r.u8(15),
  };
}
