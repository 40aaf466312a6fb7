// READ ELEMENT STATUS data (SMC-3 clause "Element status data" and the element descriptor
// clauses that follow it).
//
// Element status header (8 bytes):
//   0-1 FIRST ELEMENT ADDRESS REPORTED, 2-3 NUMBER OF ELEMENTS AVAILABLE, 4 reserved,
//   5-7 BYTE COUNT OF REPORT AVAILABLE (all element status pages, header excluded)
// Element status page header (8 bytes), one page per element type:
//   0 ELEMENT TYPE CODE (3-0), 1 PVOLTAG (7) AVOLTAG (6), 2-3 ELEMENT DESCRIPTOR LENGTH,
//   4 reserved, 5-7 BYTE COUNT OF DESCRIPTOR DATA AVAILABLE (this page, header excluded)
// Element descriptor (ELEMENT DESCRIPTOR LENGTH bytes, same layout for all four types):
//   0-1   ELEMENT ADDRESS
//   2     OIR (7) CMC (6) INENAB (5) EXENAB (4) ACCESS (3) EXCEPT (2) IMPEXP (1) FULL (0)
//         (medium transport: EXCEPT/FULL only; storage and data transfer: ACCESS/EXCEPT/FULL)
//   4     ADDITIONAL SENSE CODE, 5 ADDITIONAL SENSE CODE QUALIFIER
//   6-8   reserved (SCSI-2 bus address fields of data transfer elements, obsolete)
//   9     SVALID (7) INVERT (6) ED (3) MEDIUM TYPE (2-0)
//   10-11 SOURCE STORAGE ELEMENT ADDRESS
//   12..  PRIMARY VOLUME TAG INFORMATION (36 bytes, if PVOLTAG)
//         ALTERNATE VOLUME TAG INFORMATION (36 bytes, if AVOLTAG)
//         device identifier (if room): PROTOCOL IDENTIFIER (7-4)/CODE SET (3-0),
//         PIV (7)/ASSOCIATION (5-4)/IDENTIFIER TYPE (3-0), reserved, IDENTIFIER LENGTH, IDENTIFIER
//         vendor specific bytes up to ELEMENT DESCRIPTOR LENGTH
// Volume tag information (36 bytes): 0-31 VOLUME IDENTIFIER (ASCII, space padded), 32-33 reserved,
// 34-35 VOLUME SEQUENCE NUMBER.
//
// The byte counts report what the device server has, not what the ALLOCATION LENGTH let through
// ("shall not be adjusted to match the allocation length"), so they are kept as fields and the
// decoder accepts data truncated at any point after the 8-byte header.
import { ByteReader, checkUint, putU16, putU24, putU8 } from '../bytes';
import { invalidParamField } from '../errors';
import { ELEMENT_TYPE } from './read-element-status';

export const ELEMENT_STATUS_HEADER_LENGTH = 8;
export const ELEMENT_STATUS_PAGE_HEADER_LENGTH = 8;
export const ELEMENT_DESCRIPTOR_FIXED_LENGTH = 12;
export const VOLUME_TAG_LENGTH = 36;
export const VOLUME_IDENTIFIER_LENGTH = 32;
export const DEVICE_IDENTIFIER_HEADER_LENGTH = 4;

export interface VolumeTag {
  /** VOLUME IDENTIFIER without its space padding (e.g. a barcode "A00001L8"). */
  volumeIdentifier: string;
  volumeSequenceNumber: number;
}

/**
 * Device identifier of an element (returned when DVCID is set). SMC-3 lays it out like an SPC-4
 * designation descriptor header; media changers mostly send CODE SET 2h (ASCII) and IDENTIFIER TYPE
 * 0h (vendor specific) with the drive serial number.
 */
export interface ElementDeviceIdentifier {
  protocolIdentifier: number;
  codeSet: number;
  piv: boolean;
  association: number;
  identifierType: number;
  identifier: Buffer;
}

export interface ElementDescriptor {
  elementAddress: number;
  /** Operator intervention required (import/export only). */
  oir: boolean;
  /** Connected to a media changer (import/export only). */
  cmc: boolean;
  /** Import enabled (import/export only). */
  inEnab: boolean;
  /** Export enabled (import/export only). */
  exEnab: boolean;
  /** Medium transport can reach the element (not on medium transport elements). */
  access: boolean;
  except: boolean;
  /** Placed by an operator rather than the changer (import/export only). */
  impExp: boolean;
  full: boolean;
  additionalSenseCode: number;
  additionalSenseCodeQualifier: number;
  svalid: boolean;
  invert: boolean;
  /** Element disabled. */
  ed: boolean;
  mediumType: number;
  sourceStorageElementAddress: number;
  /** Present exactly when the page has PVOLTAG set. */
  primaryVolumeTag?: VolumeTag;
  /** Present exactly when the page has AVOLTAG set. */
  alternateVolumeTag?: VolumeTag;
  /** Present when the descriptor has room for the 4-byte identifier header. */
  deviceIdentifier?: ElementDeviceIdentifier;
  /** Bytes after the identifier up to ELEMENT DESCRIPTOR LENGTH (vendor specific or padding). */
  vendorSpecific: Buffer;
}

