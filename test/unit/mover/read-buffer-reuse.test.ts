// The mover reuses the read buffers of a file-backed disk in the same process: the data-in of each
// READ is a lease of the process-wide read pool (emulator/disk/buffer-pool.ts), and once the WRITE
// that carried it to the tape completed, the lease goes back to the pool, so a long copy does not
// allocate a fresh buffer per transfer. The tape still holds exactly the disk's bytes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  blockToStream,
  extendedCopyParameterList,
  naaBlockTarget,
  naaStreamTarget,
} from '../../../cdb/xcopy/build';
import { openFileDisk } from '../../../emulator/devices/disk';
import { TapeDevice } from '../../../emulator/devices/tape';
import { readBufferPool } from '../../../emulator/disk/buffer-pool';
import { CopyManager } from '../../../emulator/mover/copy-manager';
import { Cartridge } from '../../../emulator/tape';
import { InProcessTransport } from '../../../targets/inprocess-transport';
import { nexus, resolverFor, writeBlocks, xcopy } from './helpers';
import { CARTRIDGE, drainUnitAttentions, Tape } from '../../conformance/ssc/support';
import { readTapeBack } from '../../integration/mover-tape-rig';

const MiB = 1024 * 1024;
const BS = 512;

describe('read buffer reuse between an in-process disk and a tape', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mover-reuse-'));
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('returns each READ lease to the pool after its WRITE; the tape holds the disk bytes', async () => {
    const disk = await openFileDisk({
      identity: { id: 'reuse-disk' },
      image: path.join(dir, 'disk.img'),
      blockSize: BS,
      blockCount: BigInt((16 * MiB) / BS),
      flushIntervalMs: 0,
    });
    const tape = new TapeDevice({ identity: { id: 'reuse-tape' } });
    tape.loadCartridge(Cartridge.create(path.join(dir, 't.vtape'), { ...CARTRIDGE, barcode: 'REUSE1L8' }));
    try {
      const data = Buffer.alloc(16 * MiB);
      for (let i = 0; i < data.length; i += 4) data.writeUInt32BE((i * 2654435761) >>> 0, i);
      for (let off = 0; off < data.length; off += MiB)
        await writeBlocks(disk, BigInt(off / BS), data.subarray(off, off + MiB));
      // A 4 MiB buffer budget: far less than the copy, so buffers must come round again.
      const cm = new CopyManager({
        self: disk,
        resolver: resolverFor({ disk, tape }),
        config: { pipeline: { maxBufferedBytes: 4 * MiB } },
      });
      const list = extendedCopyParameterList({
        listIdentifier: 1,
        targets: [naaBlockTarget(disk.identity.naa), naaStreamTarget(tape.identity.naa)],
        // 1 MiB tape blocks: each READ's whole buffer is one WRITE.
        segments: [blockToStream(0, 1, data.length / BS, 0n, MiB)],
      });
      const before = readBufferPool.stats();
      const r = await cm.extendedCopy(xcopy(list));
      expect(r.status).toBe(0);
      const after = readBufferPool.stats();
      // 16 READs of 1 MiB, each offered a lease (unused: the disk reads into its own lease of the
      // same pool): 32 acquisitions, of which only those held at once (the 4 MiB budget plus the
      // reads in flight) needed new memory.
      const allocated = after.allocated - before.allocated;
      expect(allocated).toBeLessThanOrEqual(10);
      expect(after.reused - before.reused).toBe(32 - allocated);
      expect(after.outstanding).toBe(before.outstanding);
      const t = new InProcessTransport(tape, { nexus: nexus(9) });
      await drainUnitAttentions(t);
      const back = await readTapeBack(new Tape(t), { maxBlock: MiB });
      await t.close();
      const blocks = back
        .filter((o) => o.kind === 'block')
        .map((o) => (o.kind === 'block' ? o.data : Buffer.alloc(0)));
      expect(Buffer.concat(blocks).equals(data)).toBe(true);
    } finally {
      await disk.close();
      await tape.close();
    }
  });
});
