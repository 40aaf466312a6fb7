// Direct-access block device (SBC-3) over a BlockStore: the RAM disk of `xcopyctl san up` and
// the disk LUs of the emulated SAN. Thin provisioned (LBPME=1, LBPRZ=1, UNMAP), no protection
// information, DPO/FUA accepted (DPOFUA=1), software write protect through the control page SWP bit.
import { invalidCdbField, invalidParamField, SenseError } from '../../cdb/errors';
import {
  decodeRead10,
  decodeRead12,
  decodeRead16,
  decodeRead6,
  decodeReadCapacity10,
  decodeReadCapacity16,
  decodeSynchronizeCache10,
  decodeSynchronizeCache16,
  decodeUnmap,
  decodeUnmapParameterList,
  decodeVerify10,
  decodeVerify16,
  decodeWrite10,
  decodeWrite12,
  decodeWrite16,
  decodeWrite6,
  encodeReadCapacity10Data,
  encodeReadCapacity16Data,
  rw6Blocks,
} from '../../cdb/sbc/index';
import { encodeBlockLimits } from '../../cdb/spc/vpd-b0';
import { encodeBlockDeviceCharacteristics, NON_ROTATING_MEDIUM } from '../../cdb/spc/vpd-b1';
import { encodeLogicalBlockProvisioning, PROVISIONING_TYPE } from '../../cdb/spc/vpd-b2';
import type { LuResponse } from '../lu';
import { SparseRamStore, type BlockStore } from './block-store';
import type { CommandContext } from './command-table';
import { GOOD, ScsiDevice, goodData, type ScsiDeviceOptions, type VpdBuilder } from './device';
import { VersionDescriptor } from './inquiry';
import { cachingModePage, controlFlags, controlModePage } from './mode-pages';
import { lbaOutOfRange, SenseKey, softwareWriteProtected, STATUS_GOOD } from './sense';

export const DIRECT_ACCESS_DEVICE = 0x00;

export interface DiskOptions extends ScsiDeviceOptions {
  store: BlockStore;
  /** MAXIMUM TRANSFER LENGTH in blocks (VPD B0h); longer transfers are INVALID FIELD IN CDB. */
  maxTransferBlocks?: number;
}

export interface RamDiskOptions extends ScsiDeviceOptions {
  sizeBytes: number;
  blockSize?: number;
  maxTransferBlocks?: number;
}

/** One READ/WRITE/VERIFY, whatever the CDB size. */
interface Transfer {
  lba: bigint;
  blocks: number;
  /** RDPROTECT / WRPROTECT / VRPROTECT. */
  protect: number;
  /** Offset of the TRANSFER LENGTH field, for the field pointer. */
  lengthField: number;
}

const MAX_UNMAP_LBA_COUNT = 0x100000;
const MAX_UNMAP_DESCRIPTORS = 256;
const UNMAP_GRANULARITY_BYTES = 64 * 1024;

/** WRITE AND VERIFY has no cdb/sbc codec: its CDB matches WRITE's with BYTCHK in byte 1 bits 2-1. */
function decodeWriteAndVerify(cdb: Buffer, size: 10 | 12 | 16): Transfer & { bytchk: number } {
  // SBC-4 5.48: BYTCHK 00b (no compare) and 01b (compare) are defined; 1xb is reserved.
  const bytchk = (cdb[1] >> 1) & 0x03;
  if (bytchk > 1) throw invalidCdbField(1, `BYTCHK ${bytchk.toString(2)}b`, 2);
  const protect = cdb[1] >> 5;
  if (size === 10)
    return { lba: BigInt(cdb.readUInt32BE(2)), blocks: cdb.readUInt16BE(7), protect, lengthField: 7, bytchk };
  if (size === 12)
    return { lba: BigInt(cdb.readUInt32BE(2)), blocks: cdb.readUInt32BE(6), protect, lengthField: 6, bytchk };
  return { lba: cdb.readBigUInt64BE(2), blocks: cdb.readUInt32BE(10), protect, lengthField: 10, bytchk };
}

/** VERIFY(12) has no cdb/sbc codec either: bytes as VERIFY(10) with READ(12)'s LBA/length layout. */
function decodeVerify12(cdb: Buffer): Transfer & { bytchk: number } {
  const bytchk = (cdb[1] >> 1) & 0x03;
  if (bytchk === 2) throw invalidCdbField(1, 'BYTCHK 10b is reserved', 2);
  return {
    lba: BigInt(cdb.readUInt32BE(2)),
    blocks: cdb.readUInt32BE(6),
    protect: cdb[1] >> 5,
    lengthField: 6,
    bytchk,
  };
}

