// Reopen and crash recovery: everything survives close/open; a damaged tail (cut at any byte,
// garbage appended, a torn record) leaves every earlier object intact with EOD right after the
// last intact one; the index checkpoint is trusted only when it matches; a stale tail that
// survives a lost truncate is rejected by the generation rule; header slots fall back.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { Cartridge, CartridgeCorruptError, indexPathOf } from '../../../emulator/tape';
import {
  decodeHeaderSlot,
  encodeHeaderSlot,
  RECORD_HEADER_SIZE,
  RECORDS_START,
  SLOT_SIZE,
} from '../../../emulator/tape/format';
import {
  blockData,
  DEFAULT_CREATE,
  type Layout,
  newCartridge,
  removeDir,
  tempDir,
  writeLayout,
} from './helpers';

let dir: string;

beforeEach(() => {
  dir = tempDir();
});

afterEach(() => {
  removeDir(dir);
});

/** Byte offset just after object i-1's record, for a layout. */
function endOf(layout: Layout, objects: number): number {
  let off = RECORDS_START;
  for (let i = 0; i < objects; i++)
    off += RECORD_HEADER_SIZE + (layout[i] === 'F' ? 0 : (layout[i] as number));
  return off;
}

function expectContents(c: Cartridge, layout: Layout, objects: number, seed = 0): void {
  expect(c.eod).toBe(objects);
  c.rewind();
  for (let i = 0; i < objects; i++) {
    const item = layout[i];
    expect(c.read()).toEqual(
      item === 'F' ? { kind: 'filemark' } : { kind: 'block', data: blockData(i, item, seed) },
    );
  }
  expect(c.read()).toEqual({ kind: 'eod' });
  expect(c.position).toBe(objects);
}

const LAYOUT: Layout = [1000, 'F', 2000, 3000, 'F', 'F', 17, 1];

