// In-memory storage behind a disk LU. SparseRamStore is sparse and synchronous: fixed-size chunks
// are allocated on first write and freed by UNMAP, unwritten and unmapped blocks read as zeros
// (LBPRZ=1), so a large thin-provisioned disk costs only the memory its data uses. RamBlockDevice
// puts it behind the asynchronous BlockDevice interface of emulator/disk, the interface DiskDevice
// serves (the file-backed FileBlockStore and its snapshots implement it too).
import {
  checkReadCount,
  checkWholeBlocks,
  Geometry,
  isAllZero,
  lbaStatusRuns,
  settle,
  type BlockDevice,
  type LbaRange,
  type LbaStatusOptions,
  type LbaStatusRun,
  type WriteSameOptions,
} from '../disk/block-device';
import { readBufferPool } from '../disk/buffer-pool';
import { ClosedError, DiskArgumentError, ReadOnlyError } from '../disk/errors';

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

/** Allocation chunk of the RAM store: its provisioning granularity. */
export const RAM_CHUNK_BYTES = 64 * 1024;
const CHUNK_BYTES = RAM_CHUNK_BYTES;

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
    return this.readInto(lba, count, Buffer.allocUnsafe(count * this.blockSize));
  }

  /**
   * Copy `count` blocks from `lba` into `out` (at least that long), overwriting every one of those
   * bytes: unallocated chunks are written as zeros. Returns `out`.
   */
  readInto(lba: bigint, count: number, out: Buffer): Buffer {
    let pos = this.checkRange(lba, BigInt(count));
    const length = count * this.blockSize;
    if (out.length < length) throw new RangeError(`buffer of ${out.length} bytes for ${length}`);
    let done = 0;
    while (done < length) {
      const idx = Math.floor(pos / CHUNK_BYTES);
      const within = pos - idx * CHUNK_BYTES;
      const n = Math.min(CHUNK_BYTES - within, length - done);
      const chunk = this.chunks.get(idx);
      if (chunk !== undefined) chunk.copy(out, done, within, within + n);
      else out.fill(0, done, done + n);
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

  /** Whether chunk `index` (of RAM_CHUNK_BYTES) holds memory. */
  chunkAllocated(index: number): boolean {
    return this.chunks.has(index);
  }

  /** Smallest allocated chunk index >= `from`, or `limit` when there is none below it. */
  nextAllocatedChunk(from: number, limit: number): number {
    let best = limit;
    for (const k of this.chunks.keys()) if (k >= from && k < best) best = k;
    return best;
  }
}

export interface RamBlockDeviceOptions {
  /** A read-only device refuses write, WRITE SAME and unmap with ReadOnlyError. */
  readOnly?: boolean;
}

/** WRITE SAME fills and writes in pieces of this size. */
const FILL_PIECE_BYTES = 1024 * 1024;

/**
 * A SparseRamStore behind the asynchronous BlockDevice interface: provisioning state per 64 KiB
 * chunk, errors as emulator/disk's typed errors (OutOfRangeError, ReadOnlyError, ClosedError).
 */
export class RamBlockDevice implements BlockDevice {
  readonly readOnly: boolean;
  private readonly geometry: Geometry;
  private readonly zeros: Buffer;
  private closed = false;

  constructor(
    readonly ram: SparseRamStore,
    options: RamBlockDeviceOptions = {},
  ) {
    this.readOnly = options.readOnly ?? false;
    this.geometry = new Geometry(ram.blockSize, ram.blockCount, CHUNK_BYTES);
    this.zeros = Buffer.alloc(ram.blockSize);
  }

  static create(blockSize: number, blockCount: bigint, options?: RamBlockDeviceOptions): RamBlockDevice {
    return new RamBlockDevice(new SparseRamStore(blockSize, blockCount), options);
  }

  get blockSize(): number {
    return this.ram.blockSize;
  }

  get blockCount(): bigint {
    return this.ram.blockCount;
  }

  get provisioningGranularity(): number {
    return this.geometry.blocksPerChunk;
  }

  /** Bytes of memory the data takes. */
  allocatedBytes(): number {
    return this.ram.allocatedBytes();
  }

  private checkOpen(): void {
    if (this.closed) throw new ClosedError('RAM block device');
  }

  private checkWritable(operation: string): void {
    this.checkOpen();
    if (this.readOnly) throw new ReadOnlyError(operation);
  }

  read(lba: bigint, count: number): Promise<Buffer> {
    return settle(() => {
      this.checkOpen();
      checkReadCount(count, this.blockSize);
      this.geometry.byteRange(lba, BigInt(count));
      // A lease of the read pool, fully overwritten by readInto (see emulator/disk/buffer-pool.ts).
      const out = readBufferPool.acquire(count * this.blockSize);
      try {
        return this.ram.readInto(lba, count, out);
      } catch (e) {
        readBufferPool.release(out);
        throw e;
      }
    });
  }

  write(lba: bigint, data: Buffer): Promise<void> {
    return settle(() => {
      this.checkWritable('write');
      checkWholeBlocks(data, this.blockSize, 'write');
      this.geometry.byteRange(lba, BigInt(data.length / this.blockSize));
      this.ram.write(lba, data);
    });
  }

  writeSame(lba: bigint, count: bigint, block: Buffer, options: WriteSameOptions = {}): Promise<void> {
    return settle(() => {
      this.checkWritable('write same');
      if (!Buffer.isBuffer(block) || block.length !== this.blockSize) {
        throw new DiskArgumentError(`write same: the data must be one ${this.blockSize}-byte block`);
      }
      this.geometry.byteRange(lba, count);
      if (options.unmap === true && isAllZero(block, this.zeros)) {
        this.ram.unmap(lba, count);
        return;
      }
      const perPiece = BigInt(Math.max(1, Math.floor(FILL_PIECE_BYTES / this.blockSize)));
      const first = count < perPiece ? count : perPiece;
      const piece = Buffer.alloc(Number(first) * this.blockSize);
      piece.fill(block);
      for (let done = 0n; done < count;) {
        const n = count - done < perPiece ? count - done : perPiece;
        this.ram.write(lba + done, piece.subarray(0, Number(n) * this.blockSize));
        done += n;
      }
    });
  }

  unmap(ranges: readonly LbaRange[]): Promise<void> {
    return settle(() => {
      this.checkWritable('unmap');
      for (const r of ranges) this.geometry.byteRange(r.lba, r.count);
      for (const r of ranges) if (r.count > 0n) this.ram.unmap(r.lba, r.count);
    });
  }

  lbaStatus(lba: bigint, options?: LbaStatusOptions): Promise<LbaStatusRun[]> {
    return settle(() => {
      this.checkOpen();
      const g = this.geometry;
      const runEnd = (chunk: number, value: boolean): number => {
        if (!value) return this.ram.nextAllocatedChunk(chunk + 1, g.chunkCount);
        let i = chunk + 1;
        while (i < g.chunkCount && this.ram.chunkAllocated(i)) i++;
        return i;
      };
      return lbaStatusRuns(g, lba, (c) => this.ram.chunkAllocated(c), runEnd, options);
    });
  }

  /** Nothing to flush: the data lives in memory only. */
  sync(): Promise<void> {
    return settle(() => this.checkOpen());
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
