import * as fc from 'fast-check';
import { ByteReader } from '../../../../cdb/bytes';
import {
  INT24_MAX,
  INT24_MIN,
  INT64_MAX,
  INT64_MIN,
  newCdb,
  openCdb,
  putAsciiExact,
  putSigned24,
  putSigned64,
  putU16,
  putU32,
  putU64,
  putU8,
  rawFromSigned24,
  readSigned24,
  signed24FromRaw,
  signed64FromRaw,
} from '../../../../cdb/ssc/common';
import { expectInvalidCdb, expectSense } from './helpers';

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

describe('CDB framing', () => {
  it('checks opcode, emptiness and length, and accepts padding', () => {
    expectInvalidCdb(() => openCdb(Buffer.alloc(0), 0x01, 6, 'X'), 0);
    expectSense(() => openCdb(Buffer.from([0x02, 0, 0, 0, 0, 0]), 0x01, 6, 'X'), 0x05, 0x20, 0x00, {
      commandData: true,
      field: 0,
    });
    expectInvalidCdb(() => openCdb(Buffer.from([0x01, 0, 0]), 0x01, 6, 'X'), 0);
    expect(openCdb(Buffer.alloc(16, 0x01), 0x01, 6, 'X').length).toBe(16);
  });

  it('newCdb fills opcode and control', () => {
    expect(newCdb(0x2b, 10, 0x80)).toEqual(Buffer.from([0x2b, 0, 0, 0, 0, 0, 0, 0, 0, 0x80]));
    expect(() => newCdb(0x2b, 10, 256)).toThrow(RangeError);
  });
});

describe('range-checked writers', () => {
  it('write big-endian and refuse overflow', () => {
    const b = Buffer.alloc(16);
    putU8(b, 0xab, 0, 'a');
    putU16(b, 0x1234, 1, 'b');
    putU32(b, 0xdeadbeef, 3, 'c');
    putU64(b, 0x0102030405060708n, 7, 'd');
    expect(b.subarray(0, 15)).toEqual(
      Buffer.from([0xab, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8]),
    );
    expect(() => putU8(b, 256, 0, 'a')).toThrow(RangeError);
    expect(() => putU16(b, 0x10000, 0, 'b')).toThrow(RangeError);
    expect(() => putU32(b, -1, 0, 'c')).toThrow(RangeError);
    expect(() => putU64(b, 1n << 64n, 0, 'd')).toThrow(RangeError);
    expect(() => putU64(b, -1n, 0, 'd')).toThrow(RangeError);
  });

  it('putAsciiExact pads with spaces and refuses lossy values', () => {
    const b = Buffer.alloc(8, 0xee);
    putAsciiExact(b, 'LTO', 2, 5, 'x');
    expect(b).toEqual(Buffer.from([0xee, 0xee, 0x4c, 0x54, 0x4f, 0x20, 0x20, 0xee]));
    expect(() => putAsciiExact(b, 'TOOLONG', 0, 5, 'x')).toThrow(RangeError);
    expect(() => putAsciiExact(b, 'caf\u00e9', 0, 5, 'x')).toThrow(RangeError);
    expect(() => putAsciiExact(b, 'AB ', 0, 5, 'x')).toThrow(RangeError);
  });
});
