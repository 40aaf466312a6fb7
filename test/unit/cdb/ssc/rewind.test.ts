import * as fc from 'fast-check';
import { decodeRewind, encodeRewind, type Rewind } from '../../../../cdb/ssc/rewind';
import { control, expectInvalidCdb, expectSense, padTo16 } from './helpers';

describe('REWIND', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(fc.record({ immed: fc.boolean(), control }), (v: Rewind) => {
        expect(decodeRewind(encodeRewind(v))).toEqual(v);
        expect(decodeRewind(padTo16(encodeRewind(v)))).toEqual(v);
      }),
    );
  });

  it('golden', () => {
    // 01h REWIND, byte 1 IMMED=1, bytes 2-4 reserved, CONTROL 0
    expect(encodeRewind({ immed: true, control: 0 })).toEqual(Buffer.from([0x01, 0x01, 0, 0, 0, 0]));
    expect(decodeRewind(Buffer.from([0x01, 0x00, 0, 0, 0, 0]))).toEqual({ immed: false, control: 0 });
  });

  it('errors', () => {
    expectSense(() => decodeRewind(Buffer.from([0x00, 0, 0, 0, 0, 0])), 0x05, 0x20, 0x00);
    expectInvalidCdb(() => decodeRewind(Buffer.from([0x01, 0x01])), 0);
  });
});
