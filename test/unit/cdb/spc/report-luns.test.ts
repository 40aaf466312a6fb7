import * as fc from 'fast-check';
import {
  decodeLun,
  decodeReportLunsCdb,
  decodeReportLunsData,
  encodeLun,
  encodeReportLunsCdb,
  encodeReportLunsData,
  MAX_LUN,
  reportLunsDataLength,
  SELECT_REPORT,
} from '../../../../cdb/spc/report-luns';
import { hex, senseOf } from './helpers';

describe('REPORT LUNS CDB (SPC-4 6.33)', () => {
  it('decodes a hand-written CDB', () => {
    // A0h | rsvd | SELECT REPORT 02h | rsvd x3 | ALLOCATION LENGTH 00001000h | rsvd | CONTROL 00h
    expect(decodeReportLunsCdb(hex('a0 00 02 000000 00001000 00 00'))).toEqual({
      selectReport: SELECT_REPORT.ALL,
      allocationLength: 4096,
      control: 0,
    });
  });

  it('encodes byte for byte and round-trips', () => {
    expect(encodeReportLunsCdb({ selectReport: 0, allocationLength: 16, control: 0 })).toEqual(
      hex('a0 00 00 000000 00000010 00 00'),
    );
    const select = fc.constantFrom(0x00, 0x01, 0x02, 0x10, 0x11, 0x12, 0xc0, 0xff);
    fc.assert(
      fc.property(
        select,
        fc.integer({ min: 16, max: 0xffffffff }),
        fc.integer({ min: 0, max: 255 }),
        (s, a, c) => {
          const v = { selectReport: s, allocationLength: a, control: c };
          expect(decodeReportLunsCdb(encodeReportLunsCdb(v))).toEqual(v);
        },
      ),
    );
  });

  it('ALLOCATION LENGTH below 16 is INVALID FIELD IN CDB at byte 6', () => {
    const e = senseOf(() => decodeReportLunsCdb(hex('a0 00 00 000000 0000000f 00 00')));
    expect([e.senseKey, e.asc, e.ascq]).toEqual([0x05, 0x24, 0x00]);
    expect(e.fieldPointer).toEqual({ commandData: true, field: 6, bit: undefined });
  });

  it('a reserved SELECT REPORT is INVALID FIELD IN CDB at byte 2', () => {
    for (const s of [0x03, 0x0f, 0x13, 0xbf]) {
      const e = senseOf(() =>
        decodeReportLunsCdb(encodeReportLunsCdb({ selectReport: s, allocationLength: 16, control: 0 })),
      );
      expect([e.asc, e.fieldPointer?.field, e.fieldPointer?.commandData]).toEqual([0x24, 2, true]);
    }
  });

  it('rejects another opcode and a short CDB', () => {
    expect(senseOf(() => decodeReportLunsCdb(hex('a1 00 00 000000 00000010 00 00'))).asc).toBe(0x20);
    expect(senseOf(() => decodeReportLunsCdb(hex('a0 00 00 000000 00000010 00'))).asc).toBe(0x24);
  });
});

// Two LUNs, 0 and 1, peripheral device addressing (SAM-5 4.7.3).
const DATA = hex(
  [
    '00000010', // LUN LIST LENGTH 16
    '00000000', // reserved
    '0000000000000000', // LUN 0
    '0001000000000000', // LUN 1
  ].join(''),
);

