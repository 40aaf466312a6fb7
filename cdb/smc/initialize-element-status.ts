// INITIALIZE ELEMENT STATUS (07h, 6 bytes) and INITIALIZE ELEMENT STATUS WITH RANGE (37h, 10 bytes)
// (SMC-3 clauses of the same names).
//   07h: bytes 1-4 reserved, 5 CONTROL
//   37h: byte 1 FAST (1), RANGE (0); 2-3 STARTING ELEMENT ADDRESS; 4-5 reserved;
//        6-7 NUMBER OF ELEMENTS; 8 reserved; 9 CONTROL
//   With RANGE set to zero the device initializes every element and ignores the two fields.
import { newCdb, openCdb, putU16 } from '../bytes';

export const INITIALIZE_ELEMENT_STATUS_OPCODE = 0x07;
export const INITIALIZE_ELEMENT_STATUS_WITH_RANGE_OPCODE = 0x37;

export interface InitializeElementStatusCdb {
  control: number;
}

export interface InitializeElementStatusWithRangeCdb {
  /** Check only for presence of media, do not scan volume tags. */
  fast: boolean;
  /** Limit the operation to the element range below. */
  range: boolean;
  startingElementAddress: number;
  numberOfElements: number;
  control: number;
}

export function encodeInitializeElementStatus(v: InitializeElementStatusCdb): Buffer {
  return newCdb(INITIALIZE_ELEMENT_STATUS_OPCODE, 6, v.control);
}

export function decodeInitializeElementStatus(cdb: Buffer): InitializeElementStatusCdb {
  const r = openCdb(cdb, INITIALIZE_ELEMENT_STATUS_OPCODE, 6, 'INITIALIZE ELEMENT STATUS');
  return { control: r.u8(5) };
}

export function encodeInitializeElementStatusWithRange(v: InitializeElementStatusWithRangeCdb): Buffer {
  const b = newCdb(INITIALIZE_ELEMENT_STATUS_WITH_RANGE_OPCODE, 10, v.control);
  b[1] = (v.fast ? 0x02 : 0) | (v.range ? 0x01 : 0);
  putU16(b, v.startingElementAddress, 2, 'startingElementAddress');
  putU16(b, v.numberOfElements, 6, 'numberOfElements');
  return b;
}

export function decodeInitializeElementStatusWithRange(cdb: Buffer): InitializeElementStatusWithRangeCdb {
  const r = openCdb(
    cdb,
    INITIALIZE_ELEMENT_STATUS_WITH_RANGE_OPCODE,
    10,
    'INITIALIZE ELEMENT STATUS WITH RANGE',
  );
  return {
    fast: r.bit(1, 1),
    range: r.bit(1, 0),
    startingElementAddress: r.u16(2),
    numberOfElements: r.u16(6),
    control: r.u8(9),
  };
}
