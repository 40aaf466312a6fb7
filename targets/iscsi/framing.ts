// Stream framing of iSCSI PDUs over a byte stream (RFC 7143 11.2): a reader that cuts PDUs out of
// socket chunks (checking header/data digests and the negotiated MaxRecvDataSegmentLength) and a
// writer that produces the buffers to send, with padding and CRC32C digests.
import { crc32c } from '@node-rs/crc32';
import {
  BHS_LENGTH,
  decodePdu,
  encodePdu,
  padLength,
  parseBhsLengths,
  PduError,
  RejectReason,
  type DataOut,
  type Pdu,
} from './pdu';

/** Default MaxRecvDataSegmentLength, also the limit in force during login (RFC 7143 13.12). */
export const DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH = 8192;

/** CRC32C over several buffers (iSCSI digest, RFC 7143 11.2.4 / Appendix B.4). */
export function crc32cOf(parts: readonly Buffer[]): number {
  let crc = 0;
  for (const p of parts) if (p.length > 0) crc = crc32c(p, crc);
  return crc >>> 0;
}

/** The 4 digest bytes as sent on the wire: the CRC32C value in little-endian byte order. */
export function digestBytes(crc: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(crc >>> 0, 0);
  return b;
}

export interface ReaderOptions {
  headerDigest: boolean;
  dataDigest: boolean;
  /** Largest data segment this side accepts (its declared MaxRecvDataSegmentLength). */
  maxRecvDataSegmentLength: number;
}

/** What the reader delivers: a decoded PDU or the reason one could not be decoded. */
export type ReadItem = { pdu: Pdu; error?: undefined } | { error: PduError; pdu?: undefined };

const PAD = Buffer.alloc(4);

// The failures both PDU readers (PduReader here, PduReceiver in receiver.ts) report, each with a
// copy of the BHS so the Reject can quote it after the read buffers are reused.

/** RFC 7143 13.12: a data segment longer than the declared MaxRecvDataSegmentLength is a protocol error. */
export function oversizeError(
  bhs: Buffer,
  dataSegmentLength: number,
  maxRecvDataSegmentLength: number,
): PduError {
  return new PduError(
    RejectReason.ProtocolError,
    `DataSegmentLength ${dataSegmentLength} exceeds MaxRecvDataSegmentLength ${maxRecvDataSegmentLength}`,
    Buffer.from(bhs.subarray(0, BHS_LENGTH)),
  );
}

/** A header digest mismatch: fatal, the stream can no longer be trusted to be in step. */
export function headerDigestError(bhs: Buffer, got: number, computed: number): PduError {
  return new PduError(
    RejectReason.ProtocolError,
    `header digest mismatch: got 0x${got.toString(16)}, computed 0x${computed.toString(16)}`,
    Buffer.from(bhs.subarray(0, BHS_LENGTH)),
    true,
  );
}

/** A data digest mismatch (RFC 7143 11.2.4): the PDU is rejected, the connection goes on. */
export function dataDigestError(bhs: Buffer, got: number, computed: number): PduError {
  return new PduError(
    RejectReason.DataDigestError,
    `data digest mismatch: got 0x${got.toString(16)}, computed 0x${computed.toString(16)}`,
    Buffer.from(bhs.subarray(0, BHS_LENGTH)),
  );
}

/** Decode one framed PDU; a PduError becomes the item's error, anything else is thrown. */
export function decodeItem(header: Buffer, data: Buffer): ReadItem {
  try {
    return { pdu: decodePdu(header, data) };
  } catch (e) {
    if (!(e instanceof PduError)) throw e;
    return { error: e };
  }
}

/**
 * Incremental PDU reader. Feed it socket chunks with push(); it calls onItem once per PDU, in order,
 * synchronously, so the callback may change options (digests after login) before the next PDU is cut.
 * After a fatal error it stops and ignores further input.
 */
export class PduReader {
  private opts: ReaderOptions;
  private chunks: Buffer[] = [];
  private size = 0;
  private dead = false;
  /** Bytes of an over-long data segment still to discard. */
  private skip = 0;
  private paused = false;

  constructor(opts: Partial<ReaderOptions> = {}) {
    this.opts = {
      headerDigest: false,
      dataDigest: false,
      maxRecvDataSegmentLength: DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH,
      ...opts,
    };
  }

