// READ(6) and WRITE(6) (SBC-3/SBC-4 clauses "READ (6) command" and "WRITE (6) command").
// Opcodes 08h/0Ah are shared with SSC tape READ(6)/WRITE(6); these are the direct-access forms.
import { checkUint, newCdb, openCdb, putU8 } from '../bytes';

export const READ6_OPCODE = 0x08;
export const WRITE6_OPCODE = 0x0a;
export const RW6_CDB_LENGTH = 6;

/** READ(6) / WRITE(6) CDB. */
export interface ReadWrite6Cdb {
  /** LOGICAL BLOCK ADDRESS: 21 bits (byte 1 bits 4-0, bytes 2-3). */
  logicalBlockAddress: number;
  /**
   * TRANSFER LENGTH exactly as carried in byte 4 (0-255). A value of 0 means 256 logical blocks
   * (SBC-3: "a TRANSFER LENGTH field set to zero specifies that 256 logical blocks shall be
   * read/written"); use `rw6Blocks` for the block count.
   */
  transferLength: number;
  control: number;
}

/** Number of logical blocks a READ(6)/WRITE(6) TRANSFER LENGTH field stands for (0 -> 256). */
export function rw6Blocks(transferLength: number): number {
  checkUint(transferLength, 8, 'transferLength');
  return transferLength === 0 ? 256 : transferLength;
}

/** TRANSFER LENGTH field value for a count of 1-256 logical blocks (256 -> 0). */
export function rw6TransferLength(blocks: number): number {
  if (!Number.isInteger(blocks) || blocks < 1 || blocks > 256) {
    throw new RangeError(`READ(6)/WRITE(6) can move 1-256 logical blocks, not ${blocks}`);
  }
  return blocks === 256 ? 0 : blocks;
}

function encode(opcode: number, v: ReadWrite6Cdb): Buffer {
  const b = newCdb(opcode, RW6_CDB_LENGTH, v.control);
  const lba = checkUint(v.logicalBlockAddress, 21, 'logicalBlockAddress');
  b.writeUIntBE(lba, 1, 3);
  putU8(b, v.transferLength, 4, 'transferLength');
  return b;
}

function decode(opcode: number, cdb: Buffer, name: string): ReadWrite6Cdb {
  const r = openCdb(cdb, opcode, RW6_CDB_LENGTH, name);
  return {
    logicalBlockAddress: r.u24(1) & 0x1fffff,
    transferLength: r.u8(4),
    control: r.u8(5),
  };
}

export function encodeRead6(v: ReadWrite6Cdb): Buffer {
  return encode(READ6_OPCODE, v);
}

export function decodeRead6(cdb: Buffer): ReadWrite6Cdb {
  return decode(READ6_OPCODE, cdb, 'READ(6)');
}

export function encodeWrite6(v: ReadWrite6Cdb): Buffer {
  return encode(WRITE6_OPCODE, v);
}

export function decodeWrite6(cdb: Buffer): ReadWrite6Cdb {
  return decode(WRITE6_OPCODE, cdb, 'WRITE(6)');
}
