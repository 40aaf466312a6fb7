// The store against a plain in-memory model over random operation sequences: writes, WRITE SAME
// (with and without UNMAP), unmaps, snapshots, checkpoints, syncs and reopens.
import fc from 'fast-check';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import {
  FileBlockStore,
  type BlockDevice,
  type ChangedExtent,
  type LbaStatusRun,
} from '../../../emulator/disk';
import { bytes, makeTempDir, removeTempDir } from './helpers';

interface Geo {
  blockSize: number;
  blockCount: number;
  chunkSize: number;
}

interface State {
  data: Buffer;
  mapped: boolean[];
}

interface ModelCheckpoint {
  granularity: number;
  granules: Set<number>;
}

class Model {
  cur: State;
  readonly snapshots = new Map<string, State>();
  readonly checkpoints = new Map<string, ModelCheckpoint>();

  constructor(readonly g: Geo) {
    this.cur = {
      data: Buffer.alloc(g.blockSize * g.blockCount),
      mapped: new Array<boolean>(Math.ceil((g.blockSize * g.blockCount) / g.chunkSize)).fill(false),
    };
  }

  private touch(start: number, end: number): void {
    for (const cp of this.checkpoints.values()) {
      for (let i = Math.floor(start / cp.granularity); i <= Math.floor((end - 1) / cp.granularity); i++)
        cp.granules.add(i);
    }
  }

  write(lba: number, data: Buffer): void {
    const start = lba * this.g.blockSize;
    const end = start + data.length;
    data.copy(this.cur.data, start);
    for (let c = Math.floor(start / this.g.chunkSize); c <= Math.floor((end - 1) / this.g.chunkSize); c++) {
      this.cur.mapped[c] = true;
    }
    this.touch(start, end);
  }

  unmap(lba: number, count: number): void {
    if (count === 0) return;
    const start = lba * this.g.blockSize;
    const end = start + count * this.g.blockSize;
    const capacity = this.cur.data.length;
    this.cur.data.fill(0, start, end);
    for (let c = Math.floor(start / this.g.chunkSize); c <= Math.floor((end - 1) / this.g.chunkSize); c++) {
      const cs = c * this.g.chunkSize;
      const ce = Math.min(cs + this.g.chunkSize, capacity);
      if (start <= cs && ce <= end) this.cur.mapped[c] = false;
    }
    this.touch(start, end);
  }

  static clone(s: State): State {
    return { data: Buffer.from(s.data), mapped: [...s.mapped] };
  }

  status(s: State, lba: number): LbaStatusRun[] {
    const bpc = this.g.chunkSize / this.g.blockSize;
    const runs: LbaStatusRun[] = [];
    for (let b = lba; b < this.g.blockCount;) {
      const c = Math.floor(b / bpc);
      const end = Math.min((c + 1) * bpc, this.g.blockCount);
      const state = s.mapped[c] ? 'mapped' : 'deallocated';
      const last = runs[runs.length - 1];
      if (last !== undefined && last.state === state) last.count += BigInt(end - b);
      else runs.push({ lba: BigInt(b), count: BigInt(end - b), state });
      b = end;
    }
    return runs;
  }

  extents(name: string): ChangedExtent[] {
    const cp = this.checkpoints.get(name);
    if (cp === undefined) throw new Error(`no model checkpoint ${name}`);
    const capacity = this.cur.data.length;
    const out: ChangedExtent[] = [];
    for (const i of [...cp.granules].sort((a, b) => a - b)) {
      const offsetBytes = i * cp.granularity;
      const end = Math.min(offsetBytes + cp.granularity, capacity);
      const last = out[out.length - 1];
      if (last !== undefined && last.offsetBytes + last.lengthBytes === offsetBytes) {
        last.lengthBytes = end - last.offsetBytes;
        last.count = BigInt(last.lengthBytes / this.g.blockSize);
      } else {
        out.push({
          offsetBytes,
          lengthBytes: end - offsetBytes,
          lba: BigInt(offsetBytes / this.g.blockSize),
          count: BigInt((end - offsetBytes) / this.g.blockSize),
        });
      }
    }
    return out;
  }
}

