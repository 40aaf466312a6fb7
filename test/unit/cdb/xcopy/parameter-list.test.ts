import fc from 'fast-check';
import {
  type CopyManagerLimits,
  type ExtendedCopyParameterList,
  SPEC_MAXIMUM_LIMITS,
  decodeExtendedCopyParameterList,
  encodeExtendedCopyParameterList,
  parameterListLayout,
} from '../../../../cdb/xcopy/index';
import { parameterList } from './arbitraries';
import { BACKUP, BACKUP_LIST } from './fixtures';
import { expectSense, hex } from './helpers';

/** LIO-like copy manager: 2 CSCD descriptors, 1 segment, 1024-byte list, no inline data. */
const SMALL: CopyManagerLimits = {
  maximumCscdDescriptorCount: 2,
  maximumSegmentDescriptorCount: 1,
  maximumDescriptorListLength: 1024,
  maximumInlineDataLength: 0,
  implementedDescriptorTypeCodes: [0x02, 0xe4],
};

const DISK = BACKUP.targetDescriptors[0];
const B2B = {
  kind: 'blockToBlock' as const,
  descriptorTypeCode: 0x02 as const,
  dc: false,
  cat: false,
  sourceCscdDescriptorId: 0,
  destinationCscdDescriptorId: 0,
  blockDeviceNumberOfBlocks: 2048,
  sourceBlockDeviceLogicalBlockAddress: 0n,
  destinationBlockDeviceLogicalBlockAddress: 4096n,
};

function list(p: Partial<ExtendedCopyParameterList>): Buffer {
  return encodeExtendedCopyParameterList({
    listIdentifier: 1,
    str: false,
    listIdUsage: 0,
    priority: 0,
    targetDescriptors: [DISK],
    segmentDescriptors: [B2B],
    inlineData: Buffer.alloc(0),
    ...p,
  });
}

describe('EXTENDED COPY parameter list: golden vector', () => {
  test('disk and tape E4h, 04h + 00h + 10h segments and inline data', () => {
    expect(BACKUP_LIST).toHaveLength(144);
    expect(decodeExtendedCopyParameterList(BACKUP_LIST, SPEC_MAXIMUM_LIMITS)).toEqual(BACKUP);
    expect(encodeExtendedCopyParameterList(BACKUP)).toEqual(BACKUP_LIST);
    expect(parameterListLayout(BACKUP)).toEqual({
      cscdDescriptorOffsets: [16, 48],
      segmentDescriptorOffsets: [80, 100, 124],
      inlineDataOffset: 136,
      length: 144,
    });
  });

  test('header fields STR, LIST ID USAGE 10b and PRIORITY', () => {
    const b = Buffer.from(BACKUP_LIST);
    b[1] = 0x20 | 0x10 | 0x05;
    expect(decodeExtendedCopyParameterList(b, SPEC_MAXIMUM_LIMITS)).toMatchObject({
      str: true,
      listIdUsage: 2,
      priority: 5,
    });
  });

  test('LIST ID USAGE 11b with LIST IDENTIFIER 0 is valid', () => {
    const b = list({ listIdentifier: 0, listIdUsage: 3 });
    expect(decodeExtendedCopyParameterList(b, SMALL)).toMatchObject({ listIdentifier: 0, listIdUsage: 3 });
  });

  test('bytes after the inline data are ignored', () => {
    const b = Buffer.concat([BACKUP_LIST, Buffer.alloc(12, 0xee)]);
    expect(decodeExtendedCopyParameterList(b, SPEC_MAXIMUM_LIMITS)).toEqual(BACKUP);
  });

  test('a list within SMALL limits decodes', () => {
    expect(decodeExtendedCopyParameterList(list({}), SMALL).segmentDescriptors).toEqual([B2B]);
  });
});

describe('validation order: 1. lengths', () => {
  test('a list longer than MAXIMUM DESCRIPTOR LIST LENGTH is 1A/00 even with too many descriptors (libiscsi DescrLimits)', () => {
    const b = list({
      targetDescriptors: [DISK, DISK, DISK],
      segmentDescriptors: Array<typeof B2B>(34).fill(B2B),
    });
    expect(b.length - 16).toBeGreaterThan(1024);
    expectSense(() => decodeExtendedCopyParameterList(b, SMALL), { asc: 0x1a, ascq: 0x00 });
  });

  test('header lengths past the bytes received are 1A/00 (libiscsi Param)', () => {
    const full = list({});
    expectSense(() => decodeExtendedCopyParameterList(full.subarray(0, 16 + 32 - 1), SMALL), {
      asc: 0x1a,
      ascq: 0x00,
    });
    expectSense(() => decodeExtendedCopyParameterList(full.subarray(0, 16 + 32 + 28 - 1), SMALL), {
      asc: 0x1a,
      ascq: 0x00,
    });
    const inline = list({ inlineData: Buffer.alloc(8) });
    expectSense(
      () => decodeExtendedCopyParameterList(inline.subarray(0, inline.length - 1), SPEC_MAXIMUM_LIMITS),
      {
        asc: 0x1a,
        ascq: 0x00,
      },
    );
  });

  test('a header shorter than 16 bytes is 1A/00', () => {
    expectSense(() => decodeExtendedCopyParameterList(Buffer.alloc(15), SPEC_MAXIMUM_LIMITS), {
      asc: 0x1a,
      ascq: 0x00,
    });
    expectSense(() => decodeExtendedCopyParameterList(Buffer.alloc(0), SPEC_MAXIMUM_LIMITS), {
      asc: 0x1a,
      ascq: 0x00,
    });
  });

  test('an empty list (header only) decodes', () => {
    expect(decodeExtendedCopyParameterList(Buffer.alloc(16), SMALL)).toMatchObject({
      targetDescriptors: [],
      segmentDescriptors: [],
    });
  });
});

