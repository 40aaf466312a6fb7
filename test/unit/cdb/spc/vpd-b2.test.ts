import * as fc from 'fast-check';
import { naa6Designator } from '../../../../cdb/spc/vpd-83';
import {
  decodeLogicalBlockProvisioning,
  encodeLogicalBlockProvisioning,
  PROVISIONING_TYPE,
  type LogicalBlockProvisioningPage,
} from '../../../../cdb/spc/vpd-b2';
import { editsArb, hex, mutatedDecodesOrSense, senseOf } from './helpers';

// A thin-provisioned LU: SBC-3 table 211, written by hand.
const GOLDEN = hex(
  [
    '00 b2 00 04', // PDT 00h | PAGE CODE B2h | PAGE LENGTH 4
    '0c', // THRESHOLD EXPONENT 12
    'e4', // LBPU 1, LBPWS 1, LBPWS10 1, LBPRZ 001b, ANC_SUP 0, DP 0
    '0a', // MINIMUM PERCENTAGE 1, PROVISIONING TYPE 2h (thin)
    '50', // THRESHOLD PERCENTAGE 80
  ].join(''),
);

const FIELDS: LogicalBlockProvisioningPage = {
  peripheralQualifier: 0,
  peripheralDeviceType: 0,
  thresholdExponent: 12,
  lbpu: true,
  lbpws: true,
  lbpws10: true,
  lbprz: 1,
  ancSup: false,
  dp: false,
  minimumPercentage: 1,
  provisioningType: PROVISIONING_TYPE.THIN,
  thresholdPercentage: 80,
};

// The same with DP=1 and an NAA-6 provisioning group descriptor.
const WITH_GROUP = hex(
  [
    '00 b2 00 18', // PAGE LENGTH 24
    '0c e7 0a 50', // as above, ANC_SUP 1, DP 1
    '01 03 00 10 6001405000000001 0000000000000002', // binary, LU, NAA, 16 bytes
  ].join(''),
);

describe('Logical Block Provisioning VPD page B2h (SBC-3 6.6.4)', () => {
  it('decodes and encodes the hand-written page', () => {
    expect(decodeLogicalBlockProvisioning(GOLDEN)).toEqual(FIELDS);
    expect(encodeLogicalBlockProvisioning(FIELDS)).toEqual(GOLDEN);
  });

  it('carries a provisioning group descriptor when DP is set', () => {
    const v = {
      ...FIELDS,
      ancSup: true,
      dp: true,
      provisioningGroupDescriptor: naa6Designator(0x001405, 1, 2n),
    };
    expect(decodeLogicalBlockProvisioning(WITH_GROUP)).toEqual(v);
    expect(encodeLogicalBlockProvisioning(v)).toEqual(WITH_GROUP);
  });

  it('ignores bytes after byte 7 when DP is zero', () => {
    const extra = Buffer.from(WITH_GROUP);
    extra[5] &= 0xfe;
    expect(decodeLogicalBlockProvisioning(extra).provisioningGroupDescriptor).toBeUndefined();
  });

  it('round-trips', () => {
    const u = (bits: number): fc.Arbitrary<number> => fc.integer({ min: 0, max: 2 ** bits - 1 });
    const arb = fc
      .tuple(
        fc.record({
          peripheralQualifier: u(3),
          peripheralDeviceType: u(5),
          thresholdExponent: u(8),
          lbpu: fc.boolean(),
          lbpws: fc.boolean(),
          lbpws10: fc.boolean(),
          lbprz: u(3),
          ancSup: fc.boolean(),
          minimumPercentage: u(5),
          provisioningType: u(3),
          thresholdPercentage: u(8),
        }),
        fc.option(fc.tuple(u(24), u(36), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })), { nil: undefined }),
      )
      .map(([b, g]): LogicalBlockProvisioningPage => {
        if (g === undefined) return { ...b, dp: false };
        return { ...b, dp: true, provisioningGroupDescriptor: naa6Designator(g[0], g[1], g[2]) };
      });
    fc.assert(
      fc.property(arb, (v) =>
        expect(decodeLogicalBlockProvisioning(encodeLogicalBlockProvisioning(v))).toEqual(v),
      ),
    );
  });

  it('mutated pages decode or throw SenseError only', () => {
    fc.assert(
      fc.property(editsArb, fc.nat(), (edits, cut) =>
        mutatedDecodesOrSense(decodeLogicalBlockProvisioning, WITH_GROUP, edits, cut),
      ),
      { numRuns: 300 },
    );
  });

  it('DP without a descriptor is INVALID FIELD IN PARAMETER LIST at byte 5 bit 0', () => {
    const bad = Buffer.from(GOLDEN);
    bad[5] |= 0x01;
    const e = senseOf(() => decodeLogicalBlockProvisioning(bad));
    expect([e.senseKey, e.asc, e.ascq]).toEqual([0x05, 0x26, 0x00]);
    expect(e.fieldPointer).toEqual({ commandData: false, field: 5, bit: 0 });
  });

  it('a bad descriptor, a short page and a wrong page code are rejected', () => {
    // Descriptor claims 16 bytes but the page ends after 4: DESIGNATOR LENGTH is page byte 11.
    const e = senseOf(() => decodeLogicalBlockProvisioning(hex('00 b2 00 08 0c e5 0a 50 01 03 00 10')));
    expect([e.asc, e.fieldPointer?.field]).toEqual([0x26, 11]);
    expect(senseOf(() => decodeLogicalBlockProvisioning(hex('00 b2 00 02 0c e4'))).asc).toBe(0x1a);
    expect(
      senseOf(() => decodeLogicalBlockProvisioning(hex('00 b0 00 04 0c e4 0a 50'))).fieldPointer?.field,
    ).toBe(1);
  });

  it('encoder insists that DP matches the descriptor and checks ranges', () => {
    expect(() => encodeLogicalBlockProvisioning({ ...FIELDS, dp: true })).toThrow(RangeError);
    expect(() =>
      encodeLogicalBlockProvisioning({ ...FIELDS, provisioningGroupDescriptor: naa6Designator(1, 1, 1n) }),
    ).toThrow(RangeError);
    expect(() => encodeLogicalBlockProvisioning({ ...FIELDS, lbprz: 8 })).toThrow(RangeError);
    expect(() => encodeLogicalBlockProvisioning({ ...FIELDS, minimumPercentage: 32 })).toThrow(RangeError);
  });
});
