// Base class of every emulated device type: command dispatch through the device's opcode table,
// unit attentions per I_T nexus, CHECK CONDITION from SenseError, and the SPC commands all device
// types share (INQUIRY, TEST UNIT READY, REQUEST SENSE, MODE SENSE/SELECT, REPORT LUNS,
// REPORT SUPPORTED OPERATION CODES, PERSISTENT RESERVE IN).
import { SenseError, invalidCdbField, paramListLengthError, invalidParamField } from '../../cdb/errors';
import type { Logger } from '../log';
import { getLogger } from '../log';
import type { ItNexus, LogicalUnit, LuRequest, LuResponse } from '../lu';
import { CommandTable, type CommandContext, type OpcodeEntry } from './command-table';
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
  savingNotSupported,
  type ModePageDefinition,
  type PageControl,
} from './mode-pages';
import { decodeReportLunsCdb, reportLunsData } from './report-luns';
import { decodeRsocCdb, reportSupportedOperationCodes } from './report-opcodes';
import { checkCondition, encodeSenseData, senseOf, SenseKey, STATUS_GOOD, type SenseData } from './sense';
import {
  UA_BUS_DEVICE_RESET,
  UA_MODE_PARAMETERS_CHANGED,
  UnitAttentionTable,
  type UnitAttention,
} from './unit-attention';

/** Builds a whole VPD page (4-byte header included) for the nexus asking. */
export type VpdBuilder = (nexus: ItNexus | undefined) => Buffer;

export interface ScsiDeviceOptions {
  identity: LuIdentityConfig;
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
  protected readonly table = new CommandTable();
  protected readonly unitAttentions = new UnitAttentionTable();
  protected readonly modePages: ModePages;
  protected readonly log: Logger;
  private lunInventory: () => number[] = () => [0];

  protected constructor(
    opts: ScsiDeviceOptions,
    defaults: { product: string },
    modePages: ModePageDefinition[],
  ) {
    this.identity = makeIdentity(opts.identity, defaults);
    this.modePages = new ModePages(modePages);
    this.log = getLogger(`lu:${this.identity.id}`);
    this.registerSpcCommands();
  }

  // ---- hooks for device types -------------------------------------------------------------

  protected abstract versionDescriptors(): number[];

  protected removable(): boolean {
    return false;
  }

  protected thirdPartyCopy(): boolean {
    return false;
  }

  /** VPD pages beyond 00h/80h/83h, keyed by page code. */
  protected extraVpdPages(): Map<number, VpdBuilder> {
    return new Map();
  }

  /** DEVICE-SPECIFIC PARAMETER of the mode parameter header (SBC: WP, DPOFUA). */
  protected deviceSpecificParameter(): number {
    return 0;
  }

  /** Mode parameter block descriptors (SPC-4 7.5.5); none by default. */
  protected blockDescriptors(_longLba: boolean): Buffer {
    return Buffer.alloc(0);
  }

  /** MODE SELECT block descriptors: device types check them (default: none allowed). */
  protected selectBlockDescriptors(descriptors: Buffer, base: number, _longLba: boolean): void {
    if (descriptors.length > 0) throw invalidParamField(base, 'block descriptors not supported');
  }

