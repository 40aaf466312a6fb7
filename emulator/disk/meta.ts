// The metadata file "<image>.meta": geometry, allocation map, snapshot list and changed-block
// bitmaps. Rewritten whole and atomically (temp file, fsync, rename, fsync of the directory) on
// every sync; see FORMAT.md for the layout.
import { crc32c } from '@node-rs/crc32';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Bitmap } from './bitmap';
import { CorruptStoreError } from './errors';

export const META_MAGIC = 'XCDSKMD1';
export const META_VERSION = 1;
const PREFIX = 16;

export interface SnapshotRecord {
  name: string;
  id: number;
  createdAt: string;
  /** Bytes of the CoW log known durable when this metadata was written. */
  sealedLength: number;
}

export interface CheckpointRecord {
  name: string;
  granularityBytes: number;
  createdAt: string;
  conservative: boolean;
  bitmap: Bitmap;
}

export interface StoreMeta {
  blockSize: number;
  blockCount: bigint;
  chunkSize: number;
  /** True only when written by close(): otherwise the store was in use or crashed. */
  cleanShutdown: boolean;
  generation: number;
  nextSnapshotId: number;
  allocation: Bitmap;
  snapshots: SnapshotRecord[];
  checkpoints: CheckpointRecord[];
}

interface Section {
  offset: number;
  length: number;
}

