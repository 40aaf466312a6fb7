import * as fc from 'fast-check';
import {
  decodeReadPosition,
  encodeReadPosition,
  ReadPositionForm,
  type ReadPosition,
} from '../../../../cdb/ssc/read-position';
import { control, expectInvalidCdb, expectSense, padTo16, u16 } from './helpers';

const readPosition = fc.oneof(
  fc.record({
    serviceAction: fc.constantFrom(
      ReadPositionForm.SHORT_BLOCK_ID,
      ReadPositionForm.SHORT_VENDOR_SPECIFIC,
      ReadPositionForm.LONG,
    ),
    allocationLength: fc.constant(0),
    control,
  }),
  fc.record({ serviceAction: fc.constant(ReadPositionForm.EXTENDED), allocationLength: u16, control }),
);

describe('READ POSITION CDB', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(readPosition, (v: ReadPosition) => {
        expect(decodeReadPosition(encodeReadPosition(v))).toEqual(v);
        expect(decodeReadPosition(padTo16(encodeReadPosition(v)))).toEqual(v);
      }),
    );
  });

  it('golden: long form and extended form', () => {
    const long = Buffer.from([
      0x34, // READ POSITION
      0x06, // SERVICE ACTION 06h long form
      0x00,
      0x00,
      0x00,
      0x00,
      0x00, // reserved
      0x00,
      0x00, // ALLOCATION LENGTH 0
      0x00, // CONTROL
    ]);
    expect(
      encodeReadPosition({ serviceAction: ReadPositionForm.LONG, allocationLength: 0, control: 0 }),
    ).toEqual(long);
    const ext = Buffer.from([0x34, 0x08, 0, 0, 0, 0, 0, 0x00, 0x20, 0x00]); // extended, ALLOCATION LENGTH 32
    expect(decodeReadPosition(ext)).toEqual({ serviceAction: 8, allocationLength: 32, control: 0 });
    expect(decodeReadPosition(Buffer.from([0x34, 0xe1, 0, 0, 0, 0, 0, 0, 0, 0])).serviceAction).toBe(1);
  });

  it.each([0x02, 0x03, 0x05, 0x07, 0x09, 0x1f])(
    'service action %i is INVALID FIELD IN CDB at byte 1 bit 4',
    (sa) => {
      expectInvalidCdb(() => decodeReadPosition(Buffer.from([0x34, sa, 0, 0, 0, 0, 0, 0, 0, 0])), 1, 4);
    },
  );

  it('a non-zero ALLOCATION LENGTH for the fixed-size forms is INVALID FIELD IN CDB at byte 7', () => {
    for (const sa of [0, 1, 6]) {
      expectInvalidCdb(() => decodeReadPosition(Buffer.from([0x34, sa, 0, 0, 0, 0, 0, 0x00, 0x14, 0])), 7);
    }
  });

  it('errors: opcode, short CDB, encoder ranges', () => {
    expectSense(() => decodeReadPosition(Buffer.alloc(10)), 0x05, 0x20, 0x00);
    expectInvalidCdb(() => decodeReadPosition(Buffer.from([0x34, 0x06, 0, 0, 0, 0])), 0);
    expect(() =>
      encodeReadPosition({ serviceAction: 0x20 as ReadPositionForm, allocationLength: 0, control: 0 }),
    ).toThrow(RangeError);
    expect(() => encodeReadPosition({ serviceAction: 8, allocationLength: 0x10000, control: 0 })).toThrow(
      RangeError,
    );
  });
});
