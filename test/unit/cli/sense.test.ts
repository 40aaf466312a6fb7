import { main } from '../../../bin/cli';
import type { Io } from '../../../bin/usage';

async function run(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await main(args, io);
  return { code, out, err };
}

describe('xcopyctl sense', () => {
  it('names ILLEGAL REQUEST and TOO MANY SEGMENT DESCRIPTORS (spaced hex)', async () => {
    const r = await run(['sense', ...'70 00 05 00 00 00 00 0a 00 00 00 00 26 08 00 00 00 00'.split(' ')]);
    expect(r.code).toBe(0);
    expect(r.err).toEqual([]);
    expect(r.out).toEqual([
      'response code: 70h (fixed format, current error)',
      'sense key: 05h ILLEGAL REQUEST',
      'ASC/ASCQ: 26h/08h TOO MANY SEGMENT DESCRIPTORS',
    ]);
  });

  it('takes hex without spaces and prints FILEMARK/ILI/INFORMATION and the field pointer', async () => {
    const tape = await run(['sense', 'f000a0000001000a0000000000010000000000']);
    expect(tape.code).toBe(0);
    expect(tape.out).toContain('flags: FILEMARK ILI');
    expect(tape.out).toContain('INFORMATION: 0x00000100 (256)');
    const fp = await run(['sense', '70 00 05 00000000 0a 00000000 24 00 00 cc 0001']);
    expect(fp.out).toContain('sense-key specific: field pointer: CDB byte 1 bit 4');
  });

  it('decodes descriptor-format sense with information and a field pointer', async () => {
    const r = await run([
      'sense',
      '72 05 24 00 00 00 00 14',
      '000a800000000000000000 12',
      '0206 0000 cf 0003 00',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toEqual([
      'response code: 72h (descriptor format, current error)',
      'sense key: 05h ILLEGAL REQUEST',
      'ASC/ASCQ: 24h/00h INVALID FIELD IN CDB',
      'INFORMATION: 0x0000000000000012 (18)',
      'sense-key specific: field pointer: CDB byte 3 bit 7',
      'descriptor 00h INFORMATION: VALID=1 0x0000000000000012 (18)',
      'descriptor 02h SENSE KEY SPECIFIC: field pointer: CDB byte 3 bit 7',
    ]);
  });

  it('--json prints the structure', async () => {
    const r = await run(['sense', '--json', '70 00 05 00 00 00 00 0a 00 00 00 01 26 08 00 80 00 10']);
    expect(r.code).toBe(0);
    expect(r.out).toHaveLength(1);
    expect(JSON.parse(r.out[0])).toEqual({
      responseCode: 0x70,
      senseKey: 5,
      asc: 0x26,
      ascq: 0x08,
      sdatOvfl: false,
      filemark: false,
      eom: false,
      ili: false,
      commandSpecificInformation: '1',
      fieldReplaceableUnitCode: 0,
      additionalSenseBytes: '',
      senseKeySpecific: { kind: 'fieldPointer', commandData: false, fieldPointer: 16 },
    });
  });

  it('bad hex and undecodable sense are one-line errors with exit code 2', async () => {
    for (const args of [
      ['sense', '7g'],
      ['sense', '700'],
      ['sense', '70 00 05'],
      ['sense', '00 00 00 00 00 00 00 00'],
    ]) {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.out).toEqual([]);
      expect(r.err).toHaveLength(1);
      expect(r.err[0]).toMatch(/^xcopyctl: /);
    }
  });

  it('needs at least one hex argument', async () => {
    const r = await run(['sense']);
    expect(r.code).toBe(2);
    expect(r.err).toHaveLength(1);
  });
});
