import {
  blockOffsetToBlockOffset,
  blockOffsetToStream,
  blockToBlock,
  blockToStream,
  embeddedToStream,
  extendedCopyCdb,
  extendedCopyParameterList,
  identificationTarget,
  inlineToStream,
  locate,
  naaBlockTarget,
  naaStreamTarget,
  opaqueSegment,
  receiveCopyResultsCdb,
  registerKey,
  space,
  streamToBlock,
  streamToBlockOffset,
  streamToDiscard,
  streamToStream,
  verifyCscd,
  writeFilemarks,
} from '../../../../cdb/xcopy/build';
import {
  LIST_ID_USAGE,
  type SegmentDescriptor,
  SPEC_MAXIMUM_LIMITS,
  decodeExtendedCopy,
  decodeExtendedCopyParameterList,
  decodeReceiveCopyResults,
  decodeSegmentDescriptor,
  decodeTargetDescriptor,
  encodeSegmentDescriptor,
  encodeTargetDescriptor,
} from '../../../../cdb/xcopy/index';
import { hex } from './helpers';

const NAA6 = hex('60 01 40 5a bc de f0 12 34 56 78 9a bc de f0 12');
const NAA5 = hex('50 01 02 03 04 05 06 07');

describe('CSCD descriptor builders', () => {
  test('naaBlockTarget: E4h, type 00h, PAD and DISK BLOCK LENGTH (SPC-4 6.4.5.6, 6.4.5.3)', () => {
    const d = naaBlockTarget(NAA6, { pad: true, diskBlockLength: 4096 });
    expect(encodeTargetDescriptor(d)).toEqual(
      hex(`
        e4                                               // DESCRIPTOR TYPE CODE E4h
        00                                               // LU ID TYPE 00b, NUL 0, PERIPHERAL DEVICE TYPE 00h
        00 00                                            // RELATIVE INITIATOR PORT IDENTIFIER 0 (any port)
        01                                               // CODE SET 1 (binary)
        03                                               // ASSOCIATION 00b (LU), DESIGNATOR TYPE 3 (NAA)
        00                                               // reserved
        10                                               // DESIGNATOR LENGTH 16
        60 01 40 5a bc de f0 12 34 56 78 9a bc de f0 12  // DESIGNATOR
        00 00 00 00                                      // DESIGNATOR field padding to 20 bytes
        04                                               // PAD 1 (byte 28 bit 2)
        00 10 00                                         // DISK BLOCK LENGTH 4096
      `),
    );
    expect(decodeTargetDescriptor(encodeTargetDescriptor(d))).toEqual(d);
  });

  test('naaBlockTarget defaults: PAD 0, DISK BLOCK LENGTH 0', () => {
    const b = encodeTargetDescriptor(naaBlockTarget(NAA5));
    expect(b.subarray(0, 8)).toEqual(hex('e4 00 00 00 01 03 00 08'));
    expect(b.subarray(28)).toEqual(hex('00 00 00 00'));
  });

  test('naaStreamTarget: E4h, type 01h, FIXED and STREAM BLOCK LENGTH (SPC-4 6.4.5.6, 6.4.5.4)', () => {
    const d = naaStreamTarget(NAA5, { fixed: true, streamBlockLength: 0x10000 });
    expect(encodeTargetDescriptor(d)).toEqual(
      hex(`
        e4                                               // DESCRIPTOR TYPE CODE E4h
        01                                               // PERIPHERAL DEVICE TYPE 01h (sequential access)
        00 00                                            // RELATIVE INITIATOR PORT IDENTIFIER 0
        01 03 00 08                                      // binary, LU/NAA, reserved, DESIGNATOR LENGTH 8
        50 01 02 03 04 05 06 07                          // NAA 5 designator
        00 00 00 00 00 00 00 00 00 00 00 00              // padding to 20 bytes
        01                                               // PAD 0, FIXED 1
        01 00 00                                         // STREAM BLOCK LENGTH 65536
      `),
    );
    expect(decodeTargetDescriptor(encodeTargetDescriptor(d))).toEqual(d);
  });

  test('naaStreamTarget defaults: variable blocks (FIXED 0, STREAM BLOCK LENGTH 0), PAD when asked', () => {
    expect(encodeTargetDescriptor(naaStreamTarget(NAA5)).subarray(28)).toEqual(hex('00 00 00 00'));
    expect(encodeTargetDescriptor(naaStreamTarget(NAA5, { pad: true })).subarray(28)).toEqual(
      hex('04 00 00 00'),
    );
  });

  test('identificationTarget: code set, association, designator type and NUL as given', () => {
    const d = identificationTarget({
      designator: Buffer.from('iqn.x', 'ascii'),
      designatorType: 8, // SCSI name string
      codeSet: 3, // UTF-8
      association: 2, // target device
      nul: true,
      peripheralDeviceType: 0x03,
      deviceTypeParameters: { kind: 'processor', pad: true },
    });
    const b = encodeTargetDescriptor(d);
    expect(b.subarray(0, 8)).toEqual(hex('e4 23 00 00 03 28 00 05')); // NUL=1 | type 03h; 3h; 10b|8h
    expect(b.subarray(8, 13).toString('ascii')).toBe('iqn.x');
    expect(b[28]).toBe(0x04);
    expect(decodeTargetDescriptor(b)).toEqual(d);
  });
});

