// Direct-access block device (SBC-3) over an asynchronous BlockDevice (emulator/disk): the
// file-backed thin-provisioned FileBlockStore, one of its read-only snapshots, or the in-memory
// RamBlockDevice (`xcopyctl san up`'s quick mode and the tests). Thin provisioned (LBPME=1,
// LBPRZ=1, UNMAP, WRITE SAME with UNMAP, GET LBA STATUS), no protection information, DPO/FUA
// accepted (DPOFUA=1), write protection from a read-only store or flag (07/27/00) or the control
// page SWP bit (07/27/02), SPC-2 and persistent reservations, injectable medium errors.
import { invalidCdbField, invalidParamField, SenseError, type FieldPointer } from '../../cdb/errors';
import {
  decodeGetLbaStatus,
  decodeReadCapacity10,
  decodeReadCapacity16,
  decodeSynchronizeCache10,
  decodeSynchronizeCache16,
  decodeUnmap,
  decodeUnmapParameterList,
  decodeWriteSame10,
  decodeWriteSame16,
  encodeLbaStatusData,
  encodeReadCapacity10Data,
  encodeReadCapacity16Data,
  GET_LBA_STATUS_SERVICE_ACTION,
  lbaStatusParameterDataLength,
  PROVISIONING_STATUS,
  READ_CAPACITY16_SERVICE_ACTION,
  type LbaStatusDescriptor,
} from '../../cdb/sbc/index';
import type { BlockDevice, LbaRange } from '../disk/block-device';
import { FileBlockStore } from '../disk/block-store';
import type { LuResponse } from '../lu';
import { RamBlockDevice, SparseRamStore } from './block-store';
import type { CommandContext } from './command-table';
import {
  GOOD,
  goodData,
  ScsiDevice,
  type BlockDescriptors,
  type ModeSelectContext,
  type ScsiDeviceOptions,
  type VpdBuilder,
} from './device';
import {
  GET_LBA_STATUS_USAGE,
  readTransfer,
  transferUsage,
  UNMAP_USAGE,
  verifyTransfer,
  writeAndVerifyTransfer,
  writeTransfer,
  WRITE_SAME10_USAGE,
  WRITE_SAME16_USAGE,
  type Transfer,
  type TransferSize,
} from './disk-cdb';
import {
  invalidCommandInformationUnit,
  lbaOutOfRangeAt,
  mediumError,
  senseForStoreError,
  writeProtected,
  type MediumErrorKind,
} from './disk-errors';
import { MediumErrors, type MediumErrorRange } from './disk-faults';
import {
  blockDeviceCharacteristicsPage,
  blockLimitsPage,
  DEFAULT_MAX_TRANSFER_BYTES,
  DEFAULT_MAX_WRITE_SAME_BLOCKS,
  logicalBlockProvisioningPage,
  MAX_UNMAP_DESCRIPTORS,
  MAX_UNMAP_LBA_COUNT,
  type DiskLimits,
} from './disk-vpd';
import { VersionDescriptor } from './inquiry';
import {
  cachingModePage,
  controlFlags,
  controlModePage,
  NO_MODE_CHANGE,
  type ModeSelectChange,
} from './mode-pages';
import { accessClassOf, type AccessClass } from './reservations';
import { softwareWriteProtected, STATUS_GOOD } from './sense';

export const DIRECT_ACCESS_DEVICE = 0x00;

export interface DiskLimitOptions {
  /** MAXIMUM TRANSFER LENGTH in blocks (VPD B0h); longer transfers are INVALID FIELD IN CDB. Default 8 MiB. */
  maxTransferBlocks?: number;
  /** MAXIMUM WRITE SAME LENGTH in blocks (VPD B0h). Default 4 Mi blocks, at most the capacity. */
  maxWriteSameBlocks?: number;
  /** LOGICAL BLOCKS PER PHYSICAL BLOCK EXPONENT of READ CAPACITY(16) (0-15, default 0). */
  physicalBlockExponent?: number;
}

