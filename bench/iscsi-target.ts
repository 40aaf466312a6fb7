// Child process of the iSCSI benchmark: our iSCSI target serving one disk LU (LUN 0) on the
// backing image made by the benchmark, as a process of its own like tgtd.
//
//   node dist/bench/iscsi-target.js --image FILE [--store file|ram] [--block-size 512] [--host 127.0.0.1]
//
// --store file (default): the DiskDevice runs on emulator/disk's FileBlockStore, opened read-only
// on the image (openFileDisk). --store ram: a RAM disk pre-filled with the image's bytes.
// Prints ONE JSON line when listening: {"portal","url","store"}; SIGTERM/SIGINT stop it cleanly
// (so that `node --cpu-prof` writes its profile).
import { open } from 'node:fs/promises';
import { createRamDisk, openFileDisk, type DiskDevice } from '../emulator/devices/disk';
import { IscsiTargetServer } from '../emulator/iscsi/server';
import { setLogLevel } from '../emulator/log';
import type { LogicalUnit } from '../emulator/lu';

export const BENCH_TARGET_IQN = 'iqn.2024-01.io.xcopy:bench';

/** What the child prints when it is ready. */
export interface TargetReady {
  portal: string;
  url: string;
  /** How the LU holds the image: "file" (FileBlockStore) or "ram-prefilled" (copied into memory). */
  store: StoreKind;
}

export type StoreKind = 'file' | 'ram-prefilled';

interface Args {
  image: string;
  store: StoreKind;
  blockSize: number;
  host: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { image: '', store: 'file', blockSize: 512, host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--image':
        a.image = v;
        i++;
        break;
      case '--store':
        if (v !== 'file' && v !== 'ram') throw new Error(`--store ${v}: use file or ram`);
        a.store = v === 'file' ? 'file' : 'ram-prefilled';
        i++;
        break;
      case '--block-size':
        a.blockSize = Number(v);
        i++;
        break;
      case '--host':
        a.host = v;
        i++;
        break;
      default:
        throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (a.image === '') throw new Error('--image FILE is required');
  return a;
}

/** RAM disk holding a copy of the image (read in 8 MiB pieces). */
async function ramDiskFrom(image: string, blockSize: number): Promise<DiskDevice> {
  const fh = await open(image, 'r');
  try {
    const size = (await fh.stat()).size;
    const disk = createRamDisk({ identity: { id: 'bench-disk' }, sizeBytes: size, blockSize });
    const piece = Buffer.allocUnsafe(8 * 1024 * 1024);
    for (let pos = 0; pos < size;) {
      const { bytesRead } = await fh.read(piece, 0, Math.min(piece.length, size - pos), pos);
      if (bytesRead === 0) throw new Error(`${image}: short read at ${pos}`);
      await disk.store.write(BigInt(pos / blockSize), piece.subarray(0, bytesRead));
      pos += bytesRead;
    }
    return disk;
  } finally {
    await fh.close();
  }
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  setLogLevel('error');
  const disk: DiskDevice =
    a.store === 'file'
      ? await openFileDisk({ identity: { id: 'bench-disk' }, image: a.image, readOnly: true })
      : await ramDiskFrom(a.image, a.blockSize);
  const server = new IscsiTargetServer({
    host: a.host,
    port: 0,
    targets: [{ name: BENCH_TARGET_IQN, luns: new Map<number, LogicalUnit>([[0, disk]]) }],
  });
  const addr = await server.listen();
  const portal = `${addr.host}:${addr.port}`;
  const ready: TargetReady = { portal, url: `iscsi://${portal}/${BENCH_TARGET_IQN}/0`, store: a.store };
  process.stdout.write(JSON.stringify(ready) + '\n');
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await server.close({ graceMs: 200 });
  await disk.close();
  process.exit(0);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`bench target: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
