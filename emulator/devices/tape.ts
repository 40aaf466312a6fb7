// Sequential-access device (SSC-4) over a virtual cartridge (emulator/tape): the tape drive LU of
// the emulated SAN. Variable and fixed block modes, filemarks, EOD, early warning and end of
// partition, SPACE/LOCATE/READ POSITION, LOAD UNLOAD with a hold position, ERASE, MAM through
// READ ATTRIBUTE, REPORT DENSITY SUPPORT, medium removal prevention, SPC-2 and persistent
// reservations. The changer (changer.ts) and the admin API load and unload cartridges with
// loadCartridge()/unloadCartridge() and inject faults with the public fault hooks.
import { invalidCdbField, invalidParamField, SenseError } from '../../cdb/errors';
import {
  decodeErase6,
  decodeLoadUnload,
  decodeLocate10,
  decodeLocate16,
  decodeRead6,
  decodeReadBlockLimits,
  decodeReadPosition,
  decodeReportDensitySupport,
  decodeRewind,
  decodeSpace16,
  decodeSpace6,
  decodeWrite6,
  decodeWriteFilemarks6,
  encodeReadBlockLimitsData,
  encodeReadBlockLimitsMloiData,
  encodeReadPositionExtended,
  encodeReadPositionLong,
  encodeReadPositionShort,
  LocateDestType,
  ReadPositionForm,
  SpaceCode,
} from '../../cdb/ssc';
import {
  Cartridge,
  CartridgeCorruptError,
  CartridgeIoError,
  EndOfPartitionError,
  WriteProtectedError,
  type LocateResult,
  type ReadResult,
} from '../tape';
import type { ItNexus, LuResponse } from '../lu';
import type { CommandContext, CommandHandler, EntryExtras } from './command-table';
import {
  GOOD,
  goodData,
  ScsiDevice,
  type BlockDescriptors,
  type ModeSelectContext,
  type ResetKind,
  type ScsiDeviceOptions,
  type VpdBuilder,
} from './device';
import { VersionDescriptor } from './inquiry';
import { controlFlags, controlModePage, NO_MODE_CHANGE, type ModeSelectChange } from './mode-pages';
import { accessClassOf, type AccessClass } from './reservations';
import { senseError, SenseKey, softwareWriteProtected, STATUS_GOOD, type SenseData } from './sense';
import { readAttributeData } from './tape-attributes';
import { densitySupportData, isSupportedDensity, mediumTypeData, type MediumDensity } from './tape-density';
import {
  BUFFERED_MODE,
  dataCompressionPage,
  deviceConfigurationPage,
  deviceConfigurationSwp,
  MAXIMUM_BLOCK_LENGTH,
  MINIMUM_BLOCK_LENGTH,
  tapeBlockDescriptor,
} from './tape-mode';
import { nexusKey, UA_MEDIUM_MAY_HAVE_CHANGED } from './unit-attention';

export const SEQUENTIAL_ACCESS_DEVICE = 0x01;

export interface TapeOptions extends ScsiDeviceOptions {
  /** Largest fixed-block READ/WRITE transfer in bytes (default 64 MiB); more is INVALID FIELD IN CDB. */
  maxTransferBytes?: number;
}

/**
 * Where the cartridge is: none; ejected (in the drive's mouth, not ready, 3A/00; a changer can
 * take it, LOAD reloads it); held (seated, MAM readable, not threaded: 04/02); loaded (ready).
 */
type Medium =
  | { state: 'empty' }
  | { state: 'ejected'; path: string }
  | { state: 'held'; cartridge: Cartridge }
  | { state: 'loaded'; cartridge: Cartridge };

export type MediumState = Medium['state'];

/** unloadCartridge() while an initiator prevents medium removal (PREVENT ALLOW MEDIUM REMOVAL). */
export class MediumRemovalPreventedError extends Error {
  constructor(id: string) {
    super(`${id}: medium removal is prevented`);
    this.name = 'MediumRemovalPreventedError';
  }
}

const DEFAULT_MAX_TRANSFER = 64 * 1024 * 1024;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const INT32_MIN = -(1n << 31n);

/** SSC access classes (SSC-4 table "SSC commands allowed in the presence of various reservations"). */
const SSC_ACCESS_CLASSES: Readonly<Record<number, AccessClass>> = {
  0x01: 'read', // REWIND
  0x05: 'any', // READ BLOCK LIMITS
  0x08: 'read', // READ(6)
  0x0a: 'write', // WRITE(6)
  0x10: 'write', // WRITE FILEMARKS(6)
  0x11: 'read', // SPACE(6)
  0x19: 'write', // ERASE(6)
  0x1b: 'write', // LOAD UNLOAD
  0x2b: 'read', // LOCATE(10)
  0x34: 'read', // READ POSITION
  0x44: 'read', // REPORT DENSITY SUPPORT
  0x91: 'read', // SPACE(16)
  0x92: 'read', // LOCATE(16)
};