export interface ElementStatusPage {
  elementTypeCode: number;
  pvoltag: boolean;
  avoltag: boolean;
  elementDescriptorLength: number;
  byteCountOfDescriptorDataAvailable: number;
  /** Descriptors present in the data; fewer than available when the transfer was truncated. */
  descriptors: ElementDescriptor[];
}

export interface ElementStatusData {
  firstElementAddressReported: number;
  numberOfElementsAvailable: number;
  byteCountOfReportAvailable: number;
  pages: ElementStatusPage[];
}

/** Byte-2 flags each element type defines (SMC-3); the rest of byte 2 is reserved for that type. */
const TYPE_FLAGS: Record<number, number> = {
  [ELEMENT_TYPE.mediumTransport]: 0x05,
  [ELEMENT_TYPE.storage]: 0x0d,
  [ELEMENT_TYPE.importExport]: 0xff,
  [ELEMENT_TYPE.dataTransfer]: 0x0d,
};

function isElementType(code: number): boolean {
  return code >= ELEMENT_TYPE.mediumTransport && code <= ELEMENT_TYPE.dataTransfer;
}

/** Smallest ELEMENT DESCRIPTOR LENGTH that holds the fixed part and the volume tags of a page. */
export function minimumElementDescriptorLength(pvoltag: boolean, avoltag: boolean): number {
  return (
    ELEMENT_DESCRIPTOR_FIXED_LENGTH + (pvoltag ? VOLUME_TAG_LENGTH : 0) + (avoltag ? VOLUME_TAG_LENGTH : 0)
  );
}

// --- encoding ---------------------------------------------------------------------------------

function putVolumeTag(b: Buffer, off: number, t: VolumeTag, name: string): void {
  const id = t.volumeIdentifier;
  if (id.length > VOLUME_IDENTIFIER_LENGTH)
    throw new RangeError(`${name}.volumeIdentifier is longer than 32 bytes`);
  if (!/^([\x20-\x7e]*[\x21-\x7e])?$/.test(id)) {
    throw new RangeError(`${name}.volumeIdentifier "${id}" must be printable ASCII without trailing spaces`);
  }
  b.fill(0x20, off, off + VOLUME_IDENTIFIER_LENGTH);
  b.write(id, off, 'latin1');
  putU16(b, t.volumeSequenceNumber, off + 34, `${name}.volumeSequenceNumber`);
}

