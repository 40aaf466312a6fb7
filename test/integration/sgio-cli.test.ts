// The CLI verbs on a SCSI generic device path: the real addon and SgioTransport, with the
// LD_PRELOAD interposer standing in for the kernel's sg driver and an emulated RAM disk behind it.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRamDisk } from '../../emulator/devices/disk';
import { buildInterposer, InterposerServer } from '../sgio/harness';

const launcher = path.join(__dirname, '..', '..', 'bin', 'xcopyctl.js');

describe('xcopyctl on an SG_IO device', () => {
  let dir: string;
  let so: string;
  let dev: string;
  let server: InterposerServer;

  function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [launcher, ...args], {
      env: {
        ...process.env,
        LD_PRELOAD: so,
        SGIO_INTERPOSE_DEVICES: dev,
        SGIO_INTERPOSE_SOCKET: server.socketPath,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sgio-cli-'));
    so = buildInterposer(dir);
    dev = path.join(dir, 'sg7');
    fs.writeFileSync(dev, '');
    const disk = createRamDisk({
      identity: { id: 'sgio-cli-disk', serial: 'SGIO0001' },
      sizeBytes: 8 * 1024 * 1024,
    });
    server = new InterposerServer(dir, new Map([[dev, disk]]));
    await server.start();
  }, 60000);

  afterAll(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('inquiry decodes the standard data of the emulated disk', async () => {
    const r = await cli(['inquiry', '--json', dev]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as { peripheralDeviceType: number; version: number };
    expect(d.peripheralDeviceType).toBe(0);
    expect(d.version).toBeGreaterThanOrEqual(5);
    expect(server.seen.some((s) => s.cdb[0] === 0x12)).toBe(true);
  });

  it('inquiry --vpd 0x83 --hex prints the raw page', async () => {
    const r = await cli(['inquiry', '--vpd', '0x83', '--hex', dev]);
    expect(r.code).toBe(0);
    const bytes = Buffer.from(r.stdout.trim().replace(/ /g, ''), 'hex');
    expect(bytes[1]).toBe(0x83);
    expect(bytes.readUInt16BE(2)).toBe(bytes.length - 4);
    // First descriptor: binary NAA, LU association, 16-byte NAA-6.
    expect([bytes[4] & 0x0f, bytes[5] & 0x3f, bytes[7], bytes[8] >> 4]).toEqual([1, 0x03, 16, 6]);
  });

  it('readcap reports the capacity', async () => {
    const r = await cli(['readcap', '--json', dev]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ blocks: '16384', blockLength: 512, bytes: '8388608' });
  });

  it('discover --device lists it', async () => {
    const r = await cli(['discover', '--device', dev, '--json']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as {
      devices: { address: string; deviceTypeName: string; serial: string }[];
    };
    expect(d.devices).toEqual([
      expect.objectContaining({ address: dev, deviceTypeName: 'disk', serial: 'SGIO0001' }),
    ]);
  });

  it('a path that is not an sg device is a one-line error naming it, exit code 2', async () => {
    const r = await cli(['inquiry', '/dev/null']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('xcopyctl: /dev/null: not a SCSI generic device (ENOTTY)\n');
    const plain = path.join(dir, 'plainfile');
    fs.writeFileSync(plain, '');
    const r2 = await cli(['readcap', plain]);
    expect(r2.code).toBe(2);
    expect(r2.stderr.trim().split('\n')).toHaveLength(1);
    expect(r2.stderr).toContain('not a SCSI generic device');
    const r3 = await cli(['inquiry', '/no/such/sg9']);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toBe('xcopyctl: /no/such/sg9: no such device (ENOENT)\n');
  });
});
