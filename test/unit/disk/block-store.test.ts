import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import {
  ClosedError,
  CorruptStoreError,
  DiskArgumentError,
  FileBlockStore,
  OutOfRangeError,
  ReadOnlyError,
  type LbaStatusRun,
} from '../../../emulator/disk';
import { readMetaFile, writeMetaFile, type StoreMeta } from '../../../emulator/disk/meta';
import { allocatedBytes, bytes, crashImage, makeTempDir, removeTempDir } from './helpers';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir();
});
afterAll(async () => {
  await removeTempDir(dir);
});

let seq = 0;
function imagePath(): string {
  return path.join(dir, `img${++seq}.raw`);
}

const run = (
  lba: number | bigint,
  count: number | bigint,
  state: 'mapped' | 'deallocated',
): LbaStatusRun => ({
  lba: BigInt(lba),
  count: BigInt(count),
  state,
});

// Two geometries whose capacity ends inside a chunk.
describe.each([
  { blockSize: 512, chunkSize: 16384, chunks: 10, extra: 5 },
  { blockSize: 4096, chunkSize: 65536, chunks: 6, extra: 3 },
])(
  'FileBlockStore, $blockSize-byte blocks, $chunkSize-byte chunks',
  ({ blockSize, chunkSize, chunks, extra }) => {
    const bpc = chunkSize / blockSize;
    const blockCount = BigInt(bpc * chunks + extra);
    const total = Number(blockCount);
    let store: FileBlockStore;

    beforeEach(async () => {
      store = await FileBlockStore.create(imagePath(), {
        blockSize,
        blockCount,
        chunkSize,
        flushIntervalMs: 0,
      });
    });
    afterEach(async () => {
      await store.close();
    });

    it('starts sparse, all deallocated, reading zeros', async () => {
      const st = await fsp.stat(store.path);
      expect(st.size).toBe(total * blockSize);
      expect(st.blocks).toBe(0);
      expect(store.provisioningGranularity).toBe(bpc);
      expect((await store.read(0n, total)).equals(Buffer.alloc(total * blockSize))).toBe(true);
      expect(await store.lbaStatus(0n)).toEqual([run(0, total, 'deallocated')]);
      expect(await store.lbaStatus(3n)).toEqual([run(3, total - 3, 'deallocated')]);
    });

    it('maps a partially written chunk and reads written data plus zeros', async () => {
      const data = bytes(2 * blockSize, 1);
      const lba = bpc * 2 + 3;
      await store.write(BigInt(lba), data);
      const chunk = await store.read(BigInt(bpc * 2), bpc);
      const expected = Buffer.alloc(chunkSize);
      data.copy(expected, 3 * blockSize);
      expect(chunk.equals(expected)).toBe(true);
      expect(await store.lbaStatus(0n)).toEqual([
        run(0, 2 * bpc, 'deallocated'),
        run(2 * bpc, bpc, 'mapped'),
        run(3 * bpc, total - 3 * bpc, 'deallocated'),
      ]);
      // Starting inside the mapped chunk: the first run starts at the requested LBA.
      expect(await store.lbaStatus(BigInt(lba + 1))).toEqual([
        run(lba + 1, 3 * bpc - lba - 1, 'mapped'),
        run(3 * bpc, total - 3 * bpc, 'deallocated'),
      ]);
    });

    it('maps both chunks of a write that crosses a chunk boundary', async () => {
      const data = bytes(4 * blockSize, 2);
      await store.write(BigInt(bpc - 2), data);
      expect((await store.read(BigInt(bpc - 2), 4)).equals(data)).toBe(true);
      expect((await store.read(BigInt(bpc - 3), 1)).equals(Buffer.alloc(blockSize))).toBe(true);
      expect((await store.read(BigInt(bpc + 2), 1)).equals(Buffer.alloc(blockSize))).toBe(true);
      expect(await store.lbaStatus(0n)).toEqual([
        run(0, 2 * bpc, 'mapped'),
        run(2 * bpc, total - 2 * bpc, 'deallocated'),
      ]);
    });

    it('never shows stale bytes of a deallocated chunk after a partial rewrite', async () => {
      await store.write(0n, Buffer.alloc(chunkSize, 0xaa));
      await store.unmap([{ lba: 0n, count: BigInt(bpc) }]);
      expect(await store.lbaStatus(0n, { maxDescriptors: 1 })).toEqual([run(0, total, 'deallocated')]);
      const one = bytes(blockSize, 3);
      await store.write(5n, one);
      const expected = Buffer.alloc(chunkSize);
      one.copy(expected, 5 * blockSize);
      expect((await store.read(0n, bpc)).equals(expected)).toBe(true);
      // Also across a sync and reopen.
      await store.close();
      store = await FileBlockStore.open(store.path, { flushIntervalMs: 0 });
      expect((await store.read(0n, bpc)).equals(expected)).toBe(true);
    });

    it('unmap deallocates whole chunks and zeroes the covered part of partial ones', async () => {
      const data = bytes(3 * chunkSize, 4);
      await store.write(0n, data);
      // From the middle of chunk 0 to the middle of chunk 2.
      await store.unmap([{ lba: BigInt(bpc / 2), count: BigInt(2 * bpc) }]);
      const expected = Buffer.from(data);
      expected.fill(0, chunkSize / 2, chunkSize / 2 + 2 * chunkSize);
      expect((await store.read(0n, 3 * bpc)).equals(expected)).toBe(true);
      expect(await store.lbaStatus(0n)).toEqual([
        run(0, bpc, 'mapped'),
        run(bpc, bpc, 'deallocated'),
        run(2 * bpc, bpc, 'mapped'),
        run(3 * bpc, total - 3 * bpc, 'deallocated'),
      ]);
      // Unmapping deallocated space changes nothing; several ranges in one call.
      await store.unmap([
        { lba: BigInt(5 * bpc + 1), count: 2n },
        { lba: 0n, count: BigInt(bpc) },
        { lba: 1n, count: 0n },
      ]);
      expect(await store.lbaStatus(0n)).toEqual([
        run(0, 2 * bpc, 'deallocated'),
        run(2 * bpc, bpc, 'mapped'),
        run(3 * bpc, total - 3 * bpc, 'deallocated'),
      ]);
    });

    it('checks every unmap range before changing anything', async () => {
      await store.write(0n, bytes(chunkSize, 5));
      await expect(
        store.unmap([
          { lba: 0n, count: BigInt(bpc) },
          { lba: blockCount - 1n, count: 2n },
        ]),
      ).rejects.toBeInstanceOf(OutOfRangeError);
      expect(await store.lbaStatus(0n, { maxDescriptors: 1 })).toEqual([run(0, bpc, 'mapped')]);
    });

    it('write same repeats a block, and with UNMAP and zeros deallocates', async () => {
      const block = bytes(blockSize, 6);
      await store.writeSame(BigInt(bpc - 1), BigInt(bpc + 2), block);
      const got = await store.read(BigInt(bpc - 1), bpc + 2);
      for (let i = 0; i < bpc + 2; i++)
        expect(got.subarray(i * blockSize, (i + 1) * blockSize).equals(block)).toBe(true);
      expect(await store.lbaStatus(0n)).toEqual([
        run(0, 3 * bpc, 'mapped'),
        run(3 * bpc, total - 3 * bpc, 'deallocated'),
      ]);

      const zero = Buffer.alloc(blockSize);
      await store.writeSame(0n, BigInt(2 * bpc), zero, { unmap: true });
      expect(await store.lbaStatus(0n)).toEqual([
        run(0, 2 * bpc, 'deallocated'),
        run(2 * bpc, bpc, 'mapped'),
        run(3 * bpc, total - 3 * bpc, 'deallocated'),
      ]);
      // Partial chunk with UNMAP: zeroed but stays mapped.
      await store.writeSame(BigInt(2 * bpc), 1n, zero, { unmap: true });
      expect((await store.read(BigInt(2 * bpc), 1)).equals(zero)).toBe(true);
      expect(await store.lbaStatus(BigInt(2 * bpc), { maxDescriptors: 1 })).toEqual([
        run(2 * bpc, bpc, 'mapped'),
      ]);
      // A non-zero block with UNMAP is written.
      await store.writeSame(0n, 1n, block, { unmap: true });
      expect((await store.read(0n, 1)).equals(block)).toBe(true);
      // Zeros without UNMAP map the blocks (SBC-4: the blocks are written).
      await store.writeSame(BigInt(4 * bpc), BigInt(bpc), zero);
      const status = await store.lbaStatus(BigInt(4 * bpc), { maxDescriptors: 1 });
      expect(status).toEqual([run(4 * bpc, bpc, 'mapped')]);
      expect((await store.read(BigInt(4 * bpc), bpc)).equals(Buffer.alloc(chunkSize))).toBe(true);
      // Count zero does nothing.
      await store.writeSame(blockCount, 0n, block);
    });

    it('write same longer than one I/O piece', async () => {
      const big = await FileBlockStore.create(imagePath(), {
        blockSize,
        blockCount: BigInt((3 * 1024 * 1024) / blockSize),
        flushIntervalMs: 0,
      });
      try {
        const block = bytes(blockSize, 7);
        const n = (2 * 1024 * 1024 + 3 * blockSize) / blockSize;
        await big.writeSame(1n, BigInt(n), block);
        const got = await big.read(0n, n + 2);
        expect(got.subarray(0, blockSize).equals(Buffer.alloc(blockSize))).toBe(true);
        expect(got.subarray((n + 1) * blockSize).equals(Buffer.alloc(blockSize))).toBe(true);
        for (let i = 1; i <= n; i++)
          expect(got.subarray(i * blockSize, (i + 1) * blockSize).equals(block)).toBe(true);
      } finally {
        await big.close();
      }
    });

    it('handles the short last chunk', async () => {
      const data = bytes(blockSize, 8);
      await store.write(blockCount - 1n, data);
      expect((await store.read(blockCount - 1n, 1)).equals(data)).toBe(true);
      expect(await store.lbaStatus(BigInt(chunks * bpc - 1))).toEqual([
        run(chunks * bpc - 1, 1, 'deallocated'),
        run(chunks * bpc, extra, 'mapped'),
      ]);
      await store.unmap([{ lba: BigInt(chunks * bpc), count: BigInt(extra) }]);
      expect(await store.lbaStatus(blockCount - 1n)).toEqual([run(total - 1, 1, 'deallocated')]);
    });

    it('limits and splits LBA status runs', async () => {
      await store.write(BigInt(bpc), bytes(chunkSize, 9));
      await store.write(BigInt(3 * bpc), bytes(chunkSize, 10));
      expect(await store.lbaStatus(0n, { maxDescriptors: 2 })).toEqual([
        run(0, bpc, 'deallocated'),
        run(bpc, bpc, 'mapped'),
      ]);
      expect(await store.lbaStatus(0n, { maxDescriptors: 3, maxDescriptorBlocks: BigInt(bpc / 2) })).toEqual([
        run(0, bpc / 2, 'deallocated'),
        run(bpc / 2, bpc / 2, 'deallocated'),
        run(bpc, bpc / 2, 'mapped'),
      ]);
      await expect(store.lbaStatus(blockCount)).rejects.toBeInstanceOf(OutOfRangeError);
      await expect(store.lbaStatus(0n, { maxDescriptors: 0 })).rejects.toBeInstanceOf(DiskArgumentError);
      await expect(store.lbaStatus(0n, { maxDescriptorBlocks: 0n })).rejects.toBeInstanceOf(
        DiskArgumentError,
      );
    });

    it('rejects accesses beyond the capacity with the LBA', async () => {
      const err = await store.read(blockCount - 1n, 2).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OutOfRangeError);
      const oor = err as OutOfRangeError;
      expect(oor.lba).toBe(blockCount - 1n);
      expect(oor.count).toBe(2n);
      expect(oor.firstInvalidLba).toBe(blockCount);
      expect(oor.code).toBe('OUT_OF_RANGE');
      const far = (await store
        .write(blockCount + 5n, Buffer.alloc(blockSize))
        .catch((e: unknown) => e)) as OutOfRangeError;
      expect(far).toBeInstanceOf(OutOfRangeError);
      expect(far.firstInvalidLba).toBe(blockCount + 5n);
      await expect(store.read(-1n, 1)).rejects.toBeInstanceOf(OutOfRangeError);
      await expect(store.writeSame(blockCount - 1n, 2n, Buffer.alloc(blockSize))).rejects.toBeInstanceOf(
        OutOfRangeError,
      );
      expect((await store.read(blockCount, 0)).length).toBe(0);
    });

    it('rejects partial blocks and bad arguments', async () => {
      await expect(store.write(0n, Buffer.alloc(blockSize + 1))).rejects.toBeInstanceOf(DiskArgumentError);
      await expect(store.writeSame(0n, 1n, Buffer.alloc(blockSize - 1))).rejects.toBeInstanceOf(
        DiskArgumentError,
      );
      await expect(store.read(0n, 1.5)).rejects.toBeInstanceOf(DiskArgumentError);
      await expect(store.read(0n, -1)).rejects.toBeInstanceOf(DiskArgumentError);
    });

    it('persists data and allocation across close and open', async () => {
      const a = bytes(3 * blockSize, 11);
      await store.write(BigInt(bpc + 1), a);
      await store.write(BigInt(4 * bpc), bytes(chunkSize, 12));
      await store.unmap([{ lba: BigInt(4 * bpc), count: BigInt(bpc) }]);
      const before = await store.read(0n, total);
      const status = await store.lbaStatus(0n);
      await store.close();
      store = await FileBlockStore.open(store.path, { flushIntervalMs: 0 });
      expect(store.recoveredFromUncleanShutdown).toBe(false);
      expect(store.blockSize).toBe(blockSize);
      expect(store.blockCount).toBe(blockCount);
      expect((await store.read(0n, total)).equals(before)).toBe(true);
      expect(await store.lbaStatus(0n)).toEqual(status);
    });
  },
);

