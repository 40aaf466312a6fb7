import * as fc from 'fast-check';
import { decodeErase6, encodeErase6, type Erase6 } from '../../../../cdb/ssc/erase6';
import { control, expectInvalidCdb, expectSense, padTo16 } from './helpers';

describe('ERASE(6)', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(fc.record({ immed: fc.boolean(), long: fc.boolean(), control }), (v: Erase6) => {
        expect(decodeErase6(encodeErase6(v))).toEqual(v);
        expect(decodeErase6(padTo16(encodeErase6(v)))).toEqual(v);
      }),
    );
  });

  it('golden: long erase, immediate', () => {
    const cdb = Buffer.from([
      0x19, // ERASE(6)
      0x03, // IMMED=1 (bit 1), LONG=1 (bit 0)
      0x00,
      0x00,
      0x00, // reserved
      0x00, // CONTROL
    ]);
    const v: Erase6 = { immed: true, long: true, control: 0 };
    expect(encodeErase6(v)).toEqual(cdb);
    expect(decodeErase6(cdb)).toEqual(v);
    expect(encodeErase6({ immed: false, long: true, control: 0 })[1]).toBe(0x01);
    expect(encodeErase6({ immed: true, long: false, control: 0 })[1]).toBe(0x02);
  });

  it('errors', () => {
    expectSense(() => decodeErase6(Buffer.from([0x18, 0, 0, 0, 0, 0])), 0x05, 0x20, 0x00);
    expectInvalidCdb(() => decodeErase6(Buffer.from([0x19, 0, 0, 0, 0])), 0);
  });
});
