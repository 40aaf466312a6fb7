// Helpers shared by the SBC and SMC codecs: CDB framing, checked big-endian writers and the
// protection-field rule common to READ/WRITE/VERIFY/WRITE SAME.
import { ByteReader, checkUint, checkUint64 } from '../bytes';
import { invalidCdbField, invalidOpcode } from '../errors';

/**
 * Open a CDB for decoding. The OPERATION CODE must match (else 05/20/00, pointer byte 0), the
 * buffer must hold the whole CDB (else 05/24/00 pointing at byte 0: the CDB is too short for its
 * OPERATION CODE) and, for SERVICE ACTION IN(16) style commands, byte 1 bits 4-0 must hold the
 * service action (else 05/24/00, pointer byte 1 bit 4). Longer buffers are accepted (iSCSI
 * carries CDBs in a 16-byte field); the trailing bytes are ignored.
 */
export function openCdb(
  cdb: Buffer,
  opcode: number,
  cdbLength: number,
  name: string,
  serviceAction?: number,
): ByteReader {
  if (cdb.length === 0) throw invalidCdbField(0, `${name}: empty CDB`);
  if (cdb[0] !== opcode) throw invalidOpcode(cdb[0]);
  const r = new ByteReader(cdb, 'cdb');
  r.need(0, cdbLength, `${name} CDB`);
  if (serviceAction !== undefined && (cdb[1] & 0x1f) !== serviceAction) {
    throw invalidCdbField(1, `${name}: SERVICE ACTION ${(cdb[1] & 0x1f).toString(16)}h`, 4);
  }
  return r;
}

/** A zeroed CDB with OPERATION CODE, optional SERVICE ACTION and CONTROL filled in. */
export function newCdb(opcode: number, cdbLength: number, control: number, serviceAction?: number): Buffer {
  const b = Buffer.alloc(cdbLength);
  b[0] = opcode;
  if (serviceAction !== undefined) b[1] = checkUint(serviceAction, 5, 'service action');
  b[cdbLength - 1] = checkUint(control, 8, 'control');
  return b;
}

export function putU8(buf: Buffer, value: number, off: number, name: string): void {
  buf[off] = checkUint(value, 8, name);
}

export function putU16(buf: Buffer, value: number, off: number, name: string): void {
  buf.writeUInt16BE(checkUint(value, 16, name), off);
}

export function putU24(buf: Buffer, value: number, off: number, name: string): void {
  buf.writeUIntBE(checkUint(value, 24, name), off, 3);
}

export function putU32(buf: Buffer, value: number, off: number, name: string): void {
  buf.writeUInt32BE(checkUint(value, 32, name), off);
}

export function putU64(buf: Buffer, value: bigint, off: number, name: string): void {
  buf.writeBigUInt64BE(checkUint64(value, name), off);
}

/** OR a `width`-bit field into byte `off` at bit `shift`, after a range check. */
export function putBits(
  buf: Buffer,
  off: number,
  shift: number,
  width: number,
  value: number,
  name: string,
): void {
  buf[off] |= checkUint(value, width, name) << shift;
}

/**
 * RDPROTECT / WRPROTECT / VRPROTECT (byte 1 bits 7-5). SBC-3/SBC-4 define 000b-101b; 110b and 111b
 * are reserved, so a device server answers INVALID FIELD IN CDB pointing at bit 7 of byte 1.
 */
export function readProtectField(r: ByteReader, name: string): number {
  const v = r.bits(1, 5, 3, name);
  if (v > 5) throw invalidCdbField(1, `${name} ${v.toString(2).padStart(3, '0')}b is reserved`, 7);
  return v;
}

/**
 * GROUP NUMBER: six bits (5-0) in SBC-4; SBC-3 defined bits 4-0 and kept bit 5 reserved, so
 * reading six bits is compatible with both.
 */
export const GROUP_NUMBER_BITS = 6;

/** Byte 1 of READ(10)/(12)/(16): RDPROTECT, DPO, FUA, RARC (bits 1-0 obsolete/DLD2, ignored). */
export interface ReadByte1 {
  rdprotect: number;
  dpo: boolean;
  fua: boolean;
  /** Rebuild assist recovery control (SBC-4). */
  rarc: boolean;
}

/** Byte 1 of WRITE(10)/(12)/(16): WRPROTECT, DPO, FUA (bit 2 reserved, bits 1-0 obsolete/DLD2). */
export interface WriteByte1 {
  wrprotect: number;
  dpo: boolean;
  fua: boolean;
}

export function putReadByte1(b: Buffer, v: ReadByte1): void {
  putBits(b, 1, 5, 3, v.rdprotect, 'rdprotect');
  b[1] |= (v.dpo ? 0x10 : 0) | (v.fua ? 0x08 : 0) | (v.rarc ? 0x04 : 0);
}

export function readReadByte1(r: ByteReader): ReadByte1 {
  return {
    rdprotect: readProtectField(r, 'RDPROTECT'),
    dpo: r.bit(1, 4),
    fua: r.bit(1, 3),
    rarc: r.bit(1, 2),
  };
}

export function putWriteByte1(b: Buffer, v: WriteByte1): void {
  putBits(b, 1, 5, 3, v.wrprotect, 'wrprotect');
  b[1] |= (v.dpo ? 0x10 : 0) | (v.fua ? 0x08 : 0);
}

export function readWriteByte1(r: ByteReader): WriteByte1 {
  return { wrprotect: readProtectField(r, 'WRPROTECT'), dpo: r.bit(1, 4), fua: r.bit(1, 3) };
}
