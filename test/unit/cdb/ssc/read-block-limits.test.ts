import * as fc from 'fast-check';
import {
  decodeReadBlockLimits,
  encodeReadBlockLimits,
  type ReadBlockLimits,
} from '../../../../cdb/ssc/read-block-limits';
import { control, expectInvalidCdb, expectSense, padTo16 } from './helpers';

describe('READ BLOCK LIMITS CDB', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(fc.record({ mloi: fc.boolean(), control }), (v: ReadBlockLimits) => {
        expect(decodeReadBlockLimits(encodeReadBlockLimits(v))).toEqual(v);
        expect(decodeReadBlockLimits(padTo16(encodeReadBlockLimits(v)))).toEqual(v);
      }),
    );
  });

  it('golden', () => {
    // 05h, byte 1 MLOI (bit 0), bytes 2-4 reserved, CONTROL
    expect(encodeReadBlockLimits({ mloi: false, control: 0 })).toEqual(Buffer.from([0x05, 0, 0, 0, 0, 0]));
    expect(decodeReadBlockLimits(Buffer.from([0x05, 0x01, 0, 0, 0, 0]))).toEqual({ mloi: true, control: 0 });
  });

  it('errors', () => {
    expectSense(() => decodeReadBlockLimits(Buffer.from([0x06, 0, 0, 0, 0, 0])), 0x05, 0x20, 0x00);
    expectInvalidCdb(() => decodeReadBlockLimits(Buffer.from([0x05])), 0);
  });
});
