// Third-party Copy VPD page, 8Fh (SPC-4 7.8.17): the copy manager's capabilities as a list of
// third-party copy descriptors (2-byte DESCRIPTOR TYPE, 2-byte DESCRIPTOR LENGTH, parameters).
// Layouts checked against the SPC-4 draft tables 643-660, FreeBSD CTL (ctl_tpc.c, scsi_all.h) and
// sg3_utils sg_vpd. Descriptors with lists get a DESCRIPTOR PAD so their total length is a multiple
// of four (7.8.17.2); decoding accepts any padding and any descriptor order. Descriptor types not listed here are kept as { descriptorType, bytes } with the
// parameter bytes after the 4-byte header.
import { ByteReader, checkUint, putU16, putU32, putU8 } from '../bytes';
import { invalidParamField } from '../errors';
import { readVpdPage, writeVpdPage, type VpdPageHeader } from './inquiry';

export const VPD_THIRD_PARTY_COPY = 0x8f;

export const TPC_DESCRIPTOR_TYPE = {
  SUPPORTED_COMMANDS: 0x0001,
  PARAMETER_DATA: 0x0004,
  SUPPORTED_DESCRIPTORS: 0x0008,
  SUPPORTED_CSCD_DESCRIPTOR_IDS: 0x000c,
  GENERAL_COPY_OPERATIONS: 0x8001,
  STREAM_COPY_OPERATIONS: 0x9101,
  HELD_DATA: 0xc001,
} as const;

/** One command support descriptor of the Supported Commands descriptor. */
export interface SupportedCommand {
  operationCode: number;
  /** SUPPORTED SERVICE ACTION list (empty for commands without service actions). */
  serviceActions: number[];
}

/** SPC-4 7.8.17.4 Supported Commands (0001h). */
export interface SupportedCommandsDescriptor {
  descriptorType: 0x0001;
  commands: SupportedCommand[];
}

/** SPC-4 7.8.17.5 Parameter Data (0004h). */
export interface ParameterDataDescriptor {
  descriptorType: 0x0004;
  maximumCscdDescriptorCount: number;
  maximumSegmentDescriptorCount: number;
  maximumDescriptorListLength: number;
  maximumInlineDataLength: number;
}

/** SPC-4 7.8.17.6 Supported Descriptors (0008h): CSCD and segment descriptor type codes. */
export interface SupportedDescriptorsDescriptor {
  descriptorType: 0x0008;
  descriptorTypeCodes: number[];
}

/** SPC-4 7.8.17.7 Supported CSCD IDs (000Ch): CSCD IDs above 07FFh, e.g. C000h, FFFFh. */
export interface SupportedCscdDescriptorIdsDescriptor {
  descriptorType: 0x000c;
  cscdDescriptorIds: number[];
}

/** SPC-4 7.8.17.10 General Copy Operations (8001h). Granularities are log2 values. */
export interface GeneralCopyOperationsDescriptor {
  descriptorType: 0x8001;
  totalConcurrentCopies: number;
  maximumIdentifiedConcurrentCopies: number;
  maximumSegmentLength: number;
  dataSegmentGranularity: number;
  inlineDataGranularity: number;
}

/** SPC-4 7.8.17.11 Stream Copy Operations (9101h). */
export interface StreamCopyOperationsDescriptor {
  descriptorType: 0x9101;
  maximumStreamDeviceTransferSize: number;
}

/** SPC-4 7.8.17.12 Held Data (C001h). HELD DATA GRANULARITY is a log2 value. */
export interface HeldDataDescriptor {
  descriptorType: 0xc001;
  heldDataLimit: number;
  heldDataGranularity: number;
}

/** Any other descriptor type (ROD token ones, vendor ones...): parameters after the header. */
export interface OpaqueThirdPartyCopyDescriptor {
  descriptorType: number;
  bytes: Buffer;
}

export type KnownThirdPartyCopyDescriptor =
  | SupportedCommandsDescriptor
  | ParameterDataDescriptor
  | SupportedDescriptorsDescriptor
  | SupportedCscdDescriptorIdsDescriptor
  | GeneralCopyOperationsDescriptor
  | StreamCopyOperationsDescriptor
  | HeldDataDescriptor;

export type ThirdPartyCopyDescriptor = KnownThirdPartyCopyDescriptor | OpaqueThirdPartyCopyDescriptor;

export interface ThirdPartyCopyPage extends VpdPageHeader {
  thirdPartyCopyDescriptors: ThirdPartyCopyDescriptor[];
}

const KNOWN_TYPES: ReadonlySet<number> = new Set(Object.values(TPC_DESCRIPTOR_TYPE));

/**
 * Parameter bytes a descriptor needs to hold its fields. Encoding writes the SPC-4 lengths (0004h:
 * 1Ch, 8001h: 20h, 9101h: 0Ch, C001h: 1Ch); decoding only insists on the bytes it reads.
 */
const MIN_LENGTH: Record<number, number> = {
  0x0001: 1,
  0x0004: 16,
  0x0008: 1,
  0x000c: 2,
  0x8001: 14,
  0x9101: 4,
  0xc001: 5,
};

