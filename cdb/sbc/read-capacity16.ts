// READ CAPACITY(16) (SERVICE ACTION IN(16) 9Eh / 10h) CDB and parameter data
// (SBC-3/SBC-4 clause "READ CAPACITY (16) command").
//   CDB: 2-9 LOGICAL BLOCK ADDRESS, 10-13 ALLOCATION LENGTH, 14 bit 0 PMI, 15 CONTROL
//   Data (32 bytes):
//     0-7   RETURNED LOGICAL BLOCK ADDRESS
//     8-11  LOGICAL BLOCK LENGTH IN BYTES
//     12    RC BASIS (5-4, SBC-4), P_TYPE (3-1), PROT_EN (0)
//     13    P_I_EXPONENT (7-4), LOGICAL BLOCKS PER PHYSICAL BLOCK EXPONENT (3-0)
//     14-15 LBPME (14.7), LBPRZ (14.6), LOWEST ALIGNED LOGICAL BLOCK ADDRESS (14 bits)
//     16-31 reserved
import { ByteReader, checkUint, newCdb, openCdb, putBits, putU32, putU64 } from '../bytes';
import { invalidCdbField } from '../errors';

export const SERVICE_ACTION_IN_16_OPCODE = 0x9e;
export const READ_CAPACITY16_SERVICE_ACTION = 0x10;
export const READ_CAPACITY16_DATA_LENGTH = 32;
/** Bytes 0-15 carry every field; 16-31 are reserved, so shorter (truncated) data still decodes. */
export const READ_CAPACITY16_MIN_DATA_LENGTH = 16;

export interface ReadCapacity16Cdb {
  logicalBlockAddress: bigint;
  allocationLength: number;
  pmi: boolean;
  control: number;
}

export interface ReadCapacity16Data {
  returnedLogicalBlockAddress: bigint;
  logicalBlockLengthInBytes: number;
  /** RC BASIS (SBC-4): 00b zoned capacity, 01b last LBA of the logical unit. */
  rcBasis: number;
  /** P_TYPE: 000b type 1, 001b type 2, 010b type 3 protection. */
  pType: number;
  protEn: boolean;
  pIExponent: number;
  logicalBlocksPerPhysicalBlockExponent: number;
  /** Logical block provisioning management enabled (thin provisioning). */
  lbpme: boolean;
  /** Logical block provisioning read zeros. */
  lbprz: boolean;
  lowestAlignedLogicalBlockAddress: number;
}

export function encodeReadCapacity16(v: ReadCapacity16Cdb): Buffer {
  const b = newCdb(SERVICE_ACTION_IN_16_OPCODE, 16, v.control, READ_CAPACITY16_SERVICE_ACTION);
  putU64(b, v.logicalBlockAddress, 2, 'logicalBlockAddress');
  putU32(b, v.allocationLength, 10, 'allocationLength');
  if (v.pmi) b[14] |= 0x01;
  return b;
}

export function decodeReadCapacity16(cdb: Buffer): ReadCapacity16Cdb {
  const r = openCdb(
    cdb,
    SERVICE_ACTION_IN_16_OPCODE,
    16,
    'READ CAPACITY(16)',
    READ_CAPACITY16_SERVICE_ACTION,
  );
  const logicalBlockAddress = r.u64(2);
  const pmi = r.bit(14, 0);
  // SBC-3: PMI set to zero with a non-zero LOGICAL BLOCK ADDRESS -> INVALID FIELD IN CDB.
  if (!pmi && logicalBlockAddress !== 0n) {
    throw invalidCdbField(2, 'LOGICAL BLOCK ADDRESS is not zero while PMI is zero');
  }
  return { logicalBlockAddress, allocationLength: r.u32(10), pmi, control: r.u8(15) };
}

export function encodeReadCapacity16Data(v: ReadCapacity16Data): Buffer {
  const b = Buffer.alloc(READ_CAPACITY16_DATA_LENGTH);
  putU64(b, v.returnedLogicalBlockAddress, 0, 'returnedLogicalBlockAddress');
  putU32(b, v.logicalBlockLengthInBytes, 8, 'logicalBlockLengthInBytes');
  putBits(b, 12, 4, 2, v.rcBasis, 'rcBasis');
  putBits(b, 12, 1, 3, v.pType, 'pType');
  if (v.protEn) b[12] |= 0x01;
  putBits(b, 13, 4, 4, v.pIExponent, 'pIExponent');
  putBits(b, 13, 0, 4, v.logicalBlocksPerPhysicalBlockExponent, 'logicalBlocksPerPhysicalBlockExponent');
  b.writeUInt16BE(checkUint(v.lowestAlignedLogicalBlockAddress, 14, 'lowestAlignedLogicalBlockAddress'), 14);
  b[14] |= (v.lbpme ? 0x80 : 0) | (v.lbprz ? 0x40 : 0);
  return b;
}

export function decodeReadCapacity16Data(buf: Buffer): ReadCapacity16Data {
  const r = new ByteReader(buf, 'data-in');
  r.need(0, READ_CAPACITY16_MIN_DATA_LENGTH, 'READ CAPACITY(16) parameter data');
  return {
    returnedLogicalBlockAddress: r.u64(0),
    logicalBlockLengthInBytes: r.u32(8),
    rcBasis: r.bits(12, 4, 2),
    pType: r.bits(12, 1, 3),
    protEn: r.bit(12, 0),
    pIExponent: r.bits(13, 4, 4),
    logicalBlocksPerPhysicalBlockExponent: r.bits(13, 0, 4),
    lbpme: r.bit(14, 7),
    lbprz: r.bit(14, 6),
    lowestAlignedLogicalBlockAddress: r.u16(14) & 0x3fff,
  };
}