describe('REPORT LUNS parameter data', () => {
  it('decodes and encodes the hand-written list', () => {
    expect(decodeReportLunsData(DATA)).toEqual({ luns: [encodeLun(0), encodeLun(1)] });
    expect(encodeReportLunsData({ luns: [encodeLun(0), encodeLun(1)] })).toEqual(DATA);
    expect(decodeReportLunsData(DATA).luns.map(decodeLun)).toEqual([0, 1]);
  });

  it('a list cut by the allocation length keeps the complete LUNs', () => {
    expect(reportLunsDataLength(DATA.subarray(0, 4))).toBe(24);
    expect(decodeReportLunsData(DATA.subarray(0, 20)).luns).toEqual([encodeLun(0)]);
    expect(decodeReportLunsData(DATA.subarray(0, 8)).luns).toEqual([]);
    // Bytes past LUN LIST LENGTH + 8 are ignored.
    expect(decodeReportLunsData(Buffer.concat([DATA, Buffer.alloc(8, 0xff)])).luns).toHaveLength(2);
  });

  it('round-trips', () => {
    const lun = fc.uint8Array({ minLength: 8, maxLength: 8 }).map((a) => Buffer.from(a));
    fc.assert(
      fc.property(fc.array(lun, { maxLength: 40 }), (luns) => {
        expect(decodeReportLunsData(encodeReportLunsData({ luns }))).toEqual({ luns });
      }),
    );
  });

  it('errors', () => {
    const e = senseOf(() => decodeReportLunsData(hex('0000000c 00000000 0000000000000000 00000000')));
    expect([e.asc, e.fieldPointer]).toEqual([0x26, { commandData: false, field: 0, bit: undefined }]);
    expect(senseOf(() => decodeReportLunsData(hex('00000008 000000'))).asc).toBe(0x1a);
    expect(() => encodeReportLunsData({ luns: [Buffer.alloc(7)] })).toThrow(RangeError);
  });
});

describe('LUN encoding (SAM-5 4.7)', () => {
  it('uses peripheral, flat space and extended flat space addressing', () => {
    expect(encodeLun(0)).toEqual(hex('0000 0000 0000 0000'));
    expect(encodeLun(255)).toEqual(hex('00ff 0000 0000 0000')); // 00b, bus 0, LUN FFh
    expect(encodeLun(256)).toEqual(hex('4100 0000 0000 0000')); // 01b flat space, 0100h
    expect(encodeLun(16383)).toEqual(hex('7fff 0000 0000 0000'));
    expect(encodeLun(16384)).toEqual(hex('d2 004000 00000000')); // 11b, length 01b, method 2h
    expect(encodeLun(MAX_LUN)).toEqual(hex('d2 ffffff 00000000'));
  });

  it('decodes each format, including flat space for small numbers', () => {
    expect(decodeLun(hex('0007 0000 0000 0000'))).toBe(7);
    expect(decodeLun(hex('4007 0000 0000 0000'))).toBe(7);
    expect(decodeLun(hex('7fff 0000 0000 0000'))).toBe(16383);
    expect(decodeLun(hex('d2 123456 00000000'))).toBe(0x123456);
    expect(decodeLun(hex('0003 0000 0000 0000 ffff'))).toBe(3);
  });

  it('round-trips every number it accepts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_LUN }), (n) => expect(decodeLun(encodeLun(n))).toBe(n)),
    );
  });

  it('other formats are LOGICAL UNIT NOT SUPPORTED', () => {
    const cases = [
      '0101 0000 0000 0000', // peripheral device addressing through bus 1
      '0001 0002 0000 0000', // a second level
      '8001 0000 0000 0000', // logical unit addressing (10b)
      'c101 0000 0000 0000', // REPORT LUNS well-known LU
      'e2 00000000000000', // long extended flat space
      'd2 000001 00000001', // extended flat space with trailing level
    ];
    for (const c of cases) {
      const e = senseOf(() => decodeLun(hex(c)));
      expect([c, e.senseKey, e.asc, e.ascq]).toEqual([c, 0x05, 0x25, 0x00]);
    }
    expect(senseOf(() => decodeLun(hex('0000 0000 0000 00'))).asc).toBe(0x1a);
  });

  it('encodeLun refuses numbers it cannot address', () => {
    expect(() => encodeLun(-1)).toThrow(RangeError);
    expect(() => encodeLun(MAX_LUN + 1)).toThrow(RangeError);
    expect(() => encodeLun(1.5)).toThrow(RangeError);
  });
});
