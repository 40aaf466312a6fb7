import * as fc from 'fast-check';
import { ByteReader } from '../../../../cdb/bytes';
import {
  INT24_MAX,
  INT24_MIN,
  INT64_MAX,
  INT64_MIN,
  putSigned24,
  putSigned64,
  rawFromSigned24,
  readSigned24,
  signed24FromRaw,
  signed64FromRaw,
} from '../../../../cdb/ssc/common';

describe('signed 24-bit counts', () => {
  it('maps the two-complement edges by hand', () => {
    expect(signed24FromRaw(0xffffff)).toBe(-1);
    expect(signed24FromRaw(0x800000)).toBe(-8388608);
    expect(signed24FromRaw(0x7fffff)).toBe(8388607);
    expect(signed24FromRaw(0)).toBe(0);
    expect(rawFromSigned24(-1)).toBe(0xffffff);
    expect(rawFromSigned24(-2)).toBe(0xfffffe);
    expect(rawFromSigned24(INT24_MIN)).toBe(0x800000);
    expect(rawFromSigned24(INT24_MAX)).toBe(0x7fffff);
  });

  it('round-trips every value in range', () => {
    fc.assert(
      fc.property(fc.integer({ min: INT24_MIN, max: INT24_MAX }), (n) => {
        expect(signed24FromRaw(rawFromSigned24(n))).toBe(n);
        const b = Buffer.alloc(3);
        putSigned24(b, n, 0);
        expect(readSigned24(new ByteReader(b, 'cdb'), 0)).toBe(n);
      }),
    );
  });

  it('refuses values that do not fit', () => {
    expect(() => rawFromSigned24(INT24_MAX + 1)).toThrow(RangeError);
    expect(() => rawFromSigned24(INT24_MIN - 1)).toThrow(RangeError);
    expect(() => rawFromSigned24(1.5)).toThrow(RangeError);
    expect(() => signed24FromRaw(0x1000000)).toThrow(RangeError);
    expect(() => putSigned24(Buffer.alloc(3), 0x800000, 0)).toThrow(RangeError);
  });
});

describe('signed 64-bit counts', () => {
  it('maps edges and round-trips', () => {
    expect(signed64FromRaw(0xffffffffffffffffn)).toBe(-1n);
    expect(signed64FromRaw(0x8000000000000000n)).toBe(INT64_MIN);
    const b = Buffer.alloc(8);
    putSigned64(b, -2n, 0);
    expect(b).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]));
    fc.assert(
      fc.property(fc.bigInt({ min: INT64_MIN, max: INT64_MAX }), (n) => {
        const x = Buffer.alloc(8);
        putSigned64(x, n, 0);
        expect(signed64FromRaw(x.readBigUInt64BE(0))).toBe(n);
      }),
    );
    expect(() => putSigned64(b, INT64_MAX + 1n, 0)).toThrow(RangeError);
    expect(() => putSigned64(b, INT64_MIN - 1n, 0)).toThrow(RangeError);
  });
});