  /** After a LU reset or target reset: device types clear their own state. */
  protected onReset(_kind: 'lu-reset' | 'target-warm-reset' | 'target-cold-reset'): void {}

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
      return await entry.handler(ctx);
    } catch (e) {
      return this.errorResponse(e, req);
    }
  }

  reset(kind: 'lu-reset' | 'target-warm-reset' | 'target-cold-reset'): void {
    this.modePages.reset();
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
    t.add({
      opcode: 0x00,
      name: 'TEST UNIT READY',
      cdbLength: 6,
      usage: [0x00, 0, 0, 0, 0, 0x04],
      handler: (ctx) => this.testUnitReady(ctx),
    });
    t.add({
      opcode: 0x03,
      name: 'REQUEST SENSE',
      cdbLength: 6,
      usage: [0x03, 0x01, 0, 0, 0xff, 0x04],
      skipsUnitAttention: true,
      handler: (ctx) => this.requestSense(ctx),
    });
    t.add({
      opcode: 0x12,
      name: 'INQUIRY',
      cdbLength: 6,
      usage: [0x12, 0x01, 0xff, 0xff, 0xff, 0x04],
      skipsUnitAttention: true,
      handler: (ctx) => this.inquiry(ctx),
    });
    t.add({
      opcode: 0x15,
      name: 'MODE SELECT(6)',
      cdbLength: 6,
      usage: [0x15, 0x11, 0, 0, 0xff, 0x04],
      handler: (ctx) => this.modeSelect(ctx, false),
    });
    t.add({
      opcode: 0x1a,
      name: 'MODE SENSE(6)',
      cdbLength: 6,
      usage: [0x1a, 0x08, 0xff, 0xff, 0xff, 0x04],
      handler: (ctx) => this.modeSense(ctx, false),
    });
    t.add({
      opcode: 0x55,
      name: 'MODE SELECT(10)',
      cdbLength: 10,
      usage: [0x55, 0x11, 0, 0, 0, 0, 0, 0xff, 0xff, 0x04],
      handler: (ctx) => this.modeSelect(ctx, true),
    });
    t.add({
      opcode: 0x5a,
      name: 'MODE SENSE(10)',
      cdbLength: 10,
      usage: [0x5a, 0x18, 0xff, 0xff, 0, 0, 0, 0xff, 0xff, 0x04],
      handler: (ctx) => this.modeSense(ctx, true),
    });
    for (const sa of [0x00, 0x01, 0x02, 0x03]) {
      t.add({
        opcode: 0x5e,
        serviceAction: sa,
        name: 'PERSISTENT RESERVE IN',
        cdbLength: 10,
        usage: [0x5e, 0x1f, 0, 0, 0, 0, 0, 0xff, 0xff, 0x04],
        handler: (ctx) => this.persistentReserveIn(ctx),
      });
    }
    t.add({
      opcode: 0xa0,
      name: 'REPORT LUNS',
      cdbLength: 12,
      usage: [0xa0, 0, 0xff, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0x04],
      skipsUnitAttention: true,
      handler: (ctx) => this.reportLuns(ctx),
    });
    t.add({
      opcode: 0xa3,
      serviceAction: 0x0c,
      name: 'REPORT SUPPORTED OPERATION CODES',
      cdbLength: 12,
      usage: [0xa3, 0x1f, 0x87, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x04],
      handler: (ctx) => this.reportOpcodes(ctx),
    });
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
    const bd = dbd ? Buffer.alloc(0) : this.blockDescriptors(llbaa);
    const dsp = this.deviceSpecificParameter();
    let header: Buffer;
    if (ten) {
      header = Buffer.alloc(8);
      header.writeUInt16BE(6 + bd.length + pages.length, 0);
      header[3] = dsp;
      header[4] = llbaa && bd.length > 0 ? 0x01 : 0x00;
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
    this.selectBlockDescriptors(data.subarray(headerLength, headerLength + bdLength), headerLength, longLba);
    const pagesStart = headerLength + bdLength;
    if (pagesStart < data.length && !pf) throw invalidCdbField(1, 'PF=0 with mode pages', 4);
    const changed = this.modePages.select(data.subarray(pagesStart), pagesStart);
    // SPC-4 7.5.1: other I_T nexuses learn that shared mode parameters changed.
    if (changed.length > 0) this.unitAttentions.establish(UA_MODE_PARAMETERS_CHANGED, ctx.nexus);
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

  /** PERSISTENT RESERVE IN (SPC-4 6.15): no reservations exist; report an empty state. */
  private persistentReserveIn(ctx: CommandContext): LuResponse {
    const sa = ctx.cdb[1] & 0x1f;
    const alloc = ctx.cdb.readUInt16BE(7);
    let data: Buffer;
    if (sa === 0x02) {
      // REPORT CAPABILITIES: LENGTH 8, no persistent reservation types supported.
      data = Buffer.alloc(8);
      data.writeUInt16BE(8, 0);
    } else {
      // READ KEYS / READ RESERVATION / READ FULL STATUS: PRGENERATION 0, ADDITIONAL LENGTH 0.
      data = Buffer.alloc(8);
    }
    return goodData(data, alloc);
  }
}
