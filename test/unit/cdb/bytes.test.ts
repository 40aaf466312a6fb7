import { ByteReader, checkUint, checkUint64, flag, putAscii, putU24 } from '../../../cdb/bytes';
import { SenseError } from '../../../cdb/errors';
import { lookupCommand } from '../../../cdb/commands';

function senseOf(fn: () => unknown): SenseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SenseError) return e;
    throw e;
  }
  throw new Error('expected a SenseError');
}

describe('ByteReader', () => {
  const r = new ByteReader(Buffer.from([0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x41, 0x20]), 'param', 100);

  it('reads big-endian fields', () => {
    expect(r.u8(0)).toBe(0x12);
    expect(r.u16(0)).toBe(0x1234);
    expect(r.u24(1)).toBe(0x345678);
    expect(r.u32(0)).toBe(0x12345678);
    expect(r.u48(0)).toBe(0x123456789abc);
    expect(r.u64(0)).toBe(0x123456789abcdef0n);
    expect(r.bits(0, 4, 4)).toBe(0x1);
    expect(r.bit(0, 4)).toBe(true);
    expect(r.bit(0, 0)).toBe(false);
    expect(r.ascii(8, 2)).toBe('A');
    expect(r.slice(1, 2)).toEqual(Buffer.from([0x34, 0x56]));
    expect(r.sub(2, 4).u8(0)).toBe(0x56);
    expect(r.length).toBe(10);
  });

  it('a short parameter list is PARAMETER LIST LENGTH ERROR', () => {
    const e = senseOf(() => r.u32(8));
    expect([e.senseKey, e.asc, e.ascq]).toEqual([0x05, 0x1a, 0x00]);
  });

  it('a short CDB is INVALID FIELD IN CDB with a field pointer', () => {
    const c = new ByteReader(Buffer.from([0x28, 0, 0]), 'cdb');
    const e = senseOf(() => c.u32(2));
    expect([e.senseKey, e.asc, e.ascq]).toEqual([0x05, 0x24, 0x00]);
    expect(e.fieldPointer).toEqual({ commandData: true, field: 2, bit: undefined });
    expect(e.spec.senseKey).toBe(5);
  });

  it('sub-readers keep absolute field pointers', () => {
    const c = new ByteReader(Buffer.alloc(4), 'cdb', 6);
    expect(senseOf(() => c.u16(3)).fieldPointer?.field).toBe(9);
  });
});

describe('write helpers', () => {
  it('checks ranges', () => {
    expect(checkUint(255, 8, 'x')).toBe(255);
    expect(() => checkUint(256, 8, 'x')).toThrow(RangeError);
    expect(() => checkUint(-1, 8, 'x')).toThrow(RangeError);
    expect(() => checkUint(1.5, 8, 'x')).toThrow(RangeError);
    expect(checkUint64(5n, 'y')).toBe(5n);
    expect(() => checkUint64(1n << 64n, 'y')).toThrow(RangeError);
    expect(() => checkUint64(-1n, 'y')).toThrow(RangeError);
  });
  it('writes 24-bit, ASCII and flags', () => {
    const b = Buffer.alloc(8);
    putU24(b, 0xabcdef, 0);
    putAscii(b, 'AB', 3, 4);
    expect(b).toEqual(Buffer.from([0xab, 0xcd, 0xef, 0x41, 0x42, 0x20, 0x20, 0]));
    expect(flag(true, 3)).toBe(8);
    expect(flag(false, 3)).toBe(0);
    expect(flag(undefined, 3)).toBe(0);
  });
});

describe('registry', () => {
  it('rejects an empty CDB and an unknown opcode', () => {
    expect(senseOf(() => lookupCommand(Buffer.alloc(0))).asc).toBe(0x24);
    const e = senseOf(() => lookupCommand(Buffer.from([0xff, 0, 0, 0, 0, 0])));
    expect([e.senseKey, e.asc, e.ascq]).toEqual([0x05, 0x20, 0x00]);
  });
});