type Op =
  | { kind: 'write'; lba: number; count: number; seed: number; aligned: boolean }
  | {
      kind: 'writeSame';
      lba: number;
      count: number;
      zero: boolean;
      unmap: boolean;
      seed: number;
      aligned: boolean;
    }
  | { kind: 'unmap'; ranges: Array<{ lba: number; count: number; aligned: boolean }> }
  | { kind: 'snapshot'; slot: number }
  | { kind: 'checkpoint'; slot: number; granularity: number }
  | { kind: 'reopen' }
  | { kind: 'sync' }
  | { kind: 'read'; lba: number; count: number; slot: number };

// Uniform fractions (fast-check's default bias would favour 0, i.e. chunk-aligned LBAs).
const frac = fc.noBias(fc.integer({ min: 0, max: 9999 })).map((n) => n / 10000);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('write' as const),
      lba: frac,
      count: frac,
      seed: fc.nat(),
      aligned: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('writeSame' as const),
      aligned: fc.boolean(),
      lba: frac,
      count: frac,
      zero: fc.boolean(),
      unmap: fc.boolean(),
      seed: fc.nat(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('unmap' as const),
      ranges: fc.array(fc.record({ lba: frac, count: frac, aligned: fc.boolean() }), {
        minLength: 1,
        maxLength: 3,
      }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('snapshot' as const), slot: fc.nat({ max: 2 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('checkpoint' as const),
      slot: fc.nat({ max: 1 }),
      granularity: fc.nat({ max: 2 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'sync' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      lba: frac,
      count: frac,
      slot: fc.nat({ max: 3 }),
    }),
  },
);

/**
 * Map fractions to a block range of 1..maxBlocks blocks inside the device; `aligned` rounds it
 * out to whole chunks (clipped to the capacity), where deallocation happens.
 */
function range(
  g: Geo,
  lbaFrac: number,
  countFrac: number,
  maxBlocks: number,
  aligned = false,
): { lba: number; count: number } {
  let lba = Math.floor(lbaFrac * g.blockCount);
  const room = Math.min(g.blockCount - lba, maxBlocks);
  let end = lba + 1 + Math.floor(countFrac * room);
  if (aligned) {
    const bpc = g.chunkSize / g.blockSize;
    lba -= lba % bpc;
    end = Math.min(Math.ceil(end / bpc) * bpc, g.blockCount);
  }
  return { lba, count: end - lba };
}

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir();
});
afterAll(async () => {
  await removeTempDir(dir);
});

let seq = 0;

async function checkAll(
  store: FileBlockStore,
  model: Model,
  views: (name: string) => BlockDevice,
): Promise<void> {
  const g = model.g;
  expect((await store.read(0n, g.blockCount)).equals(model.cur.data)).toBe(true);
  expect(await store.lbaStatus(0n)).toEqual(model.status(model.cur, 0));
  for (const [name, state] of model.snapshots) {
    const v = views(name);
    expect((await v.read(0n, g.blockCount)).equals(state.data)).toBe(true);
    expect(await v.lbaStatus(0n)).toEqual(model.status(state, 0));
  }
  expect(
    store
      .listSnapshots()
      .map((s) => s.name)
      .sort(),
  ).toEqual([...model.snapshots.keys()].sort());
  for (const name of model.checkpoints.keys())
    expect(store.changedExtents(name)).toEqual(model.extents(name));
  expect(
    store
      .listCheckpoints()
      .map((c) => c.name)
      .sort(),
  ).toEqual([...model.checkpoints.keys()].sort());
}