describe('FileBlockStore lifecycle', () => {
  const geometry = { blockSize: 512, blockCount: 1024n, chunkSize: 4096, flushIntervalMs: 0 };

  it('refuses to create over an existing image unless told to overwrite', async () => {
    const p = imagePath();
    const s = await FileBlockStore.create(p, geometry);
    await s.write(0n, bytes(512, 1));
    await s.createSnapshot('old');
    await s.close();
    await expect(FileBlockStore.create(p, geometry)).rejects.toMatchObject({ code: 'EEXIST' });
    const t = await FileBlockStore.create(p, { ...geometry, overwrite: true });
    expect((await t.read(0n, 1)).equals(Buffer.alloc(512))).toBe(true);
    expect(t.listSnapshots()).toEqual([]);
    expect((await fsp.readdir(dir)).filter((n) => n.startsWith(`${path.basename(p)}.snap.`))).toEqual([]);
    await t.close();
    // Stray metadata without its image is refused too.
    const q = imagePath();
    await fsp.writeFile(`${q}.meta`, 'x');
    await expect(FileBlockStore.create(q, geometry)).rejects.toMatchObject({ code: 'EEXIST' });
  });

  it('openOrCreate creates, reopens, and refuses a different geometry', async () => {
    const p = imagePath();
    const a = await FileBlockStore.openOrCreate(p, geometry);
    await a.write(7n, bytes(512, 2));
    await a.close();
    const b = await FileBlockStore.openOrCreate(p, geometry);
    expect((await b.read(7n, 1)).equals(bytes(512, 2))).toBe(true);
    await b.close();
    await expect(FileBlockStore.openOrCreate(p, { ...geometry, blockCount: 2048n })).rejects.toBeInstanceOf(
      DiskArgumentError,
    );
    await expect(FileBlockStore.openOrCreate(p, { ...geometry, chunkSize: 8192 })).rejects.toBeInstanceOf(
      DiskArgumentError,
    );
    // A raw file without metadata is not adopted.
    const raw = imagePath();
    await fsp.writeFile(raw, Buffer.alloc(4096));
    await expect(FileBlockStore.openOrCreate(raw, geometry)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('validates the geometry', async () => {
    await expect(
      FileBlockStore.create(imagePath(), { blockSize: 520, blockCount: 8n }),
    ).rejects.toBeInstanceOf(DiskArgumentError);
    await expect(
      FileBlockStore.create(imagePath(), { blockSize: 512, blockCount: 0n }),
    ).rejects.toBeInstanceOf(DiskArgumentError);
    await expect(
      FileBlockStore.create(imagePath(), { blockSize: 4096, blockCount: 8n, chunkSize: 2048 }),
    ).rejects.toBeInstanceOf(DiskArgumentError);
    await expect(
      FileBlockStore.create(imagePath(), { blockSize: 512, blockCount: 8n, chunkSize: 3 * 4096 }),
    ).rejects.toBeInstanceOf(DiskArgumentError);
    await expect(
      FileBlockStore.create(imagePath(), { blockSize: 512, blockCount: 2n ** 50n }),
    ).rejects.toBeInstanceOf(DiskArgumentError);
  });

  it('read-only mode reads and refuses every change with ReadOnlyError', async () => {
    const p = imagePath();
    const s = await FileBlockStore.create(p, geometry);
    await s.write(3n, bytes(512, 3));
    await s.createCheckpoint('c');
    await s.close();
    const metaBefore = await fsp.readFile(`${p}.meta`);
    const ro = await FileBlockStore.open(p, { readOnly: true });
    expect(ro.readOnly).toBe(true);
    expect((await ro.read(3n, 1)).equals(bytes(512, 3))).toBe(true);
    await expect(ro.write(0n, Buffer.alloc(512))).rejects.toBeInstanceOf(ReadOnlyError);
    await expect(ro.writeSame(0n, 1n, Buffer.alloc(512))).rejects.toBeInstanceOf(ReadOnlyError);
    await expect(ro.unmap([{ lba: 0n, count: 1n }])).rejects.toBeInstanceOf(ReadOnlyError);
    await expect(ro.createSnapshot('s')).rejects.toBeInstanceOf(ReadOnlyError);
    await expect(ro.createCheckpoint('d')).rejects.toBeInstanceOf(ReadOnlyError);
    await expect(ro.deleteCheckpoint('c')).rejects.toBeInstanceOf(ReadOnlyError);
    await expect(ro.deleteSnapshot('s')).rejects.toBeInstanceOf(ReadOnlyError);
    await expect(ro.compact()).rejects.toBeInstanceOf(ReadOnlyError);
    expect(ro.changedExtents('c')).toEqual([]);
    await ro.sync();
    await ro.close();
    expect((await fsp.readFile(`${p}.meta`)).equals(metaBefore)).toBe(true);
  });

  it('fails with ClosedError after close; close is idempotent', async () => {
    const s = await FileBlockStore.create(imagePath(), geometry);
    await s.close();
    await s.close();
    await expect(s.read(0n, 1)).rejects.toBeInstanceOf(ClosedError);
    await expect(s.write(0n, Buffer.alloc(512))).rejects.toBeInstanceOf(ClosedError);
    await expect(s.sync()).rejects.toBeInstanceOf(ClosedError);
    await expect(s.lbaStatus(0n)).rejects.toBeInstanceOf(ClosedError);
    expect(() => s.listSnapshots()).toThrow(ClosedError);
  });

  it('detects corrupt metadata', async () => {
    const p = imagePath();
    const s = await FileBlockStore.create(p, geometry);
    await s.close();
    const meta = await fsp.readFile(`${p}.meta`);
    meta[20] ^= 0x01;
    await fsp.writeFile(`${p}.meta`, meta);
    await expect(FileBlockStore.open(p)).rejects.toBeInstanceOf(CorruptStoreError);
    await fsp.writeFile(`${p}.meta`, 'not metadata at all');
    await expect(FileBlockStore.open(p)).rejects.toBeInstanceOf(CorruptStoreError);
  });

  it('refuses metadata that is well-formed but inconsistent', async () => {
    const p = imagePath();
    const s = await FileBlockStore.create(p, geometry);
    await s.createSnapshot('s');
    await s.createCheckpoint('c');
    await s.close();
    const good = await readMetaFile(`${p}.meta`);
    const variants: StoreMeta[] = [
      { ...good, chunkSize: 3000 },
      { ...good, snapshots: [...good.snapshots, { ...good.snapshots[0], id: 9 }] },
      { ...good, nextSnapshotId: 1 },
      { ...good, checkpoints: [{ ...good.checkpoints[0], granularityBytes: 100 }] },
      { ...good, checkpoints: [good.checkpoints[0], good.checkpoints[0]] },
    ];
    for (const v of variants) {
      await writeMetaFile(`${p}.meta`, v);
      await expect(FileBlockStore.open(p)).rejects.toBeInstanceOf(CorruptStoreError);
    }
    await writeMetaFile(`${p}.meta`, good);
    await (await FileBlockStore.open(p)).close();
  });

  it('restores the size of a data file cut short by an interrupted tail trim', async () => {
    const p = imagePath();
    const s = await FileBlockStore.create(p, geometry);
    await s.write(0n, bytes(4096, 1));
    await s.close();
    await fsp.truncate(p, 4096);
    const ro = await FileBlockStore.open(p, { readOnly: true });
    expect((await ro.read(0n, 16)).equals(Buffer.concat([bytes(4096, 1), Buffer.alloc(4096)]))).toBe(true);
    await ro.close();
    expect((await fsp.stat(p)).size).toBe(4096);
    const rw = await FileBlockStore.open(p, { flushIntervalMs: 0 });
    expect((await fsp.stat(p)).size).toBe(1024 * 512);
    expect((await rw.read(0n, 8)).equals(bytes(4096, 1))).toBe(true);
    await rw.close();
  });

  it('refuses a data file larger than the capacity', async () => {
    const p = imagePath();
    const s = await FileBlockStore.create(p, geometry);
    await s.close();
    await fsp.truncate(p, 1024 * 512 + 512);
    await expect(FileBlockStore.open(p)).rejects.toBeInstanceOf(CorruptStoreError);
  });

  it('gives back the space of deallocated chunks: at the end on sync, anywhere on compact', async () => {
    const s = await FileBlockStore.create(imagePath(), {
      blockSize: 512,
      blockCount: 4096n,
      chunkSize: 65536,
      flushIntervalMs: 0,
    });
    try {
      await s.write(0n, bytes(2 * 1024 * 1024, 4));
      await s.sync();
      expect(await allocatedBytes(s.path)).toBeGreaterThanOrEqual(2 * 1024 * 1024);
      // Deallocate the second MiB (the end of the mapped data) and a middle chunk.
      await s.unmap([
        { lba: 2048n, count: 2048n },
        { lba: 512n, count: 128n },
      ]);
      const before = await s.read(0n, 4096);
      await s.sync();
      const afterTrim = await allocatedBytes(s.path);
      expect(afterTrim).toBeLessThan(1024 * 1024 + 65536);
      expect(afterTrim).toBeGreaterThanOrEqual(1024 * 1024 - 65536);
      await s.compact();
      expect(await allocatedBytes(s.path)).toBeLessThanOrEqual(1024 * 1024 - 65536);
      expect((await s.read(0n, 4096)).equals(before)).toBe(true);
      const stats = await s.stats();
      expect(stats.mappedChunks).toBe(15);
      expect(stats.mappedBytes).toBe(15 * 65536);
      expect(stats.capacityBytes).toBe(4096 * 512);
      // Writes after compaction go to the new file.
      await s.write(600n, bytes(512, 5));
      expect((await s.read(600n, 1)).equals(bytes(512, 5))).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('after a crash: synced data intact, later changes old or new, map conservative', async () => {
    const p = imagePath();
    const s = await FileBlockStore.create(p, geometry);
    const synced = bytes(4096, 6);
    await s.write(0n, synced); // chunk 0
    await s.write(8n, bytes(4096, 7)); // chunk 1
    await s.sync();
    await s.write(16n, bytes(4096, 8)); // chunk 2: new after the sync
    await s.unmap([{ lba: 8n, count: 8n }]); // chunk 1 deallocated after the sync
    const crashed = await crashImage(p, path.join(dir, `crash${++seq}`));
    await s.close();

    const r = await FileBlockStore.open(crashed, { flushIntervalMs: 0 });
    try {
      expect(r.recoveredFromUncleanShutdown).toBe(true);
      expect((await r.read(0n, 8)).equals(synced)).toBe(true);
      // Chunk 1 is reported mapped again and holds its synced bytes, not garbage.
      expect((await r.read(8n, 8)).equals(bytes(4096, 7))).toBe(true);
      // Chunk 2 never reached the metadata: deallocated, zeros (its state before the change).
      expect((await r.read(16n, 8)).equals(Buffer.alloc(4096))).toBe(true);
      expect(await r.lbaStatus(0n, { maxDescriptors: 2 })).toEqual([
        run(0, 16, 'mapped'),
        run(16, 1024 - 16, 'deallocated'),
      ]);
    } finally {
      await r.close();
    }
  });

  it('persists the metadata of a dirty store at the flush interval', async () => {
    const p = imagePath();
    const s = await FileBlockStore.create(p, { ...geometry, flushIntervalMs: 20 });
    try {
      await s.write(40n, bytes(512, 9));
      await new Promise((resolve) => setTimeout(resolve, 150));
      const crashed = await crashImage(p, path.join(dir, `crash${++seq}`));
      const r = await FileBlockStore.open(crashed, { readOnly: true });
      expect((await r.read(40n, 1)).equals(bytes(512, 9))).toBe(true);
      await r.close();
    } finally {
      await s.close();
    }
  });

  it('serialises concurrent writes and reads', async () => {
    const s = await FileBlockStore.create(imagePath(), geometry);
    try {
      const ops: Promise<unknown>[] = [];
      for (let i = 0; i < 32; i++) ops.push(s.write(BigInt(i * 20), bytes(512 * 20, 100 + i)));
      const reads = [s.read(0n, 1024), s.read(100n, 300)];
      await Promise.all([...ops, ...reads]);
      for (let i = 0; i < 32; i++)
        expect((await s.read(BigInt(i * 20), 20)).equals(bytes(512 * 20, 100 + i))).toBe(true);
    } finally {
      await s.close();
    }
  });
});
