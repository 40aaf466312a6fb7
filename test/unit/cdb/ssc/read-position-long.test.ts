import * as fc from 'fast-check';
import {
  decodeReadPositionLong,
  encodeReadPositionLong,
  type ReadPositionLong,
} from '../../../../cdb/ssc/read-position-long';
import { expectLengthError, expectRoundTrip, hex, u32, u64 } from './helpers';

const long = fc.record({
  bop: fc.boolean(),
  eop: fc.boolean(),
  mpu: fc.boolean(),
  lonu: fc.boolean(),
  bpew: fc.boolean(),
  partitionNumber: u32,
  logicalObjectNumber: u64,
  logicalFileIdentifier: u64,
  logicalSetIdentifier: u64,
});

describe('READ POSITION long form data', () => {
  it('round-trips', () => {
    expectRoundTrip(long, encodeReadPositionLong, decodeReadPositionLong);
  });

  it('golden: partition 0, object 12345, file 3, past early warning', () => {
    const data = hex(
      [
        '40', // BOP=0 EOP=1 MPU=0 LONU=0 BPEW=0
        '000000', // reserved
        '00000000', // PARTITION NUMBER 0
        '00000000 00003039', // LOGICAL OBJECT NUMBER 12345
        '00000000 00000003', // LOGICAL FILE IDENTIFIER 3
        '00000000 00000000', // LOGICAL SET IDENTIFIER 0 (obsolete)
      ].join(''),
    );
    const v: ReadPositionLong = {
      bop: false,
      eop: true,
      mpu: false,
      lonu: false,
      bpew: false,
      partitionNumber: 0,
      logicalObjectNumber: 12345n,
      logicalFileIdentifier: 3n,
      logicalSetIdentifier: 0n,
    };
    expect(encodeReadPositionLong(v)).toEqual(data);
    expect(decodeReadPositionLong(data)).toEqual(v);
  });

  it('golden: flag bits', () => {
    const data = Buffer.alloc(32);
    data[0] = 0x8d; // BOP, MPU, LONU, BPEW
    const v = decodeReadPositionLong(data);
    expect([v.bop, v.eop, v.mpu, v.lonu, v.bpew]).toEqual([true, false, true, true, true]);
    data[0] = 0x32; // reserved bits 5, 4, 1 only
    expect(encodeReadPositionLong(decodeReadPositionLong(data))[0]).toBe(0);
  });

  it('a short buffer is PARAMETER LIST LENGTH ERROR; encoder range checks', () => {
    expectLengthError(() => decodeReadPositionLong(Buffer.alloc(31)));
    const base = decodeReadPositionLong(Buffer.alloc(32));
    expect(() => encodeReadPositionLong({ ...base, logicalObjectNumber: -1n })).toThrow(RangeError);
    expect(() => encodeReadPositionLong({ ...base, partitionNumber: 2 ** 32 })).toThrow(RangeError);
  });
});
