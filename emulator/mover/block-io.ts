// Block device access for the mover (SBC-3): READ/WRITE(10) when the LBA and length fit, (16)
// otherwise; READ CAPACITY(10), then (16) for large LUs; the Block Limits VPD page for the LU's
// MAXIMUM TRANSFER LENGTH; SYNCHRONIZE CACHE(10) to make written data durable. The null block device
// (CSCD ID C000h) reads zeros and discards writes.
import { encodeReadCapacity10 } from '../../cdb/sbc/read-capacity10';
import { encodeReadCapacity16 } from '../../cdb/sbc/read-capacity16';
import { encodeRead10, encodeWrite10 } from '../../cdb/sbc/read-write10';
import { encodeRead16, encodeWrite16 } from '../../cdb/sbc/read-write16';
import { encodeSynchronizeCache10 } from '../../cdb/sbc/synchronize-cache';
import { encodeInquiryCdb } from '../../cdb/spc/inquiry';
import { SENSE_KEY_ILLEGAL_REQUEST, STATUS_GOOD } from '../../cdb/spc/status';
import { encodeTestUnitReady } from '../../cdb/spc/test-unit-ready';
import { VPD_BLOCK_LIMITS } from '../../cdb/spc/vpd-b0';
import { type Backend, summarizeSense } from './backend';
import { DeviceCondition } from './errors';

export interface BlockIo {
  readonly blockLength: number;
  /** Largest single transfer in bytes (a multiple of blockLength). */
  readonly maxTransferBytes: number;
  /** `into`: a buffer of at least blocks * blockLength bytes the data may be read into (a hint). */
  readBlocks(lba: bigint, blocks: number, into?: Buffer): Promise<Buffer>;
  writeBlocks(lba: bigint, data: Buffer): Promise<void>;
  /** Make completed writes durable. */
  flush(): Promise<void>;
  testUnitReady(): Promise<void>;
}

/** READ(10) when the LBA and length fit, READ(16) otherwise. */
export function readCdb(lba: bigint, blocks: number): Buffer {
  const byte1 = { rdprotect: 0, dpo: false, fua: false, rarc: false };
  return fitsRw10(lba, blocks)
    ? encodeRead10({
        ...byte1,
        logicalBlockAddress: Number(lba),
        transferLength: blocks,
        groupNumber: 0,
        control: 0,
      })
    : encodeRead16({
        ...byte1,
        logicalBlockAddress: lba,
        transferLength: blocks,
        groupNumber: 0,
        control: 0,
      });
}

/** WRITE(10) when the LBA and length fit, WRITE(16) otherwise. */
export function writeCdb(lba: bigint, blocks: number): Buffer {
  const byte1 = { wrprotect: 0, dpo: false, fua: false };
  return fitsRw10(lba, blocks)
    ? encodeWrite10({
        ...byte1,
        logicalBlockAddress: Number(lba),
        transferLength: blocks,
        groupNumber: 0,
        control: 0,
      })
    : encodeWrite16({
        ...byte1,
        logicalBlockAddress: lba,
        transferLength: blocks,
        groupNumber: 0,
        control: 0,
      });
}

function fitsRw10(lba: bigint, blocks: number): boolean {
  return lba + BigInt(blocks) <= 0x100000000n && blocks <= 0xffff;
}

export const READ_CAPACITY10 = encodeReadCapacity10({ logicalBlockAddress: 0, pmi: false, control: 0 });
export const READ_CAPACITY16 = encodeReadCapacity16({
  logicalBlockAddress: 0n,
  allocationLength: 32,
  pmi: false,
  control: 0,
});
export const INQUIRY_VPD_B0 = encodeInquiryCdb({
  evpd: true,
  pageCode: VPD_BLOCK_LIMITS,
  allocationLength: 0x40,
  control: 0,
});
export const SYNCHRONIZE_CACHE10 = encodeSynchronizeCache10({
  immed: false,
  logicalBlockAddress: 0,
  groupNumber: 0,
  numberOfLogicalBlocks: 0,
  control: 0,
});
export const TEST_UNIT_READY = encodeTestUnitReady({ control: 0 });

export interface Capacity {
  blockLength: number;
  lastLba: bigint;
}

