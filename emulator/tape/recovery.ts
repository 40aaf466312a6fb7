// Open-time reconstruction of a cartridge (FORMAT.md "Recovery"): pick the newest valid header
// slot, trust the index checkpoint when it matches the data file, then scan forward validating
// every record (structure, chain and CRC32C) and stop at the first one that fails: that point is
// end of data. Nothing here writes; the caller cuts the torn tail off when it opened read-write.
import fs from 'node:fs';
import { CartridgeCorruptError } from './errors';
import {
  type CartridgeHeader,
  checkRecordHeader,
  decodeHeaderSlot,
  decodeIndex,
  parseRecordHeader,
  RECORD_HEADER_SIZE,
  recordCrc,
  RECORDS_START,
  sequenceNewer,
  SLOT_COUNT,
  SLOT_SIZE,
} from './format';
import { ObjectMap } from './object-map';

export function indexPathOf(path: string): string {
  return `${path}.idx`;
}

/** Read exactly buf.length bytes at `position` (fewer only at end of file). */
export function preadFully(fd: number, buf: Buffer, position: number): number {
  let done = 0;
  while (done < buf.length) {
    const n = fs.readSync(fd, buf, done, buf.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

export interface SlotChoice {
  header: CartridgeHeader;
  slot: number;
}

/** The valid header slot with the newest sequence; CartridgeCorruptError when none is valid. */
export function readHeaderSlots(fd: number, path: string): SlotChoice {
  let best: SlotChoice | undefined;
  const reasons: string[] = [];
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    const buf = Buffer.alloc(SLOT_SIZE);
    const got = preadFully(fd, buf, slot * SLOT_SIZE);
    const d = decodeHeaderSlot(buf.subarray(0, got));
    if (!d.ok) {
      reasons.push(`slot ${slot}: ${d.reason}`);
      continue;
    }
    if (best === undefined || sequenceNewer(d.value.slotSequence, best.header.slotSequence)) {
      best = { header: d.value, slot };
    }
  }
  if (best === undefined)
    throw new CartridgeCorruptError(path, `no valid header slot (${reasons.join('; ')})`);
  if (best.header.partitionCount !== 1) {
    throw new CartridgeCorruptError(
      path,
      `${best.header.partitionCount} partitions (this version supports 1)`,
    );
  }
  return best;
}

/** Serves byte ranges of the data file from a read-ahead window (few syscalls for small records). */
class WindowReader {
  private window = Buffer.alloc(0);
  private start = 0;

  constructor(
    private readonly fd: number,
    private readonly fileSize: number,
    private readonly windowSize = 4 * 1024 * 1024,
  ) {}

  /** Bytes [off, off+len) or undefined when the file ends first. */
  get(off: number, len: number): Buffer | undefined {
    if (off + len > this.fileSize) return undefined;
    if (off < this.start || off + len > this.start + this.window.length) {
      const size = Math.min(Math.max(len, this.windowSize), this.fileSize - off);
      const buf = Buffer.allocUnsafe(size);
      const got = preadFully(this.fd, buf, off);
      this.window = buf.subarray(0, got);
      this.start = off;
      if (got < len) return undefined;
    }
    return this.window.subarray(off - this.start, off - this.start + len);
  }
}

export interface LoadResult {
  map: ObjectMap;
  /** Generation of the last valid record (0 when there is none). */
  lastGeneration: number;
  /** Objects taken from the index checkpoint without reading their records. */
  indexedObjects: number;
  /** Records read and validated after the checkpoint. */
  scannedObjects: number;
  /** Why the index was not used, when it was not. */
  indexRejected?: string;
  /** Why the scan stopped before the end of the file, when it did. */
  stopReason?: string;
}

function loadIndex(
  fd: number,
  path: string,
  header: CartridgeHeader,
  fileSize: number,
): { map: ObjectMap; lastGeneration: number } | string {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(indexPathOf(path));
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no index file' : 'index unreadable';
  }
  const d = decodeIndex(raw);
  if (!d.ok) return d.reason;
  const idx = d.value;
  if (!idx.cartridgeId.equals(header.cartridgeId)) return 'index belongs to another cartridge';
  if (idx.generation !== header.generation) return `index generation ${idx.generation} is stale`;
  if (idx.dataEndOffset > fileSize) return 'index reaches beyond the data file';
  const map = ObjectMap.fromLengths(idx.lengths);
  if (map.count === 0) return { map, lastGeneration: 0 };
  // Cheap sanity check: the last indexed record must be where the index says.
  const last = map.count - 1;
  const hb = Buffer.alloc(RECORD_HEADER_SIZE);
  preadFully(fd, hb, map.offsetOf(last));
  const h = parseRecordHeader(hb);
  const why = checkRecordHeader(h, {
    objectNumber: last,
    partition: 0,
    minGeneration: 0,
    maxGeneration: header.generation,
  });
  if (why !== null || h === undefined || h.payloadLength !== map.lengthOf(last)) {
    return `last indexed record does not match (${why ?? 'length'})`;
  }
  return { map, lastGeneration: h.generation };
}

/** Rebuild the object map of partition 0 (index checkpoint, then a validating scan). */
export function loadObjects(fd: number, path: string, header: CartridgeHeader, fileSize: number): LoadResult {
  if (fileSize < RECORDS_START)
    throw new CartridgeCorruptError(path, `file is ${fileSize} bytes, shorter than its header`);
  const fromIndex = loadIndex(fd, path, header, fileSize);
  let map: ObjectMap;
  let generation: number;
  let indexRejected: string | undefined;
  if (typeof fromIndex === 'string') {
    map = new ObjectMap();
    generation = 0;
    indexRejected = fromIndex;
  } else {
    map = fromIndex.map;
    generation = fromIndex.lastGeneration;
  }
  const indexedObjects = map.count;
  const reader = new WindowReader(fd, fileSize);
  let stopReason: string | undefined;
  for (;;) {
    const off = map.endOffset;
    if (off === fileSize) break;
    const hb = reader.get(off, RECORD_HEADER_SIZE);
    if (hb === undefined) {
      stopReason = 'torn record header';
      break;
    }
    const h = parseRecordHeader(hb);
    const why = checkRecordHeader(h, {
      objectNumber: map.count,
      partition: 0,
      minGeneration: generation,
      maxGeneration: header.generation,
    });
    if (why !== null || h === undefined) {
      stopReason = why ?? 'bad record';
      break;
    }
    const whole = reader.get(off, RECORD_HEADER_SIZE + h.payloadLength);
    if (whole === undefined) {
      stopReason = 'torn record payload';
      break;
    }
    if (recordCrc(whole, whole.subarray(RECORD_HEADER_SIZE)) !== h.crc) {
      stopReason = 'record CRC mismatch';
      break;
    }
    map.push(h.payloadLength);
    generation = h.generation;
  }
  return {
    map,
    lastGeneration: generation,
    indexedObjects,
    scannedObjects: map.count - indexedObjects,
    indexRejected,
    stopReason,
  };
}
