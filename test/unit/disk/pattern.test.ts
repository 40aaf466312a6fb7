import * as path from 'node:path';
import {
  createPatternVolume,
  DiskArgumentError,
  expectedContent,
  expectedProvisioning,
  FileBlockStore,
  fill,
  makePattern,
  patternBlocks,
  patternHeader,
  patternSeed,
  patternVolumeSpec,
  verifyPattern,
  verifyPatternVolume,
  vol1Spec,
  writePatternBlock,
  type LbaStatusRun,
} from '../../../emulator/disk';
import { makeTempDir, removeTempDir } from './helpers';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir();
});
afterAll(async () => {
  await removeTempDir(dir);
});

// Reference implementation of FORMAT.md's pattern in BigInt arithmetic, independent of Math.imul.
const M32 = 0xffffffffn;
function refMix(v: bigint): bigint {
  let x = v & M32;
  x ^= x >> 16n;
  x = (x * 0x7feb352dn) & M32;
  x ^= x >> 15n;
  x = (x * 0x846ca68bn) & M32;
  x ^= x >> 16n;
  return x;
}
function refBlock(label: string, lba: bigint, size: number): Buffer {
  let h = 0x811c9dc5n;
  for (const b of Buffer.from(label, 'latin1')) h = ((h ^ BigInt(b)) * 0x01000193n) & M32;
  const lo = lba & M32;
  const hi = (lba >> 32n) & M32;
  let x = refMix(h ^ refMix(lo ^ refMix((hi + 0x9e3779b9n) & M32)));
  if (x === 0n) x = 0x6d2b79f5n;
  const out = Buffer.alloc(size);
  const header = `${label} LBA ${lba.toString().padStart(10, '0')} `;
  out.write(header, 'latin1');
  for (let p = header.length; p < size;) {
    x ^= (x << 13n) & M32;
    x ^= x >> 17n;
    x ^= (x << 5n) & M32;
    for (let k = 0n; k < 4n && p < size; k++) out[p++] = Number((x >> (8n * k)) & 0xffn);
  }
  return out;
}

describe('pattern generator', () => {
  it('writes the ASCII header and the xorshift32 stream', () => {
    expect(patternHeader('vol1', 1234n)).toBe('vol1 LBA 0000001234 ');
    expect(patternHeader('vol1', 12345678901n)).toBe('vol1 LBA 12345678901 ');
    const b = Buffer.alloc(512);
    writePatternBlock('vol1', 1234n, b);
    // "vol1 LBA 0000001234 " then the stream.
    expect(b.subarray(0, 20).toString('hex')).toBe('766f6c31204c4241203030303030303132333420');
    // Pinned values: other suites (backup end-to-end tests) rely on the exact bytes.
    expect(patternSeed('vol1', 1234n)).toBe(0x41b0e6d3);
    expect(b.subarray(20, 32).toString('hex')).toBe('a6a43ff093b8c791d99468bc');
    expect(b.subarray(508).toString('hex')).toBe('103e0d45');
    for (const [label, lba, size] of [
      ['vol1', 0n, 512],
      ['vol1', 1234n, 512],
      ['vol1', 2n ** 40n + 5n, 512],
      ['tape-x', 77n, 4096],
      ['v', 3n, 31],
    ] as const) {
      const got = Buffer.alloc(size);
      writePatternBlock(label, lba, got);
      expect(got.equals(refBlock(label, lba, size))).toBe(true);
    }
  });

  it('differs by LBA and label and is deterministic', () => {
    const a = patternBlocks('vol1', 10n, 2, 512);
    expect(a.equals(patternBlocks('vol1', 10n, 2, 512))).toBe(true);
    expect(a.subarray(0, 512).equals(a.subarray(512))).toBe(false);
    const other = patternBlocks('vol2', 10n, 1, 512);
    expect(other.subarray(20).equals(a.subarray(20, 512))).toBe(false);
    expect(() => makePattern('has space')).toThrow(DiskArgumentError);
    expect(() => makePattern('')).toThrow(DiskArgumentError);
    expect(() => makePattern('x'.repeat(33))).toThrow(DiskArgumentError);
  });

  it('verifier finds misplaced blocks, flipped bytes and non-zero holes', () => {
    const data = patternBlocks('vol1', 100n, 4, 512);
    expect(verifyPattern('vol1', 100n, data, 512)).toBeUndefined();
    const swapped = Buffer.concat([data.subarray(512, 1024), data.subarray(0, 512), data.subarray(1024)]);
    // The headers differ in the last LBA digit (byte 18); the head names the block's true LBA.
    const m = verifyPattern('vol1', 100n, swapped, 512);
    expect(m).toEqual({
      lba: 100n,
      offsetInBlock: 18,
      expected: 'pattern',
      actualHead: swapped.toString('latin1', 0, 40),
    });
    expect(m?.actualHead.startsWith('vol1 LBA 0000000101 ')).toBe(true);
    const flipped = Buffer.from(data);
    flipped[3 * 512 + 300] ^= 0x40;
    expect(verifyPattern('vol1', 100n, flipped, 512)).toMatchObject({ lba: 103n, offsetInBlock: 300 });
    const holes = (lba: bigint): 'pattern' | 'zeros' => (lba === 102n ? 'zeros' : 'pattern');
    expect(verifyPattern('vol1', 100n, data, 512, holes)).toMatchObject({
      lba: 102n,
      offsetInBlock: 0,
      expected: 'zeros',
    });
    const withHole = Buffer.from(data);
    withHole.fill(0, 1024, 1536);
    expect(verifyPattern('vol1', 100n, withHole, 512, holes)).toBeUndefined();
    expect(() => verifyPattern('vol1', 0n, Buffer.alloc(100), 512)).toThrow(DiskArgumentError);
  });

  it('fill writes the pattern over LBA ranges of a device', async () => {
    const s = await FileBlockStore.create(path.join(dir, 'fill.raw'), {
      blockSize: 4096,
      blockCount: 600n,
      flushIntervalMs: 0,
    });
    try {
      await fill(
        s,
        [
          { lba: 3n, count: 290n },
          { lba: 500n, count: 1n },
        ],
        makePattern('dsk'),
      );
      const all = await s.read(0n, 600);
      const expect3 = (lba: bigint): 'pattern' | 'zeros' =>
        (lba >= 3n && lba < 293n) || lba === 500n ? 'pattern' : 'zeros';
      expect(verifyPattern('dsk', 0n, all, 4096, expect3)).toBeUndefined();
    } finally {
      await s.close();
    }
  });
});

