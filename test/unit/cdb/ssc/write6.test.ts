import * as fc from 'fast-check';
import { decodeWrite6, encodeWrite6, type Write6 } from '../../../../cdb/ssc/write6';
import { control, expectInvalidCdb, expectSense, padTo16, u24 } from './helpers';

describe('WRITE(6) (tape)', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(fc.record({ fixed: fc.boolean(), transferLength: u24, control }), (v: Write6) => {
        expect(decodeWrite6(encodeWrite6(v))).toEqual(v);
        expect(decodeWrite6(padTo16(encodeWrite6(v)))).toEqual(v);
      }),
    );
  });

  it('golden: variable block of 256 KiB', () => {
    const cdb = Buffer.from([
      0x0a, // WRITE(6)
      0x00, // FIXED=0
      0x04,
      0x00,
      0x00, // TRANSFER LENGTH 262144 bytes
      0x00, // CONTROL
    ]);
    const v: Write6 = { fixed: false, transferLength: 262144, control: 0 };
    expect(encodeWrite6(v)).toEqual(cdb);
    expect(decodeWrite6(cdb)).toEqual(v);
  });

  it('golden: fixed mode, 16 blocks, reserved bits ignored on decode', () => {
    const v: Write6 = { fixed: true, transferLength: 16, control: 0 };
    expect(encodeWrite6(v)).toEqual(Buffer.from([0x0a, 0x01, 0x00, 0x00, 0x10, 0x00]));
    expect(decodeWrite6(Buffer.from([0x0a, 0xff, 0x00, 0x00, 0x10, 0x00]))).toEqual(v);
  });

  it('rejects wrong opcode and short CDBs; encoder range checks', () => {
    expectSense(() => decodeWrite6(Buffer.from([0x08, 0, 0, 0, 0, 0])), 0x05, 0x20, 0x00);
    expectInvalidCdb(() => decodeWrite6(Buffer.from([0x0a, 0])), 0);
    expect(() => encodeWrite6({ fixed: true, transferLength: -1, control: 0 })).toThrow(RangeError);
  });
});
