// Shared by the spc-mode tests (mode, reservations, attributes, log): sense assertions and
// small arbitraries.
import * as fc from 'fast-check';
import { SenseError } from '../../../../cdb/errors';
import { PROTOCOL_IDENTIFIER, type TransportId } from '../../../../cdb/spc/transport-id';

export { expectSense } from '../helpers';

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

const nameChars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789.-:'.split(''));
const iscsiName = fc.string({ unit: nameChars, minLength: 1, maxLength: 100 });

/** iSCSI name/port TransportIDs and 24-byte opaque ones of other protocols. */
export const transportIdArb: fc.Arbitrary<TransportId> = fc.oneof(
  fc.record({ kind: fc.constant('iscsiName' as const), iscsiName }),
  fc.record({
    kind: fc.constant('iscsiPort' as const),
    iscsiName,
    isid: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'.split('')), minLength: 12, maxLength: 12 }),
  }),
  fc.record({
    kind: fc.constant('opaque' as const),
    formatCode: u(2),
    protocolIdentifier: u(4).filter((p) => p !== PROTOCOL_IDENTIFIER.iscsi),
    data: bytes(23, 23),
  }),
);

/** Run `fn`; it may return or throw SenseError, nothing else. */
export function onlySense(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof SenseError)) throw e;
  }
}

/** A valid encoding with a few bytes overwritten and possibly truncated. */
export function mutated(valid: fc.Arbitrary<Buffer>): fc.Arbitrary<Buffer> {
  return fc
    .tuple(valid, fc.array(fc.tuple(fc.nat(), u8), { maxLength: 4 }), fc.option(fc.nat(), { nil: undefined }))
    .map(([b, edits, cut]) => {
      const m = Buffer.from(b);
      for (const [at, v] of edits) if (m.length > 0) m[at % m.length] = v;
      return cut === undefined || m.length === 0 ? m : m.subarray(0, cut % m.length);
    });
}
