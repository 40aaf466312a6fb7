// A file-backed, thin-provisioned block store for disk LUs. The data file is a raw image
// (offset = LBA x block size) created sparse with ftruncate; the allocation map (one bit per
// chunk, default 64 KiB) in "<image>.meta" is authoritative: a deallocated chunk reads zeros
// whatever the file holds there. Copy-on-write snapshots and changed-block checkpoints ride on
// the same write path. Layout, crash rules and trade-offs: FORMAT.md.
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { getLogger } from '../log';
import { Bitmap } from './bitmap';
import {
  checkReadCount,
  checkWholeBlocks,
  DEFAULT_CHUNK_SIZE,
  Geometry,
  isAllZero,
  lbaStatusRuns,
  settle,
  type BlockDevice,
  type LbaRange,
  type LbaStatusOptions,
  type LbaStatusRun,
  type WriteSameOptions,
} from './block-device';
import {
  Checkpoint,
  checkGranularity,
  DEFAULT_CBT_GRANULARITY,
  type ChangedExtent,
  type CheckpointInfo,
} from './changed-blocks';
import { CowLog, PRESERVED, type CowRecord } from './cow-log';
import {
  CheckpointExistsError,
  CheckpointNotFoundError,
  ClosedError,
  CorruptStoreError,
  DiskArgumentError,
  ReadOnlyError,
  SnapshotExistsError,
  SnapshotNotFoundError,
} from './errors';
import { readFully, writeFully } from './io';
import { readMetaFile, syncDirectory, writeMetaFile, type StoreMeta } from './meta';
import { readChunks } from './read-plan';
import { RwLock } from './rwlock';
import { Snapshot, type SnapshotEntry, type SnapshotHost, type SnapshotInfo } from './snapshot';

export const DEFAULT_FLUSH_INTERVAL_MS = 5000;
/** WRITE SAME, fill and compaction work in pieces of this size. */
const IO_PIECE_BYTES = 1024 * 1024;
/** An unmap preserves and deallocates at most this much mapped data per step. */
const UNMAP_WINDOW_BYTES = 8 * 1024 * 1024;
const MAX_NAME_LENGTH = 255;

export interface CreateStoreOptions {
  /** Logical block size: 512 or 4096 (1024 and 2048 are accepted too). */
  blockSize: number;
  blockCount: bigint;
  /** Allocation granularity in bytes: a power of two from the block size to 16 MiB (default 64 KiB). */
  chunkSize?: number;
  /** Write the metadata of a dirty store this often (default 5000 ms; 0: only on sync/close). */
  flushIntervalMs?: number;
  /** Replace an existing image and its sidecar files instead of failing with EEXIST. */
  overwrite?: boolean;
}

export interface OpenStoreOptions {
  readOnly?: boolean;
  flushIntervalMs?: number;
}

export interface CheckpointOptions {
  /** Bytes per tracked granule, a multiple of the block size (default 64 KiB). */
  granularityBytes?: number;
}

export interface StoreStats {
  capacityBytes: number;
  mappedChunks: number;
  /** Bytes of mapped chunks (what the LU holds). */
  mappedBytes: number;
  /** Disk space the data file occupies (st_blocks x 512); deallocated chunks may still hold space until compact(). */
  dataFileBytes: number;
  /** Disk space of all snapshots' copy-on-write logs. */
  snapshotBytes: number;
}

function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function validateName(kind: string, name: string): void {
  if (
    typeof name !== 'string' ||
    name.length === 0 ||
    name.length > MAX_NAME_LENGTH ||
    hasControlCharacter(name)
  ) {
    throw new DiskArgumentError(`${kind} name must be 1-${MAX_NAME_LENGTH} printable characters`);
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fsp.access(file);
    return true;
  } catch {
    return false;
  }
}

export function metaPathOf(image: string): string {
  return `${image}.meta`;
}

export function snapshotLogPath(image: string, id: number): string {
  return `${image}.snap.${id}.cow`;
}

