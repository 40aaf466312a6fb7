// Shared assertions for the SSC codec tests.
import * as fc from 'fast-check';
import type { SenseError } from '../../../../cdb/errors';
import { expectSense } from '../helpers';

export { expectInvalidCdb, expectInvalidParam, expectSense, hex } from '../helpers';

/** 05/1A/00 PARAMETER LIST LENGTH ERROR. */
export function expectLengthError(fn: () => unknown): SenseError {
  return expectSense(fn, 0x05, 0x1a, 0x00);
}

export const control = fc.integer({ min: 0, max: 255 });
export const u8 = fc.integer({ min: 0, max: 0xff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u24 = fc.integer({ min: 0, max: 0xffffff });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

/** `decode(encode(v))` deep-equals `v` for every value the arbitrary generates. */
export function expectRoundTrip<T>(
  arb: fc.Arbitrary<T>,
  encode: (v: T) => Buffer,
  decode: (b: Buffer) => T,
): void {
  fc.assert(fc.property(arb, (v: T) => expect(decode(encode(v))).toEqual(v)));
}

/** The flag bits of byte 0 shared by the READ POSITION short and extended forms (SSC-4 7.7.2, 7.7.4). */
export const readPositionFlags = {
  bop: fc.boolean(),
  eop: fc.boolean(),
  locu: fc.boolean(),
  bycu: fc.boolean(),
  lolu: fc.boolean(),
  perr: fc.boolean(),
  bpew: fc.boolean(),
};

/** Byte 0 of those forms all zero: every flag clear. */
export const readPositionFlagsClear = {
  bop: false,
  eop: false,
  locu: false,
  bycu: false,
  lolu: false,
  perr: false,
  bpew: false,
};

/** Printable ASCII that survives space padding: up to `n` characters, no trailing space. */
export function asciiField(n: number): fc.Arbitrary<string> {
  return fc
    .string({
      unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz0123456789-_./ '.split('')),
      maxLength: n,
    })
    .map((s) => s.replace(/ +$/, ''));
}

/** Every CDB decoder must accept the CDB padded to 16 bytes (iSCSI carries CDBs that way). */
export function padTo16(cdb: Buffer): Buffer {
  return Buffer.concat([cdb, Buffer.alloc(Math.max(0, 16 - cdb.length))]);
}
