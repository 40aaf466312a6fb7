// Sense data (SPC-4 4.5): fixed format (70h/71h) and descriptor format (72h/73h) in one typed form.
//
// Both formats decode to a SenseData whose top-level fields (sense key, ASC/ASCQ, FILEMARK/EOM/ILI,
// INFORMATION, COMMAND-SPECIFIC INFORMATION, sense-key specific) read the same way whatever the
// format. In descriptor format the descriptor list is the wire truth and the top-level fields are
// derived from it (first descriptor of each type); encodeSense refuses a value whose top-level
// fields disagree with its descriptors, so decodeSense(encodeSense(v)) equals v. makeSense builds a
// consistent value of either format.
import { ByteReader, checkUint, flag, putU16, putU64, putU8 } from '../bytes';
import { invalidParamField, paramListLengthError, type SenseError } from '../errors';
import { ascText } from './asc';
import {
  SENSE_KEY_COPY_ABORTED,
  SENSE_KEY_HARDWARE_ERROR,
  SENSE_KEY_ILLEGAL_REQUEST,
  SENSE_KEY_MEDIUM_ERROR,
  SENSE_KEY_NO_SENSE,
  SENSE_KEY_NOT_READY,
  SENSE_KEY_RECOVERED_ERROR,
  SENSE_KEY_UNIT_ATTENTION,
  senseKeyName,
  statusName,
} from './status';

export const SENSE_FIXED_CURRENT = 0x70;
export const SENSE_FIXED_DEFERRED = 0x71;
export const SENSE_DESCRIPTOR_CURRENT = 0x72;
export const SENSE_DESCRIPTOR_DEFERRED = 0x73;
/** Fixed-format sense is 18 bytes up to and including the sense-key specific field. */
export const FIXED_SENSE_LENGTH = 18;

// ---------------------------------------------------------------------------------------------
// Sense-key specific field (SPC-4 4.5.2.4): three bytes whose meaning depends on the sense key.

/** ILLEGAL REQUEST (SPC-4 4.5.2.4.2). */
export interface FieldPointerSks {
  kind: 'fieldPointer';
  /** C/D: true = the error is in the CDB, false = in the parameter list. */
  commandData: boolean;
  /** BIT POINTER, present when BPV = 1. */
  bitPointer?: number;
  fieldPointer: number;
}
/** RECOVERED ERROR, HARDWARE ERROR, MEDIUM ERROR (SPC-4 4.5.2.4.3). */
export interface ActualRetryCountSks {
  kind: 'actualRetryCount';
  actualRetryCount: number;
}
/** NO SENSE, NOT READY (SPC-4 4.5.2.4.4): fraction complete in 1/65536 units. */
export interface ProgressIndicationSks {
  kind: 'progressIndication';
  progressIndication: number;
}
/** COPY ABORTED (SPC-4 4.5.2.4.5). */
export interface SegmentPointerSks {
  kind: 'segmentPointer';
  /** SD: true = FIELD POINTER is relative to the start of the segment descriptor, false = of the parameter list. */
  segmentDescriptor: boolean;
  bitPointer?: number;
  fieldPointer: number;
}
/** UNIT ATTENTION (SPC-4 4.5.2.4.6). */
export interface UnitAttentionSks {
  kind: 'unitAttentionQueueOverflow';
  overflow: boolean;
}
/** Any other sense key: SKSV set but no defined layout; the remaining 23 bits as a number. */
export interface ReservedSks {
  kind: 'reserved';
  value: number;
}
export type SenseKeySpecific =
  | FieldPointerSks
  | ActualRetryCountSks
  | ProgressIndicationSks
  | SegmentPointerSks
  | UnitAttentionSks
  | ReservedSks;

/** Which sense-key specific layout a sense key uses (SPC-4 table 46). */
export function sksKindFor(senseKey: number): SenseKeySpecific['kind'] {
  switch (senseKey) {
    case SENSE_KEY_ILLEGAL_REQUEST:
      return 'fieldPointer';
    case SENSE_KEY_RECOVERED_ERROR:
    case SENSE_KEY_HARDWARE_ERROR:
    case SENSE_KEY_MEDIUM_ERROR:
      return 'actualRetryCount';
    case SENSE_KEY_NO_SENSE:
    case SENSE_KEY_NOT_READY:
      return 'progressIndication';
    case SENSE_KEY_COPY_ABORTED:
      return 'segmentPointer';
    case SENSE_KEY_UNIT_ATTENTION:
      return 'unitAttentionQueueOverflow';
    default:
      return 'reserved';
  }
}

/** Decode the 3-byte field at `off`; undefined when SKSV = 0. */
function decodeSks(r: ByteReader, off: number, senseKey: number): SenseKeySpecific | undefined {
  const b0 = r.u8(off, 'SKSV');
  if ((b0 & 0x80) === 0) return undefined;
  const word = r.u16(off + 1, 'sense-key specific');
  const bitPointer = (b0 & 0x08) !== 0 ? b0 & 0x07 : undefined;
  switch (sksKindFor(senseKey)) {
    case 'fieldPointer': {
      const v: FieldPointerSks = { kind: 'fieldPointer', commandData: (b0 & 0x40) !== 0, fieldPointer: word };
      if (bitPointer !== undefined) v.bitPointer = bitPointer;
      return v;
    }
    case 'actualRetryCount':
      return { kind: 'actualRetryCount', actualRetryCount: word };
    case 'progressIndication':
      return { kind: 'progressIndication', progressIndication: word };
    case 'segmentPointer': {
      const v: SegmentPointerSks = {
        kind: 'segmentPointer',
        segmentDescriptor: (b0 & 0x20) !== 0,
        fieldPointer: word,
      };
      if (bitPointer !== undefined) v.bitPointer = bitPointer;
      return v;
    }
    case 'unitAttentionQueueOverflow':
      return { kind: 'unitAttentionQueueOverflow', overflow: (b0 & 0x01) !== 0 };
    case 'reserved':
      return { kind: 'reserved', value: ((b0 & 0x7f) << 16) | word };
  }
}

