// The interface every disk LU backend implements: the thin-provisioned file store and each of its
// read-only snapshots. LBAs are bigint (SBC-4 LBAs are 64-bit); the byte capacity must stay below
// 2^53 so byte offsets are plain numbers internally.
import { DiskArgumentError, OutOfRangeError } from './errors';

export type ProvisioningState = 'mapped' | 'deallocated';

/** A run of logical blocks. */
export interface LbaRange {
  lba: bigint;
  count: bigint;
}

/** One run of GET LBA STATUS (SBC-4 5.8): `count` blocks from `lba` share `state`. */
export interface LbaStatusRun {
  lba: bigint;
  count: bigint;
  state: ProvisioningState;
}

export interface LbaStatusOptions {
  /** Stop after this many runs (default 4096). */
  maxDescriptors?: number;
  /**
   * Split runs longer than this (default 0xFFFFFFFF: the LBA status descriptor's NUMBER OF
   * LOGICAL BLOCKS field is 32 bits, SBC-4 5.8.2).
   */
  maxDescriptorBlocks?: bigint;
}

export interface WriteSameOptions {
  /** SBC-4 5.50 UNMAP bit: with an all-zero block, deallocate instead of writing. */
  unmap?: boolean;
}

export interface BlockDevice {
  readonly blockSize: number;
  readonly blockCount: bigint;
  readonly readOnly: boolean;
  /** Granularity of the provisioning state in blocks (the store's chunk size). */
  readonly provisioningGranularity: number;
  /** `count` blocks from `lba`; deallocated blocks read as zeros (LBPRZ=1). */
  read(lba: bigint, count: number): Promise<Buffer>;
  /** Whole blocks (`data.length` a multiple of blockSize). */
  write(lba: bigint, data: Buffer): Promise<void>;
  /** `count` copies of the one-block `block`; see WriteSameOptions.unmap. */
  writeSame(lba: bigint, count: bigint, block: Buffer, options?: WriteSameOptions): Promise<void>;
  /** Deallocate the ranges; they read back as zeros. All ranges are checked before any change. */
  unmap(ranges: readonly LbaRange[]): Promise<void>;
  /** Provisioning runs starting at `lba` (the first run starts exactly at `lba`). */
  lbaStatus(lba: bigint, options?: LbaStatusOptions): Promise<LbaStatusRun[]>;
  /** Make everything written so far durable (data, allocation map, checkpoints). */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export const SUPPORTED_BLOCK_SIZES: readonly number[] = [512, 1024, 2048, 4096];
export const DEFAULT_CHUNK_SIZE = 64 * 1024;
export const MAX_CHUNK_SIZE = 16 * 1024 * 1024;
const DEFAULT_MAX_DESCRIPTORS = 4096;
const MAX_DESCRIPTOR_BLOCKS = 0xffffffffn;

/** Block size, capacity and allocation chunk size of a store, with the derived byte figures. */
export class Geometry {
  readonly capacityBytes: number;
  readonly chunkCount: number;
  readonly blocksPerChunk: number;

  constructor(
    readonly blockSize: number,
    readonly blockCount: bigint,
    readonly chunkSize: number,
  ) {
    if (!SUPPORTED_BLOCK_SIZES.includes(blockSize)) {
      throw new DiskArgumentError(
        `block size ${blockSize} is not one of ${SUPPORTED_BLOCK_SIZES.join(', ')}`,
      );
    }
    if (typeof blockCount !== 'bigint' || blockCount <= 0n) {
      throw new DiskArgumentError('a disk needs at least one block');
    }
    const bytes = blockCount * BigInt(blockSize);
    if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) throw new DiskArgumentError('capacity above 2^53 bytes');
    if (
      !Number.isSafeInteger(chunkSize) ||
      chunkSize < blockSize ||
      chunkSize > MAX_CHUNK_SIZE ||
      (chunkSize & (chunkSize - 1)) !== 0
    ) {
      throw new DiskArgumentError(
        `chunk size ${chunkSize} must be a power of two between the block size and ${MAX_CHUNK_SIZE}`,
      );
    }
    this.capacityBytes = Number(bytes);
    this.chunkCount = Math.ceil(this.capacityBytes / chunkSize);
    this.blocksPerChunk = chunkSize / blockSize;
  }

