// `xcopyctl conformance` against our data mover served over iSCSI by our target: LUN 0 a RAM disk
// hosting the CopyManager (also the --disk), LUN 1 a tape drive with a blank cartridge, LUN 2 the
// restore disk; the copy manager reaches them through a LocalLuResolver. Every check the mover
// advertises must pass; the report is checked in JSON and as a table, and the bytes the run left on
// the LUs are checked independently.
import fs from 'node:fs';
import path from 'node:path';
import { main } from '../../bin/cli';
import { createRamDisk } from '../../emulator/devices/disk';
import { TapeDevice } from '../../emulator/devices/tape';
import { FaultInjectingLu } from '../../emulator/faults/fault-lu';
import { IscsiTargetServer } from '../../emulator/iscsi';
import type { LogicalUnit, LuRequest, LuResponse } from '../../emulator/lu';
import { DEFAULT_MOVER_NEXUS } from '../../emulator/mover/config';
import { LocalLuResolver } from '../../emulator/mover/local-resolver';
import { Cartridge } from '../../emulator/tape';
import { formatIscsiUrl } from '../../targets/iscsi/url';
import { ALL_CHECKS, type ConformanceReport } from '../../src/conformance';
import { InProcessTransport } from '../../targets/inprocess-transport';
import { CARTRIDGE, drainUnitAttentions, nexus, Tape, tempDir } from '../conformance/ssc/support';
import { readBlocks } from '../unit/mover/helpers';
import { readTapeBack, shape } from './mover-tape-rig';
import { XcopyDisk } from '../unit/mover/xcopy-disk';

const IQN = 'iqn.2024-01.dev.xcopy-backup:conformance-san';
/** The same LUs behind a copy manager that answers GOOD to EXTENDED COPY and copies nothing. */
const IQN_LIAR = 'iqn.2024-01.dev.xcopy-backup:conformance-liar';
/** A plain RAM disk with no copy manager at all, and the tape. */
const IQN_PLAIN = 'iqn.2024-01.dev.xcopy-backup:conformance-plain';
const MiB = 1024 * 1024;

let server: IscsiTargetServer;
let cmDisk: LogicalUnit;
let restoreDisk: LogicalUnit;
let dir: string;
let tape: TapeDevice;
let urls: string[];
let liarUrls: string[];
let plainUrls: string[];

class LyingCopyManager implements LogicalUnit {
  constructor(private readonly inner: LogicalUnit) {}

  get deviceType(): number {
    return this.inner.deviceType;
  }

  execute(req: LuRequest): Promise<LuResponse> {
    if (req.cdb[0] === 0x83) return Promise.resolve({ status: 0, dataOutLength: req.cdb.readUInt32BE(10) });
    return this.inner.execute(req);
  }

  reset(kind: 'lu-reset' | 'target-warm-reset' | 'target-cold-reset'): void {
    this.inner.reset(kind);
  }
}

beforeAll(async () => {
  dir = tempDir('conformance-');
  tape = new TapeDevice({ identity: { id: 'conf-tape0' } });
  tape.loadCartridge(Cartridge.create(path.join(dir, 'conf.vtape'), { ...CARTRIDGE, barcode: 'CONF00L8' }));
  const restore = createRamDisk({ identity: { id: 'conf-restore' }, sizeBytes: 32 * MiB });
  // The mover's own writes to the restore disk are slowed a little, so COPY STATUS can watch a copy run.
  const slowRestore = new FaultInjectingLu(restore);
  slowRestore.addFault({
    kind: 'delay',
    opcodes: [0x2a, 0x8a],
    ms: 40,
    initiatorPort: DEFAULT_MOVER_NEXUS.initiatorPort,
  });
  const cm: XcopyDisk = new XcopyDisk({
    id: 'conf-cm',
    sizeBytes: 32 * MiB,
    resolver: () => {
      const r = new LocalLuResolver({ moverNexus: DEFAULT_MOVER_NEXUS, mayAccess: () => true });
      const lus: Record<string, LogicalUnit> = { cm, tape, restore: slowRestore };
      for (const [name, lu] of Object.entries(lus)) r.register(name, lu);
      return r;
    },
  });
  cmDisk = cm;
  restoreDisk = restore;
  server = new IscsiTargetServer({
    host: '127.0.0.1',
    port: 0,
    targets: [
      {
        name: IQN,
        luns: new Map<number, LogicalUnit>([
          [0, cm],
          [1, tape],
          [2, slowRestore],
        ]),
      },
      {
        name: IQN_LIAR,
        luns: new Map<number, LogicalUnit>([
          [0, new LyingCopyManager(cm)],
          [1, tape],
          [2, restore],
        ]),
      },
      {
        name: IQN_PLAIN,
        luns: new Map<number, LogicalUnit>([
          [0, createRamDisk({ identity: { id: 'conf-plain' }, sizeBytes: 32 * MiB })],
          [1, tape],
        ]),
      },
    ],
  });
  const { port } = await server.listen();
  const url = (targetName: string, lun: number): string =>
    formatIscsiUrl({ host: '127.0.0.1', port, targetName, lun });
  urls = [0, 1, 2].map((lun) => url(IQN, lun));
  liarUrls = [0, 1, 2].map((lun) => url(IQN_LIAR, lun));
  plainUrls = [0, 1].map((lun) => url(IQN_PLAIN, lun));
});

