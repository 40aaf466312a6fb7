// A snapshot's copy-on-write log "<image>.snap.<id>.cow": an append-only file of records, each
// holding the contents (or the deallocated state) a chunk had when the snapshot was taken. A
// record is appended and fdatasync'd BEFORE the origin chunk changes, so after a crash every
// chunk the origin changed since the snapshot has a durable record. See FORMAT.md.
import { crc32c } from '@node-rs/crc32';
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Geometry } from './block-device';
import { CorruptStoreError } from './errors';
import { readFully, writeFully } from './io';

export const COW_MAGIC = 'XCDCOW01';
export const COW_VERSION = 1;
export const COW_FILE_HEADER = 64;
export const COW_RECORD_HEADER = 32;
const RECORD_MAGIC = 0x436f5752; // "CoWR"

/** Per-chunk state of a snapshot (the value kept in CowLog.state). */
export const PRESERVED = {
  /** The origin still holds the snapshot's contents. */
  none: 0,
  /** Deallocated at snapshot time: reads zeros, reported deallocated. */
  deallocated: 1,
  /** Mapped and all zeros at snapshot time: stored without a payload. */
  zero: 2,
  /** Mapped with data: the payload follows the record header. */
  data: 3,
} as const;

export type PreservedState = 1 | 2 | 3;

export interface CowRecord {
  chunk: number;
  state: PreservedState;
  /** The chunk's old contents, for state `data`. */
  data?: Buffer;
}

function encodeFileHeader(id: number, g: Geometry): Buffer {
  const b = Buffer.alloc(COW_FILE_HEADER);
  b.write(COW_MAGIC, 0, 'latin1');
  b.writeUInt32BE(COW_VERSION, 8);
  b.writeUInt32BE(g.chunkSize, 12);
  b.writeBigUInt64BE(BigInt(g.chunkCount), 16);
  b.writeUInt32BE(id, 24);
  b.writeUInt32BE(g.blockSize, 28);
  b.writeBigUInt64BE(g.blockCount, 32);
  b.writeUInt32BE(crc32c(b.subarray(0, 60)), 60);
  return b;
}

function encodeRecordHeader(r: CowRecord): Buffer {
  const b = Buffer.alloc(COW_RECORD_HEADER);
  b.writeUInt32BE(RECORD_MAGIC, 0);
  b[4] = r.state;
  b.writeBigUInt64BE(BigInt(r.chunk), 8);
  const data = r.state === PRESERVED.data ? r.data : undefined;
  b.writeUInt32BE(data?.length ?? 0, 16);
  b.writeUInt32BE(data !== undefined ? crc32c(data) : 0, 20);
  b.writeUInt32BE(crc32c(b.subarray(0, 28)), 28);
  return b;
}

export class CowLog {
  /** PRESERVED value per chunk. */
  readonly state: Uint8Array;
  private readonly dataOffset = new Map<number, number>();
  private preserved = 0;

  private constructor(
    readonly file: string,
    private readonly fh: FileHandle,
    private readonly g: Geometry,
    private appendAt: number,
  ) {
    this.state = new Uint8Array(g.chunkCount);
  }

  static async create(file: string, id: number, g: Geometry): Promise<CowLog> {
    const fh = await fsp.open(file, 'wx+');
    try {
      await writeFully(fh, [encodeFileHeader(id, g)], 0);
      await fh.sync();
    } catch (e) {
      await fh.close();
      throw e;
    }
    return new CowLog(file, fh, g, COW_FILE_HEADER);
  }

