// READ(6) for sequential-access devices (SSC-4 6.4). Disk READ(6) shares opcode 08h (SBC), so this
// codec is registered for peripheral device type 1 only.
import { flag, newCdb, openCdb, putU24 } from '../bytes';
import { invalidCdbField } from '../errors';

export const READ6_OPCODE = 0x08;
export const READ6_CDB_LENGTH = 6;

export interface Read6 {
  /** SILI: suppress incorrect-length indication (variable-block mode only). */
  sili: boolean;
  /** FIXED: TRANSFER LENGTH counts blocks of the current fixed size; false = one variable block of that many bytes. */
  fixed: boolean;
  /** TRANSFER LENGTH (24 bits): bytes (FIXED=0) or blocks (FIXED=1). */
  transferLength: number;
  control: number;
}

export function encodeRead6(v: Read6): Buffer {
  const b = newCdb(READ6_OPCODE, READ6_CDB_LENGTH, v.control);
  b[1] = flag(v.sili, 1) | flag(v.fixed, 0);
  putU24(b, v.transferLength, 2, 'transferLength');
  return b;
}

export function decodeRead6(cdb: Buffer): Read6 {
  const r = openCdb(cdb, READ6_OPCODE, READ6_CDB_LENGTH, 'READ(6)');
  const sili = r.bit(1, 1);
  const fixed = r.bit(1, 0);
  // SSC-4 6.4: SILI=1 together with FIXED=1 is INVALID FIELD IN CDB (the SILI bit is in error).
  if (sili && fixed) throw invalidCdbField(1, 'READ(6): SILI and FIXED both set', 1);
  return { sili, fixed, transferLength: r.u24(2), control: r.u8(5) };
}
