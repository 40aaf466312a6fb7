// A read-only view of the origin as it was when a snapshot was taken. A chunk the origin has not
// changed since then is read from the origin; a changed one from the snapshot's copy-on-write log
// (or as zeros when it was deallocated then). The view implements BlockDevice so it can be
// exposed as its own read-only LU.
import type { FileHandle } from 'node:fs/promises';
import {
  checkReadCount,
  lbaStatusRuns,
  settle,
  type BlockDevice,
  type Geometry,
  type LbaRange,
  type LbaStatusOptions,
  type LbaStatusRun,
  type WriteSameOptions,
} from './block-device';
import { PRESERVED, type CowLog } from './cow-log';
import { ClosedError, ReadOnlyError, SnapshotNotFoundError } from './errors';
import { readChunks, type ChunkSource } from './read-plan';
import type { RwLock } from './rwlock';

/** What a snapshot view needs from the store that owns it. */
export interface SnapshotHost {
  readonly geometry: Geometry;
  readonly lock: RwLock;
  /** Current data file handle of the origin. */
  readonly dataHandle: FileHandle;
  originMapped(chunk: number): boolean;
  /** Throws ClosedError once the origin is closed. */
  checkOpen(): void;
}

/** A snapshot as the store keeps it. */
export interface SnapshotEntry {
  name: string;
  id: number;
  createdAt: Date;
  log: CowLog;
  deleted: boolean;
}

export interface SnapshotInfo {
  name: string;
  id: number;
  createdAt: Date;
  /** Chunks whose snapshot-time state is held in the copy-on-write log. */
  preservedChunks: number;
  /** Size of the copy-on-write log file. */
  cowLogBytes: number;
}

export class Snapshot implements BlockDevice {
  readonly readOnly = true;
  private closed = false;

  constructor(
    private readonly host: SnapshotHost,
    private readonly entry: SnapshotEntry,
  ) {}

  get name(): string {
    return this.entry.name;
  }

  get createdAt(): Date {
    return new Date(this.entry.createdAt.getTime());
  }

  get blockSize(): number {
    return this.host.geometry.blockSize;
  }

  get blockCount(): bigint {
    return this.host.geometry.blockCount;
  }

  get provisioningGranularity(): number {
    return this.host.geometry.blocksPerChunk;
  }

  private check(): void {
    if (this.closed) throw new ClosedError(`snapshot view "${this.entry.name}"`);
    this.host.checkOpen();
    if (this.entry.deleted) throw new SnapshotNotFoundError(this.entry.name);
  }

  private source(chunk: number): ChunkSource | undefined {
    const log = this.entry.log;
    switch (log.state[chunk]) {
      case PRESERVED.none:
        return this.host.originMapped(chunk)
          ? { fh: this.host.dataHandle, position: chunk * this.host.geometry.chunkSize }
          : undefined;
      case PRESERVED.data: {
        const position = log.payloadPosition(chunk);
        return position === undefined ? undefined : { fh: log.handle, position };
      }
      default:
        return undefined;
    }
  }

  private mapped(chunk: number): boolean {
    const s = this.entry.log.state[chunk];
    if (s === PRESERVED.none) return this.host.originMapped(chunk);
    return s !== PRESERVED.deallocated;
  }

  read(lba: bigint, count: number): Promise<Buffer> {
    return settle(() => {
      this.check();
      checkReadCount(count, this.blockSize);
      const { start, end } = this.host.geometry.byteRange(lba, BigInt(count));
      return this.host.lock.shared(() => {
        this.check();
        return readChunks(this.host.geometry, start, end, (c) => this.source(c));
      });
    });
  }

  lbaStatus(lba: bigint, options?: LbaStatusOptions): Promise<LbaStatusRun[]> {
    return settle(() => {
      this.check();
      const g = this.host.geometry;
      const runEnd = (chunk: number, value: boolean): number => {
        let i = chunk + 1;
        while (i < g.chunkCount && this.mapped(i) === value) i++;
        return i;
      };
      return lbaStatusRuns(g, lba, (c) => this.mapped(c), runEnd, options);
    });
  }

  private refuse(operation: string): Promise<never> {
    return settle(() => {
      this.check();
      throw new ReadOnlyError(`${operation} on snapshot "${this.entry.name}"`);
    });
  }

  write(_lba: bigint, _data: Buffer): Promise<void> {
    return this.refuse('write');
  }

  writeSame(_lba: bigint, _count: bigint, _block: Buffer, _options?: WriteSameOptions): Promise<void> {
    return this.refuse('write same');
  }

  unmap(_ranges: readonly LbaRange[]): Promise<void> {
    return this.refuse('unmap');
  }

  /** Nothing to flush: the copy-on-write log is durable record by record. */
  sync(): Promise<void> {
    return settle(() => this.check());
  }

  /** Detach this view; the snapshot itself stays until deleteSnapshot(). */
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
