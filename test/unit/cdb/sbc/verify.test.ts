import * as fc from 'fast-check';
import { decodeVerify10, decodeVerify16, encodeVerify10, encodeVerify16 } from '../../../../cdb/sbc/verify';
import { control, groupNumber, protect, u16, u32, u64 } from './arbitraries';
import { expectInvalidCdb, expectInvalidOpcode, hex } from './sense';

const byte1 = { vrprotect: protect, dpo: fc.boolean(), bytchk: fc.constantFrom(0, 1, 3) };

describe('VERIFY(10) / VERIFY(16)', () => {
  it('round-trips', () => {
    const v10 = fc.record({
      ...byte1,
      logicalBlockAddress: u32,
      groupNumber,
      verificationLength: u16,
      control,
    });
    const v16 = fc.record({
      ...byte1,
      logicalBlockAddress: u64,
      verificationLength: u32,
      groupNumber,
      control,
    });
    fc.assert(fc.property(v10, (v) => expect(decodeVerify10(encodeVerify10(v))).toEqual(v)));
    fc.assert(fc.property(v16, (v) => expect(decodeVerify16(encodeVerify16(v))).toEqual(v)));
  });

  it('golden VERIFY(10) with BYTCHK 01b', () => {
    const cdb = hex(
      '2f' + //          OPERATION CODE
        '52' + //        VRPROTECT 010b | DPO | BYTCHK 01b (bits 2-1 = 01)
        '00 00 10 00' + // LBA 4096
        '00' + //        GROUP NUMBER
        '00 20' + //     VERIFICATION LENGTH 32
        '00', //         CONTROL
    );
    const v = {
      vrprotect: 2,
      dpo: true,
      bytchk: 1,
      logicalBlockAddress: 4096,
      groupNumber: 0,
      verificationLength: 32,
      control: 0,
    };
    expect(encodeVerify10(v)).toEqual(cdb);
    expect(decodeVerify10(cdb)).toEqual(v);
  });

  it('golden VERIFY(16) with BYTCHK 11b (one block compared against every block)', () => {
    const cdb = hex('8f 06 00 00 00 00 00 00 00 07 00 00 01 00 09 00');
    expect(decodeVerify16(cdb)).toEqual({
      vrprotect: 0,
      dpo: false,
      bytchk: 3,
      logicalBlockAddress: 7n,
      verificationLength: 256,
      groupNumber: 9,
      control: 0,
    });
  });

  it('rejects BYTCHK 10b at byte 1 bit 2 and a reserved VRPROTECT at bit 7', () => {
    expectInvalidCdb(() => decodeVerify10(hex('2f 04 00 00 00 00 00 00 01 00')), 1, 2);
    expectInvalidCdb(() => decodeVerify16(hex('8f 04 00 00 00 00 00 00 00 00 00 00 00 01 00 00')), 1, 2);
    expectInvalidCdb(() => decodeVerify10(hex('2f c0 00 00 00 00 00 00 01 00')), 1, 7);
  });

  it('rejects a wrong opcode and a short CDB', () => {
    expectInvalidOpcode(() => decodeVerify10(hex('8f 00 00 00 00 00 00 00 01 00')));
    expectInvalidOpcode(() => decodeVerify16(hex('2f 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00')));
    expectInvalidCdb(() => decodeVerify16(hex('8f 00 00 00 00 00 00 00 01 00')), 0);
  });

  it('refuses a BYTCHK wider than two bits when encoding', () => {
    const v = {
      vrprotect: 0,
      dpo: false,
      bytchk: 4,
      logicalBlockAddress: 0,
      groupNumber: 0,
      verificationLength: 0,
      control: 0,
    };
    expect(() => encodeVerify10(v)).toThrow(RangeError);
  });
});
