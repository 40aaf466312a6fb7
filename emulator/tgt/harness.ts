// Start and stop a private Linux SCSI target daemon (tgt's tgtd) for interop tests and the SAN
// emulator: free ports, targets with disk (backing file) and tape (tgtimg image, ssc backing store)
// LUNs, CHAP accounts, and a reliable stop (tgtd ignores SIGTERM while targets exist, so targets
// are deleted first, then the daemon is told to exit, then killed if it lingers).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const SEARCH_PATH = ['/usr/sbin', '/usr/local/sbin', '/sbin', '/usr/bin', '/usr/local/bin'];

/** Absolute path of a tgt program, or undefined when it is not installed. */
export function findProgram(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), ...SEARCH_PATH];
  for (const d of dirs) {
    const p = path.join(d, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Whether tgtd, tgtadm and tgtimg are installed. */
export function tgtAvailable(): boolean {
  return ['tgtd', 'tgtadm', 'tgtimg'].every((p) => findProgram(p) !== undefined);
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function run(file: string, args: string[], timeoutMs = 30000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err)
        reject(new Error(`${path.basename(file)} ${args.join(' ')} failed: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Make a tape cartridge image with tgtimg (data cartridge, size in MB). */
export async function createTapeImage(
  file: string,
  opts: { barcode: string; sizeMb: number },
): Promise<void> {
  const tgtimg = findProgram('tgtimg');
  if (!tgtimg) throw new Error('tgtimg is not installed');
  await run(tgtimg, [
    '--op',
    'new',
    '--device-type',
    'tape',
    '--type',
    'data',
    '--barcode',
    opts.barcode,
    '--size',
    String(opts.sizeMb),
    '--file',
    file,
  ]);
}

export interface LunSpec {
  lun: number;
  /** Backing file (disk image, or tape image for device type tape). */
  backingStore: string;
  deviceType?: 'disk' | 'tape';
  /** Block size for disk LUNs (tgt --blocksize). */
  blockSize?: number;
}

export interface ChapAccount {
  user: string;
  password: string;
}

/** One running tgtd with its control port and iSCSI portal on 127.0.0.1. */
export class Tgtd {
  private readonly targets = new Set<number>();
  private exited = false;
  private stopping?: Promise<void>;
  private readonly log: string[] = [];

  private constructor(
    private readonly proc: ChildProcess,
    /** tgtd control port (-C: names the management socket). */
    readonly controlPort: number,
    readonly portalPort: number,
    /** Private scratch directory, removed by stop(). */
    readonly workDir: string,
    private readonly tgtadmPath: string,
  ) {
    proc.on('exit', () => {
      this.exited = true;
    });
    const keep = (b: Buffer): void => {
      this.log.push(b.toString());
      if (this.log.length > 200) this.log.shift();
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
  }

  /** Process id of the daemon (tgtd runs in the foreground, -f: the spawned process itself). */
  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** Portal address for URLs: host:port. */
  get portal(): string {
    return `127.0.0.1:${this.portalPort}`;
  }

  /** Daemon output collected so far (for failure messages). */
  get output(): string {
    return this.log.join('');
  }

  /** Start tgtd on a free port; retries with another port if the first one is taken. */
  static async start(opts: { startTimeoutMs?: number } = {}): Promise<Tgtd> {
    const tgtd = findProgram('tgtd');
    const tgtadm = findProgram('tgtadm');
    if (!tgtd || !tgtadm) throw new Error('tgt (tgtd/tgtadm) is not installed: apt-get install tgt');
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freePort();
      // tgtd's -C takes 0..32767; it names a unix socket, not a TCP port. A clash with another
      // tgtd's control port makes tgtd exit, and the next attempt picks another one.
      const control = 1024 + randomInt(32767 - 1024);
      const workDir = await mkdtemp(path.join(tmpdir(), 'tgtd-'));
      const proc = spawn(tgtd, ['-f', '-C', String(control), '--iscsi', `portal=127.0.0.1:${port}`], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const d = new Tgtd(proc, control, port, workDir, tgtadm);
      try {
        await d.waitReady(opts.startTimeoutMs ?? 10000);
        return d;
      } catch (e) {
        lastError = e as Error;
        await d.kill();
        await rm(workDir, { recursive: true, force: true });
      }
    }
    throw new Error(`tgtd did not start: ${lastError?.message}`);
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`tgtd exited: ${this.output.trim()}`);
      const ok = await this.tgtadm(['--mode', 'system', '--op', 'show'], 2000).then(
        () => true,
        () => false,
      );
      if (ok && (await canConnect(this.portalPort))) return;
      await sleep(50);
    }
    throw new Error(`tgtd not ready within ${timeoutMs} ms: ${this.output.trim()}`);
  }

  /** Run tgtadm against this daemon (adds -C and, for iSCSI modes, --lld iscsi). */
  tgtadm(args: string[], timeoutMs = 30000): Promise<string> {
    const lld = args.includes('system') ? [] : ['--lld', 'iscsi'];
    return run(this.tgtadmPath, ['-C', String(this.controlPort), ...lld, ...args], timeoutMs);
  }

  /** Create a target with LUNs, bound to every initiator address, optionally with CHAP accounts. */
  async addTarget(opts: {
    tid: number;
    iqn: string;
    luns?: LunSpec[];
    /** Incoming account(s): the initiator must authenticate with one of them. */
    chap?: ChapAccount[];
    /** Outgoing account: the target proves itself with it (mutual CHAP). */
    mutualChap?: ChapAccount;
    /** ACL: only these initiator IQNs may log in (bound by name instead of every address). */
    initiatorNames?: string[];
  }): Promise<void> {
    await this.tgtadm([
      '--mode',
      'target',
      '--op',
      'new',
      '--tid',
      String(opts.tid),
      '--targetname',
      opts.iqn,
    ]);
    this.targets.add(opts.tid);
    for (const l of opts.luns ?? []) await this.addLun(opts.tid, l);
    for (const a of opts.chap ?? []) await this.addAccount(opts.tid, a, false);
    if (opts.mutualChap) await this.addAccount(opts.tid, opts.mutualChap, true);
    if (opts.initiatorNames !== undefined) {
      for (const name of opts.initiatorNames) {
        await this.tgtadm([
          '--mode',
          'target',
          '--op',
          'bind',
          '--tid',
          String(opts.tid),
          '--initiator-name',
          name,
        ]);
      }
      return;
    }
    await this.tgtadm([
      '--mode',
      'target',
      '--op',
      'bind',
      '--tid',
      String(opts.tid),
      '--initiator-address',
      'ALL',
    ]);
  }

  async addLun(tid: number, l: LunSpec): Promise<void> {
    const args = [
      '--mode',
      'logicalunit',
      '--op',
      'new',
      '--tid',
      String(tid),
      '--lun',
      String(l.lun),
      '--backing-store',
      l.backingStore,
    ];
    if (l.deviceType === 'tape') args.push('--device-type', 'tape', '--bstype', 'ssc');
    if (l.blockSize) args.push('--blocksize', String(l.blockSize));
    await this.tgtadm(args);
  }

  /** Create a CHAP account and bind it to a target (outgoing = the target's own credentials). */
  async addAccount(tid: number, a: ChapAccount, outgoing: boolean): Promise<void> {
    await this.tgtadm(['--mode', 'account', '--op', 'new', '--user', a.user, '--password', a.password]).catch(
      (e: Error) => {
        // Accounts are global to the daemon: the same user may already exist.
        if (!/exist/i.test(e.message)) throw e;
      },
    );
    const args = ['--mode', 'account', '--op', 'bind', '--tid', String(tid), '--user', a.user];
    if (outgoing) args.push('--outgoing');
    await this.tgtadm(args);
  }

  /** Change a target's iSCSI parameter (e.g. HeaderDigest=CRC32C,None, MaxRecvDataSegmentLength). */
  async setTargetParam(tid: number, name: string, value: string): Promise<void> {
    await this.tgtadm([
      '--mode',
      'target',
      '--op',
      'update',
      '--tid',
      String(tid),
      '--name',
      name,
      '--value',
      value,
    ]);
  }

  /** iSCSI session ids (sid) currently logged in to a target. */
  async sessions(tid: number): Promise<{ sid: number; cid: number; initiator: string }[]> {
    const out = await this.tgtadm(['--mode', 'conn', '--op', 'show', '--tid', String(tid)]);
    const res: { sid: number; cid: number; initiator: string }[] = [];
    let sid = -1;
    let cid = -1;
    for (const line of out.split('\n')) {
      const m = /^\s*Session:\s*(\d+)/.exec(line);
      if (m) sid = Number(m[1]);
      const c = /^\s*Connection:\s*(\d+)/.exec(line);
      if (c) cid = Number(c[1]);
      const i = /^\s*Initiator:\s*(\S+)/.exec(line);
      if (i && sid >= 0 && cid >= 0) res.push({ sid, cid, initiator: i[1] });
    }
    return res;
  }

  /** Drop an initiator's connection from the target side (tests of reconnection). */
  async dropConnection(tid: number, sid: number, cid: number): Promise<void> {
    await this.tgtadm([
      '--mode',
      'conn',
      '--op',
      'delete',
      '--tid',
      String(tid),
      '--sid',
      String(sid),
      '--cid',
      String(cid),
    ]);
  }

  /** Delete targets, tell tgtd to exit, kill it if it does not, remove the scratch directory. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    if (!this.exited) {
      for (const tid of this.targets) {
        await this.tgtadm(
          ['--mode', 'target', '--op', 'delete', '--force', '--tid', String(tid)],
          10000,
        ).catch(() => undefined);
      }
      this.targets.clear();
      await this.tgtadm(['--mode', 'system', '--op', 'delete'], 10000).catch(() => undefined);
      const deadline = Date.now() + 5000;
      while (!this.exited && Date.now() < deadline) await sleep(50);
      if (!this.exited) await this.kill();
    }
    await rm(this.workDir, { recursive: true, force: true });
  }

  private async kill(): Promise<void> {
    if (this.exited) return;
    this.proc.kill('SIGKILL');
    const deadline = Date.now() + 5000;
    while (!this.exited && Date.now() < deadline) await sleep(20);
  }
}
