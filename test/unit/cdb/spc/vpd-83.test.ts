import * as fc from 'fast-check';
import {
  ASSOCIATION,
  CODE_SET,
  decodeDesignationDescriptor,
  decodeDeviceIdentification,
  encodeDesignationDescriptor,
  encodeDesignator,
  encodeDeviceIdentification,
  findDesignators,
  naa6Designator,
  naa6DesignatorFromSeed,
  preferredLuDesignator,
  PROTOCOL_IDENTIFIER,
  sameDesignator,
  type DesignationDescriptor,
  type DesignationHeader,
  type Designator,
  type ReservedDesignatorType,
  type ReservedNaa,
} from '../../../../cdb/spc/vpd-83';
import { editsArb, hex, mutatedDecodesOrSense, senseOf } from './helpers';

const LU_BINARY: DesignationHeader = {
  protocolIdentifier: 0,
  codeSet: CODE_SET.BINARY,
  piv: false,
  association: 0,
};

// SPC-4 7.8.6: an LU with an NAA-6 LU name, reached through relative target port 1 of an iSCSI
// target named by a SCSI name string. Written by hand from tables 590, 598, 599, 603.
const GOLDEN = hex(
  [
    '00 83 00 34', // PDT 00h | PAGE CODE 83h | PAGE LENGTH 52
    // 1: PROTOCOL 0h CODE SET 1h (binary) | PIV 0 ASSOCIATION 00b (LU) TYPE 3h (NAA) | rsvd | LENGTH 16
    '01 03 00 10',
    '6 001405 123456789', // NAA 6h | IEEE COMPANY_ID 001405h | VENDOR SPECIFIC IDENTIFIER 123456789h
    '0123456789abcdef', // VENDOR SPECIFIC IDENTIFIER EXTENSION
    // 2: PROTOCOL 5h (iSCSI) CODE SET 1h | PIV 1 ASSOCIATION 01b (port) TYPE 4h | rsvd | LENGTH 4
    '51 94 00 04',
    '0000 0001', // obsolete | RELATIVE TARGET PORT IDENTIFIER 1
    // 3: PROTOCOL 5h CODE SET 3h (UTF-8) | PIV 1 ASSOCIATION 10b (target device) TYPE 8h | rsvd | LENGTH 20
    '53 a8 00 14',
    Buffer.from('iqn.2025-01.test:t1', 'latin1').toString('hex') + '00', // 19 chars + NUL = 20
  ].join(''),
);

const GOLDEN_FIELDS = {
  peripheralQualifier: 0,
  peripheralDeviceType: 0,
  designationDescriptors: [
    {
      ...LU_BINARY,
      designatorType: 3,
      naa: 6,
      ieeeCompanyId: 0x001405,
      vendorSpecificIdentifier: 0x123456789,
      vendorSpecificIdentifierExtension: 0x0123456789abcdefn,
    },
    {
      protocolIdentifier: PROTOCOL_IDENTIFIER.ISCSI,
      codeSet: CODE_SET.BINARY,
      piv: true,
      association: ASSOCIATION.TARGET_PORT,
      designatorType: 4,
      relativeTargetPortIdentifier: 1,
    },
    {
      protocolIdentifier: PROTOCOL_IDENTIFIER.ISCSI,
      codeSet: CODE_SET.UTF8,
      piv: true,
      association: ASSOCIATION.TARGET_DEVICE,
      designatorType: 8,
      scsiNameString: 'iqn.2025-01.test:t1',
    },
  ] as DesignationDescriptor[],
};

