// fast-check arbitraries for valid SBC field values.
import * as fc from 'fast-check';

export const u8 = fc.integer({ min: 0, max: 0xff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u24 = fc.integer({ min: 0, max: 0xffffff });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
export const groupNumber = fc.integer({ min: 0, max: 63 });
/** RDPROTECT/WRPROTECT/VRPROTECT values that are not reserved (000b-101b). */
export const protect = fc.integer({ min: 0, max: 5 });
export const control = u8;
