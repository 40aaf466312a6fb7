// WRITE(6) for sequential-access devices (SSC-4 6.8). Disk WRITE(6) shares opcode 0Ah (SBC), so
// this codec is registered for peripheral device type 1 only.
import { flag, newCdb, openCdb, putU24 } from '../bytes';

export const WRITE6_OPCODE = 0x0a;
export const WRITE6_CDB_LENGTH = 6;

export interface Write6 {
  /** FIXED: TRANSFER LENGTH counts fixed-size blocks; false = one variable block of that many bytes. */
  fixed: boolean;
  /** TRANSFER LENGTH (24 bits): bytes (FIXED=0) or blocks (FIXED=1). */
  transferLength: number;
  control: number;
}

export function encodeWrite6(v: Write6): Buffer {
  const b = newCdb(WRITE6_OPCODE, WRITE6_CDB_LENGTH, v.control);
  b[1] = flag(v.fixed, 0);
  putU24(b, v.transferLength, 2, 'transferLength');
  return b;
}

export function decodeWrite6(cdb: Buffer): Write6 {
  const r = openCdb(cdb, WRITE6_OPCODE, WRITE6_CDB_LENGTH, 'WRITE(6)');
  return { fixed: r.bit(1, 0), transferLength: r.u24(2), control: r.u8(5) };
}