interface JsonHeader {
  blockSize: number;
  blockCount: string;
  chunkSize: number;
  cleanShutdown: boolean;
  generation: number;
  nextSnapshotId: number;
  allocation: Section & { bits: number };
  snapshots: SnapshotRecord[];
  checkpoints: Array<Omit<CheckpointRecord, 'bitmap'> & { bitmap: Section & { bits: number } }>;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

export function encodeMeta(m: StoreMeta): Buffer {
  const bitmaps = [m.allocation, ...m.checkpoints.map((c) => c.bitmap)];
  // Section offsets depend on the JSON length, which depends on the offsets' digits: lay out
  // for a guessed length and grow the guess until the JSON fits (the length only increases).
  let jsonLength = 0;
  for (;;) {
    let offset = align8(PREFIX + jsonLength);
    const sections = bitmaps.map((b) => {
      const s = { offset, length: b.bytes.length, bits: b.length };
      offset = align8(offset + b.bytes.length);
      return s;
    });
    const header: JsonHeader = {
      blockSize: m.blockSize,
      blockCount: m.blockCount.toString(),
      chunkSize: m.chunkSize,
      cleanShutdown: m.cleanShutdown,
      generation: m.generation,
      nextSnapshotId: m.nextSnapshotId,
      allocation: sections[0],
      snapshots: m.snapshots.map((s) => ({ ...s })),
      checkpoints: m.checkpoints.map((c, i) => ({
        name: c.name,
        granularityBytes: c.granularityBytes,
        createdAt: c.createdAt,
        conservative: c.conservative,
        bitmap: sections[i + 1],
      })),
    };
    let json = Buffer.from(JSON.stringify(header), 'utf8');
    if (json.length > jsonLength) {
      jsonLength = json.length;
      continue;
    }
    // Shorter than the space laid out: JSON allows trailing white space.
    json = Buffer.concat([json, Buffer.alloc(jsonLength - json.length, 0x20)]);
    const out = Buffer.alloc(offset + 4);
    out.write(META_MAGIC, 0, 'latin1');
    out.writeUInt32BE(META_VERSION, 8);
    out.writeUInt32BE(json.length, 12);
    json.copy(out, PREFIX);
    bitmaps.forEach((b, i) => out.set(b.bytes, sections[i].offset));
    out.writeUInt32BE(crc32c(out.subarray(0, offset)), offset);
    return out;
  }
}

function fail(file: string, reason: string): never {
  throw new CorruptStoreError(file, reason);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(file: string, o: Record<string, unknown>, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(file, `field ${key} is not a count`);
  return v;
}

function str(file: string, o: Record<string, unknown>, key: string): string {
  const v = o[key];
  if (typeof v !== 'string') fail(file, `field ${key} is not a string`);
  return v;
}

function bool(file: string, o: Record<string, unknown>, key: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') fail(file, `field ${key} is not a boolean`);
  return v;
}

function section(file: string, buf: Buffer, end: number, v: unknown, expectBits: number | undefined): Bitmap {
  if (!isRecord(v)) fail(file, 'bitmap section missing');
  const offset = num(file, v, 'offset');
  const length = num(file, v, 'length');
  const bits = num(file, v, 'bits');
  if (expectBits !== undefined && bits !== expectBits)
    fail(file, `bitmap has ${bits} bits, expected ${expectBits}`);
  if (length !== Bitmap.byteLength(bits) || offset + length > end) fail(file, 'bitmap section out of bounds');
  return new Bitmap(bits, Uint8Array.from(buf.subarray(offset, offset + length)));
}

export function decodeMeta(file: string, buf: Buffer): StoreMeta {
  if (buf.length < PREFIX + 4 || buf.toString('latin1', 0, 8) !== META_MAGIC)
    fail(file, 'not a disk store metadata file');
  const end = buf.length - 4;
  if (crc32c(buf.subarray(0, end)) !== buf.readUInt32BE(end)) fail(file, 'checksum mismatch');
  const version = buf.readUInt32BE(8);
  if (version !== META_VERSION) fail(file, `unsupported metadata version ${version}`);
  const jsonLength = buf.readUInt32BE(12);
  if (PREFIX + jsonLength > end) fail(file, 'header length out of bounds');
  let h: unknown;
  try {
    h = JSON.parse(buf.toString('utf8', PREFIX, PREFIX + jsonLength));
  } catch {
    fail(file, 'header is not JSON');
  }
  if (!isRecord(h)) fail(file, 'header is not an object');
  const blockCountText = str(file, h, 'blockCount');
  if (!/^[1-9][0-9]*$/.test(blockCountText)) fail(file, 'bad blockCount');
  const chunkSize = num(file, h, 'chunkSize');
  const blockSize = num(file, h, 'blockSize');
  const blockCount = BigInt(blockCountText);
  const chunkCount = Math.ceil(Number(blockCount * BigInt(blockSize)) / Math.max(chunkSize, 1));
  const snapshots = h.snapshots;
  const checkpoints = h.checkpoints;
  if (!Array.isArray(snapshots) || !Array.isArray(checkpoints))
    fail(file, 'snapshot or checkpoint list missing');
  return {
    blockSize,
    blockCount,
    chunkSize,
    cleanShutdown: bool(file, h, 'cleanShutdown'),
    generation: num(file, h, 'generation'),
    nextSnapshotId: num(file, h, 'nextSnapshotId'),
    allocation: section(file, buf, end, h.allocation, chunkCount),
    snapshots: snapshots.map((s: unknown): SnapshotRecord => {
      if (!isRecord(s)) fail(file, 'bad snapshot entry');
      return {
        name: str(file, s, 'name'),
        id: num(file, s, 'id'),
        createdAt: str(file, s, 'createdAt'),
        sealedLength: num(file, s, 'sealedLength'),
      };
    }),
    checkpoints: checkpoints.map((c: unknown): CheckpointRecord => {
      if (!isRecord(c)) fail(file, 'bad checkpoint entry');
      return {
        name: str(file, c, 'name'),
        granularityBytes: num(file, c, 'granularityBytes'),
        createdAt: str(file, c, 'createdAt'),
        conservative: bool(file, c, 'conservative'),
        bitmap: section(file, buf, end, c.bitmap, undefined),
      };
    }),
  };
}

/** fsync a directory so a rename or unlink in it is durable (Linux allows opening one read-only). */
export async function syncDirectory(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function writeMetaFile(file: string, m: StoreMeta): Promise<void> {
  const tmp = `${file}.tmp`;
  const fh = await fsp.open(tmp, 'w');
  try {
    await fh.writeFile(encodeMeta(m));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fsp.rename(tmp, file);
  await syncDirectory(path.dirname(file));
}

export async function readMetaFile(file: string): Promise<StoreMeta> {
  return decodeMeta(file, await fsp.readFile(file));
}
