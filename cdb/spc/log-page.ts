// Log pages (SPC-4 7.3.2): the generic page / parameter structure, and the Supported Log Pages
// (00h/00h) and Supported Log Pages and Subpages (00h/FFh) pages (SPC-4 7.3.18 / 7.3.19).
import type { DecoderTable } from '../command';
import { bitsField, ByteReader, checkUint, flag, putU16, putU8 } from '../bytes';
import { invalidParamField } from '../errors';

export interface LogParameter {
  parameterCode: number;
  /** DU: disable update. */
  du: boolean;
  /** TSD: target save disable. */
  tsd: boolean;
  /** ETC: enable threshold comparison. */
  etc: boolean;
  /** TMC: threshold met criteria (2 bits). */
  tmc: number;
  /** FORMAT AND LINKING (2 bits): 00b bounded counter, 01b ASCII list, 10b unbounded counter, 11b binary list. */
  formatAndLinking: number;
  value: Buffer;
}

export interface LogPage {
  /** DS: disable save. */
  ds: boolean;
  /** SPF: subpage format. */
  spf: boolean;
  pageCode: number;
  subpageCode: number;
  parameters: LogParameter[];
}

export function encodeLogParameter(p: LogParameter): Buffer {
  const b = Buffer.alloc(4 + p.value.length);
  putU16(b, p.parameterCode, 0, 'parameterCode');
  b[2] =
    flag(p.du, 7) |
    flag(p.tsd, 5) |
    flag(p.etc, 4) |
    bitsField(p.tmc, 2, 2, 'tmc') |
    bitsField(p.formatAndLinking, 2, 0, 'formatAndLinking');
  putU8(b, p.value.length, 3, 'parameter length');
  p.value.copy(b, 4);
  return b;
}

function pageHeader(
  ds: boolean,
  spf: boolean,
  pageCode: number,
  subpageCode: number,
  length: number,
): Buffer {
  const b = Buffer.alloc(4);
  b[0] = flag(ds, 7) | flag(spf, 6) | checkUint(pageCode, 6, 'pageCode');
  putU8(b, subpageCode, 1, 'subpageCode');
  putU16(b, length, 2, 'page length');
  return b;
}

export function encodeLogPage(p: LogPage): Buffer {
  const body = Buffer.concat(p.parameters.map(encodeLogParameter));
  return Buffer.concat([pageHeader(p.ds, p.spf, p.pageCode, p.subpageCode, body.length), body]);
}

/** Reader over the PAGE LENGTH bytes after the 4-byte header (05/1A/00 when they are missing). */
function openPage(buf: Buffer, name: string): { r: ByteReader; head: ByteReader; length: number } {
  const head = new ByteReader(buf, 'data-in');
  head.need(0, 4, `${name} header`);
  const length = head.u16(2);
  return { r: head.sub(4, length, `${name} (PAGE LENGTH ${length})`), head, length };
}

export function decodeLogPage(buf: Buffer): LogPage {
  const { r, head, length } = openPage(buf, 'log page');
  const parameters: LogParameter[] = [];
  for (let off = 0; off < length;) {
    if (length - off < 4)
      throw invalidParamField(2, `PAGE LENGTH leaves a ${length - off}-byte partial parameter`);
    const parameterLength = r.u8(off + 3);
    if (off + 4 + parameterLength > length) {
      throw invalidParamField(r.base + off + 3, `PARAMETER LENGTH ${parameterLength} overruns the page`);
    }
    parameters.push({
      parameterCode: r.u16(off),
      du: r.bit(off + 2, 7),
      tsd: r.bit(off + 2, 5),
      etc: r.bit(off + 2, 4),
      tmc: r.bits(off + 2, 2, 2),
      formatAndLinking: r.bits(off + 2, 0, 2),
      value: r.slice(off + 4, parameterLength),
    });
    off += 4 + parameterLength;
  }
  return {
    ds: head.bit(0, 7),
    spf: head.bit(0, 6),
    pageCode: head.bits(0, 0, 6),
    subpageCode: head.u8(1),
    parameters,
  };
}

