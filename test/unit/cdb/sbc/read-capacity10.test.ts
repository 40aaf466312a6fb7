import * as fc from 'fast-check';
import {
  decodeReadCapacity10,
  decodeReadCapacity10Data,
  encodeReadCapacity10,
  encodeReadCapacity10Data,
} from '../../../../cdb/sbc/read-capacity10';
import { control, u32 } from './arbitraries';
import { expectInvalidCdb, expectInvalidOpcode, expectParamListLength, hex } from './sense';

describe('READ CAPACITY(10)', () => {
  // With PMI zero the LBA must be zero (SBC-3), so valid CDBs are drawn that way.
  const cdb10 = fc.oneof(
    fc.record({ logicalBlockAddress: u32, pmi: fc.constant(true), control }),
    fc.record({ logicalBlockAddress: fc.constant(0), pmi: fc.constant(false), control }),
  );

  it('round-trips the CDB and the 8-byte data', () => {
    fc.assert(fc.property(cdb10, (v) => expect(decodeReadCapacity10(encodeReadCapacity10(v))).toEqual(v)));
    const data = fc.record({ returnedLogicalBlockAddress: u32, logicalBlockLengthInBytes: u32 });
    fc.assert(
      fc.property(data, (v) => expect(decodeReadCapacity10Data(encodeReadCapacity10Data(v))).toEqual(v)),
    );
  });

  it('golden CDB and data (1 GiB of 512-byte blocks)', () => {
    expect(encodeReadCapacity10({ logicalBlockAddress: 0, pmi: false, control: 0 })).toEqual(
      hex('25 00 00 00 00 00 00 00 00 00'),
    );
    const data = hex(
      '00 1f ff ff' + // RETURNED LOGICAL BLOCK ADDRESS (last LBA) 1FFFFFh
        '00 00 02 00', // LOGICAL BLOCK LENGTH IN BYTES 512
    );
    expect(decodeReadCapacity10Data(data)).toEqual({
      returnedLogicalBlockAddress: 0x1fffff,
      logicalBlockLengthInBytes: 512,
    });
    expect(
      encodeReadCapacity10Data({ returnedLogicalBlockAddress: 0x1fffff, logicalBlockLengthInBytes: 512 }),
    ).toEqual(data);
  });

  it('rejects a non-zero LBA with PMI zero at byte 2', () => {
    expectInvalidCdb(() => decodeReadCapacity10(hex('25 00 00 00 00 01 00 00 00 00')), 2);
    expect(decodeReadCapacity10(hex('25 00 00 00 00 01 00 00 01 00'))).toEqual({
      logicalBlockAddress: 1,
      pmi: true,
      control: 0,
    });
  });

  it('rejects a wrong opcode, a short CDB and short data', () => {
    expectInvalidOpcode(() => decodeReadCapacity10(hex('9e 10 00 00 00 00 00 00 00 00')));
    expectInvalidCdb(() => decodeReadCapacity10(hex('25 00 00')), 0);
    expectParamListLength(() => decodeReadCapacity10Data(hex('00 00 00 01 00 00 02')));
  });
});
