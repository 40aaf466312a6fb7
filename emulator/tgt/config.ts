// The same SAN configuration as `xcopyctl san up --config`, served by tgt (tgtd) instead of our
// emulator: for interop tests and benchmarks against a real-world target. Disk LUs become files
// (raw images: a configured pattern is written with emulator/disk's createPatternVolume, whose
// image file is a plain raw image), tape LUs become tgtimg cartridges of the configured capacity,
// CHAP accounts and initiator-name ACLs are set per target.
//
// What tgt cannot do: changers are left out here (tgt's SMC needs per-slot configuration this
// mapping does not attempt), and processor and snapshot LUs have no tgt equivalent. Those LUs are
// listed in `skipped` with `skipUnsupported`, otherwise they are an error. tgt reserves LUN 0 for
// its own controller LU, so every configured LUN n is served as LUN n + 1 (the URLs say so).
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPatternVolume, patternVolumeSpec } from '../disk/vol1';
import type { DiskLuConfig, LuType, SanConfig, TapeLuConfig } from '../san/config';
import { createTapeImage, Tgtd } from './harness';

export interface TgtLu {
  name: string;
  type: 'disk' | 'tape';
  target: string;
  /** The LUN tgt serves it at (configured LUN + 1). */
  lun: number;
  url: string;
  backingStore: string;
}

export interface TgtSan {
  tgtd: Tgtd;
  portal: string;
  luns: TgtLu[];
  /** LUs of the configuration tgt does not serve, and why. */
  skipped: { name: string; type: LuType; why: string }[];
  /** Stop tgtd; removes the data directory when it was a temporary one. */
  stop(): Promise<void>;
}

export interface TgtStartOptions {
  /** Where images go (kept, and reused when present); default a temporary directory. */
  dir?: string;
  /** List LU types tgt cannot serve in `skipped` instead of failing. */
  skipUnsupported?: boolean;
}

const MiB = 1024 * 1024;

const UNSUPPORTED: Partial<Record<LuType, string>> = {
  changer: 'changers are not mapped to tgt',
  processor: 'tgt has no copy manager LU',
  snapshot: 'tgt has no snapshots',
};

async function diskImage(lu: DiskLuConfig, dir: string): Promise<string> {
  const file = path.resolve(dir, lu.memory ? `${lu.name}.img` : lu.file);
  if (fs.existsSync(file)) {
    const size = fs.statSync(file).size;
    if (size !== lu.sizeBytes)
      throw new Error(`${lu.name}: ${file} is ${size} bytes, the configuration says ${lu.sizeBytes}`);
    return file;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (lu.pattern !== undefined) {
    const spec = patternVolumeSpec(
      lu.pattern,
      lu.blockSize,
      BigInt(lu.sizeBytes / lu.blockSize),
      lu.chunkSize,
    );
    const store = await createPatternVolume(file, spec, { flushIntervalMs: 0 });
    await store.close();
  } else {
    const fd = fs.openSync(file, 'wx');
    try {
      fs.ftruncateSync(fd, lu.sizeBytes);
    } finally {
      fs.closeSync(fd);
    }
  }
  return file;
}

async function tapeImage(lu: TapeLuConfig, config: SanConfig, dir: string): Promise<string> {
  if (lu.cartridge === undefined) throw new Error(`${lu.name}: a tgt tape LU needs a loaded cartridge`);
  const barcode = lu.cartridge;
  const cartridge = config.cartridges.find((c) => c.barcode === barcode);
  if (cartridge === undefined) throw new Error(`${lu.name}: cartridge ${barcode} is not configured`);
  const file = path.join(dir, `${barcode}.tgtimg`);
  if (!fs.existsSync(file)) {
    await createTapeImage(file, { barcode, sizeMb: Math.max(1, Math.ceil(cartridge.capacityBytes / MiB)) });
  }
  return file;
}

/** Start tgtd and create the configuration's targets in it. */
export async function startTgtFromConfig(config: SanConfig, opts: TgtStartOptions = {}): Promise<TgtSan> {
  const skipped: TgtSan['skipped'] = [];
  for (const t of config.targets) {
    for (const lu of t.luns) {
      const why = UNSUPPORTED[lu.type];
      if (why === undefined) continue;
      if (opts.skipUnsupported !== true) throw new Error(`${lu.name}: ${why} (use skipUnsupported)`);
      skipped.push({ name: lu.name, type: lu.type, why });
    }
  }
  const ownsDir = opts.dir === undefined;
  const dir = opts.dir ?? (await mkdtemp(path.join(tmpdir(), 'xcopy-tgt-san-')));
  fs.mkdirSync(dir, { recursive: true });
  let tgtd: Tgtd | undefined;
  try {
    tgtd = await Tgtd.start();
    const luns: TgtLu[] = [];
    let tid = 1;
    for (const t of config.targets) {
      const specs = [];
      for (const lu of t.luns) {
        if (lu.type === 'disk') {
          const backingStore = await diskImage(lu, dir);
          specs.push({ lun: lu.lun + 1, backingStore, blockSize: lu.blockSize });
          luns.push({ name: lu.name, type: 'disk', target: t.iqn, lun: lu.lun + 1, url: '', backingStore });
        } else if (lu.type === 'tape') {
          const backingStore = await tapeImage(lu, config, dir);
          specs.push({ lun: lu.lun + 1, backingStore, deviceType: 'tape' as const });
          luns.push({ name: lu.name, type: 'tape', target: t.iqn, lun: lu.lun + 1, url: '', backingStore });
        }
      }
      await tgtd.addTarget({
        tid: tid++,
        iqn: t.iqn,
        luns: specs,
        chap: t.chap?.users.map((u) => ({ user: u.user, password: u.secret })),
        mutualChap:
          t.chap?.mutual === undefined
            ? undefined
            : { user: t.chap.mutual.user, password: t.chap.mutual.secret },
        initiatorNames: t.acl,
      });
    }
    const portal = tgtd.portal;
    for (const l of luns) l.url = `iscsi://${portal}/${l.target}/${l.lun}`;
    const running = tgtd;
    let stopping: Promise<void> | undefined;
    return {
      tgtd: running,
      portal,
      luns,
      skipped,
      stop: () => {
        stopping ??= (async () => {
          await running.stop();
          if (ownsDir) await rm(dir, { recursive: true, force: true });
        })();
        return stopping;
      },
    };
  } catch (e) {
    await tgtd?.stop();
    if (ownsDir) await rm(dir, { recursive: true, force: true });
    throw e;
  }
}
