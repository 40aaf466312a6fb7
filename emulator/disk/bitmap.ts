// A fixed-length bit set with run scanning: the allocation map (one bit per chunk) and the
// changed-block bitmaps (one bit per granule). Bit i lives in byte i >> 3, mask 1 << (i & 7).

export class Bitmap {
  readonly bytes: Uint8Array;

  constructor(
    readonly length: number,
    bytes?: Uint8Array,
  ) {
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`bad bitmap length ${length}`);
    const n = Bitmap.byteLength(length);
    if (bytes !== undefined && bytes.length !== n) {
      throw new RangeError(`bitmap of ${length} bits needs ${n} bytes, got ${bytes.length}`);
    }
    this.bytes = bytes ?? new Uint8Array(n);
  }

  static byteLength(bits: number): number {
    return Math.ceil(bits / 8);
  }

  get(i: number): boolean {
    return (this.bytes[i >>> 3] & (1 << (i & 7))) !== 0;
  }

  set(i: number, value: boolean): void {
    if (value) this.bytes[i >>> 3] |= 1 << (i & 7);
    else this.bytes[i >>> 3] &= ~(1 << (i & 7));
  }

  /** Set bits [start, end) to `value`. */
  setRange(start: number, end: number, value: boolean): void {
    let i = start;
    while (i < end && (i & 7) !== 0) this.set(i++, value);
    const fill = value ? 0xff : 0;
    while (i + 8 <= end) {
      this.bytes[i >>> 3] = fill;
      i += 8;
    }
    while (i < end) this.set(i++, value);
  }

  /** Set every bit (the tail bits of the last byte stay zero so the bytes compare equal). */
  setAll(): void {
    this.setRange(0, this.length, true);
  }

  /** First index in [from, limit) whose bit equals `value`, or `limit` if none. */
  next(from: number, value: boolean, limit = this.length): number {
    const skip = value ? 0x00 : 0xff;
    let i = from;
    while (i < limit) {
      if ((i & 7) === 0 && this.bytes[i >>> 3] === skip) {
        i += 8;
        continue;
      }
      if (this.get(i) === value) return i;
      i++;
    }
    return limit;
  }

  /** Highest set index, or -1. */
  lastSet(): number {
    for (let b = this.bytes.length - 1; b >= 0; b--) {
      const v = this.bytes[b];
      if (v !== 0) return b * 8 + (31 - Math.clz32(v));
    }
    return -1;
  }

  count(): number {
    let n = 0;
    for (const v of this.bytes) {
      let x = v;
      while (x !== 0) {
        x &= x - 1;
        n++;
      }
    }
    return n;
  }

  clone(): Bitmap {
    return new Bitmap(this.length, Uint8Array.from(this.bytes));
  }
}