function clampSafe(v: bigint): number {
  if (v > MAX_SAFE) return Number.MAX_SAFE_INTEGER;
  if (v < -MAX_SAFE) return -Number.MAX_SAFE_INTEGER;
  return Number(v);
}

function notReady(asc: number, ascq: number, what: string): SenseError {
  return senseError(SenseKey.NOT_READY, asc, ascq, what);
}

export class TapeDevice extends ScsiDevice {
  readonly deviceType = SEQUENTIAL_ACCESS_DEVICE;
  readonly maxTransferBytes: number;
  private medium: Medium = { state: 'empty' };
  /** Mode parameter block descriptor: BLOCK LENGTH (0 = variable-block mode). */
  private fixedBlockLength = 0;
  /** DENSITY CODE selected while no medium is mounted (0 = default). */
  private selectedDensity = 0;
  /** BUFFERED MODE of the mode parameter header (SSC-4 8.3.1). */
  private bufferedMode = BUFFERED_MODE;
  /** I_T nexuses that sent PREVENT ALLOW MEDIUM REMOVAL with PREVENT=01b. */
  private readonly preventers = new Set<string>();
  private earlyWarningAt: number | null = null;
  private endOfPartitionAt: number | null = null;
  private readonly mediumErrors = new Set<number>();

  constructor(opts: TapeOptions) {
    super(opts, { product: 'VIRTUAL LTO' }, [
      controlModePage(),
      dataCompressionPage(),
      deviceConfigurationPage(),
    ]);
    this.maxTransferBytes = opts.maxTransferBytes ?? DEFAULT_MAX_TRANSFER;
    this.registerSscCommands();
  }

  // ---- medium handling (changer, admin API) -----------------------------------------------------

  get mediumState(): MediumState {
    return this.medium.state;
  }

  /** The mounted cartridge (held or loaded), if any. */
  get cartridge(): Cartridge | undefined {
    const m = this.medium;
    return m.state === 'held' || m.state === 'loaded' ? m.cartridge : undefined;
  }

  /** Path of the cartridge in the drive, whatever its state. */
  get cartridgePath(): string | undefined {
    const m = this.medium;
    if (m.state === 'empty') return undefined;
    return m.state === 'ejected' ? m.path : m.cartridge.path;
  }

  /** Medium removal is prevented by at least one I_T nexus. */
  get removalPrevented(): boolean {
    return this.preventers.size > 0;
  }

  /**
   * Put an opened cartridge into the empty drive, rewound, and load it (or leave it at the hold
   * position). Every I_T nexus gets NOT READY TO READY CHANGE, MEDIUM MAY HAVE CHANGED (28/00).
   */
  loadCartridge(c: Cartridge, opts: { hold?: boolean } = {}): void {
    if (this.medium.state !== 'empty')
      throw new Error(`${this.identity.id}: the drive already holds a cartridge`);
    this.mount(c, opts.hold === true ? 'held' : 'loaded');
    this.unitAttentions.establish(UA_MEDIUM_MAY_HAVE_CHANGED);
  }

  /**
   * Take the cartridge out: rewind, sync and close it, and return its path. Refused with
   * MediumRemovalPreventedError while an initiator prevents medium removal, unless forced (an
   * operator's forced eject).
   */
  unloadCartridge(opts: { force?: boolean } = {}): string {
    const m = this.medium;
    if (m.state === 'empty') throw new Error(`${this.identity.id}: the drive is empty`);
    if (m.state !== 'ejected' && this.preventers.size > 0 && opts.force !== true) {
      throw new MediumRemovalPreventedError(this.identity.id);
    }
    const path = m.state === 'ejected' ? m.path : this.closeCartridge(m.cartridge);
    this.medium = { state: 'empty' };
    this.mediumErrors.clear();
    return path;
  }

  private mount(c: Cartridge, state: 'held' | 'loaded'): void {
    c.rewind();
    c.forceEarlyWarningAt(this.earlyWarningAt);
    c.forceEndOfPartitionAt(this.endOfPartitionAt);
    this.medium = { state, cartridge: c };
  }

  private closeCartridge(c: Cartridge): string {
    if (!c.closed) {
      c.rewind();
      c.close();
    }
    return c.path;
  }

  close(): Promise<void> {
    const c = this.cartridge;
    if (c !== undefined && !c.closed) c.close();
    return Promise.resolve();
  }

  // ---- fault hooks (SAN admin API) -----------------------------------------------------------------

  /** Report early warning at and after logical object `objectNumber` (null: off). Kept across loads. */
  forceEarlyWarningAt(objectNumber: number | null): void {
    this.earlyWarningAt = objectNumber;
    this.cartridge?.forceEarlyWarningAt(objectNumber);
  }

