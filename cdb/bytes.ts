// Big-endian field access shared by every codec (SCSI is big-endian throughout, SPC-4 3.5.5):
// the bounds-checked ByteReader (reads past the end throw SenseError, never RangeError), CDB
// framing (openCdb / newCdb) and range-checked writers (encoders throw RangeError, never truncate).
import { invalidCdbField, invalidOpcode, paramListLengthError, SenseError } from './errors';

/** Where the bytes came from decides which sense a short or bad field produces. */
export type Origin = 'cdb' | 'param' | 'data-in';

export class ByteReader {
  constructor(
    readonly buf: Buffer,
    readonly origin: Origin,
    /** Offset of buf[0] within the whole CDB or parameter list, for field pointers. */
    readonly base = 0,
  ) {}

  get length(): number {
    return this.buf.length;
  }

  /** Throw unless `n` bytes are available at `off`. */
  need(off: number, n: number, what: string): void {
    if (off < 0 || off + n > this.buf.length) throw this.short(off, n, what);
  }

  private short(off: number, n: number, what: string): SenseError {
    const msg = `${what}: needs bytes ${this.base + off}..${this.base + off + n - 1}, have ${this.buf.length}`;
    if (this.origin === 'cdb')
      return invalidCdbField(this.base + Math.min(off, Math.max(0, this.buf.length - 1)), msg);
    return paramListLengthError(msg);
  }

  u8(off: number, what = 'field'): number {
    this.need(off, 1, what);
    return this.buf[off];
  }
  u16(off: number, what = 'field'): number {
    this.need(off, 2, what);
    return this.buf.readUInt16BE(off);
  }
  u24(off: number, what = 'field'): number {
    this.need(off, 3, what);
    return this.buf.readUIntBE(off, 3);
  }
  u32(off: number, what = 'field'): number {
    this.need(off, 4, what);
    return this.buf.readUInt32BE(off);
  }
  u48(off: number, what = 'field'): number {
    this.need(off, 6, what);
    return this.buf.readUIntBE(off, 6);
  }
  u64(off: number, what = 'field'): bigint {
    this.need(off, 8, what);
    return this.buf.readBigUInt64BE(off);
  }
  /** `width` bits of byte `off` starting at bit `shift` (bit 0 = least significant). */
  bits(off: number, shift: number, width: number, what = 'field'): number {
    return (this.u8(off, what) >> shift) & ((1 << width) - 1);
  }
  bit(off: number, bit: number, what = 'field'): boolean {
    return ((this.u8(off, what) >> bit) & 1) === 1;
  }
  slice(off: number, n: number, what = 'field'): Buffer {
    this.need(off, n, what);
    return Buffer.from(this.buf.subarray(off, off + n));
  }
  /** Sub-reader over [off, off+n) keeping field pointers absolute. */
  sub(off: number, n: number, what = 'field'): ByteReader {
    this.need(off, n, what);
    return new ByteReader(this.buf.subarray(off, off + n), this.origin, this.base + off);
  }
  /** ASCII field with trailing spaces/NULs removed (SPC-4 4.4.1). */
  ascii(off: number, n: number, what = 'field'): string {
    return this.slice(off, n, what)
      .toString('latin1')
      .replace(/[\s\0]+$/, '');
  }
}

// --- CDB framing ---------------------------------------------------------------------------------

/**
 * Open a CDB for decoding. The OPERATION CODE must match (else 05/20/00, pointer byte 0), the
 * buffer must hold the whole CDB (else 05/24/00 pointing at byte 0: the CDB is too short for its
 * OPERATION CODE) and, when `serviceAction` is given (MAINTENANCE IN, SERVICE ACTION IN(16) style
 * commands), byte 1 bits 4-0 must hold it (else 05/24/00, pointer byte 1 bit 4). Longer buffers
 * are accepted (iSCSI carries CDBs in a 16-byte field); the trailing bytes are ignored.
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

/** A zeroed CDB with OPERATION CODE, optional SERVICE ACTION (byte 1 bits 4-0) and CONTROL filled in. */
export function newCdb(opcode: number, cdbLength: number, control: number, serviceAction?: number): Buffer {
  const b = Buffer.alloc(cdbLength);
  b[0] = opcode;
  if (serviceAction !== undefined) b[1] = checkUint(serviceAction, 5, 'service action');
  b[cdbLength - 1] = checkUint(control, 8, 'control');
  return b;
}

// --- range-checked writers -----------------------------------------------------------------------

/** `value` as an unsigned `bits`-bit integer; RangeError when it does not fit. */
export function checkUint(value: number, bits: number, name: string): number {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) {
    throw new RangeError(`${name} = ${value} does not fit in ${bits} bits`);
  }
  return value;
}

export function checkUint64(value: bigint, name: string): bigint {
  // typeof: untyped input (e.g. JSON) may carry a number where a bigint belongs.
  if (typeof value !== 'bigint' || value < 0n || value >= 1n << 64n) {
    throw new RangeError(`${name} = ${String(value)} does not fit in 64 bits`);
  }
  return value;
}

export function putU8(buf: Buffer, value: number, off: number, name = 'field'): void {
  buf[off] = checkUint(value, 8, name);
}

export function putU16(buf: Buffer, value: number, off: number, name = 'field'): void {
  buf.writeUInt16BE(checkUint(value, 16, name), off);
}

export function putU24(buf: Buffer, value: number, off: number, name = 'field'): void {
  buf.writeUIntBE(checkUint(value, 24, name), off, 3);
}

export function putU32(buf: Buffer, value: number, off: number, name = 'field'): void {
  buf.writeUInt32BE(checkUint(value, 32, name), off);
}

export function putU64(buf: Buffer, value: bigint, off: number, name = 'field'): void {
  buf.writeBigUInt64BE(checkUint64(value, name), off);
}

/** `value` checked to fit `width` bits, shifted into place within a byte. */
export function bitsField(value: number, width: number, shift: number, name: string): number {
  return checkUint(value, width, name) << shift;
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
  buf[off] |= bitsField(value, width, shift, name);
}

/** Space-padded ASCII field (SPC-4 4.4.1), truncated to `n`. */
export function putAscii(buf: Buffer, value: string, off: number, n: number): void {
  buf.fill(0x20, off, off + n);
  buf.write(value.slice(0, n), off, n, 'latin1');
}

/** SPC-4 4.4.1: ASCII fields hold graphic characters 20h-7Eh. */
export function checkAscii(value: string, maxLength: number, name: string): string {
  if (value.length > maxLength) throw new RangeError(`${name} "${value}" is longer than ${maxLength} bytes`);
  if (!/^[\x20-\x7e]*$/.test(value)) throw new RangeError(`${name} "${value}" is not printable ASCII`);
  return value;
}

/**
 * Space-padded ASCII field (SPC-4 4.4.1). Unlike putAscii this refuses values that would be
 * truncated or changed on the way back (too long, non-printable, trailing spaces).
 */
export function putAsciiExact(buf: Buffer, value: string, off: number, n: number, name: string): void {
  checkAscii(value, n, name);
  if (/ $/.test(value)) throw new RangeError(`${name} "${value}" has trailing spaces`);
  putAscii(buf, value, off, n);
}

/** Set or clear a bit. */
export function flag(v: boolean | undefined, bit: number): number {
  return v ? 1 << bit : 0;
}
