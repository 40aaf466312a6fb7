// A virtual tape cartridge stored in one file (plus a rebuildable index sidecar), with the
// logical model of SSC-4 4.2: a partition holds logical objects (blocks and filemarks) numbered
// from 0, then end of data (EOD). The position is a boundary between objects: position p lies
// before object p; p = 0 is beginning of partition (BOP), p = object count is EOD.
//
// Every call is synchronous except syncAsync(). Durability (FORMAT.md "Durability"): a block
// write is one pwritev of whole records and is not synced; writeFilemarks, sync, close and every
// operation that cuts recorded data fsync the file before returning.
import crypto from 'node:crypto';
import fs from 'node:fs';
import nodePath from 'node:path';
import {
  CartridgeClosedError,
  CartridgeCorruptError,
  CartridgeExistsError,
  CartridgeIoError,
  EndOfPartitionError,
  WriteProtectedError,
} from './errors';
import {
  type CartridgeHeader,
  encodeHeaderSlot,
  encodeIndex,
  encodeRecordHeader,
  type MamFormat,
  MAX_BLOCK_LENGTH,
  parseRecordHeader,
  RECORD_HEADER_SIZE,
  recordCrc,
  RecordType,
  SLOT_COUNT,
  SLOT_SIZE,
} from './format';
import { applyHostAttribute, asciiValue, type MamAttributeValue, mamAttributes, MamId } from './mam';
import { ObjectMap } from './object-map';
import { indexPathOf, loadObjects, preadFully, readHeaderSlots } from './recovery';
import {
  spaceBlocks,
  spaceFilemarks,
  type SpaceResult,
  type SpaceRule,
  spaceSequentialFilemarks,
} from './space';

export interface CreateOptions {
  /** Volume tag on the cartridge label (the changer reports it); also MAM 0806h BARCODE. */
  barcode: string;
  /** Bytes of block data partition 0 holds (filemarks take none, see FORMAT.md). */
  capacityBytes: number;
  /** Size of the early-warning zone before the end of the partition. */
  earlyWarningBytes: number;
  /** MAM 0401h MEDIUM SERIAL NUMBER. */
  mediumSerial: string;
  /** MAM 0006h/0405h density code (e.g. 58h for LTO-5). */
  densityCode: number;
  writeProtected?: boolean;
  /** MAM 0400h MEDIUM MANUFACTURER (8 ASCII); default "XCOPYEMU". */
  mediumManufacturer?: string;
  /** MAM 0008h VOLUME IDENTIFIER (32 ASCII); default the barcode. */
  volumeIdentifier?: string;
}

export interface OpenOptions {
  /** Open the file read-only: no recovery cut, no load count, every write is refused. */
  readOnly?: boolean;
  /** Count this open as a load (MAM 0003h LOAD COUNT + 1). Default true unless readOnly. */
  countLoad?: boolean;
  /** sync() rewrites the index checkpoint after this many new objects (default 4096)... */
  checkpointEveryObjects?: number;
  /** ...or this many new block bytes (default 1 GiB). close() always does. */
  checkpointEveryBytes?: number;
}

export type ReadResult = { kind: 'block'; data: Buffer } | { kind: 'filemark' } | { kind: 'eod' };
export type ObjectKind = { kind: 'block'; length: number } | { kind: 'filemark' } | { kind: 'eod' };

export interface LocateResult {
  objectNumber: number;
  /** 'eod' when the destination lies beyond end of data (BLANK CHECK 00/05, positioned at EOD). */
  stoppedAt: 'eod' | null;
}

export interface WriteResult {
  /** Position after the write. */
  objectNumber: number;
  /** The position after the write is in the early-warning zone (EOM, 00/02 with GOOD data). */
  earlyWarning: boolean;
}

export interface PositionInfo {
  partition: number;
  /** Logical object identifier (READ POSITION long form, LOCATE). */
  objectNumber: number;
  /** Logical file identifier: filemarks before the position. */
  fileNumber: number;
  bop: boolean;
  eod: boolean;
  earlyWarning: boolean;
}

