// READ POSITION CDB (SSC-4 7.7): byte 1 bits 4-0 SERVICE ACTION, bytes 7-8 ALLOCATION LENGTH; and
// the status bytes (flags, PARTITION NUMBER) that its short and extended data forms share.
import { ByteReader, checkUint, flag, newCdb, openCdb, putU16, putU8 } from '../bytes';
import { invalidCdbField } from '../errors';

export const READ_POSITION_OPCODE = 0x34;
export const READ_POSITION_CDB_LENGTH = 10;

/** SERVICE ACTION codes: each selects one response form. */
export const ReadPositionForm = {
  SHORT_BLOCK_ID: 0x00,
  SHORT_VENDOR_SPECIFIC: 0x01,
  LONG: 0x06,
  EXTENDED: 0x08,
} as const;
export type ReadPositionForm = (typeof ReadPositionForm)[keyof typeof ReadPositionForm];

export const READ_POSITION_SHORT_LENGTH = 20;
export const READ_POSITION_LONG_LENGTH = 32;
export const READ_POSITION_EXTENDED_LENGTH = 32;

/**
 * Byte 0 flags and byte 1 PARTITION NUMBER, laid out alike in the short and extended forms
 * (SSC-4 7.7.2, 7.7.4). The long form has its own byte 0 (MPU, LONU) and a 4-byte partition number.
 */
export interface ReadPositionStatus {
  /** BOP: at beginning of partition. */
  bop: boolean;
  /** EOP: between early warning and end of partition. */
  eop: boolean;
  /** LOCU: NUMBER OF LOGICAL OBJECTS IN OBJECT BUFFER is unknown. */
  locu: boolean;
  /** BYCU: NUMBER OF BYTES IN OBJECT BUFFER is unknown. */
  bycu: boolean;
  /** LOLU: the logical object locations are unknown (the older BPU bit). */
  lolu: boolean;
  /** PERR: a location field overflowed (use the long or extended form). */
  perr: boolean;
  /** BPEW: beyond programmable early warning. */
  bpew: boolean;
  partitionNumber: number;
}

export function putReadPositionStatus(b: Buffer, v: ReadPositionStatus): void {
  b[0] =
    flag(v.bop, 7) |
    flag(v.eop, 6) |
    flag(v.locu, 5) |
    flag(v.bycu, 4) |
    flag(v.lolu, 2) |
    flag(v.perr, 1) |
    flag(v.bpew, 0);
  putU8(b, v.partitionNumber, 1, 'partitionNumber');
}

export function readReadPositionStatus(r: ByteReader): ReadPositionStatus {
  return {
    bop: r.bit(0, 7),
    eop: r.bit(0, 6),
    locu: r.bit(0, 5),
    bycu: r.bit(0, 4),
    lolu: r.bit(0, 2),
    perr: r.bit(0, 1),
    bpew: r.bit(0, 0),
    partitionNumber: r.u8(1),
  };
}

export interface ReadPosition {
  serviceAction: ReadPositionForm;
  /** ALLOCATION LENGTH: meaningful only for the extended form; zero for the others. */
  allocationLength: number;
  control: number;
}

export function encodeReadPosition(v: ReadPosition): Buffer {
  const b = newCdb(READ_POSITION_OPCODE, READ_POSITION_CDB_LENGTH, v.control);
  b[1] = checkUint(v.serviceAction, 5, 'serviceAction');
  putU16(b, v.allocationLength, 7, 'allocationLength');
  return b;
}

export function decodeReadPosition(cdb: Buffer): ReadPosition {
  const r = openCdb(cdb, READ_POSITION_OPCODE, READ_POSITION_CDB_LENGTH, 'READ POSITION');
  const sa = r.bits(1, 0, 5);
  if (sa !== 0x00 && sa !== 0x01 && sa !== 0x06 && sa !== 0x08) {
    throw invalidCdbField(
      1,
      `READ POSITION: service action ${sa.toString(16).padStart(2, '0')}h is reserved`,
      4,
    );
  }
  const allocationLength = r.u16(7, 'ALLOCATION LENGTH');
  // SSC-4 7.7 (and HP/Quantum LTO manuals): the short and long forms have a fixed size and take
  // ALLOCATION LENGTH zero; anything else is treated as INVALID FIELD IN CDB.
  if (sa !== ReadPositionForm.EXTENDED && allocationLength !== 0) {
    throw invalidCdbField(7, 'READ POSITION: ALLOCATION LENGTH must be zero for the short and long forms');
  }
  return { serviceAction: sa, allocationLength, control: r.u8(9) };
}
