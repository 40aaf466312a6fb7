import * as fc from 'fast-check';
import {
  decodeReadBlockLimitsData,
  encodeReadBlockLimitsData,
  type ReadBlockLimitsData,
} from '../../../../cdb/ssc/read-block-limits-data';
import { expectLengthError, u16, u24 } from './helpers';

describe('READ BLOCK LIMITS data', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(
        fc.record({
          granularity: fc.integer({ min: 0, max: 31 }),
          maximumBlockLengthLimit: u24,
          minimumBlockLengthLimit: u16,
        }),
        (v: ReadBlockLimitsData) =>
          expect(decodeReadBlockLimitsData(encodeReadBlockLimitsData(v))).toEqual(v),
      ),
    );
  });

  it('golden: LTO-style limits 1 byte .. 16 MiB-1, granularity 0', () => {
    const data = Buffer.from([
      0x00, // reserved (7-5), GRANULARITY 0
      0xff,
      0xff,
      0xff, // MAXIMUM BLOCK LENGTH LIMIT 16777215
      0x00,
      0x01, // MINIMUM BLOCK LENGTH LIMIT 1
    ]);
    const v: ReadBlockLimitsData = {
      granularity: 0,
      maximumBlockLengthLimit: 0xffffff,
      minimumBlockLengthLimit: 1,
    };
    expect(encodeReadBlockLimitsData(v)).toEqual(data);
    expect(decodeReadBlockLimitsData(data)).toEqual(v);
  });

  it('golden: fixed 512-byte blocks with granularity 2; reserved bits ignored', () => {
    const data = Buffer.from([0xe2, 0x00, 0x02, 0x00, 0x02, 0x00]);
    expect(decodeReadBlockLimitsData(data)).toEqual({
      granularity: 2,
      maximumBlockLengthLimit: 512,
      minimumBlockLengthLimit: 512,
    });
  });

  it('a short buffer is PARAMETER LIST LENGTH ERROR; encoder range checks', () => {
    expectLengthError(() => decodeReadBlockLimitsData(Buffer.alloc(5)));
    expect(() =>
      encodeReadBlockLimitsData({ granularity: 32, maximumBlockLengthLimit: 0, minimumBlockLengthLimit: 0 }),
    ).toThrow(RangeError);
    expect(() =>
      encodeReadBlockLimitsData({
        granularity: 0,
        maximumBlockLengthLimit: 1 << 24,
        minimumBlockLengthLimit: 0,
      }),
    ).toThrow(RangeError);
  });
});
