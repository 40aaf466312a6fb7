// READ BLOCK LIMITS data with MLOI=1 (SSC-4 7.6): 20 bytes, bytes 12-19 MAXIMUM LOGICAL OBJECT
// IDENTIFIER, the rest reserved.
import { ByteReader, putU64 } from '../bytes';
import { READ_BLOCK_LIMITS_MLOI_DATA_LENGTH } from './read-block-limits';

export interface ReadBlockLimitsMloiData {
  maximumLogicalObjectIdentifier: bigint;
}

export function encodeReadBlockLimitsMloiData(v: ReadBlockLimitsMloiData): Buffer {
  const b = Buffer.alloc(READ_BLOCK_LIMITS_MLOI_DATA_LENGTH);
  putU64(b, v.maximumLogicalObjectIdentifier, 12, 'maximumLogicalObjectIdentifier');
  return b;
}

export function decodeReadBlockLimitsMloiData(buf: Buffer): ReadBlockLimitsMloiData {
  const r = new ByteReader(buf, 'data-in');
  r.need(0, READ_BLOCK_LIMITS_MLOI_DATA_LENGTH, 'READ BLOCK LIMITS MLOI data');
  return { maximumLogicalObjectIdentifier: r.u64(12) };
}
