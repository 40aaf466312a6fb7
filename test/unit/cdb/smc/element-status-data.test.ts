import * as fc from 'fast-check';
import {
  buildElementStatusData,
  decodeElementStatusData,
  encodeElementDescriptor,
  encodeElementStatusData,
  minimumElementDescriptorLength,
} from '../../../../cdb/smc/element-status-data';
import type {
  ElementDescriptor,
  ElementDeviceIdentifier,
  ElementStatusData,
  ElementStatusPageInput,
  VolumeTag,
} from '../../../../cdb/smc/element-status-data';
import { ELEMENT_TYPE } from '../../../../cdb/smc/read-element-status';
import { expectInvalidParam, expectParamListLength, hex } from '../sbc/sense';

// --- hand-written golden vector -------------------------------------------------------------------

/** 32-byte space-padded VOLUME IDENTIFIER as hex. */
function volid(s: string): string {
  return Buffer.from(s.padEnd(32, ' '), 'latin1').toString('hex');
}

const GOLDEN = hex(
  // Element status header
  '00 01' + //    FIRST ELEMENT ADDRESS REPORTED 1
    '00 02' + //  NUMBER OF ELEMENTS AVAILABLE 2
    '00' + //     reserved
    '00 00 7e' + // BYTE COUNT OF REPORT AVAILABLE 126 = (8 + 48) + (8 + 62)
    // Element status page: storage elements
    '02' + //     ELEMENT TYPE CODE 2h storage
    '80' + //     PVOLTAG
    '00 30' + //  ELEMENT DESCRIPTOR LENGTH 48 = 12 + 36
    '00' + //     reserved
    '00 00 30' + // BYTE COUNT OF DESCRIPTOR DATA AVAILABLE 48
    //   storage element descriptor
    '03 e8' + //  ELEMENT ADDRESS 1000
    '09' + //     ACCESS | FULL
    '00' + //     reserved
    '00 00' + //  ADDITIONAL SENSE CODE / QUALIFIER
    '00 00 00' + // reserved
    '01' + //     SVALID 0, INVERT 0, ED 0, MEDIUM TYPE 1 (data)
    '00 00' + //  SOURCE STORAGE ELEMENT ADDRESS
    volid('A00001L8') + // PRIMARY VOLUME TAG: VOLUME IDENTIFIER
    '00 00' + //  reserved
    '00 00' + //  VOLUME SEQUENCE NUMBER 0
    // Element status page: data transfer elements
    '04' + //     ELEMENT TYPE CODE 4h data transfer
    '80' + //     PVOLTAG
    '00 3e' + //  ELEMENT DESCRIPTOR LENGTH 62 = 12 + 36 + 4 + 10
    '00' + //     reserved
    '00 00 3e' + // BYTE COUNT OF DESCRIPTOR DATA AVAILABLE 62
    //   data transfer element descriptor
    '00 01' + //  ELEMENT ADDRESS 1
    '09' + //     ACCESS | FULL
    '00' + //     reserved
    '00 00' + //  ADDITIONAL SENSE CODE / QUALIFIER
    '00 00 00' + // reserved
    '81' + //     SVALID | MEDIUM TYPE 1
    '03 e9' + //  SOURCE STORAGE ELEMENT ADDRESS 1001 (the tape came from slot 1001)
    volid('A00002L8') + // PRIMARY VOLUME TAG: VOLUME IDENTIFIER
    '00 00' + //  reserved
    '00 01' + //  VOLUME SEQUENCE NUMBER 1
    '02' + //     PROTOCOL IDENTIFIER 0 | CODE SET 2h (ASCII)
    '00' + //     PIV 0 | ASSOCIATION 0 | IDENTIFIER TYPE 0h (vendor specific)
    '00' + //     reserved
    '0a' + //     IDENTIFIER LENGTH 10
    Buffer.from('HU1234567A', 'latin1').toString('hex'), // IDENTIFIER: drive serial number
);

