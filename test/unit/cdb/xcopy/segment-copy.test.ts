import fc from 'fast-check';
import {
  type CopySegment,
  decodeSegmentDescriptor,
  embeddedSegmentLength,
  encodeCopySegment,
  encodeSegmentDescriptor,
} from '../../../../cdb/xcopy/index';
import { copySegment } from './arbitraries';
import { expectSense, hex } from './helpers';

// Golden vectors assembled by hand from SPC-4 6.4.6.2 to 6.4.6.7.
const SEG_00 = hex(`
  00                       // DESCRIPTOR TYPE CODE 00h (block->stream)
  01                       // DC 0, CAT 1
  00 14                    // DESCRIPTOR LENGTH 20
  00 00                    // SOURCE CSCD DESCRIPTOR ID 0
  00 01                    // DESTINATION CSCD DESCRIPTOR ID 1
  00                       // reserved
  01 00 00                 // STREAM DEVICE TRANSFER LENGTH 65536
  00 00                    // reserved
  00 80                    // BLOCK DEVICE NUMBER OF BLOCKS 128
  00 00 00 00 00 00 10 00  // BLOCK DEVICE LOGICAL BLOCK ADDRESS 4096
`);

const SEG_01 = hex(`
  01                       // DESCRIPTOR TYPE CODE 01h (stream->block)
  00                       // CAT 0
  00 14                    // DESCRIPTOR LENGTH 20
  00 01                    // SOURCE CSCD DESCRIPTOR ID 1
  00 00                    // DESTINATION CSCD DESCRIPTOR ID 0
  00 00 80 00              // reserved, STREAM DEVICE TRANSFER LENGTH 32768
  00 00 00 40              // reserved, BLOCK DEVICE NUMBER OF BLOCKS 64
  00 00 00 01 00 00 00 00  // BLOCK DEVICE LOGICAL BLOCK ADDRESS 2^32
`);

const SEG_02_DC = hex(`
  02                       // DESCRIPTOR TYPE CODE 02h (block->block)
  02                       // DC 1 (count is of destination blocks), CAT 0
  00 18                    // DESCRIPTOR LENGTH 24
  00 00                    // SOURCE CSCD DESCRIPTOR ID 0
  ff ff                    // DESTINATION CSCD DESCRIPTOR ID FFFFh (the copy manager's LU)
  00 00                    // reserved
  08 00                    // BLOCK DEVICE NUMBER OF BLOCKS 2048
  00 00 00 00 00 00 00 00  // SOURCE BLOCK DEVICE LOGICAL BLOCK ADDRESS 0
  00 00 00 00 00 00 12 34  // DESTINATION BLOCK DEVICE LOGICAL BLOCK ADDRESS 1234h
`);

const SEG_04 = hex(`
  04                       // DESCRIPTOR TYPE CODE 04h (inline->stream)
  00                       // CAT 0
  00 10                    // DESCRIPTOR LENGTH 16
  00 00                    // reserved
  00 01                    // DESTINATION CSCD DESCRIPTOR ID 1
  00 00 02 00              // reserved, STREAM DEVICE TRANSFER LENGTH 512
  00 00 00 08              // INLINE DATA OFFSET 8
  00 00 00 10              // INLINE DATA NUMBER OF BYTES 16
`);

const SEG_05 = hex(`
  05                       // DESCRIPTOR TYPE CODE 05h (embedded->stream)
  01                       // CAT 1
  00 10                    // DESCRIPTOR LENGTH 16: 12 + 4 bytes of padded data
  00 00                    // reserved
  00 02                    // DESTINATION CSCD DESCRIPTOR ID 2
  00 00 00 00              // reserved, STREAM DEVICE TRANSFER LENGTH 0
  00 03                    // EMBEDDED DATA NUMBER OF BYTES 3
  00 00                    // reserved
  aa bb cc 00              // EMBEDDED DATA, zero padded to 4
`);