export interface CartridgeInfo {
  barcode: string;
  mediumSerial: string;
  mediumManufacturer: string;
  volumeIdentifier: string;
  densityCode: number;
  capacityBytes: number;
  earlyWarningBytes: number;
  /** 32 hex digits. */
  cartridgeId: string;
  createdAt: Date;
}

export interface RecoveryReport {
  /** Objects taken from the index checkpoint. */
  indexedObjects: number;
  /** Records validated by the forward scan. */
  scannedObjects: number;
  indexRejected?: string;
  /** Why the scan stopped before the end of the file. */
  stopReason?: string;
  /** Bytes after the last valid record (cut off unless opened read-only). */
  discardedBytes: number;
}

const DEFAULT_CHECKPOINT_OBJECTS = 4096;
const DEFAULT_CHECKPOINT_BYTES = 1024 * 1024 * 1024;
const PARTITION = 0;

function fsyncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** One pwritev of all buffers at `position`, continuing after a short write. */
function pwriteAll(fd: number, buffers: Buffer[], position: number): void {
  const total = buffers.reduce((n, b) => n + b.length, 0);
  let done = 0;
  let rest = buffers;
  while (done < total) {
    const n = fs.writevSync(fd, rest, position + done);
    if (n <= 0) throw new Error('write returned 0 bytes');
    done += n;
    if (done < total) {
      let skip = n;
      const next: Buffer[] = [];
      for (const b of rest) {
        if (skip >= b.length) skip -= b.length;
        else {
          next.push(skip > 0 ? b.subarray(skip) : b);
          skip = 0;
        }
      }
      rest = next;
    }
  }
}

