// Small helpers shared by the SPC mode / reservation / attribute / log codecs: CDB framing and
// range-checked big-endian writers (encoders throw RangeError, never truncate).
import { ByteReader, checkUint, checkUint64 } from '../bytes';
import { invalidCdbField, invalidOpcode } from '../errors';

/**
 * Open a CDB for decoding: OPERATION CODE must match and the whole CDB must be present. Longer
 * buffers are accepted (iSCSI carries CDBs in a 16-byte field); trailing bytes are ignored.
 */
export function openCdb(cdb: Buffer, opcode: number, cdbLength: number, name: string): ByteReader {
  if (cdb.length === 0) throw invalidCdbField(0, `${name}: empty CDB`);
  if (cdb[0] !== opcode) throw invalidOpcode(cdb[0]);
  const r = new ByteReader(cdb, 'cdb');
  r.need(0, cdbLength, `${name} CDB`);
  return r;
}

/** A zeroed CDB with OPERATION CODE and CONTROL filled in. */
export function newCdb(opcode: number, cdbLength: number, control: number): Buffer {
  const b = Buffer.alloc(cdbLength);
  b[0] = opcode;
  b[cdbLength - 1] = checkUint(control, 8, 'control');
  return b;
}

export function putU8(buf: Buffer, value: number, off: number, name: string): void {
  buf[off] = checkUint(value, 8, name);
}

export function putU16(buf: Buffer, value: number, off: number, name: string): void {
  buf.writeUInt16BE(checkUint(value, 16, name), off);
}

export function putU32(buf: Buffer, value: number, off: number, name: string): void {
  buf.writeUInt32BE(checkUint(value, 32, name), off);
}

export function putU64(buf: Buffer, value: bigint, off: number, name: string): void {
  buf.writeBigUInt64BE(checkUint64(value, name), off);
}

/** `value` checked to fit `width` bits, shifted into place within a byte. */
export function bitsField(value: number, width: number, shift: number, name: string): number {
  return checkUint(value, width, name) << shift;
}
