import * as fc from 'fast-check';
import {
  decodeThirdPartyCopy,
  decodeThirdPartyCopyDescriptor,
  encodeThirdPartyCopy,
  encodeThirdPartyCopyDescriptor,
  findThirdPartyCopyDescriptor,
  isKnownDescriptor,
  TPC_DESCRIPTOR_TYPE,
  type ThirdPartyCopyDescriptor,
  type ThirdPartyCopyPage,
} from '../../../../cdb/spc/vpd-8f';
import { editsArb, hex, mutatedDecodesOrSense, senseOf } from './helpers';

// SPC-4 tables 643, 646-648: what a LID1 copy manager reports (the libiscsi CopyStatus gate looks for
// 84h/00h in Supported Commands).
const GOLDEN = hex(
  [
    '00 8f 00 2c', // PDT 00h | PAGE CODE 8Fh | PAGE LENGTH 44
    '0001 0008', // Supported Commands, DESCRIPTOR LENGTH 8
    '07', // COMMANDS SUPPORTED LIST LENGTH 7
    '83 01 00', // EXTENDED COPY: 1 service action, 00h (LID1)
    '84 02 00 03', // RECEIVE COPY RESULTS: 2 service actions, 00h COPY STATUS, 03h OPERATING PARAMETERS
    // (1 + 7 = 8 parameter bytes: already a multiple of four, no DESCRIPTOR PAD)
    '0004 001c', // Parameter Data, DESCRIPTOR LENGTH 28
    '00000000', // reserved
    '0002', // MAXIMUM CSCD DESCRIPTOR COUNT 2
    '0001', // MAXIMUM SEGMENT DESCRIPTOR COUNT 1
    '00000400', // MAXIMUM DESCRIPTOR LIST LENGTH 1024
    '00000000', // MAXIMUM INLINE DATA LENGTH 0
    '000000000000000000000000', // reserved
  ].join(''),
);

const GOLDEN_FIELDS: ThirdPartyCopyPage = {
  peripheralQualifier: 0,
  peripheralDeviceType: 0,
  thirdPartyCopyDescriptors: [
    {
      descriptorType: 0x0001,
      commands: [
        { operationCode: 0x83, serviceActions: [0x00] },
        { operationCode: 0x84, serviceActions: [0x00, 0x03] },
      ],
    },
    {
      descriptorType: 0x0004,
      maximumCscdDescriptorCount: 2,
      maximumSegmentDescriptorCount: 1,
      maximumDescriptorListLength: 1024,
      maximumInlineDataLength: 0,
    },
  ],
};

// Tables 649, 650, 658-660, plus one descriptor this codec keeps opaque (ROD Token Features).
const GOLDEN2 = hex(
  [
    '08 8f 00 70', // PDT 08h (changer) | 8Fh | PAGE LENGTH 112
    '0008 0004 03 02 0b e4', // Supported Descriptors: 3 codes 02h 0Bh E4h (4 bytes, no pad)
    '000c 0008 0004 c001 ffff 0000', // Supported CSCD IDs: list length 4, C001h FFFFh, 2 pad bytes
    '0106 0004 01020304', // ROD Token Features: opaque
    '8001 0020', // General Copy Operations, DESCRIPTOR LENGTH 32
    '00000010', // TOTAL CONCURRENT COPIES 16
    '00000008', // MAXIMUM IDENTIFIED CONCURRENT COPIES 8
    '01000000', // MAXIMUM SEGMENT LENGTH 16 MiB
    '09', // DATA SEGMENT GRANULARITY 2^9
    '02', // INLINE DATA GRANULARITY 2^2
    '000000000000000000000000000000000000', // 18 reserved
    '9101 000c 00040000 0000000000000000', // Stream Copy Operations: MAX STREAM DEVICE TRANSFER SIZE 256 KiB
    'c001 001c 00100000 0c', // Held Data: HELD DATA LIMIT 1 MiB, HELD DATA GRANULARITY 2^12
    '0000000000000000000000000000000000000000000000', // 23 reserved
  ].join(''),
);

const GOLDEN2_FIELDS: ThirdPartyCopyPage = {
  peripheralQualifier: 0,
  peripheralDeviceType: 8,
  thirdPartyCopyDescriptors: [
    { descriptorType: 0x0008, descriptorTypeCodes: [0x02, 0x0b, 0xe4] },
    { descriptorType: 0x000c, cscdDescriptorIds: [0xc001, 0xffff] },
    { descriptorType: 0x0106, bytes: hex('01020304') },
    {
      descriptorType: 0x8001,
      totalConcurrentCopies: 16,
      maximumIdentifiedConcurrentCopies: 8,
      maximumSegmentLength: 0x1000000,
      dataSegmentGranularity: 9,
      inlineDataGranularity: 2,
    },
    { descriptorType: 0x9101, maximumStreamDeviceTransferSize: 0x40000 },
    { descriptorType: 0xc001, heldDataLimit: 0x100000, heldDataGranularity: 12 },
  ],
};

