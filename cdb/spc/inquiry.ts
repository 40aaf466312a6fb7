// INQUIRY (SPC-4 6.4): the CDB, the standard INQUIRY data, and the VPD page header shared by every
// VPD page codec (vpd-*.ts).
//
// Truncation rule for standard INQUIRY data (SPC-4 6.4.2): the device returns min(allocation length,
// ADDITIONAL LENGTH + 5) bytes. The decoder uses the bytes it is given up to ADDITIONAL LENGTH + 5 and
// needs at least the 36 bytes SPC-4 requires every device to have (a shorter buffer, or an ADDITIONAL
// LENGTH below 31, is an error). Optional parts are decoded only when ALL their bytes are present and
// are `undefined` otherwise: vendorSpecific (bytes 36-55), versionDescriptors (every complete 2-byte
// descriptor in 58-73), vendorSpecificParameters (bytes 96..n). `standardInquiryLength` reads
// ADDITIONAL LENGTH from the first 5 bytes so an initiator can tell that data was cut short.
//
// VPD pages are decoded strictly: the whole page (PAGE LENGTH + 4 bytes) must be present, otherwise
// PARAMETER LIST LENGTH ERROR; `vpdPageLength` gives the size to ask for.
import { ByteReader, checkAscii, checkUint, flag, newCdb, openCdb, putAscii, putU16, putU8 } from '../bytes';
import { invalidCdbField, invalidParamField } from '../errors';

export const INQUIRY = 0x12;

/** SPC-4 6.4.1 INQUIRY CDB. */
export interface InquiryCdb {
  /** EVPD: return the vital product data page PAGE CODE instead of standard INQUIRY data. */
  evpd: boolean;
  pageCode: number;
  allocationLength: number;
  control: number;
}

export function encodeInquiryCdb(v: InquiryCdb): Buffer {
  const cdb = newCdb(INQUIRY, 6, v.control);
  cdb[1] = flag(v.evpd, 0);
  putU8(cdb, v.pageCode, 2, 'pageCode');
  putU16(cdb, v.allocationLength, 3, 'allocationLength');
  return cdb;
}

/** Decode an INQUIRY CDB (longer buffers, e.g. a 16-byte iSCSI CDB field, are accepted). */
export function decodeInquiryCdb(cdb: Buffer): InquiryCdb {
  const r = openCdb(cdb, INQUIRY, 6, 'INQUIRY');
  // Byte 1 bit 1 (CMDDT) is obsolete since SPC-3 and ignored like a reserved bit.
  const evpd = r.bit(1, 0);
  const pageCode = r.u8(2);
  // SPC-4 6.4.1: EVPD=0 with a non-zero PAGE CODE is INVALID FIELD IN CDB pointing at PAGE CODE.
  if (!evpd && pageCode !== 0) throw invalidCdbField(2, 'PAGE CODE must be zero when EVPD is zero');
  return { evpd, pageCode, allocationLength: r.u16(3), control: r.u8(5) };
}

/** SPC-4 6.4.2 standard INQUIRY data. */
export interface StandardInquiryData {
  peripheralQualifier: number;
  peripheralDeviceType: number;
  /** RMB: removable medium. */
  rmb: boolean;
  /** LU_CONG: the logical unit is a member of a conglomerate. */
  luCong: boolean;
  /** VERSION: 05h SPC-3, 06h SPC-4, 07h SPC-5. */
  version: number;
  normaca: boolean;
  hisup: boolean;
  /** RESPONSE DATA FORMAT (2h for SPC-2 and later). */
  responseDataFormat: number;
  sccs: boolean;
  acc: boolean;
  /** TPGS: target port group support (2 bits). */
  tpgs: number;
  /** 3PC: the logical unit contains a copy manager (EXTENDED COPY). */
  threePc: boolean;
  protect: boolean;
  encserv: boolean;
  multip: boolean;
  cmdque: boolean;
  /** T10 VENDOR IDENTIFICATION (8 ASCII bytes, trailing spaces removed). */
  t10VendorIdentification: string;
  /** PRODUCT IDENTIFICATION (16 ASCII bytes, trailing spaces removed). */
  productIdentification: string;
  /** PRODUCT REVISION LEVEL (4 ASCII bytes, trailing spaces removed). */
  productRevisionLevel: string;
  /** Bytes 36-55 (20 bytes), present when the data reaches byte 55. */
  vendorSpecific?: Buffer;
  /**
   * VERSION DESCRIPTOR 1-8 (bytes 58-73), present when at least the first one is complete; trailing
   * zero (unused) descriptors are dropped. Encoding writes the 96-byte form, so a value with version
   * descriptors should also carry vendorSpecific (else bytes 36-55 come back as 20 zero bytes).
   */
  versionDescriptors?: number[];
  /** Vendor specific parameters from byte 96 on: absent or non-empty (needs versionDescriptors). */
  vendorSpecificParameters?: Buffer;
}

