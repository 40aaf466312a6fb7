// Base class of every emulated device type: command dispatch through the device's opcode table,
// unit attentions per I_T nexus, the access check (RESERVATION CONFLICT) before every command,
// CHECK CONDITION from SenseError, the SPC commands all device types share (INQUIRY, TEST UNIT
// READY, REQUEST SENSE, MODE SENSE/SELECT, REPORT LUNS, REPORT SUPPORTED OPERATION CODES,
// RESERVE/RELEASE, PERSISTENT RESERVE IN/OUT) and, when asked, a hosted copy manager (EXTENDED
// COPY, RECEIVE COPY RESULTS, 3PC=1, VPD page 8Fh).
import { SenseError, invalidCdbField, paramListLengthError, invalidParamField } from '../../cdb/errors';
import type { Logger } from '../log';
import { getLogger } from '../log';
import type { ItNexus, LogicalUnit, LuRequest, LuResponse } from '../lu';
import type { CopyManager } from '../mover/copy-manager';
import { CommandTable, type AccessCheck, type CommandContext, type OpcodeEntry } from './command-table';
import { makeIdentity, type LuIdentity, type LuIdentityConfig } from './identity';
import {
  decodeInquiryCdb,
  deviceIdentification,
  standardInquiry,
  supportedVpdPages,
  unitSerialNumber,
  vpdPage,
} from './inquiry';
import {
  controlFlags,
  ModePages,
  NO_MODE_CHANGE,
  savingNotSupported,
  type ModePageDefinition,
  type ModeSelectChange,
  type PageControl,
} from './mode-pages';
import { decodeReportLunsCdb, reportLunsData } from './report-luns';
import { decodeRsocCdb, reportSupportedOperationCodes } from './report-opcodes';
import {
  accessClassOf,
  reservationCheck,
  reservationCommands,
  Reservations,
  type AccessClass,
} from './reservations';
import { checkCondition, encodeSenseData, senseOf, SenseKey, STATUS_GOOD, type SenseData } from './sense';
import {
  UA_BUS_DEVICE_RESET,
  UA_MODE_PARAMETERS_CHANGED,
  UA_REPORTED_LUNS_CHANGED,
  UnitAttentionTable,
  type UnitAttention,
} from './unit-attention';

/** Builds a whole VPD page (4-byte header included) for the nexus asking. */
export type VpdBuilder = (nexus: ItNexus | undefined) => Buffer;

export type ResetKind = 'lu-reset' | 'target-warm-reset' | 'target-cold-reset';

export interface ScsiDeviceOptions {
  identity: LuIdentityConfig;
  /**
   * Make the LU a copy manager: the factory builds the CopyManager for this LU (its `self`), and
   * the LU registers EXTENDED COPY and RECEIVE COPY RESULTS, reports 3PC=1 and VPD page 8Fh, and
   * resets the copy manager and tells it of lost nexuses with the LU.
   */
  hostCopyManager?: (lu: ScsiDevice) => CopyManager;
}

/** Mode parameter block descriptors for MODE SENSE (SPC-4 7.5.5) and whether they are long LBA ones. */
export interface BlockDescriptors {
  descriptors: Buffer;
  /** LONGLBA of the MODE SENSE(10) header: 16-byte descriptors (only with LLBAA=1). */
  longLba: boolean;
}

/** Where a part of a MODE SELECT parameter list sits and who sent it. */
export interface ModeSelectContext {
  nexus: ItNexus;
  /** Offset of the part in the parameter list (field pointers). */
  offset: number;
  /** LONGLBA of the MODE SELECT(10) header. */
  longLba: boolean;
}

/** GOOD with data-in cut to the allocation length (SPC-4 4.2.5.6). */
export function goodData(data: Buffer, allocationLength: number): LuResponse {
  return {
    status: STATUS_GOOD,
    dataIn: data.length > allocationLength ? data.subarray(0, allocationLength) : data,
  };
}

export const GOOD: LuResponse = Object.freeze({ status: STATUS_GOOD });

