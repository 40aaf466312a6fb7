import { newCdb, putU24, putU8 } from '../../../../cdb/sbc/common';
import { hex } from './sense';

describe('SBC common helpers', () => {
  it('newCdb places OPERATION CODE, SERVICE ACTION and CONTROL', () => {
    expect(newCdb(0x9e, 16, 0x04, 0x10)).toEqual(hex('9e 10 00 00 00 00 00 00 00 00 00 00 00 00 00 04'));
    expect(() => newCdb(0x9e, 16, 0, 0x20)).toThrow(RangeError);
    expect(() => newCdb(0x28, 10, 0x100)).toThrow(RangeError);
  });

  it('putU8 and putU24 refuse values that do not fit', () => {
    const b = Buffer.alloc(4);
    putU24(b, 0xabcdef, 1, 'x');
    putU8(b, 0x12, 0, 'y');
    expect(b).toEqual(hex('12 ab cd ef'));
    expect(() => putU24(b, 0x1000000, 0, 'x')).toThrow(RangeError);
    expect(() => putU8(b, -1, 0, 'y')).toThrow(RangeError);
  });
});
