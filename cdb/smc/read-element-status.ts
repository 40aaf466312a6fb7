// READ ELEMENT STATUS CDB (SMC-3 clause "READ ELEMENT STATUS command"), opcode B8h, 12 bytes:
//   byte 1   VOLTAG (4), ELEMENT TYPE CODE (3-0); bits 7-5 obsolete (LUN)
//   2-3      STARTING ELEMENT ADDRESS
//   4-5      NUMBER OF ELEMENTS
//   6        CURDATA (1), DVCID (0)
//   7-9      ALLOCATION LENGTH
//   10       reserved, 11 CONTROL
import { checkUint, newCdb, openCdb, putU16, putU24 } from '../bytes';
import { invalidCdbField } from '../errors';

export const READ_ELEMENT_STATUS_OPCODE = 0xb8;
export const READ_ELEMENT_STATUS_CDB_LENGTH = 12;

/** ELEMENT TYPE CODE values (SMC-3); 5h-Fh are reserved. */
export const ELEMENT_TYPE = {
  all: 0,
  mediumTransport: 1,
  storage: 2,
  importExport: 3,
  dataTransfer: 4,
} as const;

export interface ReadElementStatusCdb {
  /** Report volume tag (barcode) information. */
  voltag: boolean;
  elementTypeCode: number;
  startingElementAddress: number;
  numberOfElements: number;
  /** Current data: answer from cached status without moving the robot. */
  curdata: boolean;
  /** Return device identifiers for the elements. */
  dvcid: boolean;
  allocationLength: number;
  control: number;
}

export function encodeReadElementStatus(v: ReadElementStatusCdb): Buffer {
  const b = newCdb(READ_ELEMENT_STATUS_OPCODE, READ_ELEMENT_STATUS_CDB_LENGTH, v.control);
  b[1] = checkUint(v.elementTypeCode, 4, 'elementTypeCode') | (v.voltag ? 0x10 : 0);
  putU16(b, v.startingElementAddress, 2, 'startingElementAddress');
  putU16(b, v.numberOfElements, 4, 'numberOfElements');
  b[6] = (v.curdata ? 0x02 : 0) | (v.dvcid ? 0x01 : 0);
  putU24(b, v.allocationLength, 7, 'allocationLength');
  return b;
}

export function decodeReadElementStatus(cdb: Buffer): ReadElementStatusCdb {
  const r = openCdb(cdb, READ_ELEMENT_STATUS_OPCODE, READ_ELEMENT_STATUS_CDB_LENGTH, 'READ ELEMENT STATUS');
  const elementTypeCode = r.bits(1, 0, 4);
  if (elementTypeCode > ELEMENT_TYPE.dataTransfer) {
    throw invalidCdbField(1, `ELEMENT TYPE CODE ${elementTypeCode.toString(16)}h is reserved`, 3);
  }
  return {
    voltag: r.bit(1, 4),
    elementTypeCode,
    startingElementAddress: r.u16(2),
    numberOfElements: r.u16(4),
    curdata: r.bit(6, 1),
    dvcid: r.bit(6, 0),
    allocationLength: r.u24(7),
    control: r.u8(11),
  };
}