/** Write the 3-byte field (SKSV set) at `off`, or leave zeros when `sks` is undefined. */
function encodeSks(out: Buffer, off: number, senseKey: number, sks: SenseKeySpecific | undefined): void {
  if (sks === undefined) return;
  const expected = sksKindFor(senseKey);
  if (sks.kind !== expected) {
    throw new RangeError(
      `sense key ${senseKeyName(senseKey)} uses a ${expected} sense-key specific field, not ${sks.kind}`,
    );
  }
  const bpv = (bit: number | undefined): number =>
    bit === undefined ? 0 : 0x08 | checkUint(bit, 3, 'BIT POINTER');
  let b0 = 0x80;
  let word = 0;
  switch (sks.kind) {
    case 'fieldPointer':
      b0 |= flag(sks.commandData, 6) | bpv(sks.bitPointer);
      word = checkUint(sks.fieldPointer, 16, 'FIELD POINTER');
      break;
    case 'actualRetryCount':
      word = checkUint(sks.actualRetryCount, 16, 'ACTUAL RETRY COUNT');
      break;
    case 'progressIndication':
      word = checkUint(sks.progressIndication, 16, 'PROGRESS INDICATION');
      break;
    case 'segmentPointer':
      b0 |= flag(sks.segmentDescriptor, 5) | bpv(sks.bitPointer);
      word = checkUint(sks.fieldPointer, 16, 'FIELD POINTER');
      break;
    case 'unitAttentionQueueOverflow':
      b0 |= flag(sks.overflow, 0);
      break;
    case 'reserved':
      checkUint(sks.value, 23, 'sense-key specific');
      b0 |= sks.value >>> 16;
      word = sks.value & 0xffff;
      break;
  }
  out[off] = b0;
  out.writeUInt16BE(word, off + 1);
}

function sameSks(a: SenseKeySpecific | undefined, b: SenseKeySpecific | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const ka = Object.entries(a).filter(([, v]) => v !== undefined);
  const kb = Object.entries(b).filter(([, v]) => v !== undefined);
  return ka.length === kb.length && ka.every(([k, v]) => (b as unknown as Record<string, unknown>)[k] === v);
}

// ---------------------------------------------------------------------------------------------
// Sense data descriptors (SPC-4 4.5.2.1, table 27).

export const DESC_INFORMATION = 0x00;
export const DESC_COMMAND_SPECIFIC_INFORMATION = 0x01;
export const DESC_SENSE_KEY_SPECIFIC = 0x02;
export const DESC_FIELD_REPLACEABLE_UNIT = 0x03;
export const DESC_STREAM_COMMANDS = 0x04;
export const DESC_BLOCK_COMMANDS = 0x05;
export const DESC_PROGRESS_INDICATION = 0x0a;
export const DESC_FORWARDED_SENSE_DATA = 0x0c;

/** 00h (SPC-4 4.5.2.2). */
export interface InformationDescriptor {
  kind: 'information';
  valid: boolean;
  information: bigint;
}
/** 01h (SPC-4 4.5.2.3). */
export interface CommandSpecificInformationDescriptor {
  kind: 'commandSpecificInformation';
  commandSpecificInformation: bigint;
}
/** 02h (SPC-4 4.5.2.4): the field is omitted when SKSV = 0. */
export interface SenseKeySpecificDescriptor {
  kind: 'senseKeySpecific';
  senseKeySpecific?: SenseKeySpecific;
}
/** 03h (SPC-4 4.5.2.5). */
export interface FieldReplaceableUnitDescriptor {
  kind: 'fieldReplaceableUnit';
  fieldReplaceableUnitCode: number;
}
/** 04h (SSC-4 4.2.21 / SPC-4 4.5.2.1). */
export interface StreamCommandsDescriptor {
  kind: 'streamCommands';
  filemark: boolean;
  eom: boolean;
  ili: boolean;
}
/** 05h (SBC-3 4.18.2). */
export interface BlockCommandsDescriptor {
  kind: 'blockCommands';
  ili: boolean;
}
/** 0Ah (SPC-4 4.5.2.6): progress of another operation than the one the sense reports. */
export interface ProgressIndicationDescriptor {
  kind: 'progressIndication';
  senseKey: number;
  asc: number;
  ascq: number;
  progressIndication: number;
}
/** 0Ch (SPC-4 4.5.2.7): sense data a copy manager received from a copy source or destination. */
export interface ForwardedSenseDataDescriptor {
  kind: 'forwardedSenseData';
  /** FSDT: the forwarded sense data was truncated. */
  forwardedSenseDataTruncated: boolean;
  /** SENSE DATA SOURCE: 0h unknown, 1h EXTENDED COPY source, 2h EXTENDED COPY destination, others reserved (SPC-4 4.5.2.8). */
  senseDataSource: number;
  /** FORWARDED STATUS: the SCSI status that came with the forwarded sense. */
  forwardedStatus: number;
  /** The forwarded sense bytes, kept as received (decode them with decodeSense). */
  senseData: Buffer;
}
/** Any other descriptor type (OSD, ATA status return, referrals, vendor specific...). */
export interface OpaqueDescriptor {
  kind: 'opaque';
  descriptorType: number;
  /** The bytes after the two-byte descriptor header. */
  bytes: Buffer;
}
export type SenseDescriptor =
  | InformationDescriptor
  | CommandSpecificInformationDescriptor
  | SenseKeySpecificDescriptor
  | FieldReplaceableUnitDescriptor
  | StreamCommandsDescriptor
  | BlockCommandsDescriptor
  | ProgressIndicationDescriptor
  | ForwardedSenseDataDescriptor
  | OpaqueDescriptor;