type DescriptorOf<T extends number> = Extract<KnownThirdPartyCopyDescriptor, { descriptorType: T }>;

/** True when `d` is the decoded form of one of the descriptor types this codec knows. */
export function isKnownDescriptor(d: ThirdPartyCopyDescriptor): d is KnownThirdPartyCopyDescriptor {
  return KNOWN_TYPES.has(d.descriptorType) && !('bytes' in d);
}

/** The first descriptor of a given known type, typed. */
export function findThirdPartyCopyDescriptor<T extends KnownThirdPartyCopyDescriptor['descriptorType']>(
  page: ThirdPartyCopyPage,
  descriptorType: T,
): DescriptorOf<T> | undefined {
  const d = page.thirdPartyCopyDescriptors.find(
    (x) => x.descriptorType === descriptorType && isKnownDescriptor(x),
  );
  return d as DescriptorOf<T> | undefined;
}

// ---- encoding ----

function padded(params: Buffer): Buffer {
  const out = Buffer.alloc((params.length + 3) & ~3);
  params.copy(out);
  return out;
}

function fixed(length: number, fill: (b: Buffer) => void): Buffer {
  const b = Buffer.alloc(length);
  fill(b);
  return b;
}

/** Parameter bytes (after the 4-byte header) of a known descriptor. */
function encodeParameters(d: KnownThirdPartyCopyDescriptor): Buffer {
  switch (d.descriptorType) {
    case 0x0001: {
      const list = Buffer.concat(
        d.commands.map((c) => {
          const sas = c.serviceActions.map((sa) => checkUint(sa, 8, 'serviceActions[]'));
          return Buffer.from([
            checkUint(c.operationCode, 8, 'operationCode'),
            checkUint(sas.length, 8, 'SA list'),
            ...sas,
          ]);
        }),
      );
      return padded(
        Buffer.concat([Buffer.from([checkUint(list.length, 8, 'COMMANDS SUPPORTED LIST LENGTH')]), list]),
      );
    }
    case 0x0004:
      return fixed(0x1c, (b) => {
        putU16(b, d.maximumCscdDescriptorCount, 4, 'maximumCscdDescriptorCount');
        putU16(b, d.maximumSegmentDescriptorCount, 6, 'maximumSegmentDescriptorCount');
        putU32(b, d.maximumDescriptorListLength, 8, 'maximumDescriptorListLength');
        putU32(b, d.maximumInlineDataLength, 12, 'maximumInlineDataLength');
      });
    case 0x0008: {
      const codes = d.descriptorTypeCodes.map((c) => checkUint(c, 8, 'descriptorTypeCodes[]'));
      return padded(Buffer.from([checkUint(codes.length, 8, 'SUPPORTED DESCRIPTOR LIST LENGTH'), ...codes]));
    }
    case 0x000c: {
      const b = Buffer.alloc(2 + 2 * d.cscdDescriptorIds.length);
      putU16(b, 2 * d.cscdDescriptorIds.length, 0, 'CSCD DESCRIPTOR IDS LIST LENGTH');
      d.cscdDescriptorIds.forEach((id, i) => putU16(b, id, 2 + 2 * i, 'cscdDescriptorIds[]'));
      return padded(b);
    }
    case 0x8001:
      return fixed(0x20, (b) => {
        putU32(b, d.totalConcurrentCopies, 0, 'totalConcurrentCopies');
        putU32(b, d.maximumIdentifiedConcurrentCopies, 4, 'maximumIdentifiedConcurrentCopies');
        putU32(b, d.maximumSegmentLength, 8, 'maximumSegmentLength');
        putU8(b, d.dataSegmentGranularity, 12, 'dataSegmentGranularity');
        putU8(b, d.inlineDataGranularity, 13, 'inlineDataGranularity');
      });
    case 0x9101:
      return fixed(0x0c, (b) => {
        putU32(b, d.maximumStreamDeviceTransferSize, 0, 'maximumStreamDeviceTransferSize');
      });
    case 0xc001:
      return fixed(0x1c, (b) => {
        putU32(b, d.heldDataLimit, 0, 'heldDataLimit');
        putU8(b, d.heldDataGranularity, 4, 'heldDataGranularity');
      });
  }
}

export function encodeThirdPartyCopyDescriptor(d: ThirdPartyCopyDescriptor): Buffer {
  let params: Buffer;
  if ('bytes' in d) {
    if (KNOWN_TYPES.has(d.descriptorType)) {
      throw new RangeError(
        `descriptor type ${d.descriptorType.toString(16)}h has a decoded form; opaque not allowed`,
      );
    }
    params = d.bytes;
  } else {
    params = encodeParameters(d);
  }
  const head = Buffer.alloc(4);
  putU16(head, d.descriptorType, 0, 'descriptorType');
  putU16(head, params.length, 2, 'DESCRIPTOR LENGTH');
  return Buffer.concat([head, params]);
}

