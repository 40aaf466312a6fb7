// `xcopyctl conformance` against the router mover: its copy manager LU (a processor LU) reaches a
// disk, a tape and a restore disk served by another iSCSI target in this process, through our
// initiator. Every check the router advertises must pass; the restore disk's WRITEs are slowed so
// that the progress check sees a copy running.
import fs from 'node:fs';
import { main } from '../../bin/cli';
import { createRamDisk } from '../../emulator/devices/disk';
import type { TapeDevice } from '../../emulator/devices/tape';
import { FaultInjectingLu } from '../../emulator/faults/fault-lu';
import type { IscsiTargetServer } from '../../emulator/iscsi/server';
import { setLogLevel } from '../../emulator/log';
import { parseRouterConfig, startRouterMover, type RunningRouter } from '../../emulator/router';
import { ALL_CHECKS, type ConformanceReport } from '../../src/conformance';
import { MiB, serveLus, tapeDrive, tempDir } from './router-support';

jest.setTimeout(120000);
setLogLevel('error');

const MOVER_TARGET = 'iqn.2024-01.test.router:conformance-mover';
const LUS = 'iqn.2024-01.test.router:conformance-lus';
const ROUTER_INITIATOR = 'iqn.2024-01.test.router:conformance-router';

describe('xcopyctl conformance against the router mover', () => {
  let dir: string;
  let tape: TapeDevice;
  let backend: { server: IscsiTargetServer; portal: string };
  let router: RunningRouter;

  beforeAll(async () => {
    dir = tempDir('router-conformance-');
    tape = tapeDrive(dir, 'rconf-tape0');
    const disk = createRamDisk({ identity: { id: 'rconf-disk' }, sizeBytes: 32 * MiB });
    const restore = new FaultInjectingLu(
      createRamDisk({ identity: { id: 'rconf-restore' }, sizeBytes: 32 * MiB }),
    );
    restore.addFault({ kind: 'delay', opcodes: [0x2a, 0x8a], ms: 40 });
    backend = await serveLus(LUS, [disk, tape, restore]);
    router = await startRouterMover(
      parseRouterConfig({
        portal: '127.0.0.1:0',
        target: MOVER_TARGET,
        initiatorName: ROUTER_INITIATOR,
        backends: [{ name: 'lus', portal: backend.portal }],
      }),
    );
  });

  afterAll(async () => {
    await router?.stop({ graceMs: 200 });
    await backend?.server.close({ graceMs: 100 });
    await tape?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('every check passes', async () => {
    const lu = (n: number): string => `iscsi://${backend.portal}/${LUS}/${n}`;
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      [
        'conformance',
        `iscsi://${router.ready.portal}/${MOVER_TARGET}/0`,
        '--disk',
        lu(0),
        '--tape',
        lu(1),
        '--restore',
        lu(2),
        '--json',
      ],
      { out: (l) => out.push(l), err: (l) => err.push(l) },
    );
    expect(err).toEqual([]);
    const report = JSON.parse(out[0]) as ConformanceReport;
    expect(report.checks.filter((c) => c.result !== 'pass')).toEqual([]);
    expect(report.summary).toEqual({ pass: ALL_CHECKS.length, fail: 0, skipNotAdvertised: 0 });
    expect(report.mover).toMatchObject({ threePc: true });
    expect(code).toBe(0);
  });
});