export class DiskDevice extends ScsiDevice {
  readonly deviceType = DIRECT_ACCESS_DEVICE;
  readonly store: BlockStore;
  readonly maxTransferBlocks: number;

  constructor(opts: DiskOptions) {
    super(opts, { product: 'RAM DISK' }, [cachingModePage(), controlModePage()]);
    this.store = opts.store;
    this.maxTransferBlocks =
      opts.maxTransferBlocks ?? Math.max(1, Math.floor((8 * 1024 * 1024) / opts.store.blockSize));
    this.registerSbcCommands();
  }

  get blockSize(): number {
    return this.store.blockSize;
  }

  get blockCount(): bigint {
    return this.store.blockCount;
  }

  protected versionDescriptors(): number[] {
    return [VersionDescriptor.SAM5, VersionDescriptor.ISCSI, VersionDescriptor.SPC4, VersionDescriptor.SBC3];
  }

  protected deviceSpecificParameter(): number {
    // SBC-3 6.4.1: WP (bit 7), DPOFUA (bit 4).
    return (this.writeProtected() ? 0x80 : 0) | 0x10;
  }

  protected blockDescriptors(longLba: boolean): Buffer {
    if (longLba) {
      // SBC-3 6.4.2.3 long LBA mode parameter block descriptor.
      const b = Buffer.alloc(16);
      b.writeBigUInt64BE(this.blockCount, 0);
      b.writeUInt32BE(this.blockSize, 12);
      return b;
    }
    // SBC-3 6.4.2.2 short LBA mode parameter block descriptor.
    const b = Buffer.alloc(8);
    b.writeUInt32BE(this.blockCount > 0xffffffffn ? 0xffffffff : Number(this.blockCount), 0);
    b.writeUIntBE(this.blockSize, 5, 3);
    return b;
  }

  protected selectBlockDescriptors(descriptors: Buffer, base: number, longLba: boolean): void {
    const size = longLba ? 16 : 8;
    if (descriptors.length % size !== 0) throw invalidParamField(base, 'partial block descriptor');
    for (let off = 0; off < descriptors.length; off += size) {
      const blocks = longLba ? descriptors.readBigUInt64BE(off) : BigInt(descriptors.readUInt32BE(off));
      const length = longLba ? descriptors.readUInt32BE(off + 12) : descriptors.readUIntBE(off + 5, 3);
      // Capacity and block size are fixed: only the current values (or 0 blocks = keep) pass.
      if (blocks !== 0n && blocks !== this.blockCount && !(!longLba && blocks === 0xffffffffn)) {
        throw invalidParamField(base + off, 'NUMBER OF LOGICAL BLOCKS cannot change');
      }
      if (length !== this.blockSize) {
        throw invalidParamField(base + off + (longLba ? 12 : 5), 'LOGICAL BLOCK LENGTH cannot change');
      }
    }
  }

  protected extraVpdPages(): Map<number, VpdBuilder> {
    const header = { peripheralQualifier: 0, peripheralDeviceType: this.deviceType };
    const pages = new Map<number, VpdBuilder>();
    pages.set(0xb0, () =>
      encodeBlockLimits({
        ...header,
        wsnz: false,
        maximumCompareAndWriteLength: 0,
        optimalTransferLengthGranularity: 1,
        maximumTransferLength: this.maxTransferBlocks,
        optimalTransferLength: this.maxTransferBlocks,
        maximumPrefetchLength: 0,
        maximumUnmapLbaCount: MAX_UNMAP_LBA_COUNT,
        maximumUnmapBlockDescriptorCount: MAX_UNMAP_DESCRIPTORS,
        optimalUnmapGranularity: Math.max(1, UNMAP_GRANULARITY_BYTES / this.blockSize),
        ugavalid: true,
        unmapGranularityAlignment: 0,
        maximumWriteSameLength: 0n,
        maximumAtomicTransferLength: 0,
        atomicAlignment: 0,
        atomicTransferLengthGranularity: 0,
        maximumAtomicTransferLengthWithAtomicBoundary: 0,
        maximumAtomicBoundarySize: 0,
      }),
    );
    pages.set(0xb1, () =>
      encodeBlockDeviceCharacteristics({
        ...header,
        mediumRotationRate: NON_ROTATING_MEDIUM,
        productType: 0,
        wabereq: 0,
        wacereq: 0,
        nominalFormFactor: 0,
        zoned: 0,
        fuab: false,
        vbuls: false,
      }),
    );
    pages.set(0xb2, () =>
      encodeLogicalBlockProvisioning({
        ...header,
        thresholdExponent: 0,
        lbpu: true,
        lbpws: false,
        lbpws10: false,
        lbprz: 1,
        ancSup: false,
        dp: false,
        minimumPercentage: 0,
        provisioningType: PROVISIONING_TYPE.THIN,
        thresholdPercentage: 0,
      }),
    );
    return pages;
  }

