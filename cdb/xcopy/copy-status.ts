// RECEIVE COPY RESULTS service action 00h, COPY STATUS (SPC-4 RECEIVE COPY STATUS(LID1)): 12
// bytes, AVAILABLE DATA = 8. Byte 4: HDD (bit 7, held data discarded) and COPY MANAGER STATUS
// (bits 6-0); bytes 5-6 SEGMENTS PROCESSED; byte 7 TRANSFER COUNT UNITS; bytes 8-11 TRANSFER COUNT.
//
// Truncation: all 12 bytes are needed (a shorter buffer is 05/1A/00); bytes past 12, which some
// targets send, are ignored.
import { ByteReader, checkUint, putU16, putU32, putU8 } from '../bytes';
import { invalidParamField } from '../errors';

export interface CopyStatus {
  /** HDD: held data has been discarded. */
  hdd: boolean;
  copyManagerStatus: number;
  segmentsProcessed: number;
  transferCountUnits: number;
  transferCount: number;
}

export const COPY_MANAGER_STATUS = {
  inProgress: 0x00,
  completed: 0x01,
  completedWithErrors: 0x02,
} as const;

/** TRANSFER COUNT UNITS: 00h-06h are powers of 1024 bytes, F1h is destination logical blocks. */
export const TRANSFER_COUNT_UNITS = {
  bytes: 0x00,
  kibibytes: 0x01,
  mebibytes: 0x02,
  gibibytes: 0x03,
  tebibytes: 0x04,
  pebibytes: 0x05,
  exbibytes: 0x06,
  logicalBlocks: 0xf1,
} as const;

export const COPY_STATUS_LENGTH = 12;

export function decodeCopyStatus(buf: Buffer): CopyStatus {
  const r = new ByteReader(buf, 'data-in', 0);
  r.need(0, COPY_STATUS_LENGTH, 'COPY STATUS');
  const availableData = r.u32(0);
  if (availableData < COPY_STATUS_LENGTH - 4)
    throw invalidParamField(0, `AVAILABLE DATA ${availableData} is less than 8`);
  return {
    hdd: r.bit(4, 7),
    copyManagerStatus: r.bits(4, 0, 7),
    segmentsProcessed: r.u16(5),
    transferCountUnits: r.u8(7),
    transferCount: r.u32(8),
  };
}

export function encodeCopyStatus(v: CopyStatus): Buffer {
  const buf = Buffer.alloc(COPY_STATUS_LENGTH);
  buf.writeUInt32BE(COPY_STATUS_LENGTH - 4, 0);
  buf[4] = (v.hdd ? 0x80 : 0) | checkUint(v.copyManagerStatus, 7, 'copyManagerStatus');
  putU16(buf, v.segmentsProcessed, 5, 'segmentsProcessed');
  putU8(buf, v.transferCountUnits, 7, 'transferCountUnits');
  putU32(buf, v.transferCount, 8, 'transferCount');
  return buf;
}

/** TRANSFER COUNT in bytes for the byte-based units; undefined for blocks and reserved units. */
export function transferCountBytes(
  v: Pick<CopyStatus, 'transferCountUnits' | 'transferCount'>,
): bigint | undefined {
  if (v.transferCountUnits > TRANSFER_COUNT_UNITS.exbibytes) return undefined;
  return BigInt(v.transferCount) << BigInt(10 * v.transferCountUnits);
}