export abstract class ScsiDevice implements LogicalUnit {
  abstract readonly deviceType: number;
  readonly identity: LuIdentity;
  /** SPC-2 and persistent reservations (admin API: bind third-party device ids here). */
  readonly reservations: Reservations;
  /** The copy manager this LU hosts (ScsiDeviceOptions.hostCopyManager), if any. */
  readonly copyManager: CopyManager | undefined;
  protected readonly table = new CommandTable();
  protected readonly unitAttentions = new UnitAttentionTable();
  protected readonly modePages: ModePages;
  protected readonly log: Logger;
  private readonly accessChecks: AccessCheck[] = [];
  /** What the base class resets and tells of lost nexuses (a subclass may shadow `copyManager`). */
  private readonly hosted: CopyManager | undefined;
  private lunInventory: () => number[] = () => [0];

  protected constructor(
    opts: ScsiDeviceOptions,
    defaults: { product: string },
    modePages: ModePageDefinition[],
  ) {
    this.identity = makeIdentity(opts.identity, defaults);
    this.modePages = new ModePages(modePages);
    this.log = getLogger(`lu:${this.identity.id}`);
    this.reservations = new Reservations(this.unitAttentions);
    this.registerSpcCommands();
    for (const e of reservationCommands(this.reservations)) this.table.add(e);
    this.addAccessCheck(reservationCheck(this.reservations, (cdb) => this.accessClass(cdb)));
    this.hosted = opts.hostCopyManager?.(this);
    this.copyManager = this.hosted;
    for (const e of this.hosted?.opcodeEntries() ?? []) this.table.add(e);
  }

  // ---- hooks for device types -------------------------------------------------------------

  protected abstract versionDescriptors(): number[];

  protected removable(): boolean {
    return false;
  }

  /** 3PC of the standard INQUIRY data: the LU hosts a copy manager. */
  protected thirdPartyCopy(): boolean {
    return this.hosted !== undefined;
  }

  /**
   * Access class of a CDB in the presence of reservations: the SPC rows (reservations.ts) and
   * those of the device type's command set, which device types add by overriding this.
   */
  protected accessClass(cdb: Buffer): AccessClass {
    return accessClassOf(cdb, {});
  }

  /** Add a step to the access check every command passes after the unit attention check. */
  protected addAccessCheck(check: AccessCheck): void {
    this.accessChecks.push(check);
  }

  /** The first access check step that stops the command (RESERVATION CONFLICT...), if any. */
  protected checkAccess(entry: OpcodeEntry, ctx: CommandContext): LuResponse | undefined {
    for (const check of this.accessChecks) {
      const r = check(entry, ctx);
      if (r !== undefined) return r;
    }
    return undefined;
  }

  /** VPD pages beyond 00h/80h/83h, keyed by page code. */
  protected extraVpdPages(): Map<number, VpdBuilder> {
    return new Map();
  }

  /** DEVICE-SPECIFIC PARAMETER of the MODE SENSE header (SBC: WP, DPOFUA; SSC: WP, BUFFERED MODE). */
  protected deviceSpecificParameter(): number {
    return 0;
  }

  /**
   * DEVICE-SPECIFIC PARAMETER of the MODE SELECT header: check it and say what applying it changes.
   * By default it is ignored (SBC-3 6.4.1: WP and DPOFUA are ignored or reserved for MODE SELECT).
   */
  protected selectDeviceSpecificParameter(_value: number, _ctx: ModeSelectContext): ModeSelectChange {
    return NO_MODE_CHANGE;
  }

  /**
   * Mode parameter block descriptors (SPC-4 7.5.5); none by default. `llbaa` (MODE SENSE(10)
   * LLBAA=1) allows long LBA descriptors; the answer says whether they are long.
   */
  protected blockDescriptors(_llbaa: boolean): BlockDescriptors {
    return { descriptors: Buffer.alloc(0), longLba: false };
  }

  /**
   * MODE SELECT block descriptors: check them and say what applying them changes (a change of
   * the block length tells the other nexuses MODE PARAMETERS CHANGED). Default: none allowed.
   */
  protected selectBlockDescriptors(descriptors: Buffer, ctx: ModeSelectContext): ModeSelectChange {
    if (descriptors.length > 0) throw invalidParamField(ctx.offset, 'block descriptors not supported');
    return NO_MODE_CHANGE;
  }

  /** After a LU reset or target reset: device types clear their own state. */
  protected onReset(_kind: ResetKind): void {}

  // ---- LogicalUnit --------------------------------------------------------------------------