// checkAscii lives with the other checked writers in ../bytes; re-exported for existing importers.
export { checkAscii };

function putField(buf: Buffer, value: string, off: number, n: number, name: string): void {
  putAscii(buf, checkAscii(value, n, name), off, n);
}

const STANDARD_MIN = 36;
const STANDARD_FULL = 96;

export function encodeStandardInquiry(v: StandardInquiryData): Buffer {
  let length = STANDARD_MIN;
  if (v.vendorSpecific !== undefined) length = 56;
  if (v.versionDescriptors !== undefined) length = STANDARD_FULL;
  if (v.vendorSpecificParameters !== undefined) {
    if (v.versionDescriptors === undefined)
      throw new RangeError('vendorSpecificParameters need versionDescriptors');
    length = STANDARD_FULL + v.vendorSpecificParameters.length;
  }
  // ADDITIONAL LENGTH (n-4, n = last byte offset) is one byte.
  if (length - 5 > 0xff) throw new RangeError(`standard INQUIRY data of ${length} bytes is too long`);
  const b = Buffer.alloc(length);
  b[0] =
    (checkUint(v.peripheralQualifier, 3, 'peripheralQualifier') << 5) |
    checkUint(v.peripheralDeviceType, 5, 'peripheralDeviceType');
  b[1] = flag(v.rmb, 7) | flag(v.luCong, 6);
  putU8(b, v.version, 2, 'version');
  b[3] = flag(v.normaca, 5) | flag(v.hisup, 4) | checkUint(v.responseDataFormat, 4, 'responseDataFormat');
  b[4] = length - 5;
  b[5] =
    flag(v.sccs, 7) |
    flag(v.acc, 6) |
    (checkUint(v.tpgs, 2, 'tpgs') << 4) |
    flag(v.threePc, 3) |
    flag(v.protect, 0);
  b[6] = flag(v.encserv, 6) | flag(v.multip, 4);
  b[7] = flag(v.cmdque, 1);
  putField(b, v.t10VendorIdentification, 8, 8, 't10VendorIdentification');
  putField(b, v.productIdentification, 16, 16, 'productIdentification');
  putField(b, v.productRevisionLevel, 32, 4, 'productRevisionLevel');
  if (v.vendorSpecific !== undefined) {
    if (v.vendorSpecific.length !== 20) throw new RangeError('vendorSpecific must be 20 bytes');
    v.vendorSpecific.copy(b, 36);
  }
  if (v.versionDescriptors !== undefined) {
    if (v.versionDescriptors.length > 8) throw new RangeError('at most 8 version descriptors');
    v.versionDescriptors.forEach((d, i) => putU16(b, d, 58 + 2 * i, 'versionDescriptor'));
  }
  v.vendorSpecificParameters?.copy(b, STANDARD_FULL);
  return b;
}

/** ADDITIONAL LENGTH + 5: how many bytes of standard INQUIRY data the device has (needs 5 bytes). */
export function standardInquiryLength(buf: Buffer): number {
  return new ByteReader(buf, 'data-in').u8(4, 'ADDITIONAL LENGTH') + 5;
}