describe('validation order: 2. counts', () => {
  test('too many CSCD descriptors is 26/06 pointing at CSCD DESCRIPTOR LIST LENGTH', () => {
    const b = list({ targetDescriptors: [DISK, DISK, DISK] });
    expectSense(() => decodeExtendedCopyParameterList(b, SMALL), { asc: 0x26, ascq: 0x06, field: 2 });
  });

  test('too many segment descriptors is 26/08 pointing at SEGMENT DESCRIPTOR LIST LENGTH', () => {
    const b = list({ segmentDescriptors: [B2B, B2B] });
    expectSense(() => decodeExtendedCopyParameterList(b, SMALL), { asc: 0x26, ascq: 0x08, field: 8 });
  });

  test('counts come before codes: too many segments with an unsupported CSCD code is 26/08', () => {
    const b = list({ segmentDescriptors: [B2B, B2B] });
    b[16] = 0xe0;
    expectSense(() => decodeExtendedCopyParameterList(b, SMALL), { asc: 0x26, ascq: 0x08 });
  });

  test('a cut-off segment descriptor counts as one', () => {
    // One full 02h descriptor plus 2 stray bytes in the segment list: two descriptors for SMALL.
    const b = Buffer.concat([list({}), Buffer.alloc(2)]);
    b.writeUInt32BE(28 + 2, 8);
    expectSense(() => decodeExtendedCopyParameterList(b, SMALL), { asc: 0x26, ascq: 0x08 });
  });

  test('inline data above MAXIMUM INLINE DATA LENGTH is 26/0B pointing at INLINE DATA LENGTH', () => {
    const b = list({ inlineData: Buffer.alloc(4) });
    expectSense(() => decodeExtendedCopyParameterList(b, SMALL), { asc: 0x26, ascq: 0x0b, field: 12 });
  });
});

describe('validation order: 3. codes', () => {
  test('an unsupported segment type is 26/09 pointing at that descriptor (libiscsi DescrType 03h)', () => {
    const b = list({});
    b[48] = 0x03;
    b.writeUInt16BE(0x10, 50); // a well-formed 03h descriptor length would not change the answer
    b.writeUInt32BE(20, 8);
    expectSense(() => decodeExtendedCopyParameterList(b.subarray(0, 68), SMALL), {
      asc: 0x26,
      ascq: 0x09,
      field: 48,
    });
  });

  test('the second of two segments unsupported points at the second', () => {
    const b = list({ segmentDescriptors: [B2B, { ...B2B, descriptorTypeCode: 0x0d }] });
    expectSense(() => decodeExtendedCopyParameterList(b, { ...SMALL, maximumSegmentDescriptorCount: 2 }), {
      asc: 0x26,
      ascq: 0x09,
      field: 16 + 32 + 28,
    });
  });

  test('a CSCD code in the segment list is 26/09 even when the copy manager implements it', () => {
    const b = list({});
    b[48] = 0xe4;
    expectSense(() => decodeExtendedCopyParameterList(b, SMALL), { asc: 0x26, ascq: 0x09, field: 48 });
  });

  test('an unsupported CSCD descriptor type is 26/07 pointing at that descriptor (libiscsi DescrType E0h)', () => {
    const b = list({});
    b[16] = 0xe0;
    expectSense(() => decodeExtendedCopyParameterList(b, SMALL), { asc: 0x26, ascq: 0x07, field: 16 });
    const two = list({ targetDescriptors: [DISK, DISK] });
    two[48] = 0xfe;
    expectSense(() => decodeExtendedCopyParameterList(two, SMALL), { asc: 0x26, ascq: 0x07, field: 48 });
    const seg = list({});
    seg[16] = 0x02;
    expectSense(() => decodeExtendedCopyParameterList(seg, SMALL), { asc: 0x26, ascq: 0x07, field: 16 });
  });

  test('CSCD codes are checked before segment codes, and both before fields', () => {
    const b = list({});
    b[16] = 0xe5;
    b[48] = 0x03;
    expectSense(() => decodeExtendedCopyParameterList(b, SMALL), { asc: 0x26, ascq: 0x07, field: 16 });
    const c = list({});
    c[16 + 7] = 21; // bad DESIGNATOR LENGTH
    c[48] = 0x03;
    expectSense(() => decodeExtendedCopyParameterList(c, SMALL), { asc: 0x26, ascq: 0x09, field: 48 });
  });

  test('with the spec maxima every defined CSCD code decodes as unsupported-kind bytes', () => {
    const b = list({});
    b[16] = 0xe9;
    expect(decodeExtendedCopyParameterList(b, SPEC_MAXIMUM_LIMITS).targetDescriptors[0]).toMatchObject({
      kind: 'unsupported',
      descriptorCode: 0xe9,
    });
  });
});

