// Disk LUs on the file-backed store of emulator/disk: data and provisioning through SCSI
// commands, SYNCHRONIZE CACHE making it durable, snapshots served as read-only LUs, and the
// WRITE PROTECTED answers of read-only LUs (snapshot, read-only store, read-only flag).
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRamDisk, DiskDevice, openFileDisk } from '../../../emulator/devices/disk';
import { FileBlockStore } from '../../../emulator/disk/block-store';
import type { LogicalUnit } from '../../../emulator/lu';
import { clearUa, exec, hex, sense } from './helpers';

const BLOCKS = 4096; // 2 MiB of 512-byte blocks, 64 KiB chunks

function u32(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function read10(lba: number, blocks: number): string {
  return `28 00 ${u32(lba)} 00 ${blocks.toString(16).padStart(4, '0')} 00`;
}

function write10(lba: number, blocks: number): string {
  return `2a 00 ${u32(lba)} 00 ${blocks.toString(16).padStart(4, '0')} 00`;
}

function lbaStatus(lba: number): string {
  return `9e 12 ${lba.toString(16).padStart(16, '0')} 00000100 00 00`;
}

/** Every write-type command of the LU, each with the data-out it needs. */
const WRITE_COMMANDS: Array<[string, string, Buffer | undefined]> = [
  ['WRITE(6)', '0a 00 00 00 01 00', Buffer.alloc(512)],
  ['WRITE(10)', '2a 00 00000000 00 0001 00', Buffer.alloc(512)],
  ['WRITE(12)', 'aa 00 00000000 00000001 00 00', Buffer.alloc(512)],
  ['WRITE(16)', '8a 00 0000000000000000 00000001 00 00', Buffer.alloc(512)],
  ['WRITE AND VERIFY(10)', '2e 00 00000000 00 0001 00', Buffer.alloc(512)],
  ['WRITE AND VERIFY(12)', 'ae 00 00000000 00000001 00 00', Buffer.alloc(512)],
  ['WRITE AND VERIFY(16)', '8e 00 0000000000000000 00000001 00 00', Buffer.alloc(512)],
  ['WRITE SAME(10)', '41 00 00000000 00 0001 00', Buffer.alloc(512)],
  ['WRITE SAME(10) UNMAP', '41 08 00000000 00 0001 00', Buffer.alloc(512)],
  ['WRITE SAME(16)', '93 00 0000000000000000 00000001 00 00', Buffer.alloc(512)],
  ['WRITE SAME(16) NDOB UNMAP', '93 09 0000000000000000 00000001 00 00', undefined],
  ['UNMAP', '42 00 00000000 00 0018 00', hex('0016 0010 00000000 0000000000000000 00000001 00000000')],
];

async function expectWriteProtected(lu: LogicalUnit): Promise<void> {
  for (const [name, cdb, dataOut] of WRITE_COMMANDS) {
    const r = await exec(lu, cdb, { dataOut });
    expect({ name, sense: sense(r) }).toEqual({
      name,
      sense: { responseCode: 0x70, key: 7, asc: 0x27, ascq: 0x00 },
    });
  }
  // MODE SENSE(6): WP (bit 7) and DPOFUA (bit 4) in the DEVICE-SPECIFIC PARAMETER.
  expect((await exec(lu, '1a 08 3f 00 04 00')).dataIn?.[2]).toBe(0x90);
  // Reads, GET LBA STATUS and SYNCHRONIZE CACHE still work.
  expect((await exec(lu, read10(0, 1))).status).toBe(0);
  expect((await exec(lu, lbaStatus(0))).status).toBe(0);
  expect(await exec(lu, '35 00 00000000 00 0000 00')).toEqual({ status: 0 });
}

describe('disk LU on a FileBlockStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'disk-lu-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  function image(): string {
    return path.join(dir, 'vol.img');
  }

  it('creates the image, serves data and provisioning, and keeps them after SYNCHRONIZE CACHE and a reopen', async () => {
    const lu = await openFileDisk({
      identity: { id: 'file-a' },
      image: image(),
      blockSize: 512,
      blockCount: BigInt(BLOCKS),
      flushIntervalMs: 0,
    });
    await clearUa(lu);
    expect(lu.store).toBeInstanceOf(FileBlockStore);
    expect((await exec(lu, '12 00 00 00 24 00')).dataIn?.toString('latin1', 16, 32)).toBe('THIN DISK       ');
    const data = Buffer.alloc(130 * 512, 0x6c);
    expect((await exec(lu, write10(126, 130), { dataOut: data })).status).toBe(0);
    expect(await exec(lu, '35 00 00000000 00 0000 00')).toEqual({ status: 0 });
    await lu.close();

    const again = await openFileDisk({ identity: { id: 'file-a' }, image: image(), flushIntervalMs: 0 });
    await clearUa(again);
    expect((await exec(again, read10(126, 130))).dataIn).toEqual(data);
    // LBAs 126-255 touch chunks 0 and 1: mapped; the rest deallocated.
    expect((await exec(again, lbaStatus(0))).dataIn).toEqual(
      hex(
        `00000024 00000000 ${'0'.repeat(16)} 00000100 00 00 0000 ${(256).toString(16).padStart(16, '0')} ${u32(BLOCKS - 256)} 01 00 0000`,
      ),
    );
    expect((await exec(again, '25 00 00000000 00 00 00 00')).dataIn).toEqual(
      hex(`${u32(BLOCKS - 1)} 00000200`),
    );
    await again.close();
  });

  it('a 4096-byte-block image', async () => {
    const lu = await openFileDisk({
      identity: { id: 'file-4k' },
      image: image(),
      blockSize: 4096,
      blockCount: 512n,
      flushIntervalMs: 0,
    });
    await clearUa(lu);
    expect((await exec(lu, '25 00 00000000 00 00 00 00')).dataIn).toEqual(hex('000001ff 00001000'));
    const block = Buffer.alloc(4096, 0x4b);
    expect((await exec(lu, '41 00 00000010 00 0020 00', { dataOut: block })).status).toBe(0);
    expect((await exec(lu, read10(16, 32))).dataIn).toEqual(Buffer.alloc(32 * 4096, 0x4b));
    // OPTIMAL UNMAP GRANULARITY: 64 KiB chunks of 4096-byte blocks.
    expect(((await exec(lu, '12 01 b0 00 ff 00')).dataIn ?? Buffer.alloc(0)).readUInt32BE(28)).toBe(16);
    await lu.close();
  });

  it('a snapshot served as its own LU: point-in-time data and provisioning, every write refused', async () => {
    const lu = await openFileDisk({
      identity: { id: 'origin' },
      image: image(),
      blockSize: 512,
      blockCount: BigInt(BLOCKS),
      flushIntervalMs: 0,
    });
    await clearUa(lu);
    await exec(lu, write10(0, 128), { dataOut: Buffer.alloc(128 * 512, 0x01) });
    const snap = await lu.store.createSnapshot('before');
    const snapLu = new DiskDevice({ identity: { id: 'origin@before' }, store: snap });
    await clearUa(snapLu);
    expect(snapLu.readOnly).toBe(true);
    // The origin changes after the snapshot: LBA 0 rewritten, LBA 256 (chunk 2) written.
    await exec(lu, write10(0, 1), { dataOut: Buffer.alloc(512, 0x02) });
    await exec(lu, write10(256, 1), { dataOut: Buffer.alloc(512, 0x03) });
    expect((await exec(snapLu, read10(0, 2))).dataIn).toEqual(Buffer.alloc(1024, 0x01));
    expect((await exec(lu, read10(0, 2))).dataIn).toEqual(
      Buffer.concat([Buffer.alloc(512, 0x02), Buffer.alloc(512, 0x01)]),
    );
    // Snapshot provisioning: chunk 0 mapped, the rest deallocated (chunk 2 was then).
    expect((await exec(snapLu, lbaStatus(0))).dataIn).toEqual(
      hex(
        `00000024 00000000 ${'0'.repeat(16)} 00000080 00 00 0000 ${(128).toString(16).padStart(16, '0')} ${u32(BLOCKS - 128)} 01 00 0000`,
      ),
    );
    await expectWriteProtected(snapLu);
    await snapLu.close();
    await lu.close();
  });

  it('a store opened read-only serves a read-only LU', async () => {
    const rw = await openFileDisk({
      identity: { id: 'ro' },
      image: image(),
      blockSize: 512,
      blockCount: BigInt(BLOCKS),
      flushIntervalMs: 0,
    });
    await rw.close();
    const lu = await openFileDisk({ identity: { id: 'ro' }, image: image(), readOnly: true });
    await clearUa(lu);
    expect(lu.readOnly).toBe(true);
    await expectWriteProtected(lu);
    await lu.close();
  });

  it('a missing image without a geometry is refused', async () => {
    await expect(openFileDisk({ identity: { id: 'none' }, image: image() })).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('bad limits close the store again', async () => {
    await expect(
      openFileDisk({
        identity: { id: 'bad' },
        image: image(),
        blockSize: 512,
        blockCount: BigInt(BLOCKS),
        flushIntervalMs: 0,
        physicalBlockExponent: 20,
      }),
    ).rejects.toThrow(RangeError);
    // Closed cleanly: the store opens read-write again.
    const store = await FileBlockStore.open(image(), { flushIntervalMs: 0 });
    expect(store.recoveredFromUncleanShutdown).toBe(false);
    await store.close();
  });
});

describe('read-only flag', () => {
  it('a RAM disk with readOnly answers WRITE PROTECTED (07/27/00) to every write-type command', async () => {
    const lu = createRamDisk({ identity: { id: 'ro-ram' }, sizeBytes: 1 << 20, readOnly: true });
    await clearUa(lu);
    await expectWriteProtected(lu);
  });

  it('SWP in the control mode page is SOFTWARE WRITE PROTECTED (07/27/02) instead', async () => {
    const lu = createRamDisk({ identity: { id: 'swp' }, sizeBytes: 1 << 20 });
    await clearUa(lu);
    const select = hex('00 00 00 00 0a 0a 00 10 08 00 00 00 ff ff 00 00');
    expect((await exec(lu, '15 10 00 00 10 00', { dataOut: select })).status).toBe(0);
    expect(sense(await exec(lu, '41 00 00000000 00 0001 00', { dataOut: Buffer.alloc(512) }))).toEqual({
      responseCode: 0x70,
      key: 7,
      asc: 0x27,
      ascq: 0x02,
    });
    expect(lu.readOnly).toBe(false);
    expect(lu.writeProtected()).toBe(true);
  });
});
