// Test helpers shared by the SBC and SMC codec tests: catch a SenseError and check its fields.
import { SenseError } from '../../../../cdb/errors';
import type { FieldPointer } from '../../../../cdb/errors';

export function senseOf(fn: () => unknown): SenseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SenseError) return e;
    throw e;
  }
  throw new Error('expected a SenseError, nothing was thrown');
}

/** Expect `fn` to throw a SenseError with exactly this key/ASC/ASCQ and field pointer. */
export function expectSense(
  fn: () => unknown,
  senseKey: number,
  asc: number,
  ascq: number,
  fieldPointer?: FieldPointer,
): SenseError {
  const e = senseOf(fn);
  expect([e.senseKey, e.asc, e.ascq]).toEqual([senseKey, asc, ascq]);
  expect(e.fieldPointer).toEqual(fieldPointer);
  return e;
}

/** 05/24/00 INVALID FIELD IN CDB with C/D=1. */
export function expectInvalidCdb(fn: () => unknown, field: number, bit?: number): SenseError {
  return expectSense(fn, 0x05, 0x24, 0x00, { commandData: true, field, bit });
}

/** 05/20/00 INVALID COMMAND OPERATION CODE, pointer byte 0. */
export function expectInvalidOpcode(fn: () => unknown): SenseError {
  return expectSense(fn, 0x05, 0x20, 0x00, { commandData: true, field: 0 });
}

/** 05/26/00 INVALID FIELD IN PARAMETER LIST with C/D=0. */
export function expectInvalidParam(fn: () => unknown, field: number, bit?: number): SenseError {
  return expectSense(fn, 0x05, 0x26, 0x00, { commandData: false, field, bit });
}

/** 05/1A/00 PARAMETER LIST LENGTH ERROR (no field pointer). */
export function expectParamListLength(fn: () => unknown): SenseError {
  return expectSense(fn, 0x05, 0x1a, 0x00, undefined);
}

/** Hex string (spaces allowed) to Buffer, for hand-written golden vectors. */
export function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ''), 'hex');
}
