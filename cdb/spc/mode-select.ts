// MODE SELECT(6) (15h) and MODE SELECT(10) (55h) CDBs, SPC-4 6.11 / 6.12 (RTD from SPC-5).
import type { CommandCodec, DecoderTable } from '../command';
import { flag, newCdb, openCdb, putU16, putU8 } from '../bytes';

export const MODE_SELECT6_OPCODE = 0x15;
export const MODE_SELECT10_OPCODE = 0x55;

export interface ModeSelectCdb {
  /** PF: the parameter list uses the SPC page format. */
  pf: boolean;
  /** RTD: revert to defaults (SPC-5); the parameter list length is then zero. */
  rtd: boolean;
  /** SP: save pages. */
  sp: boolean;
  parameterListLength: number;
  control: number;
}

function byte1(v: ModeSelectCdb): number {
  return flag(v.pf, 4) | flag(v.rtd, 1) | flag(v.sp, 0);
}

export function encodeModeSelect6(v: ModeSelectCdb): Buffer {
  const b = newCdb(MODE_SELECT6_OPCODE, 6, v.control);
  b[1] = byte1(v);
  putU8(b, v.parameterListLength, 4, 'parameterListLength');
  return b;
}

export function decodeModeSelect6(cdb: Buffer): ModeSelectCdb {
  const r = openCdb(cdb, MODE_SELECT6_OPCODE, 6, 'MODE SELECT(6)');
  return {
    pf: r.bit(1, 4),
    rtd: r.bit(1, 1),
    sp: r.bit(1, 0),
    parameterListLength: r.u8(4),
    control: r.u8(5),
  };
}

export function encodeModeSelect10(v: ModeSelectCdb): Buffer {
  const b = newCdb(MODE_SELECT10_OPCODE, 10, v.control);
  b[1] = byte1(v);
  putU16(b, v.parameterListLength, 7, 'parameterListLength');
  return b;
}

export function decodeModeSelect10(cdb: Buffer): ModeSelectCdb {
  const r = openCdb(cdb, MODE_SELECT10_OPCODE, 10, 'MODE SELECT(10)');
  return {
    pf: r.bit(1, 4),
    rtd: r.bit(1, 1),
    sp: r.bit(1, 0),
    parameterListLength: r.u16(7),
    control: r.u8(9),
  };
}

export const MODE_SELECT_COMMANDS: CommandCodec[] = [
  {
    opcode: MODE_SELECT6_OPCODE,
    name: 'MODE SELECT(6)',
    deviceTypes: [],
    cdbLength: 6,
    decode: decodeModeSelect6,
  },
  {
    opcode: MODE_SELECT10_OPCODE,
    name: 'MODE SELECT(10)',
    deviceTypes: [],
    cdbLength: 10,
    decode: decodeModeSelect10,
  },
];

export const MODE_SELECT_DECODERS: DecoderTable = {
  'spc.modeSelect6': decodeModeSelect6,
  'spc.modeSelect10': decodeModeSelect10,
};
