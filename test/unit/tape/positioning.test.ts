// Logical object numbering, file numbers, LOCATE and SPACE in both directions with every stop
// rule (SSC-4 6.6: a filemark met while spacing blocks is crossed and ends the command; EOD and
// BOP end it in place), checked on a fixed layout and against a step-by-step reference model.
import fc from 'fast-check';
import { Cartridge, type SpaceResult } from '../../../emulator/tape';
import { blockData, type Layout, newCartridge, removeDir, tempDir, writeLayout } from './helpers';

// objects: 0 B, 1 B, 2 F, 3 B, 4 F, 5 F, 6 B, 7 B, 8 B, 9 F, 10 B; EOD = 11
const LAYOUT: Layout = [100, 200, 'F', 300, 'F', 'F', 400, 500, 600, 'F', 700];

let dir: string;
let tape: Cartridge;

beforeAll(() => {
  dir = tempDir();
  tape = newCartridge(dir);
  writeLayout(tape, LAYOUT);
});

afterAll(() => {
  tape.close();
  removeDir(dir);
});

function at(pos: number): Cartridge {
  expect(tape.locate(pos)).toEqual({ objectNumber: pos, stoppedAt: null });
  return tape;
}

describe('object numbering and file numbers', () => {
  test('EOD is the object count; filemarks count as one object each', () => {
    expect(tape.eod).toBe(11);
    expect(tape.filemarkCount).toBe(4);
    expect(tape.usedBytes).toBe(100 + 200 + 300 + 400 + 500 + 600 + 700);
  });

  test('reading from BOP returns every object in order, then EOD without moving', () => {
    tape.rewind();
    LAYOUT.forEach((item, i) => {
      expect(tape.position).toBe(i);
      const r = tape.read();
      if (item === 'F') expect(r).toEqual({ kind: 'filemark' });
      else expect(r).toEqual({ kind: 'block', data: blockData(i, item) });
    });
    expect(tape.read()).toEqual({ kind: 'eod' });
    expect(tape.read()).toEqual({ kind: 'eod' });
    expect(tape.position).toBe(11);
  });

  test('peek tells the kind and length without moving', () => {
    expect(at(1).peek()).toEqual({ kind: 'block', length: 200 });
    expect(at(2).peek()).toEqual({ kind: 'filemark' });
    expect(at(11).peek()).toEqual({ kind: 'eod' });
    expect(tape.position).toBe(11);
  });

  test('file number = filemarks before the position', () => {
    const expected = [0, 0, 0, 1, 1, 2, 3, 3, 3, 3, 4, 4];
    expected.forEach((file, pos) => {
      expect(at(pos).positionInfo()).toEqual({
        partition: 0,
        objectNumber: pos,
        fileNumber: file,
        bop: pos === 0,
        eod: pos === 11,
        earlyWarning: false,
      });
      expect(tape.fileNumberAt(pos)).toBe(file);
    });
  });
});

describe('LOCATE', () => {
  test('to every object, to EOD itself, and beyond EOD (stops at EOD)', () => {
    for (let n = 0; n <= 11; n++) expect(tape.locate(n)).toEqual({ objectNumber: n, stoppedAt: null });
    expect(tape.locate(12)).toEqual({ objectNumber: 11, stoppedAt: 'eod' });
    expect(tape.locate(1e12)).toEqual({ objectNumber: 11, stoppedAt: 'eod' });
    expect(tape.position).toBe(11);
  });

  test('to a file: the object after its filemark; a missing file stops at EOD', () => {
    const starts = [0, 3, 5, 6, 10];
    starts.forEach((obj, file) =>
      expect(tape.locateFile(file)).toEqual({ objectNumber: obj, stoppedAt: null }),
    );
    expect(tape.locateFile(5)).toEqual({ objectNumber: 11, stoppedAt: 'eod' });
  });

  test('rejects negative and fractional destinations', () => {
    expect(() => tape.locate(-1)).toThrow(RangeError);
    expect(() => tape.locate(1.5)).toThrow(RangeError);
    expect(() => tape.locateFile(-1)).toThrow(RangeError);
  });
});

function space(start: number, op: (c: Cartridge) => SpaceResult): [SpaceResult, number] {
  const r = op(at(start));
  return [r, tape.position];
}

