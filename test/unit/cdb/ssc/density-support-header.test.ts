import {
  densitySupportHeader,
  reportDensitySupportTotalLength,
  walkDescriptors,
} from '../../../../cdb/ssc/density-support-header';
import { expectInvalidParam, expectLengthError } from './helpers';

describe('REPORT DENSITY SUPPORT header', () => {
  it('builds and reads the AVAILABLE DENSITY SUPPORT LENGTH', () => {
    expect(densitySupportHeader(52)).toEqual(Buffer.from([0x00, 0x36, 0x00, 0x00]));
    expect(reportDensitySupportTotalLength(Buffer.from([0x00, 0x36, 0x00, 0x00]))).toBe(56);
    expect(() => densitySupportHeader(0x10000)).toThrow(RangeError);
  });

  it('a length below 2 is INVALID FIELD IN PARAMETER LIST at byte 0; a missing header is a length error', () => {
    expectInvalidParam(() => reportDensitySupportTotalLength(Buffer.from([0x00, 0x01, 0, 0])), 0);
    expectLengthError(() => reportDensitySupportTotalLength(Buffer.from([0x00])));
  });

  it('walks fixed-size descriptors and checks the list ends on a boundary', () => {
    const buf = Buffer.from([0x00, 0x06, 0, 0, 0xaa, 0xbb, 0xcc, 0xdd]);
    expect(
      walkDescriptors(
        buf,
        'x',
        2,
        () => 2,
        (r, off) => r.u8(off),
      ),
    ).toEqual([0xaa, 0xcc]);
    expectInvalidParam(
      () =>
        walkDescriptors(
          buf,
          'x',
          3,
          () => 3,
          (r, off) => r.u8(off),
        ),
      0,
    );
    expectInvalidParam(
      () =>
        walkDescriptors(
          buf,
          'x',
          2,
          () => 3,
          (r, off) => r.u8(off),
        ),
      0,
    );
    expectLengthError(() =>
      walkDescriptors(
        buf.subarray(0, 7),
        'x',
        2,
        () => 2,
        (r, off) => r.u8(off),
      ),
    );
  });
});
