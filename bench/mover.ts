// `npm run bench -- mover`: the data mover's throughput against a baseline measured in the same run.
//   (a) inside one process: EXTENDED COPY 00h (disk -> tape, 1 MiB variable blocks) from a file-backed
//       disk LU (emulator/devices/disk.ts openFileDisk on a FileBlockStore image) to a tape drive LU
//       on a new cartridge file, vs `dd bs=1M conv=fsync` copying the same image file (the mover
//       fsyncs too: its closing WRITE FILEMARKS(0) syncs the cartridge). Goal >= 0.9x.
//   (b) the router mover (`xcopyctl mover serve`, a child process) copying 02h block -> block between
//       two tgt disk LUs over our initiator, vs `qemu-img convert -n -f raw -O raw` between the same
//       LUs over iSCSI (iscsi:// URLs, libiscsi). Goal >= 1.0x. Peak RSS (VmHWM) of the mover process
//       and its CPU seconds per GiB. Then, for information, the same with tgt tuned for throughput
//       (256 KiB data segments, 1 MiB bursts, InitialR2T=No) for both contenders.
// Contenders alternate run by run (drifting machine load hits both alike); figures are medians.
//
// Environment: BENCH_MOVER_MIB (bytes copied, default 1024), BENCH_MOVER_RUNS (default 3),
// BENCH_MOVER_PART (a, b or both), BENCH_MOVER_CPU_PROF=DIR (the router child under --cpu-prof),
// BENCH_MOVER_PIPELINE='{"readAhead":8,...}' (the router's mover.pipeline, for tuning experiments).
import { execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  blockToBlock,
  blockToStream,
  extendedCopyCdb,
  extendedCopyParameterList,
  naaBlockTarget,
  naaStreamTarget,
} from '../cdb/xcopy/build';
import { LIST_ID_USAGE } from '../cdb/xcopy/parameter-list';
import type { SegmentDescriptor } from '../cdb/xcopy/segment-descriptor';
import type { TargetDescriptor } from '../cdb/xcopy/target-descriptor';
import { openFileDisk } from '../emulator/devices/disk';
import { TapeDevice } from '../emulator/devices/tape';
import { setLogLevel } from '../emulator/log';
import type { ItNexus } from '../emulator/lu';
import { CopyManager } from '../emulator/mover/copy-manager';
import { DEFAULT_MOVER_NEXUS } from '../emulator/mover/config';
import { LocalLuResolver } from '../emulator/mover/local-resolver';
import type { RouterReady } from '../emulator/router';
import { Cartridge } from '../emulator/tape';
import { findProgram, Tgtd, tgtAvailable } from '../emulator/tgt/harness';
import { IscsiTransport } from '../targets/iscsi/initiator-transport';
import { fileDigest, makeImage, warmPageCache } from './images';
import {
  envNumber,
  fmt,
  goalRatio,
  peakRssMiB,
  spawnReady,
  stopChild,
  timeIt,
  type Throughput,
} from './measure';
import type { Print, Suite } from './suites';

const MIB = 1048576;
const BLOCK = 4096;
const TAPE_BLOCK = MIB;
const TGT_IQN = 'iqn.2024-01.io.xcopy:bench-mover';
/** Blocks per segment: BLOCK DEVICE NUMBER OF BLOCKS is 16 bits. */
const SEGMENT_BLOCKS = 32768;

function median(xs: Throughput[]): Throughput {
  const s = [...xs].sort((a, b) => a.mibPerSecond - b.mibPerSecond);
  return s[Math.floor(s.length / 2)];
}

function exec(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { maxBuffer: 16 * MIB }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')}: ${stderr.trim() || err.message}`));
      else resolve();
    });
  });
}

/** Segments covering `blocks` blocks from LBA 0, SEGMENT_BLOCKS at a time. */
function segmentsFor(
  blocks: number,
  make: (lba: bigint, n: number) => SegmentDescriptor,
): SegmentDescriptor[] {
  const out: SegmentDescriptor[] = [];
  for (let lba = 0; lba < blocks; lba += SEGMENT_BLOCKS)
    out.push(make(BigInt(lba), Math.min(SEGMENT_BLOCKS, blocks - lba)));
  return out;
}

function parameterList(targets: TargetDescriptor[], segments: SegmentDescriptor[]): Buffer {
  return extendedCopyParameterList({ listIdUsage: LIST_ID_USAGE.none, targets, segments });
}

// ---- (a) disk -> tape inside one process ---------------------------------------------------------

