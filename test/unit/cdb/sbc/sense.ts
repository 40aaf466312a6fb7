// Test helpers shared by the SBC and SMC codec tests: catch a SenseError and check its fields.
import { expectSense } from '../helpers';
import type { SenseError } from '../../../../cdb/errors';

export { expectInvalidCdb, expectInvalidOpcode, expectInvalidParam, hex } from '../helpers';

/** 05/1A/00 PARAMETER LIST LENGTH ERROR, and no field pointer at all. */
export function expectParamListLength(fn: () => unknown): SenseError {
  const e = expectSense(fn, 0x05, 0x1a, 0x00);
  expect(e.fieldPointer).toEqual(undefined);
  return e;
}
