// node-scsi-passthrough-shim end to end: the real addon issues real ioctl(SG_IO) calls from libuv
// worker threads; an LD_PRELOAD interposer (test/sgio/interposer.c) stands in for the kernel's sg
// driver and forwards each CDB to an emulated LU served by this test process.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildInterposer, InterposerServer } from '../sgio/harness';
import { patternByte, ScriptedLu } from '../sgio/scripted-lu';

interface Shaped {
  status: number;
  maskedStatus: number;
  hostStatus: number;
  driverStatus: number;
  info: number;
  ok: boolean;
  sense: string;
  dataIn: string;
  resid: number;
  durationMs: number;
  elapsedMs: number;
}
interface Err {
  name: string;
  code?: string;
  errno?: number;
  syscall?: string;
  message: string;
  isSgError: boolean;
}
interface ChildOut {
  version: number;
  probe: { isSg: boolean; version?: number };
  probeNotSg: { isSg: boolean; code?: string; reason?: string };
  inquiry: Shaped;
  write: Shaped;
  read: Shaped;
  readMatches: boolean;
  underrun: Shaped;
  overrun: Shaped;
  longSense: Shaped;
  fullSense: Shaped;
  noData: Shaped;
  timeout: Shaped;
  slow: Shaped;
  ticksDuringSlow: number;
  concurrent: { i: number; len: number; dev: string; dataIn: string; resid: number; status: number }[];
  errNoEnt: Err;
  errNotSg: Err;
  errDevNull: Err;
  errClosed: Err;
  errBadCdb: Err;
  errEmptyCdb: Err;
  errBadDirection: Err;
  errDataOutMissing: Err;
  errSenseTooBig: Err;
}

function pattern(n: number): string {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = patternByte(i);
  return b.toString('hex');
}

describe('SG_IO addon through the interposer', () => {
  let dir: string;
  let server: InterposerServer;
  let out: ChildOut;
  const devs: string[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sgio-'));
    const so = buildInterposer(dir);
    for (const n of ['sgA', 'sgB', 'sgC', 'sgD', 'plain']) {
      const p = path.join(dir, n);
      fs.writeFileSync(p, '');
      devs.push(p);
    }
    const map = new Map(devs.slice(0, 4).map((p) => [p, new ScriptedLu()] as const));
    server = new InterposerServer(dir, map);
    await server.start();
    const child = spawn(
      process.execPath,
      [path.join(__dirname, '..', 'sgio', 'child-scenarios.js'), JSON.stringify(devs)],
      {
        env: {
          ...process.env,
          LD_PRELOAD: so,
          SGIO_INTERPOSE_DEVICES: devs.slice(0, 4).join(':'),
          SGIO_INTERPOSE_SOCKET: server.socketPath,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`child exited ${code}: ${stderr}`);
    out = JSON.parse(stdout) as ChildOut;
  }, 60000);

  afterAll(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('opens an sg device and reports the driver version', () => {
    expect(out.version).toBe(30536);
    expect(out.probe).toEqual({ isSg: true, version: 30536 });
    expect(out.probeNotSg.isSg).toBe(false);
    expect(out.probeNotSg.code).toBe('ENOTTY');
  });

  it('data-in with underrun: bytes, status and residual', () => {
    const inq = Buffer.from(out.inquiry.dataIn, 'hex');
    expect(inq).toHaveLength(36);
    expect(inq.toString('latin1', 8, 16)).toBe('SCRIPTED');
    expect(out.inquiry.resid).toBe(60);
    expect(out.inquiry.status).toBe(0);
    expect(out.inquiry.ok).toBe(true);
    expect(out.underrun.dataIn).toBe(pattern(100));
    expect(out.underrun.resid).toBe(412);
  });

  it('data-out then data-in round trip', () => {
    expect(out.write.status).toBe(0);
    expect(out.write.resid).toBe(0);
    expect(out.readMatches).toBe(true);
    expect(out.read.resid).toBe(0);
    expect(server.seen.some((s) => s.cdb[0] === 0x2a)).toBe(true);
  });

  it('overrun: data truncated to the buffer, residual 0', () => {
    expect(out.overrun.dataIn).toBe(pattern(512));
    expect(out.overrun.resid).toBe(0);
  });

  it('sense longer than the sense buffer is truncated; status fields set', () => {
    expect(out.longSense.status).toBe(2);
    expect(out.longSense.maskedStatus).toBe(1);
    expect(out.longSense.driverStatus & 0x08).toBe(0x08);
    expect(out.longSense.ok).toBe(false);
    const s = Buffer.from(out.longSense.sense, 'hex');
    expect(s).toHaveLength(18);
    expect([s[0], s[1], s[2], s[7]]).toEqual([0x72, 0x03, 0x11, 88]);
    expect(Buffer.from(out.fullSense.sense, 'hex')).toHaveLength(96);
  });

  it('no-data commands', () => {
    expect(out.noData.status).toBe(0);
    expect(out.noData.dataIn).toBe('');
    expect(out.noData.sense).toBe('');
  });

  it('a timeout comes back as DID_TIME_OUT; the event loop keeps running during a command', () => {
    expect(out.timeout.hostStatus).toBe(0x03);
    expect(out.timeout.ok).toBe(false);
    expect(out.timeout.durationMs).toBeGreaterThanOrEqual(190);
    expect(out.timeout.durationMs).toBeLessThan(1400);
    expect(out.slow.dataIn).toBe(pattern(16));
    expect(out.ticksDuringSlow).toBeGreaterThan(5);
  });

  it('concurrent commands on one fd and on several all return their own data', () => {
    expect(out.concurrent).toHaveLength(32);
    for (const c of out.concurrent) {
      expect(c.status).toBe(0);
      expect(c.resid).toBe(0);
      expect(c.dataIn).toBe(pattern(c.len));
    }
    expect(new Set(out.concurrent.map((c) => c.dev)).size).toBe(4);
  });

  it('typed errors with errno and code', () => {
    expect(out.errNoEnt).toMatchObject({
      name: 'SgError',
      code: 'ENOENT',
      errno: os.constants.errno.ENOENT,
      syscall: 'open',
      isSgError: true,
    });
    expect(out.errNotSg).toMatchObject({ code: 'ENOTTY', syscall: 'ioctl(SG_GET_VERSION_NUM)' });
    expect(out.errNotSg.message).toContain('not a SCSI generic device');
    expect(out.errDevNull).toMatchObject({ code: 'ENOTTY' });
    expect(out.errDevNull.message).toBe('/dev/null: not a SCSI generic device (ENOTTY)');
    expect(out.errClosed).toMatchObject({ code: 'EBADF' });
    expect(out.errBadCdb).toMatchObject({ name: 'TypeError' });
    expect(out.errEmptyCdb).toMatchObject({ name: 'RangeError' });
    expect(out.errBadDirection).toMatchObject({ name: 'TypeError' });
    expect(out.errDataOutMissing).toMatchObject({ name: 'TypeError' });
    expect(out.errSenseTooBig).toMatchObject({ name: 'RangeError' });
  });
});
