// RECEIVE COPY RESULTS CDB (SPC-4, opcode 84h): SERVICE ACTION in byte 1 bits 4-0, LIST
// IDENTIFIER in byte 2, ALLOCATION LENGTH in bytes 10-13, CONTROL in byte 15. This codec handles
// the LID1 service actions; the rest (05h-08h: LID4 status/data, ROD tokens) answer 05/24/00 on
// the SERVICE ACTION field.
import { ByteReader, newCdb, putU32, putU8 } from '../bytes';
import { invalidCdbField, invalidOpcode } from '../errors';

export const RECEIVE_COPY_RESULTS = 0x84;
export const RECEIVE_COPY_RESULTS_CDB_LENGTH = 16;

/** LID1 service actions (SPC-4 names). */
export const RCR_SERVICE_ACTION = {
  /** RECEIVE COPY STATUS(LID1): progress and completion of a list. */
  copyStatus: 0x00,
  /** RECEIVE COPY DATA(LID1): data held by 0Bh-0Fh segments. */
  receiveData: 0x01,
  /** RECEIVE COPY OPERATING PARAMETERS: limits; byte 2 is reserved. */
  operatingParameters: 0x03,
  /** RECEIVE COPY FAILURE DETAILS(LID1): status and sense of a failed list. */
  failedSegmentDetails: 0x04,
} as const;

export type RcrServiceAction = (typeof RCR_SERVICE_ACTION)[keyof typeof RCR_SERVICE_ACTION];

const SUPPORTED: readonly number[] = Object.values(RCR_SERVICE_ACTION);

export interface ReceiveCopyResultsCdb {
  serviceAction: RcrServiceAction;
  /** LIST IDENTIFIER; always 0 for OPERATING PARAMETERS, where the byte is reserved. */
  listIdentifier: number;
  allocationLength: number;
  control: number;
}

export function decodeReceiveCopyResults(cdb: Buffer): ReceiveCopyResultsCdb {
  const r = new ByteReader(cdb, 'cdb', 0);
  if (r.u8(0, 'OPERATION CODE') !== RECEIVE_COPY_RESULTS) throw invalidOpcode(cdb[0]);
  const sa = r.bits(1, 0, 5, 'SERVICE ACTION');
  if (!SUPPORTED.includes(sa)) {
    throw invalidCdbField(
      1,
      `RECEIVE COPY RESULTS service action ${sa.toString(16).padStart(2, '0')}h not supported`,
      4,
    );
  }
  r.need(0, RECEIVE_COPY_RESULTS_CDB_LENGTH, 'RECEIVE COPY RESULTS CDB');
  if (cdb.length !== RECEIVE_COPY_RESULTS_CDB_LENGTH) {
    throw invalidCdbField(0, `RECEIVE COPY RESULTS CDB is 16 bytes, got ${cdb.length}`);
  }
  const serviceAction = sa as RcrServiceAction;
  return {
    serviceAction,
    listIdentifier: serviceAction === RCR_SERVICE_ACTION.operatingParameters ? 0 : r.u8(2),
    allocationLength: r.u32(10),
    control: r.u8(15),
  };
}

export function encodeReceiveCopyResults(v: ReceiveCopyResultsCdb): Buffer {
  if (!SUPPORTED.includes(v.serviceAction))
    throw new RangeError(`serviceAction ${v.serviceAction} is not a LID1 one`);
  if (v.serviceAction === RCR_SERVICE_ACTION.operatingParameters && v.listIdentifier !== 0) {
    throw new RangeError('OPERATING PARAMETERS has no LIST IDENTIFIER (byte 2 is reserved)');
  }
  const cdb = newCdb(RECEIVE_COPY_RESULTS, RECEIVE_COPY_RESULTS_CDB_LENGTH, v.control, v.serviceAction);
  putU8(cdb, v.listIdentifier, 2, 'listIdentifier');
  putU32(cdb, v.allocationLength, 10, 'allocationLength');
  return cdb;
}
