import * as fc from 'fast-check';
import {
  decodeReadBlockLimitsMloiData,
  encodeReadBlockLimitsMloiData,
  type ReadBlockLimitsMloiData,
} from '../../../../cdb/ssc/read-block-limits-mloi-data';
import { expectLengthError, u64 } from './helpers';

describe('READ BLOCK LIMITS data, MLOI form', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(fc.record({ maximumLogicalObjectIdentifier: u64 }), (v: ReadBlockLimitsMloiData) =>
        expect(decodeReadBlockLimitsMloiData(encodeReadBlockLimitsMloiData(v))).toEqual(v),
      ),
    );
  });

  it('golden', () => {
    const data = Buffer.from([
      ...Buffer.alloc(12), // reserved
      0x00,
      0x00,
      0x00,
      0x00,
      0xff,
      0xff,
      0xff,
      0xfe, // MAXIMUM LOGICAL OBJECT IDENTIFIER
    ]);
    expect(encodeReadBlockLimitsMloiData({ maximumLogicalObjectIdentifier: 0xfffffffen })).toEqual(data);
    data[0] = 0xff; // reserved bytes are ignored
    expect(decodeReadBlockLimitsMloiData(data)).toEqual({ maximumLogicalObjectIdentifier: 0xfffffffen });
  });

  it('a short buffer is PARAMETER LIST LENGTH ERROR; encoder range checks', () => {
    expectLengthError(() => decodeReadBlockLimitsMloiData(Buffer.alloc(19)));
    expect(() => encodeReadBlockLimitsMloiData({ maximumLogicalObjectIdentifier: -1n })).toThrow(RangeError);
  });
});
