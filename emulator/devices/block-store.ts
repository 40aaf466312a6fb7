// Storage behind a disk LU. The RAM store is sparse: fixed-size chunks are allocated on first
// write and freed by UNMAP, unwritten and unmapped blocks read as zeros (LBPRZ=1), so a large
// thin-provisioned disk costs only the memory its data uses.

export interface BlockStore {
  readonly blockSize: number;
  readonly blockCount: bigint;
  /** Copy `count` blocks starting at `lba` into a new buffer. */
  read(lba: bigint, count: number): Buffer;
  /** Write whole blocks from `data` (data.length must be a multiple of the block size). */
  write(lba: bigint, data: Buffer): void;
  /** Deallocate blocks; they read back as zeros. */
  unmap(lba: bigint, count: bigint): void;
  /** Bytes of memory currently allocated (thin provisioning statistics). */
  allocatedBytes(): number;
}

const CHUNK_BYTES = 64 * 1024;

export class SparseRamStore implements BlockStore {
  private readonly chunks = new Map<number, Buffer>();
  private readonly totalBytes: number;

  constructor(
    readonly blockSize: number,
    readonly blockCount: bigint,
  ) {
    if (![512, 1024, 2048, 4096].includes(blockSize))
      throw new RangeError(`block size ${blockSize} not supported`);
    if (blockCount <= 0n) throw new RangeError('a disk needs at least one block');
    const bytes = blockCount * BigInt(blockSize);
    if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('capacity too large');
    this.totalBytes = Number(bytes);
  }

  private checkRange(lba: bigint, count: bigint): number {
    if (lba < 0n || count < 0n || lba + count > this.blockCount) {
      throw new RangeError(`blocks ${lba}+${count} beyond ${this.blockCount}`);
    }
    return Number(lba) * this.blockSize;
  }

  read(lba: bigint, count: number): Buffer {
    let pos = this.checkRange(lba, BigInt(count));
    const out = Buffer.alloc(count * this.blockSize);
    let done = 0;
    while (done < out.length) {
      const idx = Math.floor(pos / CHUNK_BYTES);
      const within = pos - idx * CHUNK_BYTES;
      const n = Math.min(CHUNK_BYTES - within, out.length - done);
      const chunk = this.chunks.get(idx);
      if (chunk !== undefined) chunk.copy(out, done, within, within + n);
      done += n;
      pos += n;
    }
    return out;
  }

  write(lba: bigint, data: Buffer): void {
    if (data.length % this.blockSize !== 0) throw new RangeError('partial block write');
    let pos = this.checkRange(lba, BigInt(data.length / this.blockSize));
    let done = 0;
    while (done < data.length) {
      const idx = Math.floor(pos / CHUNK_BYTES);
      const within = pos - idx * CHUNK_BYTES;
      const n = Math.min(CHUNK_BYTES - within, data.length - done);
      let chunk = this.chunks.get(idx);
      if (chunk === undefined) {
        chunk = Buffer.alloc(Math.min(CHUNK_BYTES, this.totalBytes - idx * CHUNK_BYTES));
        this.chunks.set(idx, chunk);
      }
      data.copy(chunk, within, done, done + n);
      done += n;
      pos += n;
    }
  }

  unmap(lba: bigint, count: bigint): void {
    let pos = this.checkRange(lba, count);
    const end = pos + Number(count) * this.blockSize;
    while (pos < end) {
      const idx = Math.floor(pos / CHUNK_BYTES);
      const within = pos - idx * CHUNK_BYTES;
      const n = Math.min(CHUNK_BYTES - within, end - pos);
      const chunk = this.chunks.get(idx);
      if (chunk !== undefined) {
        if (within === 0 && n === chunk.length) this.chunks.delete(idx);
        else chunk.fill(0, within, within + n);
      }
      pos += n;
    }
  }

  allocatedBytes(): number {
    let n = 0;
    for (const c of this.chunks.values()) n += c.length;
    return n;
  }
}
