// Zero-copy-leaning PDU receiver for a socket opened with net's `onread` option (RFC 7143 11.2
// framing, same checks as PduReader). Headers and small PDUs are read into one reused staging
// buffer; the data segment of a Data-In PDU is read straight into the buffer its task supplies
// (placement), and other large data segments straight into a buffer of their own, so that payload
// bytes are copied by the kernel only, or at most once out of the staging buffer.
import { crc32c } from '@node-rs/crc32';
import {
  crc32cOf,
  dataDigestError,
  decodeItem,
  DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH,
  headerDigestError,
  oversizeError,
  type ReadItem,
  type ReaderOptions,
} from './framing';
import { BHS_LENGTH, Opcode, padLength, parseBhsLengths } from './pdu';

/**
 * Where the data segment of a Data-In PDU should land: a buffer of exactly `length` bytes (normally a
 * view of the task's Data-In buffer at `bufferOffset`), or undefined to receive it into a buffer of
 * its own. Called after the header (and header digest) is checked, before any data byte is stored.
 * The bytes are final only when the PDU is delivered: a data digest error or a lost connection
 * leaves the view partly written.
 */
export type DataInPlacement = (itt: number, bufferOffset: number, length: number) => Buffer | undefined;

/** Bytes each staging read may take: enough for many small PDUs, little copying for large ones. */
export const DEFAULT_STAGING_READ = 16 * 1024;
/** Data segment remainders shorter than this go through the staging buffer (one read, not two). */
export const DEFAULT_MIN_DIRECT_READ = 2048;
const EMPTY = Buffer.alloc(0);
/** BHS plus the largest AHS (TotalAHSLength is one byte of 4-byte words) plus a header digest. */
const MAX_HEADER = BHS_LENGTH + 255 * 4 + 4;

/** A PDU whose header is checked and whose data segment is still arriving. */
interface PartialPdu {
  /** BHS + AHS, in the receiver's header buffer (decodePdu keeps no reference to it). */
  header: Buffer;
  /** Where the data segment goes (exactly DataSegmentLength bytes). */
  data: Buffer;
  filled: number;
  /** Padding plus data digest still to read after the data segment. */
  trailer: number;
  /** Whether a data digest follows (decided by the options in force when the header was read). */
  digest: boolean;
  /** Whether some of the data segment was read directly into `data`. */
  direct: boolean;
}

export interface ReceiverOptions extends ReaderOptions {
  /** Most bytes one read into the staging buffer may take (default DEFAULT_STAGING_READ). */
  stagingRead: number;
  /** Shortest data segment remainder read directly into its destination (default DEFAULT_MIN_DIRECT_READ). */
  minDirectRead: number;
}

/**
 * Incremental PDU receiver driven by socket reads into buffers it hands out: call readBuffer() for
 * the memory the next read fills and commit(n, onItem) after n bytes landed there (or push(chunk)
 * to feed bytes from elsewhere). onItem runs once per PDU, in order, synchronously, and may call
 * setOptions()/pause() for the next PDU, as with PduReader. Delivered PDUs never refer to the
 * staging buffer: their data segment is either placed or a buffer of its own.
 */
export class PduReceiver {
  private opts: ReceiverOptions;
  private staging: Buffer;
  /** Unparsed bytes are staging[start, end). */
  private start = 0;
  private end = 0;
  private cur?: PartialPdu;
  /** Whether the buffer last handed out by readBuffer() is the data segment of `cur`. */
  private direct = false;
  /**
   * Whether the last PDU's data segment was read directly: large PDUs are then likely to follow, so
   * the next staging read takes just one header and the data segment behind it is not copied.
   */
  private streaming = false;
  /** Bytes of an over-long data segment still to discard. */
  private skip = 0;
  private paused = false;
  private dead = false;
  private placement?: DataInPlacement;
  /** Holds the header of `cur` while the staging buffer is reused. */
  private readonly headerCopy = Buffer.allocUnsafe(MAX_HEADER);

