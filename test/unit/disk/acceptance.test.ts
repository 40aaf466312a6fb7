// The backup-shaped scenario: a patterned LU, a checkpoint and a snapshot, more writes; the
// snapshot still reads the old bytes, the changed extents are exactly the written ranges at the
// checkpoint granularity, and all of it survives a restart.
import * as path from 'node:path';
import {
  createPatternVolume,
  FileBlockStore,
  patternBlocks,
  patternVolumeSpec,
  verifyPatternVolume,
  type ChangedExtent,
} from '../../../emulator/disk';
import { bytes, makeTempDir, removeTempDir } from './helpers';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir();
});
afterAll(async () => {
  await removeTempDir(dir);
});

const KiB = 1024;

describe('snapshot + changed-block tracking, end to end', () => {
  it('write, checkpoint, snapshot, write more: old bytes in the snapshot, exact changed extents, after reopen too', async () => {
    // 16 MiB of 512-byte blocks, 64 KiB chunks; 1 unit = 64 KiB.
    const spec = patternVolumeSpec('acc', 512, 32768n, 64 * KiB);
    const image = path.join(dir, 'acc.img');
    let store = await createPatternVolume(image, spec, { flushIntervalMs: 0 });
    const original = await store.read(0n, 32768);
    expect(verifyPatternVolume(spec, 0n, original)).toBeUndefined();

    await store.createCheckpoint('incr', { granularityBytes: 64 * KiB });
    await store.createCheckpoint('fine', { granularityBytes: 4 * KiB });
    await store.createSnapshot('backup');

    // The application keeps writing.
    const w1 = bytes(100 * KiB, 1); // 1 MiB + 10 KiB .. 1 MiB + 110 KiB
    await store.write(BigInt((1024 * KiB + 10 * KiB) / 512), w1);
    const w2 = bytes(512, 2); // one block in a deallocated hole (unit 100)
    await store.write(BigInt((6400 * KiB) / 512), w2);
    await store.unmap([{ lba: BigInt((8 * 1024 * KiB) / 512), count: BigInt((128 * KiB) / 512) }]); // 8 MiB + 128 KiB
    await store.writeSame(BigInt((15 * 1024 * KiB) / 512), 8n, bytes(512, 3)); // 4 KiB at 15 MiB

    const expectedCoarse: ChangedExtent[] = [
      { offsetBytes: 1024 * KiB, lengthBytes: 128 * KiB, lba: 2048n, count: 256n },
      { offsetBytes: 6400 * KiB, lengthBytes: 64 * KiB, lba: 12800n, count: 128n },
      { offsetBytes: 8192 * KiB, lengthBytes: 128 * KiB, lba: 16384n, count: 256n },
      { offsetBytes: 15360 * KiB, lengthBytes: 64 * KiB, lba: 30720n, count: 128n },
    ];
    const expectedFine: ChangedExtent[] = [
      { offsetBytes: 1032 * KiB, lengthBytes: 104 * KiB, lba: 2064n, count: 208n },
      { offsetBytes: 6400 * KiB, lengthBytes: 4 * KiB, lba: 12800n, count: 8n },
      { offsetBytes: 8192 * KiB, lengthBytes: 128 * KiB, lba: 16384n, count: 256n },
      { offsetBytes: 15360 * KiB, lengthBytes: 4 * KiB, lba: 30720n, count: 8n },
    ];

    const check = async (s: FileBlockStore): Promise<void> => {
      // The snapshot is the LU at the instant it was taken, byte for byte and in its provisioning.
      const snap = s.snapshot('backup');
      const snapBytes = await snap.read(0n, 32768);
      expect(snapBytes.equals(original)).toBe(true);
      expect(verifyPatternVolume(spec, 0n, snapBytes)).toBeUndefined();
      expect(await snap.lbaStatus(0n)).toEqual([
        { lba: 0n, count: 96n * 128n, state: 'mapped' },
        { lba: 96n * 128n, count: 32n * 128n, state: 'deallocated' },
        { lba: 128n * 128n, count: 64n * 128n, state: 'mapped' },
        { lba: 192n * 128n, count: 8n * 128n, state: 'deallocated' },
        { lba: 200n * 128n, count: 41n * 128n, state: 'mapped' },
        { lba: 241n * 128n, count: 15n * 128n, state: 'deallocated' },
      ]);
      // The origin has the new bytes.
      expect((await s.read(BigInt((1024 * KiB + 10 * KiB) / 512), 200)).equals(w1)).toBe(true);
      expect((await s.read(12800n, 1)).equals(w2)).toBe(true);
      expect((await s.read(16384n, 256)).equals(Buffer.alloc(128 * KiB))).toBe(true);
      expect((await s.read(30720n, 1)).equals(bytes(512, 3))).toBe(true);
      // Untouched blocks still hold the pattern.
      expect((await s.read(30700n, 8)).equals(patternBlocks('acc', 30700n, 8, 512))).toBe(true);
      expect(await s.lbaStatus(16384n, { maxDescriptors: 2 })).toEqual([
        { lba: 16384n, count: 256n, state: 'deallocated' },
        { lba: 16640n, count: 64n * 128n - 256n, state: 'mapped' },
      ]);
      expect(s.changedExtents('incr')).toEqual(expectedCoarse);
      expect(s.changedExtents('fine')).toEqual(expectedFine);
      // Every reported extent really differs between the snapshot and the origin.
      for (const e of expectedCoarse) {
        const now = await s.read(e.lba, Number(e.count));
        const then = snapBytes.subarray(e.offsetBytes, e.offsetBytes + e.lengthBytes);
        expect(now.equals(then)).toBe(false);
      }
    };

    await check(store);
    await store.close();
    store = await FileBlockStore.open(image, { flushIntervalMs: 0 });
    try {
      expect(store.recoveredFromUncleanShutdown).toBe(false);
      await check(store);
      // Deleting the snapshot leaves the origin intact.
      await store.deleteSnapshot('backup');
      expect((await store.read(12800n, 1)).equals(w2)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
