import * as fc from 'fast-check';
import {
  decodeModeSense10,
  decodeModeSense6,
  encodeModeSense10,
  encodeModeSense6,
  MODE_SENSE_COMMANDS,
  type ModeSense10Cdb,
  type ModeSense6Cdb,
} from '../../../../cdb/spc/mode-sense';
import { describeCdb } from '../../../../cdb/commands';
import { bool, expectSense, u, u16, u8 } from './spc-mode-helpers';

const sense6: fc.Arbitrary<ModeSense6Cdb> = fc.record({
  dbd: bool,
  pc: u(2),
  pageCode: u(6),
  subpageCode: u8,
  allocationLength: u8,
  control: u8,
});
const sense10: fc.Arbitrary<ModeSense10Cdb> = fc.record({
  llbaa: bool,
  dbd: bool,
  pc: u(2),
  pageCode: u(6),
  subpageCode: u8,
  allocationLength: u16,
  control: u8,
});

describe('MODE SENSE(6)/(10) CDB', () => {
  it('round-trips', () => {
    fc.assert(fc.property(sense6, (v) => expect(decodeModeSense6(encodeModeSense6(v))).toEqual(v)));
    fc.assert(fc.property(sense10, (v) => expect(decodeModeSense10(encodeModeSense10(v))).toEqual(v)));
  });

  it('golden MODE SENSE(6): DBD=0, current values, page 10h, 255 bytes', () => {
    const cdb = Buffer.from([0x1a, 0x00, 0x10, 0x00, 0xff, 0x00]);
    expect(decodeModeSense6(cdb)).toEqual({
      dbd: false,
      pc: 0,
      pageCode: 0x10,
      subpageCode: 0,
      allocationLength: 255,
      control: 0,
    });
    expect(encodeModeSense6(decodeModeSense6(cdb))).toEqual(cdb);
  });

  it('golden MODE SENSE(10): LLBAA+DBD, changeable values, all pages and subpages, 4096 bytes', () => {
    const cdb = Buffer.from([
      0x5a, // opcode
      0x18, // LLBAA (bit 4) | DBD (bit 3)
      0x7f, // PC=01b (changeable) | PAGE CODE 3Fh
      0xff, // SUBPAGE CODE FFh
      0x00,
      0x00,
      0x00,
      0x10, // ALLOCATION LENGTH 1000h
      0x00,
      0x04, // CONTROL
    ]);
    expect(decodeModeSense10(cdb)).toEqual({
      llbaa: true,
      dbd: true,
      pc: 1,
      pageCode: 0x3f,
      subpageCode: 0xff,
      allocationLength: 0x1000,
      control: 0x04,
    });
    expect(encodeModeSense10(decodeModeSense10(cdb))).toEqual(cdb);
  });

  it('rejects the wrong opcode and a short CDB', () => {
    expectSense(() => decodeModeSense6(Buffer.from([0x5a, 0, 0, 0, 0, 0])), 5, 0x20, 0, {
      commandData: true,
      field: 0,
    });
    expectSense(() => decodeModeSense10(Buffer.alloc(0)), 5, 0x24, 0, { commandData: true, field: 0 });
    expectSense(() => decodeModeSense10(Buffer.from([0x5a, 0, 0, 0, 0])), 5, 0x24, 0);
  });

  it('encoders refuse values that do not fit', () => {
    const v: ModeSense6Cdb = {
      dbd: false,
      pc: 4,
      pageCode: 0,
      subpageCode: 0,
      allocationLength: 0,
      control: 0,
    };
    expect(() => encodeModeSense6(v)).toThrow(RangeError);
    expect(() => encodeModeSense6({ ...v, pc: 0, pageCode: 0x40 })).toThrow(RangeError);
    expect(() => encodeModeSense10({ ...v, pc: 0, llbaa: false, allocationLength: 0x10000 })).toThrow(
      RangeError,
    );
  });

  it('is registered for lookup', () => {
    expect(MODE_SENSE_COMMANDS.map((c) => c.name)).toEqual(['MODE SENSE(6)', 'MODE SENSE(10)']);
    expect(describeCdb(Buffer.from([0x1a, 0x08, 0x3f, 0, 0xfc, 0]))[0]).toEqual({
      name: 'MODE SENSE(6)',
      fields: { dbd: true, pc: 0, pageCode: 0x3f, subpageCode: 0, allocationLength: 0xfc, control: 0 },
    });
  });
});
