// Vendor specific segment descriptor C0h "digest block range" (layout in VENDOR-SEGMENTS.md): the
// mover reads a range of a block device and holds its SHA-256 as held data, so a backup server can
// compare source and copy without moving the data through itself.
import { illegalRequest, invalidParamField } from '../../cdb/errors';
import { DIGEST_SEGMENT_TYPE } from './capabilities';

export const DIGEST_SEGMENT_LENGTH = 32;
export const DIGEST_ALGORITHM = { sha256: 0x01 } as const;
/** Bytes of held data one C0h segment produces. */
export const DIGEST_LENGTH = 32;

export interface DigestSegment {
  kind: 'digest';
  descriptorTypeCode: typeof DIGEST_SEGMENT_TYPE;
  sourceCscdDescriptorId: number;
  digestAlgorithm: number;
  logicalBlockAddress: bigint;
  numberOfLogicalBlocks: bigint;
}

/**
 * Decode a C0h descriptor (the parameter list decoder keeps vendor codes as raw bytes). `base` is
 * the descriptor's offset in the parameter list, for field pointers.
 */
export function decodeDigestSegment(bytes: Buffer, base: number): DigestSegment {
  if (bytes[0] !== DIGEST_SEGMENT_TYPE) {
    throw illegalRequest(0x26, 0x09, `segment type ${bytes[0].toString(16)}h is not C0h`, {
      commandData: false,
      field: base,
    });
  }
  if (bytes.length !== DIGEST_SEGMENT_LENGTH) {
    throw invalidParamField(base + 2, `DESCRIPTOR LENGTH ${bytes.length - 4} for type C0h must be 28`);
  }
  const digestAlgorithm = bytes[8];
  if (digestAlgorithm !== DIGEST_ALGORITHM.sha256) {
    throw invalidParamField(
      base + 8,
      `DIGEST ALGORITHM ${digestAlgorithm.toString(16)}h is not supported (01h SHA-256)`,
    );
  }
  return {
    kind: 'digest',
    descriptorTypeCode: DIGEST_SEGMENT_TYPE,
    sourceCscdDescriptorId: bytes.readUInt16BE(4),
    digestAlgorithm,
    logicalBlockAddress: bytes.readBigUInt64BE(12),
    numberOfLogicalBlocks: bytes.readBigUInt64BE(20),
  };
}

export function encodeDigestSegment(v: Omit<DigestSegment, 'kind' | 'descriptorTypeCode'>): Buffer {
  const b = Buffer.alloc(DIGEST_SEGMENT_LENGTH);
  b[0] = DIGEST_SEGMENT_TYPE;
  b.writeUInt16BE(DIGEST_SEGMENT_LENGTH - 4, 2);
  b.writeUInt16BE(v.sourceCscdDescriptorId, 4);
  b[8] = v.digestAlgorithm;
  b.writeBigUInt64BE(v.logicalBlockAddress, 12);
  b.writeBigUInt64BE(v.numberOfLogicalBlocks, 20);
  return b;
}
