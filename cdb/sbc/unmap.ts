// UNMAP CDB and parameter list (SBC-3/SBC-4 clauses "UNMAP command" and "UNMAP parameter list").
//   CDB: byte 0 42h, 1 bit 0 ANCHOR, 6 GROUP NUMBER (5-0), 7-8 PARAMETER LIST LENGTH, 9 CONTROL
//   Parameter list:
//     0-1  UNMAP DATA LENGTH (n-1)
//     2-3  UNMAP BLOCK DESCRIPTOR DATA LENGTH (n-7)
//     4-7  reserved
//     8..  UNMAP block descriptors, 16 bytes each:
//            0-7 UNMAP LOGICAL BLOCK ADDRESS, 8-11 NUMBER OF LOGICAL BLOCKS, 12-15 reserved
import { ByteReader, newCdb, openCdb, putBits, putU16, putU32, putU64 } from '../bytes';
import { invalidParamField, paramListLengthError } from '../errors';

export const UNMAP_OPCODE = 0x42;
export const UNMAP_HEADER_LENGTH = 8;
export const UNMAP_BLOCK_DESCRIPTOR_LENGTH = 16;
/** Most descriptors whose byte count still fits the 16-bit UNMAP DATA LENGTH field. */
export const UNMAP_MAX_DESCRIPTORS = Math.floor((0xffff - 6) / UNMAP_BLOCK_DESCRIPTOR_LENGTH);

export interface UnmapCdb {
  anchor: boolean;
  groupNumber: number;
  parameterListLength: number;
  control: number;
}

export interface UnmapBlockDescriptor {
  unmapLogicalBlockAddress: bigint;
  numberOfLogicalBlocks: number;
}

/** The UNMAP parameter list; both length fields are derived from the descriptors. */
export interface UnmapParameterList {
  descriptors: UnmapBlockDescriptor[];
}

export function encodeUnmap(v: UnmapCdb): Buffer {
  const b = newCdb(UNMAP_OPCODE, 10, v.control);
  if (v.anchor) b[1] |= 0x01;
  putBits(b, 6, 0, 6, v.groupNumber, 'groupNumber');
  putU16(b, v.parameterListLength, 7, 'parameterListLength');
  return b;
}

export function decodeUnmap(cdb: Buffer): UnmapCdb {
  const r = openCdb(cdb, UNMAP_OPCODE, 10, 'UNMAP');
  return {
    anchor: r.bit(1, 0),
    groupNumber: r.bits(6, 0, 6),
    parameterListLength: r.u16(7),
    control: r.u8(9),
  };
}

export function encodeUnmapParameterList(v: UnmapParameterList): Buffer {
  const n = v.descriptors.length;
  if (n > UNMAP_MAX_DESCRIPTORS)
    throw new RangeError(`${n} UNMAP block descriptors do not fit one parameter list`);
  const b = Buffer.alloc(UNMAP_HEADER_LENGTH + n * UNMAP_BLOCK_DESCRIPTOR_LENGTH);
  b.writeUInt16BE(b.length - 2, 0);
  b.writeUInt16BE(n * UNMAP_BLOCK_DESCRIPTOR_LENGTH, 2);
  v.descriptors.forEach((d, i) => {
    const off = UNMAP_HEADER_LENGTH + i * UNMAP_BLOCK_DESCRIPTOR_LENGTH;
    putU64(b, d.unmapLogicalBlockAddress, off, `descriptors[${i}].unmapLogicalBlockAddress`);
    putU32(b, d.numberOfLogicalBlocks, off + 8, `descriptors[${i}].numberOfLogicalBlocks`);
  });
  return b;
}

/**
 * Decode the UNMAP parameter data actually transferred (PARAMETER LIST LENGTH bytes).
 *
 * - Fewer than 8 bytes: PARAMETER LIST LENGTH ERROR (SBC: a PARAMETER LIST LENGTH of 1-7). A
 *   PARAMETER LIST LENGTH of zero transfers nothing and is not an error; the caller should not
 *   decode anything in that case.
 * - UNMAP DATA LENGTH too small to cover the block descriptor data it announces: the two header
 *   lengths contradict each other -> INVALID FIELD IN PARAMETER LIST pointing at UNMAP DATA LENGTH
 *   (the answer T10 members recommended on the reflector, Feb 2015).
 * - Descriptor data cut short by the PARAMETER LIST LENGTH, or a block descriptor data length that
 *   is not a multiple of 16: only complete descriptors are processed; SBC says the incomplete last
 *   descriptor "shall be ignored", so neither is an error.
 */
export function decodeUnmapParameterList(buf: Buffer): UnmapParameterList {
  if (buf.length < UNMAP_HEADER_LENGTH) {
    throw paramListLengthError(
      `UNMAP parameter list of ${buf.length} bytes is shorter than its 8-byte header`,
    );
  }
  const r = new ByteReader(buf, 'param');
  const unmapDataLength = r.u16(0);
  const blockDescriptorDataLength = r.u16(2);
  if (unmapDataLength < blockDescriptorDataLength + 6) {
    throw invalidParamField(
      0,
      `UNMAP DATA LENGTH ${unmapDataLength} cannot hold UNMAP BLOCK DESCRIPTOR DATA LENGTH ${blockDescriptorDataLength}`,
    );
  }
  const available = Math.min(blockDescriptorDataLength, buf.length - UNMAP_HEADER_LENGTH);
  const count = Math.floor(available / UNMAP_BLOCK_DESCRIPTOR_LENGTH);
  const descriptors: UnmapBlockDescriptor[] = [];
  for (let i = 0; i < count; i++) {
    const off = UNMAP_HEADER_LENGTH + i * UNMAP_BLOCK_DESCRIPTOR_LENGTH;
    descriptors.push({ unmapLogicalBlockAddress: r.u64(off), numberOfLogicalBlocks: r.u32(off + 8) });
  }
  return { descriptors };
}