export interface DiskOptions<S extends BlockDevice = BlockDevice>
  extends ScsiDeviceOptions, DiskLimitOptions {
  /** The medium. A SparseRamStore (the older synchronous RAM store) is served through RamBlockDevice. */
  store: S | SparseRamStore;
  /** Serve the LU read-only even if the store is writable (the store's own readOnly counts too). */
  readOnly?: boolean;
}

export interface RamDiskOptions extends ScsiDeviceOptions, DiskLimitOptions {
  sizeBytes: number;
  blockSize?: number;
  readOnly?: boolean;
}

export interface FileDiskOptions extends ScsiDeviceOptions, DiskLimitOptions {
  /** Path of the raw image; its sidecar files sit next to it (emulator/disk/FORMAT.md). */
  image: string;
  /** With blockSize and blockCount a missing image is created (an existing one must match). */
  blockSize?: number;
  blockCount?: bigint;
  chunkSize?: number;
  /** Open the store read-only: every write-type command answers WRITE PROTECTED. */
  readOnly?: boolean;
  flushIntervalMs?: number;
}

/**
 * Access classes of the SBC commands in the presence of reservations (SBC-3 table "SBC commands
 * that are allowed in the presence of various reservations"). SERVICE ACTION IN(16) is split by
 * service action in sbcAccessClass.
 */
export const SBC_ACCESS_CLASSES: Readonly<Record<number, AccessClass>> = {
  0x08: 'read', // READ(6)
  0x0a: 'write', // WRITE(6)
  0x25: 'info', // READ CAPACITY(10)
  0x28: 'read', // READ(10)
  0x2a: 'write', // WRITE(10)
  0x2e: 'write', // WRITE AND VERIFY(10)
  0x2f: 'read', // VERIFY(10)
  0x35: 'write', // SYNCHRONIZE CACHE(10)
  0x41: 'write', // WRITE SAME(10)
  0x42: 'write', // UNMAP
  0x88: 'read', // READ(16)
  0x8a: 'write', // WRITE(16)
  0x8e: 'write', // WRITE AND VERIFY(16)
  0x8f: 'read', // VERIFY(16)
  0x91: 'write', // SYNCHRONIZE CACHE(16)
  0x93: 'write', // WRITE SAME(16)
  0xa8: 'read', // READ(12)
  0xaa: 'write', // WRITE(12)
  0xae: 'write', // WRITE AND VERIFY(12)
  0xaf: 'read', // VERIFY(12)
};

/** READ CAPACITY(16) is allowed under every persistent reservation; GET LBA STATUS reads. */
export function sbcAccessClass(cdb: Buffer): AccessClass {
  if (cdb[0] === 0x9e) return (cdb[1] & 0x1f) === READ_CAPACITY16_SERVICE_ACTION ? 'info' : 'read';
  return accessClassOf(cdb, SBC_ACCESS_CLASSES);
}

/** Most LBA status descriptors one GET LBA STATUS returns. */
const MAX_LBA_STATUS_DESCRIPTORS = 4096;

function cdbField(field: number): FieldPointer {
  return { commandData: true, field };
}

function isAllZero(b: Buffer): boolean {
  for (const x of b) if (x !== 0) return false;
  return true;
}

function defaultProduct(store: BlockDevice | SparseRamStore): string {
  return store instanceof SparseRamStore || store instanceof RamBlockDevice ? 'RAM DISK' : 'THIN DISK';
}

/** A disk LU; `S` is the type of its store (RamBlockDevice for createRamDisk, FileBlockStore...). */
export class DiskDevice<S extends BlockDevice = BlockDevice> extends ScsiDevice {
  readonly deviceType = DIRECT_ACCESS_DEVICE;
  readonly store: S;
  readonly limits: DiskLimits;
  private readonly readOnlyFlag: boolean;
  private readonly physicalBlockExponent: number;
  private readonly faults = new MediumErrors();

  constructor(opts: DiskOptions<S>) {
    super(opts, { product: defaultProduct(opts.store) }, [cachingModePage(), controlModePage()]);
    // A bare SparseRamStore only comes with S = BlockDevice (nothing narrower can be inferred).
    this.store = (opts.store instanceof SparseRamStore ? new RamBlockDevice(opts.store) : opts.store) as S;
    this.readOnlyFlag = opts.readOnly ?? false;
    const exp = opts.physicalBlockExponent ?? 0;
    if (!Number.isInteger(exp) || exp < 0 || exp > 15)
      throw new RangeError(`physical block exponent ${exp} is not 0-15`);
    this.physicalBlockExponent = exp;
    this.limits = this.makeLimits(opts);
    this.registerSbcCommands();
  }

