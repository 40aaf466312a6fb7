// REPORT DENSITY SUPPORT response header (SSC-4 7.9), shared by the density support data and the
// medium type data: bytes 0-1 AVAILABLE DENSITY SUPPORT LENGTH (n - 1), bytes 2-3 reserved.
import { ByteReader, putU16 } from '../bytes';
import { invalidParamField } from '../errors';

/**
 * Total size of a REPORT DENSITY SUPPORT response as the device announces it (AVAILABLE DENSITY
 * SUPPORT LENGTH + 2): lets an initiator retry with a larger ALLOCATION LENGTH after a truncated reply.
 */
export function reportDensitySupportTotalLength(buf: Buffer): number {
  const r = new ByteReader(buf, 'data-in');
  const available = r.u16(0, 'AVAILABLE DENSITY SUPPORT LENGTH');
  // The length counts the two reserved header bytes, so it is never below 2.
  if (available < 2) throw invalidParamField(0, `AVAILABLE DENSITY SUPPORT LENGTH ${available} < 2`);
  return available + 2;
}

/**
 * Walk the descriptor list of a REPORT DENSITY SUPPORT response: the whole announced list must be
 * present and end on a descriptor boundary. `step` returns the size of the descriptor at `off`
 * (at least `minSize`, the bytes that hold the defined fields).
 */
export function walkDescriptors<T>(
  buf: Buffer,
  what: string,
  minSize: number,
  step: (r: ByteReader, off: number) => number,
  read: (r: ByteReader, off: number) => T,
): T[] {
  const r = new ByteReader(buf, 'data-in');
  const end = reportDensitySupportTotalLength(buf);
  r.need(0, end, what);
  const out: T[] = [];
  for (let off = 4; off < end;) {
    const size = off + minSize > end ? minSize : step(r, off);
    if (off + size > end) {
      throw invalidParamField(
        0,
        `${what}: AVAILABLE DENSITY SUPPORT LENGTH ends inside a descriptor at byte ${off}`,
      );
    }
    out.push(read(r, off));
    off += size;
  }
  return out;
}

/** The 4-byte header in front of `descriptorBytes` bytes of descriptors. */
export function densitySupportHeader(descriptorBytes: number): Buffer {
  const h = Buffer.alloc(4);
  putU16(h, descriptorBytes + 2, 0, 'AVAILABLE DENSITY SUPPORT LENGTH');
  return h;
}

/**
 * A whole REPORT DENSITY SUPPORT response: the header, then one `size`-byte descriptor per entry
 * written by `write` at its offset in the zeroed descriptor list.
 */
export function encodeDescriptors<T>(
  descriptors: readonly T[],
  size: number,
  write: (d: T, b: Buffer, off: number) => void,
): Buffer {
  const body = Buffer.alloc(descriptors.length * size);
  descriptors.forEach((d, i) => write(d, body, i * size));
  return Buffer.concat([densitySupportHeader(body.length), body]);
}
