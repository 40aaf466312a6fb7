import * as fc from 'fast-check';
import {
  decodeLogPage,
  decodeSupportedLogPages,
  decodeSupportedLogSubpages,
  encodeLogPage,
  encodeSupportedLogPages,
  encodeSupportedLogSubpages,
  findLogParameter,
  LOG_PAGE_DECODERS,
  type LogPage,
  logParameterCounter,
} from '../../../../cdb/spc/log-page';
import { bool, bytes, expectSense, hex, mutated, onlySense, u, u16, u8 } from './spc-mode-helpers';

const parameter = fc.record({
  parameterCode: u16,
  du: bool,
  tsd: bool,
  etc: bool,
  tmc: u(2),
  formatAndLinking: u(2),
  value: bytes(0, 20),
});

const page: fc.Arbitrary<LogPage> = fc.record({
  ds: bool,
  spf: bool,
  pageCode: u(6),
  subpageCode: u8,
  parameters: fc.array(parameter, { maxLength: 6 }),
});

describe('log page (generic)', () => {
  it('round-trips', () => {
    fc.assert(fc.property(page, (p) => expect(decodeLogPage(encodeLogPage(p))).toEqual(p)));
  });

  it('golden: Write Error Counters page (02h) with two counters', () => {
    const data = hex(`
      02 00 00 10           # DS=0 SPF=0 PAGE 02h, SUBPAGE 0, PAGE LENGTH 16
      00 03 02 04           # parameter 0003h: FORMAT AND LINKING 10b, length 4
      00 00 00 07           #   TOTAL REWRITES OR REREADS = 7
      00 05 02 04           # parameter 0005h: length 4
      06 40 10 48           #   TOTAL BYTES PROCESSED = 104861768
    `);
    const p = decodeLogPage(data);
    expect(p).toEqual({
      ds: false,
      spf: false,
      pageCode: 2,
      subpageCode: 0,
      parameters: [
        {
          parameterCode: 3,
          du: false,
          tsd: false,
          etc: false,
          tmc: 0,
          formatAndLinking: 2,
          value: hex('00000007'),
        },
        {
          parameterCode: 5,
          du: false,
          tsd: false,
          etc: false,
          tmc: 0,
          formatAndLinking: 2,
          value: hex('06401048'),
        },
      ],
    });
    const bytesProcessed = findLogParameter(p, 5);
    expect(bytesProcessed && logParameterCounter(bytesProcessed)).toBe(104861768n);
    expect(findLogParameter(p, 9)).toBeUndefined();
    expect(encodeLogPage(p)).toEqual(data);
  });

  it('parameter control byte bits: DU, TSD, ETC, TMC, FORMAT AND LINKING', () => {
    const p = decodeLogPage(hex('ae 01 00 04 80 00 bf 00'));
    expect(p).toMatchObject({ ds: true, spf: false, pageCode: 0x2e, subpageCode: 1 });
    expect(p.parameters[0]).toEqual({
      parameterCode: 0x8000,
      du: true,
      tsd: true,
      etc: true,
      tmc: 3,
      formatAndLinking: 3,
      value: Buffer.alloc(0),
    });
  });

  it('length errors', () => {
    expectSense(() => decodeLogPage(hex('02 00 00 08 00 00 02 04')), 5, 0x1a, 0);
    expectSense(() => decodeLogPage(hex('02 00 00 06 00 00 02 04 00 00')), 5, 0x26, 0, {
      commandData: false,
      field: 7,
    });
    expectSense(() => decodeLogPage(hex('02 00 00 02 00 00')), 5, 0x26, 0, { commandData: false, field: 2 });
    expectSense(() => decodeLogPage(hex('02 00')), 5, 0x1a, 0);
  });

  it('counter helper refuses values wider than 64 bits', () => {
    const p = fc.sample(parameter, 1)[0];
    expect(logParameterCounter({ ...p, value: Buffer.alloc(0) })).toBe(0n);
    expect(() => logParameterCounter({ ...p, value: Buffer.alloc(9) })).toThrow(RangeError);
  });
});

describe('supported log pages (00h)', () => {
  it('round-trip', () => {
    fc.assert(
      fc.property(fc.array(u(6), { maxLength: 30 }), (pageCodes) =>
        expect(decodeSupportedLogPages(encodeSupportedLogPages({ pageCodes }))).toEqual({ pageCodes }),
      ),
    );
    fc.assert(
      fc.property(fc.array(fc.record({ pageCode: u(6), subpageCode: u8 }), { maxLength: 30 }), (pages) =>
        expect(decodeSupportedLogSubpages(encodeSupportedLogSubpages({ pages }))).toEqual({ pages }),
      ),
    );
  });

  it('golden: an LTO drive supporting 00h 02h 03h 0Ch 2Eh', () => {
    const data = hex('00 00 00 05 00 02 03 0c 2e');
    expect(decodeSupportedLogPages(data)).toEqual({ pageCodes: [0x00, 0x02, 0x03, 0x0c, 0x2e] });
    expect(encodeSupportedLogPages({ pageCodes: [0x00, 0x02, 0x03, 0x0c, 0x2e] })).toEqual(data);
  });

  it('golden: supported pages and subpages', () => {
    const data = hex('40 ff 00 06  00 00  00 ff  19 01');
    expect(decodeSupportedLogSubpages(data)).toEqual({
      pages: [
        { pageCode: 0, subpageCode: 0 },
        { pageCode: 0, subpageCode: 0xff },
        { pageCode: 0x19, subpageCode: 1 },
      ],
    });
    expect(encodeSupportedLogSubpages(decodeSupportedLogSubpages(data))).toEqual(data);
  });

  it('errors: wrong page, wrong subpage, odd length', () => {
    expectSense(() => decodeSupportedLogPages(hex('02 00 00 00')), 5, 0x26, 0, {
      commandData: false,
      field: 0,
      bit: 6,
    });
    expectSense(() => decodeSupportedLogPages(hex('00 01 00 00')), 5, 0x26, 0, {
      commandData: false,
      field: 1,
    });
    expectSense(() => decodeSupportedLogSubpages(hex('00 ff 00 00')), 5, 0x26, 0, {
      commandData: false,
      field: 0,
      bit: 6,
    });
    expectSense(() => decodeSupportedLogSubpages(hex('40 00 00 00')), 5, 0x26, 0, {
      commandData: false,
      field: 1,
    });
    expectSense(() => decodeSupportedLogSubpages(hex('40 ff 00 01 00')), 5, 0x26, 0, {
      commandData: false,
      field: 2,
    });
    expect(() => encodeSupportedLogPages({ pageCodes: [0x40] })).toThrow(RangeError);
  });

  it('registers its decoders', () => {
    expect(Object.keys(LOG_PAGE_DECODERS)).toEqual([
      'spc.logPage',
      'spc.logPage.supportedPages',
      'spc.logPage.supportedSubpages',
    ]);
  });
});

describe('log pages: mutated encodings', () => {
  it('decoders throw only SenseError', () => {
    fc.assert(
      fc.property(mutated(page.map(encodeLogPage)), (b) => {
        onlySense(() => decodeLogPage(b));
        onlySense(() => decodeSupportedLogPages(b));
        onlySense(() => decodeSupportedLogSubpages(b));
      }),
      { numRuns: 300 },
    );
  });
});
