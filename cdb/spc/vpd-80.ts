// Unit Serial Number VPD page, 80h (SPC-4 7.8.15).
import { checkAscii } from '../bytes';
import { readVpdPage, writeVpdPage, type VpdPageHeader } from './inquiry';

export const VPD_UNIT_SERIAL_NUMBER = 0x80;

export interface UnitSerialNumberPage extends VpdPageHeader {
  /**
   * PRODUCT SERIAL NUMBER: right-aligned ASCII. Decoding removes the leading and trailing spaces (and
   * NULs some devices pad with); encoding writes the string as is, so it must not start or end with
   * a space to round-trip.
   */
  productSerialNumber: string;
}

export function encodeUnitSerialNumber(v: UnitSerialNumberPage): Buffer {
  const serial = checkAscii(v.productSerialNumber, 0xffff, 'productSerialNumber');
  return writeVpdPage(v, VPD_UNIT_SERIAL_NUMBER, Buffer.from(serial, 'latin1'));
}

export function decodeUnitSerialNumber(buf: Buffer): UnitSerialNumberPage {
  const { header, body } = readVpdPage(buf, VPD_UNIT_SERIAL_NUMBER);
  const productSerialNumber = body.buf.toString('latin1').replace(/^[ \0]+|[ \0]+$/g, '');
  return { ...header, productSerialNumber };
}
