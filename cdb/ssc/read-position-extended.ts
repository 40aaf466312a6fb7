// READ POSITION extended form data, service action 08h (SSC-4 7.7): 32 bytes, ADDITIONAL LENGTH 1Ch.
import { ByteReader, putU24, putU64 } from '../bytes';
import { invalidParamField } from '../errors';
import {
  putReadPositionStatus,
  READ_POSITION_EXTENDED_LENGTH,
  readReadPositionStatus,
  type ReadPositionStatus,
} from './read-position';

/** ADDITIONAL LENGTH of the extended form: the bytes after byte 3. */
export const READ_POSITION_EXTENDED_ADDITIONAL_LENGTH = READ_POSITION_EXTENDED_LENGTH - 4;

export interface ReadPositionExtended extends ReadPositionStatus {
  /** NUMBER OF LOGICAL OBJECTS IN OBJECT BUFFER (24 bits). */
  numberOfLogicalObjectsInObjectBuffer: number;
  firstLogicalObjectLocation: bigint;
  lastLogicalObjectLocation: bigint;
  numberOfBytesInObjectBuffer: bigint;
}

export function encodeReadPositionExtended(v: ReadPositionExtended): Buffer {
  const b = Buffer.alloc(READ_POSITION_EXTENDED_LENGTH);
  putReadPositionStatus(b, v);
  b.writeUInt16BE(READ_POSITION_EXTENDED_ADDITIONAL_LENGTH, 2);
  putU24(b, v.numberOfLogicalObjectsInObjectBuffer, 5, 'numberOfLogicalObjectsInObjectBuffer');
  putU64(b, v.firstLogicalObjectLocation, 8, 'firstLogicalObjectLocation');
  putU64(b, v.lastLogicalObjectLocation, 16, 'lastLogicalObjectLocation');
  putU64(b, v.numberOfBytesInObjectBuffer, 24, 'numberOfBytesInObjectBuffer');
  return b;
}

export function decodeReadPositionExtended(buf: Buffer): ReadPositionExtended {
  const r = new ByteReader(buf, 'data-in');
  const additionalLength = r.u16(2, 'ADDITIONAL LENGTH');
  // Fewer than 1Ch additional bytes cannot hold the fields; a longer future form is accepted.
  if (additionalLength < READ_POSITION_EXTENDED_ADDITIONAL_LENGTH) {
    throw invalidParamField(2, `READ POSITION extended form: ADDITIONAL LENGTH ${additionalLength} < 28`);
  }
  r.need(0, READ_POSITION_EXTENDED_LENGTH, 'READ POSITION extended form');
  return {
    ...readReadPositionStatus(r),
    numberOfLogicalObjectsInObjectBuffer: r.u24(5),
    firstLogicalObjectLocation: r.u64(8),
    lastLogicalObjectLocation: r.u64(16),
    numberOfBytesInObjectBuffer: r.u64(24),
  };
}
