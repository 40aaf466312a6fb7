import * as fc from 'fast-check';
import { decodeRead10, decodeWrite10, encodeRead10, encodeWrite10 } from '../../../../cdb/sbc/read-write10';
import { control, groupNumber, protect, u16, u32 } from './arbitraries';
import { expectInvalidCdb, expectInvalidOpcode, hex } from './sense';

const readByte1 = { rdprotect: protect, dpo: fc.boolean(), fua: fc.boolean(), rarc: fc.boolean() };
const writeByte1 = { wrprotect: protect, dpo: fc.boolean(), fua: fc.boolean() };

describe('READ/WRITE(10)', () => {
  const fields = { logicalBlockAddress: u32, groupNumber, transferLength: u16, control };

  it('round-trips', () => {
    fc.assert(
      fc.property(fc.record({ ...readByte1, ...fields }), (v) =>
        expect(decodeRead10(encodeRead10(v))).toEqual(v),
      ),
    );
    fc.assert(
      fc.property(fc.record({ ...writeByte1, ...fields }), (v) =>
        expect(decodeWrite10(encodeWrite10(v))).toEqual(v),
      ),
    );
  });

  it('golden READ(10)', () => {
    const cdb = hex(
      '28' + //          OPERATION CODE
        '7c' + //        RDPROTECT 011b | DPO | FUA | RARC
        '00 01 e2 40' + // LBA 123456
        '05' + //        GROUP NUMBER 5
        '00 80' + //     TRANSFER LENGTH 128
        '00', //         CONTROL
    );
    const v = {
      rdprotect: 3,
      dpo: true,
      fua: true,
      rarc: true,
      logicalBlockAddress: 123456,
      groupNumber: 5,
      transferLength: 128,
      control: 0,
    };
    expect(encodeRead10(v)).toEqual(cdb);
    expect(decodeRead10(cdb)).toEqual(v);
  });

  it('golden WRITE(10): bit 2 (reserved) and obsolete bits 1-0 are ignored', () => {
    const cdb = hex('2a 0f 00 00 00 10 c0 00 08 00'); // FUA + bits 2-0; byte 6 bits 7-6 set (reserved)
    expect(decodeWrite10(cdb)).toEqual({
      wrprotect: 0,
      dpo: false,
      fua: true,
      logicalBlockAddress: 16,
      groupNumber: 0,
      transferLength: 8,
      control: 0,
    });
  });

  it('rejects reserved RDPROTECT/WRPROTECT (110b, 111b) at byte 1 bit 7', () => {
    expectInvalidCdb(() => decodeRead10(hex('28 c0 00 00 00 00 00 00 01 00')), 1, 7);
    expectInvalidCdb(() => decodeWrite10(hex('2a e0 00 00 00 00 00 00 01 00')), 1, 7);
    expect(decodeRead10(hex('28 a0 00 00 00 00 00 00 01 00')).rdprotect).toBe(5);
  });

  it('rejects wrong opcodes and short CDBs', () => {
    expectInvalidOpcode(() => decodeRead10(hex('2a 00 00 00 00 00 00 00 01 00')));
    expectInvalidOpcode(() => decodeWrite10(hex('28 00 00 00 00 00 00 00 01 00')));
    expectInvalidCdb(() => decodeWrite10(hex('2a 00 00 00')), 0);
  });

  it('refuses out-of-range values when encoding', () => {
    const base = {
      rdprotect: 0,
      dpo: false,
      fua: false,
      rarc: false,
      logicalBlockAddress: 0,
      groupNumber: 0,
      transferLength: 0,
      control: 0,
    };
    expect(() => encodeRead10({ ...base, rdprotect: 8 })).toThrow(RangeError);
    expect(() => encodeRead10({ ...base, groupNumber: 64 })).toThrow(RangeError);
    expect(() => encodeRead10({ ...base, transferLength: 0x10000 })).toThrow(RangeError);
    expect(() => encodeRead10({ ...base, logicalBlockAddress: 2 ** 32 })).toThrow(RangeError);
  });

  it('encodes a reserved protect value so a target can be tested with it', () => {
    const base = {
      dpo: false,
      fua: false,
      logicalBlockAddress: 0,
      groupNumber: 0,
      transferLength: 1,
      control: 0,
    };
    expect(encodeWrite10({ ...base, wrprotect: 7 })[1]).toBe(0xe0);
  });
});