  /** No block fits at or after logical object `objectNumber` (null: off). Kept across loads. */
  forceEndOfPartitionAt(objectNumber: number | null): void {
    this.endOfPartitionAt = objectNumber;
    this.cartridge?.forceEndOfPartitionAt(objectNumber);
  }

  /** Reading logical object `objectNumber` of the mounted cartridge fails with 03/11/00. */
  injectMediumError(objectNumber: number): void {
    if (!Number.isSafeInteger(objectNumber) || objectNumber < 0)
      throw new RangeError(`object ${objectNumber}`);
    this.mediumErrors.add(objectNumber);
  }

  clearMediumErrors(): void {
    this.mediumErrors.clear();
  }

  /** Slide the write-protect tab of the mounted cartridge. */
  setWriteProtected(on: boolean): void {
    const c = this.cartridge;
    if (c === undefined) throw new Error(`${this.identity.id}: no cartridge mounted`);
    c.setWriteProtected(on);
  }

  /** Current mode: 0 = variable-block mode, else the fixed block length. */
  get blockLength(): number {
    return this.fixedBlockLength;
  }

  // ---- ScsiDevice hooks --------------------------------------------------------------------------

  protected versionDescriptors(): number[] {
    return [VersionDescriptor.SAM5, VersionDescriptor.ISCSI, VersionDescriptor.SPC4, VersionDescriptor.SSC4];
  }

  protected removable(): boolean {
    return true;
  }

  protected extraVpdPages(): Map<number, VpdBuilder> {
    // SSC-4 sequential-access device capabilities VPD page (B0h): WORM 0.
    const page = Buffer.from([this.deviceType, 0xb0, 0x00, 0x02, 0x00, 0x00]);
    return new Map([[0xb0, () => Buffer.from(page)]]);
  }

  protected accessClass(cdb: Buffer): AccessClass {
    return accessClassOf(cdb, SSC_ACCESS_CLASSES);
  }

  protected deviceSpecificParameter(): number {
    // SSC-4 8.3.1: WP (bit 7), BUFFERED MODE (bits 6-4), SPEED 0 (default).
    return (this.writeProtectReason() !== null ? 0x80 : 0) | (this.bufferedMode << 4);
  }

  /**
   * MODE SELECT header: BUFFERED MODE 0h-2h are stored (nothing stays buffered here, so they
   * all behave alike), 3h-7h are reserved; SPEED must be 0h (the default, the only speed); WP is
   * ignored on MODE SELECT (SSC-4 8.3.1).
   */
  protected selectDeviceSpecificParameter(value: number, ctx: ModeSelectContext): ModeSelectChange {
    const buffered = (value >> 4) & 0x07;
    if (buffered > 2) throw invalidParamField(ctx.offset, `BUFFERED MODE ${buffered}h is reserved`, 6);
    if ((value & 0x0f) !== 0) throw invalidParamField(ctx.offset, `SPEED ${value & 0x0f}h not supported`, 3);
    return {
      apply: () => {
        const changed = buffered !== this.bufferedMode;
        this.bufferedMode = buffered;
        return changed;
      },
    };
  }

  protected blockDescriptors(): BlockDescriptors {
    // Tape has only the 8-byte general descriptor, LLBAA or not (SSC-4 8.3.1).
    const c = this.cartridge;
    const density = c !== undefined ? c.info.densityCode : this.selectedDensity;
    return { descriptors: tapeBlockDescriptor(density, this.fixedBlockLength), longLba: false };
  }

  protected selectBlockDescriptors(descriptors: Buffer, ctx: ModeSelectContext): ModeSelectChange {
    const base = ctx.offset;
    if (descriptors.length === 0) return NO_MODE_CHANGE;
    if (ctx.longLba) throw invalidParamField(4, 'LONGLBA: tape has no long block descriptors', 0);
    if (descriptors.length !== 8)
      throw invalidParamField(base - 1, 'a tape drive takes one 8-byte block descriptor');
    const density = descriptors[0];
    const length = descriptors.readUIntBE(5, 3);
    const c = this.cartridge;
    // SSC-4 8.3.1: 00h selects the default density, 7Fh keeps the current one.
    if (density !== 0x00 && density !== 0x7f) {
      const ok = c !== undefined ? density === c.info.densityCode : isSupportedDensity(density);
      if (!ok) throw invalidParamField(base, `density code ${density.toString(16)}h not supported here`);
    }
    if (length !== 0 && (length < MINIMUM_BLOCK_LENGTH || length > MAXIMUM_BLOCK_LENGTH)) {
      throw invalidParamField(base + 5, `block length ${length} outside the block limits`);
    }
    return {
      apply: () => {
        const selected = density === 0x7f ? this.selectedDensity : density;
        const changed = selected !== this.selectedDensity || length !== this.fixedBlockLength;
        this.selectedDensity = selected;
        this.fixedBlockLength = length;
        return changed;
      },
    };
  }

