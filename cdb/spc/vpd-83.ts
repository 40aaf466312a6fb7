// Device Identification VPD page, 83h (SPC-4 7.8.6), and the designation descriptor it is made of.
// The same descriptor format appears in other places (SBC-3 provisioning group descriptor in VPD
// B2h, the identification CSCD descriptor E4h of EXTENDED COPY), so it has its own codec here.
import { createHash } from 'node:crypto';
import { ByteReader, checkAscii, checkUint, checkUint64, flag, putU16, putU24, putU32 } from '../bytes';
import { invalidParamField } from '../errors';
import { readVpdPage, writeVpdPage, type VpdPageHeader } from './inquiry';

export const VPD_DEVICE_IDENTIFICATION = 0x83;

/** SPC-4 7.8.6.1 CODE SET. */
export const CODE_SET = { BINARY: 0x1, ASCII: 0x2, UTF8: 0x3 } as const;
/** SPC-4 7.8.6.1 ASSOCIATION. */
export const ASSOCIATION = { LOGICAL_UNIT: 0, TARGET_PORT: 1, TARGET_DEVICE: 2 } as const;
/** SPC-4 7.8.6.1 DESIGNATOR TYPE. */
export const DESIGNATOR_TYPE = {
  VENDOR_SPECIFIC: 0x0,
  T10_VENDOR_ID: 0x1,
  EUI64: 0x2,
  NAA: 0x3,
  RELATIVE_TARGET_PORT: 0x4,
  TARGET_PORT_GROUP: 0x5,
  LOGICAL_UNIT_GROUP: 0x6,
  MD5_LOGICAL_UNIT: 0x7,
  SCSI_NAME_STRING: 0x8,
  PROTOCOL_SPECIFIC_PORT: 0x9,
} as const;
/** SPC-4 7.6.1 PROTOCOL IDENTIFIER values (meaningful when PIV is set). */
export const PROTOCOL_IDENTIFIER = {
  FCP: 0x0,
  SPI: 0x1,
  SSA: 0x2,
  SBP: 0x3,
  SRP: 0x4,
  ISCSI: 0x5,
  SAS: 0x6,
  ADT: 0x7,
  ATA: 0x8,
  UAS: 0x9,
  SOP: 0xa,
  NONE: 0xf,
} as const;

/** Bytes 0-1 of a designation descriptor, minus the designator type. */
export interface DesignationHeader {
  /** PROTOCOL IDENTIFIER (4 bits); reserved unless PIV is set, but kept as read. */
  protocolIdentifier: number;
  codeSet: number;
  /** PIV: PROTOCOL IDENTIFIER is valid (only for target port / target device association). */
  piv: boolean;
  association: number;
}

/** 7.8.6.2 vendor specific designator. */
export interface VendorSpecificDesignator {
  designatorType: 0x0;
  vendorSpecificIdentifier: Buffer;
}
/** 7.8.6.3 T10 vendor ID based designator (8 ASCII bytes + vendor specific bytes). */
export interface T10VendorIdDesignator {
  designatorType: 0x1;
  t10VendorIdentification: string;
  vendorSpecificIdentifier: Buffer;
}
/**
 * 7.8.6.4 EUI-64 based designator: 8 bytes (COMPANY_ID + extension), 12 bytes (+ DIRECTORY ID) or
 * 16 bytes (IDENTIFIER EXTENSION first). At most one of directoryId / identifierExtension is set.
 */