export function decodeStandardInquiry(buf: Buffer): StandardInquiryData {
  const all = new ByteReader(buf, 'data-in');
  all.need(0, STANDARD_MIN, 'standard INQUIRY data');
  const additionalLength = all.u8(4);
  if (additionalLength + 5 < STANDARD_MIN) {
    throw invalidParamField(4, `ADDITIONAL LENGTH ${additionalLength} is below the 31 SPC-4 requires`);
  }
  // Bytes past ADDITIONAL LENGTH + 5 are not INQUIRY data (the initiator's buffer was larger).
  const r = all.sub(0, Math.min(buf.length, additionalLength + 5));
  const v: StandardInquiryData = {
    peripheralQualifier: r.bits(0, 5, 3),
    peripheralDeviceType: r.bits(0, 0, 5),
    rmb: r.bit(1, 7),
    luCong: r.bit(1, 6),
    version: r.u8(2),
    normaca: r.bit(3, 5),
    hisup: r.bit(3, 4),
    responseDataFormat: r.bits(3, 0, 4),
    sccs: r.bit(5, 7),
    acc: r.bit(5, 6),
    tpgs: r.bits(5, 4, 2),
    threePc: r.bit(5, 3),
    protect: r.bit(5, 0),
    encserv: r.bit(6, 6),
    multip: r.bit(6, 4),
    cmdque: r.bit(7, 1),
    t10VendorIdentification: r.ascii(8, 8),
    productIdentification: r.ascii(16, 16),
    productRevisionLevel: r.ascii(32, 4),
  };
  const n = r.length;
  if (n >= 56) v.vendorSpecific = r.slice(36, 20);
  if (n >= 60) {
    const descriptors: number[] = [];
    for (let off = 58; off + 2 <= Math.min(n, 74); off += 2) descriptors.push(r.u16(off));
    while (descriptors.length > 0 && descriptors[descriptors.length - 1] === 0) descriptors.pop();
    v.versionDescriptors = descriptors;
  }
  if (n > STANDARD_FULL) v.vendorSpecificParameters = r.slice(STANDARD_FULL, n - STANDARD_FULL);
  return v;
}

// ---- VPD page header (SPC-4 7.8.1), shared by the vpd-*.ts codecs ----

/** Bytes 0 of every VPD page. */
export interface VpdPageHeader {
  peripheralQualifier: number;
  peripheralDeviceType: number;
}

/** PAGE LENGTH + 4: the full size of a VPD page (needs the 4-byte header). */
export function vpdPageLength(buf: Buffer): number {
  return new ByteReader(buf, 'data-in').u16(2, 'PAGE LENGTH') + 4;
}

/**
 * Check the header of VPD page `pageCode` and return it with a reader over the page body (bytes
 * 4 .. PAGE LENGTH + 3, field pointers stay absolute). PAGE LENGTH is read as two bytes: pages that
 * define byte 2 as reserved have it zero.
 */
export function readVpdPage(buf: Buffer, pageCode: number): { header: VpdPageHeader; body: ByteReader } {
  const r = new ByteReader(buf, 'data-in');
  const code = r.u8(1, 'PAGE CODE');
  r.need(0, 4, 'VPD page header');
  if (code !== pageCode) {
    throw invalidParamField(
      1,
      `PAGE CODE ${code.toString(16)}h where ${pageCode.toString(16)}h was expected`,
    );
  }
  const body = r.sub(4, r.u16(2), 'VPD page (PAGE LENGTH)');
  return { header: { peripheralQualifier: r.bits(0, 5, 3), peripheralDeviceType: r.bits(0, 0, 5) }, body };
}

/** Build a VPD page from its header fields and body. */
export function writeVpdPage(h: VpdPageHeader, pageCode: number, body: Buffer): Buffer {
  const b = Buffer.alloc(4 + body.length);
  b[0] =
    (checkUint(h.peripheralQualifier, 3, 'peripheralQualifier') << 5) |
    checkUint(h.peripheralDeviceType, 5, 'peripheralDeviceType');
  b[1] = pageCode;
  putU16(b, body.length, 2, 'PAGE LENGTH');
  body.copy(b, 4);
  return b;
}
