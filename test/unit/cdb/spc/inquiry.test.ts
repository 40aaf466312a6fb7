import * as fc from 'fast-check';
import {
  checkAscii,
  decodeInquiryCdb,
  decodeStandardInquiry,
  encodeInquiryCdb,
  encodeStandardInquiry,
  readVpdPage,
  standardInquiryLength,
  vpdPageLength,
  writeVpdPage,
  type StandardInquiryData,
} from '../../../../cdb/spc/inquiry';
import { editsArb, hex, mutatedDecodesOrSense, senseOf } from './helpers';

/** Printable ASCII without trailing spaces (the decoder strips them). */
const ascii = (max: number): fc.Arbitrary<string> =>
  fc
    .string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: max })
    .map((s) => s.trimEnd());

describe('INQUIRY CDB (SPC-4 6.4.1)', () => {
  it('decodes a hand-written VPD request', () => {
    // 12h | EVPD=1 | PAGE CODE 83h | ALLOCATION LENGTH 00FFh | CONTROL 00h
    expect(decodeInquiryCdb(hex('12 01 83 00 ff 00'))).toEqual({
      evpd: true,
      pageCode: 0x83,
      allocationLength: 255,
      control: 0,
    });
  });

  it('decodes a standard request inside a 16-byte iSCSI CDB field', () => {
    const cdb = Buffer.alloc(16);
    hex('12 00 00 00 60 04').copy(cdb);
    expect(decodeInquiryCdb(cdb)).toEqual({ evpd: false, pageCode: 0, allocationLength: 0x60, control: 4 });
  });

  it('encodes byte for byte', () => {
    expect(encodeInquiryCdb({ evpd: true, pageCode: 0x8f, allocationLength: 0x1000, control: 0 })).toEqual(
      hex('12 01 8f 10 00 00'),
    );
  });

  it('round-trips every valid CDB', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 255 }),
        (evpd, page, allocationLength, control) => {
          const v = { evpd, pageCode: evpd ? page : 0, allocationLength, control };
          expect(decodeInquiryCdb(encodeInquiryCdb(v))).toEqual(v);
        },
      ),
    );
  });

  it('EVPD=0 with a PAGE CODE is INVALID FIELD IN CDB at byte 2', () => {
    const e = senseOf(() => decodeInquiryCdb(hex('12 00 80 00 ff 00')));
    expect([e.senseKey, e.asc, e.ascq]).toEqual([0x05, 0x24, 0x00]);
    expect(e.fieldPointer).toEqual({ commandData: true, field: 2, bit: undefined });
  });

  it('rejects another opcode and a short CDB', () => {
    const op = senseOf(() => decodeInquiryCdb(hex('13 00 00 00 ff 00')));
    expect([op.senseKey, op.asc, op.ascq]).toEqual([0x05, 0x20, 0x00]);
    const short = senseOf(() => decodeInquiryCdb(hex('12 00 00 00 ff')));
    expect([short.senseKey, short.asc, short.ascq]).toEqual([0x05, 0x24, 0x00]);
    expect(short.fieldPointer?.commandData).toBe(true);
    expect(senseOf(() => decodeInquiryCdb(Buffer.alloc(0))).asc).toBe(0x24);
  });

  it('encoder range-checks its fields', () => {
    expect(() => encodeInquiryCdb({ evpd: false, pageCode: 256, allocationLength: 0, control: 0 })).toThrow(
      RangeError,
    );
    expect(() =>
      encodeInquiryCdb({ evpd: false, pageCode: 0, allocationLength: 0x10000, control: 0 }),
    ).toThrow(RangeError);
  });
});

// A disk that is a copy manager: hand-assembled from SPC-4 table 139.
const STD36 = hex(
  [
    '00', // PERIPHERAL QUALIFIER 000b, PERIPHERAL DEVICE TYPE 00h (disk)
    '00', // RMB 0, LU_CONG 0
    '06', // VERSION: SPC-4
    '12', // NORMACA 0, HISUP 1, RESPONSE DATA FORMAT 2h
    '1f', // ADDITIONAL LENGTH 31 (36 bytes)
    '18', // SCCS 0, ACC 0, TPGS 01b, 3PC 1, PROTECT 0
    '10', // ENCSERV 0, MULTIP 1
    '02', // CMDQUE 1
    '58434f5059424b20', // T10 VENDOR IDENTIFICATION "XCOPYBK "
    '454d554c41544544204449534b202020', // PRODUCT IDENTIFICATION "EMULATED DISK   "
    '30303031', // PRODUCT REVISION LEVEL "0001"
  ].join(''),
);

const STD36_FIELDS: StandardInquiryData = {
  peripheralQualifier: 0,
  peripheralDeviceType: 0,
  rmb: false,
  luCong: false,
  version: 6,
  normaca: false,
  hisup: true,
  responseDataFormat: 2,
  sccs: false,
  acc: false,
  tpgs: 1,
  threePc: true,
  protect: false,
  encserv: false,
  multip: true,
  cmdque: true,
  t10VendorIdentification: 'XCOPYBK',
  productIdentification: 'EMULATED DISK',
  productRevisionLevel: '0001',
};

