import * as fc from 'fast-check';
import { decodeBlockLimits, encodeBlockLimits, type BlockLimitsPage } from '../../../../cdb/spc/vpd-b0';
import { hex, senseOf } from './helpers';

// SBC-3 table 208 / SBC-4 Block Limits page, written by hand.
const GOLDEN = hex(
  [
    '00 b0 00 3c', // PDT 00h | PAGE CODE B0h | PAGE LENGTH 60
    '01', // WSNZ 1
    '01', // MAXIMUM COMPARE AND WRITE LENGTH 1
    '0008', // OPTIMAL TRANSFER LENGTH GRANULARITY 8
    '00002000', // MAXIMUM TRANSFER LENGTH 8192
    '00000800', // OPTIMAL TRANSFER LENGTH 2048
    '00000000', // MAXIMUM PREFETCH LENGTH 0
    '00400000', // MAXIMUM UNMAP LBA COUNT 4 Mi
    '00000100', // MAXIMUM UNMAP BLOCK DESCRIPTOR COUNT 256
    '00000008', // OPTIMAL UNMAP GRANULARITY 8
    '80000004', // UGAVALID 1, UNMAP GRANULARITY ALIGNMENT 4
    '0000000000010000', // MAXIMUM WRITE SAME LENGTH 65536
    '00000010', // MAXIMUM ATOMIC TRANSFER LENGTH 16
    '00000001', // ATOMIC ALIGNMENT 1
    '00000002', // ATOMIC TRANSFER LENGTH GRANULARITY 2
    '00000020', // MAXIMUM ATOMIC TRANSFER LENGTH WITH ATOMIC BOUNDARY 32
    '00000040', // MAXIMUM ATOMIC BOUNDARY SIZE 64
  ].join(''),
);

const FIELDS: BlockLimitsPage = {
  peripheralQualifier: 0,
  peripheralDeviceType: 0,
  wsnz: true,
  maximumCompareAndWriteLength: 1,
  optimalTransferLengthGranularity: 8,
  maximumTransferLength: 8192,
  optimalTransferLength: 2048,
  maximumPrefetchLength: 0,
  maximumUnmapLbaCount: 0x400000,
  maximumUnmapBlockDescriptorCount: 256,
  optimalUnmapGranularity: 8,
  ugavalid: true,
  unmapGranularityAlignment: 4,
  maximumWriteSameLength: 65536n,
  maximumAtomicTransferLength: 16,
  atomicAlignment: 1,
  atomicTransferLengthGranularity: 2,
  maximumAtomicTransferLengthWithAtomicBoundary: 32,
  maximumAtomicBoundarySize: 64,
};

const ZERO: Omit<BlockLimitsPage, 'peripheralQualifier' | 'peripheralDeviceType'> = {
  wsnz: false,
  maximumCompareAndWriteLength: 0,
  optimalTransferLengthGranularity: 0,
  maximumTransferLength: 0,
  optimalTransferLength: 0,
  maximumPrefetchLength: 0,
  maximumUnmapLbaCount: 0,
  maximumUnmapBlockDescriptorCount: 0,
  optimalUnmapGranularity: 0,
  ugavalid: false,
  unmapGranularityAlignment: 0,
  maximumWriteSameLength: 0n,
  maximumAtomicTransferLength: 0,
  atomicAlignment: 0,
  atomicTransferLengthGranularity: 0,
  maximumAtomicTransferLengthWithAtomicBoundary: 0,
  maximumAtomicBoundarySize: 0,
};

describe('Block Limits VPD page B0h (SBC-3 6.6.3)', () => {
  it('decodes and encodes the hand-written page', () => {
    expect(GOLDEN.length).toBe(64);
    expect(decodeBlockLimits(GOLDEN)).toEqual(FIELDS);
    expect(encodeBlockLimits(FIELDS)).toEqual(GOLDEN);
  });

  it('a 16-byte page from an older device reports the rest as zero', () => {
    const old = Buffer.from(GOLDEN.subarray(0, 16));
    old.writeUInt16BE(0x0c, 2);
    expect(decodeBlockLimits(old)).toEqual({
      ...FIELDS,
      ...ZERO,
      wsnz: true,
      maximumCompareAndWriteLength: 1,
      optimalTransferLengthGranularity: 8,
      maximumTransferLength: 8192,
      optimalTransferLength: 2048,
    });
  });

  it('a field cut by PAGE LENGTH counts as absent, and an empty page is all zero', () => {
    const cut = Buffer.from(GOLDEN.subarray(0, 42)); // ends inside MAXIMUM WRITE SAME LENGTH
    cut.writeUInt16BE(38, 2);
    const v = decodeBlockLimits(cut);
    expect(v.unmapGranularityAlignment).toBe(4);
    expect(v.ugavalid).toBe(true);
    expect(v.maximumWriteSameLength).toBe(0n);
    expect(decodeBlockLimits(hex('00 b0 00 00'))).toEqual({
      peripheralQualifier: 0,
      peripheralDeviceType: 0,
      ...ZERO,
    });
  });

  it('round-trips', () => {
    const u = (bits: number): fc.Arbitrary<number> => fc.integer({ min: 0, max: 2 ** bits - 1 });
    const arb = fc.record({
      peripheralQualifier: u(3),
      peripheralDeviceType: u(5),
      wsnz: fc.boolean(),
      maximumCompareAndWriteLength: u(8),
      optimalTransferLengthGranularity: u(16),
      maximumTransferLength: u(32),
      optimalTransferLength: u(32),
      maximumPrefetchLength: u(32),
      maximumUnmapLbaCount: u(32),
      maximumUnmapBlockDescriptorCount: u(32),
      optimalUnmapGranularity: u(32),
      ugavalid: fc.boolean(),
      unmapGranularityAlignment: u(31),
      maximumWriteSameLength: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      maximumAtomicTransferLength: u(32),
      atomicAlignment: u(32),
      atomicTransferLengthGranularity: u(32),
      maximumAtomicTransferLengthWithAtomicBoundary: u(32),
      maximumAtomicBoundarySize: u(32),
    });
    fc.assert(fc.property(arb, (v) => expect(decodeBlockLimits(encodeBlockLimits(v))).toEqual(v)));
  });

  it('rejects a wrong page code and a cut page; encoder checks ranges', () => {
    expect(senseOf(() => decodeBlockLimits(hex('00 b1 00 00'))).fieldPointer?.field).toBe(1);
    expect(senseOf(() => decodeBlockLimits(GOLDEN.subarray(0, 63))).asc).toBe(0x1a);
    expect(() => encodeBlockLimits({ ...FIELDS, unmapGranularityAlignment: 2 ** 31 })).toThrow(RangeError);
    expect(() => encodeBlockLimits({ ...FIELDS, maximumWriteSameLength: -1n })).toThrow(RangeError);
    expect(() => encodeBlockLimits({ ...FIELDS, maximumCompareAndWriteLength: 256 })).toThrow(RangeError);
    expect(() => encodeBlockLimits({ ...FIELDS, maximumTransferLength: 2 ** 32 })).toThrow(RangeError);
  });
});
