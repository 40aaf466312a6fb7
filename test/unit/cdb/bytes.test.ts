import {
  bitsField,
  ByteReader,
  checkAscii,
  checkUint,
  checkUint64,
  flag,
  newCdb,
  openCdb,
  putAscii,
  putAsciiExact,
  putBits,
  putU16,
  putU24,
  putU32,
  putU64,
  putU8,
} from '../../../cdb/bytes';
import { lookupCommand } from '../../../cdb/commands';
import { expectSense, hex, senseOf } from './helpers';

describe('ByteReader', () => {
  const r = new ByteReader(
    Buffer.from([0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x41, 0x20]),
    'param',
    100,
  );

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

  it('checkUint64 refuses a number where a bigint belongs (untyped input)', () => {
    expect(() => checkUint64(5 as unknown as bigint, 'y')).toThrow(RangeError);
  });

  it('writers are big-endian and range checked', () => {
    const b = Buffer.alloc(15);
    putU8(b, 0xab, 0, 'a');
    putU16(b, 0x1234, 1, 'b');
    putU32(b, 0x89abcdef, 3, 'c');
    putU64(b, 0x0102030405060708n, 7, 'd');
    expect(b.toString('hex')).toBe('ab123489abcdef0102030405060708');
    expect(() => putU8(b, 256, 0, 'a')).toThrow(RangeError);
    expect(() => putU8(b, -1, 0, 'a')).toThrow(RangeError);
    expect(() => putU16(b, -1, 0, 'b')).toThrow(RangeError);
    expect(() => putU16(b, 0x10000, 0, 'b')).toThrow(RangeError);
    expect(() => putU32(b, 2 ** 32, 0, 'c')).toThrow(RangeError);
    expect(() => putU32(b, -1, 0, 'c')).toThrow(RangeError);
    expect(() => putU64(b, 1n << 64n, 0, 'd')).toThrow(RangeError);
    expect(() => putU64(b, -1n, 0, 'd')).toThrow(RangeError);
    // Nothing was written by the refused calls.
    expect(b.toString('hex')).toBe('ab123489abcdef0102030405060708');
  });

  it('putU8 and putU24 refuse values that do not fit', () => {
    const b = Buffer.alloc(4);
    putU24(b, 0xabcdef, 1, 'x');
    putU8(b, 0x12, 0, 'y');
    expect(b).toEqual(hex('12 ab cd ef'));
    expect(() => putU24(b, 0x1000000, 0, 'x')).toThrow(RangeError);
    expect(() => putU8(b, -1, 0, 'y')).toThrow(RangeError);
  });

  it('bitsField shifts a checked value; putBits ORs it into a byte', () => {
    expect(bitsField(5, 3, 4, 'f')).toBe(0x50);
    expect(() => bitsField(8, 3, 4, 'f')).toThrow(RangeError);
    const b = Buffer.from([0x81, 0x00]);
    putBits(b, 0, 4, 3, 5, 'f');
    putBits(b, 1, 0, 6, 0x3f, 'g');
    expect(b).toEqual(hex('d1 3f'));
    expect(() => putBits(b, 1, 0, 6, 0x40, 'g')).toThrow(RangeError);
  });

  it('checkAscii allows printable ASCII that fits', () => {
    expect(checkAscii('AB C~', 5, 'x')).toBe('AB C~');
    expect(() => checkAscii('ABCDEF', 5, 'x')).toThrow(RangeError);
    expect(() => checkAscii('\t', 4, 'x')).toThrow(RangeError);
  });

  it('putAsciiExact pads with spaces and refuses lossy values', () => {
    const b = Buffer.alloc(8, 0xee);
    putAsciiExact(b, 'LTO', 2, 5, 'x');
    expect(b).toEqual(Buffer.from([0xee, 0xee, 0x4c, 0x54, 0x4f, 0x20, 0x20, 0xee]));
    expect(() => putAsciiExact(b, 'TOOLONG', 0, 5, 'x')).toThrow(RangeError);
    expect(() => putAsciiExact(b, 'caf\u00e9', 0, 5, 'x')).toThrow(RangeError);
    expect(() => putAsciiExact(b, 'AB ', 0, 5, 'x')).toThrow(RangeError);
  });
});