export interface Eui64Designator {
  designatorType: 0x2;
  ieeeCompanyId: number;
  /** 40 bits. */
  vendorSpecificExtensionIdentifier: number;
  directoryId?: number;
  identifierExtension?: bigint;
}
/** 7.8.6.5.2 NAA IEEE Extended (NAA 2h, 8 bytes). */
export interface NaaIeeeExtendedDesignator {
  designatorType: 0x3;
  naa: 0x2;
  /** 12 bits. */
  vendorSpecificIdentifierA: number;
  ieeeCompanyId: number;
  /** 24 bits. */
  vendorSpecificIdentifierB: number;
}
/** 7.8.6.5.3 NAA Locally Assigned (NAA 3h, 8 bytes). */
export interface NaaLocallyAssignedDesignator {
  designatorType: 0x3;
  naa: 0x3;
  /** 60 bits. */
  locallyAdministeredValue: bigint;
}
/** 7.8.6.5.4 NAA IEEE Registered (NAA 5h, 8 bytes). */
export interface NaaIeeeRegisteredDesignator {
  designatorType: 0x3;
  naa: 0x5;
  ieeeCompanyId: number;
  /** 36 bits. */
  vendorSpecificIdentifier: number;
}
/** 7.8.6.5.5 NAA IEEE Registered Extended (NAA 6h, 16 bytes). */
export interface NaaIeeeRegisteredExtendedDesignator {
  designatorType: 0x3;
  naa: 0x6;
  ieeeCompanyId: number;
  /** 36 bits. */
  vendorSpecificIdentifier: number;
  vendorSpecificIdentifierExtension: bigint;
}
/** NAA values SPC-4 reserves: the designator is kept whole (including the NAA nibble). */
export type ReservedNaa = 0x0 | 0x1 | 0x4 | 0x7 | 0x8 | 0x9 | 0xa | 0xb | 0xc | 0xd | 0xe | 0xf;
export interface NaaReservedDesignator {
  designatorType: 0x3;
  naa: ReservedNaa;
  designator: Buffer;
}
/** 7.8.6.6 relative target port designator. */
export interface RelativeTargetPortDesignator {
  designatorType: 0x4;
  relativeTargetPortIdentifier: number;
}
/** 7.8.6.7 target port group designator. */
export interface TargetPortGroupDesignator {
  designatorType: 0x5;
  targetPortGroup: number;
}
/** 7.8.6.8 logical unit group designator. */
export interface LogicalUnitGroupDesignator {
  designatorType: 0x6;
  logicalUnitGroup: number;
}
/** 7.8.6.9 MD5 logical unit designator (16 bytes). */
export interface Md5LogicalUnitDesignator {
  designatorType: 0x7;
  md5LogicalUnitIdentifier: Buffer;
}
/** 7.8.6.10 SCSI name string designator: UTF-8, null terminated, null padded to a multiple of 4. */
export interface ScsiNameStringDesignator {
  designatorType: 0x8;
  scsiNameString: string;
}
/** 7.8.6.11 protocol specific port identifier (layout set by the protocol standard). */
export interface ProtocolSpecificPortDesignator {
  designatorType: 0x9;
  designator: Buffer;
}
export type ReservedDesignatorType = 0xa | 0xb | 0xc | 0xd | 0xe | 0xf;
/** Designator types SPC-4 reserves (SPC-5 uses Ah for UUID), kept opaque. */
export interface ReservedDesignator {
  designatorType: ReservedDesignatorType;
  designator: Buffer;
}

export type NaaDesignator =
  | NaaIeeeExtendedDesignator
  | NaaLocallyAssignedDesignator
  | NaaIeeeRegisteredDesignator
  | NaaIeeeRegisteredExtendedDesignator
  | NaaReservedDesignator;

export type Designator =
  | VendorSpecificDesignator
  | T10VendorIdDesignator
  | Eui64Designator
  | NaaDesignator
  | RelativeTargetPortDesignator
  | TargetPortGroupDesignator
  | LogicalUnitGroupDesignator
  | Md5LogicalUnitDesignator
  | ScsiNameStringDesignator
  | ProtocolSpecificPortDesignator
  | ReservedDesignator;

/** SPC-4 7.8.6.1 designation descriptor. */
export type DesignationDescriptor = DesignationHeader & Designator;

export interface DeviceIdentificationPage extends VpdPageHeader {
  designationDescriptors: DesignationDescriptor[];
}

// ---- designator bodies ----

function u16Designator(value: number, name: string): Buffer {
  const b = Buffer.alloc(4);
  putU16(b, value, 2, name);
  return b;
}

function checkLength(buf: Buffer, n: number, name: string): Buffer {
  if (buf.length !== n) throw new RangeError(`${name} must be ${n} bytes, got ${buf.length}`);
  return buf;
}

