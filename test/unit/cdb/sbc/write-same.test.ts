import * as fc from 'fast-check';
import {
  decodeWriteSame10,
  decodeWriteSame16,
  encodeWriteSame10,
  encodeWriteSame16,
} from '../../../../cdb/sbc/write-same';
import { control, groupNumber, protect, u16, u32, u64 } from './arbitraries';
import { expectInvalidCdb, expectInvalidOpcode, hex } from './sense';

// PBDATA and LBDATA together are invalid, so the arbitrary draws at most one of them.
const dataBits = fc.constantFrom(
  { pbdata: false, lbdata: false },
  { pbdata: true, lbdata: false },
  { pbdata: false, lbdata: true },
);
const byte1 = { wrprotect: protect, anchor: fc.boolean(), unmap: fc.boolean() };

describe('WRITE SAME(10) / (16)', () => {
  it('round-trips', () => {
    const w10 = fc
      .tuple(
        fc.record({ ...byte1, logicalBlockAddress: u32, groupNumber, numberOfLogicalBlocks: u16, control }),
        dataBits,
      )
      .map(([a, b]) => ({ ...a, ...b }));
    const w16 = fc
      .tuple(
        fc.record({
          ...byte1,
          ndob: fc.boolean(),
          logicalBlockAddress: u64,
          numberOfLogicalBlocks: u32,
          groupNumber,
          control,
        }),
        dataBits,
      )
      .map(([a, b]) => ({ ...a, ...b }));
    fc.assert(fc.property(w10, (v) => expect(decodeWriteSame10(encodeWriteSame10(v))).toEqual(v)));
    fc.assert(fc.property(w16, (v) => expect(decodeWriteSame16(encodeWriteSame16(v))).toEqual(v)));
  });

  it('golden WRITE SAME(16) with UNMAP and NDOB (deallocate 64 Ki blocks at LBA 1 Mi, no data-out)', () => {
    const cdb = hex(
      '93' + //                    OPERATION CODE
        '09' + //                  WRPROTECT 000b, ANCHOR 0, UNMAP 1 (bit 3), PBDATA 0, LBDATA 0, NDOB 1 (bit 0)
        '00 00 00 00 00 10 00 00' + // LOGICAL BLOCK ADDRESS 100000h
        '00 01 00 00' + //         NUMBER OF LOGICAL BLOCKS 10000h
        '00' + //                  GROUP NUMBER
        '00', //                   CONTROL
    );
    const v = {
      wrprotect: 0,
      anchor: false,
      unmap: true,
      pbdata: false,
      lbdata: false,
      ndob: true,
      logicalBlockAddress: 0x100000n,
      numberOfLogicalBlocks: 0x10000,
      groupNumber: 0,
      control: 0,
    };
    expect(encodeWriteSame16(v)).toEqual(cdb);
    expect(decodeWriteSame16(cdb)).toEqual(v);
  });

  it('golden WRITE SAME(10) with ANCHOR and UNMAP', () => {
    const cdb = hex('41 18 00 00 00 80 00 00 10 00');
    expect(decodeWriteSame10(cdb)).toEqual({
      wrprotect: 0,
      anchor: true,
      unmap: true,
      pbdata: false,
      lbdata: false,
      logicalBlockAddress: 0x80,
      groupNumber: 0,
      numberOfLogicalBlocks: 16,
      control: 0,
    });
  });

  it('rejects PBDATA and LBDATA both set at byte 1 bit 2', () => {
    expectInvalidCdb(() => decodeWriteSame10(hex('41 06 00 00 00 00 00 00 01 00')), 1, 2);
    expectInvalidCdb(() => decodeWriteSame16(hex('93 06 00 00 00 00 00 00 00 00 00 00 00 01 00 00')), 1, 2);
  });

  it('rejects a reserved WRPROTECT, wrong opcode and short CDB', () => {
    expectInvalidCdb(() => decodeWriteSame16(hex('93 e8 00 00 00 00 00 00 00 00 00 00 00 01 00 00')), 1, 7);
    expectInvalidOpcode(() => decodeWriteSame10(hex('93 00 00 00 00 00 00 00 01 00')));
    expectInvalidOpcode(() => decodeWriteSame16(hex('41 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00')));
    expectInvalidCdb(() => decodeWriteSame16(hex('93 08 00 00 00 00 00 00 00 00')), 0);
  });
});