  writeProtected(): boolean {
    return controlFlags(this.modePages.get(0x0a)).swp;
  }

  // ---- command table ------------------------------------------------------------------------

  private registerSbcCommands(): void {
    const t = this.table;
    const rw = (opcode: number, cdbLength: number, byte1: number): number[] => {
      const u = new Array<number>(cdbLength).fill(0);
      u[0] = opcode;
      u[1] = byte1;
      u[cdbLength - 1] = 0x04;
      if (cdbLength === 6) {
        u[1] = 0x1f;
        u[2] = u[3] = u[4] = 0xff;
      } else if (cdbLength === 10) {
        u.fill(0xff, 2, 6);
        u.fill(0xff, 7, 9);
      } else if (cdbLength === 12) {
        u.fill(0xff, 2, 10);
      } else {
        u.fill(0xff, 2, 14);
      }
      return u;
    };
    const timeouts = { nominal: 0, recommended: 30 };
    const add = (
      opcode: number,
      name: string,
      cdbLength: number,
      byte1: number,
      handler: (c: CommandContext) => LuResponse,
    ): void => {
      t.add({ opcode, name, cdbLength, usage: rw(opcode, cdbLength, byte1), timeouts, handler });
    };
    add(0x08, 'READ(6)', 6, 0x1f, (c) => this.read(this.rw6(c.cdb, false)));
    add(0x0a, 'WRITE(6)', 6, 0x1f, (c) => this.write(c, this.rw6(c.cdb, true)));
    add(0x28, 'READ(10)', 10, 0x18, (c) => {
      const d = decodeRead10(c.cdb);
      return this.read({
        lba: BigInt(d.logicalBlockAddress),
        blocks: d.transferLength,
        protect: d.rdprotect,
        lengthField: 7,
      });
    });
    add(0x2a, 'WRITE(10)', 10, 0x18, (c) => {
      const d = decodeWrite10(c.cdb);
      return this.write(c, {
        lba: BigInt(d.logicalBlockAddress),
        blocks: d.transferLength,
        protect: d.wrprotect,
        lengthField: 7,
      });
    });
    add(0xa8, 'READ(12)', 12, 0x18, (c) => {
      const d = decodeRead12(c.cdb);
      return this.read({
        lba: BigInt(d.logicalBlockAddress),
        blocks: d.transferLength,
        protect: d.rdprotect,
        lengthField: 6,
      });
    });
    add(0xaa, 'WRITE(12)', 12, 0x18, (c) => {
      const d = decodeWrite12(c.cdb);
      return this.write(c, {
        lba: BigInt(d.logicalBlockAddress),
        blocks: d.transferLength,
        protect: d.wrprotect,
        lengthField: 6,
      });
    });
    add(0x88, 'READ(16)', 16, 0x18, (c) => {
      const d = decodeRead16(c.cdb);
      return this.read({
        lba: d.logicalBlockAddress,
        blocks: d.transferLength,
        protect: d.rdprotect,
        lengthField: 10,
      });
    });
    add(0x8a, 'WRITE(16)', 16, 0x18, (c) => {
      const d = decodeWrite16(c.cdb);
      return this.write(c, {
        lba: d.logicalBlockAddress,
        blocks: d.transferLength,
        protect: d.wrprotect,
        lengthField: 10,
      });
    });
    add(0x2f, 'VERIFY(10)', 10, 0x16, (c) => {
      const d = decodeVerify10(c.cdb);
      return this.verify(
        c,
        {
          lba: BigInt(d.logicalBlockAddress),
          blocks: d.verificationLength,
          protect: d.vrprotect,
          lengthField: 7,
        },
        d.bytchk,
      );
    });
    add(0xaf, 'VERIFY(12)', 12, 0x16, (c) => {
      const d = decodeVerify12(c.cdb);
      return this.verify(c, d, d.bytchk);
    });
    add(0x8f, 'VERIFY(16)', 16, 0x16, (c) => {
      const d = decodeVerify16(c.cdb);
      return this.verify(
        c,
        { lba: d.logicalBlockAddress, blocks: d.verificationLength, protect: d.vrprotect, lengthField: 10 },
        d.bytchk,
      );
    });
    add(0x2e, 'WRITE AND VERIFY(10)', 10, 0x12, (c) => this.write(c, decodeWriteAndVerify(c.cdb, 10)));
    add(0xae, 'WRITE AND VERIFY(12)', 12, 0x12, (c) => this.write(c, decodeWriteAndVerify(c.cdb, 12)));
    add(0x8e, 'WRITE AND VERIFY(16)', 16, 0x12, (c) => this.write(c, decodeWriteAndVerify(c.cdb, 16)));
    t.add({
      opcode: 0x25,
      name: 'READ CAPACITY(10)',
      cdbLength: 10,
      usage: [0x25, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0x01, 0x04],
      handler: (c) => this.readCapacity10(c),
    });
    t.add({
      opcode: 0x9e,
      serviceAction: 0x10,
      name: 'READ CAPACITY(16)',
      cdbLength: 16,
      usage: [0x9e, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x04],
      handler: (c) => this.readCapacity16(c),
    });
    t.add({
      opcode: 0x35,
      name: 'SYNCHRONIZE CACHE(10)',
      cdbLength: 10,
      usage: [0x35, 0x02, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, 0x04],
      timeouts,
      handler: (c) => {
        const d = decodeSynchronizeCache10(c.cdb);
        return this.synchronizeCache(BigInt(d.logicalBlockAddress), d.numberOfLogicalBlocks);
      },
    });
    t.add({
      opcode: 0x91,
      name: 'SYNCHRONIZE CACHE(16)',
      cdbLength: 16,
      usage: [0x91, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x04],
      timeouts,
      handler: (c) => {
        const d = decodeSynchronizeCache16(c.cdb);
        return this.synchronizeCache(d.logicalBlockAddress, d.numberOfLogicalBlocks);
      },
    });
    t.add({
      opcode: 0x42,
      name: 'UNMAP',
      cdbLength: 10,
      usage: [0x42, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0x04],
      timeouts,
      handler: (c) => this.unmap(c),
    });
  }