function naaHigh(naa: number, ieeeCompanyId: number, vendorSpecificIdentifier: number): bigint {
  // NAA 5h/6h: NAA (4 bits) | IEEE COMPANY_ID (24 bits) | VENDOR SPECIFIC IDENTIFIER (36 bits).
  return (
    (BigInt(naa) << 60n) |
    (BigInt(checkUint(ieeeCompanyId, 24, 'ieeeCompanyId')) << 36n) |
    BigInt(checkUint(vendorSpecificIdentifier, 36, 'vendorSpecificIdentifier'))
  );
}

function u64(value: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(value);
  return b;
}

function encodeEui64(d: Eui64Designator): Buffer {
  const head = Buffer.alloc(8);
  putU24(head, d.ieeeCompanyId, 0, 'ieeeCompanyId');
  head.writeUIntBE(
    checkUint(d.vendorSpecificExtensionIdentifier, 40, 'vendorSpecificExtensionIdentifier'),
    3,
    5,
  );
  if (d.directoryId !== undefined && d.identifierExtension !== undefined) {
    throw new RangeError('EUI-64 designator: directoryId and identifierExtension exclude each other');
  }
  if (d.directoryId !== undefined) {
    const dir = Buffer.alloc(4);
    putU32(dir, d.directoryId, 0, 'directoryId');
    return Buffer.concat([head, dir]);
  }
  if (d.identifierExtension !== undefined) {
    return Buffer.concat([u64(checkUint64(d.identifierExtension, 'identifierExtension')), head]);
  }
  return head;
}

function encodeNaa(d: NaaDesignator): Buffer {
  switch (d.naa) {
    case 0x2: {
      const value =
        (2n << 60n) |
        (BigInt(checkUint(d.vendorSpecificIdentifierA, 12, 'vendorSpecificIdentifierA')) << 48n) |
        (BigInt(checkUint(d.ieeeCompanyId, 24, 'ieeeCompanyId')) << 24n) |
        BigInt(checkUint(d.vendorSpecificIdentifierB, 24, 'vendorSpecificIdentifierB'));
      return u64(value);
    }
    case 0x3:
      if (d.locallyAdministeredValue < 0n || d.locallyAdministeredValue >= 1n << 60n) {
        throw new RangeError(
          `locallyAdministeredValue = ${d.locallyAdministeredValue} does not fit in 60 bits`,
        );
      }
      return u64((3n << 60n) | d.locallyAdministeredValue);
    case 0x5:
      return u64(naaHigh(5, d.ieeeCompanyId, d.vendorSpecificIdentifier));
    case 0x6:
      return Buffer.concat([
        u64(naaHigh(6, d.ieeeCompanyId, d.vendorSpecificIdentifier)),
        u64(checkUint64(d.vendorSpecificIdentifierExtension, 'vendorSpecificIdentifierExtension')),
      ]);
    default:
      if (d.designator.length === 0 || d.designator[0] >> 4 !== d.naa) {
        throw new RangeError(`reserved NAA designator must start with the NAA nibble ${d.naa}`);
      }
      return d.designator;
  }
}

function encodeScsiNameString(s: string): Buffer {
  if (s.includes('\0')) throw new RangeError('scsiNameString must not contain NUL');
  const text = Buffer.from(s, 'utf8');
  // Null terminated and null padded to a multiple of four bytes (SPC-4 7.8.6.10).
  const total = (text.length + 4) & ~3;
  if (total > 256) throw new RangeError(`scsiNameString of ${text.length} bytes exceeds 255`);
  const b = Buffer.alloc(total);
  text.copy(b);
  return b;
}

