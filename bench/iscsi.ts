// `npm run bench -- iscsi`: sequential READ(16) throughput over iSCSI on 127.0.0.1, measured in one
// run against one backing image:
//   (a) our initiator (IscsiTransport) vs libiscsi's iscsi-perf, both reading a tgt (tgtd) disk LUN
//       with the same transfer size and queue depth (goal: ours >= 0.9x iscsi-perf);
//   (b) iscsi-perf reading our target (a child process, bench/iscsi-target.ts) vs reading tgtd,
//       both serving the same image (goal: ours >= 1.0x tgt);
// plus our initiator against our target, for information. Each figure is the median of several
// runs (interleaved, so that drifting machine load hits every contender alike); CPU seconds of the
// target process come from /proc/<pid>/stat (tgtd and our child alike), those of the initiator
// from /proc (iscsi-perf) or process.cpuUsage() (ours, in this process).
//
// Environment: BENCH_ISCSI_MIB (image size, default 1024), BENCH_ISCSI_SECONDS (per run, default 5),
// BENCH_ISCSI_RUNS (default 3), BENCH_ISCSI_OUR_STORE (file: FileBlockStore on the image, the
// default; ram: a RAM disk pre-filled from it), BENCH_ISCSI_CPU_PROF=DIR (our target child under
// node --cpu-prof).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { decodeReadCapacity16Data } from '../cdb/sbc/index';
import { findProgram, Tgtd, tgtAvailable } from '../emulator/tgt/harness';
import { IscsiTransport } from '../targets/iscsi/initiator-transport';
import type { Print, Suite } from './suites';
import type { TargetReady } from './iscsi-target';
import { makeImage, warmPageCache } from './images';
import { envNumber, fmt, goalRatio, spawnReady, stopChild, type Throughput } from './measure';

const MIB = 1048576;
const BLOCK = 512;
const TGT_IQN = 'iqn.2024-01.io.xcopy:bench-tgt';
const WARMUP_SECONDS = 2;

interface BenchConfig {
  transferBytes: number;
  queueDepth: number;
}

const CONFIGS: BenchConfig[] = [
  { transferBytes: 256 * 1024, queueDepth: 8 },
  { transferBytes: 1024 * 1024, queueDepth: 8 },
];

// ---- CPU accounting ------------------------------------------------------------------------

let clockTicks: number | undefined;

function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** utime + stime of a process (all its threads), seconds; undefined when it is gone. */
function procCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm) ": state is field 3, utime field 14, stime field 15 (proc(5)).
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / ticksPerSecond();
  } catch {
    return undefined;
  }
}

function cpuDelta(pid: number | undefined, before: number | undefined): number | undefined {
  if (pid === undefined || before === undefined) return undefined;
  const after = procCpuSeconds(pid);
  return after === undefined ? undefined : after - before;
}

// ---- one measured run ---------------------------------------------------------------------

interface RunResult {
  tp: Throughput;
  initiatorCpu?: number;
  targetCpu?: number;
}

/** iscsi-perf sequential reads; throughput from its final "iops average N". */
function iscsiPerfRun(url: string, cfg: BenchConfig, seconds: number): Promise<RunResult> {
  const blocks = cfg.transferBytes / BLOCK;
  const args = ['-m', String(cfg.queueDepth), '-b', String(blocks), '-t', String(seconds), url];
  return new Promise((resolve, reject) => {
    const child = spawn('iscsi-perf', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let lastCpu: number | undefined;
    const pid = child.pid;
    // The child is reaped before 'exit' is seen: sample its CPU time while it runs.
    const poll = setInterval(() => {
      if (pid !== undefined) lastCpu = procCpuSeconds(pid) ?? lastCpu;
    }, 100);
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', (e) => {
      clearInterval(poll);
      reject(e);
    });
    child.on('close', (code) => {
      clearInterval(poll);
      const all = [...out.matchAll(/iops average (\d+)/g)];
      const last = all.length > 0 ? all[all.length - 1] : undefined;
      if (code !== 0 || last === undefined) {
        reject(new Error(`iscsi-perf ${args.join(' ')} exited ${code}: ${(err || out).trim().slice(-400)}`));
        return;
      }
      const mibPerSecond = (Number(last[1]) * cfg.transferBytes) / MIB;
      resolve({
        tp: { bytes: mibPerSecond * seconds * MIB, seconds, mibPerSecond },
        initiatorCpu: lastCpu,
      });
    });
  });
}

function read16(lba: bigint, blocks: number): Buffer {
  // SBC-3 5.16 READ(16): opcode 88h, LBA bytes 2-9, TRANSFER LENGTH bytes 10-13.
  const c = Buffer.alloc(16);
  c[0] = 0x88;
  c.writeBigUInt64BE(lba, 2);
  c.writeUInt32BE(blocks, 10);
  return c;
}

