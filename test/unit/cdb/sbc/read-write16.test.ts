import * as fc from 'fast-check';
import { decodeRead16, decodeWrite16, encodeRead16, encodeWrite16 } from '../../../../cdb/sbc/read-write16';
import { control, groupNumber, protect, u32, u64 } from './arbitraries';
import { expectInvalidCdb, expectInvalidOpcode, hex } from './sense';

const readByte1 = { rdprotect: protect, dpo: fc.boolean(), fua: fc.boolean(), rarc: fc.boolean() };
const writeByte1 = { wrprotect: protect, dpo: fc.boolean(), fua: fc.boolean() };

describe('READ/WRITE(16)', () => {
  const fields = { logicalBlockAddress: u64, transferLength: u32, groupNumber, control };

  it('round-trips', () => {
    fc.assert(
      fc.property(fc.record({ ...readByte1, ...fields }), (v) =>
        expect(decodeRead16(encodeRead16(v))).toEqual(v),
      ),
    );
    fc.assert(
      fc.property(fc.record({ ...writeByte1, ...fields }), (v) =>
        expect(decodeWrite16(encodeWrite16(v))).toEqual(v),
      ),
    );
  });

  it('golden READ(16) with a 64-bit LBA', () => {
    const cdb = hex(
      '88' + //                    OPERATION CODE
        '24' + //                  RDPROTECT 001b | RARC
        '00 00 01 23 45 67 89 ab' + // LBA
        '00 00 00 08' + //         TRANSFER LENGTH 8
        '00' + //                  DLD1/DLD0/GROUP NUMBER
        '00', //                   CONTROL
    );
    const v = {
      rdprotect: 1,
      dpo: false,
      fua: false,
      rarc: true,
      logicalBlockAddress: 0x123456789abn,
      transferLength: 8,
      groupNumber: 0,
      control: 0,
    };
    expect(encodeRead16(v)).toEqual(cdb);
    expect(decodeRead16(cdb)).toEqual(v);
  });

  it('ignores DLD bits, rejects reserved WRPROTECT, wrong opcode and short CDB', () => {
    const w = decodeWrite16(hex('8a 01 00 00 00 00 00 00 00 00 00 00 00 01 c2 00'));
    expect([w.groupNumber, w.wrprotect]).toEqual([2, 0]);
    expectInvalidCdb(() => decodeWrite16(hex('8a c0 00 00 00 00 00 00 00 00 00 00 00 01 00 00')), 1, 7);
    expectInvalidOpcode(() => decodeRead16(hex('8a 00 00 00 00 00 00 00 00 00 00 00 00 01 00 00')));
    expectInvalidCdb(() => decodeRead16(hex('88 00 00')), 0);
  });

  it('refuses a negative or 65-bit LBA when encoding', () => {
    const base = { wrprotect: 0, dpo: false, fua: false, transferLength: 1, groupNumber: 0, control: 0 };
    expect(() => encodeWrite16({ ...base, logicalBlockAddress: -1n })).toThrow(RangeError);
    expect(() => encodeWrite16({ ...base, logicalBlockAddress: 1n << 64n })).toThrow(RangeError);
  });
});
