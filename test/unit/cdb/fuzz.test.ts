// Every decoder in cdb/ gets random and mutated bytes; the only acceptable failure is SenseError.
import * as fc from 'fast-check';
import { ALL_COMMANDS, ALL_DECODERS, describeCdb } from '../../../cdb/commands';
import { SenseError } from '../../../cdb/errors';

function onlySenseErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof SenseError)) {
      throw new Error(`decoder threw a non-SenseError: ${e instanceof Error ? e.stack : String(e)}`, {
        cause: e,
      });
    }
  }
}

const RUNS = 300;

describe('fuzz: every decoder throws only SenseError', () => {
  const names = Object.keys(ALL_DECODERS);

  it('has decoders registered for every command set', () => {
    for (const set of ['spc.', 'sbc.', 'ssc.', 'smc.', 'xcopy.']) {
      expect(names.some((n) => n.startsWith(set))).toBe(true);
    }
  });

  it.each(names)('%s on random bytes', (name) => {
    const decode = ALL_DECODERS[name];
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 600 }), (bytes) => {
        onlySenseErrors(() => decode(Buffer.from(bytes)));
      }),
      { numRuns: RUNS },
    );
  });

  it.each(ALL_COMMANDS.map((c) => [c.name, c] as const))(
    '%s CDB with its opcode and random fields',
    (_n, codec) => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 0, maxLength: 32 }),
          fc.integer({ min: 0, max: 31 }),
          (rest, sa) => {
            const cdb = Buffer.alloc(Math.max(rest.length, 1));
            Buffer.from(rest).copy(cdb);
            cdb[0] = codec.opcode;
            if (codec.serviceAction !== undefined && cdb.length > 1) cdb[1] = (cdb[1] & 0xe0) | (sa & 0x1f);
            onlySenseErrors(() => codec.decode(cdb));
            onlySenseErrors(() => describeCdb(cdb));
          },
        ),
        { numRuns: RUNS },
      );
    },
  );

  it.each(ALL_COMMANDS.map((c) => [c.name, c] as const))(
    '%s: truncated and random CDBs of the right length',
    (_n, codec) => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: codec.cdbLength, maxLength: codec.cdbLength }),
          fc.nat(),
          (bytes, cut) => {
            const cdb = Buffer.from(bytes);
            cdb[0] = codec.opcode;
            if (codec.serviceAction !== undefined) cdb[1] = (cdb[1] & 0xe0) | codec.serviceAction;
            onlySenseErrors(() => codec.decode(cdb));
            onlySenseErrors(() => codec.decode(cdb.subarray(0, cut % codec.cdbLength)));
          },
        ),
        { numRuns: RUNS },
      );
    },
  );
});