  private makeLimits(opts: DiskLimitOptions): DiskLimits {
    const bs = this.store.blockSize;
    const capacity = this.store.blockCount;
    const maxTransferBlocks =
      opts.maxTransferBlocks ?? Math.max(1, Math.floor(DEFAULT_MAX_TRANSFER_BYTES / bs));
    const wsDefault =
      BigInt(DEFAULT_MAX_WRITE_SAME_BLOCKS) < capacity ? DEFAULT_MAX_WRITE_SAME_BLOCKS : Number(capacity);
    const maxWriteSameBlocks = opts.maxWriteSameBlocks ?? wsDefault;
    for (const [name, v] of [
      ['maxTransferBlocks', maxTransferBlocks],
      ['maxWriteSameBlocks', maxWriteSameBlocks],
    ] as const) {
      if (!Number.isInteger(v) || v < 1 || v > 0xffffffff)
        throw new RangeError(`${name} ${v} is not 1-2^32-1`);
    }
    return {
      maxTransferBlocks,
      maxWriteSameBlocks,
      maxUnmapLbaCount: MAX_UNMAP_LBA_COUNT,
      maxUnmapDescriptors: MAX_UNMAP_DESCRIPTORS,
      unmapGranularity: this.store.provisioningGranularity,
    };
  }

  get blockSize(): number {
    return this.store.blockSize;
  }

  get blockCount(): bigint {
    return this.store.blockCount;
  }

  get maxTransferBlocks(): number {
    return this.limits.maxTransferBlocks;
  }

  /** The LU refuses every write-type command with WRITE PROTECTED (snapshot, read-only store or flag). */
  get readOnly(): boolean {
    return this.readOnlyFlag || this.store.readOnly;
  }

  /** WP of MODE SENSE: read-only, or software write protected by the control page SWP bit. */
  writeProtected(): boolean {
    return this.readOnly || controlFlags(this.modePages.get(0x0a)).swp;
  }

  protected versionDescriptors(): number[] {
    return [VersionDescriptor.SAM5, VersionDescriptor.ISCSI, VersionDescriptor.SPC4, VersionDescriptor.SBC3];
  }

  protected accessClass(cdb: Buffer): AccessClass {
    return sbcAccessClass(cdb);
  }

  protected deviceSpecificParameter(): number {
    // SBC-3 6.4.1: WP (bit 7), DPOFUA (bit 4).
    return (this.writeProtected() ? 0x80 : 0) | 0x10;
  }

  protected blockDescriptors(llbaa: boolean): BlockDescriptors {
    if (llbaa) {
      // SBC-3 6.4.2.3 long LBA mode parameter block descriptor.
      const b = Buffer.alloc(16);
      b.writeBigUInt64BE(this.blockCount, 0);
      b.writeUInt32BE(this.blockSize, 12);
      return { descriptors: b, longLba: true };
    }
    // SBC-3 6.4.2.2 short LBA mode parameter block descriptor.
    const b = Buffer.alloc(8);
    b.writeUInt32BE(this.blockCount > 0xffffffffn ? 0xffffffff : Number(this.blockCount), 0);
    b.writeUIntBE(this.blockSize, 5, 3);
    return { descriptors: b, longLba: false };
  }

  /** Capacity and block size are fixed: descriptors may only repeat them, and change nothing. */
  protected selectBlockDescriptors(descriptors: Buffer, ctx: ModeSelectContext): ModeSelectChange {
    const { offset: base, longLba } = ctx;
    const size = longLba ? 16 : 8;
    if (descriptors.length % size !== 0) throw invalidParamField(base, 'partial block descriptor');
    for (let off = 0; off < descriptors.length; off += size) {
      const blocks = longLba ? descriptors.readBigUInt64BE(off) : BigInt(descriptors.readUInt32BE(off));
      const length = longLba ? descriptors.readUInt32BE(off + 12) : descriptors.readUIntBE(off + 5, 3);
      // Only the current values (or 0 blocks = keep) pass.
      if (blocks !== 0n && blocks !== this.blockCount && !(!longLba && blocks === 0xffffffffn)) {
        throw invalidParamField(base + off, 'NUMBER OF LOGICAL BLOCKS cannot change');
      }
      if (length !== this.blockSize) {
        throw invalidParamField(base + off + (longLba ? 12 : 5), 'LOGICAL BLOCK LENGTH cannot change');
      }
    }
    return NO_MODE_CHANGE;
  }

