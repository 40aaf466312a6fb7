// REPORT LUNS (SPC-4 6.33): CDB, parameter data, and the single-level LUN formats of SAM-5 4.7.
//
// Truncation: the device returns min(ALLOCATION LENGTH, LUN LIST LENGTH + 8) bytes. The decoder keeps
// every complete 8-byte LUN present within LUN LIST LENGTH and drops a partial one;
// `reportLunsDataLength` (LUN LIST LENGTH + 8) tells the initiator how much to ask for.
import { ByteReader, checkUint, newCdb, openCdb, putU32, putU8 } from '../bytes';
import { illegalRequest, invalidCdbField, invalidParamField } from '../errors';

export const REPORT_LUNS = 0xa0;

/** SELECT REPORT values. */
export const SELECT_REPORT = {
  /** Logical units with LU addressing, no well-known LUs. */
  LOGICAL_UNITS: 0x00,
  /** Well-known logical units only. */
  WELL_KNOWN: 0x01,
  /** All logical units. */
  ALL: 0x02,
  /** SPC-5: administrative logical units. */
  ADMINISTRATIVE: 0x10,
  /** SPC-5: administrative logical units and their subsidiary logical units. */
  ADMINISTRATIVE_AND_SUBSIDIARY: 0x11,
  /** SPC-5: subsidiary logical units of the addressed administrative logical unit. */
  SUBSIDIARY: 0x12,
} as const;

export interface ReportLunsCdb {
  selectReport: number;
  allocationLength: number;
  control: number;
}

export function encodeReportLunsCdb(v: ReportLunsCdb): Buffer {
  const cdb = newCdb(REPORT_LUNS, 12, v.control);
  putU8(cdb, v.selectReport, 2, 'selectReport');
  putU32(cdb, v.allocationLength, 6, 'allocationLength');
  return cdb;
}

function validSelectReport(v: number): boolean {
  // 00h-02h (SPC-4), 10h-12h (SPC-5 administrative LUs), C0h-FFh vendor specific.
  return v <= 0x02 || (v >= 0x10 && v <= 0x12) || v >= 0xc0;
}

export function decodeReportLunsCdb(cdb: Buffer): ReportLunsCdb {
  const r = openCdb(cdb, REPORT_LUNS, 12, 'REPORT LUNS');
  const selectReport = r.u8(2);
  if (!validSelectReport(selectReport)) {
    throw invalidCdbField(2, `SELECT REPORT ${selectReport.toString(16)}h is reserved`);
  }
  const allocationLength = r.u32(6);
  // SPC-4 6.33: an ALLOCATION LENGTH below 16 is INVALID FIELD IN CDB.
  if (allocationLength < 16) throw invalidCdbField(6, `ALLOCATION LENGTH ${allocationLength} is below 16`);
  return { selectReport, allocationLength, control: r.u8(11) };
}

/** REPORT LUNS parameter data: the 8-byte LUNs (build them with encodeLun). */
export interface ReportLunsData {
  luns: Buffer[];
}

export function encodeReportLunsData(v: ReportLunsData): Buffer {
  const b = Buffer.alloc(8 + 8 * v.luns.length);
  putU32(b, 8 * v.luns.length, 0, 'LUN LIST LENGTH');
  v.luns.forEach((lun, i) => {
    if (lun.length !== 8) throw new RangeError(`luns[${i}] must be 8 bytes, got ${lun.length}`);
    lun.copy(b, 8 + 8 * i);
  });
  return b;
}

/** LUN LIST LENGTH + 8: the full size of the parameter data (needs the first 4 bytes). */
export function reportLunsDataLength(buf: Buffer): number {
  return new ByteReader(buf, 'data-in').u32(0, 'LUN LIST LENGTH') + 8;
}

export function decodeReportLunsData(buf: Buffer): ReportLunsData {
  const r = new ByteReader(buf, 'data-in');
  r.need(0, 8, 'REPORT LUNS parameter data header');
  const lunListLength = r.u32(0);
  if (lunListLength % 8 !== 0)
    throw invalidParamField(0, `LUN LIST LENGTH ${lunListLength} is not a multiple of 8`);
  const present = Math.min(lunListLength, r.length - 8);
  const luns: Buffer[] = [];
  for (let off = 8; off + 8 <= 8 + present; off += 8) luns.push(r.slice(off, 8));
  return { luns };
}

// ---- SAM-5 4.7 LUN formats (single level) ----

/** Largest LUN encodeLun accepts (extended flat space addressing, 24 bits). */
export const MAX_LUN = 0xffffff;

/**
 * The 8-byte LUN for `n`: peripheral device addressing (00b) below 256, flat space addressing (01b)
 * below 16384, extended flat space addressing (11b, length 01b, method 2h) up to FFFFFFh.
 */
export function encodeLun(n: number): Buffer {
  const b = Buffer.alloc(8);
  checkUint(n, 24, 'LUN');
  if (n < 0x100) {
    b[1] = n;
  } else if (n < 0x4000) {
    b.writeUInt16BE(0x4000 | n, 0);
  } else {
    b[0] = 0xd2;
    b.writeUIntBE(n, 1, 3);
  }
  return b;
}

function notSupported(what: string): Error {
  // SAM-5: a LUN the target cannot address is LOGICAL UNIT NOT SUPPORTED.
  return illegalRequest(0x25, 0x00, `logical unit not supported: ${what}`);
}

/**
 * The number of a single-level LUN in any of the three formats encodeLun writes. Other formats
 * (hierarchical levels, logical unit addressing, well-known LUs, long extended LUNs) are
 * LOGICAL UNIT NOT SUPPORTED (05/25/00). Bytes past the first 8 are ignored.
 */
export function decodeLun(buf: Buffer): number {
  const r = new ByteReader(buf, 'data-in');
  r.need(0, 8, 'LUN');
  const method = r.bits(0, 6, 2);
  let n: number;
  let used: number;
  if (method === 0b00) {
    if (r.bits(0, 0, 6) !== 0) throw notSupported('peripheral device addressing with a bus identifier');
    n = r.u8(1);
    used = 2;
  } else if (method === 0b01) {
    n = r.u16(0) & 0x3fff;
    used = 2;
  } else if (method === 0b11 && r.u8(0) === 0xd2) {
    n = r.u24(1);
    used = 4;
  } else {
    throw notSupported(
      `address method ${method.toString(2).padStart(2, '0')}b byte 0 ${r.u8(0).toString(16)}h`,
    );
  }
  for (let i = used; i < 8; i++) {
    if (r.u8(i) !== 0) throw notSupported('hierarchical (multi-level) LUN');
  }
  return n;
}
