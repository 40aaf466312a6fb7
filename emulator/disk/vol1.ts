// The default SAN's pattern volume "vol1": 256 MiB of 512-byte blocks holding the deterministic
// pattern with deallocated holes, a mapped all-zero stretch and a pattern run that ends inside an
// allocation chunk. The same layout scales to any block count divisible by 256 (tests use small
// ones). Layout in 1/256ths of the capacity ("units"; 1 unit = 1 MiB for vol1):
//   [0, 96)    pattern         [96, 128)  deallocated     [128, 192) pattern
//   [192, 200) deallocated     [200, 201) mapped zeros
//   [201, 240) pattern, plus 7 more pattern blocks that end inside a chunk
//   the rest   deallocated
import type { LbaStatusRun } from './block-device';
import { FileBlockStore } from './block-store';
import { DiskArgumentError } from './errors';
import {
  checkLabel,
  fill,
  makePattern,
  verifyPattern,
  type ExpectedContent,
  type PatternMismatch,
} from './pattern';

export type RegionContent = 'pattern' | 'zeros' | 'deallocated';

export interface VolumeRegion {
  lba: bigint;
  count: bigint;
  content: RegionContent;
}

export interface PatternVolumeSpec {
  label: string;
  blockSize: number;
  blockCount: bigint;
  chunkSize: number;
  /** In LBA order, covering every block exactly once. */
  regions: VolumeRegion[];
}

export const VOL1_BLOCK_SIZE = 512;
export const VOL1_BYTES = 256 * 1024 * 1024;
export const VOL1_CHUNK_SIZE = 64 * 1024;
/** Pattern blocks past unit 240: not a multiple of any chunk, so the chunk is partly written. */
const TAIL_BLOCKS = 7n;

export function patternVolumeSpec(
  label: string,
  blockSize: number,
  blockCount: bigint,
  chunkSize: number,
): PatternVolumeSpec {
  checkLabel(label);
  if (blockCount <= 0n || blockCount % 256n !== 0n)
    throw new DiskArgumentError('block count must be a multiple of 256');
  const unit = blockCount / 256n;
  if ((unit * BigInt(blockSize)) % BigInt(chunkSize) !== 0n) {
    throw new DiskArgumentError('1/256 of the capacity must be a whole number of chunks');
  }
  if (unit <= TAIL_BLOCKS) throw new DiskArgumentError('volume too small for the layout');
  const u = (n: number): bigint => BigInt(n) * unit;
  const regions: VolumeRegion[] = [
    { lba: 0n, count: u(96), content: 'pattern' },
    { lba: u(96), count: u(32), content: 'deallocated' },
    { lba: u(128), count: u(64), content: 'pattern' },
    { lba: u(192), count: u(8), content: 'deallocated' },
    { lba: u(200), count: u(1), content: 'zeros' },
    { lba: u(201), count: u(39) + TAIL_BLOCKS, content: 'pattern' },
    { lba: u(240) + TAIL_BLOCKS, count: u(16) - TAIL_BLOCKS, content: 'deallocated' },
  ];
  return { label, blockSize, blockCount, chunkSize, regions };
}

export function vol1Spec(): PatternVolumeSpec {
  return patternVolumeSpec('vol1', VOL1_BLOCK_SIZE, BigInt(VOL1_BYTES / VOL1_BLOCK_SIZE), VOL1_CHUNK_SIZE);
}

/** Create (or overwrite) the image and write the layout. The store is returned open and synced. */
export async function createPatternVolume(
  image: string,
  spec: PatternVolumeSpec,
  options: { flushIntervalMs?: number } = {},
): Promise<FileBlockStore> {
  const store = await FileBlockStore.create(image, {
    blockSize: spec.blockSize,
    blockCount: spec.blockCount,
    chunkSize: spec.chunkSize,
    flushIntervalMs: options.flushIntervalMs,
    overwrite: true,
  });
  try {
    const pattern = makePattern(spec.label);
    for (const r of spec.regions) {
      if (r.content === 'pattern') await fill(store, [r], pattern);
      else if (r.content === 'zeros') await store.writeSame(r.lba, r.count, Buffer.alloc(spec.blockSize));
    }
    await store.sync();
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}

function regionAt(spec: PatternVolumeSpec, lba: bigint): VolumeRegion {
  for (const r of spec.regions) if (lba >= r.lba && lba < r.lba + r.count) return r;
  throw new DiskArgumentError(`LBA ${lba} is outside ${spec.label}`);
}

/** What block `lba` of the volume holds. */
export function expectedContent(spec: PatternVolumeSpec, lba: bigint): ExpectedContent {
  return regionAt(spec, lba).content === 'pattern' ? 'pattern' : 'zeros';
}

/** Check blocks read (or restored) from `startLba`: undefined if every byte is as created. */
export function verifyPatternVolume(
  spec: PatternVolumeSpec,
  startLba: bigint,
  data: Buffer,
): PatternMismatch | undefined {
  return verifyPattern(spec.label, startLba, data, spec.blockSize, (lba) => expectedContent(spec, lba));
}

/** The provisioning state a freshly created volume reports, whole-device runs (unsplit). */
export function expectedProvisioning(spec: PatternVolumeSpec): LbaStatusRun[] {
  const bpc = BigInt(spec.chunkSize / spec.blockSize);
  const chunks = (spec.blockCount + bpc - 1n) / bpc;
  const mapped = (c: bigint): boolean =>
    spec.regions.some(
      (r) => r.content !== 'deallocated' && r.lba < (c + 1n) * bpc && r.lba + r.count > c * bpc,
    );
  const runs: LbaStatusRun[] = [];
  for (let c = 0n; c < chunks; c++) {
    const state = mapped(c) ? 'mapped' : 'deallocated';
    const lba = c * bpc;
    const count = (c + 1n) * bpc > spec.blockCount ? spec.blockCount - lba : bpc;
    const last = runs[runs.length - 1];
    if (last !== undefined && last.state === state) last.count += count;
    else runs.push({ lba, count, state });
  }
  return runs;
}
