// Deterministic test data: every logical block starts with an ASCII header naming the volume and
// the LBA ("vol1 LBA 0000001234 ") followed by a xorshift32 stream seeded from the label and the
// LBA. Restored bytes can be checked against the generator without keeping a copy; a misplaced
// block names its true LBA in its first bytes. The byte-exact definition is in FORMAT.md.
import type { BlockDevice, LbaRange } from './block-device';
import { DiskArgumentError } from './errors';

/** Fills `out` (one logical block) with the contents of block `lba`. */
export type BlockPattern = (lba: bigint, out: Buffer) => void;

const FILL_PIECE_BYTES = 1024 * 1024;
const MAX_LABEL_LENGTH = 32;
const MAX_SAFE_LBA = BigInt(Number.MAX_SAFE_INTEGER);

/** Chris Wellons' "lowbias32" integer hash. */
function mix32(v: number): number {
  let x = v >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** FNV-1a, 32 bits, over the label's bytes. */
function labelHash(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ (label.charCodeAt(i) & 0xff), 0x01000193) >>> 0;
  return h;
}

export function checkLabel(label: string): void {
  if (!/^[\x21-\x7e]{1,32}$/.test(label)) {
    throw new DiskArgumentError(
      `pattern label must be 1-${MAX_LABEL_LENGTH} printable ASCII characters without spaces`,
    );
  }
}

/** "<label> LBA <decimal LBA, zero-padded to 10 digits> ". */
export function patternHeader(label: string, lba: bigint): string {
  return `${label} LBA ${lba.toString().padStart(10, '0')} `;
}

/** Nonzero xorshift32 seed for a block. */
export function patternSeed(label: string, lba: bigint): number {
  let lo: number;
  let hi: number;
  if (lba >= 0n && lba <= MAX_SAFE_LBA) {
    const n = Number(lba);
    lo = n >>> 0;
    hi = Math.floor(n / 0x100000000) >>> 0;
  } else {
    lo = Number(lba & 0xffffffffn);
    hi = Number((lba >> 32n) & 0xffffffffn);
  }
  const s = mix32(labelHash(label) ^ mix32(lo ^ mix32((hi + 0x9e3779b9) >>> 0)));
  return s === 0 ? 0x6d2b79f5 : s;
}

/** Write block `lba`'s pattern into `out` (any length >= the header). */
export function writePatternBlock(label: string, lba: bigint, out: Buffer): void {
  const headerLength = out.write(patternHeader(label, lba), 0, 'latin1');
  let x = patternSeed(label, lba);
  let p = headerLength;
  const n = out.length;
  while (p < n) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    if (p + 4 <= n) {
      out[p] = x & 0xff;
      out[p + 1] = (x >>> 8) & 0xff;
      out[p + 2] = (x >>> 16) & 0xff;
      out[p + 3] = x >>> 24;
      p += 4;
    } else {
      for (let k = 0; p < n; k += 8) out[p++] = (x >>> k) & 0xff;
    }
  }
}

export function makePattern(label: string): BlockPattern {
  checkLabel(label);
  return (lba, out) => writePatternBlock(label, lba, out);
}

/** `count` pattern blocks from `lba`. */
export function patternBlocks(label: string, lba: bigint, count: number, blockSize: number): Buffer {
  checkLabel(label);
  const out = Buffer.allocUnsafe(count * blockSize);
  for (let i = 0; i < count; i++)
    writePatternBlock(label, lba + BigInt(i), out.subarray(i * blockSize, (i + 1) * blockSize));
  return out;
}

export type ExpectedContent = 'pattern' | 'zeros';

export interface PatternMismatch {
  lba: bigint;
  /** First differing byte within the block. */
  offsetInBlock: number;
  expected: ExpectedContent;
  /** The block's first bytes as latin1, which name the LBA the data really came from. */
  actualHead: string;
}

/**
 * Check `data` (whole blocks read from `startLba`) against the pattern; `expect` says which LBAs
 * should hold the pattern and which zeros (default: all pattern). Returns the first mismatch.
 */
export function verifyPattern(
  label: string,
  startLba: bigint,
  data: Buffer,
  blockSize: number,
  expect: (lba: bigint) => ExpectedContent = () => 'pattern',
): PatternMismatch | undefined {
  checkLabel(label);
  if (data.length % blockSize !== 0) throw new DiskArgumentError('data must be whole blocks');
  const want = Buffer.alloc(blockSize);
  const zero = Buffer.alloc(blockSize);
  for (let i = 0; i * blockSize < data.length; i++) {
    const lba = startLba + BigInt(i);
    const got = data.subarray(i * blockSize, (i + 1) * blockSize);
    const kind = expect(lba);
    let ref = zero;
    if (kind === 'pattern') {
      writePatternBlock(label, lba, want);
      ref = want;
    }
    if (!got.equals(ref)) {
      let off = 0;
      while (got[off] === ref[off]) off++;
      return {
        lba,
        offsetInBlock: off,
        expected: kind,
        actualHead: got.toString('latin1', 0, Math.min(40, blockSize)),
      };
    }
  }
  return undefined;
}

/** Write `pattern` over every block of `ranges`, in pieces of up to 1 MiB. */
export async function fill(
  dev: BlockDevice,
  ranges: readonly LbaRange[],
  pattern: BlockPattern,
): Promise<void> {
  const bs = dev.blockSize;
  const pieceBlocks = Math.max(1, Math.floor(FILL_PIECE_BYTES / bs));
  const buf = Buffer.allocUnsafe(pieceBlocks * bs);
  for (const r of ranges) {
    for (let done = 0n; done < r.count;) {
      const n = Number(r.count - done < BigInt(pieceBlocks) ? r.count - done : BigInt(pieceBlocks));
      const lba = r.lba + done;
      for (let i = 0; i < n; i++) pattern(lba + BigInt(i), buf.subarray(i * bs, (i + 1) * bs));
      await dev.write(lba, buf.subarray(0, n * bs));
      done += BigInt(n);
    }
  }
}
