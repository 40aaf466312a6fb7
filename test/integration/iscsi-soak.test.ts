// Soak test of the iSCSI acceptance criteria: our initiator against our target, 8 sessions x 16
// outstanding commands of mixed READ/WRITE (10 and 16), random sizes 512 B..256 KiB at random LBAs
// of a per-session region of one RAM disk, every read compared byte for byte with a shadow copy of
// what that session wrote, plus reads of a shared read-only pattern region that overlap between
// sessions. Bounded in time (ISCSI_SOAK_SECONDS, default 60) and checked for memory growth.
import { randomBytes } from 'node:crypto';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { IscsiTransport } from '../../targets/iscsi/initiator-transport';
import type { ScsiCommand, ScsiResult } from '../../targets/transport';
import { createRamDisk } from '../../emulator/devices/disk';
import { IscsiTargetServer } from '../../emulator/iscsi/server';
import type { LogicalUnit } from '../../emulator/lu';

const SOAK_SECONDS = Number(process.env.ISCSI_SOAK_SECONDS ?? '60');
if (!Number.isFinite(SOAK_SECONDS) || SOAK_SECONDS <= 0) {
  throw new RangeError(`ISCSI_SOAK_SECONDS=${process.env.ISCSI_SOAK_SECONDS} is not a positive number`);
}
const SESSIONS = 8;
const QUEUE_DEPTH = 16;
const BLOCK = 512;
const MAX_BLOCKS = 512; // 256 KiB
const REGION_BYTES = 8 * 1024 * 1024;
const REGION_BLOCKS = REGION_BYTES / BLOCK;
const SHARED_BYTES = 4 * 1024 * 1024;
const SHARED_BLOCKS = SHARED_BYTES / BLOCK;
/** Shared pattern region first, then one region per session. */
const SHARED_LBA = 0;
const DISK_BYTES = SHARED_BYTES + SESSIONS * REGION_BYTES;
const IQN = 'iqn.2024-01.io.xcopy:soak';
const SHARED_READ_RATIO = 0.1;
const WRITE_RATIO = 0.5;
const SAMPLE_MS = 1000;
/** Setup (pre-fill) and teardown are bounded by this margin on top of the soak itself. */
const TEST_TIMEOUT_MS = (SOAK_SECONDS + 120) * 1000;

/** Source of write data: slices at random offsets of one random pool (cheap, distinct per write). */
const POOL = randomBytes(4 * 1024 * 1024);

function regionLba(session: number): number {
  return SHARED_BLOCKS + session * REGION_BLOCKS;
}

function randInt(n: number): number {
  return Math.floor(Math.random() * n);
}

/** 1..MAX_BLOCKS, log-uniform so that small and large transfers are both frequent. */
function randomBlocks(): number {
  return Math.min(MAX_BLOCKS, Math.max(1, Math.floor(2 ** (Math.random() * 9.01))));
}

function rwCdb(write: boolean, lba: number, blocks: number, sixteen: boolean): Buffer {
  if (sixteen) {
    // SBC-3 5.16 / 5.43: READ(16) 88h, WRITE(16) 8Ah; LBA bytes 2-9, TRANSFER LENGTH bytes 10-13.
    const c = Buffer.alloc(16);
    c[0] = write ? 0x8a : 0x88;
    c.writeBigUInt64BE(BigInt(lba), 2);
    c.writeUInt32BE(blocks, 10);
    return c;
  }
  // SBC-3 5.14 / 5.41: READ(10) 28h, WRITE(10) 2Ah; LBA bytes 2-5, TRANSFER LENGTH bytes 7-8.
  const c = Buffer.alloc(10);
  c[0] = write ? 0x2a : 0x28;
  c.writeUInt32BE(lba, 2);
  c.writeUInt16BE(blocks, 7);
  return c;
}

/** Deterministic shared pattern: every block holds its LBA and a per-byte sequence. */
function sharedPattern(): Buffer {
  const b = Buffer.alloc(SHARED_BYTES);
  for (let blk = 0; blk < SHARED_BLOCKS; blk++) {
    const off = blk * BLOCK;
    b.writeUInt32BE(blk, off);
    for (let i = 4; i < BLOCK; i++) b[off + i] = (blk * 7 + i * 13) & 0xff;
  }
  return b;
}

interface Counts {
  commands: number;
  reads: number;
  writes: number;
  sharedReads: number;
  bytesRead: number;
  bytesWritten: number;
  errors: number;
  mismatches: number;
  firstError?: string;
}