  protected extraVpdPages(): Map<number, VpdBuilder> {
    const pages = new Map<number, VpdBuilder>();
    pages.set(0xb0, () => blockLimitsPage(this.limits));
    pages.set(0xb1, () => blockDeviceCharacteristicsPage());
    pages.set(0xb2, () => logicalBlockProvisioningPage());
    return pages;
  }

  /** Close the store behind the LU (a snapshot view only detaches). */
  close(): Promise<void> {
    return this.store.close();
  }

  // ---- fault injection (SAN admin API) --------------------------------------------------------

  /**
   * From now on, reads ('read') or writes ('write') touching `count` blocks from `lbaStart` fail
   * with MEDIUM ERROR: 03/11/00 UNRECOVERED READ ERROR or 03/0C/00 WRITE ERROR, INFORMATION = the
   * first bad LBA of the command. Blocks before it are still written. Lasts until cleared.
   */
  injectMediumError(lbaStart: bigint | number, count: bigint | number, kind: MediumErrorKind): void {
    const lba = BigInt(lbaStart);
    const n = BigInt(count);
    if (lba < 0n || n <= 0n || lba + n > this.blockCount) {
      throw new RangeError(`medium error range ${lba}+${n} is not inside ${this.blockCount} blocks`);
    }
    this.faults.inject(lba, n, kind);
  }

  /** Clear injected medium errors (all, one kind, or one kind overlapping a range); returns how many. */
  clearMediumErrors(kind?: MediumErrorKind, range?: { lba: bigint; count: bigint }): number {
    return this.faults.clear(kind, range);
  }

  mediumErrors(): MediumErrorRange[] {
    return this.faults.list();
  }

  // ---- command table ------------------------------------------------------------------------

