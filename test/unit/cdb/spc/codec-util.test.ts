import { bitsField, newCdb, openCdb, putU16, putU32, putU64, putU8 } from '../../../../cdb/spc/codec-util';
import { expectSense } from './spc-mode-helpers';

describe('spc codec-util', () => {
  it('openCdb checks opcode and length, accepts padded CDBs', () => {
    expect(openCdb(Buffer.from([0x1a, 0, 0, 0, 0, 0, 0xee]), 0x1a, 6, 'x').u8(5)).toBe(0);
    expectSense(() => openCdb(Buffer.alloc(0), 0x1a, 6, 'x'), 5, 0x24, 0, { commandData: true, field: 0 });
    expectSense(() => openCdb(Buffer.from([0x15]), 0x1a, 6, 'x'), 5, 0x20, 0, {
      commandData: true,
      field: 0,
    });
    expectSense(() => openCdb(Buffer.from([0x1a, 0]), 0x1a, 6, 'x'), 5, 0x24, 0);
  });

  it('newCdb fills opcode and control', () => {
    expect(newCdb(0x5a, 10, 0x80)).toEqual(Buffer.from([0x5a, 0, 0, 0, 0, 0, 0, 0, 0, 0x80]));
    expect(() => newCdb(0x5a, 10, 0x100)).toThrow(RangeError);
  });

  it('writers are big-endian and range checked', () => {
    const b = Buffer.alloc(15);
    putU8(b, 0xab, 0, 'a');
    putU16(b, 0x1234, 1, 'b');
    putU32(b, 0x89abcdef, 3, 'c');
    putU64(b, 0x0102030405060708n, 7, 'd');
    expect(b.toString('hex')).toBe('ab123489abcdef0102030405060708');
    expect(() => putU8(b, 256, 0, 'a')).toThrow(RangeError);
    expect(() => putU16(b, -1, 0, 'b')).toThrow(RangeError);
    expect(() => putU32(b, 2 ** 32, 0, 'c')).toThrow(RangeError);
    expect(() => putU64(b, 1n << 64n, 0, 'd')).toThrow(RangeError);
    expect(bitsField(5, 3, 4, 'f')).toBe(0x50);
    expect(() => bitsField(8, 3, 4, 'f')).toThrow(RangeError);
  });
});
