import { main } from '../../../bin/cli';
import { fieldLines } from '../../../bin/commands/cdb';
import type { Io } from '../../../bin/usage';

async function run(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await main(args, io);
  return { code, out, err };
}

describe('xcopyctl cdb', () => {
  it('names and decodes REQUEST SENSE', async () => {
    const r = await run(['cdb', '03 01 00 00 fc 00']);
    expect(r.code).toBe(0);
    expect(r.err).toEqual([]);
    expect(r.out).toEqual([
      'REQUEST SENSE (opcode 03h, all device types)',
      '  desc: true',
      '  allocationLength: 252 (0xFC)',
      '  control: 0',
    ]);
  });

  it('takes spaced single bytes and --type', async () => {
    const r = await run(['cdb', '--type', '1', '00', '00', '00', '00', '00', '00']);
    expect(r.code).toBe(0);
    expect(r.out).toEqual(['TEST UNIT READY (opcode 00h, all device types)', '  control: 0']);
  });

  it('--json prints name and fields', async () => {
    const r = await run(['cdb', '--json', '030000001200']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out[0])).toEqual([
      {
        name: 'REQUEST SENSE',
        opcode: 3,
        deviceTypes: [],
        fields: { desc: false, allocationLength: 18, control: 0 },
      },
    ]);
  });

  it('an unknown opcode, a short CDB, bad hex and a bad --type exit with code 2', async () => {
    for (const args of [
      ['cdb', 'ff 00 00 00 00 00'],
      ['cdb', '03 00'],
      ['cdb', 'zz'],
      ['cdb', '--type', '40', '00 00 00 00 00 00'],
      ['cdb', '--type', '1.5', '00 00 00 00 00 00'],
    ]) {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.out).toEqual([]);
      expect(r.err).toHaveLength(1);
      expect(r.err[0]).toMatch(/^xcopyctl: /);
    }
  });
});

describe('fieldLines', () => {
  it('prints nested objects, arrays, bigints, buffers and strings; skips undefined', () => {
    expect(
      fieldLines(
        {
          a: 5,
          b: 300,
          c: 1.5,
          d: 2n ** 40n,
          e: Buffer.from([1, 0xab]),
          f: Buffer.alloc(0),
          g: 'TAPE',
          h: undefined,
          i: null,
          j: [{ k: true }, 7],
          l: { m: false },
        },
        '  ',
      ),
    ).toEqual([
      '  a: 5',
      '  b: 300 (0x12C)',
      '  c: 1.5',
      '  d: 1099511627776 (0x10000000000)',
      '  e: 01 ab',
      '  f: (empty)',
      '  g: "TAPE"',
      '  i: null',
      '  j:',
      '    [0]:',
      '      k: true',
      '    [1]: 7',
      '  l:',
      '    m: false',
    ]);
  });
});
