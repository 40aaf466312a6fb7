// REPORT SUPPORTED OPERATION CODES (SPC-4 6.35): MAINTENANCE IN (A3h) service action 0Ch, its
// all_commands parameter data (6.35.2), one_command parameter data (6.35.3) and the command timeouts
// descriptor (6.35.4).
//
// Truncation: all_commands data is decoded leniently (every complete command descriptor present
// within COMMAND DATA LENGTH; `allCommandsDataLength` gives the full size). one_command data is
// decoded strictly: the CDB usage data and a flagged timeouts descriptor must be present.
import { ByteReader, checkUint, flag, newCdb, openCdb, putU16, putU32, putU8 } from '../bytes';
import { invalidCdbField, invalidParamField } from '../errors';

export const MAINTENANCE_IN = 0xa3;
export const REPORT_SUPPORTED_OPERATION_CODES_SA = 0x0c;

/** REPORTING OPTIONS values. */
export const REPORTING_OPTIONS = {
  /** all_commands parameter data. */
  ALL: 0b000,
  /** one_command data for REQUESTED OPERATION CODE (a command without service actions). */
  OPCODE: 0b001,
  /** one_command data for REQUESTED OPERATION CODE + REQUESTED SERVICE ACTION. */
  OPCODE_AND_SA: 0b010,
  /** SPC-5: one_command data; REQUESTED SERVICE ACTION is used only if the opcode has service actions. */
  OPCODE_SA_IF_ANY: 0b011,
} as const;

export interface ReportSupportedOpcodesCdb {
  /** RCTD: return command timeouts descriptors. */
  rctd: boolean;
  reportingOptions: number;
  requestedOperationCode: number;
  requestedServiceAction: number;
  allocationLength: number;
  control: number;
}

export function encodeReportSupportedOpcodesCdb(v: ReportSupportedOpcodesCdb): Buffer {
  const cdb = newCdb(MAINTENANCE_IN, 12, v.control, REPORT_SUPPORTED_OPERATION_CODES_SA);
  cdb[2] = flag(v.rctd, 7) | checkUint(v.reportingOptions, 3, 'reportingOptions');
  putU8(cdb, v.requestedOperationCode, 3, 'requestedOperationCode');
  putU16(cdb, v.requestedServiceAction, 4, 'requestedServiceAction');
  putU32(cdb, v.allocationLength, 6, 'allocationLength');
  return cdb;
}

export function decodeReportSupportedOpcodesCdb(cdb: Buffer): ReportSupportedOpcodesCdb {
  const r = openCdb(
    cdb,
    MAINTENANCE_IN,
    12,
    'REPORT SUPPORTED OPERATION CODES',
    REPORT_SUPPORTED_OPERATION_CODES_SA,
  );
  const reportingOptions = r.bits(2, 0, 3);
  // SPC-4 table 292 reserves 011b-111b; SPC-5 defines 011b, which is accepted here.
  if (reportingOptions > REPORTING_OPTIONS.OPCODE_SA_IF_ANY) {
    throw invalidCdbField(2, `REPORTING OPTIONS ${reportingOptions.toString(2)}b is reserved`, 2);
  }
  return {
    rctd: r.bit(2, 7),
    reportingOptions,
    requestedOperationCode: r.u8(3),
    requestedServiceAction: r.u16(4),
    allocationLength: r.u32(6),
    control: r.u8(11),
  };
}

/** SPC-4 6.35.4 command timeouts descriptor (12 bytes, DESCRIPTOR LENGTH 000Ah). */
export interface CommandTimeoutsDescriptor {
  commandSpecific: number;
  /** Seconds; 0 = not specified. */
  nominalCommandProcessingTimeout: number;
  /** Seconds; 0 = not specified. */
  recommendedCommandTimeout: number;
}

const TIMEOUTS_LENGTH = 12;

function encodeTimeouts(t: CommandTimeoutsDescriptor): Buffer {
  const b = Buffer.alloc(TIMEOUTS_LENGTH);
  b.writeUInt16BE(0x000a, 0);
  putU8(b, t.commandSpecific, 3, 'commandSpecific');
  putU32(b, t.nominalCommandProcessingTimeout, 4, 'nominalCommandProcessingTimeout');
  putU32(b, t.recommendedCommandTimeout, 8, 'recommendedCommandTimeout');
  return b;
}

function readTimeouts(r: ByteReader, off: number): CommandTimeoutsDescriptor {
  r.need(off, TIMEOUTS_LENGTH, 'command timeouts descriptor');
  const length = r.u16(off);
  if (length !== 0x000a) {
    throw invalidParamField(r.base + off, `command timeouts DESCRIPTOR LENGTH ${length} is not 000Ah`);
  }
  return {
    commandSpecific: r.u8(off + 3),
    nominalCommandProcessingTimeout: r.u32(off + 4),
    recommendedCommandTimeout: r.u32(off + 8),
  };
}

/** SPC-4 6.35.2 command descriptor. CTDP is set exactly when commandTimeouts is present. */
export interface CommandDescriptor {
  operationCode: number;
  serviceAction: number;
  /** SERVACTV: SERVICE ACTION is valid. */
  servactv: boolean;
  cdbLength: number;
  commandTimeouts?: CommandTimeoutsDescriptor;
}