const BENCH_NEXUS: ItNexus = {
  initiatorPort: 'iqn.2024-01.io.xcopy:bench,i,0x00023d000001',
  initiatorName: 'iqn.2024-01.io.xcopy:bench',
  targetPort: 'iqn.2024-01.io.xcopy:bench-cm,t,0x0001',
  relativeTargetPort: 1,
};

async function partA(print: Print, bytes: number, runs: number, dir: string): Promise<void> {
  const image = path.join(dir, 'disk.img');
  await makeImage(image, bytes, BLOCK);
  await warmPageCache(image);
  const disk = await openFileDisk({ identity: { id: 'bench-disk' }, image, flushIntervalMs: 0 });
  const tape = new TapeDevice({ identity: { id: 'bench-tape' } });
  const resolver = new LocalLuResolver({ moverNexus: DEFAULT_MOVER_NEXUS, mayAccess: () => true });
  resolver.register('disk', disk);
  resolver.register('tape', tape);
  const cm = new CopyManager({ self: disk, resolver });
  const list = parameterList(
    [naaBlockTarget(disk.identity.naa), naaStreamTarget(tape.identity.naa)],
    segmentsFor(bytes / BLOCK, (lba, n) => blockToStream(0, 1, n, lba, TAPE_BLOCK)),
  );
  const cdb = extendedCopyCdb(list.length);
  const cartridge = path.join(dir, 'bench.vtape');
  const ddOut = path.join(dir, 'dd.out');
  const mover: Throughput[] = [];
  const dd: Throughput[] = [];
  let rssAfterMover = 0;
  try {
    for (let r = 0; r < runs; r++) {
      await rm(ddOut, { force: true });
      dd.push(
        await timeIt(bytes, () =>
          exec('dd', [`if=${image}`, `of=${ddOut}`, 'bs=1M', 'conv=fsync', 'status=none']),
        ),
      );
      await rm(ddOut, { force: true });
      await rm(cartridge, { force: true });
      tape.loadCartridge(
        Cartridge.create(cartridge, {
          barcode: 'BENCH1L8',
          capacityBytes: bytes + 256 * MIB,
          earlyWarningBytes: 64 * MIB,
          mediumSerial: 'BENCHSN1',
          densityCode: 0x5e,
        }),
      );
      mover.push(
        await timeIt(bytes, async () => {
          const res = await cm.extendedCopy({
            cdb,
            dataOut: list,
            nexus: BENCH_NEXUS,
            signal: new AbortController().signal,
          });
          if (res.status !== 0)
            throw new Error(`EXTENDED COPY: status ${res.status} sense ${res.sense?.toString('hex') ?? ''}`);
        }),
      );
      rssAfterMover = Math.max(rssAfterMover, peakRssMiB());
      tape.unloadCartridge({ force: true });
    }
  } finally {
    await disk.close();
    await tape.close();
  }
  const m = median(mover);
  const d = median(dd);
  print(
    `-- (a) disk -> tape inside one process, ${bytes / MIB} MiB, ${BLOCK}-byte disk blocks, ${TAPE_BLOCK / MIB} MiB tape blocks, median of ${runs}`,
  );
  print(`  mover (CopyManager, FileBlockStore -> cartridge)  ${fmt(m)}`);
  print(`  dd bs=1M conv=fsync (same image file)             ${fmt(d)}`);
  print(`  mover / dd: ${goalRatio(m, d, 0.9)}; peak RSS of this process ${rssAfterMover.toFixed(0)} MiB`);
}

// ---- (b) router mover vs qemu-img between two tgt disk LUs ----------------------------------------

interface Router {
  child: ChildProcess;
  ready: RouterReady;
}

function startRouter(configFile: string, profileDir: string | undefined): Promise<Router> {
  // The compiled CLI next to this file (dist/bin/cli.js), run as `xcopyctl mover serve`.
  const cli = path.join(__dirname, '..', 'bin', 'cli.js');
  const launcher = `require(${JSON.stringify(cli)}).main(process.argv.slice(1)).then((c) => { process.exitCode = c; })`;
  const nodeArgs = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const args = [...nodeArgs, '-e', launcher, 'mover', 'serve', '--config', configFile, '--log-level', 'warn'];
  return spawnReady<RouterReady>(args, 'the router mover', 60000);
}

/** VmHWM (peak resident set) of a process, MiB. */
function peakRssOf(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? undefined : Number(m[1]) / 1024;
  } catch {
    return undefined;
  }
}

