import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../bin/cli';
import { describeParameterList, encodeFromJson } from '../../../bin/commands/xcopy-decode';
import { toHex, toJson, UsageError } from '../../../bin/usage';
import { encodeExtendedCopyParameterList } from '../../../cdb/xcopy/index';
import { parameterList } from '../cdb/xcopy/arbitraries';
import { BACKUP, BACKUP_LIST } from '../cdb/xcopy/fixtures';

interface Run {
  code: number;
  out: string[];
  err: string[];
}

async function run(...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'xcopy-decode-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

describe('xcopy-decode: acceptance list (disk + tape E4h, 04h + 00h + 10h, inline data)', () => {
  test('prints the header, every descriptor with its fields, and the inline data', async () => {
    const r = await run('xcopy-decode', BACKUP_LIST.toString('hex'));
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    const text = r.out.join('\n');
    for (const want of [
      'EXTENDED COPY(LID1) parameter list, 144 bytes',
      '  LIST IDENTIFIER: 1',
      '  LIST ID USAGE: 00b',
      '  CSCD DESCRIPTOR LIST LENGTH: 64',
      '  SEGMENT DESCRIPTOR LIST LENGTH: 56',
      '  INLINE DATA LENGTH: 8',
      'CSCD descriptor 0 at byte 16: E4h Identification Descriptor',
      '  PERIPHERAL DEVICE TYPE: 00h',
      '  DESIGNATOR LENGTH: 16',
      '  DESIGNATOR: 60 01 40 5a bc de f0 12 34 56 78 9a bc de f0 12',
      '  DEVICE TYPE SPECIFIC PARAMETERS (block):',
      '    DISK BLOCK LENGTH: 512',
      'CSCD descriptor 1 at byte 48: E4h Identification Descriptor',
      '  PERIPHERAL DEVICE TYPE: 01h',
      '  DEVICE TYPE SPECIFIC PARAMETERS (stream):',
      '    FIXED: 0',
      '    STREAM BLOCK LENGTH: 0',
      'Segment descriptor 0 at byte 80: 04h inline->stream',
      '  DESTINATION CSCD DESCRIPTOR ID: 1',
      '  INLINE DATA OFFSET: 0',
      '  INLINE DATA NUMBER OF BYTES: 8',
      'Segment descriptor 1 at byte 100: 00h block->stream',
      '  SOURCE CSCD DESCRIPTOR ID: 0',
      '  STREAM DEVICE TRANSFER LENGTH: 65536',
      '  BLOCK DEVICE NUMBER OF BLOCKS: 16',
      '  BLOCK DEVICE LOGICAL BLOCK ADDRESS: 0 (0x0)',
      'Segment descriptor 2 at byte 124: 10h write filemarks (filemark->tape)',
      '  W_IMMED: 0',
      '  FILEMARK COUNT: 1',
      'Inline data: 8 bytes at byte 136',
      '  48 44 52 31 00 00 00 01',
    ]) {
      expect(r.out).toContain(want);
    }
    expect(text).not.toContain('undefined');
  });

  test('--json round-trips through the encoder to the same bytes', async () => {
    const r = await run('xcopy-decode', '--json', BACKUP_LIST.toString('hex'));
    expect(r.code).toBe(0);
    expect(r.out).toHaveLength(1);
    expect(encodeFromJson(JSON.parse(r.out[0]))).toEqual(BACKUP_LIST);
    const back = await run('xcopy-decode', '--encode-json', file('list.json', r.out[0]));
    expect(back).toEqual({ code: 0, out: [toHex(BACKUP_LIST)], err: [] });
  });

  test('--file reads binary or hex text', async () => {
    const bin = await run('xcopy-decode', '--file', file('list.bin', BACKUP_LIST));
    const txt = await run('xcopy-decode', '-f', file('list.txt', `${toHex(BACKUP_LIST)}\n`));
    expect(bin.code).toBe(0);
    expect(txt).toEqual(bin);
    expect(bin.out).toEqual(describeParameterList(BACKUP));
  });
});

test('CSCD IDs outside the list and kept-as-bytes descriptors are annotated', () => {
  const lines = describeParameterList({
    ...BACKUP,
    targetDescriptors: [
      {
        kind: 'unsupported',
        descriptorCode: 0xe5,
        bytes: Buffer.concat([Buffer.from([0xe5]), Buffer.alloc(31)]),
      },
    ],
    segmentDescriptors: [
      {
        ...BACKUP.segmentDescriptors[2],
        destinationCscdDescriptorId: 0xffff,
      } as (typeof BACKUP.segmentDescriptors)[number],
      { kind: 'opaque', descriptorTypeCode: 0xc0, bytes: Buffer.from([0xc0, 0, 0, 0]) },
      {
        kind: 'embeddedToStream',
        descriptorTypeCode: 0x05,
        cat: false,
        destinationCscdDescriptorId: 0,
        streamDeviceTransferLength: 0,
        embeddedData: Buffer.alloc(0),
      },
    ],
    inlineData: Buffer.alloc(0),
  });
  expect(lines).toContain('CSCD descriptor 0 at byte 16: E5h IPv4 (kept as bytes)');
  expect(lines).toContain('  DESCRIPTOR CODE: E5h');
  expect(lines).toContain('  DESTINATION CSCD DESCRIPTOR ID: 65535 (FFFFh, copy-manager)');
  expect(lines).toContain('Segment descriptor 1 at byte 60: C0h vendor specific (kept as bytes)');
  expect(lines).toContain('  EMBEDDED DATA NUMBER OF BYTES: 0');
  expect(lines).toContain('  EMBEDDED DATA: (none)');
  expect(lines).toContain('Inline data: 0 bytes at byte 80');
});

describe('xcopy-decode: bad input is one line on stderr and exit code 2', () => {
  test.each([
    ['not hex', ['xcopy-decode', 'zz']],
    ['no input', ['xcopy-decode']],
    ['hex and --file', ['xcopy-decode', '00', '--file', 'x']],
    ['a list that does not decode', ['xcopy-decode', BACKUP_LIST.subarray(0, 100).toString('hex')]],
    ['a missing file', ['xcopy-decode', '--file', '/nonexistent/xcopy/list.bin']],
    ['--encode-json with hex', ['xcopy-decode', '--encode-json', 'x.json', '00']],
    ['a missing JSON file', ['xcopy-decode', '--encode-json', '/nonexistent/xcopy/list.json']],
  ])('%s', async (_name, argv) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.out).toEqual([]);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/^xcopyctl: /);
  });

  test('a parameter list error names the sense', async () => {
    const r = await run('xcopy-decode', BACKUP_LIST.subarray(0, 100).toString('hex'));
    expect(r.err[0]).toContain('parameter list length error');
  });

  test.each([
    ['not JSON', '{'],
    ['not a list', '[1,2]'],
    ['a field out of range', JSON.stringify({ ...JSON.parse(toJson(BACKUP)), listIdentifier: 300 })],
    [
      'an unknown segment kind',
      toJson({ ...BACKUP, segmentDescriptors: [{ kind: 'warp', descriptorTypeCode: 2 }] }),
    ],
  ])('--encode-json with %s', async (name, content) => {
    const r = await run('xcopy-decode', '--encode-json', file(`${name.replace(/\W/g, '_')}.json`, content));
    expect(r.code).toBe(2);
    expect(r.err).toHaveLength(1);
  });
});

test('encodeFromJson rejects malformed 64-bit and byte fields', () => {
  const json = JSON.parse(toJson(BACKUP)) as {
    segmentDescriptors: Record<string, unknown>[];
    inlineData: unknown;
  };
  const badLba = structuredClone(json);
  badLba.segmentDescriptors[1].blockDeviceLogicalBlockAddress = '-1';
  expect(() => encodeFromJson(badLba)).toThrow(UsageError);
  const badHex = structuredClone(json);
  badHex.inlineData = 'abc';
  expect(() => encodeFromJson(badHex)).toThrow(UsageError);
  const numLba = structuredClone(json);
  numLba.segmentDescriptors[1].blockDeviceLogicalBlockAddress = 7;
  expect(encodeFromJson(numLba).readBigUInt64BE(100 + 16)).toBe(7n);
  expect(() => encodeFromJson(null)).toThrow(UsageError);
});

test('any list printed as JSON encodes back to the same bytes', () => {
  fc.assert(
    fc.property(parameterList, (l) => {
      expect(encodeFromJson(JSON.parse(toJson(l)))).toEqual(encodeExtendedCopyParameterList(l));
    }),
  );
});