/** The DESIGNATOR field alone (what an E4h CSCD descriptor carries). */
export function encodeDesignator(d: Designator): Buffer {
  switch (d.designatorType) {
    case 0x0:
      return d.vendorSpecificIdentifier;
    case 0x1: {
      const vendor = Buffer.alloc(8, 0x20);
      vendor.write(checkAscii(d.t10VendorIdentification, 8, 't10VendorIdentification'), 'latin1');
      return Buffer.concat([vendor, d.vendorSpecificIdentifier]);
    }
    case 0x2:
      return encodeEui64(d);
    case 0x3:
      return encodeNaa(d);
    case 0x4:
      return u16Designator(d.relativeTargetPortIdentifier, 'relativeTargetPortIdentifier');
    case 0x5:
      return u16Designator(d.targetPortGroup, 'targetPortGroup');
    case 0x6:
      return u16Designator(d.logicalUnitGroup, 'logicalUnitGroup');
    case 0x7:
      return checkLength(d.md5LogicalUnitIdentifier, 16, 'md5LogicalUnitIdentifier');
    case 0x8:
      return encodeScsiNameString(d.scsiNameString);
    default:
      return d.designator;
  }
}

export function encodeDesignationDescriptor(d: DesignationDescriptor): Buffer {
  const designator = encodeDesignator(d);
  if (designator.length > 0xff) throw new RangeError(`designator of ${designator.length} bytes exceeds 255`);
  const b = Buffer.alloc(4 + designator.length);
  b[0] = (checkUint(d.protocolIdentifier, 4, 'protocolIdentifier') << 4) | checkUint(d.codeSet, 4, 'codeSet');
  b[1] =
    flag(d.piv, 7) |
    (checkUint(d.association, 2, 'association') << 4) |
    checkUint(d.designatorType, 4, 'designatorType');
  b[3] = designator.length;
  designator.copy(b, 4);
  return b;
}

// ---- decoding ----

function decodeDesignator(type: number, d: ByteReader, lengthField: number): Designator {
  const wrongLength = (what: string): Error =>
    invalidParamField(lengthField, `DESIGNATOR LENGTH ${d.length} is invalid for ${what}`);
  switch (type) {
    case 0x0:
      return { designatorType: 0x0, vendorSpecificIdentifier: d.slice(0, d.length) };
    case 0x1:
      if (d.length < 8) throw wrongLength('a T10 vendor ID based designator');
      return {
        designatorType: 0x1,
        t10VendorIdentification: d.ascii(0, 8),
        vendorSpecificIdentifier: d.slice(8, d.length - 8),
      };
    case 0x2:
      if (d.length === 8) {
        return {
          designatorType: 0x2,
          ieeeCompanyId: d.u24(0),
          vendorSpecificExtensionIdentifier: d.buf.readUIntBE(3, 5),
        };
      }
      if (d.length === 12) {
        return {
          designatorType: 0x2,
          ieeeCompanyId: d.u24(0),
          vendorSpecificExtensionIdentifier: d.buf.readUIntBE(3, 5),
          directoryId: d.u32(8),
        };
      }
      if (d.length === 16) {
        return {
          designatorType: 0x2,
          ieeeCompanyId: d.u24(8),
          vendorSpecificExtensionIdentifier: d.buf.readUIntBE(11, 5),
          identifierExtension: d.u64(0),
        };
      }
      throw wrongLength('an EUI-64 based designator (8, 12 or 16)');
    case 0x3:
      return decodeNaa(d, wrongLength);
    case 0x4:
    case 0x5:
    case 0x6: {
      if (d.length !== 4) throw wrongLength(`designator type ${type}`);
      const value = d.u16(2);
      if (type === 0x4) return { designatorType: 0x4, relativeTargetPortIdentifier: value };
      if (type === 0x5) return { designatorType: 0x5, targetPortGroup: value };
      return { designatorType: 0x6, logicalUnitGroup: value };
    }
    case 0x7:
      if (d.length !== 16) throw wrongLength('an MD5 logical unit designator');
      return { designatorType: 0x7, md5LogicalUnitIdentifier: d.slice(0, 16) };
    case 0x8: {
      // Up to the first NUL; a missing terminator or odd padding is tolerated.
      const nul = d.buf.indexOf(0);
      return {
        designatorType: 0x8,
        scsiNameString: d.buf.subarray(0, nul < 0 ? d.length : nul).toString('utf8'),
      };
    }
    case 0x9:
      return { designatorType: 0x9, designator: d.slice(0, d.length) };
    default:
      return { designatorType: type as ReservedDesignatorType, designator: d.slice(0, d.length) };
  }
}

