import * as fc from 'fast-check';
import {
  decodeModeSelect10,
  decodeModeSelect6,
  encodeModeSelect10,
  encodeModeSelect6,
  MODE_SELECT_COMMANDS,
  type ModeSelectCdb,
} from '../../../../cdb/spc/mode-select';
import { bool, expectSense, u16, u8 } from './spc-mode-helpers';

const select = (len: fc.Arbitrary<number>): fc.Arbitrary<ModeSelectCdb> =>
  fc.record({ pf: bool, rtd: bool, sp: bool, parameterListLength: len, control: u8 });

describe('MODE SELECT(6)/(10) CDB', () => {
  it('round-trips', () => {
    fc.assert(fc.property(select(u8), (v) => expect(decodeModeSelect6(encodeModeSelect6(v))).toEqual(v)));
    fc.assert(fc.property(select(u16), (v) => expect(decodeModeSelect10(encodeModeSelect10(v))).toEqual(v)));
  });

  it('golden MODE SELECT(6): PF=1, 28-byte list (header + descriptor + page 10h)', () => {
    const cdb = Buffer.from([0x15, 0x10, 0x00, 0x00, 0x1c, 0x00]);
    expect(decodeModeSelect6(cdb)).toEqual({
      pf: true,
      rtd: false,
      sp: false,
      parameterListLength: 28,
      control: 0,
    });
    expect(encodeModeSelect6(decodeModeSelect6(cdb))).toEqual(cdb);
  });

  it('golden MODE SELECT(10): PF=1 SP=1, 0118h bytes', () => {
    const cdb = Buffer.from([0x55, 0x11, 0, 0, 0, 0, 0, 0x01, 0x18, 0x00]);
    expect(decodeModeSelect10(cdb)).toEqual({
      pf: true,
      rtd: false,
      sp: true,
      parameterListLength: 0x118,
      control: 0,
    });
    expect(encodeModeSelect10(decodeModeSelect10(cdb))).toEqual(cdb);
  });

  it('RTD (SPC-5) is byte 1 bit 1', () => {
    expect(
      encodeModeSelect6({ pf: false, rtd: true, sp: false, parameterListLength: 0, control: 0 })[1],
    ).toBe(0x02);
  });

  it('rejects the wrong opcode and a short CDB', () => {
    expectSense(() => decodeModeSelect10(Buffer.from([0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0])), 5, 0x20, 0);
    expectSense(() => decodeModeSelect6(Buffer.from([0x15, 0x10])), 5, 0x24, 0, {
      commandData: true,
      field: 0,
    });
  });

  it('is registered', () => {
    expect(MODE_SELECT_COMMANDS.map((c) => [c.opcode, c.cdbLength])).toEqual([
      [0x15, 6],
      [0x55, 10],
    ]);
  });
});