  protected onReset(_kind: ResetKind): void {
    // Mode parameters go back to their defaults (SAM-5 6.3.3), so does the block descriptor and
    // the header's BUFFERED MODE; prevention ends. The position is kept (ROR=0).
    this.fixedBlockLength = 0;
    this.selectedDensity = 0;
    this.bufferedMode = BUFFERED_MODE;
    this.preventers.clear();
  }

  nexusLost(nexus: ItNexus): void {
    super.nexusLost(nexus);
    this.preventers.delete(nexusKey(nexus));
  }

  protected testUnitReady(_ctx: CommandContext): LuResponse {
    this.ready();
    return GOOD;
  }

  // ---- state checks --------------------------------------------------------------------------------

  /** The loaded cartridge, or NOT READY: 3A/00 without a medium, 04/02 at the hold position. */
  private ready(): Cartridge {
    const m = this.medium;
    if (m.state === 'loaded') return m.cartridge;
    if (m.state === 'held') throw notReady(0x04, 0x02, 'cartridge at the hold position: LOAD required');
    throw notReady(0x3a, 0x00, 'medium not present');
  }

  /** A cartridge seated in the drive (held or loaded), for MAM access. */
  private present(): Cartridge {
    const c = this.cartridge;
    if (c === undefined) throw notReady(0x3a, 0x00, 'medium not present');
    return c;
  }

  private writeProtectReason(): SenseError | null {
    const c = this.cartridge;
    if (c !== undefined && (c.writeProtected || c.readOnly)) {
      return new SenseError({ senseKey: SenseKey.DATA_PROTECT, asc: 0x27, ascq: 0x00 }, 'write protected');
    }
    if (controlFlags(this.modePages.get(0x0a)).swp || deviceConfigurationSwp(this.modePages.get(0x10))) {
      return softwareWriteProtected();
    }
    return null;
  }

  private writable(): Cartridge {
    const c = this.ready();
    const wp = this.writeProtectReason();
    if (wp !== null) throw wp;
    return c;
  }

  // ---- responses ----------------------------------------------------------------------------------

  /** INFORMATION for a signed residue, in the width of the current sense format. */
  private information(residue: bigint): bigint | undefined {
    if (this.descriptorSense()) return BigInt.asUintN(64, residue);
    if (residue < INT32_MIN || residue > 0xffffffffn) return undefined;
    return BigInt.asUintN(32, residue);
  }

  /** CHECK CONDITION with stream sense bits, a residue in INFORMATION and data-in, if any. */
  private streamCheck(s: SenseData, residue: bigint | undefined, dataIn?: Buffer): LuResponse {
    const info = residue === undefined ? undefined : this.information(residue);
    const r = this.sense(info === undefined ? s : { ...s, information: info });
    return dataIn !== undefined && dataIn.length > 0 ? { ...r, dataIn } : r;
  }

  // ---- command table --------------------------------------------------------------------------------

  private registerSscCommands(): void {
    const t = this.table;
    const long = { nominal: 0, recommended: 600 };
    const add = (name: string, usage: number[], handler: CommandHandler, extras: EntryExtras = {}): void => {
      t.command(name, usage, (c) => this.mapTapeErrors(c, handler), extras);
    };
    add('REWIND', [0x01, 0x01, 0, 0, 0, 0x04], (c) => this.rewind(c), { timeouts: long });
    add('READ BLOCK LIMITS', [0x05, 0x01, 0, 0, 0, 0x04], (c) => this.readBlockLimits(c));
    add('READ(6)', [0x08, 0x03, 0xff, 0xff, 0xff, 0x04], (c) => this.read6(c), { timeouts: long });
    add('WRITE(6)', [0x0a, 0x01, 0xff, 0xff, 0xff, 0x04], (c) => this.write6(c), { timeouts: long });
    add('WRITE FILEMARKS(6)', [0x10, 0x03, 0xff, 0xff, 0xff, 0x04], (c) => this.writeFilemarks(c), {
      timeouts: long,
    });
    add('SPACE(6)', [0x11, 0x0f, 0xff, 0xff, 0xff, 0x04], (c) => this.space6(c), { timeouts: long });
    add('ERASE(6)', [0x19, 0x03, 0, 0, 0, 0x04], (c) => this.erase(c), { timeouts: long });
    add('LOAD UNLOAD', [0x1b, 0x01, 0, 0, 0x0f, 0x04], (c) => this.loadUnload(c), { timeouts: long });
    add('PREVENT ALLOW MEDIUM REMOVAL', [0x1e, 0, 0, 0, 0x03, 0x04], (c) => this.preventAllow(c));
    add('LOCATE(10)', [0x2b, 0x07, 0, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0x04], (c) => this.locate10(c), {
      timeouts: long,
    });
    for (const sa of [
      ReadPositionForm.SHORT_BLOCK_ID,
      ReadPositionForm.SHORT_VENDOR_SPECIFIC,
      ReadPositionForm.LONG,
      ReadPositionForm.EXTENDED,
    ]) {
      add('READ POSITION', [0x34, 0x1f, 0, 0, 0, 0, 0, 0xff, 0xff, 0x04], (c) => this.readPosition(c), {
        serviceAction: sa,
      });
    }
    add('REPORT DENSITY SUPPORT', [0x44, 0x03, 0, 0, 0, 0, 0, 0xff, 0xff, 0x04], (c) =>
      this.reportDensitySupport(c),
    );
    for (const sa of [0x00, 0x01, 0x02, 0x03, 0x05]) {
      add(
        'READ ATTRIBUTE',
        [0x8c, 0x1f, 0xff, 0xff, 0, 0xff, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x04],
        (c) => this.readAttribute(c),
        { serviceAction: sa },
      );
    }
    add(
      'SPACE(16)',
      [0x91, 0x0f, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x04],
      (c) => this.space16(c),
      { timeouts: long },
    );
    add(
      'LOCATE(16)',
      [0x92, 0x3b, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0x04],
      (c) => this.locate16(c),
      { timeouts: long },
    );
  }

