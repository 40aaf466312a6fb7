// READ POSITION short form data, service actions 00h/01h (SSC-4 7.7): 20 bytes.
import { checkUint, ByteReader, flag } from '../bytes';
import { putU32, putU8 } from './common';
import { READ_POSITION_SHORT_LENGTH } from './read-position';

export interface ReadPositionShort {
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
  firstLogicalObjectLocation: number;
  lastLogicalObjectLocation: number;
  /** NUMBER OF LOGICAL OBJECTS IN OBJECT BUFFER (24 bits). */
  numberOfLogicalObjectsInObjectBuffer: number;
  numberOfBytesInObjectBuffer: number;
}

export function encodeReadPositionShort(v: ReadPositionShort): Buffer {
  const b = Buffer.alloc(READ_POSITION_SHORT_LENGTH);
  b[0] =
    flag(v.bop, 7) |
    flag(v.eop, 6) |
    flag(v.locu, 5) |
    flag(v.bycu, 4) |
    flag(v.lolu, 2) |
    flag(v.perr, 1) |
    flag(v.bpew, 0);
  putU8(b, v.partitionNumber, 1, 'partitionNumber');
  putU32(b, v.firstLogicalObjectLocation, 4, 'firstLogicalObjectLocation');
  putU32(b, v.lastLogicalObjectLocation, 8, 'lastLogicalObjectLocation');
  b.writeUIntBE(
    checkUint(v.numberOfLogicalObjectsInObjectBuffer, 24, 'numberOfLogicalObjectsInObjectBuffer'),
    13,
    3,
  );
  putU32(b, v.numberOfBytesInObjectBuffer, 16, 'numberOfBytesInObjectBuffer');
  return b;
}

export function decodeReadPositionShort(buf: Buffer): ReadPositionShort {
  const r = new ByteReader(buf, 'data-in');
  r.need(0, READ_POSITION_SHORT_LENGTH, 'READ POSITION short form');
  return {
    bop: r.bit(0, 7),
    eop: r.bit(0, 6),
    locu: r.bit(0, 5),
    bycu: r.bit(0, 4),
    lolu: r.bit(0, 2),
    perr: r.bit(0, 1),
    bpew: r.bit(0, 0),
    partitionNumber: r.u8(1),
    firstLogicalObjectLocation: r.u32(4),
    lastLogicalObjectLocation: r.u32(8),
    numberOfLogicalObjectsInObjectBuffer: r.u24(13),
    numberOfBytesInObjectBuffer: r.u32(16),
  };
}
