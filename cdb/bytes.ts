// Bounds-checked big-endian field access shared by every codec. SCSI is big-endian throughout
// (SPC-4 3.5.5). Reads past the end throw SenseError, never RangeError.
import { invalidCdbField, paramListLengthError, SenseError } from './errors';

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
    if (this.origin === 'cdb') return invalidCdbField(this.base + Math.min(off, Math.max(0, this.buf.length - 1)), msg);
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
    return this.slice(off, n, what).toString('latin1').replace(/[\s\0]+$/, '');
  }
}

/** Write helpers that check ranges so an encoder never silently truncates a value. */
export function checkUint(value: number, bits: number, name: string): number {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) {
    throw new RangeError(`${name} = ${value} does not fit in ${bits} bits`);
  }
  return value;
}

export function checkUint64(value: bigint, name: string): bigint {
  if (value < 0n || value >= 1n << 64n) throw new RangeError(`${name} = ${value} does not fit in 64 bits`);
  return value;
}

export function putU24(buf: Buffer, value: number, off: number, name = 'field'): void {
  buf.writeUIntBE(checkUint(value, 24, name), off, 3);
}

/** Space-padded ASCII field (SPC-4 4.4.1), truncated to `n`. */
export function putAscii(buf: Buffer, value: string, off: number, n: number): void {
  buf.fill(0x20, off, off + n);
  buf.write(value.slice(0, n), off, n, 'latin1');
}

/** Set or clear a bit. */
export function flag(v: boolean | undefined, bit: number): number {
  return v ? 1 << bit : 0;
}