describe('reopen', () => {
  test('objects, file numbers, identity, MAM and capacity survive close/open; loads are counted', () => {
    const c = newCartridge(dir);
    expect(c.loadCount).toBe(0);
    writeLayout(c, LAYOUT);
    c.writeMamAttribute(0x0801, 'ascii', Buffer.from('XCOPY BACKUP'.padEnd(32)));
    const info = c.info;
    c.close();
    const r = Cartridge.open(c.path);
    expect(r.loadCount).toBe(1);
    expect(r.info).toEqual(info);
    expect(r.position).toBe(0);
    expect(r.usedBytes).toBe(6018);
    expect(r.filemarkCount).toBe(3);
    expect(r.recovery).toEqual({ indexedObjects: 8, scannedObjects: 0, discardedBytes: 0 });
    expectContents(r, LAYOUT, 8);
    r.locate(6);
    expect(r.positionInfo().fileNumber).toBe(3);
    expect(r.mamAttribute(0x0801)?.value.toString()).toBe('XCOPY BACKUP'.padEnd(32));
    r.close();
    const again = Cartridge.open(c.path);
    expect(again.loadCount).toBe(2);
    again.close();
  });

  test('without an index the file is scanned, and the index is rebuilt', () => {
    const c = newCartridge(dir);
    writeLayout(c, LAYOUT);
    c.close();
    fs.rmSync(indexPathOf(c.path));
    const r = Cartridge.open(c.path);
    expect(r.recovery).toEqual({
      indexedObjects: 0,
      scannedObjects: 8,
      indexRejected: 'no index file',
      discardedBytes: 0,
    });
    expectContents(r, LAYOUT, 8);
    expect(fs.existsSync(indexPathOf(c.path))).toBe(true);
    r.close();
    const again = Cartridge.open(c.path);
    expect(again.recovery).toEqual({ indexedObjects: 8, scannedObjects: 0, discardedBytes: 0 });
    again.close();
  });

  test("another cartridge's index is not trusted", () => {
    const a = newCartridge(dir, {}, {}, 'a.vtape');
    writeLayout(a, [5, 6]);
    a.close();
    const b = newCartridge(dir, {}, {}, 'b.vtape');
    writeLayout(b, [7, 8, 9]);
    b.close();
    fs.copyFileSync(indexPathOf(a.path), indexPathOf(b.path));
    const r = Cartridge.open(b.path);
    expect(r.recovery.indexRejected).toBe('index belongs to another cartridge');
    expectContents(r, [7, 8, 9], 3);
    r.close();
  });

  test('an index that reaches beyond the data file is not trusted', () => {
    const c = newCartridge(dir);
    writeLayout(c, LAYOUT);
    c.close();
    fs.truncateSync(c.path, endOf(LAYOUT, 5));
    const r = Cartridge.open(c.path);
    expect(r.recovery.indexRejected).toBe('index reaches beyond the data file');
    expectContents(r, LAYOUT, 5);
    r.close();
  });

  test('a read-only open recovers in memory and leaves the file alone', () => {
    const c = newCartridge(dir);
    writeLayout(c, LAYOUT);
    c.close();
    const cut = endOf(LAYOUT, 4) + 10;
    fs.truncateSync(c.path, cut);
    const r = Cartridge.open(c.path, { readOnly: true });
    expectContents(r, LAYOUT, 4);
    expect(r.recovery.discardedBytes).toBe(10);
    r.close();
    expect(fs.statSync(c.path).size).toBe(cut);
  });

  test('a damaged record inside the checkpointed prefix fails its read with the object number', () => {
    const c = newCartridge(dir);
    writeLayout(c, LAYOUT);
    c.close();
    const fd = fs.openSync(c.path, 'r+');
    fs.writeSync(fd, Buffer.from([0xff]), 0, 1, endOf(LAYOUT, 2) + RECORD_HEADER_SIZE + 100);
    fs.closeSync(fd);
    const r = Cartridge.open(c.path);
    expect(r.eod).toBe(8);
    r.locate(2);
    let err: unknown;
    try {
      r.read();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CartridgeCorruptError);
    expect(err).toMatchObject({ objectNumber: 2, offset: endOf(LAYOUT, 2), detail: 'record CRC mismatch' });
    expect(r.position).toBe(2);
    r.locate(3);
    expect(r.read()).toEqual({ kind: 'block', data: blockData(3, 3000) });
    r.close();
  });
});

describe('damage the index cannot hide', () => {
  test('a record header that contradicts the index fails its read', () => {
    const c = newCartridge(dir);
    writeLayout(c, LAYOUT);
    c.close();
    const fd = fs.openSync(c.path, 'r+');
    fs.writeSync(fd, Buffer.from([0x77]), 0, 1, endOf(LAYOUT, 3) + 23); // object number byte
    fs.closeSync(fd);
    const r = Cartridge.open(c.path, { readOnly: true });
    r.locate(3);
    expect(() => r.read()).toThrow(/record header does not match the index \(object 3\)/);
    r.sync(); // read-only: nothing to sync, no error
    r.close();
  });

  test('an index whose last record is gone is rejected and the scan decides', () => {
    const c = newCartridge(dir);
    writeLayout(c, LAYOUT);
    c.close();
    const fd = fs.openSync(c.path, 'r+');
    fs.writeSync(fd, Buffer.alloc(4), 0, 4, endOf(LAYOUT, 7)); // magic of the last record
    fs.closeSync(fd);
    const r = Cartridge.open(c.path);
    expect(r.recovery).toEqual({
      indexedObjects: 0,
      scannedObjects: 7,
      indexRejected: 'last indexed record does not match (no record magic)',
      stopReason: 'no record magic',
      discardedBytes: RECORD_HEADER_SIZE + 1,
    });
    expectContents(r, LAYOUT, 7);
    r.close();
  });

  test('a file cut inside its header slots, or with more than one partition, is refused', () => {
    const c = newCartridge(dir);
    c.close();
    fs.truncateSync(c.path, SLOT_SIZE + 100);
    expect(() => Cartridge.open(c.path)).toThrow(/shorter than its header/);
    const d = newCartridge(dir, {}, {}, 'two.vtape');
    d.close();
    const slot = fs.readFileSync(d.path).subarray(0, SLOT_SIZE);
    const decoded = decodeHeaderSlot(slot);
    if (!decoded.ok) throw new Error(decoded.reason);
    const two = encodeHeaderSlot({ ...decoded.value, partitionCount: 2, slotSequence: 99 });
    const fd = fs.openSync(d.path, 'r+');
    fs.writeSync(fd, two, 0, two.length, SLOT_SIZE);
    fs.closeSync(fd);
    expect(() => Cartridge.open(d.path)).toThrow(/2 partitions \(this version supports 1\)/);
  });
});