export interface AllCommandsData {
  commandDescriptors: CommandDescriptor[];
}

export function encodeAllCommandsData(v: AllCommandsData): Buffer {
  const parts = v.commandDescriptors.map((c) => {
    const b = Buffer.alloc(8);
    putU8(b, c.operationCode, 0, 'operationCode');
    putU16(b, c.serviceAction, 2, 'serviceAction');
    b[5] = flag(c.commandTimeouts !== undefined, 1) | flag(c.servactv, 0);
    putU16(b, c.cdbLength, 6, 'cdbLength');
    return c.commandTimeouts ? Buffer.concat([b, encodeTimeouts(c.commandTimeouts)]) : b;
  });
  const list = Buffer.concat(parts);
  const head = Buffer.alloc(4);
  putU32(head, list.length, 0, 'COMMAND DATA LENGTH');
  return Buffer.concat([head, list]);
}

/** COMMAND DATA LENGTH + 4: the full size of all_commands parameter data. */
export function allCommandsDataLength(buf: Buffer): number {
  return new ByteReader(buf, 'data-in').u32(0, 'COMMAND DATA LENGTH') + 4;
}

export function decodeAllCommandsData(buf: Buffer): AllCommandsData {
  const all = new ByteReader(buf, 'data-in');
  const commandDataLength = all.u32(0, 'COMMAND DATA LENGTH');
  // Only the descriptors that arrived: data past COMMAND DATA LENGTH is not ours, a cut one is dropped.
  const r = all.sub(0, Math.min(all.length, 4 + commandDataLength));
  const complete = r.length === 4 + commandDataLength;
  const commandDescriptors: CommandDescriptor[] = [];
  let off = 4;
  while (off + 8 <= r.length) {
    const ctdp = r.bit(off + 5, 1);
    const size = ctdp ? 8 + TIMEOUTS_LENGTH : 8;
    if (off + size > r.length) {
      if (!complete) break; // cut short by the allocation length
      throw invalidParamField(
        off + 5,
        'CTDP is set but the timeouts descriptor overruns COMMAND DATA LENGTH',
        1,
      );
    }
    const c: CommandDescriptor = {
      operationCode: r.u8(off),
      serviceAction: r.u16(off + 2),
      servactv: r.bit(off + 5, 0),
      cdbLength: r.u16(off + 6),
    };
    if (ctdp) c.commandTimeouts = readTimeouts(r, off + 8);
    commandDescriptors.push(c);
    off += size;
  }
  if (complete && off < r.length) {
    throw invalidParamField(0, `COMMAND DATA LENGTH ${commandDataLength} ends inside a command descriptor`);
  }
  return { commandDescriptors };
}

/** SUPPORT values (SPC-4 table 296). */
export const SUPPORT = {
  NOT_AVAILABLE: 0b000,
  NOT_SUPPORTED: 0b001,
  SUPPORTED: 0b011,
  SUPPORTED_VENDOR_SPECIFIC: 0b101,
} as const;

/**
 * SPC-4 6.35.3 one_command parameter data. With SUPPORT 000b or 001b everything after byte 1 is
 * undefined: cdbUsageData is then empty and commandTimeouts absent (CTDP is ignored on decode).
 */
export interface OneCommandData {
  support: number;
  /** CDB USAGE DATA: opcode, service action, then the usage bit map; CDB SIZE is its length. */
  cdbUsageData: Buffer;
  commandTimeouts?: CommandTimeoutsDescriptor;
}

function isSupported(support: number): boolean {
  return support === SUPPORT.SUPPORTED || support === SUPPORT.SUPPORTED_VENDOR_SPECIFIC;
}

export function encodeOneCommandData(v: OneCommandData): Buffer {
  const support = checkUint(v.support, 3, 'support');
  if (!isSupported(support) && (v.cdbUsageData.length > 0 || v.commandTimeouts !== undefined)) {
    throw new RangeError(`SUPPORT ${support.toString(2)}b carries no CDB usage data or timeouts`);
  }
  const head = Buffer.alloc(4);
  head[1] = flag(v.commandTimeouts !== undefined, 7) | support;
  putU16(head, v.cdbUsageData.length, 2, 'CDB SIZE');
  const parts = [head, v.cdbUsageData];
  if (v.commandTimeouts) parts.push(encodeTimeouts(v.commandTimeouts));
  return Buffer.concat(parts);
}

export function decodeOneCommandData(buf: Buffer): OneCommandData {
  const r = new ByteReader(buf, 'data-in');
  const support = r.bits(1, 0, 3, 'SUPPORT');
  if (support === SUPPORT.NOT_AVAILABLE || support === SUPPORT.NOT_SUPPORTED) {
    return { support, cdbUsageData: Buffer.alloc(0) };
  }
  if (!isSupported(support)) throw invalidParamField(1, `SUPPORT ${support.toString(2)}b is reserved`, 2);
  const cdbSize = r.u16(2, 'CDB SIZE');
  const v: OneCommandData = { support, cdbUsageData: r.slice(4, cdbSize, 'CDB USAGE DATA') };
  if (r.bit(1, 7)) v.commandTimeouts = readTimeouts(r, 4 + cdbSize);
  return v;
}
