// REPORT LUNS (SPC-4 6.33) and the SAM-5 single-level LUN encodings. The target layer answers
// REPORT LUNS from its LUN map; an LU answers for itself when used without a target.
import { invalidCdbField } from '../../cdb/errors';

/** 8-byte LUN: peripheral device addressing below 256, flat space addressing up to 16383. */
export function encodeLun(lun: number): Buffer {
  if (!Number.isInteger(lun) || lun < 0 || lun > 0x3fff) throw new RangeError(`LUN ${lun} out of range`);
  const b = Buffer.alloc(8);
  if (lun < 256) {
    b[1] = lun;
  } else {
    b[0] = 0x40 | (lun >> 8);
    b[1] = lun & 0xff;
  }
  return b;
}

/** Decode an 8-byte single-level LUN; undefined for other address methods or levels. */
export function decodeLun(b: Buffer): number | undefined {
  if (b.length < 8) return undefined;
  if (b.readUInt32BE(4) !== 0 || b.readUInt16BE(2) !== 0) return undefined;
  const method = b[0] >> 6;
  if (method === 0) return b[0] === 0 ? b[1] : undefined; // bus identifier must be 0
  if (method === 1) return ((b[0] & 0x3f) << 8) | b[1];
  return undefined;
}

export interface ReportLunsRequest {
  selectReport: number;
  allocationLength: number;
}

export function decodeReportLunsCdb(cdb: Buffer): ReportLunsRequest {
  if (cdb.length < 12) throw invalidCdbField(cdb.length - 1, 'REPORT LUNS CDB is 12 bytes');
  const r = { selectReport: cdb[2], allocationLength: cdb.readUInt32BE(6) };
  // SPC-4 6.33: 00h all, 01h well known only, 02h all; SPC-5 adds 10h-12h.
  if (![0x00, 0x01, 0x02, 0x10, 0x11, 0x12].includes(r.selectReport)) {
    throw invalidCdbField(2, `SELECT REPORT ${r.selectReport.toString(16)}h`);
  }
  // SPC-4 6.33: an allocation length below 16 is an error.
  if (r.allocationLength < 16) throw invalidCdbField(6, 'allocation length below 16');
  return r;
}

/** REPORT LUNS parameter data for a set of LUN numbers (no well-known LUNs are reported). */
export function reportLunsData(luns: number[], selectReport: number): Buffer {
  const list = selectReport === 0x01 || selectReport === 0x11 ? [] : [...new Set(luns)].sort((a, b) => a - b);
  const h = Buffer.alloc(8);
  h.writeUInt32BE(list.length * 8, 0);
  return Buffer.concat([h, ...list.map(encodeLun)]);
}