const TYPED_DESCRIPTORS: ReadonlyMap<number, { kind: SenseDescriptor['kind']; length?: number }> = new Map([
  [DESC_INFORMATION, { kind: 'information', length: 0x0a }],
  [DESC_COMMAND_SPECIFIC_INFORMATION, { kind: 'commandSpecificInformation', length: 0x0a }],
  [DESC_SENSE_KEY_SPECIFIC, { kind: 'senseKeySpecific', length: 0x06 }],
  [DESC_FIELD_REPLACEABLE_UNIT, { kind: 'fieldReplaceableUnit', length: 0x02 }],
  [DESC_STREAM_COMMANDS, { kind: 'streamCommands', length: 0x02 }],
  [DESC_BLOCK_COMMANDS, { kind: 'blockCommands', length: 0x02 }],
  [DESC_PROGRESS_INDICATION, { kind: 'progressIndication', length: 0x06 }],
  [DESC_FORWARDED_SENSE_DATA, { kind: 'forwardedSenseData' }],
]);

/** Descriptor type names for display (SPC-4 table 27 and SPC-5 additions). */
const DESCRIPTOR_NAMES: ReadonlyMap<number, string> = new Map([
  [0x00, 'INFORMATION'],
  [0x01, 'COMMAND-SPECIFIC INFORMATION'],
  [0x02, 'SENSE KEY SPECIFIC'],
  [0x03, 'FIELD REPLACEABLE UNIT'],
  [0x04, 'STREAM COMMANDS'],
  [0x05, 'BLOCK COMMANDS'],
  [0x06, 'OSD OBJECT IDENTIFICATION'],
  [0x07, 'OSD RESPONSE INTEGRITY CHECK VALUE'],
  [0x08, 'OSD ATTRIBUTE IDENTIFICATION'],
  [0x09, 'ATA STATUS RETURN'],
  [0x0a, 'ANOTHER PROGRESS INDICATION'],
  [0x0b, 'USER DATA SEGMENT REFERRAL'],
  [0x0c, 'FORWARDED SENSE DATA'],
  [0x0d, 'DIRECT-ACCESS BLOCK DEVICE'],
  [0x0e, 'DEVICE DESIGNATION'],
  [0x0f, 'MICROCODE ACTIVATION'],
]);

export function descriptorTypeName(type: number): string {
  if (type >= 0x80) return 'VENDOR SPECIFIC';
  return DESCRIPTOR_NAMES.get(type) ?? 'RESERVED';
}

/** Descriptor type code of a typed descriptor. */
export function descriptorTypeOf(d: SenseDescriptor): number {
  switch (d.kind) {
    case 'information':
      return DESC_INFORMATION;
    case 'commandSpecificInformation':
      return DESC_COMMAND_SPECIFIC_INFORMATION;
    case 'senseKeySpecific':
      return DESC_SENSE_KEY_SPECIFIC;
    case 'fieldReplaceableUnit':
      return DESC_FIELD_REPLACEABLE_UNIT;
    case 'streamCommands':
      return DESC_STREAM_COMMANDS;
    case 'blockCommands':
      return DESC_BLOCK_COMMANDS;
    case 'progressIndication':
      return DESC_PROGRESS_INDICATION;
    case 'forwardedSenseData':
      return DESC_FORWARDED_SENSE_DATA;
    case 'opaque':
      return d.descriptorType;
  }
}

