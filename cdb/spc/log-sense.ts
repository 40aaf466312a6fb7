// LOG SENSE (4Dh) CDB, SPC-4 6.8. The log page data it returns is in log-page.ts.
import type { CommandCodec, DecoderTable } from '../command';
import { bitsField, checkUint, flag, newCdb, openCdb, putU16, putU8 } from '../bytes';

export const LOG_SENSE_OPCODE = 0x4d;

/** PC (page control) for log parameters (SPC-4 6.8). */
export const LOG_PAGE_CONTROL = {
  currentThreshold: 0,
  currentCumulative: 1,
  defaultThreshold: 2,
  defaultCumulative: 3,
} as const;

export interface LogSenseCdb {
  /** PPC: parameter pointer control (obsolete in SPC-5). */
  ppc: boolean;
  /** SP: save parameters. */
  sp: boolean;
  /** PC (2 bits). */
  pc: number;
  pageCode: number;
  subpageCode: number;
  /** PARAMETER POINTER: first parameter code to return. */
  parameterPointer: number;
  allocationLength: number;
  control: number;
}

export function encodeLogSense(v: LogSenseCdb): Buffer {
  const b = newCdb(LOG_SENSE_OPCODE, 10, v.control);
  b[1] = flag(v.ppc, 1) | flag(v.sp, 0);
  b[2] = bitsField(v.pc, 2, 6, 'pc') | checkUint(v.pageCode, 6, 'pageCode');
  putU8(b, v.subpageCode, 3, 'subpageCode');
  putU16(b, v.parameterPointer, 5, 'parameterPointer');
  putU16(b, v.allocationLength, 7, 'allocationLength');
  return b;
}

export function decodeLogSense(cdb: Buffer): LogSenseCdb {
  const r = openCdb(cdb, LOG_SENSE_OPCODE, 10, 'LOG SENSE');
  return {
    ppc: r.bit(1, 1),
    sp: r.bit(1, 0),
    pc: r.bits(2, 6, 2),
    pageCode: r.bits(2, 0, 6),
    subpageCode: r.u8(3),
    parameterPointer: r.u16(5),
    allocationLength: r.u16(7),
    control: r.u8(9),
  };
}

export const LOG_SENSE_COMMANDS: CommandCodec[] = [
  { opcode: LOG_SENSE_OPCODE, name: 'LOG SENSE', deviceTypes: [], cdbLength: 10, decode: decodeLogSense },
];

export const LOG_SENSE_DECODERS: DecoderTable = {
  'spc.logSense': decodeLogSense,
};