describe('data-moving segment descriptors: golden vectors', () => {
  test('00h block->stream', () => {
    const want: CopySegment = {
      kind: 'blockToStream',
      descriptorTypeCode: 0x00,
      cat: true,
      sourceCscdDescriptorId: 0,
      destinationCscdDescriptorId: 1,
      streamDeviceTransferLength: 65536,
      blockDeviceNumberOfBlocks: 128,
      blockDeviceLogicalBlockAddress: 4096n,
    };
    expect(decodeSegmentDescriptor(SEG_00)).toEqual(want);
    expect(encodeSegmentDescriptor(want)).toEqual(SEG_00);
  });

  test('01h stream->block', () => {
    const want: CopySegment = {
      kind: 'streamToBlock',
      descriptorTypeCode: 0x01,
      cat: false,
      sourceCscdDescriptorId: 1,
      destinationCscdDescriptorId: 0,
      streamDeviceTransferLength: 32768,
      blockDeviceNumberOfBlocks: 64,
      blockDeviceLogicalBlockAddress: 1n << 32n,
    };
    expect(decodeSegmentDescriptor(SEG_01)).toEqual(want);
    expect(encodeSegmentDescriptor(want)).toEqual(SEG_01);
  });

  test('02h block->block with DC=1', () => {
    const want: CopySegment = {
      kind: 'blockToBlock',
      descriptorTypeCode: 0x02,
      dc: true,
      cat: false,
      sourceCscdDescriptorId: 0,
      destinationCscdDescriptorId: 0xffff,
      blockDeviceNumberOfBlocks: 2048,
      sourceBlockDeviceLogicalBlockAddress: 0n,
      destinationBlockDeviceLogicalBlockAddress: 0x1234n,
    };
    expect(decodeSegmentDescriptor(SEG_02_DC)).toEqual(want);
    expect(encodeSegmentDescriptor(want)).toEqual(SEG_02_DC);
  });

  test('0Bh-0Fh are the held-data forms with the same layouts', () => {
    const b = Buffer.from(SEG_02_DC);
    b[0] = 0x0d;
    expect(decodeSegmentDescriptor(b)).toMatchObject({
      kind: 'blockToBlock',
      descriptorTypeCode: 0x0d,
      dc: true,
    });
    const s = Buffer.from(SEG_00);
    s[0] = 0x0b;
    expect(decodeSegmentDescriptor(s)).toMatchObject({ kind: 'blockToStream', descriptorTypeCode: 0x0b });
    s[0] = 0x0c;
    expect(decodeSegmentDescriptor(s)).toMatchObject({ kind: 'streamToBlock', descriptorTypeCode: 0x0c });
  });

  test('04h inline->stream', () => {
    const want: CopySegment = {
      kind: 'inlineToStream',
      descriptorTypeCode: 0x04,
      cat: false,
      destinationCscdDescriptorId: 1,
      streamDeviceTransferLength: 512,
      inlineDataOffset: 8,
      inlineDataNumberOfBytes: 16,
    };
    expect(decodeSegmentDescriptor(SEG_04)).toEqual(want);
    expect(encodeSegmentDescriptor(want)).toEqual(SEG_04);
  });

  test('05h embedded->stream pads the data to a multiple of 4', () => {
    const want: CopySegment = {
      kind: 'embeddedToStream',
      descriptorTypeCode: 0x05,
      cat: true,
      destinationCscdDescriptorId: 2,
      streamDeviceTransferLength: 0,
      embeddedData: hex('aa bb cc'),
    };
    expect(decodeSegmentDescriptor(SEG_05)).toEqual(want);
    expect(encodeSegmentDescriptor(want)).toEqual(SEG_05);
    expect(embeddedSegmentLength(0)).toBe(16);
    expect(embeddedSegmentLength(5)).toBe(24);
  });

  test('03h, 06h, 08h, 09h and 0Ah field offsets', () => {
    const s03 = hex('03 01 0010 0001 0002 00 000200 00 000400 00001000');
    expect(decodeSegmentDescriptor(s03)).toEqual({
      kind: 'streamToStream',
      descriptorTypeCode: 0x03,
      cat: true,
      sourceCscdDescriptorId: 1,
      destinationCscdDescriptorId: 2,
      sourceStreamDeviceTransferLength: 0x200,
      destinationStreamDeviceTransferLength: 0x400,
      byteCount: 0x1000,
    });
    const s06 = hex('06 00 000c 0003 0000 00 000100 00002000');
    expect(decodeSegmentDescriptor(s06)).toEqual({
      kind: 'streamToDiscard',
      descriptorTypeCode: 0x06,
      cat: false,
      sourceCscdDescriptorId: 3,
      streamDeviceTransferLength: 0x100,
      numberOfBytes: 0x2000,
    });
    const s08 = hex('08 00 0018 0000 0001 00 000200 00000300 0000000000000005 0000 0007');
    expect(decodeSegmentDescriptor(s08)).toEqual({
      kind: 'blockOffsetToStream',
      descriptorTypeCode: 0x08,
      cat: false,
      sourceCscdDescriptorId: 0,
      destinationCscdDescriptorId: 1,
      streamDeviceTransferLength: 0x200,
      numberOfBytes: 0x300,
      blockDeviceLogicalBlockAddress: 5n,
      blockDeviceByteOffset: 7,
    });
    const s09 = Buffer.from(s08);
    s09[0] = 0x09;
    expect(decodeSegmentDescriptor(s09)).toMatchObject({
      kind: 'streamToBlockOffset',
      blockDeviceByteOffset: 7,
    });
    const s0a = hex('0a 01 001c 0000 0001 00000400 0000000000000001 0000000000000002 0003 0004');
    expect(decodeSegmentDescriptor(s0a)).toEqual({
      kind: 'blockOffsetToBlockOffset',
      descriptorTypeCode: 0x0a,
      cat: true,
      sourceCscdDescriptorId: 0,
      destinationCscdDescriptorId: 1,
      numberOfBytes: 0x400,
      sourceBlockDeviceLogicalBlockAddress: 1n,
      destinationBlockDeviceLogicalBlockAddress: 2n,
      sourceBlockDeviceByteOffset: 3,
      destinationBlockDeviceByteOffset: 4,
    });
    for (const b of [s03, s06, s08, s09, s0a])
      expect(encodeSegmentDescriptor(decodeSegmentDescriptor(b))).toEqual(b);
  });
});

