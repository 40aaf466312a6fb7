// Shared by the spc-mode tests (mode, reservations, attributes, log): sense assertions and
// small arbitraries.
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

/** Assert sense key / ASC / ASCQ and, when given, the field pointer (undefined bit = whole byte). */
export function expectSense(
  fn: () => unknown,
  senseKey: number,
  asc: number,
  ascq: number,
  fieldPointer?: FieldPointer,
): SenseError {
  const e = senseOf(fn);
  expect([e.senseKey, e.asc, e.ascq]).toEqual([senseKey, asc, ascq]);
  if (fieldPointer !== undefined) expect(e.fieldPointer).toEqual(fieldPointer);
  return e;
}

export const u = (bits: number): fc.Arbitrary<number> => fc.integer({ min: 0, max: 2 ** bits - 1 });
export const u8 = u(8);
export const u16 = u(16);
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
export const bool = fc.boolean();

/** Bytes as a Buffer. */
export const bytes = (minLength: number, maxLength: number): fc.Arbitrary<Buffer> =>
  fc.uint8Array({ minLength, maxLength }).map((a) => Buffer.from(a));

/** Printable ASCII without trailing spaces (what an ASCII field round-trips). */
export const asciiText = (maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: 'grapheme-ascii', maxLength }).map((s) => s.replace(/ +$/, ''));

/** Hex from a byte string, ignoring spaces and comments after '#' on each line. */
export function hex(s: string): Buffer {
  return Buffer.from(
    s
      .split('\n')
      .map((l) => l.replace(/#.*$/, ''))
      .join('')
      .replace(/\s+/g, ''),
    'hex',
  );
}