describe('Device Identification VPD page 83h (SPC-4 7.8.6)', () => {
  it('decodes the hand-written NAA-6 + relative target port + SCSI name string page', () => {
    expect(GOLDEN.length).toBe(56);
    expect(decodeDeviceIdentification(GOLDEN)).toEqual(GOLDEN_FIELDS);
  });

  it('encodes it byte for byte', () => {
    expect(encodeDeviceIdentification(GOLDEN_FIELDS)).toEqual(GOLDEN);
  });

  it('naa6Designator builds the first descriptor', () => {
    const d = naa6Designator(0x001405, 0x123456789, 0x0123456789abcdefn);
    expect(d).toEqual(GOLDEN_FIELDS.designationDescriptors[0]);
    expect(encodeDesignationDescriptor(d)).toEqual(GOLDEN.subarray(4, 24));
    expect(() => naa6Designator(0x1000000, 0, 0n)).toThrow(RangeError);
  });

  it('decodes each designator type from hand-written bytes', () => {
    const cases: [string, Designator][] = [
      ['02 00 00 03 de ad 01', { designatorType: 0, vendorSpecificIdentifier: hex('de ad 01') }],
      [
        '02 01 00 0b 4c 49 4f 2d 4f 52 47 20 61 62 63', // ASCII | T10 | "LIO-ORG " "abc"
        {
          designatorType: 1,
          t10VendorIdentification: 'LIO-ORG',
          vendorSpecificIdentifier: Buffer.from('abc'),
        },
      ],
      [
        '01 02 00 08 00a0b8 0102030405', // EUI-64 8 bytes
        { designatorType: 2, ieeeCompanyId: 0x00a0b8, vendorSpecificExtensionIdentifier: 0x0102030405 },
      ],
      [
        '01 02 00 0c 00a0b8 0102030405 cafebabe', // EUI-64 12 bytes: + DIRECTORY ID
        {
          designatorType: 2,
          ieeeCompanyId: 0x00a0b8,
          vendorSpecificExtensionIdentifier: 0x0102030405,
          directoryId: 0xcafebabe,
        },
      ],
      [
        '01 02 00 10 1122334455667788 00a0b8 0102030405', // EUI-64 16 bytes: IDENTIFIER EXTENSION first
        {
          designatorType: 2,
          ieeeCompanyId: 0x00a0b8,
          vendorSpecificExtensionIdentifier: 0x0102030405,
          identifierExtension: 0x1122334455667788n,
        },
      ],
      [
        '01 03 00 08 2 abc 00a0b8 123456', // NAA 2h | VSID A ABCh | COMPANY_ID | VSID B
        {
          designatorType: 3,
          naa: 2,
          vendorSpecificIdentifierA: 0xabc,
          ieeeCompanyId: 0x00a0b8,
          vendorSpecificIdentifierB: 0x123456,
        },
      ],
      [
        '01 03 00 08 3 fedcba987654321',
        { designatorType: 3, naa: 3, locallyAdministeredValue: 0xfedcba987654321n },
      ],
      [
        '01 03 00 08 5 00a0b8 abcdef012', // NAA 5h | COMPANY_ID | 36-bit VSID
        { designatorType: 3, naa: 5, ieeeCompanyId: 0x00a0b8, vendorSpecificIdentifier: 0xabcdef012 },
      ],
      ['01 03 00 04 1 0000001', { designatorType: 3, naa: 1, designator: hex('10000001') }],
      ['01 05 00 04 0000 0102', { designatorType: 5, targetPortGroup: 0x0102 }],
      ['01 06 00 04 0000 0203', { designatorType: 6, logicalUnitGroup: 0x0203 }],
      [
        '01 07 00 10 000102030405060708090a0b0c0d0e0f',
        { designatorType: 7, md5LogicalUnitIdentifier: hex('000102030405060708090a0b0c0d0e0f') },
      ],
      ['01 09 00 02 0102', { designatorType: 9, designator: hex('0102') }],
      ['01 0a 00 02 0304', { designatorType: 10, designator: hex('0304') }],
    ];
    for (const [bytes, designator] of cases) {
      const buf = hex(bytes);
      const d = decodeDesignationDescriptor(buf);
      const { protocolIdentifier: _p, codeSet: _c, piv: _v, association: _a, ...rest } = d;
      expect(rest).toStrictEqual(designator);
      expect(encodeDesignationDescriptor(d)).toEqual(buf);
    }
  });

  it('SCSI name strings tolerate a missing terminator', () => {
    const d = decodeDesignationDescriptor(hex('03 08 00 03 61 62 63'));
    expect(d).toMatchObject({ designatorType: 8, scsiNameString: 'abc' });
    expect(encodeDesignator(d)).toEqual(hex('61 62 63 00'));
  });

  it('round-trips every designator type', () => {
    const arb = fc
      .tuple(
        fc.record({
          protocolIdentifier: fc.integer({ min: 0, max: 15 }),
          codeSet: fc.integer({ min: 0, max: 15 }),
          piv: fc.boolean(),
          association: fc.integer({ min: 0, max: 3 }),
        }),
        designatorArb,
      )
      .map(([h, d]) => ({ ...h, ...d }));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 31 }),
        fc.array(arb, { maxLength: 6 }),
        (pq, pdt, list) => {
          const v = { peripheralQualifier: pq, peripheralDeviceType: pdt, designationDescriptors: list };
          expect(decodeDeviceIdentification(encodeDeviceIdentification(v))).toEqual(v);
        },
      ),
    );
  });

  it('wrong designator lengths are INVALID FIELD IN PARAMETER LIST at DESIGNATOR LENGTH', () => {
    const bad: [string, string][] = [
      ['01 03 00 08 6001405123456789', 'NAA 6 with 8 bytes'],
      ['01 03 00 10 5001405123456789 0000000000000000', 'NAA 5 with 16 bytes'],
      ['01 03 00 00', 'empty NAA'],
      ['01 02 00 0a 00000000000000000000', 'EUI-64 of 10 bytes'],
      ['01 04 00 02 0001', 'relative target port of 2 bytes'],
      ['01 07 00 0f 000000000000000000000000000000', 'MD5 of 15 bytes'],
      ['02 01 00 04 41424344', 'T10 vendor ID shorter than 8'],
    ];
    for (const [body, what] of bad) {
      const desc = hex(body);
      const page = Buffer.concat([
        hex('00 83 00'),
        Buffer.from([desc.length + 8]),
        hex('01 05 00 04 00000001'),
        desc,
      ]);
      const e = senseOf(() => decodeDeviceIdentification(page));
      expect([what, e.senseKey, e.asc, e.ascq]).toEqual([what, 0x05, 0x26, 0x00]);
      // Second descriptor starts at page byte 12; its DESIGNATOR LENGTH is byte 15.
      expect(e.fieldPointer).toEqual({ commandData: false, field: 15, bit: undefined });
    }
  });

  it('a descriptor running past PAGE LENGTH points at its DESIGNATOR LENGTH', () => {
    const e = senseOf(() => decodeDeviceIdentification(hex('00 83 00 06 01 03 00 08 60 00')));
    expect([e.asc, e.fieldPointer?.field]).toEqual([0x26, 7]);
    const header = senseOf(() => decodeDeviceIdentification(hex('00 83 00 02 01 03')));
    expect(header.asc).toBe(0x1a);
    expect(senseOf(() => decodeDesignationDescriptor(hex('01 03 00 10 60'))).fieldPointer?.field).toBe(3);
  });

  it('encoder refuses designators that do not fit', () => {
    const e =
      (d: Designator): (() => Buffer) =>
      () =>
        encodeDesignationDescriptor({ ...LU_BINARY, ...d });
    expect(e({ designatorType: 8, scsiNameString: 'a\0b' })).toThrow(RangeError);
    expect(e({ designatorType: 8, scsiNameString: 'x'.repeat(256) })).toThrow(RangeError);
    expect(
      e({
        designatorType: 2,
        ieeeCompanyId: 0,
        vendorSpecificExtensionIdentifier: 0,
        directoryId: 1,
        identifierExtension: 1n,
      }),
    ).toThrow(RangeError);
    expect(e({ designatorType: 2, ieeeCompanyId: 0, vendorSpecificExtensionIdentifier: 2 ** 40 })).toThrow(
      RangeError,
    );
    expect(e({ designatorType: 3, naa: 3, locallyAdministeredValue: 1n << 60n })).toThrow(RangeError);
    expect(e({ designatorType: 3, naa: 3, locallyAdministeredValue: -1n })).toThrow(RangeError);
    expect(e({ designatorType: 3, naa: 1, designator: hex('20') })).toThrow(RangeError);
    expect(e({ designatorType: 3, naa: 1, designator: Buffer.alloc(0) })).toThrow(RangeError);
    expect(e({ designatorType: 7, md5LogicalUnitIdentifier: Buffer.alloc(15) })).toThrow(RangeError);
    expect(
      e({
        designatorType: 1,
        t10VendorIdentification: 'NINECHARS',
        vendorSpecificIdentifier: Buffer.alloc(0),
      }),
    ).toThrow(RangeError);
    expect(e({ designatorType: 0, vendorSpecificIdentifier: Buffer.alloc(256) })).toThrow(RangeError);
    expect(e({ designatorType: 4, relativeTargetPortIdentifier: 0x10000 })).toThrow(RangeError);
    expect(() =>
      encodeDesignationDescriptor({ ...LU_BINARY, association: 4, designatorType: 5, targetPortGroup: 1 }),
    ).toThrow(RangeError);
  });
});