interface InFlight {
  start: number;
  end: number;
  write: boolean;
}

interface MemorySample {
  t: number;
  rss: number;
  heapUsed: number;
  external: number;
}

function mib(n: number): string {
  return `${(n / 1048576).toFixed(1)} MiB`;
}

/** global.gc when node runs with --expose-gc; otherwise enable it at run time through V8 flags. */
function findGc(): (() => void) | undefined {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return g;
  try {
    v8.setFlagsFromString('--expose-gc');
    const fromContext: unknown = vm.runInNewContext('gc');
    return typeof fromContext === 'function' ? (fromContext as () => void) : undefined;
  } catch {
    return undefined;
  }
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** One session's workload: QUEUE_DEPTH workers issuing non-conflicting commands until the deadline. */
class SessionLoad {
  /** What this session's region must hold: pre-filled, then updated by every completed write. */
  readonly shadow: Buffer;
  private readonly inFlight = new Set<InFlight>();

  constructor(
    readonly index: number,
    readonly transport: IscsiTransport,
    private readonly shared: Buffer,
    private readonly counts: Counts,
  ) {
    this.shadow = randomBytes(REGION_BYTES);
  }

  private async run(cmd: ScsiCommand): Promise<ScsiResult> {
    const r = await this.transport.execute({ ...cmd, timeoutMs: 30000 });
    if (r.status !== 0) {
      throw new Error(`status 0x${r.status.toString(16)} sense ${r.sense.toString('hex')}`);
    }
    if (r.residual !== 0) throw new Error(`residual ${r.residual}`);
    return r;
  }

  /** Clear the power-on unit attention of the new I_T nexus (SAM-5 5.14: 29h/00h). */
  async clearUnitAttention(): Promise<void> {
    for (let i = 0; i < 4; i++) {
      const r = await this.transport.execute({ cdb: Buffer.alloc(6), timeoutMs: 10000 });
      if (r.status === 0) return;
    }
    throw new Error(`session ${this.index}: TEST UNIT READY keeps failing`);
  }

  /** Write the whole region from the shadow so that every later read has known bytes to compare. */
  async prefill(): Promise<void> {
    const base = regionLba(this.index);
    for (let blk = 0; blk < REGION_BLOCKS; blk += MAX_BLOCKS) {
      const data = this.shadow.subarray(blk * BLOCK, (blk + MAX_BLOCKS) * BLOCK);
      await this.run({ cdb: rwCdb(true, base + blk, MAX_BLOCKS, true), dataOut: data });
    }
  }

  /** A random range of the region that conflicts with no in-flight command (reads may share). */
  private pick(write: boolean): InFlight {
    for (;;) {
      const blocks = randomBlocks();
      const start = randInt(REGION_BLOCKS - blocks + 1);
      const op = { start, end: start + blocks, write };
      let clash = false;
      for (const o of this.inFlight) {
        if ((o.write || write) && o.start < op.end && op.start < o.end) {
          clash = true;
          break;
        }
      }
      if (!clash) return op;
    }
  }

  private fail(what: string, e: unknown): void {
    this.counts.errors++;
    this.counts.firstError ??= `session ${this.index} ${what}: ${e instanceof Error ? e.message : String(e)}`;
  }

  private async one(): Promise<void> {
    const sixteen = Math.random() < 0.5;
    if (Math.random() < SHARED_READ_RATIO) {
      const blocks = randomBlocks();
      const lba = SHARED_LBA + randInt(SHARED_BLOCKS - blocks + 1);
      const r = await this.run({ cdb: rwCdb(false, lba, blocks, sixteen), dataInLength: blocks * BLOCK });
      const want = this.shared.subarray(lba * BLOCK, (lba + blocks) * BLOCK);
      if (!r.dataIn.equals(want)) {
        this.counts.mismatches++;
        this.counts.firstError ??= `session ${this.index}: shared read of ${blocks} blocks at LBA ${lba} differs`;
      }
      this.counts.sharedReads++;
      this.counts.bytesRead += r.dataIn.length;
      return;
    }
    const op = this.pick(Math.random() < WRITE_RATIO);
    const blocks = op.end - op.start;
    const lba = regionLba(this.index) + op.start;
    const bytes = blocks * BLOCK;
    this.inFlight.add(op);
    try {
      if (op.write) {
        const from = randInt(POOL.length - bytes + 1);
        const data = POOL.subarray(from, from + bytes);
        await this.run({ cdb: rwCdb(true, lba, blocks, sixteen), dataOut: data });
        // No overlapping command is in flight, so the region now holds exactly these bytes.
        data.copy(this.shadow, op.start * BLOCK);
        this.counts.writes++;
        this.counts.bytesWritten += bytes;
      } else {
        const r = await this.run({ cdb: rwCdb(false, lba, blocks, sixteen), dataInLength: bytes });
        if (!r.dataIn.equals(this.shadow.subarray(op.start * BLOCK, op.end * BLOCK))) {
          this.counts.mismatches++;
          this.counts.firstError ??= `session ${this.index}: read of ${blocks} blocks at LBA ${lba} differs from what was written`;
        }
        this.counts.reads++;
        this.counts.bytesRead += r.dataIn.length;
      }
    } finally {
      this.inFlight.delete(op);
    }
  }

  async worker(deadline: number): Promise<void> {
    while (Date.now() < deadline) {
      try {
        await this.one();
        this.counts.commands++;
      } catch (e) {
        this.fail('command', e);
        // A failed command leaves the region in an unknown state for its range: stop this worker.
        return;
      }
    }
  }
}

describe('iSCSI soak: our initiator against our target', () => {
  let server: IscsiTargetServer | undefined;
  const transports: IscsiTransport[] = [];

  afterAll(async () => {
    await Promise.allSettled(transports.map((t) => t.close()));
    await server?.close({ graceMs: 100 });
  }, 30000);

  it(
    `${SESSIONS} sessions x ${QUEUE_DEPTH} outstanding mixed reads/writes for ${SOAK_SECONDS} s: no error, every read verified, memory stable`,
    async () => {
      const disk = createRamDisk({ identity: { id: 'soak-disk' }, sizeBytes: DISK_BYTES, blockSize: BLOCK });
      server = new IscsiTargetServer({
        host: '127.0.0.1',
        port: 0,
        targets: [{ name: IQN, luns: new Map<number, LogicalUnit>([[0, disk]]) }],
      });
      const { port } = await server.listen();
      const url = `iscsi://127.0.0.1:${port}/${IQN}/0`;

      const counts: Counts = {
        commands: 0,
        reads: 0,
        writes: 0,
        sharedReads: 0,
        bytesRead: 0,
        bytesWritten: 0,
        errors: 0,
        mismatches: 0,
      };
      const shared = sharedPattern();
      const loads: SessionLoad[] = [];
      for (let i = 0; i < SESSIONS; i++) {
        const t = await IscsiTransport.open(url, { queueDepth: QUEUE_DEPTH });
        transports.push(t);
        loads.push(new SessionLoad(i, t, shared, counts));
      }
      expect(server.stats().sessions).toBe(SESSIONS);
      await Promise.all(loads.map((l) => l.clearUnitAttention()));
      // Pre-fill everything before measuring, so that the RAM disk's memory is allocated up front
      // and its growth cannot be mistaken for a leak.
      for (let off = 0; off < SHARED_BLOCKS; off += MAX_BLOCKS) {
        const r = await loads[0].transport.execute({
          cdb: rwCdb(true, SHARED_LBA + off, MAX_BLOCKS, false),
          dataOut: shared.subarray(off * BLOCK, (off + MAX_BLOCKS) * BLOCK),
        });
        expect(r.status).toBe(0);
      }
      await Promise.all(loads.map((l) => l.prefill()));
      const preparedBytes = disk.store.allocatedBytes();
      expect(preparedBytes).toBe(DISK_BYTES);

      const gc = findGc();
      const samples: MemorySample[] = [];
      const started = Date.now();
      const deadline = started + SOAK_SECONDS * 1000;
      const sample = (): void => {
        gc?.();
        const m = process.memoryUsage();
        samples.push({ t: Date.now() - started, rss: m.rss, heapUsed: m.heapUsed, external: m.external });
      };
      const sampler = setInterval(sample, SAMPLE_MS);
      try {
        await Promise.all(
          loads.flatMap((l) => Array.from({ length: QUEUE_DEPTH }, () => l.worker(deadline))),
        );
      } finally {
        clearInterval(sampler);
      }
      const elapsed = (Date.now() - started) / 1000;
      sample();

      // Every session's region is read back whole at the end: nothing written was lost.
      for (const l of loads) {
        const base = regionLba(l.index);
        for (let blk = 0; blk < REGION_BLOCKS; blk += MAX_BLOCKS) {
          const r = await l.transport.execute({
            cdb: rwCdb(false, base + blk, MAX_BLOCKS, true),
            dataInLength: MAX_BLOCKS * BLOCK,
          });
          expect(r.status).toBe(0);
          expect(r.dataIn.equals(l.shadow.subarray(blk * BLOCK, (blk + MAX_BLOCKS) * BLOCK))).toBe(true);
        }
      }

      // Memory criterion. A leak tied to the work done (a task, a buffer or a listener kept per
      // command) grows with the number of commands, i.e. roughly linearly in time at a steady
      // command rate, so the mean of the last third of the samples exceeds the mean of the first
      // third by (leak per command x commands between the two thirds' centres). The first 10% of
      // samples are skipped (JIT warm-up, buffer pools and socket buffers growing to their working
      // size); means over thirds smooth out single-sample noise. With a forced GC before each sample,
      // heapUsed is the live heap, flat within ~1 MiB here, and is held to +16 MiB (or +25%);
      // without a GC it also holds garbage, hence +64 MiB. `external` (Buffer memory: data-in buffers,
      // socket chunks, the RAM disk) is held to +64 MiB and rss, where freed memory is not always
      // returned to the OS, to +128 MiB (or +25%). At the ~4500 commands/s seen on the development
      // machine the two centres are ~36 s = ~160 000 commands apart over 60 s, so a leak of more than ~120 bytes
      // of heap or ~400 bytes of Buffer memory per command fails; the steady working set
      // (8 x 16 x 256 KiB in flight on each side = 64 MiB at most) is allocated before the first
      // third and does not count as growth.
      const skip = Math.floor(samples.length / 10);
      const usable = samples.slice(skip);
      const third = Math.max(1, Math.floor(usable.length / 3));
      const first = usable.slice(0, third);
      const last = usable.slice(usable.length - third);
      const growth = (key: 'rss' | 'heapUsed' | 'external'): { from: number; to: number } => ({
        from: mean(first.map((s) => s[key])),
        to: mean(last.map((s) => s[key])),
      });
      const heap = growth('heapUsed');
      const external = growth('external');
      const rss = growth('rss');

      console.log(
        [
          `iSCSI soak: ${SESSIONS} sessions x QD ${QUEUE_DEPTH}, ${elapsed.toFixed(1)} s`,
          `commands ${counts.commands} (${(counts.commands / elapsed).toFixed(0)}/s): reads ${counts.reads}, writes ${counts.writes}, shared-region reads ${counts.sharedReads}`,
          `bytes read ${mib(counts.bytesRead)}, written ${mib(counts.bytesWritten)} (${((counts.bytesRead + counts.bytesWritten) / 1048576 / elapsed).toFixed(1)} MiB/s)`,
          `errors ${counts.errors}, read mismatches ${counts.mismatches}${counts.firstError ? ` (first: ${counts.firstError})` : ''}`,
          `memory (${samples.length} samples, ${gc ? 'after forced GC' : 'no GC available'}): heapUsed ${mib(heap.from)} -> ${mib(heap.to)}, external ${mib(external.from)} -> ${mib(external.to)}, rss ${mib(rss.from)} -> ${mib(rss.to)}`,
        ].join('\n'),
      );

      expect(counts.firstError).toBeUndefined();
      expect(counts.errors).toBe(0);
      expect(counts.mismatches).toBe(0);
      // The load really ran: every kind of command, from every worker's session, many times over.
      expect(counts.reads).toBeGreaterThan(SESSIONS * QUEUE_DEPTH);
      expect(counts.writes).toBeGreaterThan(SESSIONS * QUEUE_DEPTH);
      expect(counts.sharedReads).toBeGreaterThan(SESSIONS);
      expect(counts.commands).toBe(counts.reads + counts.writes + counts.sharedReads);
      expect(samples.length).toBeGreaterThanOrEqual(Math.max(3, Math.floor(SOAK_SECONDS / 2)));
      expect(heap.to).toBeLessThanOrEqual(Math.max(heap.from + (gc ? 16 : 64) * 1048576, heap.from * 1.25));
      expect(external.to).toBeLessThanOrEqual(Math.max(external.from + 64 * 1048576, external.from * 1.25));
      expect(rss.to).toBeLessThanOrEqual(Math.max(rss.from + 128 * 1048576, rss.from * 1.25));
      // No command is left behind in the initiator sessions.
      for (const t of transports) expect(t.session.outstanding).toEqual({ inFlight: 0, queued: 0 });
    },
    TEST_TIMEOUT_MS,
  );
});