// The same device as 96 bytes: vendor specific 36-55, version descriptors 58-73, reserved to 95.
const STD96 = Buffer.concat([
  hex('00 00 06 12 5b 18 10 02'), // as above but ADDITIONAL LENGTH 91 (96 bytes)
  STD36.subarray(8, 36),
  Buffer.from('serial-0000000000001', 'latin1'), // 36-55 vendor specific (20 bytes)
  hex('00 00'), // 56-57 reserved
  hex('00a0 0460 04c0 0960'), // 58-65 VERSION DESCRIPTORs: SAM-5, SPC-4, SBC-3, iSCSI
  hex('0000 0000 0000 0000'), // 66-73 unused descriptors
  Buffer.alloc(22), // 74-95 reserved
]);

describe('standard INQUIRY data (SPC-4 6.4.2)', () => {
  it('decodes 36 hand-written bytes with 3PC set', () => {
    expect(decodeStandardInquiry(STD36)).toEqual(STD36_FIELDS);
    expect(decodeStandardInquiry(STD36).vendorSpecific).toBeUndefined();
    expect(encodeStandardInquiry(STD36_FIELDS)).toEqual(STD36);
  });

  it('decodes and re-encodes the 96-byte form', () => {
    const v = decodeStandardInquiry(STD96);
    expect(STD96.length).toBe(96);
    expect(v).toEqual({
      ...STD36_FIELDS,
      vendorSpecific: Buffer.from('serial-0000000000001', 'latin1'),
      versionDescriptors: [0x00a0, 0x0460, 0x04c0, 0x0960],
    });
    expect(v.vendorSpecificParameters).toBeUndefined();
    expect(encodeStandardInquiry(v)).toEqual(STD96);
  });

  it('keeps vendor specific parameters past byte 95', () => {
    const data = Buffer.concat([STD96, hex('de ad be ef')]);
    data[4] = 95; // ADDITIONAL LENGTH
    const v = decodeStandardInquiry(data);
    expect(v.vendorSpecificParameters).toEqual(hex('de ad be ef'));
    expect(encodeStandardInquiry(v)).toEqual(data);
  });

  it('decodes what a short allocation length leaves, fields cut off are undefined', () => {
    expect(standardInquiryLength(STD96.subarray(0, 5))).toBe(96);
    const at36 = decodeStandardInquiry(STD96.subarray(0, 36));
    expect(at36).toEqual(STD36_FIELDS);
    expect(at36.vendorSpecific).toBeUndefined();
    expect(at36.versionDescriptors).toBeUndefined();
    const at58 = decodeStandardInquiry(STD96.subarray(0, 58));
    expect(at58.vendorSpecific).toEqual(STD96.subarray(36, 56));
    expect(at58.versionDescriptors).toBeUndefined();
    // 63 bytes: descriptors 1 and 2 complete, the third cut in half.
    expect(decodeStandardInquiry(STD96.subarray(0, 63)).versionDescriptors).toEqual([0x00a0, 0x0460]);
    expect(decodeStandardInquiry(STD96.subarray(0, 40)).vendorSpecific).toBeUndefined();
  });

  it('ignores bytes past ADDITIONAL LENGTH + 5', () => {
    const padded = Buffer.concat([STD36, Buffer.alloc(60, 0xee)]);
    expect(decodeStandardInquiry(padded)).toEqual(STD36_FIELDS);
  });

  it('all zero version descriptors decode as an empty list', () => {
    const v = decodeStandardInquiry(
      encodeStandardInquiry({ ...STD36_FIELDS, vendorSpecific: Buffer.alloc(20), versionDescriptors: [] }),
    );
    expect(v.versionDescriptors).toEqual([]);
  });

  it('fewer than 36 bytes is PARAMETER LIST LENGTH ERROR', () => {
    const e = senseOf(() => decodeStandardInquiry(STD36.subarray(0, 35)));
    expect([e.senseKey, e.asc, e.ascq]).toEqual([0x05, 0x1a, 0x00]);
    expect(senseOf(() => standardInquiryLength(STD36.subarray(0, 4))).asc).toBe(0x1a);
  });

  it('an ADDITIONAL LENGTH below 31 is INVALID FIELD IN PARAMETER LIST at byte 4', () => {
    const bad = Buffer.from(STD36);
    bad[4] = 30;
    const e = senseOf(() => decodeStandardInquiry(bad));
    expect([e.senseKey, e.asc, e.ascq]).toEqual([0x05, 0x26, 0x00]);
    expect(e.fieldPointer).toEqual({ commandData: false, field: 4, bit: undefined });
  });

  it('round-trips every valid value', () => {
    const base = fc.record({
      peripheralQualifier: fc.integer({ min: 0, max: 7 }),
      peripheralDeviceType: fc.integer({ min: 0, max: 31 }),
      rmb: fc.boolean(),
      luCong: fc.boolean(),
      version: fc.integer({ min: 0, max: 255 }),
      normaca: fc.boolean(),
      hisup: fc.boolean(),
      responseDataFormat: fc.integer({ min: 0, max: 15 }),
      sccs: fc.boolean(),
      acc: fc.boolean(),
      tpgs: fc.integer({ min: 0, max: 3 }),
      threePc: fc.boolean(),
      protect: fc.boolean(),
      encserv: fc.boolean(),
      multip: fc.boolean(),
      cmdque: fc.boolean(),
      t10VendorIdentification: ascii(8),
      productIdentification: ascii(16),
      productRevisionLevel: ascii(4),
    });
    const arb = fc
      .tuple(
        base,
        fc.integer({ min: 0, max: 3 }),
        fc.uint8Array({ minLength: 20, maxLength: 20 }),
        fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 8 }),
        fc.uint8Array({ minLength: 1, maxLength: 164 }),
      )
      .map(([b, level, vs, vd, vp]) => {
        const v: StandardInquiryData = { ...b };
        while (vd.length > 0 && vd[vd.length - 1] === 0) vd.pop();
        if (level >= 1) v.vendorSpecific = Buffer.from(vs);
        if (level >= 2) v.versionDescriptors = vd;
        if (level >= 3) v.vendorSpecificParameters = Buffer.from(vp);
        return v;
      });
    fc.assert(
      fc.property(arb, (v) => {
        const bytes = encodeStandardInquiry(v);
        expect(bytes[4] + 5).toBe(bytes.length);
        expect(decodeStandardInquiry(bytes)).toEqual(v);
      }),
    );
  });

  it('mutated data decodes or throws SenseError only', () => {
    fc.assert(
      fc.property(editsArb, fc.nat(), fc.boolean(), (edits, cut, full) => {
        mutatedDecodesOrSense(decodeStandardInquiry, full ? STD96 : STD36, edits, cut);
      }),
      { numRuns: 300 },
    );
  });

  it('encoder refuses values that do not fit', () => {
    expect(() => encodeStandardInquiry({ ...STD36_FIELDS, t10VendorIdentification: 'TOO-LONG-' })).toThrow(
      RangeError,
    );
    expect(() => encodeStandardInquiry({ ...STD36_FIELDS, productIdentification: 'caf\u00e9' })).toThrow(
      RangeError,
    );
    expect(() => encodeStandardInquiry({ ...STD36_FIELDS, vendorSpecific: Buffer.alloc(19) })).toThrow(
      RangeError,
    );
    expect(() =>
      encodeStandardInquiry({
        ...STD36_FIELDS,
        vendorSpecific: Buffer.alloc(20),
        versionDescriptors: Array<number>(9).fill(1),
      }),
    ).toThrow(RangeError);
    expect(() =>
      encodeStandardInquiry({ ...STD36_FIELDS, vendorSpecificParameters: Buffer.alloc(1) }),
    ).toThrow(RangeError);
    expect(() =>
      encodeStandardInquiry({
        ...STD36_FIELDS,
        vendorSpecific: Buffer.alloc(20),
        versionDescriptors: [],
        vendorSpecificParameters: Buffer.alloc(165),
      }),
    ).toThrow(RangeError);
    expect(() => encodeStandardInquiry({ ...STD36_FIELDS, tpgs: 4 })).toThrow(RangeError);
    expect(() => checkAscii('\t', 4, 'x')).toThrow(RangeError);
  });
});

