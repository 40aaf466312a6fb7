// Scale: 100k+ objects. LOCATE and file locate are index lookups (no scanning), reads go straight
// to the record, and a reopen with a current index checkpoint reads a handful of bytes, not the file.
import fs from 'node:fs';
import { Cartridge, indexPathOf } from '../../../emulator/tape';
import { RECORD_HEADER_SIZE, SLOT_SIZE } from '../../../emulator/tape/format';
import { newCartridge, removeDir, tempDir } from './helpers';

const OBJECTS = 120_000;
const isMark = (i: number): boolean => i % 100 === 99;

function payload(i: number): Buffer {
  const b = Buffer.alloc(8 + (i % 13));
  b.writeUInt32BE(i, 0);
  b.writeUInt32BE(i ^ 0x5a5a5a5a, 4);
  return b;
}

let dir: string;
let tapePath: string;

beforeAll(() => {
  dir = tempDir();
  const c = newCartridge(dir);
  tapePath = c.path;
  let batch: Buffer[] = [];
  for (let i = 0; i < OBJECTS; i++) {
    if (isMark(i)) {
      c.writeBlocks(batch);
      batch = [];
      c.writeFilemarks(1, { sync: false });
    } else batch.push(payload(i));
  }
  c.writeBlocks(batch);
  c.close();
}, 60_000);

afterAll(() => {
  removeDir(dir);
});

function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (x * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

test('random LOCATE + READ over 120k objects is direct (no scanning)', () => {
  const c = Cartridge.open(tapePath, { readOnly: true });
  try {
    expect(c.eod).toBe(OBJECTS);
    expect(c.filemarkCount).toBe(OBJECTS / 100);
    const read = jest.spyOn(fs, 'readSync');
    const rnd = lcg(42);
    const started = process.hrtime.bigint();
    for (let k = 0; k < 20_000; k++) {
      const n = Math.floor(rnd() * OBJECTS);
      c.locate(n);
      const r = c.read();
      if (isMark(n)) expect(r.kind).toBe('filemark');
      else if (r.kind !== 'block' || !r.data.equals(payload(n)))
        throw new Error(`object ${n} read back wrong`);
      expect(c.positionInfo().fileNumber).toBe(Math.floor((n + 1) / 100));
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    // one pread per block read, nothing else
    expect(read.mock.calls.length).toBeLessThanOrEqual(20_000);
    expect(ms).toBeLessThan(10_000);
    read.mockRestore();
    for (const file of [0, 1, 599, 1199, 1200]) {
      expect(c.locateFile(file)).toEqual({ objectNumber: file * 100, stoppedAt: null });
    }
    expect(c.locateFile(1201)).toEqual({ objectNumber: OBJECTS, stoppedAt: 'eod' });
    c.locate(50_000);
    expect(c.spaceFilemarks(-3)).toEqual({ moved: 3, notSpaced: 0, stoppedAt: null });
    expect(c.position).toBe(49_799);
    expect(c.spaceBlocks(1000)).toEqual({ moved: 0, notSpaced: 1000, stoppedAt: 'filemark' });
    expect(c.spaceBlocks(1000)).toEqual({ moved: 99, notSpaced: 901, stoppedAt: 'filemark' });
  } finally {
    c.close();
  }
});

test('reopening with a current checkpoint reads only the header slots and one record header', () => {
  const read = jest.spyOn(fs, 'readSync');
  const c = Cartridge.open(tapePath);
  try {
    // header slots, the index file and the last indexed record header; nothing of the data
    const bytes = read.mock.results.reduce((n, r) => n + (r.value as number), 0);
    expect(bytes).toBe(2 * SLOT_SIZE + fs.statSync(indexPathOf(tapePath)).size + RECORD_HEADER_SIZE);
    expect(fs.statSync(tapePath).size).toBeGreaterThan(5_000_000);
    expect(c.recovery).toEqual({ indexedObjects: OBJECTS, scannedObjects: 0, discardedBytes: 0 });
    expect(c.eod).toBe(OBJECTS);
  } finally {
    read.mockRestore();
    c.close();
  }
});