describe('header slots', () => {
  test('a torn newest slot falls back to the other one', () => {
    const c = newCartridge(dir);
    c.close();
    Cartridge.open(c.path).close(); // load 1 -> slot 1 (sequence 2)
    Cartridge.open(c.path).close(); // load 2 -> slot 0 (sequence 3)
    const fd = fs.openSync(c.path, 'r+');
    fs.writeSync(fd, Buffer.alloc(100, 0xee), 0, 100, 50); // tear slot 0
    fs.closeSync(fd);
    const r = Cartridge.open(c.path, { readOnly: true });
    expect(r.loadCount).toBe(1);
    r.close();
  });

  test('no valid slot, or not a cartridge at all: CartridgeCorruptError', () => {
    const c = newCartridge(dir);
    c.close();
    const fd = fs.openSync(c.path, 'r+');
    fs.writeSync(fd, Buffer.alloc(8, 0x41), 0, 8, 0);
    fs.writeSync(fd, Buffer.alloc(8, 0x41), 0, 8, SLOT_SIZE);
    fs.closeSync(fd);
    expect(() => Cartridge.open(c.path)).toThrow(
      /no valid header slot \(slot 0: bad magic; slot 1: bad magic\)/,
    );
    const other = path.join(dir, 'other');
    fs.writeFileSync(other, 'hello');
    expect(() => Cartridge.open(other)).toThrow(CartridgeCorruptError);
  });

  test('create refuses an existing file and invalid identity fields', () => {
    const c = newCartridge(dir);
    c.close();
    expect(() => Cartridge.create(c.path, DEFAULT_CREATE)).toThrow(/already exists/);
    expect(() => newCartridge(dir, { barcode: 'X'.repeat(33) }, {}, 'x1')).toThrow(RangeError);
    expect(() => newCartridge(dir, { mediumSerial: 'caf\u00e9' }, {}, 'x2')).toThrow(RangeError);
    expect(() => newCartridge(dir, { capacityBytes: 0 }, {}, 'x3')).toThrow(RangeError);
    expect(() =>
      newCartridge(dir, { earlyWarningBytes: DEFAULT_CREATE.capacityBytes + 1 }, {}, 'x4'),
    ).toThrow(RangeError);
    expect(() => newCartridge(dir, { densityCode: 256 }, {}, 'x5')).toThrow(RangeError);
    expect(fs.readdirSync(dir).sort()).toEqual(['tape.vtape', 'tape.vtape.idx']);
  });
});

describe('generation rule', () => {
  test('records that survive a lost truncate behind a newer record are rejected', () => {
    const layout: Layout = [100, 100, 100, 100, 100];
    const c = newCartridge(dir);
    writeLayout(c, layout, 1);
    c.close();
    const oldTail = fs.readFileSync(c.path).subarray(endOf(layout, 3));
    const r = Cartridge.open(c.path);
    r.locate(2);
    r.writeBlock(blockData(2, 100, 2)); // same size: old records 3 and 4 would chain on by number
    r.close();
    for (const withIndex of [true, false]) {
      // the truncate is "lost": the old records reappear after the new object 2
      fs.appendFileSync(c.path, oldTail);
      if (!withIndex) fs.rmSync(indexPathOf(c.path));
      const x = Cartridge.open(c.path);
      expect(x.eod).toBe(3);
      // the first recovery raised the generation again (2..2, then 2..3)
      expect(x.recovery.stopReason).toBe(`generation 1 outside 2..${withIndex ? 2 : 3}`);
      expect(x.recovery.discardedBytes).toBe(oldTail.length);
      x.locate(2);
      expect(x.read()).toEqual({ kind: 'block', data: blockData(2, 100, 2) });
      x.close();
      expect(fs.statSync(c.path).size).toBe(endOf(layout, 3));
    }
  });
});

