// Helpers shared by the SBC codecs: the protection-field rule common to READ/WRITE/VERIFY/WRITE
// SAME and byte 1 of READ/WRITE(10)/(12)/(16). CDB framing and checked writers are in ../bytes.
import { ByteReader, putBits } from '../bytes';
import { invalidCdbField } from '../errors';

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
