// Disk stores of the SAN: open the image a disk LU names in the data directory, or create it
// (thin, optionally filled with the recognisable pattern, optionally fully mapped). A new image is
// built under a temporary name and renamed into place only when complete, so an interrupted start
// never leaves a half-written volume that a restart would take for a finished one.
import fs from 'node:fs';
import path from 'node:path';
import { RamBlockDevice } from '../devices/block-store';
import type { BlockDevice } from '../disk/block-device';
import { FileBlockStore, metaPathOf } from '../disk/block-store';
import { fill, makePattern } from '../disk/pattern';
import { createPatternVolume, patternVolumeSpec, type PatternVolumeSpec } from '../disk/vol1';
import { SanConfigError, type DiskLuConfig } from './config';

/** Suffix of an image while it is being created. */
const CREATING = '.creating';

function removeStoreFiles(image: string): void {
  const dir = path.dirname(image);
  const base = path.basename(image);
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (name === base || name.startsWith(`${base}.`)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

/** Write zeros over every deallocated run so that every block is mapped (thin: false). */
async function mapEverything(dev: BlockDevice): Promise<void> {
  const zero = Buffer.alloc(dev.blockSize);
  let lba = 0n;
  while (lba < dev.blockCount) {
    const runs = await dev.lbaStatus(lba);
    for (const r of runs) {
      if (r.state === 'deallocated') await dev.writeSame(r.lba, r.count, zero);
      lba = r.lba + r.count;
    }
  }
}

/** The pattern layout on any block device (the memory-disk twin of createPatternVolume). */
async function writePatternLayout(dev: BlockDevice, spec: PatternVolumeSpec): Promise<void> {
  const pattern = makePattern(spec.label);
  for (const r of spec.regions) {
    if (r.content === 'pattern') await fill(dev, [r], pattern);
    else if (r.content === 'zeros') await dev.writeSame(r.lba, r.count, Buffer.alloc(spec.blockSize));
  }
}

function specOf(cfg: DiskLuConfig): PatternVolumeSpec | undefined {
  if (cfg.pattern === undefined) return undefined;
  return patternVolumeSpec(cfg.pattern, cfg.blockSize, BigInt(cfg.sizeBytes / cfg.blockSize), cfg.chunkSize);
}

export function imagePath(cfg: DiskLuConfig, dataDir: string): string {
  return path.resolve(dataDir, cfg.file);
}

/** A memory disk, initialised as configured. */
export async function createMemoryDisk(cfg: DiskLuConfig): Promise<RamBlockDevice> {
  const dev = RamBlockDevice.create(cfg.blockSize, BigInt(cfg.sizeBytes / cfg.blockSize));
  const spec = specOf(cfg);
  if (spec !== undefined) await writePatternLayout(dev, spec);
  if (!cfg.thin) await mapEverything(dev);
  return dev;
}

/**
 * Open the disk's image, creating it when missing. `created` tells whether it is new. An existing
 * image must have the configured geometry.
 */
export async function openFileDisk(
  cfg: DiskLuConfig,
  dataDir: string,
): Promise<{ store: FileBlockStore; created: boolean }> {
  const image = imagePath(cfg, dataDir);
  const blockCount = BigInt(cfg.sizeBytes / cfg.blockSize);
  if (fs.existsSync(image)) {
    const store = await FileBlockStore.open(image);
    if (store.blockSize !== cfg.blockSize || store.blockCount !== blockCount) {
      await store.close();
      throw new SanConfigError(
        `${cfg.name}: ${image} holds ${store.blockCount} blocks of ${store.blockSize} bytes, the configuration asks for ${blockCount} of ${cfg.blockSize}`,
      );
    }
    return { store, created: false };
  }
  fs.mkdirSync(path.dirname(image), { recursive: true });
  const tmp = `${image}${CREATING}`;
  removeStoreFiles(tmp);
  const spec = specOf(cfg);
  const building =
    spec !== undefined
      ? await createPatternVolume(tmp, spec, { flushIntervalMs: 0 })
      : await FileBlockStore.create(tmp, {
          blockSize: cfg.blockSize,
          blockCount,
          chunkSize: cfg.chunkSize,
          flushIntervalMs: 0,
          overwrite: true,
        });
  try {
    if (!cfg.thin) await mapEverything(building);
    await building.sync();
  } finally {
    await building.close();
  }
  // The metadata first, the image last: the image's name is the commit point.
  fs.renameSync(metaPathOf(tmp), metaPathOf(image));
  fs.renameSync(tmp, image);
  return { store: await FileBlockStore.open(image), created: true };
}
