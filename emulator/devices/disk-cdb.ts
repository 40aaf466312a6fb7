// CDB helpers of the direct-access device: every READ/WRITE/VERIFY/WRITE AND VERIFY variant as one
// Transfer (LBA, length, protection field and where those fields sit for field pointers), and the
// CDB USAGE DATA of the SBC opcodes (REPORT SUPPORTED OPERATION CODES, SPC-4 6.35.3).
import { invalidCdbField } from '../../cdb/errors';
import {
  decodeRead10,
  decodeRead12,
  decodeRead16,
  decodeRead6,
  decodeVerify10,
  decodeVerify16,
  decodeWrite10,
  decodeWrite12,
  decodeWrite16,
  decodeWrite6,
  rw6Blocks,
} from '../../cdb/sbc/index';

/** One READ/WRITE/VERIFY, whatever the CDB size. */
export interface Transfer {
  lba: bigint;
  blocks: number;
  /** RDPROTECT / WRPROTECT / VRPROTECT. */
  protect: number;
  /** Offset of the LOGICAL BLOCK ADDRESS field (field pointer of LBA OUT OF RANGE). */
  lbaField: number;
  /** Offset of the TRANSFER LENGTH field (field pointer of a length over the limit). */
  lengthField: number;
}

export type TransferSize = 6 | 10 | 12 | 16;

/** LOGICAL BLOCK ADDRESS and TRANSFER LENGTH as the READ/WRITE decoders give them. */
interface LbaAndLength {
  logicalBlockAddress: number | bigint;
  transferLength: number;
}

/** Offset of TRANSFER LENGTH in READ/WRITE(10), (12) and (16); the LBA is at byte 2 in all three. */
const LENGTH_FIELD = { 10: 7, 12: 6, 16: 10 } as const;

/** READ(6)/WRITE(6): 21-bit LBA at byte 1, TRANSFER LENGTH 0 means 256 blocks (SBC-3 5.11, 5.39). */
function transfer6(d: LbaAndLength): Transfer {
  return {
    lba: BigInt(d.logicalBlockAddress),
    blocks: rw6Blocks(d.transferLength),
    protect: 0,
    lbaField: 1,
    lengthField: 4,
  };
}

function transfer(d: LbaAndLength, protect: number, size: 10 | 12 | 16): Transfer {
  return fromFields(BigInt(d.logicalBlockAddress), d.transferLength, protect, LENGTH_FIELD[size]);
}

/** READ(6)/(10)/(12)/(16). */
export function readTransfer(cdb: Buffer, size: TransferSize): Transfer {
  if (size === 6) return transfer6(decodeRead6(cdb));
  const d = size === 10 ? decodeRead10(cdb) : size === 12 ? decodeRead12(cdb) : decodeRead16(cdb);
  return transfer(d, d.rdprotect, size);
}

/** WRITE(6)/(10)/(12)/(16). */
export function writeTransfer(cdb: Buffer, size: TransferSize): Transfer {
  if (size === 6) return transfer6(decodeWrite6(cdb));
  const d = size === 10 ? decodeWrite10(cdb) : size === 12 ? decodeWrite12(cdb) : decodeWrite16(cdb);
  return transfer(d, d.wrprotect, size);
}

function fromFields(lba: bigint, blocks: number, protect: number, lengthField: number): Transfer {
  return { lba, blocks, protect, lbaField: 2, lengthField };
}

/** VERIFY(10)/(12)/(16) with BYTCHK (SBC-4 5.33: 00b no compare, 01b compare, 11b one block for all). */
export function verifyTransfer(cdb: Buffer, size: 10 | 12 | 16): Transfer & { bytchk: number } {
  if (size === 10) {
    const d = decodeVerify10(cdb);
    return {
      ...fromFields(BigInt(d.logicalBlockAddress), d.verificationLength, d.vrprotect, 7),
      bytchk: d.bytchk,
    };
  }
  if (size === 16) {
    const d = decodeVerify16(cdb);
    return { ...fromFields(d.logicalBlockAddress, d.verificationLength, d.vrprotect, 10), bytchk: d.bytchk };
  }
  // VERIFY(12) has no cdb/sbc codec: byte 1 as VERIFY(10), LBA and length as READ(12).
  const bytchk = (cdb[1] >> 1) & 0x03;
  if (bytchk === 2) throw invalidCdbField(1, 'BYTCHK 10b is reserved', 2);
  return { ...fromFields(BigInt(cdb.readUInt32BE(2)), cdb.readUInt32BE(6), cdb[1] >> 5, 6), bytchk };
}

/**
 * WRITE AND VERIFY(10)/(12)/(16) (no cdb/sbc codec): the CDB matches WRITE's, with BYTCHK in byte 1
 * bits 2-1. SBC-4 5.48: 00b (no compare) and 01b (compare) are defined; 1xb is reserved.
 */
export function writeAndVerifyTransfer(cdb: Buffer, size: 10 | 12 | 16): Transfer & { bytchk: number } {
  const bytchk = (cdb[1] >> 1) & 0x03;
  if (bytchk > 1) throw invalidCdbField(1, `BYTCHK ${bytchk.toString(2)}b`, 2);
  const protect = cdb[1] >> 5;
  if (size === 10)
    return { ...fromFields(BigInt(cdb.readUInt32BE(2)), cdb.readUInt16BE(7), protect, 7), bytchk };
  if (size === 12)
    return { ...fromFields(BigInt(cdb.readUInt32BE(2)), cdb.readUInt32BE(6), protect, 6), bytchk };
  return { ...fromFields(cdb.readBigUInt64BE(2), cdb.readUInt32BE(10), protect, 10), bytchk };
}

/** CDB USAGE DATA of a READ/WRITE/VERIFY-shaped CDB: LBA and length bits, `byte1` as given. */
export function transferUsage(opcode: number, cdbLength: TransferSize, byte1: number): number[] {
  const u = new Array<number>(cdbLength).fill(0);
  u[0] = opcode;
  u[1] = byte1;
  u[cdbLength - 1] = 0x04;
  if (cdbLength === 6) {
    u[1] = 0x1f;
    u[2] = u[3] = u[4] = 0xff;
  } else if (cdbLength === 10) {
    u.fill(0xff, 2, 6);
    u.fill(0xff, 7, 9);
  } else if (cdbLength === 12) {
    u.fill(0xff, 2, 10);
  } else {
    u.fill(0xff, 2, 14);
  }
  return u;
}

/** WRITE SAME(10): WRPROTECT, ANCHOR, UNMAP, PBDATA, LBDATA; LBA; NUMBER OF LOGICAL BLOCKS. */
export const WRITE_SAME10_USAGE = [0x41, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, 0x04];
/** WRITE SAME(16): as (10) plus NDOB; 64-bit LBA; 32-bit NUMBER OF LOGICAL BLOCKS. */
export const WRITE_SAME16_USAGE = [
  0x93, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x04,
];
/** UNMAP: ANCHOR, PARAMETER LIST LENGTH. */
export const UNMAP_USAGE = [0x42, 0x01, 0, 0, 0, 0, 0, 0xff, 0xff, 0x04];
/** GET LBA STATUS (SERVICE ACTION IN(16) 12h): STARTING LBA, ALLOCATION LENGTH. */
export const GET_LBA_STATUS_USAGE = [
  0x9e, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x04,
];