  /** Cartridge store errors as sense data (see emulator/tape/errors.ts). */
  private async mapTapeErrors(c: CommandContext, handler: CommandHandler): Promise<LuResponse> {
    try {
      return await handler(c);
    } catch (e) {
      if (e instanceof WriteProtectedError) {
        throw new SenseError({ senseKey: SenseKey.DATA_PROTECT, asc: 0x27, ascq: 0x00 }, e.message);
      }
      if (e instanceof CartridgeCorruptError) {
        // A damaged record: UNRECOVERED READ ERROR; a damaged cartridge: CANNOT READ MEDIUM.
        const ascq = e.objectNumber === undefined ? [0x30, 0x00] : [0x11, 0x00];
        throw new SenseError({ senseKey: SenseKey.MEDIUM_ERROR, asc: ascq[0], ascq: ascq[1] }, e.message);
      }
      if (e instanceof CartridgeIoError) {
        // The host file system failed a write or sync: WRITE ERROR.
        throw new SenseError({ senseKey: SenseKey.MEDIUM_ERROR, asc: 0x0c, ascq: 0x00 }, e.message);
      }
      throw e;
    }
  }

  // ---- READ / WRITE ---------------------------------------------------------------------------------

  /** The next object, or a medium error on a damaged or fault-injected object (position after it). */
  private readNext(c: Cartridge): ReadResult | { kind: 'error' } {
    const pos = c.position;
    if (pos < c.eod && this.mediumErrors.has(pos)) {
      c.locate(pos + 1);
      return { kind: 'error' };
    }
    try {
      return c.read();
    } catch (e) {
      if (!(e instanceof CartridgeCorruptError)) throw e;
      c.locate(pos + 1);
      return { kind: 'error' };
    }
  }

  private read6(ctx: CommandContext): LuResponse {
    const d = decodeRead6(ctx.cdb);
    const c = this.ready();
    if (!d.fixed) return this.readVariable(c, d.transferLength, d.sili);
    // SSC-4 6.4: FIXED=1 needs a fixed block length in the block descriptor.
    if (this.fixedBlockLength === 0) throw invalidCdbField(1, 'FIXED=1 in variable-block mode', 0);
    return this.readFixed(c, d.transferLength, this.fixedBlockLength);
  }

  private readVariable(c: Cartridge, length: number, sili: boolean): LuResponse {
    if (length === 0) return GOOD;
    const o = this.readNext(c);
    const requested = BigInt(length);
    switch (o.kind) {
      case 'error':
        return this.streamCheck({ senseKey: SenseKey.MEDIUM_ERROR, asc: 0x11, ascq: 0x00 }, requested);
      case 'eod':
        // SSC-4 READ(6) (6.4): EOD: BLANK CHECK, END-OF-DATA DETECTED; EOM only inside the early-warning zone.
        return this.streamCheck(
          { senseKey: SenseKey.BLANK_CHECK, asc: 0x00, ascq: 0x05, eom: c.earlyWarning },
          requested,
        );
      case 'filemark':
        return this.streamCheck(
          { senseKey: SenseKey.NO_SENSE, asc: 0x00, ascq: 0x01, filemark: true },
          requested,
        );
      default: {
        const actual = o.data.length;
        if (actual === length) return { status: STATUS_GOOD, dataIn: o.data };
        const residue = requested - BigInt(actual);
        if (actual < length) {
          // Short block: ILI with the positive residue, or GOOD with a data-in residual under SILI.
          if (sili) return { status: STATUS_GOOD, dataIn: o.data };
          return this.streamCheck(
            { senseKey: SenseKey.NO_SENSE, asc: 0, ascq: 0, ili: true },
            residue,
            o.data,
          );
        }
        // Long block: the first `length` bytes, position after the block. SSC-3 READ(6): SILI=1 also
        // hides the overlength condition in variable-block mode (block descriptor length 0).
        const head = o.data.subarray(0, length);
        if (sili && this.fixedBlockLength === 0) return { status: STATUS_GOOD, dataIn: head };
        return this.streamCheck({ senseKey: SenseKey.NO_SENSE, asc: 0, ascq: 0, ili: true }, residue, head);
      }
    }
  }

