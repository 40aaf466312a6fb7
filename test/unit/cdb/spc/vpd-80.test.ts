import * as fc from 'fast-check';
import { decodeUnitSerialNumber, encodeUnitSerialNumber } from '../../../../cdb/spc/vpd-80';
import { hex, senseOf } from './helpers';

describe('Unit Serial Number VPD page 80h (SPC-4 7.8.15)', () => {
  // PDT 01h (tape) | PAGE CODE 80h | PAGE LENGTH 000Ah | "  HU1234AB" (right-aligned)
  const golden = hex('01 80 00 0a 20 20 48 55 31 32 33 34 41 42');

  it('decodes the hand-written right-aligned serial number', () => {
    expect(decodeUnitSerialNumber(golden)).toEqual({
      peripheralQualifier: 0,
      peripheralDeviceType: 1,
      productSerialNumber: 'HU1234AB',
    });
  });

  it('encodes without padding and drops NUL padding on decode', () => {
    const v = { peripheralQualifier: 0, peripheralDeviceType: 0, productSerialNumber: 'SN-1' };
    expect(encodeUnitSerialNumber(v)).toEqual(hex('00 80 00 04 53 4e 2d 31'));
    expect(decodeUnitSerialNumber(hex('00 80 00 06 53 4e 2d 31 00 00'))).toEqual(v);
  });

  it('round-trips serial numbers without leading or trailing spaces', () => {
    const serial = fc
      .string({
        unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
        maxLength: 64,
      })
      .map((s) => s.trim());
    fc.assert(
      fc.property(serial, (productSerialNumber) => {
        const v = { peripheralQualifier: 0, peripheralDeviceType: 0, productSerialNumber };
        expect(decodeUnitSerialNumber(encodeUnitSerialNumber(v))).toEqual(v);
      }),
    );
  });

  it('rejects a wrong page code, a cut page and non-ASCII serials', () => {
    expect(senseOf(() => decodeUnitSerialNumber(hex('00 83 00 00'))).fieldPointer).toEqual({
      commandData: false,
      field: 1,
      bit: undefined,
    });
    expect(senseOf(() => decodeUnitSerialNumber(golden.subarray(0, 8))).asc).toBe(0x1a);
    expect(() =>
      encodeUnitSerialNumber({
        peripheralQualifier: 0,
        peripheralDeviceType: 0,
        productSerialNumber: 'n\u00b0 1',
      }),
    ).toThrow(RangeError);
  });
});
