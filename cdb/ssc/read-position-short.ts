// READ POSITION short form data, service actions 00h/01h (SSC-4 7.7): 20 bytes.
import { ByteReader, putU24, putU32 } from '../bytes';
import {
  putReadPositionStatus,
  READ_POSITION_SHORT_LENGTH,
  readReadPositionStatus,
  type ReadPositionStatus,
} from './read-position';

export interface ReadPositionShort extends ReadPositionStatus {
  firstLogicalObjectLocation: number;
  lastLogicalObjectLocation: number;
  /** NUMBER OF LOGICAL OBJECTS IN OBJECT BUFFER (24 bits). */
  numberOfLogicalObjectsInObjectBuffer: number;
  numberOfBytesInObjectBuffer: number;
}

export function encodeReadPositionShort(v: ReadPositionShort): Buffer {
  const b = Buffer.alloc(READ_POSITION_SHORT_LENGTH);
  putReadPositionStatus(b, v);
  putU32(b, v.firstLogicalObjectLocation, 4, 'firstLogicalObjectLocation');
  putU32(b, v.lastLogicalObjectLocation, 8, 'lastLogicalObjectLocation');
  putU24(b, v.numberOfLogicalObjectsInObjectBuffer, 13, 'numberOfLogicalObjectsInObjectBuffer');
  putU32(b, v.numberOfBytesInObjectBuffer, 16, 'numberOfBytesInObjectBuffer');
  return b;
}

export function decodeReadPositionShort(buf: Buffer): ReadPositionShort {
  const r = new ByteReader(buf, 'data-in');
  r.need(0, READ_POSITION_SHORT_LENGTH, 'READ POSITION short form');
  return {
    ...readReadPositionStatus(r),
    firstLogicalObjectLocation: r.u32(4),
    lastLogicalObjectLocation: r.u32(8),
    numberOfLogicalObjectsInObjectBuffer: r.u24(13),
    numberOfBytesInObjectBuffer: r.u32(16),
  };
}