  setOptions(opts: Partial<ReaderOptions>): void {
    this.opts = { ...this.opts, ...opts };
  }

  get options(): Readonly<ReaderOptions> {
    return this.opts;
  }

  /** Bytes received but not yet delivered. */
  get buffered(): number {
    return this.size;
  }

  /** Whether a fatal error stopped the reader. */
  get failed(): boolean {
    return this.dead;
  }

  /**
   * Stop cutting PDUs after the current one (callable from inside the callback); later input is only
   * buffered until resume(). Used during login, where each response may change the framing options.
   */
  pause(): void {
    this.paused = true;
  }

  /** Continue cutting buffered PDUs after pause(). */
  resume(onItem: (item: ReadItem) => void): void {
    this.paused = false;
    this.push(Buffer.alloc(0), onItem);
  }

  push(chunk: Buffer, onItem: (item: ReadItem) => void): void {
    if (this.dead) return;
    if (this.skip > 0) {
      const n = Math.min(this.skip, chunk.length);
      this.skip -= n;
      chunk = chunk.subarray(n);
    }
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.size += chunk.length;
    }
    while (!this.dead && !this.paused && this.skip === 0 && this.size >= BHS_LENGTH) {
      const bhs = this.peek(BHS_LENGTH);
      const { totalAhsLength, dataSegmentLength } = parseBhsLengths(bhs);
      const headerLength = BHS_LENGTH + totalAhsLength;
      const hd = this.opts.headerDigest ? 4 : 0;
      const dd = this.opts.dataDigest && dataSegmentLength > 0 ? 4 : 0;
      const padded = dataSegmentLength + padLength(dataSegmentLength);
      const total = headerLength + hd + padded + dd;
      if (dataSegmentLength > this.opts.maxRecvDataSegmentLength) {
        // RFC 7143 13.12; the PDU is skipped whole so the stream stays in step.
        const error = oversizeError(bhs, dataSegmentLength, this.opts.maxRecvDataSegmentLength);
        const have = Math.min(total, this.size);
        this.consume(have);
        this.skip = total - have;
        onItem({ error });
        continue;
      }
      if (this.size < total) return;
      const pduBytes = this.take(total);
      const header = pduBytes.subarray(0, headerLength);
      if (hd) {
        const got = pduBytes.readUInt32LE(headerLength);
        const want = crc32cOf([header]);
        if (got !== want) {
          this.dead = true;
          onItem({ error: headerDigestError(pduBytes, got, want) });
          return;
        }
      }
      const dataStart = headerLength + hd;
      const data = pduBytes.subarray(dataStart, dataStart + dataSegmentLength);
      if (dd) {
        const got = pduBytes.readUInt32LE(dataStart + padded);
        const want = crc32cOf([pduBytes.subarray(dataStart, dataStart + padded)]);
        if (got !== want) {
          onItem({ error: dataDigestError(pduBytes, got, want) });
          continue;
        }
      }
      onItem(decodeItem(header, data));
    }
  }

  /** The first n buffered bytes (n <= size) without consuming them. */
  private peek(n: number): Buffer {
    if (this.chunks[0].length < n) {
      // Merge just enough leading chunks to hold n bytes.
      let k = 0;
      let len = 0;
      while (len < n) len += this.chunks[k++].length;
      this.chunks.splice(0, k, Buffer.concat(this.chunks.slice(0, k), len));
    }
    return this.chunks[0].subarray(0, n);
  }

  /** Remove and return the first n bytes (n <= size). */
  private take(n: number): Buffer {
    const first = this.chunks[0];
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
    } else {
      // Gather exactly the chunks needed instead of concatenating everything buffered.
      const parts: Buffer[] = [];
      let got = 0;
      let i = 0;
      while (got < n) {
        const c = this.chunks[i];
        const want = Math.min(c.length, n - got);
        parts.push(want === c.length ? c : c.subarray(0, want));
        got += want;
        i++;
      }
      out = Buffer.concat(parts, n);
    }
    this.consume(n);
    return out;
  }

  private consume(n: number): void {
    this.size -= n;
    while (n > 0) {
      const c = this.chunks[0];
      if (c.length <= n) {
        n -= c.length;
        this.chunks.shift();
      } else {
        this.chunks[0] = c.subarray(n);
        n = 0;
      }
    }
  }
}