  /** Where REPORT LUNS gets its list when the LU answers it itself. */
  setLunInventory(inventory: () => number[]): void {
    this.lunInventory = inventory;
  }

  /** Sense in descriptor format when the control mode page's D_SENSE bit is set. */
  descriptorSense(): boolean {
    return controlFlags(this.modePages.get(0x0a)).dSense;
  }

  /** The opcode table (REPORT SUPPORTED OPERATION CODES, the target layer, tests). */
  commands(): OpcodeEntry[] {
    return this.table.all();
  }

  /** Pending unit attentions of a nexus (diagnostics and tests). */
  pendingUnitAttentions(nexus: ItNexus): UnitAttention[] {
    return this.unitAttentions.list(nexus);
  }

  /** The target's LUN inventory changed: REPORTED LUNS DATA HAS CHANGED (3Fh/0Eh) for every nexus. */
  reportedLunsChanged(): void {
    this.unitAttentions.establish(UA_REPORTED_LUNS_CHANGED);
  }

  async execute(req: LuRequest): Promise<LuResponse> {
    try {
      let entry: OpcodeEntry | undefined;
      let lookupError: unknown;
      try {
        entry = this.table.lookup(req.cdb);
      } catch (e) {
        lookupError = e;
      }
      // SPC-4 5.14 (UA_INTLCK_CTRL 00b): every command except INQUIRY, REPORT LUNS and
      // REQUEST SENSE reports a pending unit attention instead of executing.
      if (entry?.skipsUnitAttention !== true) {
        const ua = this.unitAttentions.take(req.nexus);
        if (ua !== undefined) return this.unitAttentionResponse(ua);
      } else {
        this.unitAttentions.peek(req.nexus);
      }
      if (entry === undefined) throw lookupError;
      if (req.cdb.length < entry.cdbLength) {
        throw invalidCdbField(req.cdb.length - 1, `${entry.name} needs a ${entry.cdbLength}-byte CDB`);
      }
      const cdb = req.cdb.length > entry.cdbLength ? req.cdb.subarray(0, entry.cdbLength) : req.cdb;
      // SAM-5 5.3: NACA=1 needs ACA support, which these device servers do not have.
      if ((cdb[cdb.length - 1] & 0x04) !== 0) throw invalidCdbField(cdb.length - 1, 'NACA not supported', 2);
      const ctx: CommandContext = {
        cdb,
        dataOut: req.dataOut ?? Buffer.alloc(0),
        nexus: req.nexus,
        request: req,
      };
      return this.checkAccess(entry, ctx) ?? (await entry.handler(ctx));
    } catch (e) {
      return this.errorResponse(e, req);
    }
  }

  reset(kind: ResetKind): void {
    this.modePages.reset();
    this.reservations.reset(kind);
    this.hosted?.reset();
    this.onReset(kind);
    if (kind === 'target-cold-reset') {
      // Power-on equivalent: every nexus starts over with POWER ON, RESET (29h/00h).
      this.unitAttentions.forgetAll();
    } else {
      this.unitAttentions.establish(UA_BUS_DEVICE_RESET);
    }
  }

  nexusLost(nexus: ItNexus): void {
    this.unitAttentions.forget(nexus);
    this.reservations.nexusLost(nexus);
    this.hosted?.nexusLost(nexus);
  }

  // ---- responses ------------------------------------------------------------------------------

  protected sense(s: SenseData): LuResponse {
    return checkCondition(s, this.descriptorSense());
  }

  private unitAttentionResponse(ua: UnitAttention): LuResponse {
    return this.sense({ senseKey: SenseKey.UNIT_ATTENTION, asc: ua.asc, ascq: ua.ascq });
  }

  private errorResponse(e: unknown, req: LuRequest): LuResponse {
    if (e instanceof SenseError) return this.sense(senseOf(e));
    this.log.error(
      `internal error on CDB ${req.cdb.toString('hex')}: ${e instanceof Error ? e.stack : String(e)}`,
    );
    // SPC-4: 04h/44h/00h INTERNAL TARGET FAILURE.
    return this.sense({ senseKey: SenseKey.HARDWARE_ERROR, asc: 0x44, ascq: 0x00 });
  }

  // ---- SPC commands -----------------------------------------------------------------------------

