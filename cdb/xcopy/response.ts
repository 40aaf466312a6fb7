// Shared by the RECEIVE COPY RESULTS responses: each starts with a 4-byte AVAILABLE DATA field
// that counts the bytes after it and is not altered by the allocation length (SPC-4 4.2.5.6), so
// a response truncated by a small ALLOCATION LENGTH still tells how long the full one is.
import { ByteReader } from '../bytes';

/** Length of the complete response (4 + AVAILABLE DATA); re-issue with this allocation length. */
export function fullResponseLength(buf: Buffer): number {
  return 4 + new ByteReader(buf, 'data-in', 0).u32(0, 'AVAILABLE DATA');
}

/** True when `buf` holds less than the complete response. */
export function isTruncatedResponse(buf: Buffer): boolean {
  return buf.length < fullResponseLength(buf);
}