function descriptor(over: Partial<ElementDescriptor>): ElementDescriptor {
  return {
    elementAddress: 0,
    oir: false,
    cmc: false,
    inEnab: false,
    exEnab: false,
    access: false,
    except: false,
    impExp: false,
    full: false,
    additionalSenseCode: 0,
    additionalSenseCodeQualifier: 0,
    svalid: false,
    invert: false,
    ed: false,
    mediumType: 0,
    sourceStorageElementAddress: 0,
    vendorSpecific: Buffer.alloc(0),
    ...over,
  };
}

const slot = descriptor({
  elementAddress: 1000,
  access: true,
  full: true,
  mediumType: 1,
  primaryVolumeTag: { volumeIdentifier: 'A00001L8', volumeSequenceNumber: 0 },
});
const drive = descriptor({
  elementAddress: 1,
  access: true,
  full: true,
  svalid: true,
  mediumType: 1,
  sourceStorageElementAddress: 1001,
  primaryVolumeTag: { volumeIdentifier: 'A00002L8', volumeSequenceNumber: 1 },
  deviceIdentifier: {
    protocolIdentifier: 0,
    codeSet: 2,
    piv: false,
    association: 0,
    identifierType: 0,
    identifier: Buffer.from('HU1234567A', 'latin1'),
  },
});
const GOLDEN_VALUE: ElementStatusData = {
  firstElementAddressReported: 1,
  numberOfElementsAvailable: 2,
  byteCountOfReportAvailable: 126,
  pages: [
    {
      elementTypeCode: ELEMENT_TYPE.storage,
      pvoltag: true,
      avoltag: false,
      elementDescriptorLength: 48,
      byteCountOfDescriptorDataAvailable: 48,
      descriptors: [slot],
    },
    {
      elementTypeCode: ELEMENT_TYPE.dataTransfer,
      pvoltag: true,
      avoltag: false,
      elementDescriptorLength: 62,
      byteCountOfDescriptorDataAvailable: 62,
      descriptors: [drive],
    },
  ],
};

describe('READ ELEMENT STATUS data: golden vector (storage + data transfer with volume tags)', () => {
  it('encodes and decodes', () => {
    expect(GOLDEN.length).toBe(134);
    expect(encodeElementStatusData(GOLDEN_VALUE)).toEqual(GOLDEN);
    expect(decodeElementStatusData(GOLDEN)).toEqual(GOLDEN_VALUE);
  });

  it('buildElementStatusData fills in the counts a device server reports', () => {
    const pages: ElementStatusPageInput[] = [
      { elementTypeCode: ELEMENT_TYPE.storage, pvoltag: true, avoltag: false, descriptors: [slot] },
      { elementTypeCode: ELEMENT_TYPE.dataTransfer, pvoltag: true, avoltag: false, descriptors: [drive] },
    ];
    expect(buildElementStatusData(pages)).toEqual(GOLDEN_VALUE);
  });

  it('decodes the 8-byte header alone (allocation length 8, to learn the size)', () => {
    expect(decodeElementStatusData(GOLDEN.subarray(0, 8))).toEqual({ ...GOLDEN_VALUE, pages: [] });
  });

  it('keeps the page header and complete descriptors of a report cut mid-descriptor', () => {
    const cut = decodeElementStatusData(GOLDEN.subarray(0, 8 + 8 + 48 + 8 + 30));
    expect(cut.pages.length).toBe(2);
    expect(cut.pages[0]).toEqual(GOLDEN_VALUE.pages[0]);
    expect(cut.pages[1]).toEqual({ ...GOLDEN_VALUE.pages[1], descriptors: [] });
  });
});

