// `xcopyctl xcopy run` and `xcopy params` against the SAN's processor copy manager over iSCSI: a
// backup list (04h header, 00h data, 10h filemark) given as the JSON `xcopy-decode --json` prints,
// followed with --progress; the tape read back with READ(6); held data (0Bh) written with --held;
// a source MEDIUM ERROR explained (segment, the source's sense, COPY STATUS, FAILED SEGMENT
// DETAILS) with exit code 1; bad input with exit code 2.
import fs from 'node:fs';
import path from 'node:path';
import { main } from '../../bin/cli';
import { decodeExtendedCopyParameterList, SPEC_MAXIMUM_LIMITS } from '../../cdb/xcopy';
import {
  blockToStream,
  extendedCopyParameterList,
  inlineToStream,
  naaBlockTarget,
  naaStreamTarget,
  writeFilemarks,
} from '../../cdb/xcopy/build';
import { LIST_ID_USAGE } from '../../cdb/xcopy/parameter-list';
import { setLogLevel } from '../../emulator/log';
import { parseSanConfig, startSan, type RunningSan } from '../../emulator/san';
import { runCommand } from '../../targets/command';
import { toJson } from '../../bin/usage';
import { drainUnitAttentions, openLu, REWIND, tapeRead, tempDir, write16 } from '../unit/san/helpers';

jest.setTimeout(60000);
setLogLevel('error');

const IQN = 'iqn.2024-01.test.xcopy-cli:san';
const BS = 512;
const MiB = 1024 * 1024;
const TAPE_BLOCK = 64 * 1024;

