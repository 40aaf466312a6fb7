import * as fc from 'fast-check';
import {
  decodeReadPositionExtended,
  encodeReadPositionExtended,
  type ReadPositionExtended,
} from '../../../../cdb/ssc/read-position-extended';
import {
  expectInvalidParam,
  expectLengthError,
  expectRoundTrip,
  hex,
  readPositionFlags,
  readPositionFlagsClear,
  u24,
  u64,
  u8,
} from './helpers';

const extended = fc.record({
  ...readPositionFlags,
  partitionNumber: u8,
  numberOfLogicalObjectsInObjectBuffer: u24,
  firstLogicalObjectLocation: u64,
  lastLogicalObjectLocation: u64,
  numberOfBytesInObjectBuffer: u64,
});

describe('READ POSITION extended form data', () => {
  it('round-trips', () => {
    expectRoundTrip(extended, encodeReadPositionExtended, decodeReadPositionExtended);
  });

  it('golden: object 2^32 + 5 in partition 2 with one buffered block', () => {
    const data = hex(
      [
        '00', // flags clear
        '02', // PARTITION NUMBER 2
        '001c', // ADDITIONAL LENGTH 28
        '00', // reserved
        '000001', // NUMBER OF LOGICAL OBJECTS IN OBJECT BUFFER 1
        '00000001 00000005', // FIRST LOGICAL OBJECT LOCATION
        '00000001 00000004', // LAST LOGICAL OBJECT LOCATION
        '00000000 00100000', // NUMBER OF BYTES IN OBJECT BUFFER 1 MiB
      ].join(''),
    );
    const v: ReadPositionExtended = {
      ...readPositionFlagsClear,
      partitionNumber: 2,
      numberOfLogicalObjectsInObjectBuffer: 1,
      firstLogicalObjectLocation: 0x100000005n,
      lastLogicalObjectLocation: 0x100000004n,
      numberOfBytesInObjectBuffer: 0x100000n,
    };
    expect(encodeReadPositionExtended(v)).toEqual(data);
    expect(decodeReadPositionExtended(data)).toEqual(v);
    data[0] = 0xf7;
    const f = decodeReadPositionExtended(data);
    expect([f.bop, f.eop, f.locu, f.bycu, f.lolu, f.perr, f.bpew]).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
  });

  it('accepts a longer ADDITIONAL LENGTH, rejects a shorter one at byte 2', () => {
    const data = encodeReadPositionExtended(
      decodeReadPositionExtended(Buffer.from([0, 0, 0, 0x1c, ...Buffer.alloc(28)])),
    );
    data.writeUInt16BE(0x24, 2);
    expect(decodeReadPositionExtended(Buffer.concat([data, Buffer.alloc(8)])).partitionNumber).toBe(0);
    data.writeUInt16BE(0x1b, 2);
    expectInvalidParam(() => decodeReadPositionExtended(data), 2);
  });

  it('a short buffer is PARAMETER LIST LENGTH ERROR', () => {
    expectLengthError(() => decodeReadPositionExtended(Buffer.from([0, 0, 0])));
    expectLengthError(() => decodeReadPositionExtended(Buffer.from([0, 0, 0, 0x1c, 0, 0, 0, 0])));
  });
});