describe('READ ELEMENT STATUS data: element types and identifiers', () => {
  it('import/export elements carry all eight status flags', () => {
    const ie = descriptor({
      elementAddress: 10,
      oir: true,
      cmc: true,
      inEnab: true,
      exEnab: true,
      access: true,
      except: true,
      impExp: true,
      full: true,
      additionalSenseCode: 0x3a,
      additionalSenseCodeQualifier: 0x02,
    });
    const data = buildElementStatusData([
      { elementTypeCode: ELEMENT_TYPE.importExport, pvoltag: false, avoltag: false, descriptors: [ie] },
    ]);
    const bytes = encodeElementStatusData(data);
    expect(bytes.subarray(16)).toEqual(hex('00 0a ff 00 3a 02 00 00 00 00 00 00'));
    expect(decodeElementStatusData(bytes)).toEqual(data);
  });

  it('bits a type does not define are ignored on decode (medium transport keeps EXCEPT and FULL only)', () => {
    const bytes = hex(
      '00 00 00 01 00 00 00 14' + '01 00 00 0c 00 00 00 0c' + '00 00 ff 00 00 00 00 00 00 ff 00 00',
    );
    const d = decodeElementStatusData(bytes).pages[0].descriptors[0];
    expect([d.full, d.except, d.access, d.impExp, d.inEnab, d.exEnab, d.cmc, d.oir]).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect([d.svalid, d.invert, d.ed, d.mediumType]).toEqual([true, true, true, 7]);
  });

  it('decodes primary and alternate volume tags, a designator with PIV/ASSOCIATION and vendor bytes', () => {
    const id: ElementDeviceIdentifier = {
      protocolIdentifier: 5,
      codeSet: 1,
      piv: true,
      association: 2,
      identifierType: 3,
      identifier: hex('50 01 02 03 04 05 06 07'),
    };
    const d = descriptor({
      elementAddress: 2,
      primaryVolumeTag: { volumeIdentifier: 'CLN001L1', volumeSequenceNumber: 0 },
      alternateVolumeTag: { volumeIdentifier: '', volumeSequenceNumber: 0 },
      deviceIdentifier: id,
      vendorSpecific: hex('de ad'),
    });
    const bytes = encodeElementDescriptor(d, ELEMENT_TYPE.dataTransfer, true, true);
    expect(bytes.length).toBe(12 + 72 + 4 + 8 + 2);
    expect(bytes.subarray(84, 88)).toEqual(hex('51 a3 00 08'));
    expect(bytes.subarray(48, 80)).toEqual(Buffer.alloc(32, 0x20)); // empty alternate tag: all spaces
    const data = buildElementStatusData([
      { elementTypeCode: ELEMENT_TYPE.dataTransfer, pvoltag: true, avoltag: true, descriptors: [d] },
    ]);
    expect(decodeElementStatusData(encodeElementStatusData(data))).toEqual(data);
  });

  it('a NUL-padded volume identifier (as mhVTL sends for empty slots) decodes as empty', () => {
    const bytes = Buffer.concat([
      hex('03 e8 00 01 00 00 00 38' + '02 80 00 30 00 00 00 30' + '03 e8 08 00 00 00 00 00 00 00 00 00'),
      Buffer.alloc(36),
    ]);
    expect(decodeElementStatusData(bytes).pages[0].descriptors[0].primaryVolumeTag).toEqual({
      volumeIdentifier: '',
      volumeSequenceNumber: 0,
    });
  });

  it('four zero bytes after the volume tag (tgt without DVCID) decode as an empty identifier', () => {
    const bytes = Buffer.concat([
      hex('00 10 00 01 00 00 00 3c' + '02 80 00 34 00 00 00 34' + '00 10 00 00 00 00 00 00 00 00 00 00'),
      Buffer.from(volid('') + '00000000', 'hex'),
      Buffer.alloc(4),
    ]);
    const d = decodeElementStatusData(bytes).pages[0].descriptors[0];
    expect(d.deviceIdentifier).toEqual({
      protocolIdentifier: 0,
      codeSet: 0,
      piv: false,
      association: 0,
      identifierType: 0,
      identifier: Buffer.alloc(0),
    });
    expect(d.vendorSpecific).toEqual(Buffer.alloc(0));
  });
});

// --- property tests -------------------------------------------------------------------------------

const FLAG_MASK: Record<number, number> = { 1: 0x05, 2: 0x0d, 3: 0xff, 4: 0x0d };
const printable = fc
  .array(fc.integer({ min: 0x20, max: 0x7e }), { maxLength: 32 })
  .map((cs) => String.fromCharCode(...cs).replace(/ +$/, ''));
