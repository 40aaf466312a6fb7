// Medium errors on the disk LU: injected read/write errors (the SAN admin API's fault injection)
// and failures of the store behind the LU, as sense data.
import { RamBlockDevice } from '../../../emulator/devices/block-store';
import { createRamDisk, DiskDevice } from '../../../emulator/devices/disk';
import type {
  BlockDevice,
  LbaRange,
  LbaStatusOptions,
  LbaStatusRun,
  WriteSameOptions,
} from '../../../emulator/disk/block-device';
import { ClosedError, DiskArgumentError } from '../../../emulator/disk/errors';
import { clearUa, exec, hex, sense } from './helpers';

type RamDisk = ReturnType<typeof createRamDisk>;

const MiB = 1024 * 1024;

function u32(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function rw10(op: 'read' | 'write' | 'verify', lba: number, blocks: number): string {
  const opcode = { read: '28', write: '2a', verify: '2f' }[op];
  return `${opcode} 00 ${u32(lba)} 00 ${blocks.toString(16).padStart(4, '0')} 00`;
}

async function disk(): Promise<RamDisk> {
  const lu = createRamDisk({ identity: { id: 'faults' }, sizeBytes: 4 * MiB });
  await clearUa(lu);
  return lu;
}

describe('injected medium errors', () => {
  let lu: RamDisk;
  beforeEach(async () => {
    lu = await disk();
    await exec(lu, rw10('write', 90, 20), { dataOut: Buffer.alloc(20 * 512, 0x44) });
  });

  it('a read touching a read-error range is UNRECOVERED READ ERROR with the first bad LBA in INFORMATION', async () => {
    lu.injectMediumError(100, 5, 'read');
    // Fixed sense: VALID=1, INFORMATION 100 (64h), MEDIUM ERROR 03h, 11h/00h.
    const r = await exec(lu, rw10('read', 98, 4));
    expect(r.status).toBe(2);
    expect(r.dataIn).toBeUndefined();
    expect(r.sense?.subarray(0, 14)).toEqual(hex('f0 00 03 00000064 0a 00000000 11 00'));
    expect(sense(await exec(lu, rw10('read', 103, 10)))).toEqual({
      responseCode: 0x70,
      key: 3,
      asc: 0x11,
      ascq: 0,
      information: 103,
    });
    // Around the range everything reads.
    expect((await exec(lu, rw10('read', 90, 10))).dataIn).toEqual(Buffer.alloc(10 * 512, 0x44));
    expect((await exec(lu, rw10('read', 105, 5))).dataIn).toEqual(Buffer.alloc(5 * 512, 0x44));
  });

  it('VERIFY reads the medium: BYTCHK 0 and 1 both report the read error', async () => {
    lu.injectMediumError(100, 1, 'read');
    expect(sense(await exec(lu, rw10('verify', 95, 10)))).toMatchObject({
      key: 3,
      asc: 0x11,
      information: 100,
    });
    const cmp = `2f 02 ${u32(95)} 00 000a 00`;
    expect(sense(await exec(lu, cmp, { dataOut: Buffer.alloc(10 * 512, 0x44) }))).toMatchObject({
      key: 3,
      asc: 0x11,
      information: 100,
    });
  });

  it('a write into a write-error range is WRITE ERROR; the blocks before the bad LBA are written', async () => {
    lu.injectMediumError(200, 2, 'write');
    const r = await exec(lu, rw10('write', 198, 4), { dataOut: Buffer.alloc(4 * 512, 0x11) });
    expect(sense(r)).toEqual({ responseCode: 0x70, key: 3, asc: 0x0c, ascq: 0, information: 200 });
    const back = (await exec(lu, rw10('read', 198, 4))).dataIn ?? Buffer.alloc(0);
    expect(back).toEqual(Buffer.concat([Buffer.alloc(1024, 0x11), Buffer.alloc(1024)]));
    // Reads of a write-error range work; a write error range does not fail reads.
    expect((await exec(lu, rw10('read', 200, 2))).status).toBe(0);
  });

  it('WRITE SAME stops at the bad LBA too; UNMAP=1 with a zero block deallocates and is not a write', async () => {
    lu.injectMediumError(300, 1, 'write');
    const ws = `41 00 ${u32(296)} 00 0008 00`;
    expect(sense(await exec(lu, ws, { dataOut: Buffer.alloc(512, 0x22) }))).toMatchObject({
      key: 3,
      asc: 0x0c,
      information: 300,
    });
    const back = (await exec(lu, rw10('read', 296, 8))).dataIn ?? Buffer.alloc(0);
    expect(back).toEqual(Buffer.concat([Buffer.alloc(4 * 512, 0x22), Buffer.alloc(4 * 512)]));
    expect((await exec(lu, `41 08 ${u32(296)} 00 0008 00`, { dataOut: Buffer.alloc(512) })).status).toBe(0);
  });

  it('clearing: by kind, by overlapping range, or all; the list shows what is injected', async () => {
    lu.injectMediumError(100n, 1n, 'read');
    lu.injectMediumError(120, 2, 'read');
    lu.injectMediumError(200, 1, 'write');
    expect(lu.mediumErrors()).toEqual([
      { lba: 100n, count: 1n, kind: 'read' },
      { lba: 120n, count: 2n, kind: 'read' },
      { lba: 200n, count: 1n, kind: 'write' },
    ]);
    expect(lu.clearMediumErrors('read', { lba: 121n, count: 1n })).toBe(1);
    expect((await exec(lu, rw10('read', 120, 2))).status).toBe(0);
    expect(sense(await exec(lu, rw10('read', 100, 1))).asc).toBe(0x11);
    expect(lu.clearMediumErrors('write')).toBe(1);
    expect((await exec(lu, rw10('write', 200, 1), { dataOut: Buffer.alloc(512) })).status).toBe(0);
    expect(lu.clearMediumErrors()).toBe(1);
    expect(lu.mediumErrors()).toEqual([]);
    expect((await exec(lu, rw10('read', 100, 1))).status).toBe(0);
  });

  it('refuses ranges outside the capacity', () => {
    expect(() => lu.injectMediumError(8191, 2, 'read')).toThrow(RangeError);
    expect(() => lu.injectMediumError(0, 0, 'read')).toThrow(RangeError);
    expect(() => lu.injectMediumError(-1, 1, 'write')).toThrow(RangeError);
  });

  it('descriptor-format sense (D_SENSE=1) carries the INFORMATION descriptor', async () => {
    // MODE SELECT(6), PF=1: header, control page with D_SENSE=1 (byte 2 bit 2).
    const select = hex('00 00 00 00 0a 0a 04 10 00 00 00 00 ff ff 00 00');
    expect((await exec(lu, '15 10 00 00 10 00', { dataOut: select })).status).toBe(0);
    lu.injectMediumError(100, 1, 'read');
    const r = await exec(lu, rw10('read', 100, 1));
    // 72h, MEDIUM ERROR, 11h/00h, additional length 12: information descriptor (00h, 0Ah, VALID) = 100.
    expect(r.sense).toEqual(hex('72 03 11 00 00 00 00 0c 00 0a 80 00 0000000000000064'));
  });
});

type Op = 'read' | 'write' | 'sync' | 'lbaStatus';

/** A RAM store whose next operation of a kind fails with a chosen error (file-system failures). */
class FailingDevice implements BlockDevice {
  readonly inner = RamBlockDevice.create(512, 2048n);
  readonly readOnly = false;
  readonly blockSize = 512;
  readonly blockCount = 2048n;
  readonly provisioningGranularity = 128;
  private failures = new Map<Op, Error>();

  failNext(op: Op, e: Error): void {
    this.failures.set(op, e);
  }

  private gate(op: Op): Promise<void> {
    const e = this.failures.get(op);
    this.failures.delete(op);
    return e === undefined ? Promise.resolve() : Promise.reject(e);
  }

  async read(lba: bigint, count: number): Promise<Buffer> {
    await this.gate('read');
    return this.inner.read(lba, count);
  }

  async write(lba: bigint, data: Buffer): Promise<void> {
    await this.gate('write');
    return this.inner.write(lba, data);
  }

  async writeSame(lba: bigint, count: bigint, block: Buffer, options?: WriteSameOptions): Promise<void> {
    await this.gate('write');
    return this.inner.writeSame(lba, count, block, options);
  }

  async unmap(ranges: readonly LbaRange[]): Promise<void> {
    await this.gate('write');
    return this.inner.unmap(ranges);
  }

  async lbaStatus(lba: bigint, options?: LbaStatusOptions): Promise<LbaStatusRun[]> {
    await this.gate('lbaStatus');
    return this.inner.lbaStatus(lba, options);
  }

  async sync(): Promise<void> {
    await this.gate('sync');
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

function errno(code: string): Error {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

describe('store failures as sense data', () => {
  let store: FailingDevice;
  let lu: DiskDevice<FailingDevice>;
  beforeEach(async () => {
    store = new FailingDevice();
    lu = new DiskDevice({ identity: { id: 'failing' }, store });
    await clearUa(lu);
  });

  it('ENOSPC (and EDQUOT) on a write: SPACE ALLOCATION FAILED WRITE PROTECT 07/27/07', async () => {
    store.failNext('write', errno('ENOSPC'));
    expect(sense(await exec(lu, rw10('write', 0, 1), { dataOut: Buffer.alloc(512) }))).toEqual({
      responseCode: 0x70,
      key: 7,
      asc: 0x27,
      ascq: 0x07,
    });
    store.failNext('write', errno('EDQUOT'));
    expect(sense(await exec(lu, '41 00 00000000 00 0004 00', { dataOut: Buffer.alloc(512) }))).toMatchObject({
      key: 7,
      asc: 0x27,
      ascq: 0x07,
    });
  });

  it('EIO: UNRECOVERED READ ERROR on reads, WRITE ERROR on writes and SYNCHRONIZE CACHE, no INFORMATION', async () => {
    store.failNext('read', errno('EIO'));
    expect(sense(await exec(lu, rw10('read', 0, 1)))).toEqual({
      responseCode: 0x70,
      key: 3,
      asc: 0x11,
      ascq: 0,
    });
    store.failNext('write', errno('EIO'));
    expect(sense(await exec(lu, rw10('write', 0, 1), { dataOut: Buffer.alloc(512) }))).toEqual({
      responseCode: 0x70,
      key: 3,
      asc: 0x0c,
      ascq: 0,
    });
    store.failNext('sync', errno('EIO'));
    expect(sense(await exec(lu, '35 00 00000000 00 0000 00'))).toMatchObject({ key: 3, asc: 0x0c });
  });

  it('a closed store: LOGICAL UNIT NOT READY 02/04/00', async () => {
    store.failNext('lbaStatus', new ClosedError('store'));
    expect(sense(await exec(lu, '9e 12 0000000000000000 00000100 00 00'))).toEqual({
      responseCode: 0x70,
      key: 2,
      asc: 0x04,
      ascq: 0,
    });
  });

  it('anything else is INTERNAL TARGET FAILURE 04/44/00', async () => {
    store.failNext('read', new Error('bug'));
    expect(sense(await exec(lu, rw10('read', 0, 1)))).toEqual({
      responseCode: 0x70,
      key: 4,
      asc: 0x44,
      ascq: 0,
    });
    // A store argument error is a bug in the device server, not the initiator's fault: 04/44/00 too.
    store.failNext('read', new DiskArgumentError('bad count'));
    expect(sense(await exec(lu, rw10('read', 0, 1)))).toMatchObject({ key: 4, asc: 0x44 });
    // The next command works again.
    expect((await exec(lu, rw10('read', 0, 1))).status).toBe(0);
  });

  it('SYNCHRONIZE CACHE calls the store sync after the range check', async () => {
    const sync = jest.spyOn(store, 'sync');
    expect(await exec(lu, '35 00 00000000 00 0000 00')).toEqual({ status: 0 });
    expect(await exec(lu, '91 00 0000000000000010 00000010 00 00')).toEqual({ status: 0 });
    expect(sync).toHaveBeenCalledTimes(2);
    expect(sense(await exec(lu, '35 00 00000800 00 0000 00'))).toMatchObject({
      asc: 0x21,
      sks: [0xc0, 0, 2],
    });
    expect(sync).toHaveBeenCalledTimes(2);
  });
});
