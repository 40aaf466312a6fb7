// The read buffer pool: size classes, lease rules (only the exact lease, only once), the free-list
// bound, and that stores overwrite every byte of a reused buffer (no stale data reaches a reader).
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { RamBlockDevice } from '../../../emulator/devices/block-store';
import { Geometry } from '../../../emulator/disk/block-device';
import { FileBlockStore } from '../../../emulator/disk/block-store';
import {
  BufferPool,
  MAX_POOLED_BYTES,
  MIN_POOLED_BYTES,
  readBufferPool,
  releaseReadBuffer,
} from '../../../emulator/disk/buffer-pool';
import { readChunks } from '../../../emulator/disk/read-plan';
import { bytes, makeTempDir, removeTempDir } from './helpers';

const KIB = 1024;

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir();
});
afterAll(async () => {
  await removeTempDir(dir);
});

/** Leave a dirty slab of `length`'s size class on top of the shared pool's free list. */
function dirtyFreeSlab(length: number): ArrayBufferLike {
  const b = readBufferPool.acquire(length);
  b.fill(0xaa);
  expect(releaseReadBuffer(b)).toBe(true);
  return b.buffer;
}

describe('BufferPool', () => {
  it('hands out exactly the requested length from a power-of-two slab and reuses it after release', () => {
    const pool = new BufferPool();
    const a = pool.acquire(200 * KIB);
    expect(a.length).toBe(200 * KIB);
    expect(a.byteOffset).toBe(0);
    expect(a.buffer.byteLength).toBe(256 * KIB);
    expect(pool.stats()).toEqual({ freeBytes: 0, outstanding: 1, reused: 0, allocated: 1 });
    expect(pool.release(a)).toBe(true);
    expect(pool.stats()).toEqual({ freeBytes: 256 * KIB, outstanding: 0, reused: 0, allocated: 1 });
    // Any length of the same class gets the same memory back.
    const b = pool.acquire(256 * KIB);
    expect(b.buffer).toBe(a.buffer);
    expect(pool.stats()).toEqual({ freeBytes: 0, outstanding: 1, reused: 1, allocated: 1 });
    // Another class allocates a slab of its own.
    const c = pool.acquire(256 * KIB + 1);
    expect(c.buffer.byteLength).toBe(512 * KIB);
    expect(c.buffer).not.toBe(a.buffer);
  });

  it('releases only the live lease: not twice, not a subarray, copy or foreign buffer', () => {
    const pool = new BufferPool();
    const a = pool.acquire(64 * KIB);
    expect(pool.release(a.subarray(0, 10))).toBe(false);
    expect(pool.release(Buffer.from(a))).toBe(false);
    expect(pool.release(Buffer.alloc(64 * KIB))).toBe(false);
    expect(pool.stats().outstanding).toBe(1);
    expect(pool.release(a)).toBe(true);
    expect(pool.release(a)).toBe(false);
    // The slab went to a new lease: the old lease object cannot give it back a second time.
    const b = pool.acquire(64 * KIB);
    expect(b.buffer).toBe(a.buffer);
    expect(pool.release(a)).toBe(false);
    expect(pool.stats()).toMatchObject({ outstanding: 1, freeBytes: 0 });
    expect(pool.release(b)).toBe(true);
  });

  it('leaves lengths outside the pooled classes to plain allocation', () => {
    const pool = new BufferPool();
    const small = pool.acquire(MIN_POOLED_BYTES - 1);
    const large = pool.acquire(MAX_POOLED_BYTES + 512);
    expect(small.length).toBe(MIN_POOLED_BYTES - 1);
    expect(large.length).toBe(MAX_POOLED_BYTES + 512);
    expect(pool.release(small)).toBe(false);
    expect(pool.release(large)).toBe(false);
    expect(pool.stats()).toEqual({ freeBytes: 0, outstanding: 0, reused: 0, allocated: 0 });
    const smallest = pool.acquire(MIN_POOLED_BYTES);
    const largest = pool.acquire(MAX_POOLED_BYTES);
    expect([smallest.buffer.byteLength, largest.buffer.byteLength]).toEqual([
      MIN_POOLED_BYTES,
      MAX_POOLED_BYTES,
    ]);
  });

  it('keeps at most maxFreeBytes in its free lists; trim() empties them', () => {
    const pool = new BufferPool(600 * KIB);
    const leases = [pool.acquire(256 * KIB), pool.acquire(256 * KIB), pool.acquire(256 * KIB)];
    for (const l of leases) expect(pool.release(l)).toBe(true);
    // The third slab would exceed the bound: dropped for the garbage collector.
    expect(pool.stats()).toMatchObject({ freeBytes: 512 * KIB, outstanding: 0 });
    pool.trim();
    expect(pool.stats().freeBytes).toBe(0);
    expect(pool.acquire(256 * KIB).buffer).not.toBe(leases[0].buffer);
    expect(() => new BufferPool(-1)).toThrow(RangeError);
  });
});

