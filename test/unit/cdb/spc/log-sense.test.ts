import * as fc from 'fast-check';
import { describeCdb } from '../../../../cdb/commands';
import {
  decodeLogSense,
  encodeLogSense,
  LOG_SENSE_COMMANDS,
  type LogSenseCdb,
} from '../../../../cdb/spc/log-sense';
import { bool, expectSense, hex, u, u16, u8 } from './spc-mode-helpers';

const cdb: fc.Arbitrary<LogSenseCdb> = fc.record({
  ppc: bool,
  sp: bool,
  pc: u(2),
  pageCode: u(6),
  subpageCode: u8,
  parameterPointer: u16,
  allocationLength: u16,
  control: u8,
});

describe('LOG SENSE CDB', () => {
  it('round-trips', () => {
    fc.assert(fc.property(cdb, (v) => expect(decodeLogSense(encodeLogSense(v))).toEqual(v)));
  });

  it('golden: cumulative values of the TapeAlert page 2Eh from parameter 0001h', () => {
    const c = hex(`
      4d      # LOG SENSE
      00      # PPC=0 SP=0
      6e      # PC=01b (current cumulative), PAGE CODE 2Eh
      00      # SUBPAGE CODE
      00      # reserved
      00 01   # PARAMETER POINTER 1
      01 00   # ALLOCATION LENGTH 256
      00      # CONTROL
    `);
    const v = decodeLogSense(c);
    expect(v).toEqual({
      ppc: false,
      sp: false,
      pc: 1,
      pageCode: 0x2e,
      subpageCode: 0,
      parameterPointer: 1,
      allocationLength: 256,
      control: 0,
    });
    expect(encodeLogSense(v)).toEqual(c);
  });

  it('golden: supported pages and subpages (00h/FFh) with PPC and SP set', () => {
    expect(decodeLogSense(hex('4d 03 40 ff 00 00 00 ff fc 00'))).toEqual({
      ppc: true,
      sp: true,
      pc: 1,
      pageCode: 0,
      subpageCode: 0xff,
      parameterPointer: 0,
      allocationLength: 0xfffc,
      control: 0,
    });
  });

  it('errors', () => {
    expectSense(() => decodeLogSense(hex('4c 00 00 00 00 00 00 00 00 00')), 5, 0x20, 0);
    expectSense(() => decodeLogSense(hex('4d 00 00 00 00')), 5, 0x24, 0, { commandData: true, field: 0 });
    expect(() => encodeLogSense({ ...fc.sample(cdb, 1)[0], pageCode: 0x40 })).toThrow(RangeError);
  });

  it('is registered', () => {
    expect(LOG_SENSE_COMMANDS[0].name).toBe('LOG SENSE');
    expect(describeCdb(hex('4d 00 40 00 00 00 00 00 40 00'))[0].fields).toMatchObject({
      pc: 1,
      allocationLength: 64,
    });
  });
});
