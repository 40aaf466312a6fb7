// Test data placement for the checks: source bytes written to --disk, destination ranges cleared
// before a copy and read back after it.
import { AREA, type RunContext } from './context';
import type { DiskLu } from './probe';
import { testPattern } from './scsi';
import { CheckFailure } from './types';

export interface Placed {
  data: Buffer;
  /** First LBA of the data on the LU. */
  lba: bigint;
}

export function lbaAt(d: DiskLu, byteOffset: number): bigint {
  return BigInt(Math.floor(byteOffset / d.io.blockLength));
}

/** Write `bytes` of fresh test data at `byteOffset` of --disk (default: the source area). */
export async function placeSource(
  ctx: RunContext,
  bytes: number,
  seed: number,
  byteOffset: number = AREA.source,
): Promise<Placed> {
  const d = ctx.needDisk();
  const data = testPattern(bytes, seed);
  const lba = lbaAt(d, byteOffset);
  await d.io.write(lba, data);
  return { data, lba };
}

/** Fill `bytes` at `byteOffset` of the destination disk with a known filler and return its LBA. */
export async function clearDestination(
  ctx: RunContext,
  bytes: number,
  byteOffset: number = AREA.destination,
  filler = 0,
): Promise<bigint> {
  const d = ctx.needDestination();
  const lba = lbaAt(d, byteOffset);
  await d.io.write(lba, Buffer.alloc(bytes, filler));
  return lba;
}

/** Read `expected.length` bytes at `lba` of `d` and compare. */
export async function expectOnDisk(d: DiskLu, lba: bigint, expected: Buffer, what: string): Promise<void> {
  const got = await d.io.read(lba, Math.ceil(expected.length / d.io.blockLength));
  const part = got.subarray(0, expected.length);
  if (!part.equals(expected)) {
    let i = 0;
    while (i < expected.length && part[i] === expected[i]) i++;
    throw new CheckFailure(`${what}: the bytes on ${d.address} differ from byte ${i} of ${expected.length}`);
  }
}

/** Bytes that are a whole number of blocks on both disks (64 KiB by default covers 512..64K blocks). */
export function commonBytes(ctx: RunContext, want = 64 * 1024): number {
  const a = ctx.needDisk().io.blockLength;
  const b = ctx.needDestination().io.blockLength;
  const lcm = (a / gcd(a, b)) * b;
  return Math.max(lcm, Math.floor(want / lcm) * lcm);
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
