// Sense assertions shared by the codec tests of every command set (sbc, smc, spc, ssc).
import { SenseError, type FieldPointer } from '../../../cdb/errors';

/** Run `fn` and return the SenseError it throws; anything else thrown, or nothing, fails the test. */
export function senseOf(fn: () => unknown): SenseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SenseError) return e;
    throw e;
  }
  throw new Error('expected a SenseError, nothing was thrown');
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

/** 05/24/00 INVALID FIELD IN CDB with C/D=1 at `field` (and `bit`). */
export function expectInvalidCdb(fn: () => unknown, field: number, bit?: number): SenseError {
  return expectSense(fn, 0x05, 0x24, 0x00, { commandData: true, field, bit });
}

/** 05/20/00 INVALID COMMAND OPERATION CODE, pointer byte 0. */
export function expectInvalidOpcode(fn: () => unknown): SenseError {
  return expectSense(fn, 0x05, 0x20, 0x00, { commandData: true, field: 0 });
}

/** 05/26/00 INVALID FIELD IN PARAMETER LIST with C/D=0 at `field` (and `bit`). */
export function expectInvalidParam(fn: () => unknown, field: number, bit?: number): SenseError {
  return expectSense(fn, 0x05, 0x26, 0x00, { commandData: false, field, bit });
}

/** Hex string (white space allowed) to Buffer, for hand-written golden vectors. */
export function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ''), 'hex');
}
