import * as fc from 'fast-check';
import {
  decodeWriteFilemarks6,
  encodeWriteFilemarks6,
  type WriteFilemarks6,
} from '../../../../cdb/ssc/write-filemarks6';
import { control, expectInvalidCdb, expectSense, padTo16, u24 } from './helpers';

describe('WRITE FILEMARKS(6)', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(
        fc.record({ wsmk: fc.boolean(), immed: fc.boolean(), filemarkCount: u24, control }),
        (v: WriteFilemarks6) => {
          expect(decodeWriteFilemarks6(encodeWriteFilemarks6(v))).toEqual(v);
          expect(decodeWriteFilemarks6(padTo16(encodeWriteFilemarks6(v)))).toEqual(v);
        },
      ),
    );
  });

  it('golden: two filemarks, IMMED', () => {
    const cdb = Buffer.from([
      0x10, // WRITE FILEMARKS(6)
      0x01, // WSMK=0, IMMED=1
      0x00,
      0x00,
      0x02, // FILEMARK COUNT 2
      0x00, // CONTROL
    ]);
    const v: WriteFilemarks6 = { wsmk: false, immed: true, filemarkCount: 2, control: 0 };
    expect(encodeWriteFilemarks6(v)).toEqual(cdb);
    expect(decodeWriteFilemarks6(cdb)).toEqual(v);
  });

  it('golden: zero count flush with WSMK set', () => {
    const v: WriteFilemarks6 = { wsmk: true, immed: false, filemarkCount: 0, control: 0x04 };
    expect(encodeWriteFilemarks6(v)).toEqual(Buffer.from([0x10, 0x02, 0, 0, 0, 0x04]));
  });

  it('errors', () => {
    expectSense(() => decodeWriteFilemarks6(Buffer.from([0x11, 0, 0, 0, 0, 0])), 0x05, 0x20, 0x00);
    expectInvalidCdb(() => decodeWriteFilemarks6(Buffer.from([0x10, 0, 0, 0])), 0);
    expect(() =>
      encodeWriteFilemarks6({ wsmk: false, immed: false, filemarkCount: 1 << 24, control: 0 }),
    ).toThrow(RangeError);
  });
});