  private registerSbcCommands(): void {
    const t = this.table;
    const timeouts = { nominal: 0, recommended: 30 };
    const add = (
      opcode: number,
      name: string,
      cdbLength: TransferSize,
      byte1: number,
      handler: (c: CommandContext) => Promise<LuResponse>,
    ): void => {
      t.command(name, transferUsage(opcode, cdbLength, byte1), handler, { timeouts });
    };
    add(0x08, 'READ(6)', 6, 0x1f, (c) => this.read(readTransfer(c.cdb, 6)));
    add(0x0a, 'WRITE(6)', 6, 0x1f, (c) => this.write(c, writeTransfer(c.cdb, 6)));
    add(0x28, 'READ(10)', 10, 0x18, (c) => this.read(readTransfer(c.cdb, 10)));
    add(0x2a, 'WRITE(10)', 10, 0x18, (c) => this.write(c, writeTransfer(c.cdb, 10)));
    add(0xa8, 'READ(12)', 12, 0x18, (c) => this.read(readTransfer(c.cdb, 12)));
    add(0xaa, 'WRITE(12)', 12, 0x18, (c) => this.write(c, writeTransfer(c.cdb, 12)));
    add(0x88, 'READ(16)', 16, 0x18, (c) => this.read(readTransfer(c.cdb, 16)));
    add(0x8a, 'WRITE(16)', 16, 0x18, (c) => this.write(c, writeTransfer(c.cdb, 16)));
    add(0x2f, 'VERIFY(10)', 10, 0x16, (c) => this.verify(c, verifyTransfer(c.cdb, 10)));
    add(0xaf, 'VERIFY(12)', 12, 0x16, (c) => this.verify(c, verifyTransfer(c.cdb, 12)));
    add(0x8f, 'VERIFY(16)', 16, 0x16, (c) => this.verify(c, verifyTransfer(c.cdb, 16)));
    add(0x2e, 'WRITE AND VERIFY(10)', 10, 0x12, (c) => this.write(c, writeAndVerifyTransfer(c.cdb, 10)));
    add(0xae, 'WRITE AND VERIFY(12)', 12, 0x12, (c) => this.write(c, writeAndVerifyTransfer(c.cdb, 12)));
    add(0x8e, 'WRITE AND VERIFY(16)', 16, 0x12, (c) => this.write(c, writeAndVerifyTransfer(c.cdb, 16)));
    t.command('READ CAPACITY(10)', [0x25, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0x01, 0x04], (c) =>
      this.readCapacity10(c),
    );
    t.command(
      'READ CAPACITY(16)',
      [0x9e, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x04],
      (c) => this.readCapacity16(c),
      { serviceAction: READ_CAPACITY16_SERVICE_ACTION },
    );
    t.command('GET LBA STATUS', GET_LBA_STATUS_USAGE, (c) => this.getLbaStatus(c), {
      serviceAction: GET_LBA_STATUS_SERVICE_ACTION,
    });
    t.command(
      'SYNCHRONIZE CACHE(10)',
      [0x35, 0x02, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, 0x04],
      (c) => {
        const d = decodeSynchronizeCache10(c.cdb);
        return this.synchronizeCache(BigInt(d.logicalBlockAddress), d.numberOfLogicalBlocks);
      },
      { timeouts },
    );
    t.command(
      'SYNCHRONIZE CACHE(16)',
      [0x91, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x04],
      (c) => {
        const d = decodeSynchronizeCache16(c.cdb);
        return this.synchronizeCache(d.logicalBlockAddress, d.numberOfLogicalBlocks);
      },
      { timeouts },
    );
    t.command('WRITE SAME(10)', WRITE_SAME10_USAGE, (c) => this.writeSame(c, 10), { timeouts });
    t.command('WRITE SAME(16)', WRITE_SAME16_USAGE, (c) => this.writeSame(c, 16), { timeouts });
    t.command('UNMAP', UNMAP_USAGE, (c) => this.unmap(c), { timeouts });
  }

  // ---- checks shared by the handlers -----------------------------------------------------------

  /** Field checks shared by every transfer, then the LBA range (SBC-3 4.5). */
  private checkTransfer(t: Transfer, protectName: string): void {
    // No protection information: any non-zero xxPROTECT is INVALID FIELD IN CDB (SBC-3 4.18).
    if (t.protect !== 0)
      throw invalidCdbField(1, `${protectName} ${t.protect} without protection information`, 7);
    if (t.blocks > this.limits.maxTransferBlocks) {
      throw invalidCdbField(
        t.lengthField,
        `transfer of ${t.blocks} blocks exceeds MAXIMUM TRANSFER LENGTH ${this.limits.maxTransferBlocks}`,
      );
    }
    this.checkRange(t.lba, BigInt(t.blocks), cdbField(t.lbaField));
  }

  private checkRange(lba: bigint, blocks: bigint, field: FieldPointer): void {
    if (lba + blocks > this.blockCount) throw lbaOutOfRangeAt(field, `${lba}+${blocks} > ${this.blockCount}`);
  }

  /** Write-type commands on a write-protected LU (SBC-3 4.11). */
  private checkWritable(): void {
    if (this.readOnly) throw writeProtected('read-only logical unit');
    if (controlFlags(this.modePages.get(0x0a)).swp) throw softwareWriteProtected();
  }

  /** Run a store operation; its failures become sense data (senseForStoreError). */
  private async io<T>(kind: MediumErrorKind, field: FieldPointer, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (e) {
      throw senseForStoreError(e, kind, field);
    }
  }

  /** Write whole blocks, stopping with WRITE ERROR at the first injected bad LBA. */
  private async writeBlocks(lba: bigint, data: Buffer, field: FieldPointer): Promise<void> {
    const bs = this.blockSize;
    const bad = this.faults.firstBad(lba, BigInt(data.length / bs), 'write');
    const good = bad === undefined ? data : data.subarray(0, Number(bad - lba) * bs);
    if (good.length > 0) await this.io('write', field, () => this.store.write(lba, good));
    if (bad !== undefined) throw mediumError('write', bad);
  }