const volumeTag: fc.Arbitrary<VolumeTag> = fc.record({
  volumeIdentifier: printable,
  volumeSequenceNumber: fc.integer({ min: 0, max: 0xffff }),
});

interface PageShape {
  type: number;
  pvoltag: boolean;
  avoltag: boolean;
  idLength: number | undefined;
  vendorLength: number;
}

const pageShape: fc.Arbitrary<PageShape> = fc
  .record({
    type: fc.integer({ min: 1, max: 4 }),
    pvoltag: fc.boolean(),
    avoltag: fc.boolean(),
    idLength: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
    vendorLength: fc.integer({ min: 0, max: 6 }),
  })
  .map((s) => (s.idLength === undefined ? { ...s, vendorLength: Math.min(s.vendorLength, 3) } : s));

function descriptorFor(s: PageShape): fc.Arbitrary<ElementDescriptor> {
  return fc
    .record({
      elementAddress: fc.integer({ min: 0, max: 0xffff }),
      flags: fc.integer({ min: 0, max: 0xff }),
      additionalSenseCode: fc.integer({ min: 0, max: 0xff }),
      additionalSenseCodeQualifier: fc.integer({ min: 0, max: 0xff }),
      svalid: fc.boolean(),
      invert: fc.boolean(),
      ed: fc.boolean(),
      mediumType: fc.integer({ min: 0, max: 7 }),
      sourceStorageElementAddress: fc.integer({ min: 0, max: 0xffff }),
      primaryVolumeTag: volumeTag,
      alternateVolumeTag: volumeTag,
      id: fc.record({
        protocolIdentifier: fc.integer({ min: 0, max: 15 }),
        codeSet: fc.integer({ min: 0, max: 15 }),
        piv: fc.boolean(),
        association: fc.integer({ min: 0, max: 3 }),
        identifierType: fc.integer({ min: 0, max: 15 }),
        identifier: fc
          .uint8Array({ minLength: s.idLength ?? 0, maxLength: s.idLength ?? 0 })
          .map((a) => Buffer.from(a)),
      }),
      vendorSpecific: fc
        .uint8Array({ minLength: s.vendorLength, maxLength: s.vendorLength })
        .map((a) => Buffer.from(a)),
    })
    .map((r) => {
      const f = r.flags & FLAG_MASK[s.type];
      const d: ElementDescriptor = {
        elementAddress: r.elementAddress,
        oir: (f & 0x80) !== 0,
        cmc: (f & 0x40) !== 0,
        inEnab: (f & 0x20) !== 0,
        exEnab: (f & 0x10) !== 0,
        access: (f & 0x08) !== 0,
        except: (f & 0x04) !== 0,
        impExp: (f & 0x02) !== 0,
        full: (f & 0x01) !== 0,
        additionalSenseCode: r.additionalSenseCode,
        additionalSenseCodeQualifier: r.additionalSenseCodeQualifier,
        svalid: r.svalid,
        invert: r.invert,
        ed: r.ed,
        mediumType: r.mediumType,
        sourceStorageElementAddress: r.sourceStorageElementAddress,
        vendorSpecific: r.vendorSpecific,
      };
      if (s.pvoltag) d.primaryVolumeTag = r.primaryVolumeTag;
      if (s.avoltag) d.alternateVolumeTag = r.alternateVolumeTag;
      if (s.idLength !== undefined) d.deviceIdentifier = r.id;
      return d;
    });
}

const pageInput: fc.Arbitrary<ElementStatusPageInput> = pageShape.chain((s) =>
  fc.array(descriptorFor(s), { maxLength: 4 }).map((descriptors) => ({
    elementTypeCode: s.type,
    pvoltag: s.pvoltag,
    avoltag: s.avoltag,
    descriptors,
  })),
);