  constructor(opts: Partial<ReceiverOptions> = {}) {
    this.opts = {
      headerDigest: false,
      dataDigest: false,
      maxRecvDataSegmentLength: DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH,
      stagingRead: DEFAULT_STAGING_READ,
      minDirectRead: DEFAULT_MIN_DIRECT_READ,
      ...opts,
    };
    this.staging = Buffer.allocUnsafe(Math.max(this.opts.stagingRead, MAX_HEADER) * 2);
  }

  setOptions(opts: Partial<ReaderOptions>): void {
    this.opts = { ...this.opts, ...opts };
  }

  get options(): Readonly<ReceiverOptions> {
    return this.opts;
  }

  /** Install (or remove) the Data-In placement hook. */
  setPlacement(placement: DataInPlacement | undefined): void {
    this.placement = placement;
  }

  /** Bytes received but not yet delivered. */
  get buffered(): number {
    return this.end - this.start + (this.cur ? this.cur.filled : 0);
  }

  get failed(): boolean {
    return this.dead;
  }

  /** Stop cutting PDUs after the current one; later input is only buffered until resume(). */
  pause(): void {
    this.paused = true;
  }

  resume(onItem: (item: ReadItem) => void): void {
    this.paused = false;
    this.run(onItem);
  }

  /**
   * The memory the next read should fill: the rest of the current data segment when nothing else
   * is buffered, otherwise free space in the staging buffer.
   */
  readBuffer(): Buffer {
    const c = this.cur;
    const empty = this.start === this.end;
    if (c && empty && !this.dead && c.data.length - c.filled >= Math.max(1, this.opts.minDirectRead)) {
      this.direct = true;
      return c.data.subarray(c.filled);
    }
    this.direct = false;
    if (empty) {
      this.start = 0;
      this.end = 0;
    }
    let want = this.opts.stagingRead;
    if (empty && this.skip === 0) {
      const header = BHS_LENGTH + (this.opts.headerDigest ? 4 : 0);
      if (!c && this.streaming) want = header;
      else if (c && c.direct && c.filled === c.data.length) want = c.trailer + header;
    }
    if (this.staging.length - this.end < want) {
      const have = this.end - this.start;
      if (this.start > 0 && have + want <= this.staging.length) {
        this.staging.copy(this.staging, 0, this.start, this.end);
      } else {
        // Only while paused (login) can unparsed bytes pile up: grow.
        const bigger = Buffer.allocUnsafe(Math.max(this.staging.length * 2, have + want));
        this.staging.copy(bigger, 0, this.start, this.end);
        this.staging = bigger;
      }
      this.start = 0;
      this.end = have;
    }
    return this.staging.subarray(this.end, this.end + want);
  }

  /** n bytes were read into the buffer last returned by readBuffer(). */
  commit(n: number, onItem: (item: ReadItem) => void): void {
    if (this.dead) return;
    if (this.direct) {
      this.direct = false;
      if (this.cur) {
        this.cur.filled += n;
        this.cur.direct = true;
      }
    } else {
      this.end += n;
    }
    this.run(onItem);
  }

  /** Feed bytes that arrived some other way (tests, or a socket without onread). */
  push(chunk: Buffer, onItem: (item: ReadItem) => void): void {
    let off = 0;
    while (off < chunk.length && !this.dead) {
      const b = this.readBuffer();
      const n = Math.min(b.length, chunk.length - off);
      chunk.copy(b, 0, off, off + n);
      off += n;
      this.commit(n, onItem);
    }
  }