describe('SPACE blocks', () => {
  test.each([
    // start, count, moved, notSpaced, stoppedAt, end position
    [0, 2, 2, 0, null, 2],
    [0, 3, 2, 1, 'filemark', 3], // crosses the filemark at 2: EOM side
    [6, 3, 3, 0, null, 9],
    [6, 5, 3, 2, 'filemark', 10],
    [3, 1, 1, 0, null, 4],
    [4, 1, 0, 1, 'filemark', 5], // at a filemark: nothing spaced, mark crossed
    [10, 1, 1, 0, null, 11],
    [10, 2, 1, 1, 'eod', 11],
    [11, 1, 0, 1, 'eod', 11],
  ] as const)('forward from %i by %i', (start, count, moved, notSpaced, stoppedAt, end) => {
    expect(space(start, (c) => c.spaceBlocks(count))).toEqual([{ moved, notSpaced, stoppedAt }, end]);
  });

  test.each([
    [9, -3, 3, 0, null, 6],
    [9, -4, 3, 1, 'filemark', 5], // crosses filemark 5: BOP side of it
    [3, -1, 0, 1, 'filemark', 2],
    [2, -2, 2, 0, null, 0],
    [2, -3, 2, 1, 'bop', 0],
    [0, -1, 0, 1, 'bop', 0],
    [11, -1, 1, 0, null, 10],
    [11, -2, 1, 1, 'filemark', 9],
  ] as const)('reverse from %i by %i', (start, count, moved, notSpaced, stoppedAt, end) => {
    expect(space(start, (c) => c.spaceBlocks(count))).toEqual([{ moved, notSpaced, stoppedAt }, end]);
  });

  test('a zero count does not move', () => {
    expect(space(7, (c) => c.spaceBlocks(0))).toEqual([{ moved: 0, notSpaced: 0, stoppedAt: null }, 7]);
  });
});

describe('SPACE filemarks', () => {
  test.each([
    [0, 1, 1, 0, null, 3],
    [0, 2, 2, 0, null, 5],
    [0, 4, 4, 0, null, 10],
    [0, 5, 4, 1, 'eod', 11],
    [3, 1, 1, 0, null, 5],
    [2, 1, 1, 0, null, 3], // standing before a filemark: crosses it
    [10, 1, 0, 1, 'eod', 11],
  ] as const)('forward from %i by %i', (start, count, moved, notSpaced, stoppedAt, end) => {
    expect(space(start, (c) => c.spaceFilemarks(count))).toEqual([{ moved, notSpaced, stoppedAt }, end]);
  });

  test.each([
    [11, -1, 1, 0, null, 9],
    [11, -2, 2, 0, null, 5],
    [11, -3, 3, 0, null, 4],
    [11, -4, 4, 0, null, 2],
    [11, -5, 4, 1, 'bop', 0],
    [5, -1, 1, 0, null, 4],
    [3, -1, 1, 0, null, 2],
    [2, -1, 0, 1, 'bop', 0],
  ] as const)('reverse from %i by %i', (start, count, moved, notSpaced, stoppedAt, end) => {
    expect(space(start, (c) => c.spaceFilemarks(count))).toEqual([{ moved, notSpaced, stoppedAt }, end]);
  });

  test('sequential filemarks find the first run long enough', () => {
    expect(space(0, (c) => c.spaceSequentialFilemarks(2))).toEqual([
      { moved: 2, notSpaced: 0, stoppedAt: null },
      6,
    ]);
    expect(space(0, (c) => c.spaceSequentialFilemarks(1))).toEqual([
      { moved: 1, notSpaced: 0, stoppedAt: null },
      3,
    ]);
    expect(space(0, (c) => c.spaceSequentialFilemarks(3))).toEqual([
      { moved: 0, notSpaced: 3, stoppedAt: 'eod' },
      11,
    ]);
    expect(space(11, (c) => c.spaceSequentialFilemarks(-2))).toEqual([
      { moved: 2, notSpaced: 0, stoppedAt: null },
      4,
    ]);
    expect(space(11, (c) => c.spaceSequentialFilemarks(-1))).toEqual([
      { moved: 1, notSpaced: 0, stoppedAt: null },
      9,
    ]);
    expect(space(4, (c) => c.spaceSequentialFilemarks(-2))).toEqual([
      { moved: 0, notSpaced: 2, stoppedAt: 'bop' },
      0,
    ]);
    expect(space(5, (c) => c.spaceSequentialFilemarks(0))).toEqual([
      { moved: 0, notSpaced: 0, stoppedAt: null },
      5,
    ]);
  });

  test('space to EOD and rewind', () => {
    at(3).spaceToEod();
    expect(tape.position).toBe(11);
    tape.rewind();
    expect(tape.positionInfo().bop).toBe(true);
  });
});