/** Encode one element descriptor for a page of the given type and volume tag flags. */
export function encodeElementDescriptor(
  d: ElementDescriptor,
  elementTypeCode: number,
  pvoltag: boolean,
  avoltag: boolean,
): Buffer {
  if (!isElementType(elementTypeCode))
    throw new RangeError(`element type code ${elementTypeCode} is not 1-4`);
  if (pvoltag !== (d.primaryVolumeTag !== undefined)) {
    throw new RangeError(
      `element ${d.elementAddress}: primaryVolumeTag must be present exactly when PVOLTAG is set`,
    );
  }
  if (avoltag !== (d.alternateVolumeTag !== undefined)) {
    throw new RangeError(
      `element ${d.elementAddress}: alternateVolumeTag must be present exactly when AVOLTAG is set`,
    );
  }
  const flags =
    (d.oir ? 0x80 : 0) |
    (d.cmc ? 0x40 : 0) |
    (d.inEnab ? 0x20 : 0) |
    (d.exEnab ? 0x10 : 0) |
    (d.access ? 0x08 : 0) |
    (d.except ? 0x04 : 0) |
    (d.impExp ? 0x02 : 0) |
    (d.full ? 0x01 : 0);
  if ((flags & ~TYPE_FLAGS[elementTypeCode]) !== 0) {
    throw new RangeError(
      `element ${d.elementAddress}: a status flag is set that element type ${elementTypeCode} does not define`,
    );
  }
  const id = d.deviceIdentifier;
  if (id === undefined && d.vendorSpecific.length >= DEVICE_IDENTIFIER_HEADER_LENGTH) {
    // A decoder reads any 4 bytes after the volume tags as the identifier header.
    throw new RangeError(
      `element ${d.elementAddress}: 4 or more vendor specific bytes need a deviceIdentifier`,
    );
  }
  const base = minimumElementDescriptorLength(pvoltag, avoltag);
  const idLength = id === undefined ? 0 : DEVICE_IDENTIFIER_HEADER_LENGTH + id.identifier.length;
  const b = Buffer.alloc(base + idLength + d.vendorSpecific.length);
  putU16(b, d.elementAddress, 0, 'elementAddress');
  b[2] = flags;
  putU8(b, d.additionalSenseCode, 4, 'additionalSenseCode');
  putU8(b, d.additionalSenseCodeQualifier, 5, 'additionalSenseCodeQualifier');
  b[9] =
    (d.svalid ? 0x80 : 0) |
    (d.invert ? 0x40 : 0) |
    (d.ed ? 0x08 : 0) |
    checkUint(d.mediumType, 3, 'mediumType');
  putU16(b, d.sourceStorageElementAddress, 10, 'sourceStorageElementAddress');
  let off = ELEMENT_DESCRIPTOR_FIXED_LENGTH;
  if (d.primaryVolumeTag !== undefined) {
    putVolumeTag(b, off, d.primaryVolumeTag, 'primaryVolumeTag');
    off += VOLUME_TAG_LENGTH;
  }
  if (d.alternateVolumeTag !== undefined) {
    putVolumeTag(b, off, d.alternateVolumeTag, 'alternateVolumeTag');
    off += VOLUME_TAG_LENGTH;
  }
  if (id !== undefined) {
    b[off] =
      (checkUint(id.protocolIdentifier, 4, 'protocolIdentifier') << 4) | checkUint(id.codeSet, 4, 'codeSet');
    b[off + 1] =
      (id.piv ? 0x80 : 0) |
      (checkUint(id.association, 2, 'association') << 4) |
      checkUint(id.identifierType, 4, 'identifierType');
    putU8(b, id.identifier.length, off + 3, 'identifier length');
    id.identifier.copy(b, off + DEVICE_IDENTIFIER_HEADER_LENGTH);
    off += idLength;
  }
  d.vendorSpecific.copy(b, off);
  return b;
}

/**
 * Encode element status data. Every descriptor of a page must encode to exactly its
 * ELEMENT DESCRIPTOR LENGTH; only the last page may hold fewer descriptors than its byte count
 * announces (a truncated report), and the pages must fit BYTE COUNT OF REPORT AVAILABLE.
 */
export function encodeElementStatusData(v: ElementStatusData): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(ELEMENT_STATUS_HEADER_LENGTH);
  putU16(header, v.firstElementAddressReported, 0, 'firstElementAddressReported');
  putU16(header, v.numberOfElementsAvailable, 2, 'numberOfElementsAvailable');
  putU24(header, v.byteCountOfReportAvailable, 5, 'byteCountOfReportAvailable');
  parts.push(header);
  let announced = 0;
  v.pages.forEach((p, i) => {
    const name = `pages[${i}]`;
    if (!isElementType(p.elementTypeCode))
      throw new RangeError(`${name}.elementTypeCode ${p.elementTypeCode} is not 1-4`);
    const edl = checkUint(p.elementDescriptorLength, 16, `${name}.elementDescriptorLength`);
    if (edl < minimumElementDescriptorLength(p.pvoltag, p.avoltag)) {
      throw new RangeError(`${name}.elementDescriptorLength ${edl} is too small for its volume tags`);
    }
    const bcd = checkUint(
      p.byteCountOfDescriptorDataAvailable,
      24,
      `${name}.byteCountOfDescriptorDataAvailable`,
    );
    if (bcd % edl !== 0) throw new RangeError(`${name}: byte count ${bcd} is not a multiple of ${edl}`);
    const present = p.descriptors.length * edl;
    if (present > bcd)
      throw new RangeError(`${name}: ${p.descriptors.length} descriptors exceed the byte count ${bcd}`);
    if (present < bcd && i !== v.pages.length - 1)
      throw new RangeError(`${name}: only the last page may be truncated`);
    announced += ELEMENT_STATUS_PAGE_HEADER_LENGTH + bcd;
    const ph = Buffer.alloc(ELEMENT_STATUS_PAGE_HEADER_LENGTH);
    ph[0] = p.elementTypeCode;
    ph[1] = (p.pvoltag ? 0x80 : 0) | (p.avoltag ? 0x40 : 0);
    ph.writeUInt16BE(edl, 2);
    ph.writeUIntBE(bcd, 5, 3);
    parts.push(ph);
    p.descriptors.forEach((d, j) => {
      const db = encodeElementDescriptor(d, p.elementTypeCode, p.pvoltag, p.avoltag);
      if (db.length !== edl) {
        throw new RangeError(`${name}.descriptors[${j}] encodes to ${db.length} bytes, not ${edl}`);
      }
      parts.push(db);
    });
  });
  if (announced > v.byteCountOfReportAvailable) {
    throw new RangeError(`pages announce ${announced} bytes, more than byteCountOfReportAvailable`);
  }
  return Buffer.concat(parts);
}

