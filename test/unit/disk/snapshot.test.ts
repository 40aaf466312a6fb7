import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import {
  ClosedError,
  CorruptStoreError,
  DiskArgumentError,
  FileBlockStore,
  ReadOnlyError,
  SnapshotExistsError,
  SnapshotNotFoundError,
  snapshotLogPath,
  type LbaStatusRun,
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

const run = (lba: number, count: number, state: 'mapped' | 'deallocated'): LbaStatusRun => ({
  lba: BigInt(lba),
  count: BigInt(count),
  state,
});

// 512-byte blocks, 4 KiB chunks (8 blocks), 20 chunks.
const geometry = { blockSize: 512, blockCount: 160n, chunkSize: 4096, flushIntervalMs: 0 };
const CHUNK = 4096;
const COW_HEADER = 64;
const RECORD_HEADER = 32;

async function newStore(): Promise<FileBlockStore> {
  return FileBlockStore.create(imagePath(), geometry);
}

describe('copy-on-write snapshots', () => {
  it('keeps the bytes and provisioning state of the snapshot instant', async () => {
    const s = await newStore();
    try {
      const a = bytes(2 * CHUNK, 1); // chunks 0-1
      await s.write(0n, a);
      await s.write(32n, Buffer.alloc(CHUNK)); // chunk 4: mapped zeros
      await s.write(48n, bytes(CHUNK, 2)); // chunk 6
      const snap = await s.createSnapshot('before');
      const statusAtSnapshot = await s.lbaStatus(0n);
      const contentAtSnapshot = await s.read(0n, 160);

      await s.write(4n, bytes(1024, 3)); // overwrite inside chunk 0
      await s.write(16n, bytes(CHUNK, 4)); // chunk 2 was deallocated
      await s.write(33n, bytes(512, 5)); // chunk 4 (zeros) changes
      await s.unmap([{ lba: 48n, count: 8n }]); // chunk 6 deallocated on the origin
      await s.writeSame(8n, 8n, Buffer.alloc(512), { unmap: true }); // chunk 1 deallocated

      expect((await snap.read(0n, 160)).equals(contentAtSnapshot)).toBe(true);
      expect(await snap.lbaStatus(0n)).toEqual(statusAtSnapshot);
      expect(statusAtSnapshot).toEqual([
        run(0, 16, 'mapped'),
        run(16, 16, 'deallocated'),
        run(32, 8, 'mapped'),
        run(40, 8, 'deallocated'),
        run(48, 8, 'mapped'),
        run(56, 104, 'deallocated'),
      ]);
      expect(await s.lbaStatus(0n)).toEqual([
        run(0, 8, 'mapped'),
        run(8, 8, 'deallocated'),
        run(16, 8, 'mapped'),
        run(24, 8, 'deallocated'),
        run(32, 8, 'mapped'),
        run(40, 120, 'deallocated'),
      ]);
      // Chunks 0, 1, 6 preserved with data, chunk 2 as deallocated, chunk 4 as zeros (no payload).
      const [info] = s.listSnapshots();
      expect(info).toMatchObject({ name: 'before', id: 1, preservedChunks: 5 });
      expect(info.cowLogBytes).toBe(COW_HEADER + 5 * RECORD_HEADER + 3 * CHUNK);
      // Chunks the origin changed twice are preserved once.
      await s.write(0n, bytes(CHUNK, 6));
      expect(s.listSnapshots()[0].cowLogBytes).toBe(info.cowLogBytes);
      expect((await snap.read(0n, 8)).equals(a.subarray(0, CHUNK))).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('gives each of several snapshots its own instant', async () => {
    const s = await newStore();
    try {
      await s.write(0n, bytes(CHUNK, 1));
      const s1 = await s.createSnapshot('s1');
      await s.write(0n, bytes(CHUNK, 2));
      await s.write(8n, bytes(CHUNK, 3));
      const s2 = await s.createSnapshot('s2');
      await s.write(0n, bytes(CHUNK, 4));
      await s.unmap([{ lba: 8n, count: 8n }]);
      expect((await s1.read(0n, 16)).equals(Buffer.concat([bytes(CHUNK, 1), Buffer.alloc(CHUNK)]))).toBe(
        true,
      );
      expect((await s2.read(0n, 16)).equals(Buffer.concat([bytes(CHUNK, 2), bytes(CHUNK, 3)]))).toBe(true);
      expect((await s.read(0n, 16)).equals(Buffer.concat([bytes(CHUNK, 4), Buffer.alloc(CHUNK)]))).toBe(true);
      expect(await s1.lbaStatus(0n, { maxDescriptors: 2 })).toEqual([
        run(0, 8, 'mapped'),
        run(8, 152, 'deallocated'),
      ]);
      expect(await s2.lbaStatus(0n, { maxDescriptors: 1 })).toEqual([run(0, 16, 'mapped')]);
      expect(s.listSnapshots().map((i) => i.name)).toEqual(['s1', 's2']);
    } finally {
      await s.close();
    }
  });

  it('preserves thousands of chunks touched by one write (more buffers than one writev takes)', async () => {
    const s = await FileBlockStore.create(imagePath(), {
      blockSize: 512,
      blockCount: 4096n,
      chunkSize: 512,
      flushIntervalMs: 0,
    });
    try {
      const old = bytes(2 * 1024 * 1024, 1);
      await s.write(0n, old);
      const snap = await s.createSnapshot('many');
      await s.write(0n, bytes(2 * 1024 * 1024, 2));
      expect(s.listSnapshots()[0].preservedChunks).toBe(4096);
      expect((await snap.read(0n, 4096)).equals(old)).toBe(true);
      await s.close();
      const r = await FileBlockStore.open(s.path, { readOnly: true });
      expect((await r.snapshot('many').read(0n, 4096)).equals(old)).toBe(true);
      await r.close();
    } finally {
      await s.close();
    }
  });

  it('survives close and reopen', async () => {
    const s = await newStore();
    await s.write(0n, bytes(3 * CHUNK, 1));
    await s.createSnapshot('keep');
    await s.write(4n, bytes(2 * CHUNK, 2));
    const expected = bytes(3 * CHUNK, 1);
    await s.close();
    const r = await FileBlockStore.open(s.path, { flushIntervalMs: 0 });
    try {
      const snap = r.snapshot('keep');
      expect((await snap.read(0n, 24)).equals(expected)).toBe(true);
      expect(snap.createdAt.getTime()).toBe(r.listSnapshots()[0].createdAt.getTime());
      // Preservation continues after the reopen.
      await r.write(16n, bytes(CHUNK, 3));
      expect((await snap.read(0n, 24)).equals(expected)).toBe(true);
    } finally {
      await r.close();
    }
    const ro = await FileBlockStore.open(s.path, { readOnly: true });
    expect((await ro.snapshot('keep').read(0n, 24)).equals(expected)).toBe(true);
    await ro.close();
  });

  it('is a read-only BlockDevice', async () => {
    const s = await newStore();
    try {
      const snap = await s.createSnapshot('ro');
      expect(snap.readOnly).toBe(true);
      expect(snap.blockSize).toBe(512);
      expect(snap.blockCount).toBe(160n);
      expect(snap.provisioningGranularity).toBe(8);
      expect(snap.name).toBe('ro');
      await expect(snap.write(0n, Buffer.alloc(512))).rejects.toBeInstanceOf(ReadOnlyError);
      await expect(snap.writeSame(0n, 1n, Buffer.alloc(512))).rejects.toBeInstanceOf(ReadOnlyError);
      await expect(snap.unmap([{ lba: 0n, count: 1n }])).rejects.toBeInstanceOf(ReadOnlyError);
      await snap.sync();
      await snap.close();
      await expect(snap.read(0n, 1)).rejects.toBeInstanceOf(ClosedError);
      // Closing a view leaves the snapshot; a new view works.
      expect((await s.snapshot('ro').read(0n, 1)).equals(Buffer.alloc(512))).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('deletes a snapshot, its log and its views', async () => {
    const s = await newStore();
    try {
      await s.write(0n, bytes(CHUNK, 1));
      const snap = await s.createSnapshot('gone');
      await s.write(0n, bytes(CHUNK, 2));
      const log = snapshotLogPath(s.path, 1);
      await expect(fsp.stat(log)).resolves.toBeDefined();
      await s.deleteSnapshot('gone');
      await expect(fsp.stat(log)).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(snap.read(0n, 1)).rejects.toBeInstanceOf(SnapshotNotFoundError);
      expect(() => s.snapshot('gone')).toThrow(SnapshotNotFoundError);
      await expect(s.deleteSnapshot('gone')).rejects.toBeInstanceOf(SnapshotNotFoundError);
      expect(s.listSnapshots()).toEqual([]);
      // The name can be reused and gets a new id.
      await s.createSnapshot('gone');
      expect(s.listSnapshots()[0].id).toBe(2);
      await expect(s.createSnapshot('gone')).rejects.toBeInstanceOf(SnapshotExistsError);
      await expect(s.createSnapshot('')).rejects.toBeInstanceOf(DiskArgumentError);
      await expect(s.createSnapshot('a\nb')).rejects.toBeInstanceOf(DiskArgumentError);
    } finally {
      await s.close();
    }
  });

  it('stays exact after a crash (records are durable before the origin changes)', async () => {
    const p = imagePath();
    const s = await FileBlockStore.create(p, geometry);
    await s.write(0n, bytes(2 * CHUNK, 1));
    await s.createSnapshot('s');
    await s.write(0n, bytes(2 * CHUNK, 2)); // preserved, never synced
    await s.write(16n, bytes(CHUNK, 3));
    const crashed = await crashImage(p, path.join(dir, `crash${++seq}`));
    await s.close();
    const r = await FileBlockStore.open(crashed, { flushIntervalMs: 0 });
    try {
      const snap = r.snapshot('s');
      expect(
        (await snap.read(0n, 24)).equals(Buffer.concat([bytes(2 * CHUNK, 1), Buffer.alloc(CHUNK)])),
      ).toBe(true);
      expect(await snap.lbaStatus(0n, { maxDescriptors: 2 })).toEqual([
        run(0, 16, 'mapped'),
        run(16, 144, 'deallocated'),
      ]);
    } finally {
      await r.close();
    }
  });

  it('drops a torn record at the end of a log', async () => {
    const p = imagePath();
    const s = await FileBlockStore.create(p, geometry);
    await s.write(0n, bytes(CHUNK, 1));
    await s.createSnapshot('s');
    await s.sync();
    await s.write(0n, bytes(CHUNK, 2)); // record after the sealed length
    const crashed = await crashImage(p, path.join(dir, `crash${++seq}`));
    await s.close();
    const log = snapshotLogPath(crashed, 1);
    const full = await fsp.readFile(log);
    // A torn tail: a whole header plus half a payload.
    await fsp.writeFile(log, full.subarray(0, COW_HEADER + RECORD_HEADER + CHUNK / 2));
    const r = await FileBlockStore.open(crashed, { flushIntervalMs: 0 });
    try {
      expect((await fsp.stat(log)).size).toBe(COW_HEADER);
      expect(r.listSnapshots()[0].preservedChunks).toBe(0);
    } finally {
      await r.close();
    }
    // A payload with a wrong checksum is torn too.
    const bad = Buffer.from(full);
    bad[COW_HEADER + RECORD_HEADER + 10] ^= 0xff;
    await fsp.writeFile(log, bad);
    const r2 = await FileBlockStore.open(crashed, { readOnly: true });
    expect(r2.listSnapshots()[0].preservedChunks).toBe(0);
    await r2.close();
    expect((await fsp.stat(log)).size).toBe(full.length); // read-only: not truncated
  });

  it('refuses a damaged record below the sealed length', async () => {
    const p = imagePath();
    const s = await FileBlockStore.create(p, geometry);
    await s.write(0n, bytes(CHUNK, 1));
    await s.createSnapshot('s');
    await s.write(0n, bytes(CHUNK, 2));
    await s.close(); // seals the record
    const log = snapshotLogPath(p, 1);
    const buf = await fsp.readFile(log);
    buf[COW_HEADER + 9] ^= 0x01; // chunk index byte: header checksum fails
    await fsp.writeFile(log, buf);
    await expect(FileBlockStore.open(p)).rejects.toBeInstanceOf(CorruptStoreError);
    await fsp.writeFile(log, buf.subarray(0, COW_HEADER));
    await expect(FileBlockStore.open(p)).rejects.toBeInstanceOf(CorruptStoreError);
  });

  it('removes orphan logs and temp files on open', async () => {
    const p = imagePath();
    const s = await FileBlockStore.create(p, geometry);
    await s.createSnapshot('live');
    await s.close();
    await fsp.writeFile(snapshotLogPath(p, 7), 'orphan');
    await fsp.writeFile(`${p}.meta.tmp`, 'partial');
    const r = await FileBlockStore.open(p, { flushIntervalMs: 0 });
    await r.close();
    const names = (await fsp.readdir(dir)).filter((n) => n.startsWith(path.basename(p)));
    expect(names.sort()).toEqual([
      path.basename(p),
      `${path.basename(p)}.meta`,
      `${path.basename(p)}.snap.1.cow`,
    ]);
  });
});
