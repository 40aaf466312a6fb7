// Gather a byte range from per-chunk sources: a chunk reads from a file position or as zeros.
// Adjacent pieces that continue in the same file are merged into one read.
import type { FileHandle } from 'node:fs/promises';
import type { Geometry } from './block-device';
import { readFully } from './io';

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

export async function readChunks(
  g: Geometry,
  start: number,
  end: number,
  source: (chunk: number) => ChunkSource | undefined,
): Promise<Buffer> {
  const out = Buffer.allocUnsafe(end - start);
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
  for (const r of reads) await readFully(r.fh, out, r.outOffset, r.length, r.position);
  return out;
}
