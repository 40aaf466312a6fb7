// Gather a byte range from per-chunk sources: a chunk reads from a file position or as zeros.
// Adjacent pieces that continue in the same file are merged into one read. The result is a lease
// of the read buffer pool (buffer-pool.ts): every byte of it is written here before it is returned.
import { read as fsRead } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Geometry } from './block-device';
import { readBufferPool } from './buffer-pool';

/** Where a chunk's bytes live: `position` is the file offset of the chunk's first byte. */
export interface ChunkSource {
  fh: FileHandle;
  position: number;
}

interface PendingRead {
  fh: FileHandle;
  position: number;
  outOffset: number;
  length: number;
}

/**
 * `length` bytes at `position` of the file into `out` at `offset`; bytes past the end of the file
 * read as zeros (a data file may be shorter than the capacity after an interrupted tail trim).
 * Uses the descriptor directly (fs.read, no FileHandle promise machinery): readChunks runs under
 * the store's lock, which close() and compact() take exclusively, so the file stays open.
 */
function readAt(fd: number, out: Buffer, offset: number, length: number, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = 0;
    const next = (): void => {
      fsRead(fd, out, offset + done, length - done, position + done, (err, bytesRead) => {
        if (err !== null) {
          reject(err);
        } else if (bytesRead === 0) {
          out.fill(0, offset + done, offset + length);
          resolve();
        } else {
          done += bytesRead;
          if (done < length) next();
          else resolve();
        }
      });
    };
    next();
  });
}

/** Zero-fill the pieces without a source; the file reads that fill the rest, merged. */
function plan(
  g: Geometry,
  start: number,
  end: number,
  source: (chunk: number) => ChunkSource | undefined,
  out: Buffer,
): PendingRead[] {
  const reads: PendingRead[] = [];
  let pos = start;
  while (pos < end) {
    const chunk = g.chunkOf(pos);
    const chunkStart = chunk * g.chunkSize;
    const pieceEnd = Math.min(end, chunkStart + g.chunkLength(chunk));
    const length = pieceEnd - pos;
    const outOffset = pos - start;
    const src = source(chunk);
    if (src === undefined) {
      out.fill(0, outOffset, outOffset + length);
    } else {
      const position = src.position + (pos - chunkStart);
      const last = reads.length > 0 ? reads[reads.length - 1] : undefined;
      if (
        last !== undefined &&
        last.fh === src.fh &&
        last.position + last.length === position &&
        last.outOffset + last.length === outOffset
      ) {
        last.length += length;
      } else {
        reads.push({ fh: src.fh, position, outOffset, length });
      }
    }
    pos = pieceEnd;
  }
  return reads;
}

/** Bytes [start, end) of the store. Call with the store's lock held (shared). */
export async function readChunks(
  g: Geometry,
  start: number,
  end: number,
  source: (chunk: number) => ChunkSource | undefined,
): Promise<Buffer> {
  const out = readBufferPool.acquire(end - start);
  try {
    const reads = plan(g, start, end, source, out);
    for (const r of reads) await readAt(r.fh.fd, out, r.outOffset, r.length, r.position);
  } catch (e) {
    // Nobody has seen the buffer and no read into it is in flight (they run one after another).
    readBufferPool.release(out);
    throw e;
  }
  return out;
}
