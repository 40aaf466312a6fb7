import fc from 'fast-check';
import {
  decodeSegmentDescriptor,
  encodeSegmentDescriptor,
  readSegmentDescriptor,
  segmentDescriptorLength,
} from '../../../../cdb/xcopy/index';
import { ByteReader } from '../../../../cdb/bytes';
import { segmentDescriptor } from './arbitraries';
import { expectSense, hex } from './helpers';

describe('segment descriptor dispatch', () => {
  test('a wrong DESCRIPTOR LENGTH for a fixed-size type is 05/26/00 at bytes 2-3', () => {
    // 02h needs DESCRIPTOR LENGTH 18h; this one says 1Ch (and carries 32 bytes).
    const b = Buffer.concat([hex('02 00 001c 0000 0000 0000 0001'), Buffer.alloc(20)]);
    expectSense(() => decodeSegmentDescriptor(b), { asc: 0x26, ascq: 0x00, field: 2 });
    // Same check inside a list: the pointer is relative to the parameter list.
    expectSense(() => readSegmentDescriptor(new ByteReader(b, 'param', 100)), {
      asc: 0x26,
      ascq: 0x00,
      field: 102,
    });
  });

  test('05h DESCRIPTOR LENGTH must be at least 12 and a multiple of 4', () => {
    expectSense(() => decodeSegmentDescriptor(hex('05 00 0008 0000 0001 00000000')), {
      asc: 0x26,
      ascq: 0x00,
      field: 2,
    });
    expectSense(() => decodeSegmentDescriptor(Buffer.concat([hex('05 00 000e'), Buffer.alloc(14)])), {
      asc: 0x26,
      ascq: 0x00,
      field: 2,
    });
  });

  test('reserved and CSCD codes in the segment list are 05/26/09 at byte 0', () => {
    for (const code of [0x17, 0x80, 0xbd, 0xe4, 0xff]) {
      const b = hex('00 00 0008 0000 0000 00000000');
      b[0] = code;
      expectSense(() => decodeSegmentDescriptor(b), { asc: 0x26, ascq: 0x09, field: 0 });
    }
  });

  test('vendor specific and undecoded defined codes are kept opaque, sized by DESCRIPTOR LENGTH', () => {
    const vendor = hex('c5 03 0006 0001 0002 abcd ffff');
    const d = decodeSegmentDescriptor(vendor.subarray(0, 10));
    expect(d).toEqual({ kind: 'opaque', descriptorTypeCode: 0xc5, bytes: vendor.subarray(0, 10) });
    expect(segmentDescriptorLength(d)).toBe(10);
    expect(encodeSegmentDescriptor(d)).toEqual(vendor.subarray(0, 10));
    const prMove = Buffer.concat([hex('15 00 0020'), Buffer.alloc(32, 1)]);
    expect(decodeSegmentDescriptor(prMove)).toMatchObject({ kind: 'opaque', descriptorTypeCode: 0x15 });
  });

  test('a descriptor shorter than its DESCRIPTOR LENGTH is 05/1A/00', () => {
    expectSense(() => decodeSegmentDescriptor(hex('02 00 0018 0000')), { asc: 0x1a, ascq: 0x00 });
    expectSense(() => decodeSegmentDescriptor(hex('02 00')), { asc: 0x1a, ascq: 0x00 });
  });

  test('a non-segment code read directly is 05/26/09; an unknown kind does not encode', () => {
    expectSense(() => readSegmentDescriptor(new ByteReader(hex('e4 00 0000'), 'param', 40)), {
      asc: 0x26,
      ascq: 0x09,
      field: 40,
    });
    expect(() => encodeSegmentDescriptor({ kind: 'warp' } as never)).toThrow(RangeError);
  });

  test('opaque encoder checks the bytes agree with the code and length', () => {
    const bytes = hex('c0 00 0004 00000000');
    expect(() => encodeSegmentDescriptor({ kind: 'opaque', descriptorTypeCode: 0xc1, bytes })).toThrow(
      RangeError,
    );
    expect(() =>
      encodeSegmentDescriptor({ kind: 'opaque', descriptorTypeCode: 0xc0, bytes: bytes.subarray(0, 6) }),
    ).toThrow(RangeError);
    expect(() => encodeSegmentDescriptor({ kind: 'opaque', descriptorTypeCode: 0x02, bytes })).toThrow(
      RangeError,
    );
    expect(() => encodeSegmentDescriptor({ kind: 'opaque', descriptorTypeCode: 0x17, bytes })).toThrow(
      RangeError,
    );
    expect(() =>
      encodeSegmentDescriptor({ kind: 'opaque', descriptorTypeCode: 0xc0, bytes: hex('c0 00') }),
    ).toThrow(RangeError);
  });
});

test('every segment descriptor round-trips and reports its encoded length', () => {
  fc.assert(
    fc.property(segmentDescriptor, (s) => {
      const enc = encodeSegmentDescriptor(s);
      expect(enc).toHaveLength(segmentDescriptorLength(s));
      expect(enc.readUInt16BE(2)).toBe(enc.length - 4);
      expect(decodeSegmentDescriptor(enc)).toEqual(s);
    }),
  );
});