  /**
   * Open and index an existing log. Records below `sealedLength` were durable when the metadata
   * was written and must be valid; records after it are checked against their data checksum and
   * a torn tail is dropped (truncated unless `readOnly`).
   */
  static async open(
    file: string,
    id: number,
    g: Geometry,
    sealedLength: number,
    readOnly: boolean,
  ): Promise<CowLog> {
    const fh = await fsp.open(file, readOnly ? 'r' : 'r+');
    try {
      const log = new CowLog(file, fh, g, COW_FILE_HEADER);
      await log.scan(id, sealedLength, readOnly);
      return log;
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  private async scan(id: number, sealedLength: number, readOnly: boolean): Promise<void> {
    const size = (await this.fh.stat()).size;
    const header = Buffer.alloc(COW_FILE_HEADER);
    await readFully(this.fh, header, 0, COW_FILE_HEADER, 0);
    if (size < COW_FILE_HEADER || !header.equals(encodeFileHeader(id, this.g))) {
      throw new CorruptStoreError(this.file, 'copy-on-write log header does not match the store');
    }
    if (sealedLength > size)
      throw new CorruptStoreError(this.file, `log is shorter than its sealed ${sealedLength} bytes`);
    const rh = Buffer.alloc(COW_RECORD_HEADER);
    let pos = COW_FILE_HEADER;
    while (pos < size) {
      const record = await this.readRecord(rh, pos, size, pos >= sealedLength);
      if (record === undefined) {
        if (pos < sealedLength) throw new CorruptStoreError(this.file, `bad record at offset ${pos}`);
        break;
      }
      this.index(record.chunk, record.state, pos + COW_RECORD_HEADER);
      pos += COW_RECORD_HEADER + record.length;
    }
    this.appendAt = pos;
    if (pos < size && !readOnly) {
      await this.fh.truncate(pos);
      await this.fh.sync();
    }
  }

  private async readRecord(
    rh: Buffer,
    pos: number,
    size: number,
    verifyData: boolean,
  ): Promise<{ chunk: number; state: PreservedState; length: number } | undefined> {
    if (pos + COW_RECORD_HEADER > size) return undefined;
    await readFully(this.fh, rh, 0, COW_RECORD_HEADER, pos);
    if (rh.readUInt32BE(0) !== RECORD_MAGIC || crc32c(rh.subarray(0, 28)) !== rh.readUInt32BE(28))
      return undefined;
    const state = rh[4];
    const chunkBig = rh.readBigUInt64BE(8);
    const length = rh.readUInt32BE(16);
    if (state !== PRESERVED.deallocated && state !== PRESERVED.zero && state !== PRESERVED.data)
      return undefined;
    if (chunkBig >= BigInt(this.g.chunkCount)) return undefined;
    const chunk = Number(chunkBig);
    if (this.state[chunk] !== PRESERVED.none) return undefined;
    if (length !== (state === PRESERVED.data ? this.g.chunkLength(chunk) : 0)) return undefined;
    if (pos + COW_RECORD_HEADER + length > size) return undefined;
    if (verifyData && length > 0) {
      const data = Buffer.allocUnsafe(length);
      await readFully(this.fh, data, 0, length, pos + COW_RECORD_HEADER);
      if (crc32c(data) !== rh.readUInt32BE(20)) return undefined;
    }
    return { chunk, state, length };
  }

  private index(chunk: number, state: PreservedState, payloadAt: number): void {
    this.state[chunk] = state;
    if (state === PRESERVED.data) this.dataOffset.set(chunk, payloadAt);
    this.preserved++;
  }

  /** Append records and make them durable; only then do they count as preserved. */
  async append(records: readonly CowRecord[]): Promise<void> {
    if (records.length === 0) return;
    const buffers: Buffer[] = [];
    const payloadAt: number[] = [];
    let pos = this.appendAt;
    for (const r of records) {
      if ((r.state === PRESERVED.data) !== (r.data !== undefined))
        throw new RangeError('payload only for state data');
      const header = encodeRecordHeader(r);
      buffers.push(header);
      pos += COW_RECORD_HEADER;
      payloadAt.push(pos);
      if (r.data !== undefined) {
        buffers.push(r.data);
        pos += r.data.length;
      }
    }
    await writeFully(this.fh, buffers, this.appendAt);
    await this.fh.datasync();
    records.forEach((r, i) => this.index(r.chunk, r.state, payloadAt[i]));
    this.appendAt = pos;
  }

  /** File position of a preserved chunk's payload (state `data` only). */
  payloadPosition(chunk: number): number | undefined {
    return this.dataOffset.get(chunk);
  }

  get handle(): FileHandle {
    return this.fh;
  }

  /** Bytes of the log (all durable: every append is fdatasync'd). */
  get length(): number {
    return this.appendAt;
  }

  get preservedChunks(): number {
    return this.preserved;
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