  private checkReadable(lba: bigint, blocks: bigint): void {
    const bad = this.faults.firstBad(lba, blocks, 'read');
    if (bad !== undefined) throw mediumError('read', bad);
  }

  // ---- READ, WRITE, VERIFY ---------------------------------------------------------------------

  private async read(t: Transfer): Promise<LuResponse> {
    this.checkTransfer(t, 'RDPROTECT');
    if (t.blocks === 0) return GOOD;
    this.checkReadable(t.lba, BigInt(t.blocks));
    const data = await this.io('read', cdbField(t.lbaField), () => this.store.read(t.lba, t.blocks));
    return { status: STATUS_GOOD, dataIn: data };
  }

  /** WRITE and WRITE AND VERIFY (the verification of just-written data cannot fail). */
  private async write(c: CommandContext, t: Transfer): Promise<LuResponse> {
    this.checkTransfer(t, 'WRPROTECT');
    this.checkWritable();
    const bs = this.blockSize;
    const want = t.blocks * bs;
    // Only whole blocks that actually arrived are written (iSCSI EDTL may be below the CDB's length).
    const have = Math.min(want, c.dataOut.length);
    const usable = have - (have % bs);
    if (usable > 0) await this.writeBlocks(t.lba, c.dataOut.subarray(0, usable), cdbField(t.lbaField));
    return { status: STATUS_GOOD, dataOutLength: want };
  }

  private async verify(c: CommandContext, t: Transfer & { bytchk: number }): Promise<LuResponse> {
    this.checkTransfer(t, 'VRPROTECT');
    if (t.blocks === 0) return { status: STATUS_GOOD, dataOutLength: 0 };
    // Every BYTCHK reads the medium: BYTCHK 0 checks it can be read (SBC-3 5.26).
    this.checkReadable(t.lba, BigInt(t.blocks));
    if (t.bytchk === 0) return { status: STATUS_GOOD, dataOutLength: 0 };
    const bs = this.blockSize;
    const want = t.bytchk === 1 ? t.blocks * bs : bs;
    const medium = await this.io('read', cdbField(t.lbaField), () => this.store.read(t.lba, t.blocks));
    const have = Math.min(want, c.dataOut.length);
    for (let i = 0; i < t.blocks * bs; i++) {
      const j = t.bytchk === 1 ? i : i % bs;
      if (j >= have) break;
      if (medium[i] !== c.dataOut[j]) {
        // SBC-3 5.26: MISCOMPARE, MISCOMPARE DURING VERIFY OPERATION, INFORMATION = byte offset.
        throw new SenseError(
          { senseKey: 0x0e, asc: 0x1d, ascq: 0x00, information: BigInt(i) },
          `miscompare at byte ${i}`,
        );
      }
    }
    return { status: STATUS_GOOD, dataOutLength: want };
  }