// --- reference model ---------------------------------------------------------------------------------

/** One object at a time, straight from the SSC wording. */
class Model {
  pos = 0;
  constructor(readonly objs: ('B' | 'F')[]) {}

  spaceBlocks(n: number): SpaceResult {
    const want = Math.abs(n);
    let moved = 0;
    while (moved < want) {
      if (n > 0) {
        if (this.pos === this.objs.length) return { moved, notSpaced: want - moved, stoppedAt: 'eod' };
        const o = this.objs[this.pos++];
        if (o === 'F') return { moved, notSpaced: want - moved, stoppedAt: 'filemark' };
      } else {
        if (this.pos === 0) return { moved, notSpaced: want - moved, stoppedAt: 'bop' };
        const o = this.objs[--this.pos];
        if (o === 'F') return { moved, notSpaced: want - moved, stoppedAt: 'filemark' };
      }
      moved++;
    }
    return { moved, notSpaced: 0, stoppedAt: null };
  }

  spaceFilemarks(n: number): SpaceResult {
    const want = Math.abs(n);
    let moved = 0;
    while (moved < want) {
      if (n > 0) {
        if (this.pos === this.objs.length) return { moved, notSpaced: want - moved, stoppedAt: 'eod' };
        if (this.objs[this.pos++] === 'F') moved++;
      } else {
        if (this.pos === 0) return { moved, notSpaced: want - moved, stoppedAt: 'bop' };
        if (this.objs[--this.pos] === 'F') moved++;
      }
    }
    return { moved, notSpaced: 0, stoppedAt: null };
  }

  fileNumber(): number {
    return this.objs.slice(0, this.pos).filter((o) => o === 'F').length;
  }
}

type Op =
  | { op: 'blocks' | 'filemarks'; n: number }
  | { op: 'locate'; n: number }
  | { op: 'locateFile'; n: number }
  | { op: 'read' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constantFrom('blocks' as const, 'filemarks' as const),
    n: fc.integer({ min: -8, max: 8 }),
  }),
  fc.record({ op: fc.constant('locate' as const), n: fc.nat(40) }),
  fc.record({ op: fc.constant('locateFile' as const), n: fc.nat(12) }),
  fc.record({ op: fc.constant('read' as const) }),
);

test('random layouts and operation sequences agree with the step-by-step model', () => {
  const modelDir = tempDir();
  let run = 0;
  try {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant<'F'>('F'), fc.integer({ min: 1, max: 64 })), { maxLength: 30 }),
        fc.array(opArb, { maxLength: 40 }),
        (layout, ops) => {
          const c = newCartridge(modelDir, {}, {}, `m${run++}.vtape`);
          try {
            writeLayout(c, layout, 7);
            const m = new Model(layout.map((x) => (x === 'F' ? 'F' : 'B')));
            c.rewind();
            for (const o of ops) {
              switch (o.op) {
                case 'blocks':
                  expect(c.spaceBlocks(o.n)).toEqual(m.spaceBlocks(o.n));
                  break;
                case 'filemarks':
                  expect(c.spaceFilemarks(o.n)).toEqual(m.spaceFilemarks(o.n));
                  break;
                case 'locate':
                  m.pos = Math.min(o.n, layout.length);
                  expect(c.locate(o.n).stoppedAt).toBe(o.n > layout.length ? 'eod' : null);
                  break;
                case 'locateFile': {
                  const marks = layout.flatMap((x, i) => (x === 'F' ? [i] : []));
                  m.pos = o.n === 0 ? 0 : o.n <= marks.length ? marks[o.n - 1] + 1 : layout.length;
                  c.locateFile(o.n);
                  break;
                }
                case 'read': {
                  const r = c.read();
                  if (m.pos === layout.length) expect(r.kind).toBe('eod');
                  else {
                    const item = layout[m.pos];
                    expect(r).toEqual(
                      item === 'F'
                        ? { kind: 'filemark' }
                        : { kind: 'block', data: blockData(m.pos, item, 7) },
                    );
                    m.pos++;
                  }
                  break;
                }
              }
              expect(c.position).toBe(m.pos);
              expect(c.positionInfo().fileNumber).toBe(m.fileNumber());
            }
          } finally {
            c.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  } finally {
    removeDir(modelDir);
  }
});
