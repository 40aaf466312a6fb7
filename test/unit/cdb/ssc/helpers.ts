// Shared assertions for the SSC codec tests.
import * as fc from 'fast-check';
import { SenseError, type FieldPointer } from '../../../../cdb/errors';

export function senseOf(fn: () => unknown): SenseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SenseError) return e;
    throw e;
  }
  throw new Error('expected a SenseError');
}

/** Assert sense key / ASC / ASCQ and (when given) the field pointer of a failing call. */
export function expectSense(
  fn: () => unknown,
  senseKey: number,
  asc: number,
  ascq: number,
  fieldPointer?: FieldPointer,
): SenseError {
  const e = senseOf(fn);
  expect([e.senseKey, e.asc, e.ascq]).toEqual([senseKey, asc, ascq]);
  if (fieldPointer) expect(e.fieldPointer).toEqual(fieldPointer);
  return e;
}

/** 05/24/00 INVALID FIELD IN CDB at `field` (and `bit`). */
export function expectInvalidCdb(fn: () => unknown, field: number, bit?: number): SenseError {
  return expectSense(fn, 0x05, 0x24, 0x00, { commandData: true, field, bit });
}

/** 05/26/00 INVALID FIELD IN PARAMETER LIST at `field`. */
export function expectInvalidParam(fn: () => unknown, field: number, bit?: number): SenseError {
  return expectSense(fn, 0x05, 0x26, 0x00, { commandData: false, field, bit });
}

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
