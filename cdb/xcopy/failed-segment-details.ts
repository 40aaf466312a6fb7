// RECEIVE COPY RESULTS service action 04h, FAILED SEGMENT DETAILS (SPC-4 RECEIVE COPY FAILURE
// DETAILS(LID1)): AVAILABLE DATA (0-3), reserved (4-55), COPY COMMAND STATUS (56, the SCSI status
// EXTENDED COPY ended with), reserved (57), SENSE DATA LENGTH (58-59), SENSE DATA from byte 60.
// With no details for the list identifier the response is just AVAILABLE DATA = 0.
//
// Truncation: bytes 0-59 are needed whenever AVAILABLE DATA is not 0 (else 05/1A/00); sense data
// cut short by the allocation length is returned as far as present.
import { ByteReader, putU16, putU8 } from '../bytes';
import { invalidParamField } from '../errors';

export interface FailedSegmentDetails {
  /** false: AVAILABLE DATA was 0 (nothing held); the other fields are then 0 and empty. */
  detailsAvailable: boolean;
  copyCommandStatus: number;
  senseData: Buffer;
}

const SENSE_DATA_OFFSET = 60;
/** AVAILABLE DATA without any sense data: bytes 4-59. */
const FIXED_AVAILABLE = SENSE_DATA_OFFSET - 4;

export function decodeFailedSegmentDetails(buf: Buffer): FailedSegmentDetails {
  const r = new ByteReader(buf, 'data-in', 0);
  const availableData = r.u32(0, 'AVAILABLE DATA');
  if (availableData === 0)
    return { detailsAvailable: false, copyCommandStatus: 0, senseData: Buffer.alloc(0) };
  r.need(0, SENSE_DATA_OFFSET, 'FAILED SEGMENT DETAILS');
  if (availableData < FIXED_AVAILABLE)
    throw invalidParamField(0, `AVAILABLE DATA ${availableData} is less than 56`);
  const senseDataLength = r.u16(58);
  if (senseDataLength > availableData - FIXED_AVAILABLE) {
    throw invalidParamField(58, `SENSE DATA LENGTH ${senseDataLength} exceeds AVAILABLE DATA`);
  }
  return {
    detailsAvailable: true,
    copyCommandStatus: r.u8(56),
    senseData: r.slice(SENSE_DATA_OFFSET, Math.min(senseDataLength, buf.length - SENSE_DATA_OFFSET)),
  };
}

export function encodeFailedSegmentDetails(v: FailedSegmentDetails): Buffer {
  if (!v.detailsAvailable) {
    if (v.copyCommandStatus !== 0 || v.senseData.length !== 0) {
      throw new RangeError('no failed segment details: copyCommandStatus must be 0 and senseData empty');
    }
    return Buffer.alloc(4);
  }
  const buf = Buffer.alloc(SENSE_DATA_OFFSET + v.senseData.length);
  buf.writeUInt32BE(buf.length - 4, 0);
  putU8(buf, v.copyCommandStatus, 56, 'copyCommandStatus');
  putU16(buf, v.senseData.length, 58, 'sense data length');
  v.senseData.copy(buf, SENSE_DATA_OFFSET);
  return buf;
}