/** Complete data, or data cut at a page or descriptor boundary as an allocation length would. */
const elementStatusData: fc.Arbitrary<ElementStatusData> = fc
  .tuple(fc.array(pageInput, { maxLength: 4 }), fc.nat(), fc.nat())
  .map(([pages, dropPages, keepDescriptors]) => {
    const full = buildElementStatusData(pages);
    const kept = full.pages.slice(0, full.pages.length - (dropPages % (full.pages.length + 1)));
    if (kept.length > 0) {
      const last = kept[kept.length - 1];
      kept[kept.length - 1] = {
        ...last,
        descriptors: last.descriptors.slice(0, keepDescriptors % (last.descriptors.length + 1)),
      };
    }
    return { ...full, pages: kept };
  });

describe('READ ELEMENT STATUS data: properties', () => {
  it('round-trips complete and truncated reports', () => {
    fc.assert(
      fc.property(elementStatusData, (v) =>
        expect(decodeElementStatusData(encodeElementStatusData(v))).toEqual(v),
      ),
    );
  });

  it('decodes a report cut at any byte without error, keeping a prefix of the descriptors', () => {
    fc.assert(
      fc.property(fc.array(pageInput, { minLength: 1, maxLength: 3 }), fc.nat(), (pages, cutAt) => {
        const full = buildElementStatusData(pages);
        const bytes = encodeElementStatusData(full);
        const cut = 8 + (cutAt % (bytes.length - 7));
        const got = decodeElementStatusData(bytes.subarray(0, cut));
        got.pages.forEach((p, i) => {
          expect(p.descriptors).toEqual(full.pages[i].descriptors.slice(0, p.descriptors.length));
        });
      }),
    );
  });
});

// --- errors ---------------------------------------------------------------------------------------

describe('READ ELEMENT STATUS data: errors', () => {
  function golden(): Buffer {
    return Buffer.from(GOLDEN);
  }

  it('fewer than 8 bytes is 05/1A/00', () => {
    expectParamListLength(() => decodeElementStatusData(GOLDEN.subarray(0, 7)));
  });

  it('an ELEMENT TYPE CODE other than 1-4 in a page is 05/26/00 at the page byte 0, bit 3', () => {
    for (const t of [0, 5]) {
      const b = golden();
      b[8] = t;
      expectInvalidParam(() => decodeElementStatusData(b), 8, 3);
    }
  });

  it('an ELEMENT DESCRIPTOR LENGTH too small for the volume tags is 05/26/00 at page byte 2', () => {
    const b = golden();
    b.writeUInt16BE(47, 10);
    expectInvalidParam(() => decodeElementStatusData(b), 10);
  });

  it('a descriptor byte count that is not a multiple of the descriptor length is 05/26/00 at page byte 5', () => {
    const b = golden();
    b.writeUIntBE(47, 13, 3);
    expectInvalidParam(() => decodeElementStatusData(b), 13);
  });

  it('a page running past BYTE COUNT OF REPORT AVAILABLE is 05/26/00 at that page byte 5', () => {
    const b = golden();
    b.writeUIntBE(62 * 2, 64 + 5, 3); // second page claims two descriptors; the report has room for one
    expectInvalidParam(() => decodeElementStatusData(b), 69);
  });

  it('complete data whose pages leave 1-7 bytes over is 05/26/00 at header byte 5', () => {
    const b = Buffer.concat([golden(), Buffer.alloc(3)]);
    b.writeUIntBE(126 + 3, 5, 3);
    expectInvalidParam(() => decodeElementStatusData(b), 5);
    const c = hex('00 00 00 00 00 00 00 04 01 80 00 30'); // 4 bytes announced, no room for a page header
    expectInvalidParam(() => decodeElementStatusData(c), 5);
  });

  it('an IDENTIFIER LENGTH running past the descriptor is 05/26/00 at that byte', () => {
    const b = golden();
    const idLengthAt = 8 + 8 + 48 + 8 + 12 + 36 + 3;
    expect(b[idLengthAt]).toBe(10);
    b[idLengthAt] = 11;
    expectInvalidParam(() => decodeElementStatusData(b), idLengthAt);
  });
});

