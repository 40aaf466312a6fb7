// libiscsi acceptance of the copy manager: `iscsi-test-cu -d -v -t SCSI.ExtendedCopy,
// SCSI.ReceiveCopyResults` against a disk LU of the emulated SAN (file-backed, hosting its copy
// manager as every SAN LU does, with the disk default copySegments "block": ExtendedCopy.DescrType
// sends a stream-to-stream segment and expects UNSUPPORTED SEGMENT DESCRIPTOR TYPE CODE). The
// target's ACL admits only libiscsi's two initiators, so the suite's copies go through the copy
// manager's access check. Every test must run (no "[SKIPPED]" line: CUnit counts a skip as a pass)
// and pass; the Run Summary is logged. Missing tool: the test fails when CI=true, is skipped with a
// message otherwise.
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import * as path from 'node:path';
import { setLogLevel } from '../../emulator/log';
import { parseSanConfig, startSan, type RunningSan } from '../../emulator/san';

const TOOL = 'iscsi-test-cu';
const IQN = 'iqn.2024-01.io.xcopy:xcopy-interop';
const CI = process.env.CI === 'true';
const MiB = 1024 * 1024;
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

function findTool(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

const installed = findTool(TOOL) !== undefined;
if (!installed && !CI) {
  console.warn(
    `libiscsi EXTENDED COPY interop test skipped: ${TOOL} not installed (apt-get install libiscsi-bin)`,
  );
}
const describeInterop = installed || CI ? describe : describe.skip;

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 64 * MiB }, (err, stdout) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout });
    });
  });
}

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
