// READ POSITION long form data, service action 06h (SSC-4 7.7): 32 bytes.
import { ByteReader, flag, putU32, putU64 } from '../bytes';
import { READ_POSITION_LONG_LENGTH } from './read-position';

export interface ReadPositionLong {
  bop: boolean;
  eop: boolean;
  /** MPU: mark position unknown (LOGICAL FILE IDENTIFIER not valid). */
  mpu: boolean;
  /** LONU: logical object number unknown (LOGICAL OBJECT NUMBER not valid). */
  lonu: boolean;
  bpew: boolean;
  partitionNumber: number;
  /** LOGICAL OBJECT NUMBER: blocks and filemarks from beginning of partition. */
  logicalObjectNumber: bigint;
  /** LOGICAL FILE IDENTIFIER: filemarks from beginning of partition. */
  logicalFileIdentifier: bigint;
  /** LOGICAL SET IDENTIFIER (SSC-3; obsolete in SSC-4). */
  logicalSetIdentifier: bigint;
}

export function encodeReadPositionLong(v: ReadPositionLong): Buffer {
  const b = Buffer.alloc(READ_POSITION_LONG_LENGTH);
  b[0] = flag(v.bop, 7) | flag(v.eop, 6) | flag(v.mpu, 3) | flag(v.lonu, 2) | flag(v.bpew, 0);
  putU32(b, v.partitionNumber, 4, 'partitionNumber');
  putU64(b, v.logicalObjectNumber, 8, 'logicalObjectNumber');
  putU64(b, v.logicalFileIdentifier, 16, 'logicalFileIdentifier');
  putU64(b, v.logicalSetIdentifier, 24, 'logicalSetIdentifier');
  return b;
}

export function decodeReadPositionLong(buf: Buffer): ReadPositionLong {
  const r = new ByteReader(buf, 'data-in');
  r.need(0, READ_POSITION_LONG_LENGTH, 'READ POSITION long form');
  return {
    bop: r.bit(0, 7),
    eop: r.bit(0, 6),
    mpu: r.bit(0, 3),
    lonu: r.bit(0, 2),
    bpew: r.bit(0, 0),
    partitionNumber: r.u32(4),
    logicalObjectNumber: r.u64(8),
    logicalFileIdentifier: r.u64(16),
    logicalSetIdentifier: r.u64(24),
  };
}