function checkCount(n: number, what: string): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} ${n} is not an integer`);
}

export class Cartridge {
  private fd: number | null;
  private header: CartridgeHeader;
  private activeSlot: number;
  private pos = 0;
  private forcedEarlyWarning: number | null = null;
  private forcedEndOfPartition: number | null = null;
  private checkpointCount = -1;
  private checkpointBytes = 0;
  private checkpointGeneration = -1;
  private readonly checkpointEveryObjects: number;
  private readonly checkpointEveryBytes: number;

  private constructor(
    readonly path: string,
    fd: number,
    header: CartridgeHeader,
    activeSlot: number,
    private readonly map: ObjectMap,
    readonly readOnly: boolean,
    options: OpenOptions,
    readonly recovery: RecoveryReport,
  ) {
    this.fd = fd;
    this.header = header;
    this.activeSlot = activeSlot;
    this.checkpointEveryObjects = options.checkpointEveryObjects ?? DEFAULT_CHECKPOINT_OBJECTS;
    this.checkpointEveryBytes = options.checkpointEveryBytes ?? DEFAULT_CHECKPOINT_BYTES;
  }

  // --- life cycle ------------------------------------------------------------------------------------

  /**
   * Create a blank cartridge file (atomically: written under a temporary name, synced, then linked
   * into place, so a crash leaves either no file or a complete one) and open it without counting
   * a load.
   */
  static create(path: string, options: CreateOptions, openOptions: OpenOptions = {}): Cartridge {
    const { capacityBytes, earlyWarningBytes, densityCode } = options;
    if (!Number.isSafeInteger(capacityBytes) || capacityBytes <= 0) {
      throw new RangeError(`capacityBytes ${capacityBytes} must be a positive integer`);
    }
    if (
      !Number.isSafeInteger(earlyWarningBytes) ||
      earlyWarningBytes < 0 ||
      earlyWarningBytes > capacityBytes
    ) {
      throw new RangeError(`earlyWarningBytes ${earlyWarningBytes} must be 0..capacityBytes`);
    }
    if (!Number.isInteger(densityCode) || densityCode < 0 || densityCode > 0xff) {
      throw new RangeError(`densityCode ${densityCode} must be 0..255`);
    }
    const header: CartridgeHeader = {
      slotSequence: 1,
      cartridgeId: crypto.randomBytes(16),
      createdAt: Date.now(),
      capacityBytes,
      earlyWarningBytes,
      generation: 1,
      writeProtected: options.writeProtected ?? false,
      loadCount: 0,
      densityCode,
      partitionCount: 1,
      barcode: options.barcode,
      mediumSerial: options.mediumSerial,
      mediumManufacturer: options.mediumManufacturer ?? 'XCOPYEMU',
      volumeIdentifier: options.volumeIdentifier ?? options.barcode,
      hostAttributes: [],
    };
    header.hostAttributes = applyHostAttribute([], MamId.barcode, 'ascii', asciiValue(options.barcode, 32));
    const slot0 = encodeHeaderSlot(header); // validates the ASCII fields before touching the disk
    const slot1 = encodeHeaderSlot({ ...header, slotSequence: 0 });
    if (fs.existsSync(path)) throw new CartridgeExistsError(path);
    const tmp = `${path}.creating-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
    const fd = fs.openSync(tmp, 'wx');
    try {
      try {
        pwriteAll(fd, [slot0, slot1], 0);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      try {
        fs.linkSync(tmp, path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new CartridgeExistsError(path);
        throw e;
      }
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    fs.rmSync(indexPathOf(path), { force: true });
    fsyncDirectory(nodePath.dirname(path));
    return Cartridge.open(path, { ...openOptions, countLoad: false });
  }

  /**
   * Load a cartridge: pick the newest header slot, rebuild the object map (index checkpoint +
   * validating scan), cut a torn tail off and count the load. Positioned at BOP.
   */
  static open(path: string, options: OpenOptions = {}): Cartridge {
    const readOnly = options.readOnly ?? false;
    const fd = fs.openSync(path, readOnly ? 'r' : 'r+');
    try {
      const { header, slot } = readHeaderSlots(fd, path);
      const fileSize = fs.fstatSync(fd).size;
      const loaded = loadObjects(fd, path, header, fileSize);
      const report: RecoveryReport = {
        indexedObjects: loaded.indexedObjects,
        scannedObjects: loaded.scannedObjects,
        discardedBytes: fileSize - loaded.map.endOffset,
      };
      if (loaded.indexRejected !== undefined) report.indexRejected = loaded.indexRejected;
      if (loaded.stopReason !== undefined) report.stopReason = loaded.stopReason;
      const c = new Cartridge(path, fd, header, slot, loaded.map, readOnly, options, report);
      if (loaded.indexRejected === undefined) {
        c.checkpointCount = loaded.indexedObjects;
        c.checkpointBytes = loaded.map.bytesBefore(loaded.indexedObjects);
        c.checkpointGeneration = header.generation;
      }
      if (!readOnly) {
        if (report.discardedBytes > 0) c.cut(loaded.map.count);
        if (loaded.scannedObjects > 0 || report.discardedBytes > 0) {
          if (report.discardedBytes === 0) c.fsync();
          c.writeCheckpoint(loaded.map.count);
        }
        if (options.countLoad ?? true)
          c.writeHeader({ ...c.header, loadCount: c.header.loadCount + 1 }, true);
      }
      return c;
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
  }

  /** Unload: sync, write the index checkpoint, close the file. Idempotent. */
  close(): void {
    const fd = this.fd;
    if (fd === null) return;
    try {
      if (!this.readOnly) {
        this.fsync();
        if (this.checkpointGeneration !== this.header.generation || this.checkpointCount !== this.map.count) {
          this.writeCheckpoint(this.map.count);
        }
      }
    } finally {
      this.fd = null;
      fs.closeSync(fd);
    }
  }

  get closed(): boolean {
    return this.fd === null;
  }

  // --- identity and state ----------------------------------------------------------------------------

  get info(): CartridgeInfo {
    const h = this.header;
    return {
      barcode: h.barcode,
      mediumSerial: h.mediumSerial,
      mediumManufacturer: h.mediumManufacturer,
      volumeIdentifier: h.volumeIdentifier,
      densityCode: h.densityCode,
      capacityBytes: h.capacityBytes,
      earlyWarningBytes: h.earlyWarningBytes,
      cartridgeId: h.cartridgeId.toString('hex'),
      createdAt: new Date(h.createdAt),
    };
  }

  get writeProtected(): boolean {
    return this.header.writeProtected;
  }

  /** Slide the write-protect tab (persisted). */
  setWriteProtected(on: boolean): void {
    this.requireFd();
    if (this.readOnly) throw new WriteProtectedError(this.path, 'read-only-open');
    if (on !== this.header.writeProtected) this.writeHeader({ ...this.header, writeProtected: on }, true);
  }

  get loadCount(): number {
    return this.header.loadCount;
  }

  /** Object number of end of data (= number of objects in the partition). */
  get eod(): number {
    return this.map.count;
  }

  get filemarkCount(): number {
    return this.map.filemarkCount;
  }

  /** Bytes of block data between BOP and EOD. */
  get usedBytes(): number {
    return this.map.totalBytes;
  }

  get remainingBytes(): number {
    return Math.max(0, this.header.capacityBytes - this.map.totalBytes);
  }

  // --- position ---------------------------------------------------------------------------------------

  get position(): number {
    return this.pos;
  }

  positionInfo(): PositionInfo {
    this.requireFd();
    return {
      partition: PARTITION,
      objectNumber: this.pos,
      fileNumber: this.map.filemarksBefore(this.pos),
      bop: this.pos === 0,
      eod: this.pos === this.map.count,
      earlyWarning: this.inEarlyWarning(this.pos),
    };
  }

  /** Logical file number at a position (filemarks before it). */
  fileNumberAt(objectNumber: number): number {
    return this.map.filemarksBefore(objectNumber);
  }

  /** Early-warning state of the current position (forced, or block bytes before it past the mark). */
  get earlyWarning(): boolean {
    return this.inEarlyWarning(this.pos);
  }

  private inEarlyWarning(pos: number): boolean {
    if (this.forcedEarlyWarning !== null && pos >= this.forcedEarlyWarning) return true;
    return this.map.bytesBefore(pos) > this.header.capacityBytes - this.header.earlyWarningBytes;
  }

  rewind(): void {
    this.requireFd();
    this.pos = 0;
  }

  /** LOCATE to a logical object identifier; beyond EOD positions at EOD. */
  locate(objectNumber: number): LocateResult {
    this.requireFd();
    checkCount(objectNumber, 'object number');
    if (objectNumber < 0) throw new RangeError(`object number ${objectNumber} is negative`);
    if (objectNumber > this.map.count) {
      this.pos = this.map.count;
      return { objectNumber: this.pos, stoppedAt: 'eod' };
    }
    this.pos = objectNumber;
    return { objectNumber, stoppedAt: null };
  }

  /**
   * LOCATE(16) DEST_TYPE 01b: to the beginning of file `fileNumber`, i.e. just after its
   * `fileNumber`-th filemark (file 0 starts at BOP). A missing file positions at EOD.
   */
  locateFile(fileNumber: number): LocateResult {
    this.requireFd();
    checkCount(fileNumber, 'file number');
    if (fileNumber < 0) throw new RangeError(`file number ${fileNumber} is negative`);
    if (fileNumber === 0) return this.locate(0);
    if (fileNumber > this.map.filemarkCount) return this.locate(this.map.count + 1);
    return this.locate(this.map.filemarkAt(fileNumber - 1) + 1);
  }

  /**
   * SPACE blocks (SSC-4 6.6): `count` > 0 forward, < 0 reverse. A filemark ends the operation
   * and is crossed (forward: EOM side, reverse: BOP side); EOD and BOP end it in place.
   */
  spaceBlocks(count: number): SpaceResult {
    return this.space(count, spaceBlocks);
  }

  /** SPACE filemarks: to the EOM side (forward) or BOP side (reverse) of the count-th filemark. */
  spaceFilemarks(count: number): SpaceResult {
    return this.space(count, spaceFilemarks);
  }

  /** SPACE sequential filemarks (code 0010b): to the first run of |count| consecutive filemarks. */
  spaceSequentialFilemarks(count: number): SpaceResult {
    return this.space(count, spaceSequentialFilemarks);
  }

  /** SPACE to end of data. */
  spaceToEod(): void {
    this.requireFd();
    this.pos = this.map.count;
  }

  private space(count: number, rule: SpaceRule): SpaceResult {
    this.requireFd();
    checkCount(count, 'count');
    const { position, result } = rule(this.map, this.pos, count);
    this.pos = position;
    return result;
  }

  // --- reading ----------------------------------------------------------------------------------------

  /** What the object at the position is, without reading it or moving. */
  peek(): ObjectKind {
    this.requireFd();
    if (this.pos >= this.map.count) return { kind: 'eod' };
    const length = this.map.lengthOf(this.pos);
    return length === 0 ? { kind: 'filemark' } : { kind: 'block', length };
  }

  /**
   * Read the object at the position and move past it (EOD: stay). A block's record is checked
   * (header and CRC32C); a damaged one throws CartridgeCorruptError and the position stays.
   */
  read(): ReadResult {
    const fd = this.requireFd();
    const m = this.map;
    if (this.pos >= m.count) return { kind: 'eod' };
    const length = m.lengthOf(this.pos);
    if (length === 0) {
      this.pos++;
      return { kind: 'filemark' };
    }
    const offset = m.offsetOf(this.pos);
    const buf = Buffer.allocUnsafe(RECORD_HEADER_SIZE + length);
    const got = preadFully(fd, buf, offset);
    const fail = (detail: string): never => {
      throw new CartridgeCorruptError(this.path, detail, this.pos, offset);
    };
    if (got < buf.length) fail('record is cut short');
    const h = parseRecordHeader(buf);
    if (h === undefined) return fail('no record magic');
    if (h.type !== RecordType.block || h.objectNumber !== this.pos || h.payloadLength !== length) {
      fail('record header does not match the index');
    }
    const data = buf.subarray(RECORD_HEADER_SIZE);
    if (recordCrc(buf, data) !== h.crc) fail('record CRC mismatch');
    this.pos++;
    return { kind: 'block', data };
  }

  // --- writing ----------------------------------------------------------------------------------------

  /**
   * Write blocks at the position. Before EOD this first cuts the partition there (the position
   * becomes EOD, SSC-4 4.2.7). Blocks that fit are recorded whole with one pwritev; the first
   * block that would pass the end of the partition and all after it are not recorded at all
   * (EndOfPartitionError). Not synced.
   */
  writeBlocks(blocks: readonly Buffer[]): WriteResult {
    this.assertWritable();
    for (const b of blocks) {
      if (b.length < 1 || b.length > MAX_BLOCK_LENGTH) {
        throw new RangeError(`block length ${b.length} outside 1..${MAX_BLOCK_LENGTH}`);
      }
    }
    if (blocks.length === 0) return this.writeResult();
    if (this.pos < this.map.count) this.cut(this.pos);
    let fit = 0;
    let bytes = this.map.totalBytes;
    for (const b of blocks) {
      if (this.forcedEndOfPartition !== null && this.map.count + fit >= this.forcedEndOfPartition) break;
      if (bytes + b.length > this.header.capacityBytes) break;
      bytes += b.length;
      fit++;
    }
    if (fit > 0) this.appendRecords(blocks.slice(0, fit));
    if (fit < blocks.length) {
      const rest = blocks.slice(fit);
      throw new EndOfPartitionError(
        fit,
        rest.length,
        rest.reduce((n, b) => n + b.length, 0),
      );
    }
    return this.writeResult();
  }

  writeBlock(block: Buffer): WriteResult {
    return this.writeBlocks([block]);
  }

  /**
   * Write `count` filemarks at the position (cutting there first when before EOD) and sync.
   * Filemarks always fit: they use no block capacity. count 0 writes nothing and only syncs
   * (WRITE FILEMARKS with a zero count flushes the buffer). `sync: false` skips the fsync so an
   * IMMED caller can await syncAsync() instead.
   */
  writeFilemarks(count: number, options: { sync?: boolean } = {}): WriteResult {
    checkCount(count, 'filemark count');
    if (count < 0) throw new RangeError(`filemark count ${count} is negative`);
    this.assertWritable();
    if (count > 0) {
      if (this.pos < this.map.count) this.cut(this.pos);
      this.appendRecords(new Array<undefined>(count).fill(undefined));
    }
    if (options.sync ?? true) this.sync();
    return this.writeResult();
  }

  /** ERASE: end of data at the position (everything after it is discarded). Synced. */
  erase(): void {
    this.assertWritable();
    if (this.pos < this.map.count) this.cut(this.pos);
  }

  private writeResult(): WriteResult {
    return { objectNumber: this.pos, earlyWarning: this.inEarlyWarning(this.pos) };
  }

  /** Records for the payloads (undefined = filemark) at EOD, in one pwritev. */
  private appendRecords(payloads: readonly (Buffer | undefined)[]): void {
    const fd = this.requireFd();
    const start = this.map.endOffset;
    const iov: Buffer[] = [];
    let objectNumber = this.map.count;
    const generation = this.header.generation;
    for (const p of payloads) {
      const type = p === undefined ? RecordType.filemark : RecordType.block;
      iov.push(encodeRecordHeader(type, PARTITION, generation, objectNumber++, p));
      if (p !== undefined) iov.push(p);
    }
    try {
      pwriteAll(fd, iov, start);
    } catch (e) {
      // Nothing of this call counts as written: drop whatever part reached the file.
      try {
        fs.ftruncateSync(fd, start);
      } catch {
        // The next append overwrites from `start`; a scan stops at any leftover (FORMAT.md).
      }
      throw new CartridgeIoError(this.path, 'write', e);
    }
    for (const p of payloads) this.map.push(p === undefined ? 0 : p.length);
    this.pos = this.map.count;
  }

  /**
   * Make object `n` end of data. Crash-safe order (FORMAT.md "Cutting"): the header slot with a
   * raised generation is written, the file is truncated, then one fsync; records written later
   * carry the new generation, so any stale record that survives a lost truncate is rejected.
   */
  private cut(n: number): void {
    const fd = this.requireFd();
    const offset = this.map.offsetOf(n);
    this.writeHeader({ ...this.header, generation: this.header.generation + 1 }, false);
    try {
      fs.ftruncateSync(fd, offset);
    } catch (e) {
      throw new CartridgeIoError(this.path, 'truncate', e);
    }
    this.fsync();
    this.map.truncate(n);
    if (this.pos > n) this.pos = n;
  }

  // --- durability -----------------------------------------------------------------------------------

  /** SYNCHRONIZE / WRITE FILEMARKS: make everything written so far durable (fsync). */
  sync(): void {
    if (this.readOnly) {
      this.requireFd();
      return;
    }
    const count = this.map.count;
    const generation = this.header.generation;
    this.fsync();
    this.afterSync(count, generation);
  }

  /**
   * sync() without blocking the event loop: fsync runs on the thread pool through a second file
   * descriptor (fsync covers the file, whatever descriptor wrote it), so close() stays safe.
   */
  async syncAsync(): Promise<void> {
    this.requireFd();
    if (this.readOnly) return;
    const count = this.map.count;
    const generation = this.header.generation;
    try {
      const handle = await fs.promises.open(this.path, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (e) {
      throw new CartridgeIoError(this.path, 'fsync', e);
    }
    if (this.fd !== null) this.afterSync(count, generation);
  }

  private fsync(): void {
    try {
      fs.fsyncSync(this.requireFd());
    } catch (e) {
      throw new CartridgeIoError(this.path, 'fsync', e);
    }
  }

  /** After `count` objects of `generation` are durable: checkpoint the index if due. */
  private afterSync(count: number, generation: number): void {
    if (generation !== this.header.generation) return; // cut meanwhile: the next sync checkpoints
    if (
      this.checkpointGeneration !== generation ||
      count - this.checkpointCount >= this.checkpointEveryObjects ||
      this.map.bytesBefore(count) - this.checkpointBytes >= this.checkpointEveryBytes
    ) {
      this.writeCheckpoint(count);
    }
  }

  /** Index of objects 0..count-1 (all durable): temporary file, fsync, rename, fsync directory. */
  private writeCheckpoint(count: number): void {
    const buf = encodeIndex({
      generation: this.header.generation,
      cartridgeId: this.header.cartridgeId,
      lengths: this.map.lengths(count),
      dataEndOffset: this.map.offsetOf(count),
    });
    const target = indexPathOf(this.path);
    const tmp = `${target}.tmp`;
    try {
      const fd = fs.openSync(tmp, 'w');
      try {
        pwriteAll(fd, [buf], 0);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, target);
      fsyncDirectory(nodePath.dirname(this.path));
    } catch (e) {
      throw new CartridgeIoError(this.path, 'index checkpoint', e);
    }
    this.checkpointCount = count;
    this.checkpointBytes = this.map.bytesBefore(count);
    this.checkpointGeneration = this.header.generation;
  }

  /** Write the header to the other slot (never over the current one), then optionally fsync. */
  private writeHeader(next: CartridgeHeader, sync: boolean): void {
    const fd = this.requireFd();
    const h: CartridgeHeader = { ...next, slotSequence: (this.header.slotSequence + 1) >>> 0 };
    const slot = (this.activeSlot + 1) % SLOT_COUNT;
    const bytes = encodeHeaderSlot(h);
    try {
      pwriteAll(fd, [bytes], slot * SLOT_SIZE);
    } catch (e) {
      throw new CartridgeIoError(this.path, 'header write', e);
    }
    this.header = h;
    this.activeSlot = slot;
    if (sync) this.fsync();
  }

  // --- capacity fault injection (admin API) -------------------------------------------------------

  /** Test hook: positions at or after object `objectNumber` report early warning (null: off). */
  forceEarlyWarningAt(objectNumber: number | null): void {
    if (objectNumber !== null) checkCount(objectNumber, 'object number');
    this.forcedEarlyWarning = objectNumber;
  }

  /** Test hook: a block cannot be recorded as object `objectNumber` or later (null: off). */
  forceEndOfPartitionAt(objectNumber: number | null): void {
    if (objectNumber !== null) checkCount(objectNumber, 'object number');
    this.forcedEndOfPartition = objectNumber;
  }

  // --- MAM -------------------------------------------------------------------------------------------

  /** READ ATTRIBUTE: all attributes of partition 0, in identifier order. */
  mamAttributes(): MamAttributeValue[] {
    const h = this.header;
    return mamAttributes({
      capacityBytes: h.capacityBytes,
      usedBytes: this.map.totalBytes,
      loadCount: h.loadCount,
      densityCode: h.densityCode,
      volumeIdentifier: h.volumeIdentifier,
      mediumManufacturer: h.mediumManufacturer,
      mediumSerial: h.mediumSerial,
      createdAt: h.createdAt,
      hostAttributes: h.hostAttributes,
    });
  }

  mamAttribute(attributeIdentifier: number): MamAttributeValue | undefined {
    return this.mamAttributes().find((a) => a.attributeIdentifier === attributeIdentifier);
  }

  /**
   * WRITE ATTRIBUTE of one host attribute (a zero-length value deletes it). Persisted and synced.
   * Refused on a write-protected cartridge like any other write.
   */
  writeMamAttribute(attributeIdentifier: number, format: MamFormat, value: Buffer): void {
    this.assertWritable();
    const hostAttributes = applyHostAttribute(this.header.hostAttributes, attributeIdentifier, format, value);
    this.writeHeader({ ...this.header, hostAttributes }, true);
  }

  // --- helpers ---------------------------------------------------------------------------------------

  private requireFd(): number {
    if (this.fd === null) throw new CartridgeClosedError(this.path);
    return this.fd;
  }

  private assertWritable(): void {
    this.requireFd();
    if (this.readOnly) throw new WriteProtectedError(this.path, 'read-only-open');
    if (this.header.writeProtected) throw new WriteProtectedError(this.path, 'medium');
  }
}
