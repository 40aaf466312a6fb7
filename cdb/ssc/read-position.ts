// READ POSITION CDB (SSC-4 7.7): byte 1 bits 4-0 SERVICE ACTION, bytes 7-8 ALLOCATION LENGTH.
import { checkUint } from '../bytes';
import { invalidCdbField } from '../errors';
import { newCdb, openCdb, putU16 } from './common';

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
