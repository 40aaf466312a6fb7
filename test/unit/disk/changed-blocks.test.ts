import * as path from 'node:path';
import {
  CheckpointExistsError,
  CheckpointNotFoundError,
  DiskArgumentError,
  FileBlockStore,
  type ChangedExtent,
} from '../../../emulator/disk';
import { bytes, crashImage, makeTempDir, removeTempDir } from './helpers';

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

const KiB = 1024;
const extent = (offsetBytes: number, lengthBytes: number, blockSize = 512): ChangedExtent => ({
  offsetBytes,
  lengthBytes,
  lba: BigInt(offsetBytes / blockSize),
  count: BigInt(lengthBytes / blockSize),
});

// 1 MiB + 3 blocks of 512 bytes: the last 64 KiB granule is short.
const geometry = { blockSize: 512, blockCount: 2048n + 3n, flushIntervalMs: 0 };

describe('changed-block tracking', () => {
  it('reports exactly the granules touched after the checkpoint, merged and sorted', async () => {
    const s = await FileBlockStore.create(imagePath(), geometry);
    try {
      await s.write(0n, bytes(4 * KiB, 1)); // before the checkpoint: not reported
      const info = await s.createCheckpoint('c');
      expect(info).toMatchObject({
        name: 'c',
        granularityBytes: 64 * KiB,
        conservative: false,
        changedGranules: 0,
      });
      expect(s.changedExtents('c')).toEqual([]);
      await s.write(BigInt((300 * KiB) / 512), bytes(512, 2)); // granule 4
      await s.write(BigInt((127 * KiB) / 512), bytes(2 * KiB, 3)); // granules 1-2
      await s.unmap([{ lba: BigInt((640 * KiB) / 512), count: 1n }]); // granule 10, deallocated already
      await s.writeSame(BigInt((1024 * KiB) / 512), 3n, bytes(512, 4)); // the short last granule 16
      expect(s.changedExtents('c')).toEqual([
        extent(64 * KiB, 128 * KiB),
        extent(256 * KiB, 64 * KiB),
        extent(640 * KiB, 64 * KiB),
        extent(1024 * KiB, 1536),
      ]);
      expect(s.listCheckpoints()[0].changedGranules).toBe(5);
    } finally {
      await s.close();
    }
  });

  it('keeps several checkpoints with their own granularity', async () => {
    const s = await FileBlockStore.create(imagePath(), geometry);
    try {
      await s.createCheckpoint('coarse');
      await s.write(BigInt((10 * KiB) / 512), bytes(512, 1));
      await s.createCheckpoint('fine', { granularityBytes: 4 * KiB });
      await s.write(BigInt((70 * KiB) / 512), bytes(6 * KiB, 2)); // 70-76 KiB
      await s.createCheckpoint('block', { granularityBytes: 512 });
      await s.write(BigInt((200 * KiB) / 512), bytes(1024, 3));
      expect(s.changedExtents('coarse')).toEqual([extent(0, 128 * KiB), extent(192 * KiB, 64 * KiB)]);
      expect(s.changedExtents('fine')).toEqual([extent(68 * KiB, 8 * KiB), extent(200 * KiB, 4 * KiB)]);
      expect(s.changedExtents('block')).toEqual([extent(200 * KiB, 1024)]);
      expect(s.listCheckpoints().map((c) => [c.name, c.granularityBytes])).toEqual([
        ['coarse', 64 * KiB],
        ['fine', 4 * KiB],
        ['block', 512],
      ]);
      await s.deleteCheckpoint('fine');
      expect(() => s.changedExtents('fine')).toThrow(CheckpointNotFoundError);
      await expect(s.deleteCheckpoint('fine')).rejects.toBeInstanceOf(CheckpointNotFoundError);
      await expect(s.createCheckpoint('coarse')).rejects.toBeInstanceOf(CheckpointExistsError);
      await expect(s.createCheckpoint('x', { granularityBytes: 1000 })).rejects.toBeInstanceOf(
        DiskArgumentError,
      );
      await expect(s.createCheckpoint('x', { granularityBytes: 0 })).rejects.toBeInstanceOf(
        DiskArgumentError,
      );
      await expect(s.createCheckpoint('')).rejects.toBeInstanceOf(DiskArgumentError);
    } finally {
      await s.close();
    }
  });

  it('reports in LBAs of 4096-byte blocks', async () => {
    const s = await FileBlockStore.create(imagePath(), {
      blockSize: 4096,
      blockCount: 100n,
      flushIntervalMs: 0,
    });
    try {
      await s.createCheckpoint('c', { granularityBytes: 8192 });
      await s.write(5n, bytes(4096, 1));
      await s.write(99n, bytes(4096, 2));
      expect(s.changedExtents('c')).toEqual([extent(4 * 4096, 8192, 4096), extent(98 * 4096, 8192, 4096)]);
    } finally {
      await s.close();
    }
  });

  it('persists across close and open', async () => {
    const s = await FileBlockStore.create(imagePath(), geometry);
    await s.createCheckpoint('c', { granularityBytes: 8 * KiB });
    await s.write(BigInt((20 * KiB) / 512), bytes(512, 1));
    await s.close();
    const r = await FileBlockStore.open(s.path, { flushIntervalMs: 0 });
    try {
      expect(r.changedExtents('c')).toEqual([extent(16 * KiB, 8 * KiB)]);
      expect(r.listCheckpoints()[0].conservative).toBe(false);
      await r.write(0n, bytes(512, 2));
      expect(r.changedExtents('c')).toEqual([extent(0, 8 * KiB), extent(16 * KiB, 8 * KiB)]);
    } finally {
      await r.close();
    }
  });

  it('after a crash reports every granule changed and says so', async () => {
    const p = imagePath();
    const s = await FileBlockStore.create(p, geometry);
    await s.createCheckpoint('c');
    await s.write(0n, bytes(512, 1));
    await s.sync();
    await s.write(BigInt((512 * KiB) / 512), bytes(512, 2)); // lost with the crash
    const crashed = await crashImage(p, path.join(dir, `crash${++seq}`));
    await s.close();
    const r = await FileBlockStore.open(crashed, { flushIntervalMs: 0 });
    try {
      expect(r.changedExtents('c')).toEqual([extent(0, 1024 * KiB + 1536)]);
      expect(r.listCheckpoints()[0]).toMatchObject({ conservative: true, changedGranules: 17 });
    } finally {
      await r.close();
    }
    // The conservative flag sticks until the checkpoint is replaced.
    const again = await FileBlockStore.open(crashed, { flushIntervalMs: 0 });
    expect(again.listCheckpoints()[0].conservative).toBe(true);
    await again.close();
  });
});
