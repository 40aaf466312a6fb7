import * as fc from 'fast-check';
import { decodeMoveMedium, encodeMoveMedium } from '../../../../cdb/smc/move-medium';
import { expectInvalidCdb, expectInvalidOpcode, hex } from '../sbc/sense';

const u16 = fc.integer({ min: 0, max: 0xffff });

describe('MOVE MEDIUM', () => {
  it('round-trips', () => {
    const v = fc.record({
      mediumTransportAddress: u16,
      sourceAddress: u16,
      destinationAddress: u16,
      invert: fc.boolean(),
      control: fc.integer({ min: 0, max: 0xff }),
    });
    fc.assert(fc.property(v, (x) => expect(decodeMoveMedium(encodeMoveMedium(x))).toEqual(x)));
  });

  it('golden: slot 1000 to drive 1 with the default transport', () => {
    const bytes = hex(
      'a5' + //       OPERATION CODE
        '00' + //     reserved
        '00 00' + //  MEDIUM TRANSPORT ADDRESS 0 (default)
        '03 e8' + //  SOURCE ADDRESS 1000
        '00 01' + //  DESTINATION ADDRESS 1
        '00 00' + //  reserved
        '00' + //     INVERT 0
        '00', //      CONTROL
    );
    const v = {
      mediumTransportAddress: 0,
      sourceAddress: 1000,
      destinationAddress: 1,
      invert: false,
      control: 0,
    };
    expect(encodeMoveMedium(v)).toEqual(bytes);
    expect(decodeMoveMedium(bytes)).toEqual(v);
    expect(decodeMoveMedium(hex('a5 00 00 10 00 01 03 e8 00 00 01 00'))).toEqual({
      mediumTransportAddress: 16,
      sourceAddress: 1,
      destinationAddress: 1000,
      invert: true,
      control: 0,
    });
  });

  it('rejects a wrong opcode and a short CDB; refuses oversized addresses', () => {
    expectInvalidOpcode(() => decodeMoveMedium(hex('a6 00 00 00 00 01 00 02 00 00 00 00')));
    expectInvalidCdb(() => decodeMoveMedium(hex('a5 00 00 00 00 01')), 0);
    expect(() =>
      encodeMoveMedium({
        mediumTransportAddress: 0,
        sourceAddress: 0x10000,
        destinationAddress: 0,
        invert: false,
        control: 0,
      }),
    ).toThrow(RangeError);
  });
});