export function encodeThirdPartyCopy(v: ThirdPartyCopyPage): Buffer {
  return writeVpdPage(
    v,
    VPD_THIRD_PARTY_COPY,
    Buffer.concat(v.thirdPartyCopyDescriptors.map(encodeThirdPartyCopyDescriptor)),
  );
}

// ---- decoding ----

/** Decode the parameters `p` (absolute field pointers) of a descriptor whose header is at `at`. */
function decodeParameters(type: number, p: ByteReader, at: number): ThirdPartyCopyDescriptor {
  const minLength = MIN_LENGTH[type];
  if (minLength !== undefined && p.length < minLength) {
    throw invalidParamField(at + 2, `DESCRIPTOR LENGTH ${p.length} is short for type ${type.toString(16)}h`);
  }
  switch (type) {
    case 0x0001: {
      const listLength = p.u8(0, 'COMMANDS SUPPORTED LIST LENGTH');
      if (1 + listLength > p.length)
        throw invalidParamField(p.base, 'COMMANDS SUPPORTED LIST LENGTH overruns');
      const commands: SupportedCommand[] = [];
      for (let off = 1; off < 1 + listLength;) {
        if (off + 2 > 1 + listLength)
          throw invalidParamField(p.base + off, 'truncated command support descriptor');
        const saLength = p.u8(off + 1);
        if (off + 2 + saLength > 1 + listLength) {
          throw invalidParamField(p.base + off + 1, 'SERVICE ACTION LIST LENGTH overruns the list');
        }
        commands.push({ operationCode: p.u8(off), serviceActions: [...p.slice(off + 2, saLength)] });
        off += 2 + saLength;
      }
      return { descriptorType: 0x0001, commands };
    }
    case 0x0004:
      return {
        descriptorType: 0x0004,
        maximumCscdDescriptorCount: p.u16(4),
        maximumSegmentDescriptorCount: p.u16(6),
        maximumDescriptorListLength: p.u32(8),
        maximumInlineDataLength: p.u32(12),
      };
    case 0x0008: {
      const n = p.u8(0, 'SUPPORTED DESCRIPTOR LIST LENGTH');
      if (1 + n > p.length) throw invalidParamField(p.base, 'SUPPORTED DESCRIPTOR LIST LENGTH overruns');
      return { descriptorType: 0x0008, descriptorTypeCodes: [...p.slice(1, n)] };
    }
    case 0x000c: {
      const n = p.u16(0, 'SUPPORTED CSCD DESCRIPTOR IDS LIST LENGTH');
      if (n % 2 !== 0 || 2 + n > p.length) {
        throw invalidParamField(p.base, 'SUPPORTED CSCD DESCRIPTOR IDS LIST LENGTH is odd or overruns');
      }
      const cscdDescriptorIds: number[] = [];
      for (let off = 2; off < 2 + n; off += 2) cscdDescriptorIds.push(p.u16(off));
      return { descriptorType: 0x000c, cscdDescriptorIds };
    }
    case 0x8001:
      return {
        descriptorType: 0x8001,
        totalConcurrentCopies: p.u32(0),
        maximumIdentifiedConcurrentCopies: p.u32(4),
        maximumSegmentLength: p.u32(8),
        dataSegmentGranularity: p.u8(12),
        inlineDataGranularity: p.u8(13),
      };
    case 0x9101:
      return { descriptorType: 0x9101, maximumStreamDeviceTransferSize: p.u32(0) };
    case 0xc001:
      return { descriptorType: 0xc001, heldDataLimit: p.u32(0), heldDataGranularity: p.u8(4) };
    default:
      return { descriptorType: type, bytes: p.slice(0, p.length) };
  }
}

/** Read one third-party copy descriptor at `off` of `r`; returns it and the offset after it. */
function readDescriptor(r: ByteReader, off: number): [ThirdPartyCopyDescriptor, number] {
  if (off + 4 > r.length)
    throw invalidParamField(r.base + off, 'truncated third-party copy descriptor header');
  const type = r.u16(off);
  const length = r.u16(off + 2);
  if (off + 4 + length > r.length) {
    throw invalidParamField(r.base + off + 2, `DESCRIPTOR LENGTH ${length} runs past the page`);
  }
  return [decodeParameters(type, r.sub(off + 4, length), r.base + off), off + 4 + length];
}

/** Decode one descriptor at the start of `buf`. */
export function decodeThirdPartyCopyDescriptor(buf: Buffer): ThirdPartyCopyDescriptor {
  return readDescriptor(new ByteReader(buf, 'data-in'), 0)[0];
}

export function decodeThirdPartyCopy(buf: Buffer): ThirdPartyCopyPage {
  const { header, body } = readVpdPage(buf, VPD_THIRD_PARTY_COPY);
  const thirdPartyCopyDescriptors: ThirdPartyCopyDescriptor[] = [];
  for (let off = 0; off < body.length;) {
    const [d, next] = readDescriptor(body, off);
    thirdPartyCopyDescriptors.push(d);
    off = next;
  }
  return { ...header, thirdPartyCopyDescriptors };
}
