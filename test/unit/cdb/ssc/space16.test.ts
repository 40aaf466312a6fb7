import * as fc from 'fast-check';
import { decodeSpace16, encodeSpace16, type Space16 } from '../../../../cdb/ssc/space16';
import { SpaceCode } from '../../../../cdb/ssc/space-code';
import { control, expectInvalidCdb, expectSense, u16 } from './helpers';

const space16 = fc.record({
  code: fc.constantFrom(
    SpaceCode.LOGICAL_BLOCKS,
    SpaceCode.FILEMARKS,
    SpaceCode.SEQUENTIAL_FILEMARKS,
    SpaceCode.END_OF_DATA,
  ),
  count: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
  parameterLength: u16,
  control,
});

describe('SPACE(16)', () => {
  it('round-trips', () => {
    fc.assert(fc.property(space16, (v: Space16) => expect(decodeSpace16(encodeSpace16(v))).toEqual(v)));
  });

  it('golden: back 3 blocks', () => {
    const cdb = Buffer.from([
      0x91, // SPACE(16)
      0x00, // CODE 0000b logical blocks
      0x00,
      0x00, // reserved
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0xfd, // COUNT -3
      0x00,
      0x00, // PARAMETER LENGTH 0
      0x00, // reserved
      0x00, // CONTROL
    ]);
    const v: Space16 = { code: SpaceCode.LOGICAL_BLOCKS, count: -3n, parameterLength: 0, control: 0 };
    expect(encodeSpace16(v)).toEqual(cdb);
    expect(decodeSpace16(cdb)).toEqual(v);
  });

  it('golden: forward 2^40 filemarks', () => {
    const cdb = Buffer.from([0x91, 0x01, 0, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(decodeSpace16(cdb)).toEqual({ code: 1, count: 1n << 40n, parameterLength: 0, control: 0 });
  });

  it.each([4, 5, 9, 15])('CODE %i is INVALID FIELD IN CDB at byte 1 bit 3', (code) => {
    const cdb = Buffer.alloc(16);
    cdb[0] = 0x91;
    cdb[1] = code;
    expectInvalidCdb(() => decodeSpace16(cdb), 1, 3);
  });

  it('errors: opcode, short CDB, encoder ranges', () => {
    expectSense(() => decodeSpace16(Buffer.alloc(16)), 0x05, 0x20, 0x00);
    expectInvalidCdb(() => decodeSpace16(Buffer.from([0x91, 0, 0, 0, 0, 0, 0, 0, 0, 0])), 0);
    expect(() => encodeSpace16({ code: 0, count: 1n << 63n, parameterLength: 0, control: 0 })).toThrow(
      RangeError,
    );
    expect(() => encodeSpace16({ code: 0, count: 0n, parameterLength: 0x10000, control: 0 })).toThrow(
      RangeError,
    );
  });
});