// --- crash property ---------------------------------------------------------------------------------

type Damage =
  | { kind: 'cut'; at: number }
  | { kind: 'garbage'; bytes: Uint8Array }
  | { kind: 'torn'; record: number; within: number };

const damageArb: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('garbage' as const),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 200 }),
  }),
  fc.record({ kind: fc.constant('torn' as const), record: fc.nat(), within: fc.nat() }),
);

test('crash property: any damaged tail leaves an intact prefix with EOD right after it', () => {
  let run = 0;
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.constant<'F'>('F'), fc.integer({ min: 1, max: 3000 })), {
        minLength: 1,
        maxLength: 20,
      }),
      fc.nat(),
      fc.boolean(),
      damageArb,
      (layout, checkpointPick, keepIndex, damage) => {
        const n = layout.length;
        const k = checkpointPick % (n + 1); // objects covered by the surviving index
        const c = newCartridge(dir, {}, {}, `crash${run++}.vtape`);
        writeLayout(c, layout.slice(0, k), 3);
        c.close();
        const idxPath = indexPathOf(c.path);
        const savedIndex = fs.readFileSync(idxPath);
        const w = Cartridge.open(c.path);
        w.spaceToEod();
        layout.slice(k).forEach((item, j) => {
          if (item === 'F') w.writeFilemarks(1, { sync: false });
          else w.writeBlock(blockData(k + j, item, 3));
        });
        w.close();
        // "crash": only the checkpoint of the first k objects made it (or none at all)
        if (keepIndex) fs.writeFileSync(idxPath, savedIndex);
        else fs.rmSync(idxPath);
        const first = keepIndex ? k : 0; // damage only what a crash can damage: the unindexed tail
        const dataEnd = endOf(layout, n);
        let expected: number;
        switch (damage.kind) {
          case 'cut': {
            const at = endOf(layout, first) + (damage.at % (dataEnd - endOf(layout, first) + 1));
            fs.truncateSync(c.path, at);
            expected = 0;
            while (expected < n && endOf(layout, expected + 1) <= at) expected++;
            break;
          }
          case 'garbage':
            fs.appendFileSync(c.path, damage.bytes);
            expected = n;
            break;
          case 'torn': {
            if (first === n) return; // nothing unindexed to tear
            const j = first + (damage.record % (n - first));
            const start = endOf(layout, j) + (damage.within % (endOf(layout, j + 1) - endOf(layout, j)));
            const bytes = fs.readFileSync(c.path);
            for (let i = start; i < bytes.length; i++) bytes[i] ^= 0xff; // torn write: changed bytes
            fs.writeFileSync(c.path, bytes);
            expected = j;
            break;
          }
        }
        const r = Cartridge.open(c.path);
        try {
          expectContents(r, layout, expected, 3);
          expect(fs.statSync(c.path).size).toBe(endOf(layout, expected));
          // EOD is writable right away and the next open needs no scan
          r.writeBlock(Buffer.from('after recovery'));
        } finally {
          r.close();
        }
        const again = Cartridge.open(c.path, { readOnly: true });
        try {
          expect(again.recovery).toEqual({
            indexedObjects: expected + 1,
            scannedObjects: 0,
            discardedBytes: 0,
          });
          again.locate(expected);
          expect(again.read()).toEqual({ kind: 'block', data: Buffer.from('after recovery') });
        } finally {
          again.close();
        }
      },
    ),
    { numRuns: 80 },
  );
});