/** Decode one descriptor whose header starts at `off`; returns it and its total length. */
function decodeDescriptor(r: ByteReader, off: number, senseKey: number): [SenseDescriptor, number] {
  const type = r.u8(off, 'DESCRIPTOR TYPE');
  const len = r.u8(off + 1, 'ADDITIONAL LENGTH');
  r.need(off + 2, len, `sense data descriptor ${type.toString(16)}h`);
  const typed = TYPED_DESCRIPTORS.get(type);
  if (typed === undefined)
    return [{ kind: 'opaque', descriptorType: type, bytes: r.slice(off + 2, len) }, len + 2];
  if (typed.length !== undefined ? len !== typed.length : len < 2) {
    throw invalidParamField(off + 1, `descriptor ${type.toString(16)}h has ADDITIONAL LENGTH ${len}`);
  }
  const total = len + 2;
  switch (typed.kind) {
    case 'information':
      return [{ kind: 'information', valid: r.bit(off + 2, 7), information: r.u64(off + 4) }, total];
    case 'commandSpecificInformation':
      return [{ kind: 'commandSpecificInformation', commandSpecificInformation: r.u64(off + 4) }, total];
    case 'senseKeySpecific': {
      const sks = decodeSks(r, off + 4, senseKey);
      return [
        sks === undefined
          ? { kind: 'senseKeySpecific' }
          : { kind: 'senseKeySpecific', senseKeySpecific: sks },
        total,
      ];
    }
    case 'fieldReplaceableUnit':
      return [{ kind: 'fieldReplaceableUnit', fieldReplaceableUnitCode: r.u8(off + 3) }, total];
    case 'streamCommands':
      return [
        {
          kind: 'streamCommands',
          filemark: r.bit(off + 3, 7),
          eom: r.bit(off + 3, 6),
          ili: r.bit(off + 3, 5),
        },
        total,
      ];
    case 'blockCommands':
      return [{ kind: 'blockCommands', ili: r.bit(off + 3, 5) }, total];
    case 'progressIndication':
      return [
        {
          kind: 'progressIndication',
          senseKey: r.bits(off + 2, 0, 4),
          asc: r.u8(off + 3),
          ascq: r.u8(off + 4),
          progressIndication: r.u16(off + 6),
        },
        total,
      ];
    default:
      return [
        {
          kind: 'forwardedSenseData',
          forwardedSenseDataTruncated: r.bit(off + 2, 7),
          senseDataSource: r.bits(off + 2, 0, 4),
          forwardedStatus: r.u8(off + 3),
          senseData: r.slice(off + 4, len - 2),
        },
        total,
      ];
  }
}

function encodeDescriptor(d: SenseDescriptor, senseKey: number): Buffer {
  const type = descriptorTypeOf(d);
  switch (d.kind) {
    case 'information': {
      const b = Buffer.alloc(12);
      b[2] = flag(d.valid, 7);
      putU64(b, d.information, 4, 'INFORMATION');
      return header(b, type);
    }
    case 'commandSpecificInformation': {
      const b = Buffer.alloc(12);
      putU64(b, d.commandSpecificInformation, 4, 'COMMAND-SPECIFIC INFORMATION');
      return header(b, type);
    }
    case 'senseKeySpecific': {
      const b = Buffer.alloc(8);
      encodeSks(b, 4, senseKey, d.senseKeySpecific);
      return header(b, type);
    }
    case 'fieldReplaceableUnit': {
      const b = Buffer.alloc(4);
      putU8(b, d.fieldReplaceableUnitCode, 3, 'FIELD REPLACEABLE UNIT CODE');
      return header(b, type);
    }
    case 'streamCommands': {
      const b = Buffer.alloc(4);
      b[3] = flag(d.filemark, 7) | flag(d.eom, 6) | flag(d.ili, 5);
      return header(b, type);
    }
    case 'blockCommands': {
      const b = Buffer.alloc(4);
      b[3] = flag(d.ili, 5);
      return header(b, type);
    }
    case 'progressIndication': {
      const b = Buffer.alloc(8);
      b[2] = checkUint(d.senseKey, 4, 'SENSE KEY');
      putU8(b, d.asc, 3, 'ADDITIONAL SENSE CODE');
      putU8(b, d.ascq, 4, 'ADDITIONAL SENSE CODE QUALIFIER');
      putU16(b, d.progressIndication, 6, 'PROGRESS INDICATION');
      return header(b, type);
    }
    case 'forwardedSenseData': {
      const b = Buffer.alloc(4 + d.senseData.length);
      b[2] = flag(d.forwardedSenseDataTruncated, 7) | checkUint(d.senseDataSource, 4, 'SENSE DATA SOURCE');
      putU8(b, d.forwardedStatus, 3, 'FORWARDED STATUS');
      d.senseData.copy(b, 4);
      return header(b, type);
    }
    case 'opaque': {
      checkUint(d.descriptorType, 8, 'DESCRIPTOR TYPE');
      if (TYPED_DESCRIPTORS.has(d.descriptorType)) {
        throw new RangeError(
          `descriptor type ${d.descriptorType.toString(16)}h has a typed form; do not encode it as opaque`,
        );
      }
      const b = Buffer.alloc(2 + d.bytes.length);
      d.bytes.copy(b, 2);
      return header(b, type);
    }
  }
}

function header(b: Buffer, type: number): Buffer {
  b[0] = type;
  putU8(b, b.length - 2, 1, 'descriptor ADDITIONAL LENGTH');
  return b;
}

// ---------------------------------------------------------------------------------------------
// The sense data itself.

interface SenseBase {
  senseKey: number;
  asc: number;
  ascq: number;
  /** SDAT_OVFL: the sense data did not fit and was truncated by the device server. */
  sdatOvfl: boolean;
  filemark: boolean;
  eom: boolean;
  ili: boolean;
  /** INFORMATION when VALID = 1 (fixed: 32 bits; descriptor: first information descriptor). */
  information?: bigint;
  senseKeySpecific?: SenseKeySpecific;
}

/** Fixed format (SPC-4 4.5.3). */
export interface FixedSenseData extends SenseBase {
  responseCode: typeof SENSE_FIXED_CURRENT | typeof SENSE_FIXED_DEFERRED;
  commandSpecificInformation: bigint;
  fieldReplaceableUnitCode: number;
  /** Bytes 18 and up. */
  additionalSenseBytes: Buffer;
}