export interface WriterOptions {
  headerDigest: boolean;
  dataDigest: boolean;
  /** The peer's MaxRecvDataSegmentLength: data segments longer than this are refused (RangeError). */
  maxSendDataSegmentLength: number;
}

/** Turns PDUs into wire buffers (header [+digest], data, padding [+digest]) ready for socket writes. */
export class PduWriter {
  private opts: WriterOptions;

  constructor(opts: Partial<WriterOptions> = {}) {
    this.opts = {
      headerDigest: false,
      dataDigest: false,
      maxSendDataSegmentLength: DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH,
      ...opts,
    };
  }

  setOptions(opts: Partial<WriterOptions>): void {
    this.opts = { ...this.opts, ...opts };
  }

  get options(): Readonly<WriterOptions> {
    return this.opts;
  }

  /** Wire buffers of one PDU, in order. */
  frame(pdu: Pdu): Buffer[] {
    const { header, data } = encodePdu(pdu);
    if (data.length > this.opts.maxSendDataSegmentLength) {
      throw new RangeError(
        `${pdu.kind} data segment of ${data.length} bytes exceeds the peer's MaxRecvDataSegmentLength ${this.opts.maxSendDataSegmentLength}`,
      );
    }
    const out: Buffer[] = [header];
    if (this.opts.headerDigest) out.push(digestBytes(crc32cOf([header])));
    if (data.length > 0) {
      out.push(data);
      const pad = PAD.subarray(0, padLength(data.length));
      if (pad.length > 0) out.push(pad);
      if (this.opts.dataDigest) out.push(digestBytes(crc32cOf([data, pad])));
    }
    return out;
  }

  /**
   * Wire buffers of the Data-Out PDUs carrying data[start, end) (RFC 7143 11.7): data segments of at
   * most maxSendDataSegmentLength bytes, DataSN counting from firstDataSN, F set on the last one.
   * The same bytes as frame() on each PDU, but one header is encoded and then patched per PDU (all
   * headers share one allocation) and data segments are slices of `data`, not copies.
   */
  frameDataOut(
    p: Pick<DataOut, 'lun' | 'itt' | 'ttt' | 'expStatSN'>,
    data: Buffer,
    start: number,
    end: number,
    firstDataSN = 0,
  ): Buffer[] {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > data.length || start > end) {
      throw new RangeError(`Data-Out range ${start}..${end} of a ${data.length}-byte buffer`);
    }
    const seg = this.opts.maxSendDataSegmentLength;
    const count = Math.ceil((end - start) / seg);
    const out: Buffer[] = [];
    if (count === 0) return out;
    // Checks every field once (RangeError); the per-PDU fields below are in range by construction.
    const { header: template } = encodePdu({
      kind: 'data-out',
      final: false,
      ...p,
      dataSN: firstDataSN,
      bufferOffset: 0,
      data: Buffer.alloc(0),
    });
    if (firstDataSN + count - 1 > 0xffffffff) throw new RangeError(`DataSN ${firstDataSN} + ${count} PDUs`);
    const headers = Buffer.allocUnsafe(count * BHS_LENGTH);
    for (let i = 0, off = start; i < count; i++, off += seg) {
      const len = Math.min(seg, end - off);
      const h = headers.subarray(i * BHS_LENGTH, (i + 1) * BHS_LENGTH);
      template.copy(h);
      if (i === count - 1) h[1] = 0x80; // F
      h.writeUIntBE(len, 5, 3); // DataSegmentLength
      h.writeUInt32BE(firstDataSN + i, 36); // DataSN
      h.writeUInt32BE(off, 40); // Buffer Offset
      out.push(h);
      if (this.opts.headerDigest) out.push(digestBytes(crc32c(h)));
      const d = data.subarray(off, off + len);
      out.push(d);
      const pad = PAD.subarray(0, padLength(len));
      if (pad.length > 0) out.push(pad);
      if (this.opts.dataDigest) out.push(digestBytes(crc32cOf([d, pad])));
    }
    return out;
  }

  /** One PDU as a single buffer. */
  serialize(pdu: Pdu): Buffer {
    return Buffer.concat(this.frame(pdu));
  }
}