describe('segment descriptor builders', () => {
  // [built with no options, its code, built with hold, the held-data code] (SPC-4 6.4.6.1).
  const held: [string, SegmentDescriptor, number, SegmentDescriptor, number][] = [
    ['00h/0Bh', blockToStream(0, 1, 1, 0n, 512), 0x00, blockToStream(0, 1, 1, 0n, 512, { hold: true }), 0x0b],
    ['01h/0Ch', streamToBlock(0, 1, 1, 0n, 512), 0x01, streamToBlock(0, 1, 1, 0n, 512, { hold: true }), 0x0c],
    ['02h/0Dh', blockToBlock(0, 1, 1, 0n, 0n), 0x02, blockToBlock(0, 1, 1, 0n, 0n, { hold: true }), 0x0d],
    ['03h/0Eh', streamToStream(0, 1, 0, 0, 1), 0x03, streamToStream(0, 1, 0, 0, 1, { hold: true }), 0x0e],
    ['06h/0Fh', streamToDiscard(0, 0, 1), 0x06, streamToDiscard(0, 0, 1, { hold: true }), 0x0f],
  ];

  test.each(held)(
    '%s: hold selects the held-data type code; CAT and DC default to 0',
    (_n, plain, code, h, hcode) => {
      expect(plain.descriptorTypeCode).toBe(code);
      expect(h.descriptorTypeCode).toBe(hcode);
      expect(encodeSegmentDescriptor(plain)[0]).toBe(code);
      expect(encodeSegmentDescriptor(h)[0]).toBe(hcode);
      expect(encodeSegmentDescriptor(plain)[1]).toBe(0x00);
    },
  );

  test('cat and dc set byte 1 bits 0 and 1', () => {
    expect(encodeSegmentDescriptor(blockToBlock(0, 1, 1, 0n, 0n, { cat: true }))[1]).toBe(0x01);
    expect(encodeSegmentDescriptor(blockToBlock(0, 1, 1, 0n, 0n, { dc: true }))[1]).toBe(0x02);
    expect(encodeSegmentDescriptor(streamToStream(0, 1, 0, 0, 1, { cat: true }))[1]).toBe(0x01);
    expect(encodeSegmentDescriptor(streamToDiscard(0, 0, 1, { cat: true }))[1]).toBe(0x01);
    expect(encodeSegmentDescriptor(embeddedToStream(0, 0, Buffer.alloc(1), { cat: true }))[1]).toBe(0x01);
    expect(encodeSegmentDescriptor(blockOffsetToStream(0, 1, 0, 1, 0n, 0, { cat: true }))[1]).toBe(0x01);
    expect(encodeSegmentDescriptor(blockOffsetToBlockOffset(0, 1, 1, 0n, 0n, 0, 0, { cat: true }))[1]).toBe(
      0x01,
    );
  });

  // Each builder's positional arguments land in the right fields: golden bytes per SPC-4 6.4.6.x.
  const golden: [string, SegmentDescriptor, string][] = [
    [
      '0Bh block->stream (6.4.6.2), CAT',
      blockToStream(1, 2, 0x20, 0x1234n, 0x800, { cat: true, hold: true }),
      `0b 01 00 14  00 01 00 02       // type, CAT, DESCRIPTOR LENGTH 20, source 1, destination 2
       00 00 08 00  00 00 00 20       // STREAM DEVICE TRANSFER LENGTH 2048, BLOCK DEVICE NUMBER OF BLOCKS 32
       00 00 00 00 00 00 12 34        // BLOCK DEVICE LOGICAL BLOCK ADDRESS`,
    ],
    [
      '01h stream->block (6.4.6.3)',
      streamToBlock(2, 1, 0x20, 0x1234n, 0x800),
      `01 00 00 14  00 02 00 01
       00 00 08 00  00 00 00 20
       00 00 00 00 00 00 12 34`,
    ],
    [
      '0Dh block->block (6.4.6.4), DC and CAT',
      blockToBlock(1, 2, 8, 0x100n, 0x200n, { dc: true, cat: true, hold: true }),
      `0d 03 00 18  00 01 00 02       // DC=1 CAT=1, DESCRIPTOR LENGTH 24
       00 00 00 08                    // reserved, BLOCK DEVICE NUMBER OF BLOCKS 8
       00 00 00 00 00 00 01 00        // SOURCE BLOCK DEVICE LOGICAL BLOCK ADDRESS
       00 00 00 00 00 00 02 00        // DESTINATION BLOCK DEVICE LOGICAL BLOCK ADDRESS`,
    ],
    [
      '0Eh stream->stream (6.4.6.5)',
      streamToStream(1, 2, 0x400, 0x200, 0x1000, { hold: true }),
      `0e 00 00 10  00 01 00 02
       00 00 04 00  00 00 02 00       // SOURCE / DESTINATION STREAM DEVICE TRANSFER LENGTH
       00 00 10 00                    // BYTE COUNT`,
    ],
    [
      '04h inline->stream (6.4.6.6), CAT',
      inlineToStream(2, 0, 8, 100, { cat: true }),
      `04 01 00 10  00 00 00 02       // no source CSCD
       00 00 00 00  00 00 00 08       // STREAM DEVICE TRANSFER LENGTH 0, INLINE DATA OFFSET 8
       00 00 00 64                    // INLINE DATA NUMBER OF BYTES 100`,
    ],
    [
      '05h embedded->stream (6.4.6.7)',
      embeddedToStream(1, 5, Buffer.from('abcde')),
      `05 00 00 14  00 00 00 01       // DESCRIPTOR LENGTH 20: 12 + 5 data bytes padded to 8
       00 00 00 05  00 05 00 00       // STREAM DEVICE TRANSFER LENGTH 5, EMBEDDED DATA NUMBER OF BYTES 5
       61 62 63 64 65 00 00 00        // EMBEDDED DATA, pad`,
    ],
    [
      '0Fh stream->discard (6.4.6.8)',
      streamToDiscard(1, 512, 1024, { hold: true }),
      `0f 00 00 0c  00 01 00 00       // no destination CSCD
       00 00 02 00  00 00 04 00       // STREAM DEVICE TRANSFER LENGTH 512, NUMBER OF BYTES 1024`,
    ],
    ['07h verify CSCD (6.4.6.9), TUR', verifyCscd(3, { tur: true }), '07 00 00 08 00 03 00 00 01 00 00 00'],
    ['07h verify CSCD, TUR 0 by default', verifyCscd(3), '07 00 00 08 00 03 00 00 00 00 00 00'],
    [
      '08h block<o>->stream (6.4.6.10)',
      blockOffsetToStream(1, 2, 0x100, 300, 7n, 12),
      `08 00 00 18  00 01 00 02
       00 00 01 00  00 00 01 2c       // STREAM DEVICE TRANSFER LENGTH 256, NUMBER OF BYTES 300
       00 00 00 00 00 00 00 07        // BLOCK DEVICE LOGICAL BLOCK ADDRESS
       00 00 00 0c                    // reserved, BLOCK DEVICE BYTE OFFSET 12`,
    ],
    [
      '09h stream->block<o> (6.4.6.11), CAT',
      streamToBlockOffset(2, 1, 0x100, 300, 7n, 12, { cat: true }),
      `09 01 00 18  00 02 00 01
       00 00 01 00  00 00 01 2c
       00 00 00 00 00 00 00 07
       00 00 00 0c`,
    ],
    [
      '0Ah block<o>->block<o> (6.4.6.12)',
      blockOffsetToBlockOffset(1, 2, 300, 5n, 6n, 10, 20),
      `0a 00 00 1c  00 01 00 02
       00 00 01 2c                    // NUMBER OF BYTES 300
       00 00 00 00 00 00 00 05        // SOURCE BLOCK DEVICE LOGICAL BLOCK ADDRESS
       00 00 00 00 00 00 00 06        // DESTINATION BLOCK DEVICE LOGICAL BLOCK ADDRESS
       00 0a 00 14                    // SOURCE / DESTINATION BLOCK DEVICE BYTE OFFSET`,
    ],
    [
      '10h write filemarks (6.4.6.13), W_IMMED',
      writeFilemarks(1, 2, { wImmed: true }),
      '10 00 00 08 00 00 00 01 01 00 00 02',
    ],
    [
      '10h write filemarks, W_IMMED 0 by default',
      writeFilemarks(1, 0),
      '10 00 00 08 00 00 00 01 00 00 00 00',
    ],
    ['11h space (6.4.6.14), filemarks, COUNT -2', space(1, 1, -2), '11 00 00 08 00 00 00 01 01 ff ff fe'],
    ['12h locate (6.4.6.15)', locate(1, 0x1234), '12 00 00 08 00 00 00 01 00 00 12 34'],
    [
      '14h register key (6.4.6.17)',
      registerKey(1, 0x11n, 0x22n),
      `14 00 00 18  00 00 00 01
       00 00 00 00 00 00 00 11        // RESERVATION KEY
       00 00 00 00 00 00 00 22        // SERVICE ACTION RESERVATION KEY
       00 00 00 00                    // reserved`,
    ],
    [
      'C0h vendor specific, kept as bytes',
      opaqueSegment(hex('c0 00 00 04 de ad be ef')),
      'c0 00 00 04 de ad be ef',
    ],
  ];

  test.each(golden)('%s', (_name, segment, bytes) => {
    const want = hex(bytes);
    expect(encodeSegmentDescriptor(segment)).toEqual(want);
    expect(decodeSegmentDescriptor(want)).toEqual(segment);
  });
});

