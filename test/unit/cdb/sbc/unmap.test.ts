import * as fc from 'fast-check';
import {
  decodeUnmap,
  decodeUnmapParameterList,
  encodeUnmap,
  encodeUnmapParameterList,
  UNMAP_MAX_DESCRIPTORS,
} from '../../../../cdb/sbc/unmap';
import { control, groupNumber, u16, u32, u64 } from './arbitraries';
import {
  expectInvalidCdb,
  expectInvalidOpcode,
  expectInvalidParam,
  expectParamListLength,
  hex,
} from './sense';

const descriptor = fc.record({ unmapLogicalBlockAddress: u64, numberOfLogicalBlocks: u32 });

describe('UNMAP CDB', () => {
  it('round-trips', () => {
    const cdb = fc.record({ anchor: fc.boolean(), groupNumber, parameterListLength: u16, control });
    fc.assert(fc.property(cdb, (v) => expect(decodeUnmap(encodeUnmap(v))).toEqual(v)));
  });

  it('golden: PARAMETER LIST LENGTH 58h, ANCHOR', () => {
    const cdb = hex(
      '42' + //             OPERATION CODE
        '01' + //           ANCHOR
        '00 00 00 00' + //  reserved
        '00' + //           GROUP NUMBER
        '00 58' + //        PARAMETER LIST LENGTH 88
        '00', //            CONTROL
    );
    const v = { anchor: true, groupNumber: 0, parameterListLength: 88, control: 0 };
    expect(encodeUnmap(v)).toEqual(cdb);
    expect(decodeUnmap(cdb)).toEqual(v);
  });

  it('rejects a wrong opcode and a short CDB', () => {
    expectInvalidOpcode(() => decodeUnmap(hex('41 00 00 00 00 00 00 00 18 00')));
    expectInvalidCdb(() => decodeUnmap(hex('42 00 00 00 00 00 00 00 18')), 0);
  });
});

describe('UNMAP parameter list', () => {
  it('round-trips any list of descriptors', () => {
    fc.assert(
      fc.property(fc.array(descriptor, { maxLength: 40 }), (descriptors) => {
        const b = encodeUnmapParameterList({ descriptors });
        expect(b.length).toBe(8 + 16 * descriptors.length);
        expect(decodeUnmapParameterList(b)).toEqual({ descriptors });
      }),
    );
  });

  it('golden: five descriptors (the list sg3_utils builds from examples/sg_unmap_example.txt)', () => {
    const list = hex(
      '00 56' + //                     UNMAP DATA LENGTH 86 (n-1, n = 87)
        '00 50' + //                   UNMAP BLOCK DESCRIPTOR DATA LENGTH 80 (5 x 16)
        '00 00 00 00' + //             reserved
        '00 00 00 00 12 34 56 77 00 00 00 01 00 00 00 00' + // LBA 12345677h, 1 block
        '00 00 00 00 12 34 56 78 00 00 00 02 00 00 00 00' + // LBA 12345678h, 2 blocks
        '00 00 00 00 12 34 00 00 00 00 0d 05 00 00 00 00' + // LBA 12340000h, 3333 blocks
        '00 00 00 5a 5a 5a 5a 5a 00 00 00 00 00 00 00 00' + // LBA 5A5A5A5A5Ah, 0 blocks (no-op)
        '00 00 00 00 00 a5 a5 a5 00 00 00 07 00 00 00 00', //  LBA A5A5A5h, 7 blocks
    );
    const v = {
      descriptors: [
        { unmapLogicalBlockAddress: 0x12345677n, numberOfLogicalBlocks: 1 },
        { unmapLogicalBlockAddress: 0x12345678n, numberOfLogicalBlocks: 2 },
        { unmapLogicalBlockAddress: 0x12340000n, numberOfLogicalBlocks: 3333 },
        { unmapLogicalBlockAddress: 0x5a5a5a5a5an, numberOfLogicalBlocks: 0 },
        { unmapLogicalBlockAddress: 0xa5a5a5n, numberOfLogicalBlocks: 7 },
      ],
    };
    expect(list.length).toBe(88);
    expect(encodeUnmapParameterList(v)).toEqual(list);
    expect(decodeUnmapParameterList(list)).toEqual(v);
  });

  it('an empty list is the 8-byte header with zero lengths', () => {
    expect(encodeUnmapParameterList({ descriptors: [] })).toEqual(hex('00 06 00 00 00 00 00 00'));
    expect(decodeUnmapParameterList(hex('00 06 00 00 00 00 00 00'))).toEqual({ descriptors: [] });
  });

  it('PARAMETER LIST LENGTH 1-7 (fewer bytes than the header) is 05/1A/00', () => {
    for (let n = 0; n < 8; n++) expectParamListLength(() => decodeUnmapParameterList(Buffer.alloc(n)));
  });

  it('UNMAP DATA LENGTH too small for the descriptor data is 05/26/00 at byte 0', () => {
    const list = hex('00 10 00 10 00 00 00 00 00 00 00 00 00 00 00 01 00 00 00 01 00 00 00 00');
    expectInvalidParam(() => decodeUnmapParameterList(list), 0);
  });

  it('descriptors cut short by PARAMETER LIST LENGTH: the complete ones are processed', () => {
    const full = encodeUnmapParameterList({
      descriptors: [
        { unmapLogicalBlockAddress: 1n, numberOfLogicalBlocks: 1 },
        { unmapLogicalBlockAddress: 2n, numberOfLogicalBlocks: 2 },
      ],
    });
    expect(decodeUnmapParameterList(full.subarray(0, 8 + 16 + 5))).toEqual({
      descriptors: [{ unmapLogicalBlockAddress: 1n, numberOfLogicalBlocks: 1 }],
    });
  });

  it('a descriptor data length that is not a multiple of 16 drops the incomplete last descriptor', () => {
    const list = hex(
      '00 1a 00 14 00 00 00 00' + // UNMAP DATA LENGTH 26, UNMAP BLOCK DESCRIPTOR DATA LENGTH 20
        '00 00 00 00 00 00 00 09 00 00 00 03 00 00 00 00' + // LBA 9, 3 blocks
        '00 00 00 00', //                                     4 stray bytes, ignored
    );
    expect(decodeUnmapParameterList(list)).toEqual({
      descriptors: [{ unmapLogicalBlockAddress: 9n, numberOfLogicalBlocks: 3 }],
    });
  });

  it('refuses more descriptors than the 16-bit lengths can describe', () => {
    const many = Array.from({ length: UNMAP_MAX_DESCRIPTORS + 1 }, () => ({
      unmapLogicalBlockAddress: 0n,
      numberOfLogicalBlocks: 0,
    }));
    expect(() => encodeUnmapParameterList({ descriptors: many })).toThrow(RangeError);
    expect(encodeUnmapParameterList({ descriptors: many.slice(1) }).readUInt16BE(0)).toBe(
      6 + 16 * UNMAP_MAX_DESCRIPTORS,
    );
  });
});
