import * as fc from 'fast-check';
import { decodeSpace6, encodeSpace6, type Space6 } from '../../../../cdb/ssc/space6';
import { SpaceCode } from '../../../../cdb/ssc/space-code';
import { control, expectInvalidCdb, expectSense, padTo16 } from './helpers';

const space6 = fc.record({
  code: fc.constantFrom(
    SpaceCode.LOGICAL_BLOCKS,
    SpaceCode.FILEMARKS,
    SpaceCode.SEQUENTIAL_FILEMARKS,
    SpaceCode.END_OF_DATA,
  ),
  count: fc.integer({ min: -0x800000, max: 0x7fffff }),
  control,
});

describe('SPACE(6)', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(space6, (v: Space6) => {
        expect(decodeSpace6(encodeSpace6(v))).toEqual(v);
        expect(decodeSpace6(padTo16(encodeSpace6(v)))).toEqual(v);
      }),
    );
  });

  it('golden: back one filemark', () => {
    const cdb = Buffer.from([
      0x11, // SPACE(6)
      0x01, // CODE 0001b filemarks
      0xff,
      0xff,
      0xff, // COUNT -1 (two's complement)
      0x00, // CONTROL
    ]);
    const v: Space6 = { code: SpaceCode.FILEMARKS, count: -1, control: 0 };
    expect(encodeSpace6(v)).toEqual(cdb);
    expect(decodeSpace6(cdb)).toEqual(v);
  });

  it('golden: forward 5 blocks, end of data, most negative count', () => {
    expect(encodeSpace6({ code: SpaceCode.LOGICAL_BLOCKS, count: 5, control: 0 })).toEqual(
      Buffer.from([0x11, 0x00, 0x00, 0x00, 0x05, 0x00]),
    );
    expect(decodeSpace6(Buffer.from([0x11, 0x03, 0, 0, 0, 0]))).toEqual({ code: 3, count: 0, control: 0 });
    expect(decodeSpace6(Buffer.from([0x11, 0x00, 0x80, 0x00, 0x00, 0x00])).count).toBe(-8388608);
    expect(decodeSpace6(Buffer.from([0x11, 0xf0, 0x7f, 0xff, 0xff, 0x00]))).toEqual({
      code: 0,
      count: 8388607,
      control: 0,
    });
  });

  it.each([4, 5, 6, 7, 8, 15])(
    'CODE %i (obsolete/reserved) is INVALID FIELD IN CDB at byte 1 bit 3',
    (code) => {
      expectInvalidCdb(() => decodeSpace6(Buffer.from([0x11, code, 0, 0, 1, 0])), 1, 3);
    },
  );

  it('errors: opcode, short CDB, encoder ranges', () => {
    expectSense(() => decodeSpace6(Buffer.from([0x10, 0, 0, 0, 0, 0])), 0x05, 0x20, 0x00);
    expectInvalidCdb(() => decodeSpace6(Buffer.from([0x11, 0x01, 0xff])), 0);
    expect(() => encodeSpace6({ code: SpaceCode.FILEMARKS, count: 0x800000, control: 0 })).toThrow(
      RangeError,
    );
    expect(() => encodeSpace6({ code: 16 as SpaceCode, count: 0, control: 0 })).toThrow(RangeError);
  });

  it('the encoder can produce a reserved CODE (for negative tests) that the decoder rejects', () => {
    const cdb = encodeSpace6({ code: 4 as SpaceCode, count: 1, control: 0 });
    expect(cdb).toEqual(Buffer.from([0x11, 0x04, 0, 0, 1, 0]));
    expectInvalidCdb(() => decodeSpace6(cdb), 1, 3);
  });
});
