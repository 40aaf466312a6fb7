// iscsi-test-cu (libiscsi's conformance suite) against disk LUs on the file-backed thin-provisioned
// store of emulator/disk, served by the emulated iSCSI target on 127.0.0.1: the SBC command suites,
// thin provisioning (UNMAP, WRITE SAME, GET LBA STATUS) and reservations. Every test of each suite
// must pass and none may be skipped. Missing tool: the tests fail when CI=true, are skipped with a
// message otherwise.
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openFileDisk, type DiskDevice } from '../../emulator/devices/disk';
import type { FileBlockStore } from '../../emulator/disk/block-store';
import { IscsiTargetServer } from '../../emulator/iscsi/server';
import type { LogicalUnit } from '../../emulator/lu';
import { describeWithTools, findTool, runTool as run } from './tools';

const TOOL = 'iscsi-test-cu';
const IQN = 'iqn.2024-01.io.xcopy:disk-interop';
const MiB = 1024 * 1024;

const installed = findTool(TOOL) !== undefined;
const describeInterop = describeWithTools([TOOL], 'libiscsi disk interop tests');

interface RunSummary {
  tests: { total: number; ran: number; passed: number; failed: number };
  text: string;
}

function runSummary(out: string): RunSummary {
  const i = out.indexOf('Run Summary');
  expect(i).toBeGreaterThanOrEqual(0);
  const text = out.slice(i, out.indexOf('\n', out.indexOf('asserts', i)));
  const m = /tests\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/.exec(text);
  if (m === null) throw new Error(`no tests line in:\n${text}`);
  return { tests: { total: +m[1], ran: +m[2], passed: +m[3], failed: +m[4] }, text };
}

/** CUnit's list of failed asserts: "  1. test_x.c:71  - CU_FAIL(...)" -> "test_x.c:71". */
function failedAsserts(out: string): string[] {
  return [...out.matchAll(/^\s+\d+\. (test_\w+\.c:\d+)\s+- /gm)].map((m) => m[1]);
}

/**
 * libiscsi 1.19's WriteSame10.UnmapUntilEnd sends WRITE SAME(10) with UNMAP=1 and a block of FFh
 * bytes, then expects zeros back. SBC-4 5.50: the device server writes (reads then return the data
 * block) or unmaps only where that reads the same, so a block of FFh must be written. Upstream fixed
 * the test in 2020 (libiscsi pull request 318: the block is zeroed first); our own test of that
 * corrected sequence is in test/unit/emulator/disk-thin.test.ts. This one assert is the only allowed
 * failure, and only in that suite.
 */
const KNOWN_UPSTREAM_FAILURES: Readonly<Record<string, string[]>> = {
  'SCSI.WriteSame10': ['test_writesame10_unmap_until_end.c:71'],
};

describeInterop('iscsi-test-cu against file-backed disk LUs', () => {
  let dir: string;
  let server: IscsiTargetServer;
  let port: number;
  const disks: Array<DiskDevice<FileBlockStore>> = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'libiscsi-disk-'));
    // LUN 0: 512-byte logical and physical blocks, MAXIMUM WRITE SAME LENGTH = the capacity.
    // LUN 1: 4096-byte physical blocks (LOGICAL BLOCKS PER PHYSICAL BLOCK EXPONENT 3), which the
    // unaligned-unmap and data-out-size WRITE SAME tests need (they skip when LBPPB < 2), and a
    // MAXIMUM WRITE SAME LENGTH below the capacity so the limit itself is exercised. Its MAXIMUM
    // TRANSFER LENGTH is 65536 blocks because WriteSame16.Unmap then writes 65536 blocks in one
    // WRITE(16) without looking at the Block Limits page. GetLBAStatus runs on LUN 0: its
    // UnmapSingle test expects a descriptor at LBA+LBPPB when it asks for LBA+1.
    const geometry = { blockSize: 512, blockCount: BigInt((64 * MiB) / 512), flushIntervalMs: 0 };
    disks.push(
      await openFileDisk({
        identity: { id: 'disk-interop-0' },
        image: path.join(dir, 'lun0.img'),
        ...geometry,
      }),
    );
    disks.push(
      await openFileDisk({
        identity: { id: 'disk-interop-1' },
        image: path.join(dir, 'lun1.img'),
        ...geometry,
        physicalBlockExponent: 3,
        maxTransferBlocks: 65536,
        maxWriteSameBlocks: 65536,
      }),
    );
    server = new IscsiTargetServer({
      host: '127.0.0.1',
      port: 0,
      targets: [{ name: IQN, luns: new Map<number, LogicalUnit>(disks.map((d, i) => [i, d])) }],
    });
    ({ port } = await server.listen());
  });

  afterAll(async () => {
    await server.close({ graceMs: 200 });
    for (const d of disks) await d.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has iscsi-test-cu installed', () => {
    expect(installed).toBe(true);
  });

  const SUITES: Array<[string, number]> = [
    ['SCSI.TestUnitReady', 0],
    ['SCSI.Inquiry', 0],
    ['SCSI.ReadCapacity10', 0],
    ['SCSI.ReadCapacity16', 0],
    ['SCSI.Read10', 0],
    ['SCSI.Write10', 0],
    ['SCSI.Read16', 0],
    ['SCSI.Write16', 0],
    ['SCSI.ModeSense6', 0],
    ['SCSI.GetLBAStatus', 0],
    ['SCSI.Unmap', 0],
    ['SCSI.WriteSame10', 1],
    ['SCSI.WriteSame16', 1],
    ['SCSI.Verify10', 0],
    ['SCSI.Verify16', 0],
    ['SCSI.ReportSupportedOpcodes', 0],
    ['SCSI.Mandatory', 0],
    ['SCSI.Reserve6', 0],
    ['SCSI.PrinReadKeys', 0],
    ['SCSI.PrinServiceactionRange', 0],
    ['SCSI.PrinReportCapabilities', 0],
    ['SCSI.ProutRegister', 0],
    ['SCSI.ProutReserve', 0],
    ['SCSI.ProutClear', 0],
    ['SCSI.ProutPreempt', 0],
  ];

  it.each(SUITES)(
    'iscsi-test-cu -d -t %s (LUN %d): no failure but the known upstream ones, nothing skipped',
    async (suite, lun) => {
      const r = await run(TOOL, ['-d', '-V', '-t', suite, `iscsi://127.0.0.1:${port}/${IQN}/${lun}`], 540000);
      const summary = runSummary(r.stdout);

      console.log(`iscsi-test-cu -t ${suite} (LUN ${lun})\n${summary.text}`);
      const expected = KNOWN_UPSTREAM_FAILURES[suite] ?? [];
      // The tool exits 1 when any assert failed.
      expect({ code: r.code, failedAsserts: failedAsserts(r.stdout) }).toEqual({
        code: expected.length > 0 ? 1 : 0,
        failedAsserts: expected,
      });
      expect(summary.tests.failed).toBe(expected.length);
      expect(summary.tests.ran).toBe(summary.tests.total);
      expect(summary.tests.total).toBeGreaterThan(0);
      // -V prints libiscsi's log: a test skipped for a missing feature says [SKIPPED].
      expect(r.stdout).not.toContain('[SKIPPED]');
    },
    600000,
  );
});
