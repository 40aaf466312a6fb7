import * as fc from 'fast-check';
import { decodeRead6, encodeRead6, type Read6 } from '../../../../cdb/ssc/read6';
import { control, expectInvalidCdb, expectSense, hex, padTo16, u24 } from './helpers';

const read6 = fc
  .record({ sili: fc.boolean(), fixed: fc.boolean(), transferLength: u24, control })
  .filter((v) => !(v.sili && v.fixed));

describe('READ(6) (tape)', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(read6, (v: Read6) => {
        expect(decodeRead6(encodeRead6(v))).toEqual(v);
        expect(decodeRead6(padTo16(encodeRead6(v)))).toEqual(v);
      }),
    );
  });

  it.each<[string, Buffer, Read6]>([
    [
      'variable block of 64 KiB with SILI',
      // 08h READ(6) | SILI=1, FIXED=0 | TRANSFER LENGTH 65536 bytes | CONTROL
      hex('08 02 010000 00'),
      { sili: true, fixed: false, transferLength: 65536, control: 0 },
    ],
    [
      'fixed mode, 10 blocks',
      // 08h READ(6) | SILI=0, FIXED=1 | TRANSFER LENGTH 10 blocks | CONTROL
      hex('08 01 00000a 00'),
      { sili: false, fixed: true, transferLength: 10, control: 0 },
    ],
  ])('golden: %s', (_name, cdb, v) => {
    expect(encodeRead6(v)).toEqual(cdb);
    expect(decodeRead6(cdb)).toEqual(v);
  });

  it('ignores reserved bits of byte 1', () => {
    expect(decodeRead6(Buffer.from([0x08, 0xfc, 0, 0, 1, 0]))).toEqual({
      sili: false,
      fixed: false,
      transferLength: 1,
      control: 0,
    });
  });

  it('FIXED with SILI is INVALID FIELD IN CDB at byte 1 bit 1', () => {
    expectInvalidCdb(() => decodeRead6(Buffer.from([0x08, 0x03, 0, 0, 1, 0])), 1, 1);
  });

  it('rejects wrong opcode and short CDBs', () => {
    expectSense(() => decodeRead6(Buffer.from([0x0a, 0, 0, 0, 0, 0])), 0x05, 0x20, 0x00);
    expectInvalidCdb(() => decodeRead6(Buffer.from([0x08, 0, 0, 0, 0])), 0);
    expectInvalidCdb(() => decodeRead6(Buffer.alloc(0)), 0);
  });

  it('encoder refuses out-of-range values', () => {
    expect(() => encodeRead6({ sili: false, fixed: false, transferLength: 0x1000000, control: 0 })).toThrow(
      RangeError,
    );
    expect(() => encodeRead6({ sili: false, fixed: false, transferLength: 0, control: 256 })).toThrow(
      RangeError,
    );
  });
});
