// Injected medium errors of a disk LU (the fault injection of the SAN admin API): LBA ranges
// whose reads fail with UNRECOVERED READ ERROR or whose writes fail with WRITE ERROR until they
// are cleared. Writes do not repair a read-error range (no reassignment): only clear() does.
import type { MediumErrorKind } from './disk-errors';

export interface MediumErrorRange {
  lba: bigint;
  count: bigint;
  kind: MediumErrorKind;
}

export class MediumErrors {
  private ranges: MediumErrorRange[] = [];

  /** Make `count` blocks from `lba` fail on `kind` access. */
  inject(lba: bigint, count: bigint, kind: MediumErrorKind): void {
    if (lba < 0n || count <= 0n) throw new RangeError(`bad medium error range ${lba}+${count}`);
    if (kind !== 'read' && kind !== 'write') throw new RangeError(`bad medium error kind ${String(kind)}`);
    this.ranges.push({ lba, count, kind });
  }

  /**
   * Remove injected errors: all of them, those of one kind, or (with a range) those of that kind
   * overlapping the range. Returns how many ranges were removed.
   */
  clear(kind?: MediumErrorKind, range?: { lba: bigint; count: bigint }): number {
    const before = this.ranges.length;
    this.ranges = this.ranges.filter((r) => {
      if (kind !== undefined && r.kind !== kind) return true;
      if (range === undefined) return false;
      const overlaps = r.lba < range.lba + range.count && range.lba < r.lba + r.count;
      return !overlaps;
    });
    return before - this.ranges.length;
  }

  list(): MediumErrorRange[] {
    return this.ranges.map((r) => ({ ...r }));
  }

  /** The lowest LBA in [lba, lba+count) that fails on `kind` access, if any. */
  firstBad(lba: bigint, count: bigint, kind: MediumErrorKind): bigint | undefined {
    let best: bigint | undefined;
    const end = lba + count;
    for (const r of this.ranges) {
      if (r.kind !== kind || r.lba >= end || r.lba + r.count <= lba) continue;
      const first = r.lba > lba ? r.lba : lba;
      if (best === undefined || first < best) best = first;
    }
    return best;
  }
}
