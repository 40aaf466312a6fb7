// Shared helpers of the disk-store tests: temp directories, deterministic bytes, crash images.
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export async function makeTempDir(): Promise<string> {
  return fsp.mkdtemp(path.join(os.tmpdir(), 'xcdisk-'));
}

export async function removeTempDir(dir: string): Promise<void> {
  await fsp.rm(dir, { recursive: true, force: true });
}

/** Deterministic non-zero-ish bytes (an LCG), so expected data is easy to rebuild. */
export function bytes(length: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = (seed * 2654435761 + 1) >>> 0;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = (x >>> 24) | 1;
  }
  return out;
}

/**
 * Copy an open store's files as they are on disk right now into `dir` under the same base name:
 * what a process crash leaves behind (page-cache contents, metadata of the last persist).
 */
export async function crashImage(image: string, dir: string): Promise<string> {
  await fsp.mkdir(dir, { recursive: true });
  const base = path.basename(image);
  for (const name of await fsp.readdir(path.dirname(image))) {
    if (name === base || name.startsWith(`${base}.`)) {
      await fsp.copyFile(path.join(path.dirname(image), name), path.join(dir, name));
    }
  }
  return path.join(dir, base);
}

/** Bytes the file really occupies on disk. */
export async function allocatedBytes(file: string): Promise<number> {
  return (await fsp.stat(file)).blocks * 512;
}