describe('Device Identification decoder robustness', () => {
  it('mutated pages decode or throw SenseError only', () => {
    fc.assert(
      fc.property(editsArb, fc.nat(), fc.integer({ min: 0, max: 2 }), (edits, cut, which) => {
        const base = [
          GOLDEN,
          encodeDeviceIdentification({ ...GOLDEN_FIELDS, designationDescriptors: [] }),
          GOLDEN.subarray(4),
        ][which];
        mutatedDecodesOrSense(decodeDeviceIdentification, base, edits, cut);
        mutatedDecodesOrSense(decodeDesignationDescriptor, GOLDEN.subarray(4), edits, cut);
      }),
      { numRuns: 500 },
    );
  });
});

describe('designator helpers', () => {
  const naa5: DesignationDescriptor = {
    ...LU_BINARY,
    designatorType: 3,
    naa: 5,
    ieeeCompanyId: 1,
    vendorSpecificIdentifier: 2,
  };
  const t10: DesignationDescriptor = {
    ...LU_BINARY,
    codeSet: CODE_SET.ASCII,
    designatorType: 1,
    t10VendorIdentification: 'LIO-ORG',
    vendorSpecificIdentifier: Buffer.from('0123456789abcdef0123456789abcdef'),
  };
  const eui: DesignationDescriptor = {
    ...LU_BINARY,
    designatorType: 2,
    ieeeCompanyId: 1,
    vendorSpecificExtensionIdentifier: 2,
  };
  const page = decodeDeviceIdentification(GOLDEN).designationDescriptors;

  it('naa6DesignatorFromSeed is stable and differs per seed', () => {
    const a = naa6DesignatorFromSeed(0x001405, 'lu-0001');
    expect(naa6DesignatorFromSeed(0x001405, 'lu-0001')).toEqual(a);
    expect(sameDesignator(a, naa6DesignatorFromSeed(0x001405, 'lu-0002'))).toBe(false);
    expect(encodeDesignator(a)[0] >> 4).toBe(6);
    expect(a.association).toBe(ASSOCIATION.LOGICAL_UNIT);
  });

  it('findDesignators filters by each field', () => {
    expect(findDesignators(page, { association: ASSOCIATION.LOGICAL_UNIT })).toEqual([page[0]]);
    expect(findDesignators(page, { designatorType: 8 })).toEqual([page[2]]);
    expect(findDesignators(page, { codeSet: CODE_SET.BINARY })).toEqual([page[0], page[1]]);
    expect(findDesignators(page, { protocolIdentifier: PROTOCOL_IDENTIFIER.ISCSI })).toEqual([
      page[1],
      page[2],
    ]);
    expect(findDesignators(page, { protocolIdentifier: 0 })).toEqual([]);
  });

  it('preferredLuDesignator ranks NAA 6 > NAA 5 > EUI-64 > T10 and skips other associations', () => {
    expect(preferredLuDesignator(page)).toBe(page[0]);
    expect(preferredLuDesignator([t10, eui, naa5])).toBe(naa5);
    expect(preferredLuDesignator([t10, eui])).toBe(eui);
    expect(preferredLuDesignator([{ ...naa5, association: 1 }, t10])).toBe(t10);
    // An E4h CSCD descriptor holds at most 20 designator bytes: the 40-byte T10 one is skipped.
    expect(preferredLuDesignator([t10], 20)).toBeUndefined();
    expect(preferredLuDesignator([page[1], page[2]])).toBeUndefined();
    // Port and group designators never name a logical unit, even with LU association.
    expect(preferredLuDesignator([{ ...LU_BINARY, designatorType: 6, logicalUnitGroup: 1 }])).toBeUndefined();
    const md5: DesignationDescriptor = {
      ...LU_BINARY,
      designatorType: 7,
      md5LogicalUnitIdentifier: Buffer.alloc(16),
    };
    const vs: DesignationDescriptor = {
      ...LU_BINARY,
      designatorType: 0,
      vendorSpecificIdentifier: hex('01'),
    };
    const name: DesignationDescriptor = {
      ...LU_BINARY,
      codeSet: 3,
      designatorType: 8,
      scsiNameString: 'naa.1',
    };
    const naa3: DesignationDescriptor = {
      ...LU_BINARY,
      designatorType: 3,
      naa: 3,
      locallyAdministeredValue: 1n,
    };
    const naa2: DesignationDescriptor = {
      ...LU_BINARY,
      designatorType: 3,
      naa: 2,
      vendorSpecificIdentifierA: 0,
      ieeeCompanyId: 0,
      vendorSpecificIdentifierB: 0,
    };
    const naa1: DesignationDescriptor = { ...LU_BINARY, designatorType: 3, naa: 1, designator: hex('10') };
    expect(preferredLuDesignator([vs, md5])).toBe(md5);
    expect(preferredLuDesignator([vs, md5, t10, name])).toBe(name);
    // A reserved NAA value is still a name, but ranks below a vendor specific one.
    expect(preferredLuDesignator([naa1, vs])).toBe(vs);
    expect(preferredLuDesignator([naa1])).toBe(naa1);
    expect(preferredLuDesignator([naa3, naa2])).toBe(naa2);
    expect(preferredLuDesignator([eui, naa3])).toBe(naa3);
    const eui12: DesignationDescriptor = { ...eui, directoryId: 1 };
    const eui16: DesignationDescriptor = { ...eui, identifierExtension: 1n };
    expect(preferredLuDesignator([eui, eui12])).toBe(eui12);
    expect(preferredLuDesignator([eui12, eui16])).toBe(eui16);
    // One that cannot be encoded is skipped rather than thrown.
    expect(preferredLuDesignator([{ ...name, scsiNameString: 'a\0' }, vs])).toBe(vs);
  });

  it('sameDesignator compares code set, association, type and bytes', () => {
    expect(sameDesignator(naa5, { ...naa5 })).toBe(true);
    expect(sameDesignator(naa5, { ...naa5, piv: true, protocolIdentifier: 5 })).toBe(true);
    expect(sameDesignator(naa5, { ...naa5, association: 1 })).toBe(false);
    expect(sameDesignator(naa5, { ...naa5, codeSet: 2 })).toBe(false);
    expect(sameDesignator(naa5, { ...naa5, vendorSpecificIdentifier: 3 })).toBe(false);
    expect(sameDesignator(naa5, eui)).toBe(false);
  });
});

