import fc from 'fast-check';
import {
  type ControlSegment,
  decodeSegmentDescriptor,
  encodeControlSegment,
  encodeSegmentDescriptor,
  isControlSegment,
} from '../../../../cdb/xcopy/index';
import { controlSegment } from './arbitraries';
import { hex } from './helpers';

// Golden vectors from SPC-4 6.4.6.9 and 6.4.6.13 to 6.4.6.19.
const SEG_10 = hex(`
  10           // DESCRIPTOR TYPE CODE 10h (write filemarks)
  00           // reserved
  00 08        // DESCRIPTOR LENGTH 8
  00 00        // reserved
  00 01        // DESTINATION CSCD DESCRIPTOR ID 1
  01           // W_IMMED 1
  00 00 02     // FILEMARK COUNT 2
`);

const SEG_12 = hex(`
  12           // DESCRIPTOR TYPE CODE 12h (locate)
  00           // reserved
  00 08        // DESCRIPTOR LENGTH 8
  00 00        // reserved
  00 01        // DESTINATION CSCD DESCRIPTOR ID 1
  00 00 03 e8  // LOGICAL OBJECT IDENTIFIER 1000
`);

describe('control segment descriptors: golden vectors', () => {
  test('10h write filemarks', () => {
    const want: ControlSegment = {
      kind: 'writeFilemarks',
      descriptorTypeCode: 0x10,
      destinationCscdDescriptorId: 1,
      wImmed: true,
      filemarkCount: 2,
    };
    expect(decodeSegmentDescriptor(SEG_10)).toEqual(want);
    expect(encodeSegmentDescriptor(want)).toEqual(SEG_10);
  });

  test('12h locate', () => {
    const want: ControlSegment = {
      kind: 'locate',
      descriptorTypeCode: 0x12,
      destinationCscdDescriptorId: 1,
      logicalObjectIdentifier: 1000,
    };
    expect(decodeSegmentDescriptor(SEG_12)).toEqual(want);
    expect(encodeSegmentDescriptor(want)).toEqual(SEG_12);
  });

  test('11h space: COUNT is 24-bit two’s complement', () => {
    const back = hex('11 00 0008 0000 0001 01 fffffe'); // CODE 1 (filemarks), COUNT -2
    expect(decodeSegmentDescriptor(back)).toEqual({
      kind: 'space',
      descriptorTypeCode: 0x11,
      destinationCscdDescriptorId: 1,
      code: 1,
      count: -2,
    });
    expect(encodeSegmentDescriptor(decodeSegmentDescriptor(back))).toEqual(back);
    expect(decodeSegmentDescriptor(hex('11 00 0008 0000 0001 00 7fffff'))).toMatchObject({ count: 0x7fffff });
  });

  test('07h verify, 13h tape image, 14h register key, 16h block image', () => {
    const s07 = hex('07 00 0008 0002 0000 01 000000');
    expect(decodeSegmentDescriptor(s07)).toEqual({
      kind: 'verifyCscd',
      descriptorTypeCode: 0x07,
      sourceCscdDescriptorId: 2,
      tur: true,
    });
    const s13 = hex('13 00 0008 0000 0001 00000003');
    expect(decodeSegmentDescriptor(s13)).toEqual({
      kind: 'tapeImageCopy',
      descriptorTypeCode: 0x13,
      sourceCscdDescriptorId: 0,
      destinationCscdDescriptorId: 1,
      count: 3,
    });
    const s14 = hex('14 00 0018 0000 0001 0102030405060708 1112131415161718 00000000');
    expect(decodeSegmentDescriptor(s14)).toEqual({
      kind: 'registerKey',
      descriptorTypeCode: 0x14,
      destinationCscdDescriptorId: 1,
      reservationKey: 0x0102030405060708n,
      serviceActionReservationKey: 0x1112131415161718n,
    });
    const s16 = hex('16 00 0018 0000 0001 0000000000000010 0000000000000020 00000030');
    expect(decodeSegmentDescriptor(s16)).toEqual({
      kind: 'blockImageCopy',
      descriptorTypeCode: 0x16,
      sourceCscdDescriptorId: 0,
      destinationCscdDescriptorId: 1,
      startingSourceLogicalBlockAddress: 0x10n,
      startingDestinationLogicalBlockAddress: 0x20n,
      numberOfLogicalBlocks: 0x30,
    });
    for (const b of [s07, s13, s14, s16])
      expect(encodeSegmentDescriptor(decodeSegmentDescriptor(b))).toEqual(b);
  });

  test('isControlSegment tells the families apart', () => {
    expect(isControlSegment({ kind: 'locate' })).toBe(true);
    expect(isControlSegment({ kind: 'blockToBlock' })).toBe(false);
  });
});

test('encoder rejects out-of-range space fields and wrong codes', () => {
  const base = {
    kind: 'space' as const,
    descriptorTypeCode: 0x11 as const,
    destinationCscdDescriptorId: 0,
    code: 0,
    count: 0,
  };
  expect(() => encodeControlSegment({ ...base, code: 16 })).toThrow(RangeError);
  expect(() => encodeControlSegment({ ...base, count: 2 ** 23 })).toThrow(RangeError);
  expect(() => encodeControlSegment({ ...base, count: -(2 ** 23) - 1 })).toThrow(RangeError);
  expect(() => encodeControlSegment({ ...base, count: 1.5 })).toThrow(RangeError);
  expect(() => encodeControlSegment({ ...base, descriptorTypeCode: 0x12 as 0x11 })).toThrow(RangeError);
  expect(() =>
    encodeControlSegment({
      kind: 'locate',
      descriptorTypeCode: 0x12,
      destinationCscdDescriptorId: 0x10000,
      logicalObjectIdentifier: 0,
    }),
  ).toThrow(RangeError);
});

test('control segment descriptors round-trip', () => {
  fc.assert(
    fc.property(controlSegment, (s) => {
      expect(decodeSegmentDescriptor(encodeControlSegment(s))).toEqual(s);
    }),
  );
});