describe('READ ELEMENT STATUS data: encoder refusals', () => {
  const page = GOLDEN_VALUE.pages[0];

  it('volume tags must match PVOLTAG/AVOLTAG', () => {
    expect(() => encodeElementDescriptor(slot, 2, false, false)).toThrow(RangeError);
    expect(() => encodeElementDescriptor(slot, 2, true, true)).toThrow(RangeError);
  });

  it('status flags must be defined for the element type', () => {
    expect(() =>
      encodeElementDescriptor(descriptor({ access: true }), ELEMENT_TYPE.mediumTransport, false, false),
    ).toThrow(RangeError);
    expect(() =>
      encodeElementDescriptor(descriptor({ impExp: true }), ELEMENT_TYPE.storage, false, false),
    ).toThrow(RangeError);
    expect(() => encodeElementDescriptor(descriptor({}), 0, false, false)).toThrow(RangeError);
  });

  it('four or more vendor bytes need a device identifier in front of them', () => {
    expect(() =>
      encodeElementDescriptor(descriptor({ vendorSpecific: Buffer.alloc(4) }), 2, false, false),
    ).toThrow(RangeError);
    expect(
      encodeElementDescriptor(descriptor({ vendorSpecific: Buffer.alloc(3) }), 2, false, false).length,
    ).toBe(15);
  });

  it('volume identifiers must be printable, at most 32 bytes and without trailing spaces', () => {
    const tag = (volumeIdentifier: string) =>
      descriptor({ primaryVolumeTag: { volumeIdentifier, volumeSequenceNumber: 0 } });
    expect(() => encodeElementDescriptor(tag('X'.repeat(33)), 2, true, false)).toThrow(RangeError);
    expect(() => encodeElementDescriptor(tag('A00001 '), 2, true, false)).toThrow(RangeError);
    expect(() => encodeElementDescriptor(tag('A\u0001'), 2, true, false)).toThrow(RangeError);
    expect(encodeElementDescriptor(tag(' LEADING'), 2, true, false).subarray(12, 20).toString('latin1')).toBe(
      ' LEADING',
    );
  });

  it('page lengths must be consistent', () => {
    const enc = (pages: ElementStatusData['pages'], byteCountOfReportAvailable = 1000) =>
      encodeElementStatusData({
        firstElementAddressReported: 0,
        numberOfElementsAvailable: 0,
        byteCountOfReportAvailable,
        pages,
      });
    expect(() => enc([{ ...page, elementTypeCode: 5 }])).toThrow(RangeError);
    expect(() => enc([{ ...page, elementDescriptorLength: 47 }])).toThrow(RangeError);
    expect(() => enc([{ ...page, byteCountOfDescriptorDataAvailable: 50 }])).toThrow(RangeError);
    expect(() => enc([{ ...page, byteCountOfDescriptorDataAvailable: 0 }])).toThrow(RangeError);
    expect(() =>
      enc([{ ...page, elementDescriptorLength: 96, byteCountOfDescriptorDataAvailable: 96 }]),
    ).toThrow(RangeError);
    expect(() => enc([{ ...page, byteCountOfDescriptorDataAvailable: 96 }, page])).toThrow(RangeError);
    expect(() => enc([page], 55)).toThrow(RangeError);
    expect(enc([{ ...page, byteCountOfDescriptorDataAvailable: 96 }]).length).toBe(8 + 8 + 48);
  });

  it('buildElementStatusData refuses descriptors of different lengths in one page and handles empty pages', () => {
    const other = descriptor({ ...slot, vendorSpecific: Buffer.alloc(2) });
    expect(() =>
      buildElementStatusData([
        { elementTypeCode: 2, pvoltag: true, avoltag: false, descriptors: [slot, other] },
      ]),
    ).toThrow(RangeError);
    expect(
      buildElementStatusData([{ elementTypeCode: 1, pvoltag: true, avoltag: true, descriptors: [] }]),
    ).toEqual({
      firstElementAddressReported: 0,
      numberOfElementsAvailable: 0,
      byteCountOfReportAvailable: 8,
      pages: [
        {
          elementTypeCode: 1,
          pvoltag: true,
          avoltag: true,
          elementDescriptorLength: minimumElementDescriptorLength(true, true),
          byteCountOfDescriptorDataAvailable: 0,
          descriptors: [],
        },
      ],
    });
  });
});
