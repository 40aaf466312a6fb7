// libiscsi acceptance of the copy manager: `iscsi-test-cu -d -v -t SCSI.ExtendedCopy,
// SCSI.ReceiveCopyResults` against a disk LU of the emulated SAN (file-backed, hosting its copy
// manager as every SAN LU does, with the disk default copySegments "block": ExtendedCopy.DescrType
// sends a stream-to-stream segment and expects UNSUPPORTED SEGMENT DESCRIPTOR TYPE CODE). The
// target's ACL admits only libiscsi's two initiators, so the suite's copies go through the copy
// manager's access check. Every test must run (no "[SKIPPED]" line: CUnit counts a skip as a pass)
// and pass; the Run Summary is logged. Missing tool: the test fails when CI=true, is skipped with a
// message otherwise.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import * as path from 'node:path';
import { setLogLevel } from '../../emulator/log';
import { parseSanConfig, startSan, type RunningSan } from '../../emulator/san';
import { describeWithTools, findTool, runTool as run } from './tools';

const TOOL = 'iscsi-test-cu';
const IQN = 'iqn.2024-01.io.xcopy:xcopy-interop';
/** libiscsi's two initiator names (iscsi-test-cu -i / -I defaults). */
const LIBISCSI_INITIATORS = [
  'iqn.2007-10.com.github:sahlberg:libiscsi:iscsi-test',
  'iqn.2007-10.com.github:sahlberg:libiscsi:iscsi-test-2',
];
/** The tests of the two suites in libiscsi 1.19. */
const EXPECTED_TESTS = [
  'CopyStatus',
  'OpParams',
  'Simple',
  'ParamHdr',
  'DescrLimits',
  'DescrType',
  'ValidTgtDescr',
  'ValidSegDescr',
];

setLogLevel('error');

const installed = findTool(TOOL) !== undefined;
const describeInterop = describeWithTools([TOOL], 'libiscsi EXTENDED COPY interop test');

describeInterop(
  'iscsi-test-cu SCSI.ExtendedCopy and SCSI.ReceiveCopyResults against a copy-manager disk',
  () => {
    let dir: string;
    let san: RunningSan;
    let url: string;

    beforeAll(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'libiscsi-xcopy-'));
      san = await startSan(
        parseSanConfig({
          targets: [
            {
              iqn: IQN,
              acl: LIBISCSI_INITIATORS,
              luns: [{ name: 'xcopy-interop-disk', type: 'disk', size: '64M' }],
            },
          ],
        }),
        { dir },
      );
      const lu = san.ready.luns.find((l) => l.name === 'xcopy-interop-disk');
      url = lu?.url ?? '';
    });

    afterAll(async () => {
      await san?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('has iscsi-test-cu installed', () => {
      expect(installed).toBe(true);
    });

    it('runs every test of both suites, none skipped, all passed', async () => {
      const r = await run(TOOL, ['-d', '-v', '-t', 'SCSI.ExtendedCopy,SCSI.ReceiveCopyResults', url], 300000);
      const out = r.stdout;
      const at = out.indexOf('Run Summary');
      expect(at).toBeGreaterThanOrEqual(0);
      const summary = out.slice(at, out.indexOf('\n', out.indexOf('asserts', at)));
      console.log(`iscsi-test-cu SCSI.ExtendedCopy,SCSI.ReceiveCopyResults against ${url}\n${summary}`);
      const ran = [...out.matchAll(/^\s+Test: (\w+) \.\.\./gm)].map((m) => m[1]);
      expect(ran.sort()).toEqual([...EXPECTED_TESTS].sort());
      expect(out).not.toContain('[SKIPPED]');
      expect(out).not.toContain('[FAILED]');
      const m = /tests\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/.exec(summary);
      expect(m).not.toBeNull();
      expect(m?.slice(1, 5).map(Number)).toEqual([8, 8, 8, 0]);
      expect(r.code).toBe(0);
      expect(san.san.listLuns().find((l) => l.name === 'xcopy-interop-disk')?.copySegments).toBe('block');
    }, 300000);
  },
);