async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('xcopyctl xcopy', () => {
  let dir: string;
  let san: RunningSan;
  const data = Buffer.alloc(2 * MiB);
  for (let i = 0; i < data.length; i += 4) data.writeUInt32BE((i * 2654435761) >>> 0, i);
  const header = Buffer.concat([Buffer.from('XCOPYCTL RUN TEST HEADER\n'), Buffer.alloc(512 - 25)]);
  const lu = (name: string) => {
    const l = san.ready.luns.find((x) => x.name === name);
    if (l === undefined) throw new Error(`no LU ${name}`);
    return l;
  };
  const naa = (name: string): Buffer => Buffer.from(lu(name).naa, 'hex');

  /** The list as the JSON `xcopy-decode --json` prints, in a file. */
  function listFile(name: string, bytes: Buffer): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, toJson(decodeExtendedCopyParameterList(bytes, SPEC_MAXIMUM_LIMITS)));
    return file;
  }

  function backupList(listIdentifier: number): Buffer {
    return extendedCopyParameterList({
      listIdentifier,
      targets: [naaBlockTarget(naa('src')), naaStreamTarget(naa('tape0'))],
      segments: [
        inlineToStream(1, header.length, 0, header.length),
        blockToStream(0, 1, data.length / BS, 0n, TAPE_BLOCK),
        writeFilemarks(1, 1),
      ],
      inline: header,
    });
  }

  beforeAll(async () => {
    dir = tempDir('xcopy-cli-');
    san = await startSan(
      parseSanConfig({
        cartridges: [{ barcode: 'XCLI01L8', capacity: '64M' }],
        targets: [
          {
            iqn: IQN,
            luns: [
              { name: 'src', type: 'disk', size: '4M', memory: true },
              { name: 'tape0', type: 'tape', cartridge: 'XCLI01L8' },
              { name: 'cm', type: 'processor' },
            ],
          },
        ],
      }),
      { dir },
    );
    const src = await openLu(lu('src').url);
    await drainUnitAttentions(src);
    await runCommand(src, { cdb: write16(0, data.length / BS), dataOut: data });
    await src.close();
  });

  afterAll(async () => {
    await san.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function rewindTape(): Promise<void> {
    const t = await openLu(lu('tape0').url);
    await drainUnitAttentions(t);
    await runCommand(t, { cdb: REWIND });
    await t.close();
  }

  it('runs a backup list given as JSON, with progress, and the tape holds header, data, filemark', async () => {
    await rewindTape();
    // Slow the tape down a little so that the progress poller sees the copy running.
    const fault = san.san.addFault({ kind: 'delay', lu: 'tape0', ms: 40, opcodes: [0x0a] });
    const r = await cli([
      'xcopy',
      'run',
      lu('cm').url,
      '--list',
      listFile('backup.json', backupList(5)),
      '--progress',
    ]);
    san.san.removeFault(fault.id);
    expect(r.code).toBe(0);
    expect(r.out).toEqual([
      'EXTENDED COPY: GOOD',
      `COPY STATUS: completed, 3 segment(s) processed, ${header.length + data.length} bytes transferred`,
    ]);
    expect(r.err.length).toBeGreaterThan(0);
    expect(
      r.err.every((l) => /^progress: in progress, \d segment\(s\) processed, \d+ bytes transferred$/.test(l)),
    ).toBe(true);
    // The tape, read with plain READ(6): the header block, 32 data blocks, a filemark.
    const t = await openLu(lu('tape0').url);
    await drainUnitAttentions(t);
    await runCommand(t, { cdb: REWIND });
    const first = await runCommand(t, { cdb: tapeRead(TAPE_BLOCK), dataInLength: TAPE_BLOCK }).catch(
      (e: unknown) => e,
    );
    // A 512-byte block read with a 64 KiB transfer length: CHECK CONDITION, ILI, the bytes that came.
    expect(first).toMatchObject({ status: 2 });
    const blocks: Buffer[] = [];
    for (let i = 0; i < data.length / TAPE_BLOCK; i++) {
      blocks.push((await runCommand(t, { cdb: tapeRead(TAPE_BLOCK), dataInLength: TAPE_BLOCK })).dataIn);
    }
    expect(Buffer.concat(blocks).equals(data)).toBe(true);
    const fm = await t.execute({ cdb: tapeRead(TAPE_BLOCK), dataInLength: TAPE_BLOCK });
    expect(fm.status).toBe(2);
    expect(fm.sense[2] & 0x80).toBe(0x80); // FILEMARK
    await t.close();
  });

  it('writes held data (0Bh) to --held, and prints the report as JSON', async () => {
    await rewindTape();
    const bytes = extendedCopyParameterList({
      listIdentifier: 6,
      targets: [naaBlockTarget(naa('src')), naaStreamTarget(naa('tape0'))],
      segments: [blockToStream(0, 1, 8, 0n, 4096, { hold: true })],
    });
    const held = path.join(dir, 'held.bin');
    const r = await cli([
      'xcopy',
      'run',
      lu('cm').url,
      '--list',
      listFile('held.json', bytes),
      '--held',
      held,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toEqual([
      'EXTENDED COPY: GOOD',
      'COPY STATUS: completed, 1 segment(s) processed, 4096 bytes transferred',
      `held data: 4096 bytes written to ${held}`,
    ]);
    expect(fs.readFileSync(held).equals(data.subarray(0, 4096))).toBe(true);
    // The same list as raw bytes in hex text, reported as JSON.
    const hexFile = path.join(dir, 'held.hex');
    fs.writeFileSync(hexFile, bytes.toString('hex'));
    await rewindTape();
    const j = await cli(['xcopy', 'run', lu('cm').url, '--list', hexFile, '--json']);
    expect(j.code).toBe(0);
    const report = JSON.parse(j.out[0]) as {
      status: number;
      copyStatus: { segmentsProcessed: number };
      heldData: string;
    };
    expect(report.status).toBe(0);
    expect(report.copyStatus.segmentsProcessed).toBe(1);
    expect(Buffer.from(report.heldData, 'hex').equals(data.subarray(0, 4096))).toBe(true);
  });

  it('explains a source MEDIUM ERROR: segment, the source sense, COPY STATUS, FAILED SEGMENT DETAILS; exit 1', async () => {
    await rewindTape();
    const fault = san.san.addFault({
      kind: 'medium-error',
      lu: 'src',
      lba: 1000,
      blocks: 8,
      operation: 'read',
    });
    const r = await cli(['xcopy', 'run', lu('cm').url, '--list', listFile('bad.json', backupList(7))]);
    san.san.removeFault(fault.id);
    expect(r.code).toBe(1);
    expect(r.out[0]).toMatch(/^CHECK CONDITION: COPY ABORTED, .* \(0a\/0d\/01\)$/);
    expect(r.out[1]).toBe('  segment 1 (00h block->stream)');
    // The mover points at the CSCD descriptor of the device that failed (the source, CSCD 0).
    expect(r.out[2]).toBe('  points at CSCD descriptor 0 (byte 16 of the parameter list)');
    expect(r.out[3]).toMatch(/^ {2}copy source answered status 02h: MEDIUM ERROR, .*\(03\/11\/00\)/);
    expect(r.out[4]).toMatch(
      /^COPY STATUS: completed with errors, 1 segment\(s\) processed, \d+ bytes transferred$/,
    );
    expect(r.out[5]).toMatch(/^FAILED SEGMENT DETAILS: status 02h, \d+ bytes of sense$/);
    expect(r.err).toEqual(['xcopyctl: xcopy: EXTENDED COPY ended with status 02h']);
  });

  it('params prints OPERATING PARAMETERS; bad input is one line and exit 2', async () => {
    const p = await cli(['xcopy', 'params', lu('cm').url]);
    expect(p.code).toBe(0);
    expect(p.out).toContain('IMPLEMENTED DESCRIPTOR TYPE CODES (22):');
    expect(p.out).toContain('  E4h Identification Descriptor');
    const missing = await cli(['xcopy', 'run', lu('cm').url, '--list', path.join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toHaveLength(1);
    expect(missing.err[0]).toMatch(/cannot read .*nope\.json/);
    const untracked = extendedCopyParameterList({
      listIdUsage: LIST_ID_USAGE.none,
      targets: [naaBlockTarget(naa('src'))],
      segments: [],
    });
    const u = await cli([
      'xcopy',
      'run',
      lu('cm').url,
      '--list',
      listFile('none.json', untracked),
      '--progress',
    ]);
    expect(u.code).toBe(2);
    expect(u.err).toEqual([
      'xcopyctl: --progress needs a list the copy manager keeps results of (LIST ID USAGE 00b or 10b)',
    ]);
  });
});