function decodeNaa(d: ByteReader, wrongLength: (what: string) => Error): NaaDesignator {
  if (d.length === 0) throw wrongLength('an NAA designator');
  const naa = d.bits(0, 4, 4);
  const need = naa === 0x6 ? 16 : 8;
  if (naa === 0x2 || naa === 0x3 || naa === 0x5 || naa === 0x6) {
    if (d.length !== need) throw wrongLength(`NAA ${naa}h (${need} bytes)`);
  }
  switch (naa) {
    case 0x2: {
      const v = d.u64(0);
      return {
        designatorType: 0x3,
        naa: 0x2,
        vendorSpecificIdentifierA: Number((v >> 48n) & 0xfffn),
        ieeeCompanyId: Number((v >> 24n) & 0xffffffn),
        vendorSpecificIdentifierB: Number(v & 0xffffffn),
      };
    }
    case 0x3:
      return { designatorType: 0x3, naa: 0x3, locallyAdministeredValue: d.u64(0) & ((1n << 60n) - 1n) };
    case 0x5:
    case 0x6: {
      const v = d.u64(0);
      const ieeeCompanyId = Number((v >> 36n) & 0xffffffn);
      const vendorSpecificIdentifier = Number(v & 0xfffffffffn);
      if (naa === 0x5) return { designatorType: 0x3, naa: 0x5, ieeeCompanyId, vendorSpecificIdentifier };
      return {
        designatorType: 0x3,
        naa: 0x6,
        ieeeCompanyId,
        vendorSpecificIdentifier,
        vendorSpecificIdentifierExtension: d.u64(8),
      };
    }
    default:
      return { designatorType: 0x3, naa: naa as ReservedNaa, designator: d.slice(0, d.length) };
  }
}

/** Read one designation descriptor at `off` of `r`; returns it and the offset after it. */
export function readDesignationDescriptor(r: ByteReader, off: number): [DesignationDescriptor, number] {
  r.need(off, 4, 'designation descriptor header');
  const length = r.u8(off + 3);
  if (off + 4 + length > r.length) {
    throw invalidParamField(r.base + off + 3, `DESIGNATOR LENGTH ${length} runs past the end of the data`);
  }
  const header: DesignationHeader = {
    protocolIdentifier: r.bits(off, 4, 4),
    codeSet: r.bits(off, 0, 4),
    piv: r.bit(off + 1, 7),
    association: r.bits(off + 1, 4, 2),
  };
  const designator = decodeDesignator(r.bits(off + 1, 0, 4), r.sub(off + 4, length), r.base + off + 3);
  return [{ ...header, ...designator }, off + 4 + length];
}

/** Decode a single designation descriptor at the start of `buf` (bytes after it are ignored). */
export function decodeDesignationDescriptor(buf: Buffer): DesignationDescriptor {
  return readDesignationDescriptor(new ByteReader(buf, 'data-in'), 0)[0];
}

export function encodeDeviceIdentification(v: DeviceIdentificationPage): Buffer {
  const body = Buffer.concat(v.designationDescriptors.map(encodeDesignationDescriptor));
  return writeVpdPage(v, VPD_DEVICE_IDENTIFICATION, body);
}

export function decodeDeviceIdentification(buf: Buffer): DeviceIdentificationPage {
  const { header, body } = readVpdPage(buf, VPD_DEVICE_IDENTIFICATION);
  const designationDescriptors: DesignationDescriptor[] = [];
  for (let off = 0; off < body.length;) {
    const [d, next] = readDesignationDescriptor(body, off);
    designationDescriptors.push(d);
    off = next;
  }
  return { ...header, designationDescriptors };
}

// ---- helpers ----