afterAll(async () => {
  await server.close({ graceMs: 100 });
  await tape.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('xcopyctl conformance against our data mover over iSCSI', () => {
  it('every check passes, as JSON; exit code 0', async () => {
    const r = await cli([
      'conformance',
      urls[0],
      '--disk',
      urls[0],
      '--tape',
      urls[1],
      '--restore',
      urls[2],
      '--json',
    ]);
    expect(r.err).toEqual([]);
    expect(r.out).toHaveLength(1);
    const report = JSON.parse(r.out[0]) as ConformanceReport;
    const notPassed = report.checks.filter((c) => c.result !== 'pass');
    expect(notPassed).toEqual([]);
    expect(report.checks.map((c) => c.id)).toEqual(ALL_CHECKS.map((c) => c.id));
    expect(report.summary).toEqual({ pass: ALL_CHECKS.length, fail: 0, skipNotAdvertised: 0 });
    expect(report.mover).toMatchObject({ address: urls[0], vendor: 'XCOPYEMU', threePc: true });
    expect(report.mover.advertisedCodes).toEqual([
      '00h',
      '01h',
      '02h',
      '03h',
      '04h',
      '05h',
      '06h',
      '07h',
      '08h',
      '09h',
      '0Ah',
      '0Bh',
      '0Ch',
      '0Dh',
      '0Eh',
      '0Fh',
      '10h',
      '11h',
      '12h',
      '14h',
      'C0h',
      'E4h',
    ]);
    expect(r.code).toBe(0);
    const byId = new Map(report.checks.map((c) => [c.id, c]));
    // The error checks saw exactly the senses they name.
    expect(byId.get('err.unreachable-cscd')?.detail).toBe('answered 0a/08/04');
    expect(byId.get('err.too-many-cscd-descriptors')?.detail).toBe('65 descriptors: 05/26/06');
    expect(byId.get('err.too-many-segment-descriptors')?.detail).toBe('257 segments: 05/26/08');
    expect(byId.get('err.descriptor-list-too-long')?.detail).toMatch(/: 05\/1a\/00$/);
    expect(byId.get('rcr.unknown-list-id')?.detail).toBe('answered 05/24/00');
    // The slowed restore disk let the poller see the long copy in progress.
    expect(byId.get('progress.copy-status-while-running')?.detail).toMatch(
      /^\d+ polls saw the copy in progress/,
    );
    // Independently of the engine: the last tape check was the backup (header, four 32 KiB blocks,
    // a filemark), and the last copy the progress copy (8 MiB of LUN 0 to 12 MiB into LUN 2).
    const t = new InProcessTransport(tape, { nexus: nexus(7) });
    await drainUnitAttentions(t);
    const back = await readTapeBack(new Tape(t));
    await t.close();
    expect(shape(back)).toEqual([128, 32768, 32768, 32768, 32768, 'F', 'EOD']);
    expect(
      back[0].kind === 'block' &&
        back[0].data.toString('latin1').startsWith('XCOPY CONFORMANCE BACKUP HEADER'),
    ).toBe(true);
    const blocks = (8 * MiB) / 512;
    expect(
      (await readBlocks(restoreDisk, BigInt((12 * MiB) / 512), blocks)).equals(
        await readBlocks(cmDisk, 0n, blocks),
      ),
    ).toBe(true);
  });

  it('prints a table; --only runs a subset', async () => {
    const r = await cli([
      'conformance',
      urls[0],
      '--disk',
      urls[0],
      '--tape',
      urls[1],
      '--only',
      'cap.',
      'lu.',
    ]);
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe(`copy manager ${urls[0]} (XCOPYEMU RAM DISK 0001, 3PC=1)`);
    expect(r.out[1]).toMatch(/^ {2}advertised descriptor type codes: 00h 01h 02h .* C0h E4h$/);
    expect(r.out[2]).toBe(`  disk ${urls[0]}, tape ${urls[1]}`);
    expect(r.out[3]).toMatch(/^RESULT {2}ID +SENSE {5}DETAIL$/);
    const rows = r.out.slice(4, -1);
    expect(rows.map((l) => l.split(/\s+/).slice(0, 2))).toEqual([
      ['PASS', 'cap.inquiry-3pc'],
      ['PASS', 'cap.vpd-8f'],
      ['PASS', 'cap.rcr-operating-parameters'],
      ['PASS', 'cap.vpd-8f-agrees'],
      ['PASS', 'lu.disk'],
      ['PASS', 'lu.tape'],
      ['PASS', 'lu.restore'],
    ]);
    expect(r.out[r.out.length - 1]).toBe('7 checks: 7 passed, 0 failed, 0 not advertised');
  });

  it('a copy manager that answers GOOD without copying fails the data checks (exit code 1)', async () => {
    const r = await cli([
      'conformance',
      liarUrls[0],
      '--disk',
      liarUrls[0],
      '--tape',
      liarUrls[1],
      '--restore',
      liarUrls[2],
      '--json',
      '--only',
      'cap.inquiry-3pc',
      'copy.02',
      'copy.00-block-to-stream',
      'tape.10',
      'err.unreachable',
      'rcr.00',
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toEqual(['xcopyctl: conformance: 5 of 6 checks failed']);
    const report = JSON.parse(r.out[0]) as ConformanceReport;
    expect(report.checks.map((c) => [c.id, c.result, c.sense])).toEqual([
      ['cap.inquiry-3pc', 'pass', null],
      ['copy.02-block-to-block', 'fail', null],
      ['copy.00-block-to-stream', 'fail', null],
      ['tape.10-write-filemarks', 'fail', null],
      ['err.unreachable-cscd', 'fail', null],
      ['rcr.00-copy-status', 'fail', null],
    ]);
    const detail = (id: string): string => report.checks.find((c) => c.id === id)?.detail ?? '';
    expect(detail('copy.02-block-to-block')).toMatch(
      /^02h: the bytes on iscsi:\/\/.* differ from byte 0 of 262144$/,
    );
    expect(detail('copy.00-block-to-stream')).toBe(
      'tape read back: object 0 is a eod, expected a 2048-byte block',
    );
    expect(detail('err.unreachable-cscd')).toBe('unreachable CSCD: GOOD, expected CHECK CONDITION 0a/08/04');
    expect(detail('tape.10-write-filemarks')).toBe(
      'tape read back: object 0 is a eod, expected a 8-byte block',
    );
    expect(detail('rcr.00-copy-status')).toMatch(
      /^02h: the bytes on iscsi:\/\/.* differ from byte 0 of 32768$/,
    );
  });

  it('a disk without EXTENDED COPY: every check fails with the sense it answered or is not advertised (exit code 1)', async () => {
    const r = await cli([
      'conformance',
      plainUrls[0],
      '--disk',
      plainUrls[0],
      '--tape',
      plainUrls[1],
      '--json',
    ]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out[0]) as ConformanceReport;
    expect(report.mover).toEqual({
      address: plainUrls[0],
      vendor: 'XCOPYEMU',
      product: 'RAM DISK',
      revision: '0001',
      threePc: false,
      advertisedCodes: null,
      untestedCodes: [],
    });
    expect(report.checks.map((c) => c.id)).toEqual(ALL_CHECKS.map((c) => c.id));
    const byId = new Map(report.checks.map((c) => [c.id, c]));
    expect(byId.get('cap.inquiry-3pc')).toMatchObject({
      result: 'fail',
      detail: '3PC=0 (XCOPYEMU RAM DISK)',
    });
    expect(byId.get('cap.vpd-8f')).toMatchObject({ result: 'skip-not-advertised' });
    expect(byId.get('cap.rcr-operating-parameters')).toMatchObject({ result: 'fail', sense: '05/20/00' });
    // The LUs themselves are fine: only the copy manager is missing.
    expect(byId.get('lu.disk')?.result).toBe('pass');
    expect(byId.get('lu.tape')?.result).toBe('pass');
    const passed = report.checks.filter((c) => c.result === 'pass').map((c) => c.id);
    expect(passed).toEqual(['lu.disk', 'lu.tape', 'lu.restore']);
    // Everything that sent EXTENDED COPY or RECEIVE COPY RESULTS saw INVALID COMMAND OPERATION CODE.
    const copyChecks = report.checks.filter((c) => /^(copy|tape|backup|err|rcr|conc|progress)\./.test(c.id));
    const unexpected = copyChecks.filter((c) => !(c.result === 'fail' && c.sense === '05/20/00'));
    expect(unexpected.map((c) => [c.id, c.result, c.sense, c.detail])).toEqual([]);
    expect(copyChecks.length).toBe(ALL_CHECKS.length - 8);
    // C0h is vendor specific: not advertised by a LU that advertises nothing.
    expect(byId.get('vendor.c0-digest')).toMatchObject({ result: 'skip-not-advertised' });
    expect(report.summary.fail + report.summary.skipNotAdvertised + report.summary.pass).toBe(
      ALL_CHECKS.length,
    );
  });

  it('bad arguments are usage errors (exit code 2)', async () => {
    expect((await cli(['conformance', urls[0], '--disk', urls[0]])).code).toBe(2);
    const bad = await cli(['conformance', 'nowhere', '--disk', urls[0], '--tape', urls[1]]);
    expect(bad.code).toBe(2);
    expect(bad.err[0]).toMatch(/^xcopyctl: "nowhere" is neither an iSCSI URL/);
  });
});
