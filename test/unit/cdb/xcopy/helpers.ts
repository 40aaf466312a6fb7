// Assertions on the SenseError a decoder throws.
import { SenseError } from '../../../../cdb/errors';

export interface ExpectedSense {
  key?: number;
  asc: number;
  ascq: number;
  /** Expected FIELD POINTER; C/D is checked through `cd`. */
  field?: number;
  cd?: boolean;
  bit?: number;
}

export function senseOf(fn: () => unknown): SenseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SenseError) return e;
    throw new Error(`expected SenseError, got ${String(e)}`, { cause: e });
  }
  throw new Error('expected SenseError, nothing was thrown');
}

export function expectSense(fn: () => unknown, want: ExpectedSense): SenseError {
  const e = senseOf(fn);
  expect({ key: e.senseKey, asc: e.asc, ascq: e.ascq }).toEqual({
    key: want.key ?? 0x05,
    asc: want.asc,
    ascq: want.ascq,
  });
  if (want.field !== undefined) {
    expect(e.fieldPointer?.field).toBe(want.field);
    expect(e.fieldPointer?.commandData).toBe(want.cd ?? false);
  }
  if (want.bit !== undefined) expect(e.fieldPointer?.bit).toBe(want.bit);
  return e;
}

/** Build a buffer from hex with spaces and // comments stripped (for hand-written golden vectors). */
export function hex(text: string): Buffer {
  return Buffer.from(
    text
      .split('\n')
      .map((l) => l.replace(/\/\/.*$/, ''))
      .join('')
      .replace(/\s+/g, ''),
    'hex',
  );
}
