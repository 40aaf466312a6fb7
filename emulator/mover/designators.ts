// Designation descriptors of a Device Identification VPD page (83h, SPC-4 7.8.6) in the raw form an
// E4h CSCD descriptor compares against: code set, association, designator type and the designator
// bytes. Parsing is lenient (a truncated trailing descriptor is dropped) because the page comes from
// a backend LU, not from the initiator.
import type { CscdIdentification } from './resolver';

export interface RawDesignator {
  codeSet: number;
  association: number;
  designatorType: number;
  designator: Buffer;
}

/** SPC-4 7.8.6.1 ASSOCIATION 00b: the designator names the logical unit. */
export const ASSOCIATION_LOGICAL_UNIT = 0;

/** Designator types an E4h descriptor may use to name an LU (SPC-4 6.4.5.6). */
export const CSCD_DESIGNATOR_TYPES: readonly number[] = [
  0x1, // T10 vendor ID based
  0x2, // EUI-64 based
  0x3, // NAA
  0x8, // SCSI name string
];

/** The designation descriptors of a VPD page 83h (4-byte page header included). */
export function parseDeviceIdentification(page: Buffer): RawDesignator[] {
  if (page.length < 4 || page[1] !== 0x83) return [];
  const end = Math.min(page.length, 4 + page.readUInt16BE(2));
  const out: RawDesignator[] = [];
  for (let off = 4; off + 4 <= end;) {
    const length = page[off + 3];
    if (off + 4 + length > end) break;
    out.push({
      codeSet: page[off] & 0x0f,
      association: (page[off + 1] >> 4) & 0x03,
      designatorType: page[off + 1] & 0x0f,
      designator: Buffer.from(page.subarray(off + 4, off + 4 + length)),
    });
    off += 4 + length;
  }
  return out;
}

/**
 * Whether an E4h descriptor designates an LU with these designators: one LU-association designator
 * with the same designator type, code set and bytes. Only LU designators of the types SPC-4 allows
 * in E4h count; target port and target device designators never match.
 */
export function designatorMatches(id: CscdIdentification, designators: readonly RawDesignator[]): boolean {
  if (id.association !== ASSOCIATION_LOGICAL_UNIT) return false;
  if (!CSCD_DESIGNATOR_TYPES.includes(id.designatorType)) return false;
  return designators.some(
    (d) =>
      d.association === ASSOCIATION_LOGICAL_UNIT &&
      d.designatorType === id.designatorType &&
      d.codeSet === id.codeSet &&
      d.designator.equals(id.designator),
  );
}