  // ---- SBC commands -------------------------------------------------------------------------

  private rw6(cdb: Buffer, write: boolean): Transfer {
    const d = write ? decodeWrite6(cdb) : decodeRead6(cdb);
    // SBC-3 5.15: TRANSFER LENGTH 0 means 256 blocks for READ(6)/WRITE(6).
    return {
      lba: BigInt(d.logicalBlockAddress),
      blocks: rw6Blocks(d.transferLength),
      protect: 0,
      lengthField: 4,
    };
  }

  /** Field checks shared by every transfer, then the LBA range (SBC-3 4.5). */
  private checkTransfer(t: Transfer, protectName: string): void {
    // No protection information: any non-zero xxPROTECT is INVALID FIELD IN CDB (SBC-3 4.18).
    if (t.protect !== 0)
      throw invalidCdbField(1, `${protectName} ${t.protect} without protection information`, 7);
    if (t.blocks > this.maxTransferBlocks) {
      throw invalidCdbField(
        t.lengthField,
        `transfer of ${t.blocks} blocks exceeds MAXIMUM TRANSFER LENGTH ${this.maxTransferBlocks}`,
      );
    }
    this.checkRange(t.lba, BigInt(t.blocks));
  }

  private checkRange(lba: bigint, blocks: bigint): void {
    if (lba + blocks > this.blockCount) throw lbaOutOfRange(`${lba}+${blocks} > ${this.blockCount}`);
  }

  private read(t: Transfer): LuResponse {
    this.checkTransfer(t, 'RDPROTECT');
    if (t.blocks === 0) return GOOD;
    return { status: STATUS_GOOD, dataIn: this.store.read(t.lba, t.blocks) };
  }

  private write(c: CommandContext, t: Transfer): LuResponse {
    this.checkTransfer(t, 'WRPROTECT');
    if (this.writeProtected()) throw softwareWriteProtected();
    const want = t.blocks * this.blockSize;
    // Only whole blocks that actually arrived are written (iSCSI EDTL may be below the CDB's length).
    const have = Math.min(want, c.dataOut.length);
    const usable = have - (have % this.blockSize);
    if (usable > 0) this.store.write(t.lba, c.dataOut.subarray(0, usable));
    return { status: STATUS_GOOD, dataOutLength: want };
  }