  // ---- READ CAPACITY, SYNCHRONIZE CACHE --------------------------------------------------------

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
      logicalBlocksPerPhysicalBlockExponent: this.physicalBlockExponent,
      lbpme: true,
      lbprz: true,
      lowestAlignedLogicalBlockAddress: 0,
    });
    return goodData(data, d.allocationLength);
  }

  /** SYNCHRONIZE CACHE: the whole store is made durable (data, allocation map, checkpoints). */
  private async synchronizeCache(lba: bigint, blocks: number): Promise<LuResponse> {
    // NUMBER OF LOGICAL BLOCKS 0 means "to the last LBA": the LBA itself must exist.
    if (blocks === 0) {
      if (lba >= this.blockCount) throw lbaOutOfRangeAt(cdbField(2), `${lba} >= ${this.blockCount}`);
    } else {
      this.checkRange(lba, BigInt(blocks), cdbField(2));
    }
    await this.io('write', cdbField(2), () => this.store.sync());
    return GOOD;
  }

  // ---- thin provisioning: WRITE SAME, UNMAP, GET LBA STATUS ------------------------------------

  private async writeSame(c: CommandContext, size: 10 | 16): Promise<LuResponse> {
    const d = size === 10 ? { ...decodeWriteSame10(c.cdb), ndob: false } : decodeWriteSame16(c.cdb);
    const lengthField = size === 10 ? 7 : 10;
    const lba = BigInt(d.logicalBlockAddress);
    if (d.wrprotect !== 0)
      throw invalidCdbField(1, `WRPROTECT ${d.wrprotect} without protection information`, 7);
    // SBC-3 5.42: ANCHOR=1 needs ANC_SUP=1 in the Logical Block Provisioning VPD page.
    if (d.anchor) throw invalidCdbField(1, 'ANCHOR not supported (ANC_SUP=0)', 4);
    // PBDATA/LBDATA ask for LBA or physical sector data in the block: not supported.
    if (d.pbdata) throw invalidCdbField(1, 'PBDATA not supported', 2);
    if (d.lbdata) throw invalidCdbField(1, 'LBDATA not supported', 1);
    let count = BigInt(d.numberOfLogicalBlocks);
    if (count === 0n) {
      // WSNZ=0 (VPD B0h): zero blocks means from the LBA through the last LBA.
      if (lba >= this.blockCount) throw lbaOutOfRangeAt(cdbField(2), `${lba} >= ${this.blockCount}`);
      count = this.blockCount - lba;
    }
    if (count > BigInt(this.limits.maxWriteSameBlocks)) {
      throw invalidCdbField(
        lengthField,
        `${count} blocks exceed MAXIMUM WRITE SAME LENGTH ${this.limits.maxWriteSameBlocks}`,
      );
    }
    this.checkRange(lba, count, cdbField(2));
    this.checkWritable();
    const bs = this.blockSize;
    let block: Buffer;
    if (d.ndob) {
      // SBC-4 5.50: NDOB=1 transfers no data; the block is all zeros.
      if (c.dataOut.length !== 0) throw invalidCommandInformationUnit('NDOB=1 with data-out');
      block = Buffer.alloc(bs);
    } else {
      if (c.dataOut.length !== bs) {
        throw invalidCommandInformationUnit(
          `WRITE SAME needs one ${bs}-byte block, got ${c.dataOut.length} bytes`,
        );
      }
      block = c.dataOut.subarray(0, bs);
    }
    const field = cdbField(2);
    // UNMAP with an all-zero block deallocates (LBPRZ=1): nothing is written, no write error.
    const deallocates = d.unmap && isAllZero(block);
    const bad = deallocates ? undefined : this.faults.firstBad(lba, count, 'write');
    const upTo = bad === undefined ? count : bad - lba;
    if (upTo > 0n)
      await this.io('write', field, () => this.store.writeSame(lba, upTo, block, { unmap: d.unmap }));
    if (bad !== undefined) throw mediumError('write', bad);
    return { status: STATUS_GOOD, dataOutLength: d.ndob ? 0 : bs };
  }

  private async unmap(c: CommandContext): Promise<LuResponse> {
    const d = decodeUnmap(c.cdb);
    if (d.anchor) throw invalidCdbField(1, 'ANCHOR not supported (ANC_SUP=0)', 0);
    // SBC-3 5.28: PARAMETER LIST LENGTH 0 is not an error; nothing is unmapped.
    if (d.parameterListLength === 0) return GOOD;
    const list = decodeUnmapParameterList(c.dataOut.subarray(0, d.parameterListLength));
    // SBC-3 5.28: limits from the Block Limits VPD page.
    if (list.descriptors.length > this.limits.maxUnmapDescriptors) {
      throw invalidParamField(
        2,
        `${list.descriptors.length} descriptors exceed MAXIMUM UNMAP BLOCK DESCRIPTOR COUNT ${this.limits.maxUnmapDescriptors}`,
      );
    }
    // The LBA count limit applies to the list as a whole, so it is checked before any range.
    let total = 0n;
    list.descriptors.forEach((u, i) => {
      total += BigInt(u.numberOfLogicalBlocks);
      if (total > BigInt(this.limits.maxUnmapLbaCount)) {
        throw invalidParamField(
          8 + 16 * i + 8,
          `more than MAXIMUM UNMAP LBA COUNT ${this.limits.maxUnmapLbaCount} blocks`,
        );
      }
    });
    const ranges: LbaRange[] = [];
    list.descriptors.forEach((u, i) => {
      const n = BigInt(u.numberOfLogicalBlocks);
      if (u.unmapLogicalBlockAddress + n > this.blockCount) {
        throw lbaOutOfRangeAt(
          { commandData: false, field: 8 + 16 * i },
          `${u.unmapLogicalBlockAddress}+${n} > ${this.blockCount}`,
        );
      }
      if (n > 0n) ranges.push({ lba: u.unmapLogicalBlockAddress, count: n });
    });
    this.checkWritable();
    if (ranges.length > 0)
      await this.io('write', { commandData: false, field: 8 }, () => this.store.unmap(ranges));
    return { status: STATUS_GOOD, dataOutLength: d.parameterListLength };
  }

  /**
   * GET LBA STATUS (SBC-3 5.7): the provisioning runs of the store from the starting LBA, each a
   * descriptor with PROVISIONING STATUS 0h mapped or 1h deallocated; SBC-3 header (bytes 4-7 zero).
   */
  private async getLbaStatus(c: CommandContext): Promise<LuResponse> {
    const d = decodeGetLbaStatus(c.cdb);
    const lba = d.startingLogicalBlockAddress;
    if (lba >= this.blockCount) throw lbaOutOfRangeAt(cdbField(2), `${lba} >= ${this.blockCount}`);
    if (d.allocationLength === 0) return { status: STATUS_GOOD, dataIn: Buffer.alloc(0) };
    const fit = Math.floor((d.allocationLength - 8) / 16);
    const maxDescriptors = Math.max(1, Math.min(MAX_LBA_STATUS_DESCRIPTORS, fit));
    const runs = await this.io('read', cdbField(2), () => this.store.lbaStatus(lba, { maxDescriptors }));
    const descriptors: LbaStatusDescriptor[] = runs.map((r) => ({
      lbaStatusLogicalBlockAddress: r.lba,
      numberOfLogicalBlocks: Number(r.count),
      provisioningStatus:
        r.state === 'mapped' ? PROVISIONING_STATUS.mappedOrUnknown : PROVISIONING_STATUS.deallocated,
      additionalStatus: 0,
    }));
    const data = encodeLbaStatusData({
      parameterDataLength: lbaStatusParameterDataLength(descriptors.length),
      completionCondition: 0,
      rtp: false,
      descriptors,
    });
    return goodData(data, d.allocationLength);
  }
}