  private readFixed(c: Cartridge, count: number, blockLength: number): LuResponse {
    if (count === 0) return GOOD;
    if (count * blockLength > this.maxTransferBytes) {
      throw invalidCdbField(2, `${count} blocks of ${blockLength} bytes exceed ${this.maxTransferBytes}`);
    }
    const blocks: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      const o = this.readNext(c);
      // SSC-4 6.4: in fixed-block mode INFORMATION counts the blocks not transferred.
      const residue = BigInt(count - i);
      const data = (): Buffer => Buffer.concat(blocks);
      if (o.kind === 'error') {
        return this.streamCheck({ senseKey: SenseKey.MEDIUM_ERROR, asc: 0x11, ascq: 0x00 }, residue, data());
      }
      if (o.kind === 'eod') {
        return this.streamCheck(
          { senseKey: SenseKey.BLANK_CHECK, asc: 0x00, ascq: 0x05, eom: c.earlyWarning },
          residue,
          data(),
        );
      }
      if (o.kind === 'filemark') {
        return this.streamCheck(
          { senseKey: SenseKey.NO_SENSE, asc: 0x00, ascq: 0x01, filemark: true },
          residue,
          data(),
        );
      }
      if (o.data.length !== blockLength) {
        // Incorrect length: the block is passed over and not counted as read.
        return this.streamCheck({ senseKey: SenseKey.NO_SENSE, asc: 0, ascq: 0, ili: true }, residue, data());
      }
      blocks.push(o.data);
    }
    return { status: STATUS_GOOD, dataIn: Buffer.concat(blocks) };
  }

  private write6(ctx: CommandContext): LuResponse {
    const d = decodeWrite6(ctx.cdb);
    const c = this.ready();
    if (d.fixed && this.fixedBlockLength === 0) throw invalidCdbField(1, 'FIXED=1 in variable-block mode', 0);
    const blockLength = d.fixed ? this.fixedBlockLength : d.transferLength;
    const count = d.fixed ? d.transferLength : d.transferLength === 0 ? 0 : 1;
    const total = blockLength * count;
    if (total > this.maxTransferBytes) throw invalidCdbField(2, `transfer of ${total} bytes too large`);
    const wp = this.writeProtectReason();
    if (wp !== null) throw wp;
    if (count === 0) return GOOD;
    if (ctx.dataOut.length < total) {
      throw invalidCdbField(2, `data-out has ${ctx.dataOut.length} of ${total} bytes`);
    }
    const blocks: Buffer[] = [];
    for (let i = 0; i < count; i++) blocks.push(ctx.dataOut.subarray(i * blockLength, (i + 1) * blockLength));
    let earlyWarning: boolean;
    try {
      earlyWarning = c.writeBlocks(blocks).earlyWarning;
    } catch (e) {
      if (!(e instanceof EndOfPartitionError)) throw e;
      // SSC-4 early warning / end of partition: VOLUME OVERFLOW, EOM, 00/02; INFORMATION = blocks (fixed) or bytes not written.
      const notWritten = d.fixed ? e.blocksNotWritten : e.bytesNotWritten;
      return {
        ...this.streamCheck(
          { senseKey: SenseKey.VOLUME_OVERFLOW, asc: 0x00, ascq: 0x02, eom: true },
          BigInt(notWritten),
        ),
        dataOutLength: total,
      };
    }
    if (!earlyWarning) return { status: STATUS_GOOD, dataOutLength: total };
    // SEW=1: buffered data reaches the medium at early warning; the write itself succeeded.
    c.sync();
    return {
      ...this.streamCheck({ senseKey: SenseKey.NO_SENSE, asc: 0x00, ascq: 0x02, eom: true }, 0n),
      dataOutLength: total,
    };
  }

  private writeFilemarks(ctx: CommandContext): LuResponse {
    const d = decodeWriteFilemarks6(ctx.cdb);
    if (d.wsmk) throw invalidCdbField(1, 'setmarks are not supported', 1);
    const c = this.ready();
    // SSC-4 6.9: a zero count writes nothing and flushes buffered objects to the medium.
    if (d.filemarkCount === 0) {
      c.sync();
      return GOOD;
    }
    this.writable();
    const r = c.writeFilemarks(d.filemarkCount);
    if (!r.earlyWarning) return GOOD;
    return this.streamCheck({ senseKey: SenseKey.NO_SENSE, asc: 0x00, ascq: 0x02, eom: true }, 0n);
  }

  private erase(ctx: CommandContext): LuResponse {
    decodeErase6(ctx.cdb);
    // LONG=0 writes EOD at the position, LONG=1 erases to the end of the partition: both leave EOD here.
    this.writable().erase();
    return GOOD;
  }

  // ---- positioning --------------------------------------------------------------------------------

  private rewind(ctx: CommandContext): LuResponse {
    decodeRewind(ctx.cdb);
    this.ready().rewind();
    return GOOD;
  }

  private space6(ctx: CommandContext): LuResponse {
    const d = decodeSpace6(ctx.cdb);
    return this.space(d.code, BigInt(d.count));
  }

  private space16(ctx: CommandContext): LuResponse {
    const d = decodeSpace16(ctx.cdb);
    if (d.parameterLength !== 0) throw invalidCdbField(12, 'SPACE(16) takes no parameter list');
    return this.space(d.code, d.count);
  }

  private space(code: SpaceCode, count: bigint): LuResponse {
    const c = this.ready();
    if (code === SpaceCode.END_OF_DATA) {
      c.spaceToEod();
      return GOOD;
    }
    if (count === 0n) return GOOD;
    const n = clampSafe(count);
    const r =
      code === SpaceCode.LOGICAL_BLOCKS
        ? c.spaceBlocks(n)
        : code === SpaceCode.FILEMARKS
          ? c.spaceFilemarks(n)
          : c.spaceSequentialFilemarks(n);
    const residue = (count < 0n ? -count : count) - BigInt(r.moved);
    switch (r.stoppedAt) {
      case null:
        return GOOD;
      case 'filemark':
        // SSC-4 6.6: the filemark ends a block space; the position is past it in the direction
        // of travel and the residue does not count it.
        return this.streamCheck(
          { senseKey: SenseKey.NO_SENSE, asc: 0x00, ascq: 0x01, filemark: true },
          residue,
        );
      case 'eod':
        return this.streamCheck(
          { senseKey: SenseKey.BLANK_CHECK, asc: 0x00, ascq: 0x05, eom: c.earlyWarning },
          residue,
        );
      default:
        return this.streamCheck({ senseKey: SenseKey.NO_SENSE, asc: 0x00, ascq: 0x04, eom: true }, residue);
    }
  }

  private locate10(ctx: CommandContext): LuResponse {
    const d = decodeLocate10(ctx.cdb);
    if (d.cp && d.partition !== 0) throw invalidCdbField(8, `partition ${d.partition} does not exist`);
    // BT=1 (vendor-specific block address) is the logical object identifier on this drive.
    return this.located(this.ready().locate(d.logicalObjectIdentifier));
  }

  private locate16(ctx: CommandContext): LuResponse {
    const d = decodeLocate16(ctx.cdb);
    if (d.cp && d.partition !== 0) throw invalidCdbField(3, `partition ${d.partition} does not exist`);
    const c = this.ready();
    const id = clampSafe(d.logicalIdentifier);
    if (d.destType === LocateDestType.END_OF_DATA) {
      c.spaceToEod();
      return GOOD;
    }
    return this.located(d.destType === LocateDestType.LOGICAL_FILE ? c.locateFile(id) : c.locate(id));
  }

  /** SSC-4 LOCATE(10)/(16): a destination beyond EOD leaves the position at EOD with BLANK CHECK, 00/05. */
  private located(r: LocateResult): LuResponse {
    if (r.stoppedAt === null) return GOOD;
    return this.streamCheck(
      { senseKey: SenseKey.BLANK_CHECK, asc: 0x00, ascq: 0x05, eom: this.ready().earlyWarning },
      undefined,
    );
  }

  private readPosition(ctx: CommandContext): LuResponse {
    const d = decodeReadPosition(ctx.cdb);
    const p = this.ready().positionInfo();
    const object = BigInt(p.objectNumber);
    if (d.serviceAction === ReadPositionForm.LONG) {
      return goodData(
        encodeReadPositionLong({
          bop: p.bop,
          eop: p.earlyWarning,
          mpu: false,
          lonu: false,
          bpew: false,
          partitionNumber: p.partition,
          logicalObjectNumber: object,
          logicalFileIdentifier: BigInt(p.fileNumber),
          logicalSetIdentifier: 0n,
        }),
        32,
      );
    }
    const common = {
      bop: p.bop,
      eop: p.earlyWarning,
      // Nothing stays buffered: the counts are known (zero) and so is the position.
      locu: false,
      bycu: false,
      lolu: false,
      bpew: false,
      partitionNumber: p.partition,
      numberOfLogicalObjectsInObjectBuffer: 0,
    };
    if (d.serviceAction === ReadPositionForm.EXTENDED) {
      const data = encodeReadPositionExtended({
        ...common,
        perr: false,
        firstLogicalObjectLocation: object,
        lastLogicalObjectLocation: object,
        numberOfBytesInObjectBuffer: 0n,
      });
      return goodData(data, d.allocationLength);
    }
    // Short form: 32-bit locations; PERR when the position does not fit (SSC-4 7.7).
    const perr = object > 0xffffffffn;
    return goodData(
      encodeReadPositionShort({
        ...common,
        perr,
        firstLogicalObjectLocation: perr ? 0 : p.objectNumber,
        lastLogicalObjectLocation: perr ? 0 : p.objectNumber,
        numberOfBytesInObjectBuffer: 0,
      }),
      20,
    );
  }

  // ---- medium state -----------------------------------------------------------------------------------

  private loadUnload(ctx: CommandContext): LuResponse {
    const d = decodeLoadUnload(ctx.cdb);
    const m = this.medium;
    if (m.state === 'empty') throw notReady(0x3a, 0x00, 'medium not present');
    if (d.load) {
      // LOAD (RETEN: the retension pass is instantaneous here): threaded and at BOP. HOLD=1
      // only seats the cartridge: a loaded one stays loaded.
      if (m.state === 'ejected') {
        this.mount(Cartridge.open(m.path), d.hold ? 'held' : 'loaded');
        this.unitAttentions.establish(UA_MEDIUM_MAY_HAVE_CHANGED, ctx.nexus);
      } else if (m.state === 'held' && !d.hold) {
        this.medium = { state: 'loaded', cartridge: m.cartridge };
        this.unitAttentions.establish(UA_MEDIUM_MAY_HAVE_CHANGED, ctx.nexus);
      }
      this.cartridge?.rewind();
      return GOOD;
    }
    // An ejected cartridge sits in the loadable position: nothing to unload (NOT READY, as drives do).
    if (m.state === 'ejected') throw notReady(0x3a, 0x00, 'medium not loaded');
    if (d.hold) {
      // Unthread to the hold position: MAM stays readable, the cartridge stays in the drive.
      m.cartridge.rewind();
      m.cartridge.sync();
      this.medium = { state: 'held', cartridge: m.cartridge };
      return GOOD;
    }
    if (this.preventers.size > 0) {
      throw new SenseError(
        { senseKey: SenseKey.ILLEGAL_REQUEST, asc: 0x53, ascq: 0x02 },
        'medium removal prevented',
      );
    }
    // Unload: rewind (EOT=1 would leave the tape at the end; the emulation does not care where
    // the tape stops) and eject; the changer or operator takes it from the drive's mouth.
    this.medium = { state: 'ejected', path: this.closeCartridge(m.cartridge) };
    this.mediumErrors.clear();
    return GOOD;
  }

  private preventAllow(ctx: CommandContext): LuResponse {
    const prevent = ctx.cdb[4] & 0x03;
    // SSC-4 (PREVENT ALLOW MEDIUM REMOVAL for tape): PREVENT 10b/11b (medium changer controls) are not defined for a tape drive.
    if (prevent > 1) throw invalidCdbField(4, `PREVENT ${prevent.toString(2)}b`, 1);
    if (prevent === 1) this.preventers.add(nexusKey(ctx.nexus));
    else this.preventers.delete(nexusKey(ctx.nexus));
    return GOOD;
  }

  // ---- information -------------------------------------------------------------------------------------

  private readBlockLimits(ctx: CommandContext): LuResponse {
    const d = decodeReadBlockLimits(ctx.cdb);
    if (d.mloi) {
      this.ready();
      return {
        status: STATUS_GOOD,
        dataIn: encodeReadBlockLimitsMloiData({ maximumLogicalObjectIdentifier: MAX_SAFE }),
      };
    }
    // No ALLOCATION LENGTH: the 6 bytes go out whole (the transport cuts to its expected length).
    const data = encodeReadBlockLimitsData({
      granularity: 0,
      maximumBlockLengthLimit: MAXIMUM_BLOCK_LENGTH,
      minimumBlockLengthLimit: MINIMUM_BLOCK_LENGTH,
    });
    return { status: STATUS_GOOD, dataIn: data };
  }

  private reportDensitySupport(ctx: CommandContext): LuResponse {
    const d = decodeReportDensitySupport(ctx.cdb);
    let medium: MediumDensity | undefined;
    if (d.media) {
      const c = this.present();
      medium = { densityCode: c.info.densityCode, capacityBytes: c.info.capacityBytes };
    }
    const data = d.mediumType ? mediumTypeData(medium) : densitySupportData(medium);
    return goodData(data, d.allocationLength);
  }

  private readAttribute(ctx: CommandContext): LuResponse {
    const c = this.present();
    const { data, allocationLength } = readAttributeData(ctx.cdb, c.mamAttributes());
    return goodData(data, allocationLength);
  }
}
