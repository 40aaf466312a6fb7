// MODE SENSE(6) (1Ah) and MODE SENSE(10) (5Ah) CDBs, SPC-4 6.13 / 6.14.
import type { CommandCodec, DecoderTable } from '../command';
import { bitsField, checkUint, flag, newCdb, openCdb, putU16, putU8 } from '../bytes';

export const MODE_SENSE6_OPCODE = 0x1a;
export const MODE_SENSE10_OPCODE = 0x5a;

/** PC (page control) values (SPC-4 6.13). */
export const PAGE_CONTROL = { current: 0, changeable: 1, default: 2, saved: 3 } as const;

/** PAGE CODE 3Fh asks for all pages; SUBPAGE CODE FFh for all subpages (SPC-4 6.13). */
export const ALL_PAGES = 0x3f;
export const ALL_SUBPAGES = 0xff;

export interface ModeSense6Cdb {
  /** DBD: disable block descriptors. */
  dbd: boolean;
  /** PC: 0 current, 1 changeable, 2 default, 3 saved. */
  pc: number;
  pageCode: number;
  subpageCode: number;
  allocationLength: number;
  control: number;
}

export interface ModeSense10Cdb extends ModeSense6Cdb {
  /** LLBAA: long LBA block descriptors accepted. */
  llbaa: boolean;
}

function pcPage(pc: number, pageCode: number): number {
  return bitsField(pc, 2, 6, 'pc') | checkUint(pageCode, 6, 'pageCode');
}

export function encodeModeSense6(v: ModeSense6Cdb): Buffer {
  const b = newCdb(MODE_SENSE6_OPCODE, 6, v.control);
  b[1] = flag(v.dbd, 3);
  b[2] = pcPage(v.pc, v.pageCode);
  putU8(b, v.subpageCode, 3, 'subpageCode');
  putU8(b, v.allocationLength, 4, 'allocationLength');
  return b;
}

export function decodeModeSense6(cdb: Buffer): ModeSense6Cdb {
  const r = openCdb(cdb, MODE_SENSE6_OPCODE, 6, 'MODE SENSE(6)');
  return {
    dbd: r.bit(1, 3),
    pc: r.bits(2, 6, 2),
    pageCode: r.bits(2, 0, 6),
    subpageCode: r.u8(3),
    allocationLength: r.u8(4),
    control: r.u8(5),
  };
}

export function encodeModeSense10(v: ModeSense10Cdb): Buffer {
  const b = newCdb(MODE_SENSE10_OPCODE, 10, v.control);
  b[1] = flag(v.llbaa, 4) | flag(v.dbd, 3);
  b[2] = pcPage(v.pc, v.pageCode);
  putU8(b, v.subpageCode, 3, 'subpageCode');
  putU16(b, v.allocationLength, 7, 'allocationLength');
  return b;
}

export function decodeModeSense10(cdb: Buffer): ModeSense10Cdb {
  const r = openCdb(cdb, MODE_SENSE10_OPCODE, 10, 'MODE SENSE(10)');
  return {
    llbaa: r.bit(1, 4),
    dbd: r.bit(1, 3),
    pc: r.bits(2, 6, 2),
    pageCode: r.bits(2, 0, 6),
    subpageCode: r.u8(3),
    allocationLength: r.u16(7),
    control: r.u8(9),
  };
}

export const MODE_SENSE_COMMANDS: CommandCodec[] = [
  {
    opcode: MODE_SENSE6_OPCODE,
    name: 'MODE SENSE(6)',
    deviceTypes: [],
    cdbLength: 6,
    decode: decodeModeSense6,
  },
  {
    opcode: MODE_SENSE10_OPCODE,
    name: 'MODE SENSE(10)',
    deviceTypes: [],
    cdbLength: 10,
    decode: decodeModeSense10,
  },
];

export const MODE_SENSE_DECODERS: DecoderTable = {
  'spc.modeSense6': decodeModeSense6,
  'spc.modeSense10': decodeModeSense10,
};
