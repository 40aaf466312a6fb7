// In-memory index of one partition: for every logical object the payload bytes before it (a
// prefix sum, so lengths, file offsets and the early-warning position are O(1)), and the sorted
// object numbers of the filemarks (file numbers and filemark spacing by binary search).
// 8 bytes per object plus 8 per filemark: one million objects cost about 8 MB.
import { RECORD_HEADER_SIZE, RECORDS_START } from './format';

class GrowableFloat64 {
  private data: Float64Array;
  length = 0;

  constructor(initial = 1024) {
    this.data = new Float64Array(initial);
  }

  get(i: number): number {
    return this.data[i];
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }

  /** Index of the first element >= v in the sorted array (length if none). */
  lowerBound(v: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.data[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export class ObjectMap {
  /** prefix[i] = payload bytes of objects 0..i-1; prefix has count + 1 entries. */
  private readonly prefix = new GrowableFloat64();
  private readonly filemarks = new GrowableFloat64();

  constructor() {
    this.prefix.push(0);
  }

  /** Build from per-object payload lengths (0 = filemark), as stored in an index checkpoint. */
  static fromLengths(lengths: ArrayLike<number>): ObjectMap {
    const m = new ObjectMap();
    for (let i = 0; i < lengths.length; i++) m.push(lengths[i]);
    return m;
  }

  /** Number of objects = object number of end of data. */
  get count(): number {
    return this.prefix.length - 1;
  }

  get filemarkCount(): number {
    return this.filemarks.length;
  }

  /** Payload bytes of all blocks. */
  get totalBytes(): number {
    return this.prefix.get(this.prefix.length - 1);
  }

  /** Payload bytes of the blocks before object `i` (0 <= i <= count). */
  bytesBefore(i: number): number {
    return this.prefix.get(i);
  }

  /** Payload length of object `i`; 0 for a filemark. */
  lengthOf(i: number): number {
    return this.prefix.get(i + 1) - this.prefix.get(i);
  }

  /** Byte offset of the record of object `i` in the data file (i = count: the end of the records). */
  offsetOf(i: number): number {
    return RECORDS_START + i * RECORD_HEADER_SIZE + this.prefix.get(i);
  }

  get endOffset(): number {
    return this.offsetOf(this.count);
  }

  /** Append an object: a block of `length` bytes, or a filemark when length is 0. */
  push(length: number): void {
    if (length === 0) this.filemarks.push(this.count);
    this.prefix.push(this.totalBytes + length);
  }

  /** Drop objects n..count-1. */
  truncate(n: number): void {
    if (n < 0 || n > this.count) throw new RangeError(`truncate to ${n} of ${this.count} objects`);
    this.prefix.length = n + 1;
    this.filemarks.length = this.filemarks.lowerBound(n);
  }

  /** Object number of filemark k (0-based). */
  filemarkAt(k: number): number {
    return this.filemarks.get(k);
  }

  /** Filemarks before position `pos` = the logical file number at `pos`. */
  filemarksBefore(pos: number): number {
    return this.filemarks.lowerBound(pos);
  }

  /** Payload lengths of objects 0..n-1, for an index checkpoint. */
  lengths(n: number): Uint32Array {
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.lengthOf(i);
    return out;
  }
}