/** Input for `buildElementStatusData`: a page without its length fields. */
export interface ElementStatusPageInput {
  elementTypeCode: number;
  pvoltag: boolean;
  avoltag: boolean;
  descriptors: ElementDescriptor[];
}

/**
 * Complete element status data for the given pages, filling in every count the way a device
 * server would: descriptor length from the (equal-sized) descriptors, byte counts, the number of
 * elements and the lowest element address reported (0 when there is none).
 */
export function buildElementStatusData(pages: ElementStatusPageInput[]): ElementStatusData {
  let byteCount = 0;
  let elements = 0;
  let first: number | undefined;
  const out = pages.map((p, i): ElementStatusPage => {
    const sizes = new Set(
      p.descriptors.map((d) => encodeElementDescriptor(d, p.elementTypeCode, p.pvoltag, p.avoltag).length),
    );
    if (sizes.size > 1)
      throw new RangeError(`pages[${i}]: descriptors differ in length (${[...sizes].join(', ')})`);
    const edl = sizes.size === 1 ? [...sizes][0] : minimumElementDescriptorLength(p.pvoltag, p.avoltag);
    const bcd = edl * p.descriptors.length;
    byteCount += ELEMENT_STATUS_PAGE_HEADER_LENGTH + bcd;
    elements += p.descriptors.length;
    for (const d of p.descriptors)
      first = first === undefined ? d.elementAddress : Math.min(first, d.elementAddress);
    return { ...p, elementDescriptorLength: edl, byteCountOfDescriptorDataAvailable: bcd };
  });
  return {
    firstElementAddressReported: first ?? 0,
    numberOfElementsAvailable: elements,
    byteCountOfReportAvailable: byteCount,
    pages: out,
  };
}

// --- decoding ---------------------------------------------------------------------------------

function readVolumeTag(r: ByteReader, off: number): VolumeTag {
  return { volumeIdentifier: r.ascii(off, VOLUME_IDENTIFIER_LENGTH), volumeSequenceNumber: r.u16(off + 34) };
}

/** Decode one element descriptor; `r` spans exactly ELEMENT DESCRIPTOR LENGTH bytes. */
function readElementDescriptor(
  r: ByteReader,
  elementTypeCode: number,
  pvoltag: boolean,
  avoltag: boolean,
): ElementDescriptor {
  const flags = r.u8(2) & TYPE_FLAGS[elementTypeCode];
  const d: ElementDescriptor = {
    elementAddress: r.u16(0),
    oir: (flags & 0x80) !== 0,
    cmc: (flags & 0x40) !== 0,
    inEnab: (flags & 0x20) !== 0,
    exEnab: (flags & 0x10) !== 0,
    access: (flags & 0x08) !== 0,
    except: (flags & 0x04) !== 0,
    impExp: (flags & 0x02) !== 0,
    full: (flags & 0x01) !== 0,
    additionalSenseCode: r.u8(4),
    additionalSenseCodeQualifier: r.u8(5),
    svalid: r.bit(9, 7),
    invert: r.bit(9, 6),
    ed: r.bit(9, 3),
    mediumType: r.bits(9, 0, 3),
    sourceStorageElementAddress: r.u16(10),
    vendorSpecific: Buffer.alloc(0),
  };
  let off = ELEMENT_DESCRIPTOR_FIXED_LENGTH;
  if (pvoltag) {
    d.primaryVolumeTag = readVolumeTag(r, off);
    off += VOLUME_TAG_LENGTH;
  }
  if (avoltag) {
    d.alternateVolumeTag = readVolumeTag(r, off);
    off += VOLUME_TAG_LENGTH;
  }
  if (r.length - off >= DEVICE_IDENTIFIER_HEADER_LENGTH) {
    const n = r.u8(off + 3);
    if (off + DEVICE_IDENTIFIER_HEADER_LENGTH + n > r.length) {
      throw invalidParamField(
        r.base + off + 3,
        `IDENTIFIER LENGTH ${n} runs past ELEMENT DESCRIPTOR LENGTH ${r.length}`,
      );
    }
    d.deviceIdentifier = {
      protocolIdentifier: r.bits(off, 4, 4),
      codeSet: r.bits(off, 0, 4),
      piv: r.bit(off + 1, 7),
      association: r.bits(off + 1, 4, 2),
      identifierType: r.bits(off + 1, 0, 4),
      identifier: r.slice(off + DEVICE_IDENTIFIER_HEADER_LENGTH, n),
    };
    off += DEVICE_IDENTIFIER_HEADER_LENGTH + n;
  }
  d.vendorSpecific = r.slice(off, r.length - off);
  return d;
}