/** Descriptor format (SPC-4 4.5.2). Top-level optional fields are derived from `descriptors`. */
export interface DescriptorSenseData extends SenseBase {
  responseCode: typeof SENSE_DESCRIPTOR_CURRENT | typeof SENSE_DESCRIPTOR_DEFERRED;
  commandSpecificInformation?: bigint;
  fieldReplaceableUnitCode?: number;
  descriptors: SenseDescriptor[];
}

export type SenseData = FixedSenseData | DescriptorSenseData;

export function isFixedSense(s: SenseData): s is FixedSenseData {
  return s.responseCode === SENSE_FIXED_CURRENT || s.responseCode === SENSE_FIXED_DEFERRED;
}

export function isDeferredSense(s: SenseData): boolean {
  return s.responseCode === SENSE_FIXED_DEFERRED || s.responseCode === SENSE_DESCRIPTOR_DEFERRED;
}

type Derived = Pick<
  DescriptorSenseData,
  | 'filemark'
  | 'eom'
  | 'ili'
  | 'information'
  | 'commandSpecificInformation'
  | 'fieldReplaceableUnitCode'
  | 'senseKeySpecific'
>;

/** The top-level view of a descriptor list: first descriptor of each type; flags OR-ed. */
function deriveFromDescriptors(descriptors: readonly SenseDescriptor[]): Derived {
  const out: Derived = { filemark: false, eom: false, ili: false };
  const seen = new Set<string>();
  for (const d of descriptors) {
    const first = !seen.has(d.kind);
    seen.add(d.kind);
    switch (d.kind) {
      case 'information':
        if (first && d.valid) out.information = d.information;
        break;
      case 'commandSpecificInformation':
        if (first) out.commandSpecificInformation = d.commandSpecificInformation;
        break;
      case 'senseKeySpecific':
        if (first && d.senseKeySpecific !== undefined) out.senseKeySpecific = d.senseKeySpecific;
        break;
      case 'fieldReplaceableUnit':
        if (first) out.fieldReplaceableUnitCode = d.fieldReplaceableUnitCode;
        break;
      case 'streamCommands':
        out.filemark ||= d.filemark;
        out.eom ||= d.eom;
        out.ili ||= d.ili;
        break;
      case 'blockCommands':
        out.ili ||= d.ili;
        break;
      default:
        break;
    }
  }
  return out;
}

const ORIGIN = 'data-in';

/**
 * Decode sense data. Bytes past 8 + ADDITIONAL SENSE LENGTH are ignored; fewer bytes than that, an
 * unknown RESPONSE CODE or a malformed descriptor throw SenseError (origin data-in).
 */
export function decodeSense(buf: Buffer): SenseData {
  const all = new ByteReader(buf, ORIGIN);
  const responseCode = all.bits(0, 0, 7, 'RESPONSE CODE');
  const fixed = responseCode === SENSE_FIXED_CURRENT || responseCode === SENSE_FIXED_DEFERRED;
  const descriptor = responseCode === SENSE_DESCRIPTOR_CURRENT || responseCode === SENSE_DESCRIPTOR_DEFERRED;
  if (!fixed && !descriptor) {
    throw invalidParamField(
      0,
      responseCode === 0x7f
        ? 'vendor specific sense data format'
        : `RESPONSE CODE ${responseCode.toString(16)}h is not sense data`,
    );
  }
  all.need(0, 8, 'sense data header');
  const total = 8 + all.u8(7, 'ADDITIONAL SENSE LENGTH');
  if (buf.length < total) {
    throw paramListLengthError(`sense data: ADDITIONAL SENSE LENGTH says ${total} bytes, have ${buf.length}`);
  }
  const r = new ByteReader(buf.subarray(0, total), ORIGIN);
  return fixed ? decodeFixed(r, responseCode) : decodeDescriptorFormat(r, responseCode);
}

function decodeFixed(r: ByteReader, responseCode: FixedSenseData['responseCode']): FixedSenseData {
  const has = (off: number, n: number): boolean => off + n <= r.length;
  const senseKey = r.bits(2, 0, 4);
  const s: FixedSenseData = {
    responseCode,
    senseKey,
    asc: has(12, 1) ? r.u8(12) : 0,
    ascq: has(13, 1) ? r.u8(13) : 0,
    sdatOvfl: r.bit(2, 4),
    filemark: r.bit(2, 7),
    eom: r.bit(2, 6),
    ili: r.bit(2, 5),
    commandSpecificInformation: has(8, 4) ? BigInt(r.u32(8)) : 0n,
    fieldReplaceableUnitCode: has(14, 1) ? r.u8(14) : 0,
    additionalSenseBytes: has(FIXED_SENSE_LENGTH, 0)
      ? r.slice(FIXED_SENSE_LENGTH, r.length - FIXED_SENSE_LENGTH)
      : Buffer.alloc(0),
  };
  if (r.bit(0, 7)) s.information = BigInt(r.u32(3));
  if (has(15, 3)) {
    const sks = decodeSks(r, 15, senseKey);
    if (sks !== undefined) s.senseKeySpecific = sks;
  }
  return s;
}

function decodeDescriptorFormat(
  r: ByteReader,
  responseCode: DescriptorSenseData['responseCode'],
): DescriptorSenseData {
  const senseKey = r.bits(1, 0, 4);
  const descriptors: SenseDescriptor[] = [];
  for (let off = 8; off < r.length;) {
    const [d, n] = decodeDescriptor(r, off, senseKey);
    descriptors.push(d);
    off += n;
  }
  return descriptorSense(
    { responseCode, senseKey, asc: r.u8(2), ascq: r.u8(3), sdatOvfl: r.bit(4, 7) },
    descriptors,
  );
}

