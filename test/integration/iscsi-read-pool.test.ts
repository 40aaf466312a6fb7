// READ data-in travels in buffers of the read pool (emulator/disk/buffer-pool.ts) that go back to
// the pool once the socket has written them: many concurrent reads on several sessions each get
// exactly their own bytes while the buffers are being reused, and every lease comes back.
import { readBufferPool } from '../../emulator/disk/buffer-pool';
import { RawIscsiClient, startTestTarget, T1, type TestTarget } from './iscsi-raw-client';

let t: TestTarget;
const clients: RawIscsiClient[] = [];

const BLOCK = 512;
const DISK_BYTES = 4 * 1024 * 1024;

function u32(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function read10(lba: number, blocks: number): string {
  return `28 00 ${u32(lba)} 00 ${blocks.toString(16).padStart(4, '0')} 00`;
}

function write10(lba: number, blocks: number): string {
  return `2a 00 ${u32(lba)} 00 ${blocks.toString(16).padStart(4, '0')} 00`;
}

/** Every 4-byte word holds its own byte offset on the disk: any misplaced byte shows. */
function image(): Buffer {
  const b = Buffer.alloc(DISK_BYTES);
  for (let off = 0; off < DISK_BYTES; off += 4) b.writeUInt32BE(off ^ 0x5a5a5a5a, off);
  return b;
}

async function session(): Promise<RawIscsiClient> {
  const c = await RawIscsiClient.connect(t.port);
  clients.push(c);
  const r = await c.login({ targetName: T1, settings: { maxRecvDataSegmentLength: 65536 } });
  expect(r.status).toBe(0);
  await c.clearUnitAttention(0);
  return c;
}

beforeAll(async () => {
  t = await startTestTarget();
});

afterAll(async () => {
  for (const c of clients.splice(0)) c.close();
  await t.server.close({ graceMs: 100 });
});

describe('pooled READ data-in', () => {
  it('concurrent reads on three sessions return their own bytes; every pooled buffer comes back', async () => {
    const disk = image();
    const writer = await session();
    // The whole LU except the last 256 KiB, which stays deallocated and must read as zeros.
    const written = DISK_BYTES - 256 * 1024;
    for (let off = 0; off < written; off += 256 * 1024) {
      const w = await writer.scsi({
        cdb: write10(off / BLOCK, 512),
        write: disk.subarray(off, off + 256 * 1024),
      });
      expect(w.status).toBe(0);
    }
    disk.fill(0, written);
    const sessions = [writer, await session(), await session()];
    const before = readBufferPool.stats();
    // 96 reads of 32 KiB to 256 KiB at scattered block offsets, 16 in flight per session.
    const reads: Array<{ lba: number; blocks: number }> = [];
    for (let i = 0; i < 96; i++) {
      const blocks = 64 * (1 + ((i * 7) % 8));
      const lba = ((i * 2741) % (DISK_BYTES / BLOCK - blocks)) | 0;
      reads.push({ lba, blocks });
    }
    const mismatches: number[] = [];
    await Promise.all(
      sessions.map(async (c, s) => {
        const mine = reads.filter((_, i) => i % sessions.length === s);
        for (let i = 0; i < mine.length; i += 16) {
          await Promise.all(
            mine.slice(i, i + 16).map(async ({ lba, blocks }) => {
              const r = await c.scsi({ cdb: read10(lba, blocks), read: blocks * BLOCK });
              expect(r.status).toBe(0);
              const want = disk.subarray(lba * BLOCK, (lba + blocks) * BLOCK);
              if (!r.data.equals(want)) mismatches.push(lba);
            }),
          );
        }
      }),
    );
    expect(mismatches).toEqual([]);
    // The last PDU's write callback runs after the initiator saw the status: let it run.
    await new Promise((r) => setTimeout(r, 50));
    const after = readBufferPool.stats();
    expect(after.outstanding).toBe(before.outstanding);
    expect(after.reused - before.reused + (after.allocated - before.allocated)).toBe(96);
    // At most 48 reads were in flight at once, so most leases reused a returned buffer.
    expect(after.reused - before.reused).toBeGreaterThanOrEqual(96 - 48);
  });
});
