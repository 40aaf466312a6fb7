// LOAD UNLOAD (SSC-4 7.3): byte 1 bit 0 IMMED; byte 4 bit 3 HOLD, bit 2 EOT, bit 1 RETEN, bit 0 LOAD.
import { flag, newCdb, openCdb } from '../bytes';
import { invalidCdbField } from '../errors';

export const LOAD_UNLOAD_OPCODE = 0x1b;
export const LOAD_UNLOAD_CDB_LENGTH = 6;

export interface LoadUnload {
  immed: boolean;
  /** HOLD: load/unload only to the hold position (cartridge seated, tape not threaded / not ejected). */
  hold: boolean;
  /** EOT: position at end of tape before unloading. */
  eot: boolean;
  /** RETEN: retension the tape. */
  reten: boolean;
  /** LOAD: true = load, false = unload. */
  load: boolean;
  control: number;
}

export function encodeLoadUnload(v: LoadUnload): Buffer {
  const b = newCdb(LOAD_UNLOAD_OPCODE, LOAD_UNLOAD_CDB_LENGTH, v.control);
  b[1] = flag(v.immed, 0);
  b[4] = flag(v.hold, 3) | flag(v.eot, 2) | flag(v.reten, 1) | flag(v.load, 0);
  return b;
}

export function decodeLoadUnload(cdb: Buffer): LoadUnload {
  const r = openCdb(cdb, LOAD_UNLOAD_OPCODE, LOAD_UNLOAD_CDB_LENGTH, 'LOAD UNLOAD');
  const eot = r.bit(4, 2);
  const load = r.bit(4, 0);
  // SSC-4 7.3: LOAD=1 with EOT=1 is INVALID FIELD IN CDB (the EOT bit is in error).
  if (load && eot) throw invalidCdbField(4, 'LOAD UNLOAD: EOT set with LOAD', 2);
  return { immed: r.bit(1, 0), hold: r.bit(4, 3), eot, reten: r.bit(4, 1), load, control: r.u8(5) };
}
