import * as fc from 'fast-check';
import {
  decodeReadPositionExtended,
  encodeReadPositionExtended,
  type ReadPositionExtended,
} from '../../../../cdb/ssc/read-position-extended';
import { expectInvalidParam, expectLengthError, u24, u64, u8 } from './helpers';

const extended = fc.record({
  bop: fc.boolean(),
  eop: fc.boolean(),
  locu: fc.boolean(),
  bycu: fc.boolean(),
  lolu: fc.boolean(),
  perr: fc.boolean(),
  bpew: fc.boolean(),
  partitionNumber: u8,
  numberOfLogicalObjectsInObjectBuffer: u24,
  firstLogicalObjectLocation: u64,
  lastLogicalObjectLocation: u64,
  numberOfBytesInObjectBuffer: u64,
});

describe('READ POSITION extended form data', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(extended, (v: ReadPositionExtended) =>
        expect(decodeReadPositionExtended(encodeReadPositionExtended(v))).toEqual(v),
      ),
    );
  });

  it('golden: object 2^32 + 5 in partition 2 with one buffered block', () => {
    const data = Buffer.from([
      0x00, // flags clear
      0x02, // PARTITION NUMBER 2
      0x00,
      0x1c, // ADDITIONAL LENGTH 28
      0x00, // reserved
      0x00,
      0x00,
      0x01, // NUMBER OF LOGICAL OBJECTS IN OBJECT BUFFER 1
      0x00,
      0x00,
      0x00,
      0x01,
      0x00,
      0x00,
      0x00,
      0x05, // FIRST LOGICAL OBJECT LOCATION
      0x00,
      0x00,
      0x00,
      0x01,
      0x00,
      0x00,
      0x00,
      0x04, // LAST LOGICAL OBJECT LOCATION
      0x00,
      0x00,
      0x00,
      0x00,
      0x00,
      0x10,
      0x00,
      0x00, // NUMBER OF BYTES IN OBJECT BUFFER 1 MiB
    ]);
    const v: ReadPositionExtended = {
      bop: false,
      eop: false,
      locu: false,
      bycu: false,
      lolu: false,
      perr: false,
      bpew: false,
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
