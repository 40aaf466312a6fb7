// Identity of an emulated logical unit: INQUIRY strings, serial number and the NAA designator
// (SPC-4 7.8.6.6.4, NAA IEEE Registered Extended) derived from a configured id so that it stays
// stable across restarts and differs between LUs.
import { createHash } from 'node:crypto';

export interface LuIdentityConfig {
  /** Stable id the NAA designator and default serial number are derived from (e.g. "disk0"). */
  id: string;
  vendor?: string;
  product?: string;
  revision?: string;
  serial?: string;
}

export interface LuIdentity {
  id: string;
  /** T10 VENDOR IDENTIFICATION, 8 ASCII characters. */
  vendor: string;
  /** PRODUCT IDENTIFICATION, 16 ASCII characters. */
  product: string;
  /** PRODUCT REVISION LEVEL, 4 ASCII characters. */
  revision: string;
  /** PRODUCT SERIAL NUMBER (VPD page 80h). */
  serial: string;
  /** 16-byte NAA 6h designator (VPD page 83h). */
  naa: Buffer;
}

/**
 * IEEE company id in the designator. 0x0AF7C3 has the X bit set in its first octet, which marks
 * a CID (IEEE "company id" for local use): it will not clash with a registered OUI.
 */
export const EMULATOR_COMPANY_ID = 0x0af7c3;

const ASCII = /^[\x20-\x7e]*$/;

function asciiField(value: string, max: number, name: string): string {
  if (!ASCII.test(value)) throw new RangeError(`${name} must be printable ASCII: ${JSON.stringify(value)}`);
  return value.slice(0, max);
}

/** NAA 6h: NAA(4) | IEEE COMPANY ID(24) | VENDOR SPECIFIC ID(36) | VENDOR SPECIFIC ID EXTENSION(64). */
export function naaFromId(id: string, companyId = EMULATOR_COMPANY_ID): Buffer {
  const h = createHash('sha256').update(`xcopy-lu:${id}`).digest();
  const b = Buffer.alloc(16);
  b[0] = 0x60 | ((companyId >> 20) & 0x0f);
  b[1] = (companyId >> 12) & 0xff;
  b[2] = (companyId >> 4) & 0xff;
  b[3] = ((companyId & 0x0f) << 4) | (h[0] & 0x0f);
  h.copy(b, 4, 1, 13);
  return b;
}

export function makeIdentity(cfg: LuIdentityConfig, defaults: { product: string }): LuIdentity {
  if (cfg.id.length === 0) throw new RangeError('LU id must not be empty');
  const serialDefault = createHash('sha256')
    .update(`xcopy-serial:${cfg.id}`)
    .digest('hex')
    .slice(0, 16)
    .toUpperCase();
  return {
    id: cfg.id,
    vendor: asciiField(cfg.vendor ?? 'XCOPYEMU', 8, 'vendor'),
    product: asciiField(cfg.product ?? defaults.product, 16, 'product'),
    revision: asciiField(cfg.revision ?? '0001', 4, 'revision'),
    serial: asciiField(cfg.serial ?? serialDefault, 64, 'serial'),
    naa: naaFromId(cfg.id),
  };
}
