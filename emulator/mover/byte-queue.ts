// FIFO of bytes made of the buffers reads returned. take(n) hands out a view of the first buffer when
// it holds n bytes (no copy: the usual case when reads and writes have the same size), and joins
// pieces only when a write spans buffers (block size or transfer length changes).
export class ByteQueue {
  private readonly parts: Buffer[] = [];
  private head = 0;
  private total = 0;

  get length(): number {
    return this.total;
  }

  push(buf: Buffer): void {
    if (buf.length === 0) return;
    this.parts.push(buf);
    this.total += buf.length;
  }

  /** Remove and return exactly n bytes (n <= length). */
  take(n: number): Buffer {
    if (!Number.isInteger(n) || n < 0 || n > this.total)
      throw new RangeError(`take(${n}) from ${this.total} bytes`);
    if (n === 0) return Buffer.alloc(0);
    const first = this.parts[this.head];
    if (first.length >= n) {
      const out = first.length === n ? first : first.subarray(0, n);
      this.consumeFirst(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let done = 0;
    while (done < n) {
      const p = this.parts[this.head];
      const k = Math.min(p.length, n - done);
      p.copy(out, done, 0, k);
      this.consumeFirst(k);
      done += k;
    }
    return out;
  }

  /** Remove and return everything. */
  takeAll(): Buffer {
    return this.take(this.total);
  }

  /** Drop everything. */
  clear(): void {
    this.parts.length = 0;
    this.head = 0;
    this.total = 0;
  }

  private consumeFirst(k: number): void {
    const p = this.parts[this.head];
    if (k === p.length) {
      this.head++;
      if (this.head === this.parts.length) {
        this.parts.length = 0;
        this.head = 0;
      } else if (this.head > 64 && this.head * 2 > this.parts.length) {
        this.parts.splice(0, this.head);
        this.head = 0;
      }
    } else {
      this.parts[this.head] = p.subarray(k);
    }
    this.total -= k;
  }
}
