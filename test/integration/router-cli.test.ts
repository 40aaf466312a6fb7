// `xcopyctl mover serve` and `xcopyctl mover config` in-process: the ready line, a copy manager LU
// (processor device, 3PC) that copies between two backends, a clean stop on SIGTERM / SIGINT, and
// configuration errors reported with their JSON path (exit code 2).
import fs from 'node:fs';
import path from 'node:path';
import { main } from '../../bin/cli';
import { encodeRead16, encodeWrite16 } from '../../cdb/sbc/read-write16';
import { createRamDisk, type DiskDevice } from '../../emulator/devices/disk';
import type { IscsiTargetServer } from '../../emulator/iscsi/server';
import { parseRouterConfig } from '../../emulator/router';
import { InProcessTransport } from '../../targets/inprocess-transport';
import {
  blockToBlock,
  clearUnitAttentions,
  CopyManagerClient,
  e4,
  expectGood,
  MiB,
  parameterList,
  pattern,
  serveLus,
  tempDir,
} from './router-support';

interface Ready {
  portal: string;
  target: string;
  luns: Array<{ lun: number; type: string; naa: string }>;
  backends: Array<{ url: string; naa: string | null; type: string; backend: string }>;
}

function startCli(args: string[]): { done: Promise<number>; ready: Promise<Ready>; err: string[] } {
  const err: string[] = [];
  let resolveReady: (r: Ready) => void = () => undefined;
  const ready = new Promise<Ready>((resolve) => {
    resolveReady = resolve;
  });
  const done = main(['mover', ...args], {
    out: (line) => resolveReady(JSON.parse(line) as Ready),
    err: (line) => err.push(line),
  });
  return { done, ready, err };
}