  /** Bytes in chunk `i` (the last one may be short). */
  chunkLength(i: number): number {
    return Math.min(this.chunkSize, this.capacityBytes - i * this.chunkSize);
  }

  chunkOf(byte: number): number {
    return Math.floor(byte / this.chunkSize);
  }

  /** Byte range [start, end) of blocks lba..lba+count-1, after a range check. */
  byteRange(lba: bigint, count: bigint): { start: number; end: number } {
    if (typeof lba !== 'bigint' || typeof count !== 'bigint')
      throw new DiskArgumentError('LBA and count are bigint');
    if (lba < 0n || count < 0n || lba + count > this.blockCount)
      throw new OutOfRangeError(lba, count, this.blockCount);
    const bs = BigInt(this.blockSize);
    return { start: Number(lba * bs), end: Number((lba + count) * bs) };
  }
}

export function checkWholeBlocks(data: Buffer, blockSize: number, what: string): void {
  if (!Buffer.isBuffer(data) || data.length % blockSize !== 0) {
    throw new DiskArgumentError(`${what}: data must be whole ${blockSize}-byte blocks`);
  }
}

export function checkReadCount(count: number, blockSize: number): void {
  if (!Number.isSafeInteger(count) || count < 0) throw new DiskArgumentError(`bad block count ${count}`);
  if (count * blockSize > 0x7fffffff) throw new DiskArgumentError(`a read of ${count} blocks is too large`);
}

export function isAllZero(buf: Buffer, zeros: Buffer): boolean {
  for (let off = 0; off < buf.length; off += zeros.length) {
    const n = Math.min(zeros.length, buf.length - off);
    if (!buf.subarray(off, off + n).equals(zeros.subarray(0, n))) return false;
  }
  return true;
}

/**
 * Provisioning runs from `lba`, given the mapped state of each chunk and a function that finds
 * where that state next changes (the end of the run of equal chunks starting at `chunk`).
 */
export function lbaStatusRuns(
  g: Geometry,
  lba: bigint,
  mapped: (chunk: number) => boolean,
  runEnd: (chunk: number, value: boolean) => number,
  options: LbaStatusOptions = {},
): LbaStatusRun[] {
  g.byteRange(lba, 1n);
  const maxDescriptors = options.maxDescriptors ?? DEFAULT_MAX_DESCRIPTORS;
  const maxBlocks = options.maxDescriptorBlocks ?? MAX_DESCRIPTOR_BLOCKS;
  if (!Number.isSafeInteger(maxDescriptors) || maxDescriptors < 1)
    throw new DiskArgumentError('maxDescriptors < 1');
  if (maxBlocks < 1n) throw new DiskArgumentError('maxDescriptorBlocks < 1');
  const bpc = BigInt(g.blocksPerChunk);
  const runs: LbaStatusRun[] = [];
  let cur = lba;
  while (cur < g.blockCount && runs.length < maxDescriptors) {
    const chunk = Number(cur / bpc);
    const value = mapped(chunk);
    const endChunk = runEnd(chunk, value);
    let end = BigInt(endChunk) * bpc;
    if (end > g.blockCount) end = g.blockCount;
    const state: ProvisioningState = value ? 'mapped' : 'deallocated';
    while (cur < end && runs.length < maxDescriptors) {
      const count = end - cur < maxBlocks ? end - cur : maxBlocks;
      runs.push({ lba: cur, count, state });
      cur += count;
    }
  }
  return runs;
}

/** Run `fn` and turn a synchronous throw into a rejected promise (argument checks of async APIs). */
export function settle<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}
