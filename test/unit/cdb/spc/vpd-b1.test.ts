import * as fc from 'fast-check';
import {
  decodeBlockDeviceCharacteristics,
  encodeBlockDeviceCharacteristics,
  NON_ROTATING_MEDIUM,
  type BlockDeviceCharacteristicsPage,
} from '../../../../cdb/spc/vpd-b1';
import { hex, senseOf } from './helpers';

const GOLDEN = Buffer.concat([
  hex('00 b1 00 3c'), // PDT 00h | PAGE CODE B1h | PAGE LENGTH 60
  hex('0001'), // MEDIUM ROTATION RATE: non-rotating
  hex('00'), // PRODUCT TYPE: not indicated
  hex('63'), // WABEREQ 01b, WACEREQ 10b, NOMINAL FORM FACTOR 3h (2.5")
  hex('13'), // ZONED 01b (host aware), FUAB 1, VBULS 1
  Buffer.alloc(55), // reserved
]);

const FIELDS: BlockDeviceCharacteristicsPage = {
  peripheralQualifier: 0,
  peripheralDeviceType: 0,
  mediumRotationRate: NON_ROTATING_MEDIUM,
  productType: 0,
  wabereq: 1,
  wacereq: 2,
  nominalFormFactor: 3,
  zoned: 1,
  fuab: true,
  vbuls: true,
};

describe('Block Device Characteristics VPD page B1h (SBC-3 6.6.2)', () => {
  it('decodes and encodes the hand-written page', () => {
    expect(GOLDEN.length).toBe(64);
    expect(decodeBlockDeviceCharacteristics(GOLDEN)).toEqual(FIELDS);
    expect(encodeBlockDeviceCharacteristics(FIELDS)).toEqual(GOLDEN);
  });

  it('a short page reports missing fields as zero', () => {
    // PAGE LENGTH 4: a 7200 rpm disk whose byte 8 is missing.
    expect(decodeBlockDeviceCharacteristics(hex('00 b1 00 04 1c20 05 02'))).toEqual({
      ...FIELDS,
      mediumRotationRate: 7200,
      productType: 5,
      wabereq: 0,
      wacereq: 0,
      nominalFormFactor: 2,
      zoned: 0,
      fuab: false,
      vbuls: false,
    });
    expect(decodeBlockDeviceCharacteristics(hex('00 b1 00 01 1c')).mediumRotationRate).toBe(0);
  });

  it('round-trips', () => {
    const u = (bits: number): fc.Arbitrary<number> => fc.integer({ min: 0, max: 2 ** bits - 1 });
    const arb = fc.record({
      peripheralQualifier: u(3),
      peripheralDeviceType: u(5),
      mediumRotationRate: u(16),
      productType: u(8),
      wabereq: u(2),
      wacereq: u(2),
      nominalFormFactor: u(4),
      zoned: u(2),
      fuab: fc.boolean(),
      vbuls: fc.boolean(),
    });
    fc.assert(
      fc.property(arb, (v) =>
        expect(decodeBlockDeviceCharacteristics(encodeBlockDeviceCharacteristics(v))).toEqual(v),
      ),
    );
  });

  it('rejects a wrong page code and a cut page; encoder checks ranges', () => {
    expect(senseOf(() => decodeBlockDeviceCharacteristics(hex('00 b0 00 00'))).fieldPointer?.field).toBe(1);
    expect(senseOf(() => decodeBlockDeviceCharacteristics(GOLDEN.subarray(0, 10))).asc).toBe(0x1a);
    expect(() => encodeBlockDeviceCharacteristics({ ...FIELDS, zoned: 4 })).toThrow(RangeError);
    expect(() => encodeBlockDeviceCharacteristics({ ...FIELDS, nominalFormFactor: 16 })).toThrow(RangeError);
  });
});