describe('pattern volumes', () => {
  it('vol1 layout: 256 MiB of 512-byte blocks, regions in order covering every block', () => {
    const spec = vol1Spec();
    expect(spec).toMatchObject({ label: 'vol1', blockSize: 512, blockCount: 524288n, chunkSize: 65536 });
    let next = 0n;
    for (const r of spec.regions) {
      expect(r.lba).toBe(next);
      next += r.count;
    }
    expect(next).toBe(spec.blockCount);
    const mib = 2048n;
    expect(spec.regions.map((r) => [r.content, r.lba])).toEqual([
      ['pattern', 0n],
      ['deallocated', 96n * mib],
      ['pattern', 128n * mib],
      ['deallocated', 192n * mib],
      ['zeros', 200n * mib],
      ['pattern', 201n * mib],
      ['deallocated', 240n * mib + 7n],
    ]);
    expect(expectedContent(spec, 240n * mib + 6n)).toBe('pattern');
    expect(expectedContent(spec, 240n * mib + 7n)).toBe('zeros');
    expect(() => expectedContent(spec, spec.blockCount)).toThrow(DiskArgumentError);
    expect(() => patternVolumeSpec('v', 512, 1000n, 4096)).toThrow(DiskArgumentError);
    expect(() => patternVolumeSpec('v', 512, 256n * 3n, 4096)).toThrow(DiskArgumentError);
    expect(() => patternVolumeSpec('v', 512, 256n * 7n, 512)).toThrow(DiskArgumentError);
  });

  it('a scaled volume reads back as specified, with the expected provisioning', async () => {
    // 8 MiB, 1 unit = 32 KiB, 16 KiB chunks.
    const spec = patternVolumeSpec('small', 512, 16384n, 16384);
    const s = await createPatternVolume(path.join(dir, 'small.raw'), spec, { flushIntervalMs: 0 });
    try {
      const all = await s.read(0n, 16384);
      expect(verifyPatternVolume(spec, 0n, all)).toBeUndefined();
      const runs = await s.lbaStatus(0n);
      expect(runs).toEqual(expectedProvisioning(spec));
      const unit = 64;
      const chunk = 32;
      const run = (lba: number, count: number, state: 'mapped' | 'deallocated'): LbaStatusRun => ({
        lba: BigInt(lba),
        count: BigInt(count),
        state,
      });
      expect(runs).toEqual([
        run(0, 96 * unit, 'mapped'),
        run(96 * unit, 32 * unit, 'deallocated'),
        run(128 * unit, 64 * unit, 'mapped'),
        run(192 * unit, 8 * unit, 'deallocated'),
        // mapped zeros, pattern, and the chunk the pattern ends in
        run(200 * unit, 40 * unit + chunk, 'mapped'),
        run(240 * unit + chunk, 16 * unit - chunk, 'deallocated'),
      ]);
      // A restored copy with one damaged block is caught.
      all[(130 * unit + 5) * 512 + 77] ^= 1;
      expect(verifyPatternVolume(spec, 0n, all)).toMatchObject({
        lba: BigInt(130 * unit + 5),
        offsetInBlock: 77,
      });
      // Non-zero bytes in a hole are caught.
      const hole = await s.read(BigInt(100 * unit), 4);
      hole[9] = 1;
      expect(verifyPatternVolume(spec, BigInt(100 * unit), hole)).toMatchObject({
        expected: 'zeros',
        offsetInBlock: 9,
      });
    } finally {
      await s.close();
    }
  });

  it('creates the real vol1 (256 MiB) and verifies it', async () => {
    const spec = vol1Spec();
    const s = await createPatternVolume(path.join(dir, 'vol1.img'), spec, { flushIntervalMs: 0 });
    try {
      for (let lba = 0n; lba < spec.blockCount; lba += 2048n) {
        expect(verifyPatternVolume(spec, lba, await s.read(lba, 2048))).toBeUndefined();
      }
      expect(await s.lbaStatus(0n)).toEqual(expectedProvisioning(spec));
      const stats = await s.stats();
      expect(stats.mappedBytes).toBe((96 + 64 + 1 + 39 + 1 / 16) * 1024 * 1024);
      // The data file is sparse: it holds the mapped chunks, not the 56 MiB that are unmapped.
      // st_blocks may count a few file-system blocks more (extent metadata, preallocation).
      expect(stats.dataFileBytes).toBeGreaterThanOrEqual(stats.mappedBytes);
      expect(stats.dataFileBytes).toBeLessThanOrEqual(stats.mappedBytes + 1024 * 1024);
    } finally {
      await s.close();
    }
  }, 60000);
});