  private verify(c: CommandContext, t: Transfer, bytchk: number): LuResponse {
    this.checkTransfer(t, 'VRPROTECT');
    const bs = this.blockSize;
    if (bytchk === 0 || t.blocks === 0) return { status: STATUS_GOOD, dataOutLength: 0 };
    const want = bytchk === 1 ? t.blocks * bs : bs;
    const medium = this.store.read(t.lba, t.blocks);
    const have = Math.min(want, c.dataOut.length);
    for (let i = 0; i < t.blocks * bs; i++) {
      const j = bytchk === 1 ? i : i % bs;
      if (j >= have) break;
      if (medium[i] !== c.dataOut[j]) {
        // SBC-3 5.28: MISCOMPARE, MISCOMPARE DURING VERIFY OPERATION, INFORMATION = byte offset.
        throw new SenseError(
          { senseKey: SenseKey.MISCOMPARE, asc: 0x1d, ascq: 0x00, information: BigInt(i) },
          `miscompare at byte ${i}`,
        );
      }
    }
    return { status: STATUS_GOOD, dataOutLength: want };
  }

  private readCapacity10(c: CommandContext): LuResponse {
    decodeReadCapacity10(c.cdb);
    const last = this.blockCount - 1n;
    return {
      status: STATUS_GOOD,
      dataIn: encodeReadCapacity10Data({
        // SBC-3 5.16: FFFFFFFFh tells the initiator to use READ CAPACITY(16).
        returnedLogicalBlockAddress: last > 0xffffffffn ? 0xffffffff : Number(last),
        logicalBlockLengthInBytes: this.blockSize,
      }),
    };
  }

  private readCapacity16(c: CommandContext): LuResponse {
    const d = decodeReadCapacity16(c.cdb);
    const data = encodeReadCapacity16Data({
      returnedLogicalBlockAddress: this.blockCount - 1n,
      logicalBlockLengthInBytes: this.blockSize,
      rcBasis: 0,
      pType: 0,
      protEn: false,
      pIExponent: 0,
      logicalBlocksPerPhysicalBlockExponent: 0,
      lbpme: true,
      lbprz: true,
      lowestAlignedLogicalBlockAddress: 0,
    });
    return goodData(data, d.allocationLength);
  }

  private synchronizeCache(lba: bigint, blocks: number): LuResponse {
    // NUMBER OF LOGICAL BLOCKS 0 means "to the last LBA": the LBA itself must exist.
    if (blocks === 0) {
      if (lba >= this.blockCount) throw lbaOutOfRange(`${lba} >= ${this.blockCount}`);
    } else {
      this.checkRange(lba, BigInt(blocks));
    }
    return GOOD;
  }

  private unmap(c: CommandContext): LuResponse {
    const d = decodeUnmap(c.cdb);
    if (d.anchor) throw invalidCdbField(1, 'ANCHOR not supported (ANC_SUP=0)', 0);
    if (d.parameterListLength === 0) return GOOD;
    const list = decodeUnmapParameterList(c.dataOut.subarray(0, d.parameterListLength));
    // SBC-3 5.28: limits from the Block Limits VPD page.
    if (list.descriptors.length > MAX_UNMAP_DESCRIPTORS) {
      throw invalidParamField(2, `${list.descriptors.length} descriptors exceed ${MAX_UNMAP_DESCRIPTORS}`);
    }
    list.descriptors.forEach((u, i) => {
      if (u.numberOfLogicalBlocks > MAX_UNMAP_LBA_COUNT)
        throw invalidParamField(8 + 16 * i + 8, 'NUMBER OF LOGICAL BLOCKS too large');
      this.checkRange(u.unmapLogicalBlockAddress, BigInt(u.numberOfLogicalBlocks));
    });
    if (this.writeProtected()) throw softwareWriteProtected();
    for (const u of list.descriptors)
      this.store.unmap(u.unmapLogicalBlockAddress, BigInt(u.numberOfLogicalBlocks));
    return { status: STATUS_GOOD, dataOutLength: d.parameterListLength };
  }
}

/** A thin-provisioned RAM disk. */
export function createRamDisk(opts: RamDiskOptions): DiskDevice {
  const blockSize = opts.blockSize ?? 512;
  if (opts.sizeBytes <= 0 || opts.sizeBytes % blockSize !== 0) {
    throw new RangeError(`size ${opts.sizeBytes} must be a positive multiple of the block size ${blockSize}`);
  }
  const store = new SparseRamStore(blockSize, BigInt(opts.sizeBytes / blockSize));
  return new DiskDevice({ identity: opts.identity, store, maxTransferBlocks: opts.maxTransferBlocks });
}
