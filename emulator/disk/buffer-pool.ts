// A pool of large read buffers. Block stores read data-in into buffers leased from here; a
// transport that is finished with the buffer (the iSCSI target, once the socket has written the
// Data-In PDUs that point into it) gives it back, and the next read reuses the memory instead of
// allocating a fresh off-heap buffer. Without it every large READ allocates one, and the external
// memory churn drives V8 into a full mark-compact every few tens of MiB.
//
// Rules that keep reuse safe:
// - A lease is the exact Buffer object acquire() returned. release() of anything else (a subarray,
//   a copy, a buffer that was never leased) is a no-op, and so is a second release of the same
//   lease: a buffer can be handed out again only after the one release of its current lease.
// - The releaser must be the last user of the lease (nothing may read it afterwards).
// - A lease that is never released is simply garbage collected: releasing is an optimisation.
// - acquire() returns uninitialised memory (old data of an earlier lease): the caller must
//   overwrite all of it before anyone sees it.

/** Smallest pooled size class (smaller buffers are plain allocations). */
export const MIN_POOLED_BYTES = 32 * 1024;
/** Largest pooled size class. */
export const MAX_POOLED_BYTES = 16 * 1024 * 1024;
/** Default bound of the memory kept in free lists. */
export const DEFAULT_MAX_FREE_BYTES = 64 * 1024 * 1024;

export interface BufferPoolStats {
  /** Bytes of slabs waiting in the free lists. */
  freeBytes: number;
  /** Leases handed out minus releases (a lease dropped without release stays counted). */
  outstanding: number;
  /** acquire() calls served from a free list. */
  reused: number;
  /** acquire() calls that allocated a new slab. */
  allocated: number;
}

function classOf(length: number): number {
  // Size class index: slab of 2^(k) bytes, k from log2(MIN_POOLED_BYTES).
  let size = MIN_POOLED_BYTES;
  let k = 0;
  while (size < length) {
    size *= 2;
    k++;
  }
  return k;
}

export class BufferPool {
  private readonly free: Buffer[][] = [];
  /** Lease object -> the whole slab it views. */
  private readonly leases = new WeakMap<Buffer, Buffer>();
  private freeBytes = 0;
  private outstanding = 0;
  private reused = 0;
  private allocated = 0;

  constructor(readonly maxFreeBytes: number = DEFAULT_MAX_FREE_BYTES) {
    if (!Number.isSafeInteger(maxFreeBytes) || maxFreeBytes < 0)
      throw new RangeError(`maxFreeBytes ${maxFreeBytes} is not a non-negative integer`);
    for (let size = MIN_POOLED_BYTES; size <= MAX_POOLED_BYTES; size *= 2) this.free.push([]);
  }

  /**
   * A buffer of exactly `length` bytes with unspecified contents. Lengths outside the pooled
   * classes get a plain allocation (release() ignores it).
   */
  acquire(length: number): Buffer {
    if (length < MIN_POOLED_BYTES || length > MAX_POOLED_BYTES) return Buffer.allocUnsafe(length);
    const k = classOf(length);
    let slab = this.free[k].pop();
    if (slab === undefined) {
      // allocUnsafeSlow: a slab of its own, never a slice of Node's shared small-buffer pool.
      slab = Buffer.allocUnsafeSlow(MIN_POOLED_BYTES * 2 ** k);
      this.allocated++;
    } else {
      this.freeBytes -= slab.length;
      this.reused++;
    }
    const lease = slab.subarray(0, length);
    this.leases.set(lease, slab);
    this.outstanding++;
    return lease;
  }

  /** Give a lease back; true when it was a live lease of this pool. */
  release(lease: Buffer): boolean {
    const slab = this.leases.get(lease);
    if (slab === undefined) return false;
    this.leases.delete(lease);
    this.outstanding--;
    if (this.freeBytes + slab.length <= this.maxFreeBytes) {
      this.free[classOf(slab.length)].push(slab);
      this.freeBytes += slab.length;
    }
    return true;
  }

  /** Drop every free slab (leases stay valid). */
  trim(): void {
    for (const list of this.free) list.length = 0;
    this.freeBytes = 0;
  }

  stats(): BufferPoolStats {
    return {
      freeBytes: this.freeBytes,
      outstanding: this.outstanding,
      reused: this.reused,
      allocated: this.allocated,
    };
  }
}

/** The pool block stores read into. */
export const readBufferPool = new BufferPool();

/**
 * A transport is done with a buffer it got as read data (for example a LuResponse's dataIn, after
 * the socket wrote it): return it to the read pool if it is a live lease. Any other buffer is left
 * alone. The caller must not touch the buffer afterwards.
 */
export function releaseReadBuffer(buf: Buffer): boolean {
  return readBufferPool.release(buf);
}
