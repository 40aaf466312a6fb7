import * as fc from 'fast-check';
import {
  decodeReportDensitySupport,
  encodeReportDensitySupport,
  type ReportDensitySupport,
} from '../../../../cdb/ssc/report-density-support';
import { control, expectInvalidCdb, expectSense, padTo16, u16 } from './helpers';

describe('REPORT DENSITY SUPPORT CDB', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(
        fc.record({ mediumType: fc.boolean(), media: fc.boolean(), allocationLength: u16, control }),
        (v: ReportDensitySupport) => {
          expect(decodeReportDensitySupport(encodeReportDensitySupport(v))).toEqual(v);
          expect(decodeReportDensitySupport(padTo16(encodeReportDensitySupport(v)))).toEqual(v);
        },
      ),
    );
  });

  it('golden: mounted medium densities, 4 KiB allocation', () => {
    const cdb = Buffer.from([
      0x44, // REPORT DENSITY SUPPORT
      0x01, // MEDIUM TYPE=0, MEDIA=1
      0x00,
      0x00,
      0x00,
      0x00,
      0x00, // reserved
      0x10,
      0x00, // ALLOCATION LENGTH 4096
      0x00, // CONTROL
    ]);
    const v: ReportDensitySupport = { mediumType: false, media: true, allocationLength: 4096, control: 0 };
    expect(encodeReportDensitySupport(v)).toEqual(cdb);
    expect(decodeReportDensitySupport(cdb)).toEqual(v);
    expect(encodeReportDensitySupport({ ...v, mediumType: true, media: false })[1]).toBe(0x02);
  });

  it('errors', () => {
    expectSense(() => decodeReportDensitySupport(Buffer.alloc(10)), 0x05, 0x20, 0x00);
    expectInvalidCdb(() => decodeReportDensitySupport(Buffer.from([0x44, 0x01, 0, 0, 0, 0, 0, 0x10])), 0);
    expect(() =>
      encodeReportDensitySupport({ mediumType: false, media: false, allocationLength: 0x10000, control: 0 }),
    ).toThrow(RangeError);
  });
});
