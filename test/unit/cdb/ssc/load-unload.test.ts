import * as fc from 'fast-check';
import { decodeLoadUnload, encodeLoadUnload, type LoadUnload } from '../../../../cdb/ssc/load-unload';
import { control, expectInvalidCdb, expectSense, padTo16 } from './helpers';

const loadUnload = fc
  .record({
    immed: fc.boolean(),
    hold: fc.boolean(),
    eot: fc.boolean(),
    reten: fc.boolean(),
    load: fc.boolean(),
    control,
  })
  .filter((v) => !(v.load && v.eot));

describe('LOAD UNLOAD', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(loadUnload, (v: LoadUnload) => {
        expect(decodeLoadUnload(encodeLoadUnload(v))).toEqual(v);
        expect(decodeLoadUnload(padTo16(encodeLoadUnload(v)))).toEqual(v);
      }),
    );
  });

  it('golden: load with retension', () => {
    const cdb = Buffer.from([
      0x1b, // LOAD UNLOAD
      0x00, // IMMED=0
      0x00,
      0x00, // reserved
      0x03, // HOLD=0 EOT=0 RETEN=1 LOAD=1
      0x00, // CONTROL
    ]);
    const v: LoadUnload = { immed: false, hold: false, eot: false, reten: true, load: true, control: 0 };
    expect(encodeLoadUnload(v)).toEqual(cdb);
    expect(decodeLoadUnload(cdb)).toEqual(v);
  });

  it('golden: immediate unload at end of tape to the hold position', () => {
    const cdb = Buffer.from([0x1b, 0x01, 0x00, 0x00, 0x0c, 0x00]); // IMMED; HOLD=1 EOT=1 LOAD=0
    const v: LoadUnload = { immed: true, hold: true, eot: true, reten: false, load: false, control: 0 };
    expect(encodeLoadUnload(v)).toEqual(cdb);
    expect(decodeLoadUnload(cdb)).toEqual(v);
  });

  it('LOAD with EOT is INVALID FIELD IN CDB at byte 4 bit 2', () => {
    expectInvalidCdb(() => decodeLoadUnload(Buffer.from([0x1b, 0, 0, 0, 0x05, 0])), 4, 2);
  });

  it('errors', () => {
    expectSense(() => decodeLoadUnload(Buffer.from([0x1a, 0, 0, 0, 0, 0])), 0x05, 0x20, 0x00);
    expectInvalidCdb(() => decodeLoadUnload(Buffer.from([0x1b, 0, 0, 0, 1])), 0);
  });
});
