// READ BLOCK LIMITS data with MLOI=0 (SSC-4 7.6): 6 bytes of block length limits.
import { ByteReader, checkUint, putU16, putU24 } from '../bytes';
import { READ_BLOCK_LIMITS_DATA_LENGTH } from './read-block-limits';

export interface ReadBlockLimitsData {
  /** GRANULARITY (5 bits): supported block lengths are multiples of 2^granularity. */
  granularity: number;
  /** MAXIMUM BLOCK LENGTH LIMIT (24 bits); 0 = no limit specified. Equal limits = fixed length only. */
  maximumBlockLengthLimit: number;
  /** MINIMUM BLOCK LENGTH LIMIT (16 bits). */
  minimumBlockLengthLimit: number;
}

export function encodeReadBlockLimitsData(v: ReadBlockLimitsData): Buffer {
  const b = Buffer.alloc(READ_BLOCK_LIMITS_DATA_LENGTH);
  b[0] = checkUint(v.granularity, 5, 'granularity');
  putU24(b, v.maximumBlockLengthLimit, 1, 'maximumBlockLengthLimit');
  putU16(b, v.minimumBlockLengthLimit, 4, 'minimumBlockLengthLimit');
  return b;
}

export function decodeReadBlockLimitsData(buf: Buffer): ReadBlockLimitsData {
  const r = new ByteReader(buf, 'data-in');
  r.need(0, READ_BLOCK_LIMITS_DATA_LENGTH, 'READ BLOCK LIMITS data');
  return {
    granularity: r.bits(0, 0, 5),
    maximumBlockLengthLimit: r.u24(1),
    minimumBlockLengthLimit: r.u16(4),
  };
}
