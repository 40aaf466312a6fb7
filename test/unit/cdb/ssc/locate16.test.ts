import * as fc from 'fast-check';
import { decodeLocate16, encodeLocate16, LocateDestType, type Locate16 } from '../../../../cdb/ssc/locate16';
import { control, expectInvalidCdb, expectSense, padTo16, u64, u8 } from './helpers';

const locate16 = fc.record({
  destType: fc.constantFrom(
    LocateDestType.LOGICAL_OBJECT,
    LocateDestType.LOGICAL_FILE,
    LocateDestType.END_OF_DATA,
  ),
  cp: fc.boolean(),
  immed: fc.boolean(),
  bam: fc.boolean(),
  partition: u8,
  logicalIdentifier: u64,
  control,
});

describe('LOCATE(16)', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(locate16, (v: Locate16) => {
        expect(decodeLocate16(encodeLocate16(v))).toEqual(v);
        expect(decodeLocate16(padTo16(encodeLocate16(v)))).toEqual(v);
      }),
    );
  });

  it('golden: filemark 0x100000002 in partition 1, CP and IMMED', () => {
    const cdb = Buffer.from([
      0x92, // LOCATE(16)
      0x0b, // DEST_TYPE 001b (bits 5-3), CP=1, IMMED=1
      0x00, // BAM=0
      0x01, // PARTITION 1
      0x00,
      0x00,
      0x00,
      0x01,
      0x00,
      0x00,
      0x00,
      0x02, // LOGICAL IDENTIFIER
      0x00,
      0x00,
      0x00, // reserved
      0x00, // CONTROL
    ]);
    const v: Locate16 = {
      destType: LocateDestType.LOGICAL_FILE,
      cp: true,
      immed: true,
      bam: false,
      partition: 1,
      logicalIdentifier: 0x100000002n,
      control: 0,
    };
    expect(encodeLocate16(v)).toEqual(cdb);
    expect(decodeLocate16(cdb)).toEqual(v);
  });

  it('golden: end of data, explicit address mode', () => {
    const cdb = Buffer.from([0x92, 0x18, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(decodeLocate16(cdb)).toEqual({
      destType: LocateDestType.END_OF_DATA,
      cp: false,
      immed: false,
      bam: true,
      partition: 0,
      logicalIdentifier: 0n,
      control: 0,
    });
  });

  it.each([2, 4, 5, 6, 7])('DEST_TYPE %i is INVALID FIELD IN CDB at byte 1 bit 5', (destType) => {
    const cdb = Buffer.alloc(16);
    cdb[0] = 0x92;
    cdb[1] = destType << 3;
    expectInvalidCdb(() => decodeLocate16(cdb), 1, 5);
  });

  it('errors', () => {
    expectSense(() => decodeLocate16(Buffer.alloc(16)), 0x05, 0x20, 0x00);
    expectInvalidCdb(() => decodeLocate16(Buffer.from([0x92, 0, 0, 0, 0, 0, 0, 0, 0, 0])), 0);
    const base: Locate16 = {
      destType: LocateDestType.LOGICAL_OBJECT,
      cp: false,
      immed: false,
      bam: false,
      partition: 0,
      logicalIdentifier: 0n,
      control: 0,
    };
    expect(() => encodeLocate16({ ...base, destType: 8 as LocateDestType })).toThrow(RangeError);
    expect(() => encodeLocate16({ ...base, logicalIdentifier: 1n << 64n })).toThrow(RangeError);
  });
});
