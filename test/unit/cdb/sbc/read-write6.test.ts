import * as fc from 'fast-check';
import {
  decodeRead6,
  decodeWrite6,
  encodeRead6,
  encodeWrite6,
  rw6Blocks,
  rw6TransferLength,
} from '../../../../cdb/sbc/read-write6';
import { control, u8 } from './arbitraries';
import { expectInvalidCdb, expectInvalidOpcode, hex } from './sense';

const cdb6 = fc.record({
  logicalBlockAddress: fc.integer({ min: 0, max: 0x1fffff }),
  transferLength: u8,
  control,
});

describe('READ(6) / WRITE(6)', () => {
  it('round-trips every valid READ(6) and WRITE(6)', () => {
    fc.assert(fc.property(cdb6, (v) => expect(decodeRead6(encodeRead6(v))).toEqual(v)));
    fc.assert(fc.property(cdb6, (v) => expect(decodeWrite6(encodeWrite6(v))).toEqual(v)));
  });

  it('golden READ(6): LBA 12345h, TRANSFER LENGTH 0 (= 256 blocks)', () => {
    const cdb = hex(
      '08' + //       OPERATION CODE READ(6)
        '01 23 45' + // byte 1 bits 4-0 + bytes 2-3: 21-bit LBA 012345h
        '00' + //     TRANSFER LENGTH 0 -> 256 logical blocks
        '00', //      CONTROL
    );
    const v = { logicalBlockAddress: 0x12345, transferLength: 0, control: 0 };
    expect(encodeRead6(v)).toEqual(cdb);
    expect(decodeRead6(cdb)).toEqual(v);
    expect(rw6Blocks(decodeRead6(cdb).transferLength)).toBe(256);
  });

  it('golden WRITE(6): top 3 bits of byte 1 (old LUN field) are ignored', () => {
    const cdb = hex('0a ff ff ff 10 04'); // LBA 1FFFFFh, 16 blocks, CONTROL 04h; bits 7-5 of byte 1 set
    expect(decodeWrite6(cdb)).toEqual({ logicalBlockAddress: 0x1fffff, transferLength: 16, control: 4 });
    expect(encodeWrite6({ logicalBlockAddress: 0x1fffff, transferLength: 16, control: 4 })).toEqual(
      hex('0a 1f ff ff 10 04'),
    );
  });

  it('maps TRANSFER LENGTH to blocks and back (0 <-> 256)', () => {
    expect(rw6Blocks(0)).toBe(256);
    expect(rw6Blocks(1)).toBe(1);
    expect(rw6Blocks(255)).toBe(255);
    expect(rw6TransferLength(256)).toBe(0);
    expect(rw6TransferLength(7)).toBe(7);
    expect(() => rw6TransferLength(0)).toThrow(RangeError);
    expect(() => rw6TransferLength(257)).toThrow(RangeError);
    expect(() => rw6TransferLength(1.5)).toThrow(RangeError);
    expect(() => rw6Blocks(256)).toThrow(RangeError);
  });

  it('rejects a wrong opcode with 05/20/00 pointing at byte 0', () => {
    expectInvalidOpcode(() => decodeRead6(hex('0a 00 00 00 01 00')));
    expectInvalidOpcode(() => decodeWrite6(hex('08 00 00 00 01 00')));
  });

  it('rejects a short or empty CDB with 05/24/00 pointing at byte 0', () => {
    expectInvalidCdb(() => decodeRead6(hex('08 00 00 00 01')), 0);
    expectInvalidCdb(() => decodeRead6(Buffer.alloc(0)), 0);
  });

  it('accepts a longer buffer (16-byte iSCSI CDB field) and ignores the tail', () => {
    const cdb = Buffer.concat([hex('08 00 00 10 02 00'), Buffer.alloc(10, 0xee)]);
    expect(decodeRead6(cdb)).toEqual({ logicalBlockAddress: 0x10, transferLength: 2, control: 0 });
  });

  it('refuses values that do not fit their fields when encoding', () => {
    expect(() => encodeRead6({ logicalBlockAddress: 0x200000, transferLength: 1, control: 0 })).toThrow(
      RangeError,
    );
    expect(() => encodeWrite6({ logicalBlockAddress: 0, transferLength: 256, control: 0 })).toThrow(
      RangeError,
    );
    expect(() => encodeWrite6({ logicalBlockAddress: 0, transferLength: 1, control: 256 })).toThrow(
      RangeError,
    );
  });
});
