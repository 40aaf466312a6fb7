// READ CAPACITY(10) CDB and parameter data (SBC-3 clause "READ CAPACITY (10) command").
//   CDB: byte 0 25h, 2-5 LOGICAL BLOCK ADDRESS, 8 bit 0 PMI, 9 CONTROL
//   (LOGICAL BLOCK ADDRESS and PMI are obsolete in SBC-4; decoded for SBC-3 initiators.)
//   Data (8 bytes): 0-3 RETURNED LOGICAL BLOCK ADDRESS, 4-7 LOGICAL BLOCK LENGTH IN BYTES
import { ByteReader, newCdb, openCdb, putU32 } from '../bytes';
import { invalidCdbField } from '../errors';

export const READ_CAPACITY10_OPCODE = 0x25;
export const READ_CAPACITY10_DATA_LENGTH = 8;
/** RETURNED LOGICAL BLOCK ADDRESS meaning "too large, use READ CAPACITY(16)". */
export const READ_CAPACITY10_USE_16 = 0xffffffff;

export interface ReadCapacity10Cdb {
  logicalBlockAddress: number;
  /** Partial medium indicator. */
  pmi: boolean;
  control: number;
}

export interface ReadCapacity10Data {
  returnedLogicalBlockAddress: number;
  logicalBlockLengthInBytes: number;
}

export function encodeReadCapacity10(v: ReadCapacity10Cdb): Buffer {
  const b = newCdb(READ_CAPACITY10_OPCODE, 10, v.control);
  putU32(b, v.logicalBlockAddress, 2, 'logicalBlockAddress');
  if (v.pmi) b[8] |= 0x01;
  return b;
}

export function decodeReadCapacity10(cdb: Buffer): ReadCapacity10Cdb {
  const r = openCdb(cdb, READ_CAPACITY10_OPCODE, 10, 'READ CAPACITY(10)');
  const logicalBlockAddress = r.u32(2);
  const pmi = r.bit(8, 0);
  // SBC-3: PMI set to zero with a non-zero LOGICAL BLOCK ADDRESS -> INVALID FIELD IN CDB.
  if (!pmi && logicalBlockAddress !== 0)
    throw invalidCdbField(2, 'LOGICAL BLOCK ADDRESS is not zero while PMI is zero');
  return { logicalBlockAddress, pmi, control: r.u8(9) };
}

export function encodeReadCapacity10Data(v: ReadCapacity10Data): Buffer {
  const b = Buffer.alloc(READ_CAPACITY10_DATA_LENGTH);
  putU32(b, v.returnedLogicalBlockAddress, 0, 'returnedLogicalBlockAddress');
  putU32(b, v.logicalBlockLengthInBytes, 4, 'logicalBlockLengthInBytes');
  return b;
}

export function decodeReadCapacity10Data(buf: Buffer): ReadCapacity10Data {
  const r = new ByteReader(buf, 'data-in');
  r.need(0, READ_CAPACITY10_DATA_LENGTH, 'READ CAPACITY(10) parameter data');
  return { returnedLogicalBlockAddress: r.u32(0), logicalBlockLengthInBytes: r.u32(4) };
}
