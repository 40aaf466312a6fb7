// State of EXTENDED COPY commands for RECEIVE COPY RESULTS (SPC-4 6.4.3.2, 6.18): one CopyList per
// command with a list identifier, kept per I_T nexus while it runs and for a bounded time and count
// after it completed. LIST ID USAGE 11b lists are tracked only while they run (for concurrency
// limits and resets); nobody can ask for them.
import { COPY_MANAGER_STATUS, type CopyStatus, TRANSFER_COUNT_UNITS } from '../../cdb/xcopy/copy-status';
import { LIST_ID_USAGE } from '../../cdb/xcopy/parameter-list';
import type { ItNexus } from '../lu';
import type { RetentionPolicy } from './config';

export function nexusKey(nexus: ItNexus): string {
  return `${nexus.initiatorPort}|${nexus.targetPort}`;
}

/** Data held for RECEIVE COPY DATA, at most `limit` bytes: when more arrives the oldest is dropped (HDD). */
export class HeldData {
  private parts: Buffer[] = [];
  private total = 0;
  /** HDD: held data has been discarded. */
  discarded = false;

  constructor(private readonly limit: number) {}

  get length(): number {
    return this.total;
  }

  append(data: Buffer): void {
    if (data.length === 0) return;
    this.parts.push(Buffer.from(data));
    this.total += data.length;
    while (this.total > this.limit) {
      const over = this.total - this.limit;
      const first = this.parts[0];
      if (first.length <= over) {
        this.parts.shift();
        this.total -= first.length;
      } else {
        this.parts[0] = first.subarray(over);
        this.total -= over;
      }
      this.discarded = true;
    }
  }

  /** Drop everything (LIST ID USAGE 10b lets the copy manager do so). */
  discard(): void {
    if (this.total > 0) this.discarded = true;
    this.parts = [];
    this.total = 0;
  }

  bytes(): Buffer {
    if (this.parts.length !== 1) this.parts = [Buffer.concat(this.parts)];
    return this.parts[0] ?? Buffer.alloc(0);
  }
}

export type ListState = 'running' | 'completed' | 'failed';

export class CopyList {
  state: ListState = 'running';
  /** Segment descriptors processed to completion. */
  segmentsProcessed = 0;
  /** Bytes durably written to destinations. */
  bytesWritten = 0;
  readonly held: HeldData;
  /** Status and sense EXTENDED COPY ended with, when it failed. */
  failure?: { status: number; sense: Buffer };
  completedAt?: number;
  /** Results are not kept (the list was stopped by a reset or a lost nexus). */
  dropped = false;
  readonly controller = new AbortController();

  constructor(
    readonly key: string,
    readonly listIdentifier: number,
    readonly listIdUsage: number,
    readonly segmentCount: number,
    heldDataLimit: number,
  ) {
    this.held = new HeldData(heldDataLimit);
  }

  get identified(): boolean {
    return this.listIdUsage !== LIST_ID_USAGE.none;
  }

  /** COPY STATUS (SPC-4 RECEIVE COPY STATUS(LID1)). */
  copyStatus(): CopyStatus {
    const { units, count } = transferCount(this.bytesWritten);
    return {
      hdd: this.held.discarded,
      copyManagerStatus:
        this.state === 'running'
          ? COPY_MANAGER_STATUS.inProgress
          : this.state === 'completed'
            ? COPY_MANAGER_STATUS.completed
            : COPY_MANAGER_STATUS.completedWithErrors,
      segmentsProcessed: Math.min(this.segmentsProcessed, 0xffff),
      transferCountUnits: units,
      transferCount: count,
    };
  }
}

/** Bytes as TRANSFER COUNT UNITS + TRANSFER COUNT: bytes while they fit 32 bits, then KiB, MiB... (rounded down). */
export function transferCount(bytes: number): { units: number; count: number } {
  let units: number = TRANSFER_COUNT_UNITS.bytes;
  let count = bytes;
  while (count > 0xffffffff && units < TRANSFER_COUNT_UNITS.exbibytes) {
    count = Math.floor(count / 1024);
    units++;
  }
  return { units, count: Math.min(count, 0xffffffff) };
}

export class ListRegistry {
  private readonly running = new Set<CopyList>();
  private readonly done = new Map<string, CopyList[]>();

  constructor(
    private readonly retention: RetentionPolicy,
    private readonly now: () => number,
  ) {}

  /** The running list with this identifier from this nexus (only identified lists). */
  activeWith(key: string, listIdentifier: number): CopyList | undefined {
    for (const l of this.running)
      if (l.identified && l.key === key && l.listIdentifier === listIdentifier) return l;
    return undefined;
  }

  runningCount(): number {
    return this.running.size;
  }

  runningIdentifiedCount(): number {
    let n = 0;
    for (const l of this.running) if (l.identified) n++;
    return n;
  }

  runningLists(): CopyList[] {
    return [...this.running];
  }

  start(list: CopyList): void {
    this.running.add(list);
    // A new command with a list identifier replaces results kept under the same identifier.
    if (list.identified) this.dropDone(list.key, list.listIdentifier);
  }

  finish(list: CopyList): void {
    this.running.delete(list);
    list.completedAt = this.now();
    if (!list.identified || list.dropped) return;
    if (list.listIdUsage === LIST_ID_USAGE.discard) list.held.discard();
    const kept = this.done.get(list.key) ?? [];
    kept.push(list);
    while (kept.length > this.retention.maxListsPerNexus) kept.shift();
    this.done.set(list.key, kept);
  }

  /** Running or completed list for RECEIVE COPY RESULTS; expired results are gone. */
  find(key: string, listIdentifier: number): CopyList | undefined {
    this.prune();
    const active = this.activeWith(key, listIdentifier);
    if (active !== undefined) return active;
    const kept = this.done.get(key) ?? [];
    for (let i = kept.length - 1; i >= 0; i--) if (kept[i].listIdentifier === listIdentifier) return kept[i];
    return undefined;
  }

  prune(): void {
    const limit = this.now() - this.retention.ttlMs;
    for (const [key, kept] of this.done) {
      const fresh = kept.filter((l) => (l.completedAt ?? 0) > limit);
      if (fresh.length === 0) this.done.delete(key);
      else if (fresh.length !== kept.length) this.done.set(key, fresh);
    }
  }

  /** Completed lists kept for one nexus (diagnostics). */
  keptFor(key: string): CopyList[] {
    this.prune();
    return [...(this.done.get(key) ?? [])];
  }

  forgetNexus(key: string): void {
    this.done.delete(key);
    for (const l of this.running) {
      if (l.key !== key) continue;
      l.dropped = true;
      l.controller.abort(new Error('I_T nexus lost'));
    }
  }

  /** LU reset: running copies stop, kept results are dropped. */
  reset(): void {
    for (const l of this.running) {
      l.dropped = true;
      l.controller.abort(new Error('logical unit reset'));
    }
    this.done.clear();
  }

  private dropDone(key: string, listIdentifier: number): void {
    const kept = this.done.get(key);
    if (kept === undefined) return;
    const rest = kept.filter((l) => l.listIdentifier !== listIdentifier);
    if (rest.length === 0) this.done.delete(key);
    else this.done.set(key, rest);
  }
}
