// Shared helpers of the cartridge store tests: temporary directories, deterministic block contents.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Cartridge, type CreateOptions, type OpenOptions } from '../../../emulator/tape';

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tape-test-'));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export const DEFAULT_CREATE: CreateOptions = {
  barcode: 'TAPE01L5',
  capacityBytes: 64 * 1024 * 1024,
  earlyWarningBytes: 1024 * 1024,
  mediumSerial: 'SN0001',
  densityCode: 0x58,
};

export function newCartridge(
  dir: string,
  overrides: Partial<CreateOptions> = {},
  openOptions: OpenOptions = {},
  name = 'tape.vtape',
): Cartridge {
  return Cartridge.create(path.join(dir, name), { ...DEFAULT_CREATE, ...overrides }, openOptions);
}

/** Deterministic contents of block `i` of a test: length and bytes both derive from (seed, i). */
export function blockData(i: number, length: number, seed = 0): Buffer {
  const b = Buffer.alloc(length);
  let x = (i * 2654435761 + seed * 40503 + 12345) >>> 0;
  for (let k = 0; k < length; k++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[k] = x >>> 24;
  }
  return b;
}

/** A tape layout: numbers are block lengths, 'F' a filemark. */
export type Layout = (number | 'F')[];

export function writeLayout(c: Cartridge, layout: Layout, seed = 0): void {
  layout.forEach((item, i) => {
    if (item === 'F') c.writeFilemarks(1, { sync: false });
    else c.writeBlock(blockData(i, item, seed));
  });
}
