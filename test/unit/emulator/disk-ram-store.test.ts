// RamBlockDevice: the in-memory store behind RAM disk LUs, on emulator/disk's BlockDevice interface.
import { RamBlockDevice, SparseRamStore } from '../../../emulator/devices/block-store';
import { DiskDevice } from '../../../emulator/devices/disk';
import {
  ClosedError,
  DiskArgumentError,
  OutOfRangeError,
  ReadOnlyError,
} from '../../../emulator/disk/errors';
import { clearUa, exec } from './helpers';

describe('RamBlockDevice', () => {
  it('reports provisioning per 64 KiB chunk, runs starting exactly at the LBA', async () => {
    const d = RamBlockDevice.create(512, 1000n);
    expect(d.provisioningGranularity).toBe(128);
    expect(await d.lbaStatus(0n)).toEqual([{ lba: 0n, count: 1000n, state: 'deallocated' }]);
    await d.write(300n, Buffer.alloc(512, 1)); // chunk 2: LBAs 256-383
    await d.write(900n, Buffer.alloc(512, 1)); // chunk 7: LBAs 896-999 (short last chunk)
    expect(await d.lbaStatus(10n)).toEqual([
      { lba: 10n, count: 246n, state: 'deallocated' },
      { lba: 256n, count: 128n, state: 'mapped' },
      { lba: 384n, count: 512n, state: 'deallocated' },
      { lba: 896n, count: 104n, state: 'mapped' },
    ]);
    expect(await d.lbaStatus(0n, { maxDescriptors: 2 })).toHaveLength(2);
    expect(d.allocatedBytes()).toBe(65536 + 104 * 512);
  });

  it('WRITE SAME: a zero block with unmap deallocates, anything else writes and maps', async () => {
    const d = RamBlockDevice.create(512, 4096n);
    await d.writeSame(0n, 3000n, Buffer.alloc(512, 9));
    expect(await d.read(2999n, 2)).toEqual(Buffer.concat([Buffer.alloc(512, 9), Buffer.alloc(512)]));
    await d.writeSame(128n, 256n, Buffer.alloc(512), { unmap: true });
    expect((await d.lbaStatus(0n)).map((r) => [r.lba, r.count, r.state])).toEqual([
      [0n, 128n, 'mapped'],
      [128n, 256n, 'deallocated'],
      [384n, 2688n, 'mapped'], // through chunk 23 (LBAs 2944-3071), which LBA 2999 touched
      [3072n, 1024n, 'deallocated'],
    ]);
    await d.writeSame(0n, 1n, Buffer.alloc(512, 5), { unmap: true });
    expect(await d.read(0n, 1)).toEqual(Buffer.alloc(512, 5));
    await expect(d.writeSame(0n, 1n, Buffer.alloc(100))).rejects.toBeInstanceOf(DiskArgumentError);
  });

  it('unmap checks every range before changing anything', async () => {
    const d = RamBlockDevice.create(512, 256n);
    await d.write(0n, Buffer.alloc(256 * 512, 3));
    await expect(
      d.unmap([
        { lba: 0n, count: 128n },
        { lba: 200n, count: 100n },
      ]),
    ).rejects.toBeInstanceOf(OutOfRangeError);
    expect(await d.read(0n, 1)).toEqual(Buffer.alloc(512, 3));
    await d.unmap([
      { lba: 0n, count: 128n },
      { lba: 256n, count: 0n },
    ]);
    expect(await d.lbaStatus(0n)).toEqual([
      { lba: 0n, count: 128n, state: 'deallocated' },
      { lba: 128n, count: 128n, state: 'mapped' },
    ]);
  });

  it('typed errors: range, read-only, closed', async () => {
    const d = RamBlockDevice.create(512, 16n);
    await expect(d.read(15n, 2)).rejects.toBeInstanceOf(OutOfRangeError);
    await expect(d.write(16n, Buffer.alloc(512))).rejects.toBeInstanceOf(OutOfRangeError);
    await expect(d.lbaStatus(16n)).rejects.toBeInstanceOf(OutOfRangeError);
    const ro = RamBlockDevice.create(512, 16n, { readOnly: true });
    await expect(ro.write(0n, Buffer.alloc(512))).rejects.toBeInstanceOf(ReadOnlyError);
    await expect(ro.writeSame(0n, 1n, Buffer.alloc(512))).rejects.toBeInstanceOf(ReadOnlyError);
    await expect(ro.unmap([{ lba: 0n, count: 1n }])).rejects.toBeInstanceOf(ReadOnlyError);
    await d.close();
    await expect(d.read(0n, 1)).rejects.toBeInstanceOf(ClosedError);
    await expect(d.sync()).rejects.toBeInstanceOf(ClosedError);
  });

  it('DiskDevice still takes a bare SparseRamStore (served through RamBlockDevice)', async () => {
    const ram = new SparseRamStore(512, 2048n);
    const lu = new DiskDevice({ identity: { id: 'sparse' }, store: ram });
    await clearUa(lu);
    expect(lu.store).toBeInstanceOf(RamBlockDevice);
    await exec(lu, '2a 00 00000001 00 0001 00', { dataOut: Buffer.alloc(512, 0x77) });
    expect(ram.read(1n, 1)).toEqual(Buffer.alloc(512, 0x77));
    expect((await exec(lu, '12 00 00 00 24 00')).dataIn?.toString('latin1', 16, 32)).toBe('RAM DISK        ');
  });
});
