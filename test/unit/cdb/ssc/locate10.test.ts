import * as fc from 'fast-check';
import { decodeLocate10, encodeLocate10, type Locate10 } from '../../../../cdb/ssc/locate10';
import { control, expectInvalidCdb, expectSense, padTo16, u32, u8 } from './helpers';

describe('LOCATE(10)', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(
        fc.record({
          bt: fc.boolean(),
          cp: fc.boolean(),
          immed: fc.boolean(),
          logicalObjectIdentifier: u32,
          partition: u8,
          control,
        }),
        (v: Locate10) => {
          expect(decodeLocate10(encodeLocate10(v))).toEqual(v);
          expect(decodeLocate10(padTo16(encodeLocate10(v)))).toEqual(v);
        },
      ),
    );
  });

  it('golden: object 1000 in partition 1', () => {
    const cdb = Buffer.from([
      0x2b, // LOCATE(10)
      0x02, // BT=0 CP=1 IMMED=0
      0x00, // reserved
      0x00,
      0x00,
      0x03,
      0xe8, // LOGICAL OBJECT IDENTIFIER 1000
      0x00, // reserved
      0x01, // PARTITION 1
      0x00, // CONTROL
    ]);
    const v: Locate10 = {
      bt: false,
      cp: true,
      immed: false,
      logicalObjectIdentifier: 1000,
      partition: 1,
      control: 0,
    };
    expect(encodeLocate10(v)).toEqual(cdb);
    expect(decodeLocate10(cdb)).toEqual(v);
    expect(encodeLocate10({ ...v, bt: true, cp: false, immed: true })[1]).toBe(0x05);
  });

  it('errors', () => {
    expectSense(() => decodeLocate10(Buffer.alloc(10)), 0x05, 0x20, 0x00);
    expectInvalidCdb(() => decodeLocate10(Buffer.from([0x2b, 0, 0, 0, 0, 0])), 0);
    expect(() =>
      encodeLocate10({
        bt: false,
        cp: false,
        immed: false,
        logicalObjectIdentifier: 2 ** 32,
        partition: 0,
        control: 0,
      }),
    ).toThrow(RangeError);
    expect(() =>
      encodeLocate10({
        bt: false,
        cp: false,
        immed: false,
        logicalObjectIdentifier: 0,
        partition: 256,
        control: 0,
      }),
    ).toThrow(RangeError);
  });
});
