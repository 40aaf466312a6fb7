// The opcode table of a device type (one per device module, like tgt's device types): each entry
// names the command, its CDB length and CDB USAGE DATA (for REPORT SUPPORTED OPERATION CODES)
// and the handler. Opcodes with service actions register one entry per service action.
import { invalidCdbField, invalidOpcode } from '../../cdb/errors';
import type { ItNexus, LuRequest, LuResponse } from '../lu';

export interface CommandContext {
  /** The CDB cut to the command's length (iSCSI pads CDBs to 16 bytes). */
  cdb: Buffer;
  /** Data-out from the initiator; empty when none. May be shorter than the CDB asks for. */
  dataOut: Buffer;
  nexus: ItNexus;
  request: LuRequest;
}

export type CommandHandler = (ctx: CommandContext) => LuResponse | Promise<LuResponse>;

/**
 * One step of the access check ScsiDevice.execute runs before every handler, after the unit
 * attention check: a response (RESERVATION CONFLICT...) ends the command, undefined lets it run.
 */
export type AccessCheck = (entry: OpcodeEntry, ctx: CommandContext) => LuResponse | undefined;

export interface OpcodeEntry {
  opcode: number;
  /** SERVICE ACTION (CDB byte 1 bits 4-0) for opcodes that have them. */
  serviceAction?: number;
  /** T10 name, e.g. "READ(10)". */
  name: string;
  cdbLength: number;
  /**
   * CDB USAGE DATA (SPC-4 6.35.3): one byte per CDB byte; byte 0 is the opcode, the others
   * have a bit set for every CDB bit the device server evaluates. The control byte is 0x04
   * (NACA is checked) unless set otherwise.
   */
  usage: number[];
  /** Executes while a unit attention is pending without reporting it (INQUIRY, REPORT LUNS). */
  skipsUnitAttention?: boolean;
  /** Nominal and recommended command timeouts in seconds (SPC-4 6.35.4). */
  timeouts?: { nominal: number; recommended: number };
  handler: CommandHandler;
}

/** Build a usage array from the bytes after the opcode (control byte last). */
export function usage(opcode: number, ...rest: number[]): number[] {
  return [opcode, ...rest];
}

/** What an entry may say besides its name, usage data and handler. */
export type EntryExtras = Pick<OpcodeEntry, 'serviceAction' | 'skipsUnitAttention' | 'timeouts'>;

/** An entry whose OPERATION CODE and CDB length are those of its CDB USAGE DATA. */
export function commandEntry(
  name: string,
  usageData: number[],
  handler: CommandHandler,
  extras: EntryExtras = {},
): OpcodeEntry {
  return { opcode: usageData[0], name, cdbLength: usageData.length, usage: usageData, ...extras, handler };
}

function key(opcode: number, serviceAction?: number): number {
  return serviceAction === undefined ? opcode : 0x10000 | (opcode << 8) | serviceAction;
}

export class CommandTable {
  private readonly entries = new Map<number, OpcodeEntry>();
  /** Opcodes whose entries are keyed by service action. */
  private readonly withServiceActions = new Set<number>();

  add(entry: OpcodeEntry): this {
    if (entry.usage.length !== entry.cdbLength) {
      throw new RangeError(
        `${entry.name}: usage data has ${entry.usage.length} bytes, CDB has ${entry.cdbLength}`,
      );
    }
    if (entry.serviceAction !== undefined) this.withServiceActions.add(entry.opcode);
    this.entries.set(key(entry.opcode, entry.serviceAction), entry);
    return this;
  }

  /** add(commandEntry(...)): opcode and CDB length from the usage data. */
  command(name: string, usageData: number[], handler: CommandHandler, extras: EntryExtras = {}): this {
    return this.add(commandEntry(name, usageData, handler, extras));
  }

  /** Replace the handler of a registered command (device types override shared SPC entries). */
  override(opcode: number, serviceAction: number | undefined, handler: CommandHandler): this {
    const e = this.entries.get(key(opcode, serviceAction));
    if (e === undefined) throw new RangeError(`opcode ${opcode.toString(16)}h is not registered`);
    this.entries.set(key(opcode, serviceAction), { ...e, handler });
    return this;
  }

  hasServiceActions(opcode: number): boolean {
    return this.withServiceActions.has(opcode);
  }

  /** Look a command up, or throw the ILLEGAL REQUEST the device server answers with. */
  lookup(cdb: Buffer): OpcodeEntry {
    if (cdb.length === 0) throw invalidCdbField(0, 'empty CDB');
    const opcode = cdb[0];
    if (this.withServiceActions.has(opcode)) {
      if (cdb.length < 2) throw invalidCdbField(0, 'CDB too short for a service action');
      const e = this.entries.get(key(opcode, cdb[1] & 0x1f));
      // SPC-4 leaves the choice open; INVALID FIELD IN CDB at byte 1 is what sg_opcodes expects.
      if (e === undefined)
        throw invalidCdbField(1, `unsupported service action ${(cdb[1] & 0x1f).toString(16)}h`, 4);
      return e;
    }
    const e = this.entries.get(key(opcode));
    if (e === undefined) throw invalidOpcode(opcode);
    return e;
  }

  /** A registered command by opcode and service action, if any. */
  find(opcode: number, serviceAction?: number): OpcodeEntry | undefined {
    return this.entries.get(key(opcode, serviceAction));
  }

  /** Every entry, in opcode then service action order. */
  all(): OpcodeEntry[] {
    return [...this.entries.values()].sort(
      (a, b) => a.opcode - b.opcode || (a.serviceAction ?? 0) - (b.serviceAction ?? 0),
    );
  }
}
