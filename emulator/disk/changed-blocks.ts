// Changed-block tracking: a checkpoint is a bitmap of fixed-size granules; every write, WRITE SAME
// and unmap after the checkpoint was created sets the bits of the granules it touched. Backup
// software reads changedExtents() to copy only those regions for an incremental backup.
import { Bitmap } from './bitmap';
import type { Geometry } from './block-device';
import { DiskArgumentError } from './errors';

export const DEFAULT_CBT_GRANULARITY = 64 * 1024;

/** A changed region, granule-aligned (the last one is clipped to the capacity). */
export interface ChangedExtent {
  lba: bigint;
  count: bigint;
  offsetBytes: number;
  lengthBytes: number;
}

export interface CheckpointInfo {
  name: string;
  granularityBytes: number;
  createdAt: Date;
  /**
   * True when the store was not closed cleanly since the checkpoint was created: bits set after
   * the last metadata write may have been lost, so every granule is reported changed.
   */
  conservative: boolean;
  changedGranules: number;
}

export function checkGranularity(g: Geometry, granularityBytes: number): void {
  if (
    !Number.isSafeInteger(granularityBytes) ||
    granularityBytes < g.blockSize ||
    granularityBytes % g.blockSize !== 0
  ) {
    throw new DiskArgumentError(
      `granularity ${granularityBytes} is not a positive multiple of the block size`,
    );
  }
}

export class Checkpoint {
  constructor(
    readonly name: string,
    readonly granularityBytes: number,
    readonly createdAt: Date,
    public conservative: boolean,
    readonly bitmap: Bitmap,
  ) {}

  static create(name: string, g: Geometry, granularityBytes: number): Checkpoint {
    checkGranularity(g, granularityBytes);
    return new Checkpoint(
      name,
      granularityBytes,
      new Date(),
      false,
      new Bitmap(Math.ceil(g.capacityBytes / granularityBytes)),
    );
  }

  /** Record a change of bytes [start, end). */
  mark(start: number, end: number): void {
    if (end <= start) return;
    this.bitmap.setRange(
      Math.floor(start / this.granularityBytes),
      Math.floor((end - 1) / this.granularityBytes) + 1,
      true,
    );
  }

  /** After an unclean shutdown: everything may have changed. */
  markAll(): void {
    this.bitmap.setAll();
    this.conservative = true;
  }

  extents(g: Geometry): ChangedExtent[] {
    const out: ChangedExtent[] = [];
    const bs = BigInt(g.blockSize);
    let i = this.bitmap.next(0, true);
    while (i < this.bitmap.length) {
      const end = this.bitmap.next(i, false);
      const offsetBytes = i * this.granularityBytes;
      const lengthBytes = Math.min(end * this.granularityBytes, g.capacityBytes) - offsetBytes;
      out.push({ lba: BigInt(offsetBytes) / bs, count: BigInt(lengthBytes) / bs, offsetBytes, lengthBytes });
      i = this.bitmap.next(end, true);
    }
    return out;
  }

  info(): CheckpointInfo {
    return {
      name: this.name,
      granularityBytes: this.granularityBytes,
      createdAt: new Date(this.createdAt.getTime()),
      conservative: this.conservative,
      changedGranules: this.bitmap.count(),
    };
  }
}