describe('parameter list and CDBs', () => {
  const targets = [naaBlockTarget(NAA6, { diskBlockLength: 512 }), naaStreamTarget(NAA5)];
  const segments: SegmentDescriptor[] = [
    blockToStream(0, 1, 4, 0n, 2048, { hold: true }),
    streamToBlock(1, 0, 4, 8n, 2048, { cat: true }),
    blockToBlock(0, 0, 2, 0n, 16n, { dc: true }),
    streamToStream(1, 1, 0, 0, 10),
    inlineToStream(1, 0, 4, 4),
    embeddedToStream(1, 0, Buffer.from([1, 2, 3])),
    streamToDiscard(1, 0, 10),
    verifyCscd(0, { tur: true }),
    blockOffsetToStream(0, 1, 0, 10, 1n, 3),
    streamToBlockOffset(1, 0, 0, 10, 1n, 3),
    blockOffsetToBlockOffset(0, 0, 10, 1n, 2n, 3, 4),
    writeFilemarks(1, 1),
    space(1, 0, 1),
    locate(1, 0),
    registerKey(1, 0n, 5n),
    opaqueSegment(hex('c0 00 00 00')),
  ];
  const inline = hex('00 00 00 00 aa bb cc dd');

  test('a built list encodes (defaults: LIST IDENTIFIER 0, LIST ID USAGE 00b, PRIORITY 0) and decodes back', () => {
    const list = extendedCopyParameterList({ targets, segments, inline });
    expect(list.subarray(0, 16)).toEqual(
      Buffer.concat([
        hex('00 00 00 40 00 00 00 00'), // LIST IDENTIFIER 0; STR 0, LIST ID USAGE 00b, PRIORITY 0; 2 CSCDs
        hex('00 00 01 40'), // SEGMENT DESCRIPTOR LIST LENGTH 320 = 24+24+28+20+20+20+16+12+28+28+32+12*3+28+4
        hex('00 00 00 08'), // INLINE DATA LENGTH
      ]),
    );
    expect(list).toHaveLength(16 + 64 + 320 + 8);
    expect(decodeExtendedCopyParameterList(list, SPEC_MAXIMUM_LIMITS)).toEqual({
      listIdentifier: 0,
      str: false,
      listIdUsage: LIST_ID_USAGE.hold,
      priority: 0,
      targetDescriptors: targets,
      segmentDescriptors: segments,
      inlineData: inline,
    });
  });

  test('list identifier, LIST ID USAGE and PRIORITY as given; no inline data', () => {
    const list = extendedCopyParameterList({
      listIdentifier: 7,
      listIdUsage: LIST_ID_USAGE.discard,
      priority: 3,
      targets: [targets[0]],
      segments: [blockToBlock(0, 0, 1, 0n, 1n)],
    });
    expect(list.subarray(0, 16)).toEqual(hex('07 13 00 20 00 00 00 00 00 00 00 1c 00 00 00 00'));
    const d = decodeExtendedCopyParameterList(list, SPEC_MAXIMUM_LIMITS);
    expect([d.listIdentifier, d.listIdUsage, d.priority, d.inlineData.length]).toEqual([7, 2, 3, 0]);
  });

  test('extendedCopyCdb: EXTENDED COPY(LID1) with PARAMETER LIST LENGTH in bytes 10-13', () => {
    const cdb = extendedCopyCdb(0x1234);
    expect(cdb).toEqual(hex('83 00 00 00 00 00 00 00 00 00 00 00 12 34 00 00'));
    expect(decodeExtendedCopy(cdb)).toEqual({ parameterListLength: 0x1234, control: 0 });
  });

  test('receiveCopyResultsCdb: service action, LIST IDENTIFIER, ALLOCATION LENGTH', () => {
    const cdb = receiveCopyResultsCdb(0x01, 5, 0x100);
    expect(cdb).toEqual(hex('84 01 05 00 00 00 00 00 00 00 00 00 01 00 00 00'));
    expect(decodeReceiveCopyResults(cdb)).toEqual({
      serviceAction: 1,
      listIdentifier: 5,
      allocationLength: 0x100,
      control: 0,
    });
  });
});