describe('Third-party Copy VPD page 8Fh (SPC-4 7.8.17)', () => {
  it('decodes the hand-written Supported Commands + Parameter Data page', () => {
    expect(GOLDEN.length).toBe(48);
    expect(decodeThirdPartyCopy(GOLDEN)).toEqual(GOLDEN_FIELDS);
    expect(encodeThirdPartyCopy(GOLDEN_FIELDS)).toEqual(GOLDEN);
  });

  it('decodes and encodes the other descriptors, padding lists to four bytes', () => {
    expect(GOLDEN2.length).toBe(116);
    expect(decodeThirdPartyCopy(GOLDEN2)).toEqual(GOLDEN2_FIELDS);
    expect(encodeThirdPartyCopy(GOLDEN2_FIELDS)).toEqual(GOLDEN2);
  });

  it('pads Supported Commands with a DESCRIPTOR PAD', () => {
    const d: ThirdPartyCopyDescriptor = {
      descriptorType: 0x0001,
      commands: [{ operationCode: 0x83, serviceActions: [0] }],
    };
    // list length 3 -> 1 + 3 = 4 bytes; with two service actions 1 + 4 = 5 -> padded to 8
    expect(encodeThirdPartyCopyDescriptor(d)).toEqual(hex('0001 0004 03 83 01 00'));
    const two: ThirdPartyCopyDescriptor = {
      descriptorType: 0x0001,
      commands: [{ operationCode: 0x84, serviceActions: [0, 3] }],
    };
    expect(encodeThirdPartyCopyDescriptor(two)).toEqual(hex('0001 0008 04 84 02 00 03 000000'));
    expect(decodeThirdPartyCopyDescriptor(hex('0001 0008 04 84 02 00 03 000000'))).toEqual(two);
  });

  it('accepts short fixed descriptors that still hold their fields and an empty page', () => {
    expect(decodeThirdPartyCopyDescriptor(hex('9101 0004 00000200'))).toEqual({
      descriptorType: 0x9101,
      maximumStreamDeviceTransferSize: 512,
    });
    expect(decodeThirdPartyCopy(hex('00 8f 00 00')).thirdPartyCopyDescriptors).toEqual([]);
  });

  it('typed look-up helpers', () => {
    const page = decodeThirdPartyCopy(GOLDEN);
    expect(
      findThirdPartyCopyDescriptor(page, TPC_DESCRIPTOR_TYPE.PARAMETER_DATA)?.maximumDescriptorListLength,
    ).toBe(1024);
    expect(
      findThirdPartyCopyDescriptor(page, TPC_DESCRIPTOR_TYPE.SUPPORTED_COMMANDS)?.commands[1].serviceActions,
    ).toEqual([0, 3]);
    expect(findThirdPartyCopyDescriptor(page, TPC_DESCRIPTOR_TYPE.HELD_DATA)).toBeUndefined();
    const page2 = decodeThirdPartyCopy(GOLDEN2);
    expect(isKnownDescriptor(page2.thirdPartyCopyDescriptors[2])).toBe(false);
    expect(isKnownDescriptor(page2.thirdPartyCopyDescriptors[3])).toBe(true);
  });

  it('round-trips', () => {
    const u = (bits: number): fc.Arbitrary<number> => fc.integer({ min: 0, max: 2 ** bits - 1 });
    const known = new Set<number>(Object.values(TPC_DESCRIPTOR_TYPE));
    const descriptor: fc.Arbitrary<ThirdPartyCopyDescriptor> = fc.oneof(
      fc.record({
        descriptorType: fc.constant(0x0001 as const),
        commands: fc.array(
          fc.record({ operationCode: u(8), serviceActions: fc.array(u(8), { maxLength: 10 }) }),
          {
            maxLength: 15,
          },
        ),
      }),
      fc.record({
        descriptorType: fc.constant(0x0004 as const),
        maximumCscdDescriptorCount: u(16),
        maximumSegmentDescriptorCount: u(16),
        maximumDescriptorListLength: u(32),
        maximumInlineDataLength: u(32),
      }),
      fc.record({
        descriptorType: fc.constant(0x0008 as const),
        descriptorTypeCodes: fc.array(u(8), { maxLength: 255 }),
      }),
      fc.record({
        descriptorType: fc.constant(0x000c as const),
        cscdDescriptorIds: fc.array(u(16), { maxLength: 40 }),
      }),
      fc.record({
        descriptorType: fc.constant(0x8001 as const),
        totalConcurrentCopies: u(32),
        maximumIdentifiedConcurrentCopies: u(32),
        maximumSegmentLength: u(32),
        dataSegmentGranularity: u(8),
        inlineDataGranularity: u(8),
      }),
      fc.record({ descriptorType: fc.constant(0x9101 as const), maximumStreamDeviceTransferSize: u(32) }),
      fc.record({
        descriptorType: fc.constant(0xc001 as const),
        heldDataLimit: u(32),
        heldDataGranularity: u(8),
      }),
      fc.record({
        descriptorType: u(16).filter((t) => !known.has(t)),
        bytes: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 31 }), fc.array(descriptor, { maxLength: 8 }), (pdt, list) => {
        const v: ThirdPartyCopyPage = {
          peripheralQualifier: 0,
          peripheralDeviceType: pdt,
          thirdPartyCopyDescriptors: list,
        };
        expect(decodeThirdPartyCopy(encodeThirdPartyCopy(v))).toEqual(v);
      }),
    );
  });

  it('errors point at the offending field (C/D=0)', () => {
    const at = (bytes: string): [number, number | undefined] => {
      const e = senseOf(() => decodeThirdPartyCopy(hex(bytes)));
      expect(e.fieldPointer?.commandData ?? false).toBe(false);
      return [e.asc, e.fieldPointer?.field];
    };
    // Descriptor longer than the page: DESCRIPTOR LENGTH is page byte 6.
    expect(at('00 8f 00 08 9101 000c 00000000')).toEqual([0x26, 6]);
    // Three bytes left cannot hold a descriptor header.
    expect(at('00 8f 00 03 9101 00')).toEqual([0x26, 4]);
    // Parameter Data with DESCRIPTOR LENGTH 8 is too short for its fields.
    expect(at('00 8f 00 0c 0004 0008 0000000000020001')).toEqual([0x26, 6]);
    // COMMANDS SUPPORTED LIST LENGTH 8 in a 4-byte descriptor: page byte 8.
    expect(at('00 8f 00 08 0001 0004 08 83 01 00')).toEqual([0x26, 8]);
    // SERVICE ACTION LIST LENGTH 5 runs past the 3-byte list: page byte 10.
    expect(at('00 8f 00 08 0001 0004 03 83 05 00')).toEqual([0x26, 10]);
    // A command support descriptor cut after its opcode: page byte 9.
    expect(at('00 8f 00 08 0001 0004 01 83 00 00')).toEqual([0x26, 9]);
    // SUPPORTED DESCRIPTOR LIST LENGTH 9 in a 4-byte descriptor.
    expect(at('00 8f 00 08 0008 0004 09 02 e4 00')).toEqual([0x26, 8]);
    // Odd SUPPORTED CSCD IDS LIST LENGTH.
    expect(at('00 8f 00 08 000c 0004 0001 ff00')).toEqual([0x26, 8]);
    expect(at('00 8f 00 08 000c 0004 0004 ffff')).toEqual([0x26, 8]);
    // Zero-length Supported Commands descriptor.
    expect(at('00 8f 00 04 0001 0000')).toEqual([0x26, 6]);
    // Wrong page code and a cut page.
    expect(at('00 8e 00 00')).toEqual([0x26, 1]);
    expect(senseOf(() => decodeThirdPartyCopy(GOLDEN.subarray(0, 40))).asc).toBe(0x1a);
  });

  it('mutated pages decode or throw SenseError only', () => {
    fc.assert(
      fc.property(editsArb, fc.nat(), fc.boolean(), (edits, cut, second) => {
        mutatedDecodesOrSense(decodeThirdPartyCopy, second ? GOLDEN2 : GOLDEN, edits, cut);
        mutatedDecodesOrSense(
          decodeThirdPartyCopyDescriptor,
          (second ? GOLDEN2 : GOLDEN).subarray(4),
          edits,
          cut,
        );
      }),
      { numRuns: 500 },
    );
  });

  it('encoder refuses values that do not fit', () => {
    expect(() => encodeThirdPartyCopyDescriptor({ descriptorType: 0x0004, bytes: Buffer.alloc(28) })).toThrow(
      RangeError,
    );
    expect(() => encodeThirdPartyCopyDescriptor({ descriptorType: 0x10000, bytes: Buffer.alloc(0) })).toThrow(
      RangeError,
    );
    expect(() =>
      encodeThirdPartyCopyDescriptor({
        descriptorType: 0x0001,
        commands: [{ operationCode: 0x100, serviceActions: [] }],
      }),
    ).toThrow(RangeError);
    expect(() =>
      encodeThirdPartyCopyDescriptor({
        descriptorType: 0x0001,
        commands: Array.from({ length: 100 }, () => ({ operationCode: 0x83, serviceActions: [0] })),
      }),
    ).toThrow(RangeError);
    expect(() =>
      encodeThirdPartyCopyDescriptor({ descriptorType: 0x9101, maximumStreamDeviceTransferSize: -1 }),
    ).toThrow(RangeError);
    expect(() =>
      encodeThirdPartyCopyDescriptor({ descriptorType: 0xc001, heldDataLimit: 0, heldDataGranularity: 256 }),
    ).toThrow(RangeError);
  });
});
