// Disk images for the benchmark suites: make one, warm the page cache with it, digest it.
import { createHash, randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { FileBlockStore } from '../emulator/disk';

const CHUNK = 8 * 1048576;

/**
 * A raw image of `bytes` random bytes in FileBlockStore layout, with `blockSize`-byte blocks
 * (tgt, dd and qemu-img read the raw data file).
 */
export async function makeImage(file: string, bytes: number, blockSize: number): Promise<void> {
  const store = await FileBlockStore.create(file, {
    blockSize,
    blockCount: BigInt(bytes / blockSize),
    flushIntervalMs: 0,
  });
  try {
    for (let pos = 0; pos < bytes; pos += CHUNK) {
      await store.write(BigInt(pos / blockSize), randomBytes(Math.min(CHUNK, bytes - pos)));
    }
  } finally {
    await store.close();
  }
}

/** Read the first `bytes` bytes of `file` (fewer at end of file) in chunks, handing each to `chunk`. */
async function readChunks(file: string, bytes: number, chunk: (b: Buffer) => void): Promise<void> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    for (let pos = 0; pos < bytes;) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, bytes - pos), pos);
      if (bytesRead === 0) break;
      chunk(buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
  } finally {
    await fh.close();
  }
}

/** SHA-256 (hex) of the first `bytes` bytes of `file`. */
export async function fileDigest(file: string, bytes: number): Promise<string> {
  const h = createHash('sha256');
  await readChunks(file, bytes, (b) => h.update(b));
  return h.digest('hex');
}

/** Read the whole file once so that every contender starts from a warm page cache. */
export async function warmPageCache(file: string): Promise<void> {
  await readChunks(file, Number.MAX_SAFE_INTEGER, () => undefined);
}
