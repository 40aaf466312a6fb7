// Positional I/O helpers that finish short transfers (a regular file may still return fewer bytes).
import type { FileHandle } from 'node:fs/promises';

/** Write all of `buffers` at `position`. */
export async function writeFully(fh: FileHandle, buffers: Buffer[], position: number): Promise<void> {
  let bufs = buffers.filter((b) => b.length > 0);
  let pos = position;
  while (bufs.length > 0) {
    const { bytesWritten } = await fh.writev(bufs, pos);
    if (bytesWritten <= 0) throw new Error(`short write at ${pos}`);
    pos += bytesWritten;
    let skip = bytesWritten;
    const rest: Buffer[] = [];
    for (const b of bufs) {
      if (skip >= b.length) {
        skip -= b.length;
        continue;
      }
      rest.push(skip > 0 ? b.subarray(skip) : b);
      skip = 0;
    }
    bufs = rest;
  }
}

/**
 * Read `length` bytes at `position` into `out` at `offset`; bytes past the end of the file are
 * zero-filled (a data file may be shorter than the capacity after an interrupted tail trim).
 */
export async function readFully(
  fh: FileHandle,
  out: Buffer,
  offset: number,
  length: number,
  position: number,
): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(out, offset + done, length - done, position + done);
    if (bytesRead === 0) {
      out.fill(0, offset + done, offset + length);
      return;
    }
    done += bytesRead;
  }
}
