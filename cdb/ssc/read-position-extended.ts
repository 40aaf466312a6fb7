// READ POSITION extended form data, service action 08h (SSC-4 7.7): 32 bytes, ADDITIONAL LENGTH 1Ch.
import { checkUint, ByteReader, flag } from '../bytes';
import { invalidParamField } from '../errors';
import { putU64, putU8 } from './common';
import { READ_POSITION_EXTENDED_LENGTH } from './read-position';

/** ADDITIONAL LENGTH of the extended form: the bytes after byte 3. */
export const READ_POSITION_EXTENDED_ADDITIONAL_LENGTH = READ_POSITION_EXTENDED_LENGTH - 4;

export interface ReadPositionExtended {
  bop: boolean;
  eop: boolean;
  locu: boolean;
  bycu: boolean;
  lolu: boolean;
  perr: boolean;
  bpew: boolean;
  partitionNumber: number;
  /** NUMBER OF LOGICAL OBJECTS IN OBJECT BUFFER (24 bits). */
  numberOfLogicalObjectsInObjectBuffer: number;
  firstLogicalObjectLocation: bigint;
  lastLogicalObjectLocation: bigint;
  numberOfBytesInObjectBuffer: bigint;
}

export function encodeReadPositionExtended(v: ReadPositionExtended): Buffer {
  const b = Buffer.alloc(READ_POSITION_EXTENDED_LENGTH);
  b[0] =
    flag(v.bop, 7) |
    flag(v.eop, 6) |
    flag(v.locu, 5) |
    flag(v.bycu, 4) |
    flag(v.lolu, 2) |
    flag(v.perr, 1) |
    flag(v.bpew, 0);
  putU8(b, v.partitionNumber, 1, 'partitionNumber');
  b.writeUInt16BE(READ_POSITION_EXTENDED_ADDITIONAL_LENGTH, 2);
  b.writeUIntBE(
    checkUint(v.numberOfLogicalObjectsInObjectBuffer, 24, 'numberOfLogicalObjectsInObjectBuffer'),
    5,
    3,
  );
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
    bop: r.bit(0, 7),
    eop: r.bit(0, 6),
    locu: r.bit(0, 5),
    bycu: r.bit(0, 4),
    lolu: r.bit(0, 2),
    perr: r.bit(0, 1),
    bpew: r.bit(0, 0),
    partitionNumber: r.u8(1),
    numberOfLogicalObjectsInObjectBuffer: r.u24(5),
    firstLogicalObjectLocation: r.u64(8),
    lastLogicalObjectLocation: r.u64(16),
    numberOfBytesInObjectBuffer: r.u64(24),
  };
}