/** Leftovers of an interrupted run: temp files and logs of snapshots the metadata does not list. */
async function removeOrphans(image: string, liveIds: ReadonlySet<number>, removeAll: boolean): Promise<void> {
  const dir = path.dirname(image);
  const base = path.basename(image);
  const snap = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.snap\\.([0-9]+)\\.cow$`);
  let removed = false;
  for (const name of await fsp.readdir(dir)) {
    const m = snap.exec(name);
    const orphan =
      name === `${base}.meta.tmp` ||
      name === `${base}.compact.tmp` ||
      (m !== null && (removeAll || !liveIds.has(Number(m[1]))));
    if (orphan) {
      await fsp.rm(path.join(dir, name), { force: true });
      removed = true;
    }
  }
  if (removed) await syncDirectory(dir);
}

export class FileBlockStore implements BlockDevice, SnapshotHost {
  readonly lock = new RwLock();
  readonly metaPath: string;
  private closed = false;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  /** Upper bound of data-file bytes that may be allocated (trimmed after deallocation at the end). */
  private physicalEnd: number;
  private readonly zeros: Buffer;

  private constructor(
    readonly path: string,
    readonly geometry: Geometry,
    readonly readOnly: boolean,
    private fh: FileHandle,
    private readonly map: Bitmap,
    private readonly snapshots: Map<string, SnapshotEntry>,
    private readonly checkpoints: Map<string, Checkpoint>,
    private nextSnapshotId: number,
    private generation: number,
    /** The metadata said the store had not been closed cleanly (crash or still open elsewhere). */
    readonly recoveredFromUncleanShutdown: boolean,
  ) {
    this.metaPath = metaPathOf(path);
    this.physicalEnd = geometry.capacityBytes;
    this.zeros = Buffer.alloc(geometry.chunkSize);
  }

  // ---- lifecycle -------------------------------------------------------------------------

  /** Create a new, fully deallocated store. Fails with EEXIST if the image exists, unless `overwrite`. */
  static async create(image: string, options: CreateStoreOptions): Promise<FileBlockStore> {
    const g = new Geometry(options.blockSize, options.blockCount, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
    const overwrite = options.overwrite ?? false;
    // Without `overwrite`, refuse stray metadata of an image that is gone as well as the image.
    if (!overwrite && (await exists(metaPathOf(image)))) {
      throw Object.assign(new Error(`EEXIST: ${metaPathOf(image)} exists`), { code: 'EEXIST' });
    }
    const fh = await fsp.open(image, overwrite ? 'w+' : 'wx+');
    try {
      await removeOrphans(image, new Set(), true);
      await fh.truncate(g.capacityBytes);
      const store = new FileBlockStore(
        image,
        g,
        false,
        fh,
        new Bitmap(g.chunkCount),
        new Map(),
        new Map(),
        1,
        0,
        false,
      );
      store.physicalEnd = 0;
      await store.persist(false);
      store.startTimer(options.flushIntervalMs);
      return store;
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  /** Open an existing store. */
  static async open(image: string, options: OpenStoreOptions = {}): Promise<FileBlockStore> {
    const readOnly = options.readOnly ?? false;
    const metaPath = metaPathOf(image);
    const meta = await readMetaFile(metaPath);
    let g: Geometry;
    try {
      g = new Geometry(meta.blockSize, meta.blockCount, meta.chunkSize);
    } catch (e) {
      throw new CorruptStoreError(metaPath, e instanceof Error ? e.message : String(e));
    }
    const fh = await fsp.open(image, readOnly ? 'r' : 'r+');
    const logs: CowLog[] = [];
    try {
      const size = (await fh.stat()).size;
      if (size > g.capacityBytes)
        throw new CorruptStoreError(image, `data file is larger than ${g.capacityBytes} bytes`);
      if (size < g.capacityBytes && !readOnly) await fh.truncate(g.capacityBytes);
      const snapshots = new Map<string, SnapshotEntry>();
      const ids = new Set<number>();
      for (const s of meta.snapshots) {
        if (snapshots.has(s.name) || ids.has(s.id) || s.id >= meta.nextSnapshotId) {
          throw new CorruptStoreError(metaPath, `duplicate or bad snapshot entry "${s.name}"`);
        }
        ids.add(s.id);
        const log = await CowLog.open(snapshotLogPath(image, s.id), s.id, g, s.sealedLength, readOnly);
        logs.push(log);
        snapshots.set(s.name, {
          name: s.name,
          id: s.id,
          createdAt: new Date(s.createdAt),
          log,
          deleted: false,
        });
      }
      const checkpoints = new Map<string, Checkpoint>();
      for (const c of meta.checkpoints) {
        try {
          checkGranularity(g, c.granularityBytes);
        } catch {
          throw new CorruptStoreError(metaPath, `checkpoint "${c.name}" has a bad granularity`);
        }
        if (checkpoints.has(c.name) || c.bitmap.length !== Math.ceil(g.capacityBytes / c.granularityBytes)) {
          throw new CorruptStoreError(metaPath, `duplicate or bad checkpoint entry "${c.name}"`);
        }
        const cp = new Checkpoint(
          c.name,
          c.granularityBytes,
          new Date(c.createdAt),
          c.conservative,
          c.bitmap,
        );
        // Bits set after the last metadata write were lost with the crash: report everything.
        if (!meta.cleanShutdown) cp.markAll();
        checkpoints.set(c.name, cp);
      }
      const store = new FileBlockStore(
        image,
        g,
        readOnly,
        fh,
        meta.allocation,
        snapshots,
        checkpoints,
        meta.nextSnapshotId,
        meta.generation,
        !meta.cleanShutdown,
      );
      if (!readOnly) {
        await removeOrphans(image, ids, false);
        // Mark the store in use (cleanShutdown false) until close().
        await store.persist(false);
        store.startTimer(options.flushIntervalMs);
      }
      return store;
    } catch (e) {
      for (const log of logs) await log.close();
      await fh.close();
      throw e;
    }
  }

  /**
   * Open the image if it exists (its geometry must match `options`), else create it. An image
   * without its metadata file is refused rather than overwritten.
   */
  static async openOrCreate(image: string, options: CreateStoreOptions): Promise<FileBlockStore> {
    if (!(await exists(image))) return FileBlockStore.create(image, { ...options, overwrite: false });
    const store = await FileBlockStore.open(image, { flushIntervalMs: options.flushIntervalMs });
    const g = store.geometry;
    if (
      g.blockSize !== options.blockSize ||
      g.blockCount !== options.blockCount ||
      (options.chunkSize !== undefined && g.chunkSize !== options.chunkSize)
    ) {
      await store.close();
      throw new DiskArgumentError(
        `${image} has ${g.blockCount} blocks of ${g.blockSize} bytes (chunk ${g.chunkSize}), not the requested geometry`,
      );
    }
    return store;
  }

  private startTimer(intervalMs = DEFAULT_FLUSH_INTERVAL_MS): void {
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => this.flushTick(), intervalMs);
    this.timer.unref();
  }

  private flushTick(): void {
    if (!this.dirty || this.closed) return;
    this.sync().catch((e: unknown) => {
      if (e instanceof ClosedError) return;
      getLogger('disk-store').warn(`${this.path}: periodic metadata flush failed: ${String(e)}`);
    });
  }

  /** Flush data and metadata, mark the store cleanly closed, close every file. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.lock.exclusive(async () => {
      try {
        if (!this.readOnly) await this.persist(true);
      } finally {
        for (const s of this.snapshots.values()) await s.log.close();
        await this.fh.close();
      }
    });
  }

  checkOpen(): void {
    if (this.closed) throw new ClosedError(`store ${this.path}`);
  }

  private checkWritable(operation: string): void {
    this.checkOpen();
    if (this.readOnly) throw new ReadOnlyError(operation);
  }

  // ---- BlockDevice -----------------------------------------------------------------------

  get blockSize(): number {
    return this.geometry.blockSize;
  }

  get blockCount(): bigint {
    return this.geometry.blockCount;
  }

  get provisioningGranularity(): number {
    return this.geometry.blocksPerChunk;
  }

  get dataHandle(): FileHandle {
    return this.fh;
  }

  originMapped(chunk: number): boolean {
    return this.map.get(chunk);
  }

  read(lba: bigint, count: number): Promise<Buffer> {
    return settle(() => {
      this.checkOpen();
      checkReadCount(count, this.blockSize);
      const { start, end } = this.geometry.byteRange(lba, BigInt(count));
      return this.lock.shared(() =>
        readChunks(this.geometry, start, end, (c) =>
          this.map.get(c) ? { fh: this.fh, position: c * this.geometry.chunkSize } : undefined,
        ),
      );
    });
  }

  /** `data` is written in place: do not change it until the promise settles. */
  write(lba: bigint, data: Buffer): Promise<void> {
    return settle(() => {
      this.checkWritable('write');
      checkWholeBlocks(data, this.blockSize, 'write');
      const { start } = this.geometry.byteRange(lba, BigInt(data.length / this.blockSize));
      return this.lock.exclusive(() => this.writeBytes(start, data));
    });
  }

  writeSame(lba: bigint, count: bigint, block: Buffer, options: WriteSameOptions = {}): Promise<void> {
    return settle(() => {
      this.checkWritable('write same');
      if (!Buffer.isBuffer(block) || block.length !== this.blockSize) {
        throw new DiskArgumentError(`write same: the data must be one ${this.blockSize}-byte block`);
      }
      const { start, end } = this.geometry.byteRange(lba, count);
      if (end === start) return Promise.resolve();
      return this.lock.exclusive(async () => {
        if (options.unmap === true && isAllZero(block, this.zeros)) {
          await this.unmapBytes(start, end);
          return;
        }
        const piece = Buffer.allocUnsafe(Math.min(end - start, Math.max(this.blockSize, IO_PIECE_BYTES)));
        piece.fill(block);
        for (let pos = start; pos < end; pos += piece.length) {
          await this.writeBytes(pos, piece.subarray(0, Math.min(piece.length, end - pos)));
        }
      });
    });
  }

  unmap(ranges: readonly LbaRange[]): Promise<void> {
    return settle(() => {
      this.checkWritable('unmap');
      const byteRanges = ranges.map((r) => this.geometry.byteRange(r.lba, r.count));
      return this.lock.exclusive(async () => {
        for (const r of byteRanges) if (r.end > r.start) await this.unmapBytes(r.start, r.end);
      });
    });
  }

  lbaStatus(lba: bigint, options?: LbaStatusOptions): Promise<LbaStatusRun[]> {
    return settle(() => {
      this.checkOpen();
      return lbaStatusRuns(
        this.geometry,
        lba,
        (c) => this.map.get(c),
        (c, value) => this.map.next(c, !value),
        options,
      );
    });
  }

  /** Data to stable storage, then the metadata (allocation map, checkpoints, snapshot list). */
  sync(): Promise<void> {
    return settle(() => {
      this.checkOpen();
      if (this.readOnly) return Promise.resolve();
      return this.lock.exclusive(() => this.persist(false));
    });
  }

  // ---- snapshots -------------------------------------------------------------------------

  /** Take a copy-on-write snapshot of the LU as it is now (a sync point). */
  createSnapshot(name: string): Promise<Snapshot> {
    return settle(() => {
      this.checkWritable('create snapshot');
      validateName('snapshot', name);
      return this.lock.exclusive(async () => {
        if (this.snapshots.has(name)) throw new SnapshotExistsError(name);
        const id = this.nextSnapshotId++;
        const log = await CowLog.create(snapshotLogPath(this.path, id), id, this.geometry);
        const entry: SnapshotEntry = { name, id, createdAt: new Date(), log, deleted: false };
        this.snapshots.set(name, entry);
        try {
          await this.persist(false);
        } catch (e) {
          this.snapshots.delete(name);
          await log.close();
          await fsp.rm(log.file, { force: true });
          throw e;
        }
        return new Snapshot(this, entry);
      });
    });
  }

  /** A read-only BlockDevice view of a snapshot (each call returns a new view). */
  snapshot(name: string): Snapshot {
    this.checkOpen();
    const entry = this.snapshots.get(name);
    if (entry === undefined) throw new SnapshotNotFoundError(name);
    return new Snapshot(this, entry);
  }

  listSnapshots(): SnapshotInfo[] {
    this.checkOpen();
    return [...this.snapshots.values()]
      .sort((a, b) => a.id - b.id)
      .map((s) => ({
        name: s.name,
        id: s.id,
        createdAt: new Date(s.createdAt.getTime()),
        preservedChunks: s.log.preservedChunks,
        cowLogBytes: s.log.length,
      }));
  }

  deleteSnapshot(name: string): Promise<void> {
    return settle(() => {
      this.checkWritable('delete snapshot');
      return this.lock.exclusive(async () => {
        const entry = this.snapshots.get(name);
        if (entry === undefined) throw new SnapshotNotFoundError(name);
        this.snapshots.delete(name);
        try {
          await this.persist(false);
        } catch (e) {
          this.snapshots.set(name, entry);
          throw e;
        }
        entry.deleted = true;
        await entry.log.close();
        await fsp.rm(entry.log.file, { force: true });
      });
    });
  }

  // ---- changed-block tracking --------------------------------------------------------------

  /** Start tracking changes from now on. Persisted at once. */
  createCheckpoint(name: string, options: CheckpointOptions = {}): Promise<CheckpointInfo> {
    return settle(() => {
      this.checkWritable('create checkpoint');
      validateName('checkpoint', name);
      const cp = Checkpoint.create(name, this.geometry, options.granularityBytes ?? DEFAULT_CBT_GRANULARITY);
      return this.lock.exclusive(async () => {
        if (this.checkpoints.has(name)) throw new CheckpointExistsError(name);
        this.checkpoints.set(name, cp);
        try {
          await this.persist(false);
        } catch (e) {
          this.checkpoints.delete(name);
          throw e;
        }
        return cp.info();
      });
    });
  }

  deleteCheckpoint(name: string): Promise<void> {
    return settle(() => {
      this.checkWritable('delete checkpoint');
      return this.lock.exclusive(async () => {
        const cp = this.checkpoints.get(name);
        if (cp === undefined) throw new CheckpointNotFoundError(name);
        this.checkpoints.delete(name);
        try {
          await this.persist(false);
        } catch (e) {
          this.checkpoints.set(name, cp);
          throw e;
        }
      });
    });
  }

  listCheckpoints(): CheckpointInfo[] {
    this.checkOpen();
    return [...this.checkpoints.values()].map((c) => c.info());
  }

  /** Granule-aligned regions written, WRITE SAME'd or unmapped since the checkpoint (sorted, merged). */
  changedExtents(name: string): ChangedExtent[] {
    this.checkOpen();
    const cp = this.checkpoints.get(name);
    if (cp === undefined) throw new CheckpointNotFoundError(name);
    return cp.extents(this.geometry);
  }

  // ---- maintenance -----------------------------------------------------------------------

  async stats(): Promise<StoreStats> {
    this.checkOpen();
    const mappedChunks = this.map.count();
    const last = this.map.lastSet();
    const tailShort =
      last === this.geometry.chunkCount - 1 ? this.geometry.chunkSize - this.geometry.chunkLength(last) : 0;
    let snapshotBytes = 0;
    for (const s of this.snapshots.values()) snapshotBytes += (await s.log.handle.stat()).blocks * 512;
    return {
      capacityBytes: this.geometry.capacityBytes,
      mappedChunks,
      mappedBytes: mappedChunks * this.geometry.chunkSize - tailShort,
      dataFileBytes: (await this.fh.stat()).blocks * 512,
      snapshotBytes,
    };
  }

  /**
   * Give the space of deallocated chunks back to the file system: copy the mapped chunks into a
   * fresh sparse file and rename it over the image. Costs a read and write of the mapped data.
   */
  compact(): Promise<void> {
    return settle(() => {
      this.checkWritable('compact');
      return this.lock.exclusive(async () => {
        const g = this.geometry;
        await this.fh.datasync();
        const tmp = `${this.path}.compact.tmp`;
        const out = await fsp.open(tmp, 'w');
        try {
          await out.truncate(g.capacityBytes);
          const buf = Buffer.allocUnsafe(Math.max(IO_PIECE_BYTES, g.chunkSize));
          for (let c = this.map.next(0, true); c < g.chunkCount; c = this.map.next(c, true)) {
            const runEnd = this.map.next(c, false);
            const end = Math.min(runEnd * g.chunkSize, g.capacityBytes);
            for (let pos = c * g.chunkSize; pos < end; pos += buf.length) {
              const n = Math.min(buf.length, end - pos);
              await readFully(this.fh, buf, 0, n, pos);
              await writeFully(out, [buf.subarray(0, n)], pos);
            }
            c = runEnd;
          }
          await out.sync();
        } finally {
          await out.close();
        }
        await this.fh.close();
        try {
          await fsp.rename(tmp, this.path);
          await syncDirectory(path.dirname(this.path));
        } finally {
          this.fh = await fsp.open(this.path, 'r+');
        }
        this.physicalEnd = Math.min((this.map.lastSet() + 1) * g.chunkSize, g.capacityBytes);
      });
    });
  }

  // ---- internals (called with the exclusive lock held) -------------------------------------

  /**
   * Write `data` at byte `start`. A chunk that was deallocated is written whole: the bytes the
   * write does not cover are written as zeros, because the file may still hold stale data there.
   */
  private async writeBytes(start: number, data: Buffer): Promise<void> {
    const g = this.geometry;
    const end = start + data.length;
    if (end === start) return;
    const c0 = g.chunkOf(start);
    const c1 = g.chunkOf(end - 1);
    await this.preserve(c0, c1, () => true);
    const headPad = this.map.get(c0) ? 0 : start - c0 * g.chunkSize;
    const tailPad = this.map.get(c1) ? 0 : c1 * g.chunkSize + g.chunkLength(c1) - end;
    const buffers = [this.zeros.subarray(0, headPad), data, this.zeros.subarray(0, tailPad)];
    await writeFully(this.fh, buffers, start - headPad);
    this.map.setRange(c0, c1 + 1, true);
    this.physicalEnd = Math.max(this.physicalEnd, end + tailPad);
    this.changed(start, end);
  }

  /** Deallocate whole chunks in [start, end) and zero the covered part of partially covered mapped chunks. */
  private async unmapBytes(start: number, end: number): Promise<void> {
    const g = this.geometry;
    const c0 = g.chunkOf(start);
    const limit = g.chunkOf(end - 1) + 1;
    const window = Math.max(1, Math.floor(UNMAP_WINDOW_BYTES / g.chunkSize));
    for (let c = this.map.next(c0, true, limit); c < limit; c = this.map.next(c, true, limit)) {
      const windowEnd = Math.min(limit, c + window);
      await this.preserve(c, windowEnd - 1, (x) => this.map.get(x));
      for (
        let x = this.map.next(c, true, windowEnd);
        x < windowEnd;
        x = this.map.next(x + 1, true, windowEnd)
      ) {
        const chunkStart = x * g.chunkSize;
        const chunkEnd = chunkStart + g.chunkLength(x);
        if (start <= chunkStart && chunkEnd <= end) {
          this.map.set(x, false);
        } else {
          const from = Math.max(start, chunkStart);
          await writeFully(this.fh, [this.zeros.subarray(0, Math.min(end, chunkEnd) - from)], from);
        }
      }
      c = windowEnd;
    }
    this.changed(start, end);
  }

  private changed(start: number, end: number): void {
    for (const cp of this.checkpoints.values()) cp.mark(start, end);
    this.dirty = true;
  }

  /**
   * Before chunks c0..c1 change, give every snapshot that has not yet preserved one of them (and
   * for which `needed` says it will change) a durable record of its current state.
   */
  private async preserve(c0: number, c1: number, needed: (chunk: number) => boolean): Promise<void> {
    if (this.snapshots.size === 0) return;
    const logs = [...this.snapshots.values()].map((s) => s.log);
    const todo: number[] = [];
    for (let c = c0; c <= c1; c++) {
      if (needed(c) && logs.some((l) => l.state[c] === PRESERVED.none)) todo.push(c);
    }
    if (todo.length === 0) return;
    const g = this.geometry;
    const records = new Map<number, CowRecord>();
    let i = 0;
    while (i < todo.length) {
      const first = todo[i];
      if (!this.map.get(first)) {
        records.set(first, { chunk: first, state: PRESERVED.deallocated });
        i++;
        continue;
      }
      let j = i + 1;
      while (j < todo.length && todo[j] === todo[j - 1] + 1 && this.map.get(todo[j])) j++;
      const last = todo[j - 1];
      const from = first * g.chunkSize;
      const buf = Buffer.allocUnsafe(last * g.chunkSize + g.chunkLength(last) - from);
      await readFully(this.fh, buf, 0, buf.length, from);
      for (let k = i; k < j; k++) {
        const c = todo[k];
        const off = (c - first) * g.chunkSize;
        const data = buf.subarray(off, off + g.chunkLength(c));
        records.set(
          c,
          isAllZero(data, this.zeros)
            ? { chunk: c, state: PRESERVED.zero }
            : { chunk: c, state: PRESERVED.data, data },
        );
      }
      i = j;
    }
    await Promise.all(
      logs.map((log) =>
        log.append(
          todo.flatMap((c) => {
            const r = records.get(c);
            return r !== undefined && log.state[c] === PRESERVED.none ? [r] : [];
          }),
        ),
      ),
    );
  }

  /** fdatasync the data, then write the metadata; then give back trailing deallocated space. */
  private async persist(cleanShutdown: boolean): Promise<void> {
    const g = this.geometry;
    await this.fh.datasync();
    this.generation++;
    const meta: StoreMeta = {
      blockSize: g.blockSize,
      blockCount: g.blockCount,
      chunkSize: g.chunkSize,
      cleanShutdown,
      generation: this.generation,
      nextSnapshotId: this.nextSnapshotId,
      allocation: this.map,
      snapshots: [...this.snapshots.values()].map((s) => ({
        name: s.name,
        id: s.id,
        createdAt: s.createdAt.toISOString(),
        sealedLength: s.log.length,
      })),
      checkpoints: [...this.checkpoints.values()].map((c) => ({
        name: c.name,
        granularityBytes: c.granularityBytes,
        createdAt: c.createdAt.toISOString(),
        conservative: c.conservative,
        bitmap: c.bitmap,
      })),
    };
    await writeMetaFile(this.metaPath, meta);
    this.dirty = false;
    await this.trimTail();
  }

  /**
   * ftruncate down to the end of the last mapped chunk and back up to the capacity: frees the
   * space of deallocated chunks at the end of the image. Only after the metadata that says they
   * are deallocated is durable.
   */
  private async trimTail(): Promise<void> {
    const g = this.geometry;
    const keep = Math.min((this.map.lastSet() + 1) * g.chunkSize, g.capacityBytes);
    if (this.physicalEnd <= keep) return;
    await this.fh.truncate(keep);
    await this.fh.truncate(g.capacityBytes);
    this.physicalEnd = keep;
  }
}