async function run(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['mover', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

const nexus = {
  initiatorPort: 'iqn.2024-01.test.router-cli:local,i,0x00023d000001',
  initiatorName: 'iqn.2024-01.test.router-cli:local',
  targetPort: 'iqn.2024-01.test.router-cli:t,t,0x0001',
  relativeTargetPort: 1,
};

describe('xcopyctl mover', () => {
  let dir: string;
  let a: DiskDevice;
  let b: DiskDevice;
  let backendA: { server: IscsiTargetServer; portal: string };
  let backendB: { server: IscsiTargetServer; portal: string };
  const data = pattern(MiB, 3);

  beforeAll(async () => {
    dir = tempDir('router-cli-');
    a = createRamDisk({ identity: { id: 'cli-a' }, sizeBytes: 4 * MiB });
    b = createRamDisk({ identity: { id: 'cli-b' }, sizeBytes: 4 * MiB });
    const t = new InProcessTransport(a, { nexus });
    await clearUnitAttentions(t);
    const cdb = encodeWrite16({
      wrprotect: 0,
      dpo: false,
      fua: false,
      logicalBlockAddress: 0n,
      transferLength: data.length / 512,
      groupNumber: 0,
      control: 0,
    });
    expectGood(await t.execute({ cdb, dataOut: data }), 'WRITE(16)');
    backendA = await serveLus('iqn.2024-01.test.router-cli:a', [a]);
    backendB = await serveLus('iqn.2024-01.test.router-cli:b', [b]);
  });

  afterAll(async () => {
    await backendA?.server.close({ graceMs: 100 });
    await backendB?.server.close({ graceMs: 100 });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serve --config: one JSON line, a processor LU with 3PC, copies between backends, stops on SIGTERM', async () => {
    const file = path.join(dir, 'mover.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        target: 'iqn.2024-01.test.router-cli:mover',
        backends: [
          { name: 'a', portal: backendA.portal },
          { name: 'b', portal: backendB.portal },
        ],
      }),
    );
    const cli = startCli(['serve', '--config', file, '--portal', '127.0.0.1:0', '--log-level', 'silent']);
    const ready = await cli.ready;
    expect(ready.portal).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(ready.target).toBe('iqn.2024-01.test.router-cli:mover');
    expect(ready.luns).toHaveLength(1);
    expect(ready.luns[0]).toMatchObject({ lun: 0, type: 'processor' });
    expect(ready.luns[0].naa).toMatch(/^6[0-9a-f]{31}$/);
    expect(ready.backends).toEqual([
      {
        url: `iscsi://${backendA.portal}/iqn.2024-01.test.router-cli:a/0`,
        naa: a.identity.naa.toString('hex'),
        type: 'disk',
        backend: 'a',
      },
      {
        url: `iscsi://${backendB.portal}/iqn.2024-01.test.router-cli:b/0`,
        naa: b.identity.naa.toString('hex'),
        type: 'disk',
        backend: 'b',
      },
    ]);

    const cm = await CopyManagerClient.open(
      `iscsi://${ready.portal}/${ready.target}/0`,
      'iqn.2024-01.test.router-cli:host',
    );
    // Standard INQUIRY: peripheral device type 03h (processor), byte 5 bit 3 = 3PC.
    const inq = await cm.t.execute({ cdb: Buffer.from([0x12, 0, 0, 0, 36, 0]), dataInLength: 36 });
    expect(inq.dataIn[0]).toBe(0x03);
    expect(inq.dataIn[5] & 0x08).toBe(0x08);
    const list = parameterList({
      listIdentifier: 9,
      targets: [e4(a.identity.naa.toString('hex'), 0), e4(b.identity.naa.toString('hex'), 0)],
      segments: [blockToBlock(0, 1, data.length / 512, 0n, 2048n)],
    });
    expectGood(await cm.extendedCopy(list), 'EXTENDED COPY');
    await cm.close();
    const t = new InProcessTransport(b, { nexus });
    await clearUnitAttentions(t);
    const r = await t.execute({
      cdb: encodeRead16({
        rdprotect: 0,
        dpo: false,
        fua: false,
        rarc: false,
        logicalBlockAddress: 2048n,
        transferLength: data.length / 512,
        groupNumber: 0,
        control: 0,
      }),
      dataInLength: data.length,
    });
    expect(r.dataIn.equals(data)).toBe(true);

    process.emit('SIGTERM');
    expect(await cli.done).toBe(0);
    expect(cli.err).toEqual([]);
  });

  it('serve --backend (quick mode) stops on SIGINT', async () => {
    const cli = startCli([
      'serve',
      '--backend',
      backendA.portal,
      '--portal',
      '127.0.0.1:0',
      '--log-level',
      'silent',
    ]);
    const ready = await cli.ready;
    expect(ready.target).toBe('iqn.2024-01.io.xcopy:mover');
    expect(ready.backends.map((x) => x.backend)).toEqual(['backend0']);
    process.emit('SIGINT');
    expect(await cli.done).toBe(0);
  });

  it('refuses a missing or invalid configuration with exit code 2 and the JSON path of the problem', async () => {
    expect(await run(['serve'])).toMatchObject({
      code: 2,
      err: ['xcopyctl: name the backends: --config FILE or --backend HOST[:PORT]'],
    });
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(
      bad,
      JSON.stringify({ backends: [{ portal: '127.0.0.1:3260', chap: { user: 'x', secret: 'short' } }] }),
    );
    const r = await run(['serve', '--config', bad]);
    expect(r.code).toBe(2);
    expect(r.err).toEqual([`xcopyctl: ${bad}: $.backends[0].chap.secret: must be at least 12 bytes`]);
    fs.writeFileSync(
      bad,
      JSON.stringify({ backends: [{ portal: '127.0.0.1' }], mover: { pipeline: { readAhead: 0 } } }),
    );
    expect((await run(['serve', '--config', bad])).err).toEqual([
      `xcopyctl: ${bad}: $.mover: readAhead must be an integer in 1..64, got 0`,
    ]);
    fs.writeFileSync(bad, JSON.stringify({ backends: [{ portal: '127.0.0.1', allow: ['not an iqn'] }] }));
    expect((await run(['serve', '--config', bad])).err).toEqual([
      `xcopyctl: ${bad}: $.backends[0].allow[0]: "not an iqn" is not an iSCSI name`,
    ]);
    expect((await run(['serve', '--config', path.join(dir, 'missing.json')])).code).toBe(2);
    expect((await run(['serve', '--config', bad, '--backend', '127.0.0.1'])).code).toBe(2);
  });

  it('config prints an example that parses, and --config prints a file normalized', async () => {
    const example = await run(['config']);
    expect(example.code).toBe(0);
    const parsed = parseRouterConfig(JSON.parse(example.out.join('\n')) as unknown);
    expect(parsed.backends.map((x) => `${x.name}@${x.host}:${x.port}`)).toEqual([
      'tgt@127.0.0.1:3261',
      'san@127.0.0.1:3262',
    ]);
    expect(parsed.backends[1].allow).toEqual(['iqn.2024-01.io.xcopy:backup-server', 'chap:backup']);
    const file = path.join(dir, 'small.json');
    fs.writeFileSync(file, JSON.stringify({ backends: [{ portal: '10.0.0.9' }] }));
    const shown = await run(['config', '--config', file]);
    expect(JSON.parse(shown.out.join('\n'))).toEqual({
      portal: { host: '127.0.0.1', port: 3260 },
      target: 'iqn.2024-01.io.xcopy:mover',
      copyManagerId: 'router-mover',
      initiatorName: 'iqn.2024-01.io.xcopy:router-mover',
      mover: {},
      backends: [{ name: 'backend0', host: '10.0.0.9', port: 3260 }],
    });
  });
});