  private registerSpcCommands(): void {
    const t = this.table;
    // SPC-4 5.14: INQUIRY, REPORT LUNS and REQUEST SENSE run while a unit attention is pending.
    const skipUa = { skipsUnitAttention: true };
    t.command('TEST UNIT READY', [0x00, 0, 0, 0, 0, 0x04], (c) => this.testUnitReady(c));
    t.command('REQUEST SENSE', [0x03, 0x01, 0, 0, 0xff, 0x04], (c) => this.requestSense(c), skipUa);
    t.command('INQUIRY', [0x12, 0x01, 0xff, 0xff, 0xff, 0x04], (c) => this.inquiry(c), skipUa);
    t.command('MODE SELECT(6)', [0x15, 0x11, 0, 0, 0xff, 0x04], (c) => this.modeSelect(c, false));
    t.command('MODE SENSE(6)', [0x1a, 0x08, 0xff, 0xff, 0xff, 0x04], (c) => this.modeSense(c, false));
    t.command('MODE SELECT(10)', [0x55, 0x11, 0, 0, 0, 0, 0, 0xff, 0xff, 0x04], (c) =>
      this.modeSelect(c, true),
    );
    t.command('MODE SENSE(10)', [0x5a, 0x18, 0xff, 0xff, 0, 0, 0, 0xff, 0xff, 0x04], (c) =>
      this.modeSense(c, true),
    );
    t.command(
      'REPORT LUNS',
      [0xa0, 0, 0xff, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0x04],
      (c) => this.reportLuns(c),
      skipUa,
    );
    t.command(
      'REPORT SUPPORTED OPERATION CODES',
      [0xa3, 0x1f, 0x87, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x04],
      (c) => this.reportOpcodes(c),
      { serviceAction: 0x0c },
    );
  }

  protected testUnitReady(_ctx: CommandContext): LuResponse {
    return GOOD;
  }

  private requestSense(ctx: CommandContext): LuResponse {
    const desc = (ctx.cdb[1] & 0x01) !== 0;
    const alloc = ctx.cdb[4];
    const ua = this.unitAttentions.take(ctx.nexus);
    // SPC-4 6.39: the pending unit attention is returned (and cleared) as parameter data.
    const s: SenseData =
      ua !== undefined
        ? { senseKey: SenseKey.UNIT_ATTENTION, asc: ua.asc, ascq: ua.ascq }
        : { senseKey: SenseKey.NO_SENSE, asc: 0, ascq: 0 };
    return goodData(encodeSenseData(s, desc), alloc);
  }

  private inquiry(ctx: CommandContext): LuResponse {
    const { evpd, pageCode, allocationLength } = decodeInquiryCdb(ctx.cdb);
    if (!evpd) {
      const data = standardInquiry({
        deviceType: this.deviceType,
        removable: this.removable(),
        identity: this.identity,
        versionDescriptors: this.versionDescriptors(),
        thirdPartyCopy: this.thirdPartyCopy(),
      });
      return goodData(data, allocationLength);
    }
    const pages = this.vpdPages();
    const build = pages.get(pageCode);
    if (build === undefined) throw invalidCdbField(2, `VPD page ${pageCode.toString(16)}h not supported`);
    return goodData(build(ctx.nexus), allocationLength);
  }

  private vpdPages(): Map<number, VpdBuilder> {
    const pages = new Map<number, VpdBuilder>();
    const t = this.deviceType;
    pages.set(0x80, () => vpdPage(t, 0x80, unitSerialNumber(this.identity)));
    pages.set(0x83, (nexus) => vpdPage(t, 0x83, deviceIdentification(this.identity, nexus)));
    const cm = this.hosted;
    // The Third-party Copy VPD page (8Fh) of a copy manager.
    if (cm !== undefined) pages.set(0x8f, () => cm.vpdPage8f(t));
    for (const [code, b] of this.extraVpdPages()) pages.set(code, b);
    const codes = [...pages.keys()];
    pages.set(0x00, () => vpdPage(t, 0x00, supportedVpdPages(codes)));
    return pages;
  }