/** Our initiator: queueDepth workers reading sequential transfers from LBA 0, wrapping at the end. */
async function ourInitiatorRun(url: string, cfg: BenchConfig, seconds: number): Promise<RunResult> {
  const t = await IscsiTransport.open(url, { queueDepth: cfg.queueDepth });
  try {
    // The first command of a new I_T nexus may get UNIT ATTENTION (29h): TEST UNIT READY clears it.
    for (let i = 0; i < 4; i++) {
      if ((await t.execute({ cdb: Buffer.alloc(6), timeoutMs: 10000 })).status === 0) break;
    }
    const rc = await t.execute({
      cdb: Buffer.from([0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0]),
      dataInLength: 32,
      timeoutMs: 10000,
    });
    if (rc.status !== 0) throw new Error(`READ CAPACITY(16) on ${url}: status ${rc.status}`);
    const cap = decodeReadCapacity16Data(rc.dataIn);
    const blockSize = cap.logicalBlockLengthInBytes;
    const blockCount = cap.returnedLogicalBlockAddress + 1n;
    const blocks = cfg.transferBytes / blockSize;
    let next = 0n;
    let bytes = 0;
    const cpu0 = process.cpuUsage();
    const start = process.hrtime.bigint();
    const deadline = Date.now() + seconds * 1000;
    const worker = async (): Promise<void> => {
      // Each worker reads into its own buffer, as iscsi-perf does (ScsiCommand.dataInBuffer).
      const into = Buffer.allocUnsafe(cfg.transferBytes);
      while (Date.now() < deadline) {
        if (next + BigInt(blocks) > blockCount) next = 0n;
        const lba = next;
        next += BigInt(blocks);
        const r = await t.execute({
          cdb: read16(lba, blocks),
          dataInLength: cfg.transferBytes,
          dataInBuffer: into,
          timeoutMs: 30000,
        });
        if (r.status !== 0) throw new Error(`READ(16) at ${lba}: status ${r.status}`);
        bytes += r.dataIn.length;
      }
    };
    await Promise.all(Array.from({ length: cfg.queueDepth }, worker));
    const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    return {
      tp: { bytes, seconds: elapsed, mibPerSecond: bytes / MIB / elapsed },
      initiatorCpu: (cpu.user + cpu.system) / 1e6,
    };
  } finally {
    await t.close();
  }
}

// ---- fixtures ----------------------------------------------------------------------------

interface OurTarget {
  child: ChildProcess;
  ready: TargetReady;
}

function startOurTarget(
  image: string,
  store: 'file' | 'ram',
  profileDir: string | undefined,
): Promise<OurTarget> {
  const script = path.join(__dirname, 'iscsi-target.js');
  const nodeArgs = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const args = [...nodeArgs, script, '--image', image, '--store', store, '--block-size', String(BLOCK)];
  return spawnReady<TargetReady>(args, 'our target', 120000);
}

// ---- the suite ---------------------------------------------------------------------------

interface Contender {
  label: string;
  targetPid: () => number | undefined;
  run: () => Promise<RunResult>;
}

function medianRun(runs: RunResult[]): RunResult {
  const sorted = [...runs].sort((a, b) => a.tp.mibPerSecond - b.tp.mibPerSecond);
  return sorted[Math.floor(sorted.length / 2)];
}

function cpuText(r: RunResult): string {
  const parts: string[] = [];
  const gib = (r.tp.mibPerSecond * r.tp.seconds) / 1024;
  if (r.targetCpu !== undefined)
    parts.push(`target CPU ${r.targetCpu.toFixed(2)} s (${(r.targetCpu / gib).toFixed(2)} s/GiB)`);
  if (r.initiatorCpu !== undefined)
    parts.push(`initiator CPU ${r.initiatorCpu.toFixed(2)} s (${(r.initiatorCpu / gib).toFixed(2)} s/GiB)`);
  return parts.join(', ');
}