/** A descriptor-format SenseData whose top-level fields are derived from `descriptors`. */
function descriptorSense(
  head: Pick<DescriptorSenseData, 'responseCode' | 'senseKey' | 'asc' | 'ascq' | 'sdatOvfl'>,
  descriptors: SenseDescriptor[],
): DescriptorSenseData {
  const derived = deriveFromDescriptors(descriptors);
  const s: DescriptorSenseData = {
    ...head,
    filemark: derived.filemark,
    eom: derived.eom,
    ili: derived.ili,
    descriptors,
  };
  if (derived.information !== undefined) s.information = derived.information;
  if (derived.commandSpecificInformation !== undefined)
    s.commandSpecificInformation = derived.commandSpecificInformation;
  if (derived.fieldReplaceableUnitCode !== undefined)
    s.fieldReplaceableUnitCode = derived.fieldReplaceableUnitCode;
  if (derived.senseKeySpecific !== undefined) s.senseKeySpecific = derived.senseKeySpecific;
  return s;
}

/** Encode sense data. Throws RangeError for values that do not fit or a descriptor list that contradicts the top-level fields. */
export function encodeSense(s: SenseData): Buffer {
  checkUint(s.senseKey, 4, 'SENSE KEY');
  checkUint(s.asc, 8, 'ADDITIONAL SENSE CODE');
  checkUint(s.ascq, 8, 'ADDITIONAL SENSE CODE QUALIFIER');
  if (isFixedSense(s)) return encodeFixed(s);
  if (s.responseCode !== SENSE_DESCRIPTOR_CURRENT && s.responseCode !== SENSE_DESCRIPTOR_DEFERRED) {
    throw new RangeError(`RESPONSE CODE ${String(s.responseCode)} is not 70h-73h`);
  }
  return encodeDescriptorFormat(s);
}

function encodeFixed(s: FixedSenseData): Buffer {
  const out = Buffer.alloc(FIXED_SENSE_LENGTH + s.additionalSenseBytes.length);
  out[0] = flag(s.information !== undefined, 7) | s.responseCode;
  out[2] = flag(s.filemark, 7) | flag(s.eom, 6) | flag(s.ili, 5) | flag(s.sdatOvfl, 4) | s.senseKey;
  if (s.information !== undefined) {
    if (s.information < 0n || s.information > 0xffffffffn) {
      throw new RangeError(`INFORMATION = ${s.information} does not fit the 4-byte fixed-format field`);
    }
    out.writeUInt32BE(Number(s.information), 3);
  }
  putU8(out, out.length - 8, 7, 'ADDITIONAL SENSE LENGTH');
  if (s.commandSpecificInformation < 0n || s.commandSpecificInformation > 0xffffffffn) {
    throw new RangeError(
      `COMMAND-SPECIFIC INFORMATION = ${s.commandSpecificInformation} does not fit in 4 bytes`,
    );
  }
  out.writeUInt32BE(Number(s.commandSpecificInformation), 8);
  out[12] = s.asc;
  out[13] = s.ascq;
  putU8(out, s.fieldReplaceableUnitCode, 14, 'FIELD REPLACEABLE UNIT CODE');
  encodeSks(out, 15, s.senseKey, s.senseKeySpecific);
  s.additionalSenseBytes.copy(out, FIXED_SENSE_LENGTH);
  return out;
}