  private modeSense(ctx: CommandContext, ten: boolean): LuResponse {
    const cdb = ctx.cdb;
    const dbd = (cdb[1] & 0x08) !== 0;
    const llbaa = ten && (cdb[1] & 0x10) !== 0;
    const pc = cdb[2] >> 6;
    const pageCode = cdb[2] & 0x3f;
    const subpage = cdb[3];
    const alloc = ten ? cdb.readUInt16BE(7) : cdb[4];
    if (pc === 3) throw savingNotSupported(2, 7);
    const control: PageControl = pc === 0 ? 'current' : pc === 1 ? 'changeable' : 'default';
    if (pageCode !== 0x3f && !this.modePages.has(pageCode)) {
      throw invalidCdbField(2, `mode page ${pageCode.toString(16)}h not supported`, 5);
    }
    // Only subpage 00h exists; 3Fh/FFh (all pages and subpages) is the same as 3Fh/00h.
    if (subpage !== 0 && !(pageCode === 0x3f && subpage === 0xff)) {
      throw invalidCdbField(3, `subpage ${subpage.toString(16)}h not supported`);
    }
    const pages = this.modePages.sense(pageCode, control);
    const { descriptors: bd, longLba } = dbd
      ? { descriptors: Buffer.alloc(0), longLba: false }
      : this.blockDescriptors(llbaa);
    const dsp = this.deviceSpecificParameter();
    let header: Buffer;
    if (ten) {
      header = Buffer.alloc(8);
      header.writeUInt16BE(6 + bd.length + pages.length, 0);
      header[3] = dsp;
      header[4] = longLba && bd.length > 0 ? 0x01 : 0x00;
      header.writeUInt16BE(bd.length, 6);
    } else {
      header = Buffer.alloc(4);
      header[0] = Math.min(255, 3 + bd.length + pages.length);
      header[2] = dsp;
      header[3] = bd.length;
    }
    return goodData(Buffer.concat([header, bd, pages]), alloc);
  }

  private modeSelect(ctx: CommandContext, ten: boolean): LuResponse {
    const cdb = ctx.cdb;
    const pf = (cdb[1] & 0x10) !== 0;
    const sp = (cdb[1] & 0x01) !== 0;
    const listLength = ten ? cdb.readUInt16BE(7) : cdb[4];
    // SPC-4 6.13: SP=1 asks to save pages, which these devices cannot.
    if (sp) throw invalidCdbField(1, 'saving pages not supported', 0);
    if (listLength === 0) return GOOD;
    if (ctx.dataOut.length < listLength)
      throw paramListLengthError(`got ${ctx.dataOut.length} of ${listLength} bytes`);
    const data = ctx.dataOut.subarray(0, listLength);
    const headerLength = ten ? 8 : 4;
    if (data.length < headerLength) throw paramListLengthError('mode parameter header truncated');
    const bdLength = ten ? data.readUInt16BE(6) : data[3];
    if (headerLength + bdLength > data.length) throw paramListLengthError('block descriptors truncated');
    const longLba = ten && (data[4] & 0x01) !== 0;
    // Every part is checked before any is applied: an error anywhere leaves everything as it was.
    const dspOffset = ten ? 3 : 2;
    const changes = [
      this.selectDeviceSpecificParameter(data[dspOffset], { nexus: ctx.nexus, offset: dspOffset, longLba }),
      this.selectBlockDescriptors(data.subarray(headerLength, headerLength + bdLength), {
        nexus: ctx.nexus,
        offset: headerLength,
        longLba,
      }),
    ];
    const pagesStart = headerLength + bdLength;
    if (pagesStart < data.length && !pf) throw invalidCdbField(1, 'PF=0 with mode pages', 4);
    changes.push(this.modePages.select(data.subarray(pagesStart), pagesStart));
    let changed = false;
    for (const c of changes) changed = c.apply() || changed;
    // SPC-4 7.5.1: other I_T nexuses learn that shared mode parameters changed.
    if (changed) this.unitAttentions.establish(UA_MODE_PARAMETERS_CHANGED, ctx.nexus);
    return GOOD;
  }

  private reportLuns(ctx: CommandContext): LuResponse {
    const r = decodeReportLunsCdb(ctx.cdb);
    return goodData(reportLunsData(this.lunInventory(), r.selectReport), r.allocationLength);
  }

  private reportOpcodes(ctx: CommandContext): LuResponse {
    const r = decodeRsocCdb(ctx.cdb);
    return goodData(reportSupportedOperationCodes(this.table, r), r.allocationLength);
  }
}