describe('validation order: 4. fields', () => {
  test('LIST ID USAGE 01b is 26/00 at byte 1', () => {
    const b = list({});
    b[1] = 0x08;
    expectSense(() => decodeExtendedCopyParameterList(b, SMALL), { asc: 0x26, ascq: 0x00, field: 1, bit: 4 });
  });

  test('LIST ID USAGE 11b needs LIST IDENTIFIER 0', () => {
    const b = list({ listIdentifier: 7, listIdUsage: 3 });
    expectSense(() => decodeExtendedCopyParameterList(b, SMALL), { asc: 0x26, ascq: 0x00, field: 0 });
  });

  test('LIST ID USAGE 11b with a data-holding segment is 26/00 at that segment', () => {
    const b = list({
      listIdentifier: 0,
      listIdUsage: 3,
      segmentDescriptors: [{ ...B2B, descriptorTypeCode: 0x0d }],
    });
    expectSense(() => decodeExtendedCopyParameterList(b, SPEC_MAXIMUM_LIMITS), {
      asc: 0x26,
      ascq: 0x00,
      field: 48,
    });
  });

  test('a bad field in a CSCD descriptor points into the list', () => {
    const b = list({ targetDescriptors: [DISK, DISK] });
    b[48 + 7] = 21;
    expectSense(() => decodeExtendedCopyParameterList(b, SMALL), { asc: 0x26, ascq: 0x00, field: 55 });
  });

  test('a wrong DESCRIPTOR LENGTH for 02h points at its bytes 2-3', () => {
    const b = list({});
    b.writeUInt16BE(0x14, 50);
    b.writeUInt32BE(24, 8);
    expectSense(() => decodeExtendedCopyParameterList(b.subarray(0, 72), SMALL), {
      asc: 0x26,
      ascq: 0x00,
      field: 50,
    });
  });

  test('CSCD DESCRIPTOR LIST LENGTH not a multiple of 32 is 26/00 at byte 2', () => {
    const b = list({ segmentDescriptors: [] });
    b.writeUInt16BE(36, 2);
    const c = Buffer.concat([b, Buffer.alloc(4)]);
    expectSense(() => decodeExtendedCopyParameterList(c, SMALL), { asc: 0x26, ascq: 0x00, field: 2 });
  });

  test('a 64-byte CSCD descriptor cut by the list length is 26/00 at byte 2', () => {
    const b = list({ segmentDescriptors: [] });
    b[16] = 0xea;
    expectSense(() => decodeExtendedCopyParameterList(b, SPEC_MAXIMUM_LIMITS), {
      asc: 0x26,
      ascq: 0x00,
      field: 2,
    });
  });

  test('a segment descriptor reaching past the segment list is 26/00 at its DESCRIPTOR LENGTH', () => {
    const b = Buffer.concat([list({ segmentDescriptors: [] }), hex('c0 00 0008 0000 0000')]);
    b.writeUInt32BE(8, 8);
    expectSense(() => decodeExtendedCopyParameterList(b, SPEC_MAXIMUM_LIMITS), {
      asc: 0x26,
      ascq: 0x00,
      field: 50,
    });
  });

  test('a segment header cut by SEGMENT DESCRIPTOR LIST LENGTH is 26/00 at byte 8', () => {
    const b = Buffer.concat([list({}), hex('02 00')]);
    b.writeUInt32BE(30, 8);
    expectSense(() => decodeExtendedCopyParameterList(b, SPEC_MAXIMUM_LIMITS), {
      asc: 0x26,
      ascq: 0x00,
      field: 8,
    });
  });
});

test('encoder rejects header values that do not fit', () => {
  expect(() => list({ listIdentifier: 256 })).toThrow(RangeError);
  expect(() => list({ listIdUsage: 4 })).toThrow(RangeError);
  expect(() => list({ priority: 8 })).toThrow(RangeError);
  expect(() => list({ targetDescriptors: Array<typeof DISK>(2048).fill(DISK) })).toThrow(RangeError);
});

test('parameter lists round-trip under the spec maxima', () => {
  fc.assert(
    fc.property(parameterList, (l) => {
      const enc = encodeExtendedCopyParameterList(l);
      expect(enc).toHaveLength(parameterListLayout(l).length);
      expect(decodeExtendedCopyParameterList(enc, SPEC_MAXIMUM_LIMITS)).toEqual(l);
    }),
  );
});
