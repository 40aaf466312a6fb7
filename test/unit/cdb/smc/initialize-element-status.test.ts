import * as fc from 'fast-check';
import {
  decodeInitializeElementStatus,
  decodeInitializeElementStatusWithRange,
  encodeInitializeElementStatus,
  encodeInitializeElementStatusWithRange,
} from '../../../../cdb/smc/initialize-element-status';
import { expectInvalidCdb, expectInvalidOpcode, hex } from '../sbc/sense';

const control = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });

describe('INITIALIZE ELEMENT STATUS (07h)', () => {
  it('round-trips and matches the 6-byte layout', () => {
    fc.assert(
      fc.property(control, (c) =>
        expect(decodeInitializeElementStatus(encodeInitializeElementStatus({ control: c }))).toEqual({
          control: c,
        }),
      ),
    );
    expect(encodeInitializeElementStatus({ control: 0 })).toEqual(hex('07 00 00 00 00 00'));
  });

  it('ignores reserved bytes; rejects a wrong opcode and a short CDB', () => {
    expect(decodeInitializeElementStatus(hex('07 ff ff ff ff 04'))).toEqual({ control: 4 });
    expectInvalidOpcode(() => decodeInitializeElementStatus(hex('37 00 00 00 00 00')));
    expectInvalidCdb(() => decodeInitializeElementStatus(hex('07 00 00')), 0);
  });
});

describe('INITIALIZE ELEMENT STATUS WITH RANGE (37h)', () => {
  it('round-trips', () => {
    const v = fc.record({
      fast: fc.boolean(),
      range: fc.boolean(),
      startingElementAddress: u16,
      numberOfElements: u16,
      control,
    });
    fc.assert(
      fc.property(v, (x) =>
        expect(decodeInitializeElementStatusWithRange(encodeInitializeElementStatusWithRange(x))).toEqual(x),
      ),
    );
  });

  it('golden: FAST scan of 20 elements from 1000', () => {
    const bytes = hex(
      '37' + //       OPERATION CODE
        '03' + //     FAST (bit 1) | RANGE (bit 0)
        '03 e8' + //  STARTING ELEMENT ADDRESS 1000
        '00 00' + //  reserved
        '00 14' + //  NUMBER OF ELEMENTS 20
        '00' + //     reserved
        '00', //      CONTROL
    );
    const v = { fast: true, range: true, startingElementAddress: 1000, numberOfElements: 20, control: 0 };
    expect(encodeInitializeElementStatusWithRange(v)).toEqual(bytes);
    expect(decodeInitializeElementStatusWithRange(bytes)).toEqual(v);
  });

  it('rejects a wrong opcode and a short CDB', () => {
    expectInvalidOpcode(() => decodeInitializeElementStatusWithRange(hex('07 00 00 00 00 00 00 00 00 00')));
    expectInvalidCdb(() => decodeInitializeElementStatusWithRange(hex('37 01 00 00 00 00')), 0);
  });
});