/** Parameters a tgt target negotiates for throughput instead of its defaults (8 KiB data segments,
 * InitialR2T=Yes): the "tuned" round of (b), with both contenders on the same target. */
const TGT_TUNED: ReadonlyArray<[string, string]> = [
  ['MaxRecvDataSegmentLength', '262144'],
  ['MaxBurstLength', '1048576'],
  ['FirstBurstLength', '262144'],
  ['InitialR2T', 'No'],
];

interface RoundResult {
  mover: Throughput;
  qemu: Throughput;
  rss?: number;
  identical: boolean;
  /** CPU seconds per GiB copied: the router mover process, and qemu-img. */
  moverCpu?: number;
}

/** utime + stime of a process, seconds (proc(5) fields 14 and 15). */
function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / 100; // USER_HZ: 100 on Linux
  } catch {
    return undefined;
  }
}

/**
 * A destination file with every block allocated (zeros), so that both contenders overwrite
 * allocated blocks: writing into holes costs the file system allocations the other would not pay.
 */
async function allocate(file: string, bytes: number): Promise<void> {
  const fh = await open(file, 'w');
  try {
    const zeros = Buffer.alloc(8 * MIB);
    for (let pos = 0; pos < bytes; pos += zeros.length)
      await fh.write(zeros, 0, Math.min(zeros.length, bytes - pos), pos);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Overwrite 4 KiB in each 64 MiB of the destination, so a copy that did nothing shows in the digest. */
async function scribble(file: string, bytes: number): Promise<void> {
  const fh = await open(file, 'r+');
  try {
    const junk = randomBytes(4096);
    for (let pos = 0; pos < bytes; pos += 64 * MIB)
      await fh.write(junk, 0, Math.min(junk.length, bytes - pos), pos);
  } finally {
    await fh.close();
  }
}

/** One round: a fresh router mover child (new sessions), `runs` copies each, alternating. */
async function roundB(o: {
  tgtd: Tgtd;
  dir: string;
  bytes: number;
  runs: number;
  src: string;
  dst: string;
  profileDir?: string;
}): Promise<RoundResult> {
  const configFile = path.join(o.dir, 'mover.json');
  const pipeline = process.env.BENCH_MOVER_PIPELINE;
  await writeFile(
    configFile,
    JSON.stringify({
      portal: '127.0.0.1:0',
      backends: [{ name: 'tgt', portal: o.tgtd.portal }],
      ...(pipeline ? { mover: { pipeline: JSON.parse(pipeline) as unknown } } : {}),
    }),
  );
  const router = await startRouter(configFile, o.profileDir);
  let client: IscsiTransport | undefined;
  try {
    const naaOf = (lun: number): Buffer => {
      const b = router.ready.backends.find((x) => x.url.endsWith(`/${TGT_IQN}/${lun}`));
      if (b?.naa == null) throw new Error(`tgt LUN ${lun} not discovered by the router mover`);
      return Buffer.from(b.naa, 'hex');
    };
    const list = parameterList(
      [naaBlockTarget(naaOf(1)), naaBlockTarget(naaOf(2))],
      segmentsFor(o.bytes / BLOCK, (lba, n) => blockToBlock(0, 1, n, lba, lba)),
    );
    const cdb = extendedCopyCdb(list.length);
    const c = await IscsiTransport.open(`iscsi://${router.ready.portal}/${router.ready.target}/0`);
    client = c;
    for (let i = 0; i < 4; i++)
      if ((await c.execute({ cdb: Buffer.alloc(6), timeoutMs: 10000 })).status === 0) break;
    const srcUrl = `iscsi://${o.tgtd.portal}/${TGT_IQN}/1`;
    const dstUrl = `iscsi://${o.tgtd.portal}/${TGT_IQN}/2`;
    const mover: Throughput[] = [];
    const qemu: Throughput[] = [];
    const expected = await fileDigest(o.src, o.bytes);
    let identical = true;
    let cpu = 0;
    const pid = router.child.pid;
    for (let r = 0; r < o.runs; r++) {
      qemu.push(
        await timeIt(o.bytes, () =>
          exec('qemu-img', ['convert', '-n', '-f', 'raw', '-O', 'raw', srcUrl, dstUrl]),
        ),
      );
      await scribble(o.dst, o.bytes);
      const before = pid === undefined ? undefined : cpuSecondsOf(pid);
      mover.push(
        await timeIt(o.bytes, async () => {
          const res = await c.execute({ cdb, dataOut: list, timeoutMs: 3600000 });
          if (res.status !== 0)
            throw new Error(`EXTENDED COPY: status ${res.status} sense ${res.sense.toString('hex')}`);
        }),
      );
      const after = pid === undefined ? undefined : cpuSecondsOf(pid);
      if (before !== undefined && after !== undefined) cpu += after - before;
      if ((await fileDigest(o.dst, o.bytes)) !== expected) identical = false;
    }
    const rss = pid === undefined ? undefined : peakRssOf(pid);
    return {
      mover: median(mover),
      qemu: median(qemu),
      identical,
      ...(rss === undefined ? {} : { rss }),
      ...(pid === undefined ? {} : { moverCpu: cpu / o.runs / (o.bytes / (1024 * MIB)) }),
    };
  } finally {
    await client?.close();
    await stopChild(router.child);
  }
}

async function partB(print: Print, bytes: number, runs: number, dir: string): Promise<void> {
  if (!tgtAvailable() || findProgram('qemu-img') === undefined) {
    print('-- (b) skipped: needs tgt (tgtd, tgtadm) and qemu-img with iSCSI (qemu-utils, qemu-block-extra)');
    return;
  }
  const profileDir = process.env.BENCH_MOVER_CPU_PROF || undefined;
  const src = path.join(dir, 'tgt-src.img');
  const dst = path.join(dir, 'tgt-dst.img');
  await makeImage(src, bytes, BLOCK);
  await allocate(dst, bytes);
  await warmPageCache(src);
  const tgtd = await Tgtd.start();
  try {
    await tgtd.addTarget({
      tid: 1,
      iqn: TGT_IQN,
      luns: [
        { lun: 1, backingStore: src, blockSize: BLOCK },
        { lun: 2, backingStore: dst, blockSize: BLOCK },
      ],
    });
    print(
      `-- (b) block -> block between two tgt disk LUs over iSCSI, ${bytes / MIB} MiB, ${BLOCK}-byte blocks, median of ${runs}`,
    );
    const report = (label: string, r: RoundResult, goal: boolean): void => {
      print(`  ${label}`);
      print(
        `    router mover (02h, child process)            ${fmt(r.mover)}  destination ${r.identical ? 'identical' : 'DIFFERS'}` +
          (r.moverCpu === undefined ? '' : `, mover CPU ${r.moverCpu.toFixed(2)} s/GiB`),
      );
      print(`    qemu-img convert -n -f raw -O raw (libiscsi) ${fmt(r.qemu)}`);
      print(
        `    mover / qemu-img: ${goal ? goalRatio(r.mover, r.qemu, 1.0) : `${(r.mover.mibPerSecond / r.qemu.mibPerSecond).toFixed(2)}x (information)`}; ` +
          `peak RSS of the mover process ${r.rss === undefined ? '?' : r.rss.toFixed(0)} MiB`,
      );
    };
    const base = { tgtd, dir, bytes, runs, src, dst, ...(profileDir === undefined ? {} : { profileDir }) };
    report('tgt defaults (MaxRecvDataSegmentLength 8 KiB, InitialR2T=Yes)', await roundB(base), true);
    for (const [name, value] of TGT_TUNED) await tgtd.setTargetParam(1, name, value);
    report(
      `tgt tuned (${TGT_TUNED.map(([n, v]) => `${n}=${v}`).join(', ')}), both contenders`,
      await roundB({ ...base, profileDir: undefined }),
      false,
    );
  } finally {
    await tgtd.stop();
  }
  if (profileDir) print(`CPU profile of the router mover (tgt defaults) written under ${profileDir}`);
}

async function runSuite(print: Print): Promise<void> {
  setLogLevel('warn');
  const mib = Math.round(envNumber('BENCH_MOVER_MIB', 1024));
  const runs = Math.round(envNumber('BENCH_MOVER_RUNS', 3));
  const part = process.env.BENCH_MOVER_PART ?? 'both';
  const bytes = mib * MIB;
  if (bytes % (BLOCK * 8) !== 0) throw new RangeError('BENCH_MOVER_MIB must give whole disk blocks');
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-mover-'));
  try {
    print(`random data, page cache warm; ${runs} runs per contender, alternating`);
    if (part === 'a' || part === 'both') await partA(print, bytes, runs, dir);
    if (part === 'b' || part === 'both') await partB(print, bytes, runs, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const moverSuite: Suite = {
  description:
    'data mover: disk -> tape in one process vs dd, router mover block -> block between tgt LUs vs qemu-img convert',
  run: runSuite,
};