  private run(onItem: (item: ReadItem) => void): void {
    while (!this.dead && !this.paused) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, this.end - this.start);
        this.skip -= n;
        this.start += n;
        if (this.skip > 0) return;
      }
      if (this.cur) {
        if (!this.continuePartial(onItem)) return;
        continue;
      }
      if (!this.startPdu(onItem)) return;
    }
  }

  /** Cut the next PDU from the staging buffer; false when more bytes are needed. */
  private startPdu(onItem: (item: ReadItem) => void): boolean {
    const avail = this.end - this.start;
    if (avail < BHS_LENGTH) return false;
    const s = this.staging;
    const p = this.start;
    const bhs = s.subarray(p, p + BHS_LENGTH);
    const { totalAhsLength, dataSegmentLength } = parseBhsLengths(bhs);
    const headerLength = BHS_LENGTH + totalAhsLength;
    const hd = this.opts.headerDigest ? 4 : 0;
    const dd = this.opts.dataDigest && dataSegmentLength > 0 ? 4 : 0;
    const pad = padLength(dataSegmentLength);
    if (dataSegmentLength > this.opts.maxRecvDataSegmentLength) {
      // The PDU is skipped whole so the stream stays in step.
      const error = oversizeError(bhs, dataSegmentLength, this.opts.maxRecvDataSegmentLength);
      const total = headerLength + hd + dataSegmentLength + pad + dd;
      const have = Math.min(total, avail);
      this.start += have;
      this.skip = total - have;
      onItem({ error });
      return true;
    }
    if (avail < headerLength + hd) return false;
    const header = s.subarray(p, p + headerLength);
    if (hd) {
      const got = s.readUInt32LE(p + headerLength);
      const want = crc32c(header) >>> 0;
      if (got !== want) {
        this.dead = true;
        onItem({ error: headerDigestError(bhs, got, want) });
        return false;
      }
    }
    const dataStart = p + headerLength + hd;
    const trailer = pad + dd;
    if (dataSegmentLength === 0) {
      this.start = dataStart;
      this.streaming = false;
      this.deliver(header, EMPTY, undefined, onItem);
      return true;
    }
    let data: Buffer | undefined;
    if ((bhs[0] & 0x3f) === Opcode.DataIn && totalAhsLength === 0 && this.placement) {
      // RFC 7143 11.7.4 BufferOffset; the placement checks it against the task.
      data = this.placement(bhs.readUInt32BE(16), bhs.readUInt32BE(40), dataSegmentLength);
      if (data && data.length !== dataSegmentLength) data = undefined;
    }
    data ??= Buffer.allocUnsafe(dataSegmentLength);
    const inStaging = Math.min(dataSegmentLength, this.end - dataStart);
    s.copy(data, 0, dataStart, dataStart + inStaging);
    this.start = dataStart + inStaging;
    this.streaming = false;
    header.copy(this.headerCopy);
    this.cur = {
      header: this.headerCopy.subarray(0, headerLength),
      data,
      filled: inStaging,
      trailer,
      digest: dd > 0,
      direct: false,
    };
    return true;
  }

  /** Advance the PDU whose data segment is arriving; false when more bytes are needed. */
  private continuePartial(onItem: (item: ReadItem) => void): boolean {
    const c = this.cur as PartialPdu;
    const need = c.data.length - c.filled;
    if (need > 0) {
      const n = Math.min(need, this.end - this.start);
      this.staging.copy(c.data, c.filled, this.start, this.start + n);
      this.start += n;
      c.filled += n;
      if (n < need) return false;
    }
    if (this.end - this.start < c.trailer) return false;
    const t = this.start;
    this.start += c.trailer;
    this.cur = undefined;
    this.streaming = c.direct;
    const pad = padLength(c.data.length);
    const digest = c.digest
      ? { pad: this.staging.subarray(t, t + pad), got: this.staging.readUInt32LE(t + pad) }
      : undefined;
    this.deliver(c.header, c.data, digest, onItem);
    return true;
  }

  /** Check the data digest (RFC 7143 11.2.4: over data and padding), decode, hand over. */
  private deliver(
    header: Buffer,
    data: Buffer,
    digest: { pad: Buffer; got: number } | undefined,
    onItem: (item: ReadItem) => void,
  ): void {
    if (digest) {
      const crc = crc32cOf([data, digest.pad]);
      if (crc !== digest.got) {
        onItem({ error: dataDigestError(header, digest.got, crc) });
        return;
      }
    }
    onItem(decodeItem(header, data));
  }
}
