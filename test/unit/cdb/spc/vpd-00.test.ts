import * as fc from 'fast-check';
import { decodeSupportedVpdPages, encodeSupportedVpdPages } from '../../../../cdb/spc/vpd-00';
import { hex, senseOf } from './helpers';

describe('Supported VPD Pages VPD page 00h (SPC-4 7.8.14)', () => {
  // PDT 00h | PAGE CODE 00h | PAGE LENGTH 0007h | 00 80 83 8F B0 B1 B2
  const golden = hex('00 00 00 07 00 80 83 8f b0 b1 b2');
  const fields = {
    peripheralQualifier: 0,
    peripheralDeviceType: 0,
    supportedPages: [0x00, 0x80, 0x83, 0x8f, 0xb0, 0xb1, 0xb2],
  };

  it('decodes and encodes the hand-written page', () => {
    expect(decodeSupportedVpdPages(golden)).toEqual(fields);
    expect(encodeSupportedVpdPages(fields)).toEqual(golden);
  });

  it('a tape drive (PDT 01h) with qualifier 001b', () => {
    expect(decodeSupportedVpdPages(hex('21 00 00 02 00 80'))).toEqual({
      peripheralQualifier: 1,
      peripheralDeviceType: 1,
      supportedPages: [0x00, 0x80],
    });
  });

  it('round-trips', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 31 }),
        fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 300 }),
        (peripheralQualifier, peripheralDeviceType, supportedPages) => {
          const v = { peripheralQualifier, peripheralDeviceType, supportedPages };
          expect(decodeSupportedVpdPages(encodeSupportedVpdPages(v))).toEqual(v);
        },
      ),
    );
  });

  it('rejects a wrong page code, a cut page and bad values', () => {
    const wrong = senseOf(() => decodeSupportedVpdPages(hex('00 80 00 01 00')));
    expect([wrong.asc, wrong.fieldPointer?.field, wrong.fieldPointer?.commandData]).toEqual([0x26, 1, false]);
    expect(senseOf(() => decodeSupportedVpdPages(golden.subarray(0, 10))).asc).toBe(0x1a);
    expect(() => encodeSupportedVpdPages({ ...fields, supportedPages: [256] })).toThrow(RangeError);
    expect(() => encodeSupportedVpdPages({ ...fields, peripheralDeviceType: 32 })).toThrow(RangeError);
  });
});
