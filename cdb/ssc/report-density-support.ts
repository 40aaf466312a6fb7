// REPORT DENSITY SUPPORT CDB (SSC-4 7.9): byte 1 bit 1 MEDIUM TYPE, bit 0 MEDIA; bytes 7-8
// ALLOCATION LENGTH.
import { flag, newCdb, openCdb, putU16 } from '../bytes';

export const REPORT_DENSITY_SUPPORT_OPCODE = 0x44;
export const REPORT_DENSITY_SUPPORT_CDB_LENGTH = 10;

export interface ReportDensitySupport {
  /** MEDIUM TYPE: report medium type descriptors instead of density support data block descriptors. */
  mediumType: boolean;
  /** MEDIA: report on the mounted medium; false = everything the logical unit supports. */
  media: boolean;
  allocationLength: number;
  control: number;
}

export function encodeReportDensitySupport(v: ReportDensitySupport): Buffer {
  const b = newCdb(REPORT_DENSITY_SUPPORT_OPCODE, REPORT_DENSITY_SUPPORT_CDB_LENGTH, v.control);
  b[1] = flag(v.mediumType, 1) | flag(v.media, 0);
  putU16(b, v.allocationLength, 7, 'allocationLength');
  return b;
}

export function decodeReportDensitySupport(cdb: Buffer): ReportDensitySupport {
  const r = openCdb(
    cdb,
    REPORT_DENSITY_SUPPORT_OPCODE,
    REPORT_DENSITY_SUPPORT_CDB_LENGTH,
    'REPORT DENSITY SUPPORT',
  );
  return { mediumType: r.bit(1, 1), media: r.bit(1, 0), allocationLength: r.u16(7), control: r.u8(9) };
}