describe('VPD page header (SPC-4 7.8.1)', () => {
  it('builds and reads a header', () => {
    const page = writeVpdPage({ peripheralQualifier: 1, peripheralDeviceType: 1 }, 0xc0, hex('aa bb'));
    // PQ 001b + PDT 01h = 21h | PAGE CODE C0h | PAGE LENGTH 0002h | body
    expect(page).toEqual(hex('21 c0 00 02 aa bb'));
    expect(vpdPageLength(page)).toBe(6);
    const { header, body } = readVpdPage(Buffer.concat([page, hex('ff')]), 0xc0);
    expect(header).toEqual({ peripheralQualifier: 1, peripheralDeviceType: 1 });
    expect(body.buf).toEqual(hex('aa bb'));
    expect(body.base).toBe(4);
  });

  it('a different PAGE CODE is INVALID FIELD IN PARAMETER LIST at byte 1', () => {
    const e = senseOf(() => readVpdPage(hex('00 80 00 00'), 0x83));
    expect([e.senseKey, e.asc, e.ascq]).toEqual([0x05, 0x26, 0x00]);
    expect(e.fieldPointer).toEqual({ commandData: false, field: 1, bit: undefined });
  });

  it('a page cut short is PARAMETER LIST LENGTH ERROR', () => {
    expect(senseOf(() => readVpdPage(hex('00 83 00 08 00 00'), 0x83)).asc).toBe(0x1a);
    expect(senseOf(() => readVpdPage(hex('00 83 00'), 0x83)).asc).toBe(0x1a);
    expect(senseOf(() => vpdPageLength(hex('00 83 00'))).asc).toBe(0x1a);
  });
});
