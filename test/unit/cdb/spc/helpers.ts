// Shared by the INQUIRY, VPD page and REPORT SUPPORTED OPERATION CODES tests: golden-vector hex,
// sense capture and the "mutated input decodes or answers sense" check.
import * as fc from 'fast-check';
import { SenseError } from '../../../../cdb/errors';

export { hex, senseOf } from '../helpers';

/** Decode `bytes` after overwriting some bytes and cutting it: success or SenseError, nothing else. */
export function mutatedDecodesOrSense(
  decode: (b: Buffer) => unknown,
  bytes: Buffer,
  edits: [number, number][],
  cut: number,
): void {
  const b = Buffer.from(bytes);
  for (const [at, value] of edits) if (b.length > 0) b[at % b.length] = value;
  for (const buf of [b, b.subarray(0, cut % (b.length + 1))]) {
    try {
      decode(buf);
    } catch (e) {
      if (!(e instanceof SenseError)) throw e;
    }
  }
}

/** One to four (offset, value) byte overwrites for `mutatedDecodesOrSense`. */
export const editsArb: fc.Arbitrary<[number, number][]> = fc.array(
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })),
  { minLength: 1, maxLength: 4 },
);
