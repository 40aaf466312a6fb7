// `xcopyctl san up` as a child process (the compiled CLI): the default SAN's ready line, every LU
// answering INQUIRY over iSCSI with its configured device type and the NAA of the ready line, the
// vol1 pattern readable over iSCSI, a clean exit on SIGTERM that leaves no process and no temporary
// directory, NAA identifiers and data that survive a restart on the same --dir, and bad input.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseDeviceIdentification } from '../../emulator/mover/designators';
import { vol1Spec, verifyPatternVolume } from '../../emulator/disk/vol1';
import { runCommand } from '../../targets/command';
import {
  alive,
  CLI,
  openLu,
  read16,
  buildDist,
  spawnSan,
  tempDir,
  write16,
  filled,
  adminOk,
  type SanChild,
} from '../unit/san/helpers';

jest.setTimeout(120000);

const DEVICE_TYPES: Record<string, number> = { disk: 0, tape: 1, processor: 3, changer: 8, snapshot: 0 };

// The CLI runs from dist/: build it (npx tsc -p tsconfig.build.json) first.
beforeAll(() => buildDist(), 300000);

async function stopChild(s: SanChild): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  s.child.kill('SIGTERM');
  return s.exited;
}

/** The NAA designator (type 3) of VPD page 83h, hex. */
async function naaOf(url: string): Promise<{ type: number; naa: string; thirdPartyCopy: boolean }> {
  const t = await openLu(url);
  try {
    const std = await runCommand(t, { cdb: Buffer.from([0x12, 0, 0, 0, 96, 0]), dataInLength: 96 });
    const vpd = await runCommand(t, { cdb: Buffer.from([0x12, 1, 0x83, 0, 255, 0]), dataInLength: 255 });
    const naa = parseDeviceIdentification(vpd.dataIn).find(
      (d) => d.designatorType === 3 && d.association === 0,
    );
    return {
      type: std.dataIn[0] & 0x1f,
      naa: naa?.designator.toString('hex') ?? '',
      thirdPartyCopy: (std.dataIn[5] & 0x08) !== 0,
    };
  } finally {
    await t.close();
  }
}

