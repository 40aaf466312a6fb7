// Text key=value data (RFC 7143 6.1): parsing and serialising the NUL-separated pairs carried by
// Login and Text PDUs, and reassembling/splitting text spread over several PDUs with the C bit.
import { PduError, RejectReason } from './pdu';

/** One key=value pair, in the order it appeared. */
export type TextPair = [key: string, value: string];

/** RFC 7143 6.1: key names are at most 63 bytes. */
export const MAX_KEY_LENGTH = 63;
/**
 * Values are limited to 255 bytes unless a key says otherwise; CHAP_C/CHAP_R (1024 binary bytes,
 * 2050 characters as hex) and SendTargets replies are longer, so the parser accepts up to 8192.
 */
export const MAX_VALUE_LENGTH = 8192;

const KEY_CHARS = /^[A-Za-z0-9.\-+@_:#]+$/;

/** Parse a text data segment into ordered pairs. Throws PduError (protocol error) when malformed. */
export function parseText(data: Buffer): TextPair[] {
  const out: TextPair[] = [];
  let start = 0;
  while (start < data.length) {
    let end = data.indexOf(0, start);
    if (end < 0) end = data.length;
    if (end > start) out.push(parsePair(data.toString('utf8', start, end)));
    start = end + 1;
  }
  return out;
}

function parsePair(s: string): TextPair {
  const eq = s.indexOf('=');
  if (eq <= 0)
    throw new PduError(RejectReason.ProtocolError, `text item without key=value: ${JSON.stringify(s)}`);
  const key = s.slice(0, eq);
  const value = s.slice(eq + 1);
  if (key.length > MAX_KEY_LENGTH || !KEY_CHARS.test(key)) {
    throw new PduError(RejectReason.ProtocolError, `invalid key name ${JSON.stringify(key)}`);
  }
  if (Buffer.byteLength(value) > MAX_VALUE_LENGTH) {
    throw new PduError(
      RejectReason.ProtocolError,
      `value of ${key} is longer than ${MAX_VALUE_LENGTH} bytes`,
    );
  }
  return [key, value];
}

/** Serialise pairs as key=value\0 ... . Throws RangeError for keys/values that cannot be sent. */
export function serializeText(pairs: Iterable<TextPair>): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of pairs) {
    if (key.length === 0 || key.length > MAX_KEY_LENGTH || !KEY_CHARS.test(key)) {
      throw new RangeError(`invalid key name ${JSON.stringify(key)}`);
    }
    if (value.includes('\0')) throw new RangeError(`value of ${key} contains NUL`);
    parts.push(Buffer.from(`${key}=${value}\0`, 'utf8'));
  }
  return Buffer.concat(parts);
}

/** Value of the first occurrence of key, or undefined. */
export function textValue(pairs: readonly TextPair[], key: string): string | undefined {
  for (const [k, v] of pairs) if (k === key) return v;
  return undefined;
}

/**
 * Reassembles text split over several PDUs (RFC 7143 11.10.2: C bit). Push each PDU's data segment
 * with its C bit; the concatenated text is parsed when a PDU arrives without C.
 */
export class TextAssembler {
  private parts: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit = 1024 * 1024) {}

  /** Whether continuation data is waiting for the final PDU. */
  get pending(): boolean {
    return this.parts.length > 0;
  }

  /** Add one PDU's data; returns the pairs once the sequence is complete, undefined while C is set. */
  push(data: Buffer, continueBit: boolean): TextPair[] | undefined {
    this.size += data.length;
    if (this.size > this.limit) {
      this.reset();
      throw new PduError(RejectReason.ProtocolError, `continued text exceeds ${this.limit} bytes`);
    }
    this.parts.push(data);
    if (continueBit) return undefined;
    const all = Buffer.concat(this.parts);
    this.reset();
    return parseText(all);
  }

  reset(): void {
    this.parts = [];
    this.size = 0;
  }
}

/**
 * Split serialised text into data segments of at most maxLength bytes. Every segment but the last
 * is sent with the C bit set (a pair may straddle two segments, RFC 7143 6.1).
 */
export function splitText(data: Buffer, maxLength: number): Buffer[] {
  if (!Number.isInteger(maxLength) || maxLength < 1) throw new RangeError(`bad segment length ${maxLength}`);
  if (data.length <= maxLength) return [data];
  const out: Buffer[] = [];
  for (let off = 0; off < data.length; off += maxLength) out.push(data.subarray(off, off + maxLength));
  return out;
}