export function findLogParameter(page: LogPage, parameterCode: number): LogParameter | undefined {
  return page.parameters.find((p) => p.parameterCode === parameterCode);
}

/** A counter parameter's value as an unsigned big-endian number (values of 0 to 8 bytes). */
export function logParameterCounter(p: LogParameter): bigint {
  if (p.value.length > 8)
    throw new RangeError(`parameter ${p.parameterCode} value is ${p.value.length} bytes`);
  return p.value.length === 0 ? 0n : BigInt(`0x${p.value.toString('hex')}`);
}

// --- supported pages ---------------------------------------------------------------------------

export const SUPPORTED_LOG_PAGES_PAGE_CODE = 0x00;
export const SUPPORTED_SUBPAGES_SUBPAGE_CODE = 0xff;

/** Supported Log Pages (page 00h, subpage 00h): one page code per byte. */
export interface SupportedLogPages {
  pageCodes: number[];
}

/** Supported Log Pages and Subpages (page 00h, subpage FFh): (page code, subpage code) pairs. */
export interface SupportedLogSubpages {
  pages: { pageCode: number; subpageCode: number }[];
}

export function encodeSupportedLogPages(v: SupportedLogPages): Buffer {
  const body = Buffer.from(v.pageCodes.map((c) => checkUint(c, 6, 'pageCode')));
  return Buffer.concat([pageHeader(false, false, 0, 0, body.length), body]);
}

export function decodeSupportedLogPages(buf: Buffer): SupportedLogPages {
  const { r, head, length } = openPage(buf, 'Supported Log Pages page');
  if (head.bits(0, 0, 6) !== 0 || head.bit(0, 6))
    throw invalidParamField(0, 'not the Supported Log Pages page', 6);
  if (head.u8(1) !== 0) throw invalidParamField(1, 'Supported Log Pages page has SUBPAGE CODE 00h');
  const pageCodes: number[] = [];
  for (let off = 0; off < length; off++) pageCodes.push(r.bits(off, 0, 6));
  return { pageCodes };
}

export function encodeSupportedLogSubpages(v: SupportedLogSubpages): Buffer {
  const body = Buffer.alloc(2 * v.pages.length);
  v.pages.forEach((p, i) => {
    body[2 * i] = checkUint(p.pageCode, 6, 'pageCode');
    putU8(body, p.subpageCode, 2 * i + 1, 'subpageCode');
  });
  return Buffer.concat([pageHeader(false, true, 0, SUPPORTED_SUBPAGES_SUBPAGE_CODE, body.length), body]);
}

export function decodeSupportedLogSubpages(buf: Buffer): SupportedLogSubpages {
  const { r, head, length } = openPage(buf, 'Supported Log Pages and Subpages page');
  if (head.bits(0, 0, 6) !== 0 || !head.bit(0, 6)) {
    throw invalidParamField(0, 'not the Supported Log Pages and Subpages page', 6);
  }
  if (head.u8(1) !== SUPPORTED_SUBPAGES_SUBPAGE_CODE) throw invalidParamField(1, 'SUBPAGE CODE must be FFh');
  if (length % 2 !== 0) throw invalidParamField(2, `PAGE LENGTH ${length} is odd`);
  const pages: { pageCode: number; subpageCode: number }[] = [];
  for (let off = 0; off < length; off += 2)
    pages.push({ pageCode: r.bits(off, 0, 6), subpageCode: r.u8(off + 1) });
  return { pages };
}

export const LOG_PAGE_DECODERS: DecoderTable = {
  'spc.logPage': decodeLogPage,
  'spc.logPage.supportedPages': decodeSupportedLogPages,
  'spc.logPage.supportedSubpages': decodeSupportedLogSubpages,
};