describe('xcopyctl san up (child process)', () => {
  it('default SAN: ready line, INQUIRY on every LU, the vol1 pattern, SIGTERM exits 0 and leaves nothing', async () => {
    const s = await spawnSan([]);
    const pid = s.child.pid as number;
    let dataDir: string | undefined;
    try {
      expect(s.ready.portal).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(s.ready.admin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(s.ready.luns.map((l) => [l.name, l.type])).toEqual([
        ['vol1', 'disk'],
        ['restore1', 'disk'],
        ['tape0', 'tape'],
        ['changer0', 'changer'],
        ['copymgr0', 'processor'],
      ]);
      const naas = new Set<string>();
      for (const [i, lu] of s.ready.luns.entries()) {
        expect(lu.url).toBe(`iscsi://${s.ready.portal}/iqn.2024-01.io.xcopy:san/${i}`);
        expect(lu.naa).toMatch(/^6[0-9a-f]{31}$/);
        naas.add(lu.naa);
        const got = await naaOf(lu.url);
        expect(got.type).toBe(DEVICE_TYPES[lu.type]);
        expect(got.naa).toBe(lu.naa);
        // Every LU of the default SAN hosts a copy manager (3PC=1).
        expect(got.thirdPartyCopy).toBe(true);
      }
      expect(naas.size).toBe(5);
      // vol1 holds the recognisable pattern: a pattern run, a deallocated hole, the mapped zeros.
      const spec = vol1Spec();
      const t = await openLu(s.ready.luns[0].url);
      for (const lba of [0, 96 * 2048 - 8, 200 * 2048 - 4, 240 * 2048]) {
        const r = await runCommand(t, { cdb: read16(lba, 16), dataInLength: 16 * 512 });
        expect(r.dataIn.length).toBe(16 * 512);
        expect(verifyPatternVolume(spec, BigInt(lba), r.dataIn)).toBeUndefined();
      }
      await t.close();
      // The temporary data directory holds the images while the SAN runs.
      dataDir = (await adminOk<{ dataDir: string }>(s.ready.admin, 'GET', '/')).dataDir;
      expect(fs.existsSync(path.join(dataDir, 'vol1.img'))).toBe(true);
    } finally {
      const { code, signal } = await stopChild(s);
      expect(signal).toBeNull();
      expect(code).toBe(0);
    }
    expect(alive(pid)).toBe(false);
    if (dataDir === undefined) throw new Error('GET / gave no data directory');
    expect(fs.existsSync(dataDir)).toBe(false);
    expect(s.stderr.join('')).not.toMatch(/error/i);
  });

  it('with --dir: NAA identifiers and written data survive a restart; the directory stays', async () => {
    const dir = tempDir('san-up-dir-');
    try {
      const config = path.join(dir, 'san.json');
      fs.writeFileSync(
        config,
        JSON.stringify({
          cartridges: [{ barcode: 'R00001', capacity: '8M' }],
          targets: [
            {
              iqn: 'iqn.2024-01.test.san:restart',
              luns: [
                { name: 'd0', type: 'disk', size: '4M' },
                { name: 't0', type: 'tape', cartridge: 'R00001' },
                { name: 'cm', type: 'processor' },
              ],
            },
          ],
        }),
      );
      const data = path.join(dir, 'data');
      const first = await spawnSan(['--config', config, '--dir', data, '--portal', '127.0.0.1:0']);
      const bytes = filled(8 * 512, 7);
      const t = await openLu(first.ready.luns[0].url);
      await runCommand(t, { cdb: write16(100, 8), dataOut: bytes });
      await t.close();
      await adminOk(first.ready.admin, 'POST', '/luns/d0/snapshots', { name: 'keep' });
      expect((await stopChild(first)).code).toBe(0);
      expect(fs.existsSync(path.join(data, 'd0.img'))).toBe(true);

      const second = await spawnSan(['--config', config, '--dir', data]);
      try {
        // The snapshot taken through the admin API comes back as an LU after the configured ones.
        expect(second.ready.luns.map((l) => [l.name, l.type])).toEqual([
          ['d0', 'disk'],
          ['t0', 'tape'],
          ['cm', 'processor'],
          ['d0@keep', 'snapshot'],
        ]);
        expect(second.ready.luns.slice(0, 3).map((l) => l.naa)).toEqual(first.ready.luns.map((l) => l.naa));
        for (const lu of second.ready.luns) expect((await naaOf(lu.url)).naa).toBe(lu.naa);
        for (const url of [second.ready.luns[0].url, second.ready.luns[3].url]) {
          const t2 = await openLu(url);
          const r = await runCommand(t2, { cdb: read16(100, 8), dataInLength: 8 * 512 });
          expect(r.dataIn.equals(bytes)).toBe(true);
          await t2.close();
        }
      } finally {
        expect((await stopChild(second)).code).toBe(0);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad input: one line on stderr, exit code 2, no ready line', () => {
    const dir = tempDir('san-up-bad-');
    try {
      const bad = path.join(dir, 'bad.json');
      fs.writeFileSync(
        bad,
        JSON.stringify({
          targets: [{ iqn: 'iqn.2024-01.test:x', luns: [{ name: 'd', type: 'disk', size: '12Q' }] }],
        }),
      );
      for (const args of [
        ['--config', bad],
        ['--config', path.join(dir, 'missing.json')],
        ['--portal', 'a:b:c'],
        ['--config', bad, '--size', '1M'],
      ]) {
        const r = spawnSync(process.execPath, [CLI, 'san', 'up', ...args], {
          encoding: 'utf8',
          timeout: 30000,
        });
        expect(r.status).toBe(2);
        expect(r.stdout).toBe('');
        const lines = r.stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^xcopyctl: /);
      }
      const r = spawnSync(process.execPath, [CLI, 'san', 'up', '--config', bad], { encoding: 'utf8' });
      expect(r.stderr).toContain('targets[0].luns[0].size: "12Q" is not a size');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