/** A binary NAA IEEE Registered Extended (6h) designator, by default associated with the LU. */
export function naa6Designator(
  ieeeCompanyId: number,
  vendorSpecificIdentifier: number,
  vendorSpecificIdentifierExtension: bigint,
  association: number = ASSOCIATION.LOGICAL_UNIT,
): DesignationDescriptor {
  const d: DesignationDescriptor = {
    protocolIdentifier: 0,
    codeSet: CODE_SET.BINARY,
    piv: false,
    association,
    designatorType: 0x3,
    naa: 0x6,
    ieeeCompanyId,
    vendorSpecificIdentifier,
    vendorSpecificIdentifierExtension,
  };
  encodeDesignator(d); // range-check now rather than when the page is built
  return d;
}

/**
 * A stable NAA-6 LU designator derived from `seed` (e.g. the LU's UUID): the 100 vendor specific
 * bits are the first bits of SHA-256(seed), so the same seed always names the same LU.
 */
export function naa6DesignatorFromSeed(ieeeCompanyId: number, seed: string | Buffer): DesignationDescriptor {
  const h = createHash('sha256').update(seed).digest();
  const vendorSpecificIdentifier = Number(h.readBigUInt64BE(0) >> 28n);
  return naa6Designator(ieeeCompanyId, vendorSpecificIdentifier, h.readBigUInt64BE(8));
}

export interface DesignatorFilter {
  association?: number;
  designatorType?: number;
  codeSet?: number;
  protocolIdentifier?: number;
}

/** Every descriptor matching all the given fields, in page order. */
export function findDesignators(
  list: DesignationDescriptor[],
  filter: DesignatorFilter,
): DesignationDescriptor[] {
  return list.filter(
    (d) =>
      (filter.association === undefined || d.association === filter.association) &&
      (filter.designatorType === undefined || d.designatorType === filter.designatorType) &&
      (filter.codeSet === undefined || d.codeSet === filter.codeSet) &&
      (filter.protocolIdentifier === undefined ||
        (d.piv && d.protocolIdentifier === filter.protocolIdentifier)),
  );
}

const NAA_RANK: Record<number, number> = { 0x6: 100, 0x5: 90, 0x2: 80, 0x3: 70 };

/** How good a designator is as a logical unit name; -1 when it does not name a logical unit. */
function luRank(d: DesignationDescriptor): number {
  switch (d.designatorType) {
    case 0x3:
      return NAA_RANK[d.naa] ?? 10;
    case 0x2:
      return d.identifierExtension !== undefined ? 65 : d.directoryId !== undefined ? 62 : 60;
    case 0x8:
      return 50;
    case 0x1:
      return 40;
    case 0x7:
      return 30;
    case 0x0:
      return 20;
    default:
      return -1;
  }
}

/** DESIGNATOR LENGTH of `d`, or undefined when `d` cannot be encoded. */
function designatorLength(d: Designator): number | undefined {
  try {
    return encodeDesignator(d).length;
  } catch {
    return undefined;
  }
}

/**
 * The best logical-unit designator: association LU, ranked NAA 6h > 5h > 2h > 3h > EUI-64 > SCSI name
 * string > T10 vendor ID > MD5 > vendor specific > reserved NAA values; the first one wins a tie. `maxDesignatorLength`
 * (20 for an E4h CSCD descriptor) skips longer designators.
 */
export function preferredLuDesignator(
  list: DesignationDescriptor[],
  maxDesignatorLength = 255,
): DesignationDescriptor | undefined {
  let best: DesignationDescriptor | undefined;
  let bestRank = -1;
  for (const d of list) {
    if (d.association !== ASSOCIATION.LOGICAL_UNIT) continue;
    const length = designatorLength(d);
    if (length === undefined || length > maxDesignatorLength) continue;
    const rank = luRank(d);
    if (rank > bestRank) {
      best = d;
      bestRank = rank;
    }
  }
  return best;
}

/** Same name: CODE SET, ASSOCIATION, DESIGNATOR TYPE and DESIGNATOR bytes equal (how E4h matches). */
export function sameDesignator(a: DesignationDescriptor, b: DesignationDescriptor): boolean {
  return (
    a.codeSet === b.codeSet &&
    a.association === b.association &&
    a.designatorType === b.designatorType &&
    encodeDesignator(a).equals(encodeDesignator(b))
  );
}
