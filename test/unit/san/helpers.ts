// Helpers of the SAN tests: the admin API over HTTP, `xcopyctl san up` as a child process, iSCSI
// transports with CDBs built by the cdb/ codecs, and small configurations.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeRead16, encodeWrite16 } from '../../../cdb/sbc/read-write16';
import { decodeSense } from '../../../cdb/spc/sense';
import { encodeRead6, encodeRewind, encodeWrite6, encodeWriteFilemarks6 } from '../../../cdb/ssc';
import { IscsiTransport, type IscsiTransportOptions } from '../../../targets/iscsi/initiator-transport';
import type { ScsiResult, ScsiTransport } from '../../../targets/transport';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const CLI = path.join(REPO, 'bin', 'xcopyctl.js');

const LOADED_AT = Date.now();
const BUILD_LOCK = path.join(os.tmpdir(), 'xcopy-san-tests-dist.lock');
const BUILD_STAMP = path.join(os.tmpdir(), 'xcopy-san-tests-dist.stamp');

/**
 * Build dist/ (`npx tsc -p tsconfig.build.json`) for tests that run the compiled CLI. Test files
 * running in parallel take turns (a lock directory), and a build that finished after this test
 * file was loaded is good enough for it.
 */
export async function buildDist(): Promise<void> {
  for (;;) {
    try {
      fs.mkdirSync(BUILD_LOCK);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // A lock older than 5 minutes belongs to a test run that died.
      if (Date.now() - fs.statSync(BUILD_LOCK).mtimeMs > 300000)
        fs.rmSync(BUILD_LOCK, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (fs.existsSync(BUILD_STAMP) && fs.statSync(BUILD_STAMP).mtimeMs >= LOADED_AT) return;
    await new Promise<void>((resolve, reject) =>
      execFile('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO }, (err) => {
        // Type errors in files being edited elsewhere still emit; only a missing CLI is fatal.
        if (err !== null && !fs.existsSync(path.join(REPO, 'dist', 'bin', 'cli.js')))
          reject(new Error(`tsc failed: ${err.message}`));
        else resolve();
      }),
    );
    fs.writeFileSync(BUILD_STAMP, String(Date.now()));
  } finally {
    fs.rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// ---- admin API ----------------------------------------------------------------------------------------

export interface AdminAnswer<T = unknown> {
  status: number;
  body: T;
}

export async function admin<T = unknown>(
  base: string,
  method: 'GET' | 'POST' | 'DELETE',
  p: string,
  body?: unknown,
): Promise<AdminAnswer<T>> {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** The admin call must answer `status` (default 200/201); returns the body. */
export async function adminOk<T = unknown>(
  base: string,
  method: 'GET' | 'POST' | 'DELETE',
  p: string,
  body?: unknown,
): Promise<T> {
  const a = await admin<T>(base, method, p, body);
  if (a.status !== 200 && a.status !== 201)
    throw new Error(`${method} ${p}: ${a.status} ${JSON.stringify(a.body)}`);
  return a.body;
}

// ---- san up as a child process ------------------------------------------------------------------------------

export interface ReadyLine {
  portal: string;
  admin: string;
  luns: { name: string; type: string; url: string; naa: string }[];
}

export interface SanChild {
  child: ChildProcess;
  ready: ReadyLine;
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Start `node bin/xcopyctl.js san up ARGS` (dist must be built) and wait for its ready line. */
export function spawnSan(args: string[], timeoutMs = 30000): Promise<SanChild> {
  const child = spawn(process.execPath, [CLI, 'san', 'up', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, XCOPY_LOG_LEVEL: 'warn' },
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (b: Buffer) => stderr.push(b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no ready line within ${timeoutMs} ms: ${stderr.join('')}`));
    }, timeoutMs);
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      try {
        resolve({ child, ready: JSON.parse(out.slice(0, nl)) as ReadyLine, stderr, exited });
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`san up exited (${code ?? signal}) before it was ready: ${stderr.join('')}`));
    });
  });
}

/** Whether a process id is still alive (signal 0 probes it). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// ---- iSCSI -----------------------------------------------------------------------------------------------

export async function openLu(url: string, opts: IscsiTransportOptions = {}): Promise<IscsiTransport> {
  return IscsiTransport.open(url, { nopIntervalMs: 0, ...opts });
}

/** Send TEST UNIT READY until no unit attention is reported. */
export async function drainUnitAttentions(t: ScsiTransport): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const r = await t.execute({ cdb: Buffer.alloc(6) });
    if (r.status !== 2 || decodeSense(r.sense).senseKey !== 0x06) return;
  }
  throw new Error('unit attentions do not clear');
}

export interface SenseFields {
  key: number;
  asc: number;
  ascq: number;
  information?: bigint;
  filemark: boolean;
  eom: boolean;
  ili: boolean;
}

export function senseOf(r: ScsiResult): SenseFields {
  expect(r.status).toBe(2);
  const s = decodeSense(r.sense);
  const out: SenseFields = {
    key: s.senseKey,
    asc: s.asc,
    ascq: s.ascq,
    filemark: s.filemark,
    eom: s.eom,
    ili: s.ili,
  };
  if (s.information !== undefined) out.information = s.information;
  return out;
}

export function read16(lba: number, blocks: number): Buffer {
  return encodeRead16({
    rdprotect: 0,
    dpo: false,
    fua: false,
    rarc: false,
    logicalBlockAddress: BigInt(lba),
    transferLength: blocks,
    groupNumber: 0,
    control: 0,
  });
}

export function write16(lba: number, blocks: number): Buffer {
  return encodeWrite16({
    wrprotect: 0,
    dpo: false,
    fua: false,
    logicalBlockAddress: BigInt(lba),
    transferLength: blocks,
    groupNumber: 0,
    control: 0,
  });
}

export function tapeWrite(length: number): Buffer {
  return encodeWrite6({ fixed: false, transferLength: length, control: 0 });
}

export function tapeRead(length: number): Buffer {
  return encodeRead6({ sili: false, fixed: false, transferLength: length, control: 0 });
}

export const REWIND = encodeRewind({ immed: false, control: 0 });

export function writeFilemarks(n: number): Buffer {
  return encodeWriteFilemarks6({ wsmk: false, immed: false, filemarkCount: n, control: 0 });
}

/** Recognisable block `i` of a stream: its index in the first 8 bytes, then a fill derived from it. */
export function streamBlock(i: number, length: number, seed = 0): Buffer {
  const b = Buffer.alloc(length, (i * 31 + seed) & 0xff);
  b.writeUInt32BE(i, 0);
  b.writeUInt32BE(seed, 4);
  return b;
}

/** Bytes with a tag so every write of a test is distinguishable. */
export function filled(length: number, tag: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i += 4) b.writeUInt32BE(((tag << 20) ^ i) >>> 0, i);
  return b;
}
