import * as fc from 'fast-check';
import {
  decodeSynchronizeCache10,
  decodeSynchronizeCache16,
  encodeSynchronizeCache10,
  encodeSynchronizeCache16,
} from '../../../../cdb/sbc/synchronize-cache';
import { control, groupNumber, u16, u32, u64 } from './arbitraries';
import { expectInvalidCdb, expectInvalidOpcode, hex } from './sense';

describe('SYNCHRONIZE CACHE(10) / (16)', () => {
  it('round-trips', () => {
    const s10 = fc.record({
      immed: fc.boolean(),
      logicalBlockAddress: u32,
      groupNumber,
      numberOfLogicalBlocks: u16,
      control,
    });
    const s16 = fc.record({
      immed: fc.boolean(),
      logicalBlockAddress: u64,
      numberOfLogicalBlocks: u32,
      groupNumber,
      control,
    });
    fc.assert(
      fc.property(s10, (v) => expect(decodeSynchronizeCache10(encodeSynchronizeCache10(v))).toEqual(v)),
    );
    fc.assert(
      fc.property(s16, (v) => expect(decodeSynchronizeCache16(encodeSynchronizeCache16(v))).toEqual(v)),
    );
  });

  it('golden SYNCHRONIZE CACHE(10): IMMED, whole medium (LBA 0, 0 blocks)', () => {
    const cdb = hex('35 02 00 00 00 00 00 00 00 00');
    const v = { immed: true, logicalBlockAddress: 0, groupNumber: 0, numberOfLogicalBlocks: 0, control: 0 };
    expect(encodeSynchronizeCache10(v)).toEqual(cdb);
    expect(decodeSynchronizeCache10(cdb)).toEqual(v);
  });

  it('golden SYNCHRONIZE CACHE(16): obsolete SYNC_NV (bit 2) is ignored', () => {
    const cdb = hex(
      '91' + //                    OPERATION CODE
        '04' + //                  SYNC_NV (obsolete), IMMED 0
        '00 00 00 01 00 00 00 00' + // LBA 2^32
        '00 00 04 00' + //         NUMBER OF LOGICAL BLOCKS 1024
        '01' + //                  GROUP NUMBER 1
        '00', //                   CONTROL
    );
    expect(decodeSynchronizeCache16(cdb)).toEqual({
      immed: false,
      logicalBlockAddress: 0x100000000n,
      numberOfLogicalBlocks: 1024,
      groupNumber: 1,
      control: 0,
    });
  });

  it('rejects a wrong opcode and a short CDB', () => {
    expectInvalidOpcode(() => decodeSynchronizeCache10(hex('91 00 00 00 00 00 00 00 00 00')));
    expectInvalidOpcode(() =>
      decodeSynchronizeCache16(hex('35 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00')),
    );
    expectInvalidCdb(() => decodeSynchronizeCache10(hex('35 00')), 0);
  });
});