function encodeDescriptorFormat(s: DescriptorSenseData): Buffer {
  const derived = deriveFromDescriptors(s.descriptors);
  const mismatch = (
    [
      'filemark',
      'eom',
      'ili',
      'information',
      'commandSpecificInformation',
      'fieldReplaceableUnitCode',
    ] as const
  ).find((k) => derived[k] !== s[k]);
  if (mismatch !== undefined) {
    throw new RangeError(
      `descriptor-format sense: ${mismatch} does not match the descriptors (use makeSense)`,
    );
  }
  if (!sameSks(derived.senseKeySpecific, s.senseKeySpecific)) {
    throw new RangeError(
      'descriptor-format sense: senseKeySpecific does not match the descriptors (use makeSense)',
    );
  }
  const body = Buffer.concat(s.descriptors.map((d) => encodeDescriptor(d, s.senseKey)));
  const out = Buffer.alloc(8 + body.length);
  out[0] = s.responseCode;
  out[1] = s.senseKey;
  out[2] = s.asc;
  out[3] = s.ascq;
  out[4] = flag(s.sdatOvfl, 7);
  putU8(out, body.length, 7, 'ADDITIONAL SENSE LENGTH');
  body.copy(out, 8);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Building sense.

export interface MakeSenseOptions {
  /** Descriptor format (72h/73h) instead of fixed (70h/71h). */
  descriptor?: boolean;
  deferred?: boolean;
  senseKey: number;
  asc?: number;
  ascq?: number;
  filemark?: boolean;
  eom?: boolean;
  ili?: boolean;
  /** Descriptor format: report ILI in a block commands descriptor (05h) instead of stream commands (04h). */
  blockCommands?: boolean;
  information?: bigint;
  commandSpecificInformation?: bigint;
  fieldReplaceableUnitCode?: number;
  senseKeySpecific?: SenseKeySpecific;
  sdatOvfl?: boolean;
  /** Descriptor format: descriptors appended after the ones built from the fields above. */
  extraDescriptors?: SenseDescriptor[];
  /** Fixed format: bytes 18 and up. */
  additionalSenseBytes?: Buffer;
}

/** Build a self-consistent SenseData of either format. */
export function makeSense(o: MakeSenseOptions): SenseData {
  const base = {
    senseKey: o.senseKey,
    asc: o.asc ?? 0,
    ascq: o.ascq ?? 0,
    sdatOvfl: o.sdatOvfl ?? false,
    filemark: o.filemark ?? false,
    eom: o.eom ?? false,
    ili: o.ili ?? false,
  };
  if (!o.descriptor) {
    const s: FixedSenseData = {
      responseCode: o.deferred ? SENSE_FIXED_DEFERRED : SENSE_FIXED_CURRENT,
      ...base,
      commandSpecificInformation: o.commandSpecificInformation ?? 0n,
      fieldReplaceableUnitCode: o.fieldReplaceableUnitCode ?? 0,
      additionalSenseBytes: o.additionalSenseBytes ?? Buffer.alloc(0),
    };
    if (o.information !== undefined) s.information = o.information;
    if (o.senseKeySpecific !== undefined) s.senseKeySpecific = o.senseKeySpecific;
    return s;
  }
  const descriptors: SenseDescriptor[] = [];
  if (o.information !== undefined)
    descriptors.push({ kind: 'information', valid: true, information: o.information });
  if (o.commandSpecificInformation !== undefined) {
    descriptors.push({
      kind: 'commandSpecificInformation',
      commandSpecificInformation: o.commandSpecificInformation,
    });
  }
  if (o.senseKeySpecific !== undefined)
    descriptors.push({ kind: 'senseKeySpecific', senseKeySpecific: o.senseKeySpecific });
  if (o.fieldReplaceableUnitCode !== undefined) {
    descriptors.push({ kind: 'fieldReplaceableUnit', fieldReplaceableUnitCode: o.fieldReplaceableUnitCode });
  }
  if (o.blockCommands && !base.filemark && !base.eom) {
    if (base.ili) descriptors.push({ kind: 'blockCommands', ili: true });
  } else if (base.filemark || base.eom || base.ili) {
    descriptors.push({ kind: 'streamCommands', filemark: base.filemark, eom: base.eom, ili: base.ili });
  }
  descriptors.push(...(o.extraDescriptors ?? []));
  return descriptorSense(
    {
      responseCode: o.deferred ? SENSE_DESCRIPTOR_DEFERRED : SENSE_DESCRIPTOR_CURRENT,
      senseKey: base.senseKey,
      asc: base.asc,
      ascq: base.ascq,
      sdatOvfl: base.sdatOvfl,
    },
    descriptors,
  );
}

/**
 * The SenseData a device server answers for a codec error: current error, the error's key and
 * ASC/ASCQ, its INFORMATION (fixed format: only when it fits 32 bits, else VALID = 0), and its field
 * pointer as sense-key specific data (ILLEGAL REQUEST: field pointer; COPY ABORTED: segment pointer
 * relative to the parameter list).
 */
export function senseDataFromError(e: SenseError, opts: { descriptor: boolean }): SenseData {
  let sks: SenseKeySpecific | undefined;
  const fp = e.fieldPointer;
  if (fp !== undefined && e.senseKey === SENSE_KEY_ILLEGAL_REQUEST) {
    sks = { kind: 'fieldPointer', commandData: fp.commandData, fieldPointer: fp.field };
    if (fp.bit !== undefined) sks.bitPointer = fp.bit;
  } else if (fp !== undefined && e.senseKey === SENSE_KEY_COPY_ABORTED) {
    sks = { kind: 'segmentPointer', segmentDescriptor: false, fieldPointer: fp.field };
    if (fp.bit !== undefined) sks.bitPointer = fp.bit;
  }
  const info = e.information;
  const information = info !== undefined && (opts.descriptor || info <= 0xffffffffn) ? info : undefined;
  return makeSense({
    descriptor: opts.descriptor,
    senseKey: e.senseKey,
    asc: e.asc,
    ascq: e.ascq,
    information,
    senseKeySpecific: sks,
  });
}

/** Sense bytes for a codec error (see senseDataFromError). */
export function senseFromError(e: SenseError, opts: { descriptor: boolean }): Buffer {
  return encodeSense(senseDataFromError(e, opts));
}

// ---------------------------------------------------------------------------------------------
// Human-readable description (used by `xcopyctl sense`).

function h(n: number, width = 2): string {
  return `${n.toString(16).toUpperCase().padStart(width, '0')}h`;
}

function hexBig(v: bigint, bytes: number): string {
  return `0x${v
    .toString(16)
    .toUpperCase()
    .padStart(bytes * 2, '0')} (${v})`;
}

function hexBytes(b: Buffer): string {
  return (b.toString('hex').match(/../g) ?? []).join(' ');
}

function bitText(bit: number | undefined): string {
  return bit === undefined ? '' : ` bit ${bit}`;
}

/** One line for a sense-key specific field. */
export function describeSks(sks: SenseKeySpecific): string {
  switch (sks.kind) {
    case 'fieldPointer':
      return `field pointer: ${sks.commandData ? 'CDB' : 'parameter list'} byte ${sks.fieldPointer}${bitText(sks.bitPointer)}`;
    case 'actualRetryCount':
      return `actual retry count: ${sks.actualRetryCount}`;
    case 'progressIndication':
      return `progress indication: ${sks.progressIndication}/65536 (${((sks.progressIndication * 100) / 65536).toFixed(2)}%)`;
    case 'segmentPointer':
      return `segment pointer: ${sks.segmentDescriptor ? 'segment descriptor' : 'parameter list'} byte ${sks.fieldPointer}${bitText(sks.bitPointer)}`;
    case 'unitAttentionQueueOverflow':
      return `unit attention condition queue overflow: ${sks.overflow ? 'yes' : 'no'}`;
    case 'reserved':
      return `reserved layout: ${h(sks.value, 6)}`;
  }
}

const SENSE_DATA_SOURCES = ['copy source', ...[0, 1, 2, 3, 4, 5, 6].map((n) => `copy destination ${n}`)];

function describeDescriptor(d: SenseDescriptor, depth: number): string[] {
  const type = descriptorTypeOf(d);
  const head = `descriptor ${h(type)} ${descriptorTypeName(type)}`;
  switch (d.kind) {
    case 'information':
      return [`${head}: VALID=${d.valid ? 1 : 0} ${hexBig(d.information, 8)}`];
    case 'commandSpecificInformation':
      return [`${head}: ${hexBig(d.commandSpecificInformation, 8)}`];
    case 'senseKeySpecific':
      return [`${head}: ${d.senseKeySpecific === undefined ? 'SKSV=0' : describeSks(d.senseKeySpecific)}`];
    case 'fieldReplaceableUnit':
      return [`${head}: ${h(d.fieldReplaceableUnitCode)}`];
    case 'streamCommands':
      return [`${head}: FILEMARK=${+d.filemark} EOM=${+d.eom} ILI=${+d.ili}`];
    case 'blockCommands':
      return [`${head}: ILI=${+d.ili}`];
    case 'progressIndication':
      return [
        `${head}: ${senseKeyName(d.senseKey)} ${h(d.asc)}/${h(d.ascq)} ${ascText(d.asc, d.ascq)}, ` +
          `${d.progressIndication}/65536 (${((d.progressIndication * 100) / 65536).toFixed(2)}%)`,
      ];
    case 'forwardedSenseData': {
      const lines = [
        `${head}: source ${SENSE_DATA_SOURCES[d.senseDataSource] ?? `reserved ${h(d.senseDataSource)}`}, ` +
          `status ${statusName(d.forwardedStatus)}${d.forwardedSenseDataTruncated ? ', truncated (FSDT)' : ''}`,
      ];
      if (d.senseData.length === 0) return lines;
      try {
        lines.push(...describeSenseData(decodeSense(d.senseData), depth + 1).map((l) => `  ${l}`));
      } catch (e) {
        lines.push(`  forwarded sense does not decode (${(e as Error).message}): ${hexBytes(d.senseData)}`);
      }
      return lines;
    }
    case 'opaque':
      return [`${head}: ${d.bytes.length === 0 ? '(empty)' : hexBytes(d.bytes)}`];
  }
}

/** Lines describing decoded sense data. */
export function describeSenseData(s: SenseData, depth = 0): string[] {
  const fixed = isFixedSense(s);
  const lines = [
    `response code: ${h(s.responseCode)} (${fixed ? 'fixed' : 'descriptor'} format, ${isDeferredSense(s) ? 'deferred' : 'current'} error)`,
    `sense key: ${h(s.senseKey)} ${senseKeyName(s.senseKey)}`,
    `ASC/ASCQ: ${h(s.asc)}/${h(s.ascq)} ${ascText(s.asc, s.ascq)}`,
  ];
  const flags = [s.filemark && 'FILEMARK', s.eom && 'EOM', s.ili && 'ILI'].filter(
    (f): f is string => f !== false,
  );
  if (flags.length > 0) lines.push(`flags: ${flags.join(' ')}`);
  if (s.sdatOvfl) lines.push('SDAT_OVFL: sense data overflow, some sense was dropped');
  if (s.information !== undefined) lines.push(`INFORMATION: ${hexBig(s.information, fixed ? 4 : 8)}`);
  if (fixed ? s.commandSpecificInformation !== 0n : s.commandSpecificInformation !== undefined) {
    lines.push(`COMMAND-SPECIFIC INFORMATION: ${hexBig(s.commandSpecificInformation ?? 0n, fixed ? 4 : 8)}`);
  }
  if (s.fieldReplaceableUnitCode !== undefined && (!fixed || s.fieldReplaceableUnitCode !== 0)) {
    lines.push(`FIELD REPLACEABLE UNIT CODE: ${h(s.fieldReplaceableUnitCode)}`);
  }
  if (s.senseKeySpecific !== undefined) lines.push(`sense-key specific: ${describeSks(s.senseKeySpecific)}`);
  if (fixed) {
    if (s.additionalSenseBytes.length > 0)
      lines.push(`additional sense bytes: ${hexBytes(s.additionalSenseBytes)}`);
  } else if (depth < 4) {
    for (const d of s.descriptors) lines.push(...describeDescriptor(d, depth));
  } else {
    lines.push(`${s.descriptors.length} descriptors (nesting too deep to show)`);
  }
  return lines;
}

/** Decode and describe sense bytes; throws SenseError when they do not decode. */
export function describeSense(buf: Buffer): string[] {
  return describeSenseData(decodeSense(buf));
}
