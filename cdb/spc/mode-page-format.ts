// Mode page framing shared by every page codec: page_0 and sub_page formats (SPC-4 7.5) and the
// generic page that keeps the page bytes as they are.
import { ByteReader, checkUint, flag, putU16, putU8 } from '../bytes';
import { invalidParamField } from '../errors';

/** Header fields common to every mode page. */
export interface ModePageHeader {
  /** PS: parameters savable (MODE SENSE); reserved in MODE SELECT. */
  ps: boolean;
  /** SPF: sub_page format (4-byte header with SUBPAGE CODE and a 16-bit PAGE LENGTH). */
  spf: boolean;
  pageCode: number;
  /** SUBPAGE CODE; 0 for page_0 format pages. */
  subpageCode: number;
}

/** A page decoded only as far as its header: the page-specific bytes stay raw. */
export interface GenericModePage extends ModePageHeader {
  kind: 'generic';
  /** Bytes after the PAGE LENGTH field. */
  data: Buffer;
}

interface PageFrame extends ModePageHeader {
  /** 2 (page_0) or 4 (sub_page). */
  headerLength: number;
  pageLength: number;
}

/** Read the header of the page at `off`; the whole page must be present (else 05/1A/00). */
function readFrame(r: ByteReader, off: number): PageFrame {
  const b0 = r.u8(off, 'mode page header');
  const spf = (b0 & 0x40) !== 0;
  const headerLength = spf ? 4 : 2;
  const subpageCode = spf ? r.u8(off + 1, 'SUBPAGE CODE') : 0;
  const pageLength = spf ? r.u16(off + 2, 'PAGE LENGTH') : r.u8(off + 1, 'PAGE LENGTH');
  r.need(off, headerLength + pageLength, `mode page ${(b0 & 0x3f).toString(16)}h`);
  return { ps: (b0 & 0x80) !== 0, spf, pageCode: b0 & 0x3f, subpageCode, headerLength, pageLength };
}

/** Total size in bytes (header + PAGE LENGTH) of the page at `off`. */
export function modePageSize(r: ByteReader, off: number): number {
  const f = readFrame(r, off);
  return f.headerLength + f.pageLength;
}

/** Peek at the header of the page at `off`. */
export function peekModePageHeader(r: ByteReader, off: number): ModePageHeader & { pageLength: number } {
  const f = readFrame(r, off);
  return { ps: f.ps, spf: f.spf, pageCode: f.pageCode, subpageCode: f.subpageCode, pageLength: f.pageLength };
}

/** Build a page from its header fields and page-specific bytes. */
export function frameModePage(h: ModePageHeader, data: Buffer): Buffer {
  const b0 = flag(h.ps, 7) | flag(h.spf, 6) | checkUint(h.pageCode, 6, 'pageCode');
  if (h.spf) {
    const b = Buffer.alloc(4 + data.length);
    b[0] = b0;
    putU8(b, h.subpageCode, 1, 'subpageCode');
    putU16(b, data.length, 2, 'mode page length');
    data.copy(b, 4);
    return b;
  }
  if (h.subpageCode !== 0) throw new RangeError('subpageCode must be 0 for a page_0 format page (spf false)');
  const b = Buffer.alloc(2 + data.length);
  b[0] = b0;
  putU8(b, data.length, 1, 'mode page length');
  data.copy(b, 2);
  return b;
}

export function encodeGenericModePage(p: GenericModePage): Buffer {
  return frameModePage(p, p.data);
}

/** Read a generic page at `off` of `r`. */
export function readGenericModePage(r: ByteReader, off: number): GenericModePage {
  const f = readFrame(r, off);
  return {
    kind: 'generic',
    ps: f.ps,
    spf: f.spf,
    pageCode: f.pageCode,
    subpageCode: f.subpageCode,
    data: r.slice(off + f.headerLength, f.pageLength),
  };
}

/** Decode one page in generic form; extra bytes after the page are ignored. */
export function decodeGenericModePage(buf: Buffer): GenericModePage {
  return readGenericModePage(new ByteReader(buf, 'param'), 0);
}

/**
 * Open a fixed-layout page_0 format page at `off`: checks PAGE CODE, SPF = 0 and the PAGE LENGTH
 * the standard gives (05/26/00 at the offending byte otherwise, SPC-4 6.11: a MODE SELECT page
 * whose length differs from what MODE SENSE returns is an invalid field). Returns a reader over
 * the page (absolute field pointers kept) and the PS bit.
 */
export function openFixedModePage(
  r: ByteReader,
  off: number,
  pageCode: number,
  pageLength: number,
  name: string,
): { page: ByteReader; ps: boolean } {
  const b0 = r.u8(off, `${name} page header`);
  if ((b0 & 0x3f) !== pageCode)
    throw invalidParamField(r.base + off, `${name}: PAGE CODE is not ${pageCode}`, 5);
  if ((b0 & 0x40) !== 0) throw invalidParamField(r.base + off, `${name}: SPF must be 0`, 6);
  const len = r.u8(off + 1, `${name} PAGE LENGTH`);
  if (len !== pageLength) {
    throw invalidParamField(r.base + off + 1, `${name}: PAGE LENGTH ${len}, expected ${pageLength}`);
  }
  return { page: r.sub(off, 2 + pageLength, name), ps: (b0 & 0x80) !== 0 };
}

/** A zeroed page_0 format page with its header filled in. */
export function newFixedModePage(pageCode: number, pageLength: number, ps: boolean): Buffer {
  const b = Buffer.alloc(2 + pageLength);
  b[0] = flag(ps, 7) | pageCode;
  b[1] = pageLength;
  return b;
}