describe('data-moving segment descriptors: errors', () => {
  test('INLINE DATA OFFSET not a multiple of 4 is 05/26/00 at byte 12', () => {
    const b = Buffer.from(SEG_04);
    b[15] = 6;
    expectSense(() => decodeSegmentDescriptor(b), { asc: 0x26, ascq: 0x00, field: 12 });
  });

  test('EMBEDDED DATA NUMBER OF BYTES above DESCRIPTOR LENGTH - 12 is 05/26/00 at byte 12', () => {
    const b = Buffer.from(SEG_05);
    b[13] = 5;
    expectSense(() => decodeSegmentDescriptor(b), { asc: 0x26, ascq: 0x00, field: 12 });
  });

  test('encoder checks type codes against the layout and field widths', () => {
    const good = decodeSegmentDescriptor(SEG_00) as CopySegment & { kind: 'blockToStream' };
    expect(() => encodeCopySegment({ ...good, descriptorTypeCode: 0x01 as 0x00 })).toThrow(RangeError);
    expect(() => encodeCopySegment({ ...good, streamDeviceTransferLength: 1 << 24 })).toThrow(RangeError);
    expect(() => encodeCopySegment({ ...good, blockDeviceLogicalBlockAddress: 1n << 64n })).toThrow(
      RangeError,
    );
    expect(() => encodeCopySegment({ ...good, blockDeviceLogicalBlockAddress: -1n })).toThrow(RangeError);
    expect(() =>
      encodeCopySegment({
        kind: 'embeddedToStream',
        descriptorTypeCode: 0x05,
        cat: false,
        destinationCscdDescriptorId: 0,
        streamDeviceTransferLength: 0,
        embeddedData: Buffer.alloc(0x10000),
      }),
    ).toThrow(RangeError);
  });
});

test('data-moving segment descriptors round-trip', () => {
  fc.assert(
    fc.property(copySegment, (s) => {
      expect(decodeSegmentDescriptor(encodeCopySegment(s))).toEqual(s);
    }),
  );
});