async function runSuite(print: Print): Promise<void> {
  if (!tgtAvailable() || findProgram('iscsi-perf') === undefined) {
    print(
      'skipped: needs tgt (tgtd, tgtadm, tgtimg) and libiscsi-bin (iscsi-perf): apt-get install tgt libiscsi-bin',
    );
    return;
  }
  const imageMiB = envNumber('BENCH_ISCSI_MIB', 1024);
  const seconds = Math.round(envNumber('BENCH_ISCSI_SECONDS', 5));
  const runs = Math.round(envNumber('BENCH_ISCSI_RUNS', 3));
  const profileDir = process.env.BENCH_ISCSI_CPU_PROF || undefined;
  const ourStore = process.env.BENCH_ISCSI_OUR_STORE === 'ram' ? 'ram' : 'file';
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-iscsi-'));
  const image = path.join(dir, 'disk.img');
  let tgtd: Tgtd | undefined;
  let ours: OurTarget | undefined;
  try {
    await makeImage(image, imageMiB * MIB, BLOCK);
    await warmPageCache(image);
    tgtd = await Tgtd.start();
    await tgtd.addTarget({ tid: 1, iqn: TGT_IQN, luns: [{ lun: 1, backingStore: image }] });
    const tgtUrl = `iscsi://${tgtd.portal}/${TGT_IQN}/1`;
    const tgtPid = tgtd.pid;
    ours = await startOurTarget(image, ourStore, profileDir);
    const ourUrl = ours.ready.url;
    const ourPid = ours.child.pid;
    const ramNote =
      ours.ready.store === 'ram-prefilled' ? ' [our target: RAM disk pre-filled from the image]' : '';
    const storeNote =
      ours.ready.store === 'ram-prefilled'
        ? 'our target serves a RAM disk pre-filled with the image (BENCH_ISCSI_OUR_STORE=ram)'
        : 'our target serves the image through FileBlockStore (openFileDisk, read-only)';
    print(
      `image ${imageMiB} MiB (FileBlockStore, random data, page cache warm); runs of ${seconds} s after a ${WARMUP_SECONDS} s warm-up per target, median of ${runs}; sequential READ(16), 512-byte blocks`,
    );
    print(`tgtd pid ${tgtPid ?? '?'} serves the image file (bs rdwr); ${storeNote} (pid ${ourPid ?? '?'})`);

    // One unmeasured iscsi-perf run on each target first, so that no measured run pays for our
    // child's JIT warm-up or for tgtd starting its threads.
    for (const url of [tgtUrl, ourUrl]) await iscsiPerfRun(url, CONFIGS[0], WARMUP_SECONDS);

    for (const cfg of CONFIGS) {
      const contenders: Contender[] = [
        {
          label: 'iscsi-perf -> tgt',
          targetPid: () => tgtPid,
          run: () => iscsiPerfRun(tgtUrl, cfg, seconds),
        },
        {
          label: 'ours       -> tgt',
          targetPid: () => tgtPid,
          run: () => ourInitiatorRun(tgtUrl, cfg, seconds),
        },
        {
          label: 'iscsi-perf -> ours',
          targetPid: () => ourPid,
          run: () => iscsiPerfRun(ourUrl, cfg, seconds),
        },
        {
          label: 'ours       -> ours',
          targetPid: () => ourPid,
          run: () => ourInitiatorRun(ourUrl, cfg, seconds),
        },
      ];
      const results: RunResult[][] = contenders.map(() => []);
      for (let r = 0; r < runs; r++) {
        for (let i = 0; i < contenders.length; i++) {
          const c = contenders[i];
          const pid = c.targetPid();
          const before = pid === undefined ? undefined : procCpuSeconds(pid);
          const res = await c.run();
          res.targetCpu = cpuDelta(pid, before);
          results[i].push(res);
        }
      }
      const [perfTgt, oursTgt, perfOurs, oursOurs] = results.map(medianRun);
      print(`-- ${cfg.transferBytes / 1024} KiB transfers, queue depth ${cfg.queueDepth}`);
      const line = (label: string, r: RunResult, extra = ''): void =>
        print(`  ${label.padEnd(20)} ${fmt(r.tp).padEnd(36)} ${cpuText(r)}${extra}`);
      line(contenders[0].label, perfTgt);
      line(contenders[1].label, oursTgt);
      print(`  (a) our initiator / iscsi-perf, on tgt: ${goalRatio(oursTgt.tp, perfTgt.tp, 0.9)}`);
      line(contenders[2].label, perfOurs);
      print(
        `  (b) our target / tgt, read by iscsi-perf: ${goalRatio(perfOurs.tp, perfTgt.tp, 1.0)}${ramNote}`,
      );
      line(contenders[3].label, oursOurs, '  (information)');
    }
  } finally {
    if (ours) await stopChild(ours.child);
    if (tgtd) await tgtd.stop();
    await rm(dir, { recursive: true, force: true });
  }
  if (profileDir) print(`CPU profile of our target written under ${profileDir}`);
}

export const iscsiSuite: Suite = {
  description:
    'iSCSI sequential reads: our initiator vs iscsi-perf on tgt, iscsi-perf on our target vs on tgt (same image)',
  run: runSuite,
};
