// Supported VPD Pages VPD page, 00h (SPC-4 7.8.14).
import { checkUint } from '../bytes';
import { readVpdPage, writeVpdPage, type VpdPageHeader } from './inquiry';

export const VPD_SUPPORTED_PAGES = 0x00;

export interface SupportedVpdPagesPage extends VpdPageHeader {
  /** Supported VPD page list, one PAGE CODE per byte (SPC-4: ascending, starting with 00h). */
  supportedPages: number[];
}

export function encodeSupportedVpdPages(v: SupportedVpdPagesPage): Buffer {
  const body = Buffer.from(v.supportedPages.map((p) => checkUint(p, 8, 'supportedPages[]')));
  return writeVpdPage(v, VPD_SUPPORTED_PAGES, body);
}

/** The order is not checked: some devices list their pages unsorted and initiators cope. */
export function decodeSupportedVpdPages(buf: Buffer): SupportedVpdPagesPage {
  const { header, body } = readVpdPage(buf, VPD_SUPPORTED_PAGES);
  return { ...header, supportedPages: [...body.buf] };
}