describe('stores overwrite every byte of a reused read buffer', () => {
  it('FileBlockStore: deallocated chunks read as zeros, mapped ones as written', async () => {
    const image = path.join(dir, 'reuse.img');
    const store = await FileBlockStore.create(image, {
      blockSize: 512,
      blockCount: 2048n,
      flushIntervalMs: 0,
    });
    try {
      const data = bytes(64 * KIB, 3);
      await store.write(128n, data); // chunk 1 of 64 KiB chunks
      const slab = dirtyFreeSlab(256 * KIB);
      const got = await store.read(0n, 512); // chunks 0-3: zeros, data, zeros, zeros
      expect(got.buffer).toBe(slab);
      expect(got.equals(Buffer.concat([Buffer.alloc(64 * KIB), data, Buffer.alloc(128 * KIB)]))).toBe(true);
      expect(releaseReadBuffer(got)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('FileBlockStore: a mapped chunk past the end of a short data file reads as zeros', async () => {
    const image = path.join(dir, 'short.img');
    const store = await FileBlockStore.create(image, {
      blockSize: 512,
      blockCount: 1024n,
      flushIntervalMs: 0,
    });
    await store.write(0n, bytes(64 * KIB, 4));
    await store.write(384n, bytes(64 * KIB, 5)); // chunk 3
    await store.close();
    // The data file loses its tail (an interrupted trim): chunk 3 is still mapped in the metadata.
    await fsp.truncate(image, 100 * KIB);
    const ro = await FileBlockStore.open(image, { readOnly: true });
    try {
      const slab = dirtyFreeSlab(256 * KIB);
      const got = await ro.read(0n, 512);
      expect(got.buffer).toBe(slab);
      const expected = Buffer.alloc(256 * KIB);
      bytes(64 * KIB, 4).copy(expected, 0);
      expect(got.equals(expected)).toBe(true);
      releaseReadBuffer(got);
    } finally {
      await ro.close();
    }
  });

  it('readChunks: a failed file read gives its buffer back to the pool', async () => {
    const g = new Geometry(512, 1024n, 64 * KIB);
    const fh = await fsp.open(path.join(dir, 'gone.bin'), 'w+');
    await fh.close(); // fd -1 from now on: the read fails
    const slab = dirtyFreeSlab(128 * KIB);
    const before = readBufferPool.stats();
    await expect(
      readChunks(g, 0, 128 * KIB, (c) => (c === 1 ? { fh, position: 0 } : undefined)),
    ).rejects.toThrow();
    expect(readBufferPool.stats()).toMatchObject({
      outstanding: before.outstanding,
      freeBytes: before.freeBytes,
    });
    const again = readBufferPool.acquire(128 * KIB);
    expect(again.buffer).toBe(slab);
    releaseReadBuffer(again);
  });

  it('RamBlockDevice: holes read as zeros', async () => {
    const d = RamBlockDevice.create(512, 4096n);
    const data = bytes(1024, 6);
    await d.write(200n, data);
    const slab = dirtyFreeSlab(128 * KIB);
    const got = await d.read(0n, 256);
    expect(got.buffer).toBe(slab);
    const expected = Buffer.alloc(128 * KIB);
    data.copy(expected, 200 * 512);
    expect(got.equals(expected)).toBe(true);
    releaseReadBuffer(got);
  });
});