describe('CDB framing', () => {
  it('openCdb checks opcode, emptiness and length, and accepts padded CDBs', () => {
    expect(openCdb(Buffer.from([0x1a, 0, 0, 0, 0, 0, 0xee]), 0x1a, 6, 'x').u8(5)).toBe(0);
    expect(openCdb(Buffer.alloc(16, 0x01), 0x01, 6, 'X').length).toBe(16);
    expectSense(() => openCdb(Buffer.alloc(0), 0x1a, 6, 'x'), 5, 0x24, 0, { commandData: true, field: 0 });
    expectSense(() => openCdb(Buffer.alloc(0), 0x01, 6, 'X'), 5, 0x24, 0, { commandData: true, field: 0 });
    expectSense(() => openCdb(Buffer.from([0x15]), 0x1a, 6, 'x'), 5, 0x20, 0, {
      commandData: true,
      field: 0,
    });
    expectSense(() => openCdb(Buffer.from([0x02, 0, 0, 0, 0, 0]), 0x01, 6, 'X'), 0x05, 0x20, 0x00, {
      commandData: true,
      field: 0,
    });
    expectSense(() => openCdb(Buffer.from([0x1a, 0]), 0x1a, 6, 'x'), 5, 0x24, 0);
    expectSense(() => openCdb(Buffer.from([0x01, 0, 0]), 0x01, 6, 'X'), 5, 0x24, 0, {
      commandData: true,
      field: 0,
      bit: undefined,
    });
  });

  it('openCdb checks the SERVICE ACTION (byte 1 bits 4-0) when one is given', () => {
    const cdb = hex('9e 10 00 00 00 00 00 00 00 00 00 00 00 00 00 00');
    expect(openCdb(cdb, 0x9e, 16, 'X', 0x10).u8(1)).toBe(0x10);
    // Bits 7-5 of byte 1 are not part of the SERVICE ACTION.
    const flagged = hex('9e f0 00 00 00 00 00 00 00 00 00 00 00 00 00 00');
    expect(openCdb(flagged, 0x9e, 16, 'X', 0x10).length).toBe(16);
    expectSense(() => openCdb(cdb, 0x9e, 16, 'X', 0x12), 5, 0x24, 0, { commandData: true, field: 1, bit: 4 });
    // The length is checked before the SERVICE ACTION.
    expectSense(() => openCdb(hex('9e 12 00'), 0x9e, 16, 'X', 0x10), 5, 0x24, 0, {
      commandData: true,
      field: 0,
      bit: undefined,
    });
  });

  it('newCdb fills OPERATION CODE, SERVICE ACTION and CONTROL', () => {
    expect(newCdb(0x5a, 10, 0x80)).toEqual(Buffer.from([0x5a, 0, 0, 0, 0, 0, 0, 0, 0, 0x80]));
    expect(newCdb(0x2b, 10, 0x80)).toEqual(Buffer.from([0x2b, 0, 0, 0, 0, 0, 0, 0, 0, 0x80]));
    expect(newCdb(0x9e, 16, 0x04, 0x10)).toEqual(hex('9e 10 00 00 00 00 00 00 00 00 00 00 00 00 00 04'));
    expect(() => newCdb(0x5a, 10, 0x100)).toThrow(RangeError);
    expect(() => newCdb(0x2b, 10, 256)).toThrow(RangeError);
    expect(() => newCdb(0x9e, 16, 0, 0x20)).toThrow(RangeError);
    expect(() => newCdb(0x28, 10, 0x100)).toThrow(RangeError);
  });
});

describe('registry', () => {
  it('rejects an empty CDB and an unknown opcode', () => {
    expect(senseOf(() => lookupCommand(Buffer.alloc(0))).asc).toBe(0x24);
    const e = senseOf(() => lookupCommand(Buffer.from([0xff, 0, 0, 0, 0, 0])));
    expect([e.senseKey, e.asc, e.ascq]).toEqual([0x05, 0x20, 0x00]);
  });
});