/** READ CAPACITY(10), and (16) when the LU is too large for it (SBC-3 5.16). */
export async function readCapacity(backend: Backend): Promise<Capacity> {
  const r10 = await backend.sendGood({ cdb: READ_CAPACITY10, dataInLength: 8 }, 'READ CAPACITY(10)');
  if (r10.dataIn.length < 8)
    throw new DeviceCondition('failure', 'READ CAPACITY(10) returned less than 8 bytes', r10);
  const last = r10.dataIn.readUInt32BE(0);
  if (last !== 0xffffffff) return { blockLength: r10.dataIn.readUInt32BE(4), lastLba: BigInt(last) };
  const r16 = await backend.sendGood({ cdb: READ_CAPACITY16, dataInLength: 32 }, 'READ CAPACITY(16)');
  if (r16.dataIn.length < 12)
    throw new DeviceCondition('failure', 'READ CAPACITY(16) returned less than 12 bytes', r16);
  return { blockLength: r16.dataIn.readUInt32BE(8), lastLba: r16.dataIn.readBigUInt64BE(0) };
}

/** MAXIMUM TRANSFER LENGTH of the Block Limits VPD page in blocks, 0 when absent or unlimited. */
export async function maximumTransferLength(backend: Backend): Promise<number> {
  const r = await backend.send({ cdb: INQUIRY_VPD_B0, dataInLength: 0x40 });
  if (r.status !== STATUS_GOOD || r.dataIn.length < 12 || r.dataIn[1] !== 0xb0) return 0;
  return r.dataIn.readUInt32BE(8);
}

export class ScsiBlockDevice implements BlockIo {
  private constructor(
    private readonly backend: Backend,
    readonly blockLength: number,
    readonly maxTransferBytes: number,
  ) {}

  /**
   * Open a block device: its block length is `descriptorBlockLength` when that is not 0, checked
   * against READ CAPACITY; transfers are capped by `maxTransferBytes` and the LU's Block Limits page.
   */
  static async open(
    backend: Backend,
    descriptorBlockLength: number,
    maxTransferBytes: number,
  ): Promise<{ device: ScsiBlockDevice; capacity: Capacity }> {
    const capacity = await readCapacity(backend);
    const blockLength = descriptorBlockLength !== 0 ? descriptorBlockLength : capacity.blockLength;
    if (blockLength === 0) throw new DeviceCondition('failure', 'READ CAPACITY reported a block length of 0');
    const lunMax = await maximumTransferLength(backend);
    let blocks = Math.max(1, Math.floor(maxTransferBytes / blockLength));
    if (lunMax > 0) blocks = Math.min(blocks, lunMax);
    blocks = Math.min(blocks, 0xffffffff);
    return { device: new ScsiBlockDevice(backend, blockLength, blocks * blockLength), capacity };
  }

  async readBlocks(lba: bigint, blocks: number, into?: Buffer): Promise<Buffer> {
    const want = blocks * this.blockLength;
    const r = await this.backend.sendGood(
      {
        cdb: readCdb(lba, blocks),
        dataInLength: want,
        ...(into === undefined ? {} : { dataInBuffer: into }),
      },
      `READ of ${blocks} blocks at LBA ${lba}`,
    );
    if (r.dataIn.length < want) {
      throw new DeviceCondition(
        'underrun',
        `READ at LBA ${lba} returned ${r.dataIn.length} of ${want} bytes`,
        r,
      );
    }
    return r.dataIn.length === want ? r.dataIn : r.dataIn.subarray(0, want);
  }

  async writeBlocks(lba: bigint, data: Buffer): Promise<void> {
    const blocks = data.length / this.blockLength;
    await this.backend.sendGood(
      { cdb: writeCdb(lba, blocks), dataOut: data },
      `WRITE of ${blocks} blocks at LBA ${lba}`,
    );
  }

  async flush(): Promise<void> {
    const r = await this.backend.send({ cdb: SYNCHRONIZE_CACHE10 });
    if (r.status === STATUS_GOOD) return;
    // A LU without a cache may not implement SYNCHRONIZE CACHE: 05/20/00 means nothing to flush.
    const s = summarizeSense(r.sense);
    if (s?.senseKey === SENSE_KEY_ILLEGAL_REQUEST && s.asc === 0x20) return;
    throw new DeviceCondition('failure', 'SYNCHRONIZE CACHE failed', r);
  }

  async testUnitReady(): Promise<void> {
    await this.backend.sendGood({ cdb: TEST_UNIT_READY }, 'TEST UNIT READY');
  }
}

/** CSCD ID C000h: a block device that reads zeros and discards what is written. */
export class NullBlockDevice implements BlockIo {
  constructor(
    readonly blockLength: number,
    readonly maxTransferBytes: number,
  ) {}

  readBlocks(_lba: bigint, blocks: number): Promise<Buffer> {
    return Promise.resolve(Buffer.alloc(blocks * this.blockLength));
  }

  writeBlocks(): Promise<void> {
    return Promise.resolve();
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  testUnitReady(): Promise<void> {
    return Promise.resolve();
  }
}
