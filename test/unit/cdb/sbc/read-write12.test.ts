import * as fc from 'fast-check';
import { decodeRead12, decodeWrite12, encodeRead12, encodeWrite12 } from '../../../../cdb/sbc/read-write12';
import { control, groupNumber, protect, u32 } from './arbitraries';
import { expectInvalidCdb, expectInvalidOpcode, hex } from './sense';

const readByte1 = { rdprotect: protect, dpo: fc.boolean(), fua: fc.boolean(), rarc: fc.boolean() };
const writeByte1 = { wrprotect: protect, dpo: fc.boolean(), fua: fc.boolean() };

describe('READ/WRITE(12)', () => {
  const fields = { logicalBlockAddress: u32, transferLength: u32, groupNumber, control };

  it('round-trips', () => {
    fc.assert(
      fc.property(fc.record({ ...readByte1, ...fields }), (v) =>
        expect(decodeRead12(encodeRead12(v))).toEqual(v),
      ),
    );
    fc.assert(
      fc.property(fc.record({ ...writeByte1, ...fields }), (v) =>
        expect(decodeWrite12(encodeWrite12(v))).toEqual(v),
      ),
    );
  });

  it('golden WRITE(12)', () => {
    const cdb = hex(
      'aa' + //           OPERATION CODE
        '18' + //         DPO | FUA
        'ff ff ff fe' + // LBA
        '00 01 00 00' + // TRANSFER LENGTH 65536
        '3f' + //         GROUP NUMBER 63
        '80', //          CONTROL (NACA-ish bit, opaque here)
    );
    const v = {
      wrprotect: 0,
      dpo: true,
      fua: true,
      logicalBlockAddress: 0xfffffffe,
      transferLength: 0x10000,
      groupNumber: 63,
      control: 0x80,
    };
    expect(encodeWrite12(v)).toEqual(cdb);
    expect(decodeWrite12(cdb)).toEqual(v);
  });

  it('ignores the MMC-restricted bit 7 of byte 10 and rejects a reserved RDPROTECT', () => {
    expect(decodeRead12(hex('a8 00 00 00 00 01 00 00 00 02 81 00')).groupNumber).toBe(1);
    expectInvalidCdb(() => decodeRead12(hex('a8 e0 00 00 00 01 00 00 00 02 00 00')), 1, 7);
    expectInvalidOpcode(() => decodeWrite12(hex('a8 00 00 00 00 01 00 00 00 02 00 00')));
    expectInvalidCdb(() => decodeRead12(hex('a8 00 00 00 00 01 00 00 00 02 00')), 0);
  });
});