describe.each<Geo>([
  // Small devices (about five chunks) so random operations keep meeting in the same chunks.
  { blockSize: 512, blockCount: 43, chunkSize: 4096 },
  { blockSize: 4096, blockCount: 19, chunkSize: 16384 },
  { blockSize: 512, blockCount: 24, chunkSize: 512 },
])('store = model ($blockSize-byte blocks, $blockCount blocks, $chunkSize-byte chunks)', (g) => {
  it('over random operation sequences', async () => {
    const bpc = g.chunkSize / g.blockSize;
    const granularities = [g.blockSize, g.chunkSize, 3 * g.blockSize];
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 8, maxLength: 30 }), async (ops) => {
        const image = path.join(dir, `p${++seq}.raw`);
        let store = await FileBlockStore.create(image, {
          blockSize: g.blockSize,
          blockCount: BigInt(g.blockCount),
          chunkSize: g.chunkSize,
          flushIntervalMs: 0,
        });
        const model = new Model(g);
        const views = (name: string): BlockDevice => store.snapshot(name);
        try {
          for (const op of ops) {
            switch (op.kind) {
              case 'write': {
                const r = range(g, op.lba, op.count, 3 * bpc, op.aligned);
                const data = bytes(r.count * g.blockSize, op.seed);
                await store.write(BigInt(r.lba), data);
                model.write(r.lba, data);
                break;
              }
              case 'writeSame': {
                const r = range(g, op.lba, op.count, 4 * bpc, op.aligned);
                const block = op.zero ? Buffer.alloc(g.blockSize) : bytes(g.blockSize, op.seed);
                await store.writeSame(BigInt(r.lba), BigInt(r.count), block, { unmap: op.unmap });
                if (op.unmap && op.zero) model.unmap(r.lba, r.count);
                else model.write(r.lba, Buffer.alloc(r.count * g.blockSize).fill(block));
                break;
              }
              case 'unmap': {
                const rs = op.ranges.map((x) => range(g, x.lba, x.count, 4 * bpc, x.aligned));
                await store.unmap(rs.map((r) => ({ lba: BigInt(r.lba), count: BigInt(r.count) })));
                for (const r of rs) model.unmap(r.lba, r.count);
                break;
              }
              case 'snapshot': {
                const name = `s${op.slot}`;
                if (model.snapshots.has(name)) {
                  await store.deleteSnapshot(name);
                  model.snapshots.delete(name);
                } else {
                  await store.createSnapshot(name);
                  model.snapshots.set(name, Model.clone(model.cur));
                }
                break;
              }
              case 'checkpoint': {
                const name = `c${op.slot}`;
                if (model.checkpoints.has(name)) {
                  await store.deleteCheckpoint(name);
                  model.checkpoints.delete(name);
                } else {
                  const granularity = granularities[op.granularity];
                  await store.createCheckpoint(name, { granularityBytes: granularity });
                  model.checkpoints.set(name, { granularity, granules: new Set() });
                }
                break;
              }
              case 'reopen':
                await store.close();
                store = await FileBlockStore.open(image, { flushIntervalMs: 0 });
                break;
              case 'sync':
                await store.sync();
                break;
              case 'read': {
                const r = range(g, op.lba, op.count, 3 * bpc);
                const name = `s${op.slot}`;
                const state = model.snapshots.get(name);
                const dev = state === undefined ? store : views(name);
                const expected = (state ?? model.cur).data.subarray(
                  r.lba * g.blockSize,
                  (r.lba + r.count) * g.blockSize,
                );
                expect((await dev.read(BigInt(r.lba), r.count)).equals(expected)).toBe(true);
                expect(await dev.lbaStatus(BigInt(r.lba))).toEqual(model.status(state ?? model.cur, r.lba));
                break;
              }
            }
          }
          await checkAll(store, model, views);
          // And once more after a reopen.
          await store.close();
          store = await FileBlockStore.open(image, { flushIntervalMs: 0 });
          await checkAll(store, model, views);
        } finally {
          await store.close();
          for (const name of await fsp.readdir(dir)) {
            if (name.startsWith(path.basename(image))) await fsp.rm(path.join(dir, name), { force: true });
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});
