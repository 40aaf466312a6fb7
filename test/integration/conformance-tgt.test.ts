// `xcopyctl conformance` against tgt (Linux SCSI target framework, started privately): its disk LU
// has no copy manager (no 3PC, no EXTENDED COPY), so the run must report the gaps -- every check
// fails with the sense tgt answered or is reported not advertised -- and exit with code 1, without
// crashing. The disk and tape LUs themselves are usable. In CI (CI=true) a missing tgt is a failure.
import { open, truncate } from 'node:fs/promises';
import * as path from 'node:path';
import { main } from '../../bin/cli';
import { createTapeImage, Tgtd } from '../../emulator/tgt/harness';
import { ALL_CHECKS, type ConformanceReport } from '../../src/conformance';
import { describeWithTgt } from '../interop/tools';

const IQN = 'iqn.2024-01.dev.xcopy-backup:tgt-conformance';
const DISK_BYTES = 32 * 1024 * 1024;

const suite = describeWithTgt('conformance-tgt tests');

suite('xcopyctl conformance against tgt (no copy manager)', () => {
  let tgtd: Tgtd;

  beforeAll(async () => {
    tgtd = await Tgtd.start();
    const diskFile = path.join(tgtd.workDir, 'disk.img');
    const tapeFile = path.join(tgtd.workDir, 'tape.img');
    await (await open(diskFile, 'w')).close();
    await truncate(diskFile, DISK_BYTES);
    await createTapeImage(tapeFile, { barcode: 'CONF01', sizeMb: 64 });
    await tgtd.addTarget({
      tid: 1,
      iqn: IQN,
      luns: [
        { lun: 1, backingStore: diskFile },
        { lun: 2, backingStore: tapeFile, deviceType: 'tape' },
      ],
    });
  }, 60000);

  afterAll(async () => {
    await tgtd?.stop();
  }, 60000);

  it('reports every gap with the sense tgt answered and exits with code 1', async () => {
    const url = (lun: number): string => `iscsi://${tgtd.portal}/${IQN}/${lun}`;
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['conformance', url(1), '--disk', url(1), '--tape', url(2), '--json'], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    expect(code).toBe(1);
    expect(out).toHaveLength(1);
    const report = JSON.parse(out[0]) as ConformanceReport;
    expect(err).toEqual([
      `xcopyctl: conformance: ${report.summary.fail} of ${ALL_CHECKS.length} checks failed`,
    ]);
    expect(report.checks.map((c) => c.id)).toEqual(ALL_CHECKS.map((c) => c.id));
    expect(report.mover).toMatchObject({ address: url(1), threePc: false, advertisedCodes: null });
    const byId = new Map(report.checks.map((c) => [c.id, c]));
    expect(byId.get('cap.inquiry-3pc')).toMatchObject({ result: 'fail', sense: null });
    expect(byId.get('cap.inquiry-3pc')?.detail).toMatch(/^3PC=0 /);
    expect(byId.get('cap.vpd-8f')?.result).toBe('skip-not-advertised');
    // tgt has no RECEIVE COPY RESULTS: ILLEGAL REQUEST, INVALID COMMAND OPERATION CODE.
    expect(byId.get('cap.rcr-operating-parameters')).toMatchObject({ result: 'fail', sense: '05/20/00' });
    expect(byId.get('lu.disk')?.result).toBe('pass');
    // Every check that needed EXTENDED COPY or RECEIVE COPY RESULTS failed, each with the sense seen.
    const copyChecks = report.checks.filter((c) => /^(copy|tape|backup|err|rcr|conc|progress)\./.test(c.id));
    expect(copyChecks.length).toBe(ALL_CHECKS.length - 8);
    // tgt's disk and tape LUs are usable: every failure is tgt's answer to EXTENDED COPY or
    // RECEIVE COPY RESULTS, INVALID COMMAND OPERATION CODE.
    expect(byId.get('lu.tape')?.result).toBe('pass');
    expect(copyChecks.filter((c) => c.result !== 'fail' || c.sense !== '05/20/00').map((c) => c.id)).toEqual(
      [],
    );
    expect(byId.get('copy.02-block-to-block')?.detail).toBe('02h: EXTENDED COPY CHECK CONDITION 05/20/00');
    expect(byId.get('err.unreachable-cscd')?.detail).toBe(
      'unreachable CSCD: CHECK CONDITION 05/20/00, expected CHECK CONDITION 0a/08/04',
    );
    expect(byId.get('vendor.c0-digest')).toMatchObject({ result: 'skip-not-advertised' });
    expect(report.summary).toEqual({ pass: 3, fail: ALL_CHECKS.length - 6, skipNotAdvertised: 3 });
    expect(report.summary.pass + report.summary.fail + report.summary.skipNotAdvertised).toBe(
      ALL_CHECKS.length,
    );
  }, 120000);
});