/**
 * Decode READ ELEMENT STATUS data as received. Errors (C/D = 0, field pointer into the data):
 * fewer than 8 bytes -> 05/1A/00; ELEMENT TYPE CODE not 1-4 -> 05/26/00 at the page's byte 0;
 * ELEMENT DESCRIPTOR LENGTH too small for the volume tags -> page byte 2; BYTE COUNT OF DESCRIPTOR
 * DATA AVAILABLE not a multiple of the descriptor length or running past BYTE COUNT OF REPORT
 * AVAILABLE -> page byte 5; complete data whose pages leave bytes over -> header byte 5;
 * IDENTIFIER LENGTH past the descriptor -> that byte.
 */
export function decodeElementStatusData(buf: Buffer): ElementStatusData {
  const r = new ByteReader(buf, 'data-in');
  r.need(0, ELEMENT_STATUS_HEADER_LENGTH, 'element status header');
  const byteCountOfReportAvailable = r.u24(5);
  const reportEnd = ELEMENT_STATUS_HEADER_LENGTH + byteCountOfReportAvailable;
  const complete = buf.length >= reportEnd;
  const end = Math.min(buf.length, reportEnd);
  const pages: ElementStatusPage[] = [];
  let off = ELEMENT_STATUS_HEADER_LENGTH;
  while (off + ELEMENT_STATUS_PAGE_HEADER_LENGTH <= end) {
    const elementTypeCode = r.bits(off, 0, 4);
    if (!isElementType(elementTypeCode)) {
      throw invalidParamField(off, `ELEMENT TYPE CODE ${elementTypeCode} in an element status page`, 3);
    }
    const pvoltag = r.bit(off + 1, 7);
    const avoltag = r.bit(off + 1, 6);
    const edl = r.u16(off + 2);
    if (edl < minimumElementDescriptorLength(pvoltag, avoltag)) {
      throw invalidParamField(off + 2, `ELEMENT DESCRIPTOR LENGTH ${edl} cannot hold the element descriptor`);
    }
    const bcd = r.u24(off + 5);
    if (bcd % edl !== 0) {
      throw invalidParamField(
        off + 5,
        `BYTE COUNT OF DESCRIPTOR DATA AVAILABLE ${bcd} is not a multiple of ${edl}`,
      );
    }
    const pageEnd = off + ELEMENT_STATUS_PAGE_HEADER_LENGTH + bcd;
    if (pageEnd > reportEnd) {
      throw invalidParamField(off + 5, `element status page runs past BYTE COUNT OF REPORT AVAILABLE`);
    }
    const presentEnd = Math.min(end, pageEnd);
    const count = Math.floor((presentEnd - off - ELEMENT_STATUS_PAGE_HEADER_LENGTH) / edl);
    const descriptors: ElementDescriptor[] = [];
    for (let i = 0; i < count; i++) {
      const sub = r.sub(off + ELEMENT_STATUS_PAGE_HEADER_LENGTH + i * edl, edl);
      descriptors.push(readElementDescriptor(sub, elementTypeCode, pvoltag, avoltag));
    }
    pages.push({
      elementTypeCode,
      pvoltag,
      avoltag,
      elementDescriptorLength: edl,
      byteCountOfDescriptorDataAvailable: bcd,
      descriptors,
    });
    if (presentEnd < pageEnd) break; // truncated by the allocation length
    off = pageEnd;
  }
  // Complete data ends the loop within 7 bytes of the report end: those bytes cannot be a page.
  if (complete && off < reportEnd) {
    throw invalidParamField(
      5,
      `BYTE COUNT OF REPORT AVAILABLE ${byteCountOfReportAvailable} leaves a partial page`,
    );
  }
  return {
    firstElementAddressReported: r.u16(0),
    numberOfElementsAvailable: r.u16(2),
    byteCountOfReportAvailable,
    pages,
  };
}