const u = (bits: number): fc.Arbitrary<number> => fc.integer({ min: 0, max: 2 ** bits - 1 });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const bytes = (max: number, min = 0): fc.Arbitrary<Buffer> =>
  fc.uint8Array({ minLength: min, maxLength: max }).map((a) => Buffer.from(a));

const designatorArb: fc.Arbitrary<Designator> = fc.oneof(
  fc.record({ designatorType: fc.constant(0 as const), vendorSpecificIdentifier: bytes(255) }),
  fc.record({
    designatorType: fc.constant(1 as const),
    t10VendorIdentification: fc.string({
      unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
      maxLength: 8,
    }),
    vendorSpecificIdentifier: bytes(247),
  }),
  fc.record({
    designatorType: fc.constant(2 as const),
    ieeeCompanyId: u(24),
    vendorSpecificExtensionIdentifier: u(40),
  }),
  fc.record({
    designatorType: fc.constant(2 as const),
    ieeeCompanyId: u(24),
    vendorSpecificExtensionIdentifier: u(40),
    directoryId: u(32),
  }),
  fc.record({
    designatorType: fc.constant(2 as const),
    ieeeCompanyId: u(24),
    vendorSpecificExtensionIdentifier: u(40),
    identifierExtension: u64,
  }),
  fc.record({
    designatorType: fc.constant(3 as const),
    naa: fc.constant(2 as const),
    vendorSpecificIdentifierA: u(12),
    ieeeCompanyId: u(24),
    vendorSpecificIdentifierB: u(24),
  }),
  fc.record({
    designatorType: fc.constant(3 as const),
    naa: fc.constant(3 as const),
    locallyAdministeredValue: fc.bigInt({ min: 0n, max: (1n << 60n) - 1n }),
  }),
  fc.record({
    designatorType: fc.constant(3 as const),
    naa: fc.constant(5 as const),
    ieeeCompanyId: u(24),
    vendorSpecificIdentifier: u(36),
  }),
  fc.record({
    designatorType: fc.constant(3 as const),
    naa: fc.constant(6 as const),
    ieeeCompanyId: u(24),
    vendorSpecificIdentifier: u(36),
    vendorSpecificIdentifierExtension: u64,
  }),
  fc
    .tuple(fc.constantFrom<ReservedNaa>(0, 1, 4, 7, 8, 9, 10, 11, 12, 13, 14, 15), bytes(254))
    .map(([naa, rest]) => ({
      designatorType: 3 as const,
      naa,
      designator: Buffer.concat([Buffer.from([naa << 4]), rest]),
    })),
  fc.record({ designatorType: fc.constant(4 as const), relativeTargetPortIdentifier: u(16) }),
  fc.record({ designatorType: fc.constant(5 as const), targetPortGroup: u(16) }),
  fc.record({ designatorType: fc.constant(6 as const), logicalUnitGroup: u(16) }),
  fc.record({ designatorType: fc.constant(7 as const), md5LogicalUnitIdentifier: bytes(16, 16) }),
  fc.record({
    designatorType: fc.constant(8 as const),
    scsiNameString: fc
      .string({ unit: 'grapheme', maxLength: 60 })
      .filter((s) => !s.includes('\0') && Buffer.byteLength(s, 'utf8') <= 255),
  }),
  fc.record({ designatorType: fc.constant(9 as const), designator: bytes(255) }),
  fc.record({
    designatorType: fc.constantFrom<ReservedDesignatorType>(10, 11, 12, 13, 14, 15),
    designator: bytes(255),
  }),
);