// ---- factories ----------------------------------------------------------------------------------

/** A thin-provisioned RAM disk. */
export function createRamDisk(opts: RamDiskOptions): DiskDevice<RamBlockDevice> {
  const blockSize = opts.blockSize ?? 512;
  if (opts.sizeBytes <= 0 || opts.sizeBytes % blockSize !== 0) {
    throw new RangeError(`size ${opts.sizeBytes} must be a positive multiple of the block size ${blockSize}`);
  }
  const store = RamBlockDevice.create(blockSize, BigInt(opts.sizeBytes / blockSize));
  return new DiskDevice({ ...opts, store });
}

/**
 * A disk LU on a file-backed thin-provisioned store (emulator/disk). With `blockSize` and
 * `blockCount` the image is created when missing; read-only opens never create. The LU owns the
 * store: DiskDevice.close() closes it.
 */
export async function openFileDisk(opts: FileDiskOptions): Promise<DiskDevice<FileBlockStore>> {
  let store: FileBlockStore;
  if (opts.readOnly === true) {
    store = await FileBlockStore.open(opts.image, { readOnly: true });
  } else if (opts.blockSize !== undefined && opts.blockCount !== undefined) {
    store = await FileBlockStore.openOrCreate(opts.image, {
      blockSize: opts.blockSize,
      blockCount: opts.blockCount,
      chunkSize: opts.chunkSize,
      flushIntervalMs: opts.flushIntervalMs,
    });
  } else {
    store = await FileBlockStore.open(opts.image, { flushIntervalMs: opts.flushIntervalMs });
  }
  try {
    return new DiskDevice({ ...opts, store });
  } catch (e) {
    await store.close();
    throw e;
  }
}
