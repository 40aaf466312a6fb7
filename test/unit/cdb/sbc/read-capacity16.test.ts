import * as fc from 'fast-check';
import {
  decodeReadCapacity16,
  decodeReadCapacity16Data,
  encodeReadCapacity16,
  encodeReadCapacity16Data,
} from '../../../../cdb/sbc/read-capacity16';
import { control, u32, u64 } from './arbitraries';
import { expectInvalidCdb, expectInvalidOpcode, expectParamListLength, hex } from './sense';

describe('READ CAPACITY(16)', () => {
  const cdb16 = fc.oneof(
    fc.record({ logicalBlockAddress: u64, allocationLength: u32, pmi: fc.constant(true), control }),
    fc.record({
      logicalBlockAddress: fc.constant(0n),
      allocationLength: u32,
      pmi: fc.constant(false),
      control,
    }),
  );
  const data16 = fc.record({
    returnedLogicalBlockAddress: u64,
    logicalBlockLengthInBytes: u32,
    rcBasis: fc.integer({ min: 0, max: 3 }),
    pType: fc.integer({ min: 0, max: 7 }),
    protEn: fc.boolean(),
    pIExponent: fc.integer({ min: 0, max: 15 }),
    logicalBlocksPerPhysicalBlockExponent: fc.integer({ min: 0, max: 15 }),
    lbpme: fc.boolean(),
    lbprz: fc.boolean(),
    lowestAlignedLogicalBlockAddress: fc.integer({ min: 0, max: 0x3fff }),
  });

  it('round-trips the CDB and the 32-byte data', () => {
    fc.assert(fc.property(cdb16, (v) => expect(decodeReadCapacity16(encodeReadCapacity16(v))).toEqual(v)));
    fc.assert(
      fc.property(data16, (v) => {
        const b = encodeReadCapacity16Data(v);
        expect(b.length).toBe(32);
        expect(decodeReadCapacity16Data(b)).toEqual(v);
      }),
    );
  });

  it('golden CDB: SERVICE ACTION IN(16) 9Eh / 10h, allocation length 32', () => {
    const cdb = hex('9e 10 00 00 00 00 00 00 00 00 00 00 00 20 00 00');
    expect(
      encodeReadCapacity16({ logicalBlockAddress: 0n, allocationLength: 32, pmi: false, control: 0 }),
    ).toEqual(cdb);
    expect(decodeReadCapacity16(cdb)).toEqual({
      logicalBlockAddress: 0n,
      allocationLength: 32,
      pmi: false,
      control: 0,
    });
  });

  it('golden data: 512e thin-provisioned disk with type 2 protection', () => {
    const data = hex(
      '00 00 00 00 3a 38 12 af' + // RETURNED LOGICAL BLOCK ADDRESS 3A3812AFh (last LBA)
        '00 00 02 00' + //         LOGICAL BLOCK LENGTH IN BYTES 512
        '13' + //                  RC BASIS 01b (bits 5-4) | P_TYPE 001b (bits 3-1) | PROT_EN 1
        '03' + //                  P_I_EXPONENT 0 | LOGICAL BLOCKS PER PHYSICAL BLOCK EXPONENT 3 (4 KiB physical)
        'c0 07' + //               LBPME 1 | LBPRZ 1 | LOWEST ALIGNED LOGICAL BLOCK ADDRESS 7
        '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00', // reserved
    );
    const v = {
      returnedLogicalBlockAddress: 0x3a3812afn,
      logicalBlockLengthInBytes: 512,
      rcBasis: 1,
      pType: 1,
      protEn: true,
      pIExponent: 0,
      logicalBlocksPerPhysicalBlockExponent: 3,
      lbpme: true,
      lbprz: true,
      lowestAlignedLogicalBlockAddress: 7,
    };
    expect(encodeReadCapacity16Data(v)).toEqual(data);
    expect(decodeReadCapacity16Data(data)).toEqual(v);
    // Data truncated to the 16 bytes that carry fields still decodes; bytes 16-31 are reserved.
    expect(decodeReadCapacity16Data(data.subarray(0, 16))).toEqual(v);
  });

  it('rejects the wrong service action at byte 1 bit 4 and the wrong opcode at byte 0', () => {
    expectInvalidCdb(
      () => decodeReadCapacity16(hex('9e 12 00 00 00 00 00 00 00 00 00 00 00 20 00 00')),
      1,
      4,
    );
    expectInvalidOpcode(() => decodeReadCapacity16(hex('9f 10 00 00 00 00 00 00 00 00 00 00 00 20 00 00')));
  });

  it('rejects a non-zero LBA with PMI zero, a short CDB and short data', () => {
    expectInvalidCdb(() => decodeReadCapacity16(hex('9e 10 00 00 00 00 00 00 00 08 00 00 00 20 00 00')), 2);
    expectInvalidCdb(() => decodeReadCapacity16(hex('9e 10 00 00')), 0);
    expectParamListLength(() => decodeReadCapacity16Data(Buffer.alloc(15)));
  });

  it('refuses fields wider than their bits when encoding', () => {
    const base = {
      returnedLogicalBlockAddress: 0n,
      logicalBlockLengthInBytes: 512,
      rcBasis: 0,
      pType: 0,
      protEn: false,
      pIExponent: 0,
      logicalBlocksPerPhysicalBlockExponent: 0,
      lbpme: false,
      lbprz: false,
      lowestAlignedLogicalBlockAddress: 0,
    };
    expect(() => encodeReadCapacity16Data({ ...base, lowestAlignedLogicalBlockAddress: 0x4000 })).toThrow(
      RangeError,
    );
    expect(() => encodeReadCapacity16Data({ ...base, rcBasis: 4 })).toThrow(RangeError);
    expect(() => encodeReadCapacity16Data({ ...base, pType: 8 })).toThrow(RangeError);
  });
});
