import * as fc from 'fast-check';
import {
  decodeReadPositionShort,
  encodeReadPositionShort,
  type ReadPositionShort,
} from '../../../../cdb/ssc/read-position-short';
import {
  expectLengthError,
  expectRoundTrip,
  hex,
  readPositionFlags,
  readPositionFlagsClear,
  u24,
  u32,
  u8,
} from './helpers';

const short = fc.record({
  ...readPositionFlags,
  partitionNumber: u8,
  firstLogicalObjectLocation: u32,
  lastLogicalObjectLocation: u32,
  numberOfLogicalObjectsInObjectBuffer: u24,
  numberOfBytesInObjectBuffer: u32,
});

describe('READ POSITION short form data', () => {
  it('round-trips', () => {
    expectRoundTrip(short, encodeReadPositionShort, decodeReadPositionShort);
  });

  it('golden: partition 1, first 1000, last 998, two blocks (128 KiB) still buffered', () => {
    const data = hex(
      [
        '00', // BOP=0 EOP=0 LOCU=0 BYCU=0 LOLU=0 PERR=0 BPEW=0
        '01', // PARTITION NUMBER 1
        '0000', // reserved
        '000003e8', // FIRST LOGICAL OBJECT LOCATION 1000
        '000003e6', // LAST LOGICAL OBJECT LOCATION 998
        '00', // reserved
        '000002', // NUMBER OF LOGICAL OBJECTS IN OBJECT BUFFER 2
        '00020000', // NUMBER OF BYTES IN OBJECT BUFFER 131072
      ].join(''),
    );
    const v: ReadPositionShort = {
      ...readPositionFlagsClear,
      partitionNumber: 1,
      firstLogicalObjectLocation: 1000,
      lastLogicalObjectLocation: 998,
      numberOfLogicalObjectsInObjectBuffer: 2,
      numberOfBytesInObjectBuffer: 131072,
    };
    expect(encodeReadPositionShort(v)).toEqual(data);
    expect(decodeReadPositionShort(data)).toEqual(v);
  });

  it('golden: flag bits at beginning of partition with unknown buffer counts', () => {
    const data = Buffer.alloc(20);
    data[0] = 0xb7; // BOP, LOCU, BYCU, LOLU, PERR, BPEW; bit 3 reserved left clear, EOP clear
    const v = decodeReadPositionShort(data);
    expect([v.bop, v.eop, v.locu, v.bycu, v.lolu, v.perr, v.bpew]).toEqual([
      true,
      false,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(encodeReadPositionShort(v)[0]).toBe(0xb7);
    data[0] = 0x48; // EOP and the reserved bit 3: reserved is ignored
    expect(encodeReadPositionShort(decodeReadPositionShort(data))[0]).toBe(0x40);
  });

  it('a short buffer is PARAMETER LIST LENGTH ERROR; encoder range checks', () => {
    expectLengthError(() => decodeReadPositionShort(Buffer.alloc(19)));
    const base = decodeReadPositionShort(Buffer.alloc(20));
    expect(() => encodeReadPositionShort({ ...base, numberOfLogicalObjectsInObjectBuffer: 1 << 24 })).toThrow(
      RangeError,
    );
    expect(() => encodeReadPositionShort({ ...base, partitionNumber: 256 })).toThrow(RangeError);
  });
});
