// Mode parameter list (SPC-4 7.5): mode parameter header (6 or 10 bytes), block descriptors
// (short general / SBC short LBA / long LBA) and mode pages, for MODE SENSE data-in and MODE
// SELECT data-out. MODE DATA LENGTH counts the bytes after itself in MODE SENSE data and is
// reserved in MODE SELECT data (SPC-4 7.5).
import type { DecoderTable } from '../command';
import { ByteReader, checkUint, flag, putU16, putU24, putU32, putU64, putU8 } from '../bytes';
import { invalidParamField } from '../errors';
import {
  DEVICE_TYPE_CHANGER,
  DEVICE_TYPE_DISK,
  DEVICE_TYPE_TAPE,
  encodeModePage,
  type ModePage,
  readModePage,
} from './mode-pages';
import { modePageSize } from './mode-page-format';

export type ModeHeaderFormat = 6 | 10;
/** 'sense': MODE SENSE data-in; 'select': MODE SELECT parameter list. */
export type ModeParameterUse = 'sense' | 'select';

// --- headers -------------------------------------------------------------------------------

export interface ModeParameterHeader6 {
  modeDataLength: number;
  mediumType: number;
  deviceSpecificParameter: number;
  blockDescriptorLength: number;
}

export interface ModeParameterHeader10 extends ModeParameterHeader6 {
  /** LONGLBA: block descriptors are 16-byte long LBA descriptors. */
  longLba: boolean;
}

export function encodeModeParameterHeader6(h: ModeParameterHeader6): Buffer {
  const b = Buffer.alloc(4);
  putU8(b, h.modeDataLength, 0, 'modeDataLength');
  putU8(b, h.mediumType, 1, 'mediumType');
  putU8(b, h.deviceSpecificParameter, 2, 'deviceSpecificParameter');
  putU8(b, h.blockDescriptorLength, 3, 'blockDescriptorLength');
  return b;
}

export function decodeModeParameterHeader6(buf: Buffer): ModeParameterHeader6 {
  const r = new ByteReader(buf, 'data-in');
  r.need(0, 4, 'mode parameter header(6)');
  return {
    modeDataLength: r.u8(0),
    mediumType: r.u8(1),
    deviceSpecificParameter: r.u8(2),
    blockDescriptorLength: r.u8(3),
  };
}

export function encodeModeParameterHeader10(h: ModeParameterHeader10): Buffer {
  const b = Buffer.alloc(8);
  putU16(b, h.modeDataLength, 0, 'modeDataLength');
  putU8(b, h.mediumType, 2, 'mediumType');
  putU8(b, h.deviceSpecificParameter, 3, 'deviceSpecificParameter');
  b[4] = flag(h.longLba, 0);
  putU16(b, h.blockDescriptorLength, 6, 'blockDescriptorLength');
  return b;
}

export function decodeModeParameterHeader10(buf: Buffer): ModeParameterHeader10 {
  const r = new ByteReader(buf, 'data-in');
  r.need(0, 8, 'mode parameter header(10)');
  return {
    modeDataLength: r.u16(0),
    mediumType: r.u8(2),
    deviceSpecificParameter: r.u8(3),
    longLba: r.bit(4, 0),
    blockDescriptorLength: r.u16(6),
  };
}

// --- DEVICE-SPECIFIC PARAMETER ----------------------------------------------------------------

/** Direct access (SBC-3 6.4.1): WP bit 7, DPOFUA bit 4 (MODE SENSE only). */
export interface DiskDeviceSpecificParameter {
  wp: boolean;
  dpofua: boolean;
}

/** Sequential access (SSC-3 8.3): WP bit 7, BUFFERED MODE bits 6-4, SPEED bits 3-0. */
export interface TapeDeviceSpecificParameter {
  wp: boolean;
  bufferedMode: number;
  speed: number;
}

export function decodeDiskDeviceSpecificParameter(value: number): DiskDeviceSpecificParameter {
  checkUint(value, 8, 'deviceSpecificParameter');
  return { wp: (value & 0x80) !== 0, dpofua: (value & 0x10) !== 0 };
}

export function encodeDiskDeviceSpecificParameter(p: DiskDeviceSpecificParameter): number {
  return flag(p.wp, 7) | flag(p.dpofua, 4);
}

export function decodeTapeDeviceSpecificParameter(value: number): TapeDeviceSpecificParameter {
  checkUint(value, 8, 'deviceSpecificParameter');
  return { wp: (value & 0x80) !== 0, bufferedMode: (value >> 4) & 7, speed: value & 0x0f };
}

export function encodeTapeDeviceSpecificParameter(p: TapeDeviceSpecificParameter): number {
  return flag(p.wp, 7) | (checkUint(p.bufferedMode, 3, 'bufferedMode') << 4) | checkUint(p.speed, 4, 'speed');
}

// --- block descriptors -------------------------------------------------------------------------

/** General mode parameter block descriptor (SPC-4 7.5; tape uses it, SSC-3 8.3.1). */
export interface GeneralBlockDescriptor {
  kind: 'general';
  densityCode: number;
  /** NUMBER OF BLOCKS (24 bits). */
  numberOfBlocks: number;
  /** BLOCK LENGTH (24 bits); 0 on tape means variable-length blocks. */
  blockLength: number;
}

/** Short LBA mode parameter block descriptor of a direct access device (SBC-3 6.4.2). */
export interface ShortLbaBlockDescriptor {
  kind: 'shortLba';
  /** NUMBER OF LOGICAL BLOCKS (32 bits). */
  numberOfLogicalBlocks: number;
  /** LOGICAL BLOCK LENGTH (24 bits). */
  logicalBlockLength: number;
}

/** Long LBA mode parameter block descriptor (LONGLBA = 1, SBC-3 6.4.2). */
export interface LongLbaBlockDescriptor {
  kind: 'longLba';
  numberOfLogicalBlocks: bigint;
  /** LOGICAL BLOCK LENGTH (32 bits). */
  logicalBlockLength: number;
}

export type BlockDescriptor = GeneralBlockDescriptor | ShortLbaBlockDescriptor | LongLbaBlockDescriptor;

export function blockDescriptorSize(kind: BlockDescriptor['kind']): number {
  return kind === 'longLba' ? 16 : 8;
}

export function encodeBlockDescriptor(d: BlockDescriptor): Buffer {
  const b = Buffer.alloc(blockDescriptorSize(d.kind));
  switch (d.kind) {
    case 'general':
      putU8(b, d.densityCode, 0, 'densityCode');
      putU24(b, d.numberOfBlocks, 1, 'numberOfBlocks');
      putU24(b, d.blockLength, 5, 'blockLength');
      break;
    case 'shortLba':
      putU32(b, d.numberOfLogicalBlocks, 0, 'numberOfLogicalBlocks');
      putU24(b, d.logicalBlockLength, 5, 'logicalBlockLength');
      break;
    case 'longLba':
      putU64(b, d.numberOfLogicalBlocks, 0, 'numberOfLogicalBlocks');
      putU32(b, d.logicalBlockLength, 12, 'logicalBlockLength');
      break;
  }
  return b;
}

function readBlockDescriptor(r: ByteReader, off: number, kind: BlockDescriptor['kind']): BlockDescriptor {
  r.need(off, blockDescriptorSize(kind), 'block descriptor');
  switch (kind) {
    case 'general':
      return { kind, densityCode: r.u8(off), numberOfBlocks: r.u24(off + 1), blockLength: r.u24(off + 5) };
    case 'shortLba':
      return { kind, numberOfLogicalBlocks: r.u32(off), logicalBlockLength: r.u24(off + 5) };
    case 'longLba':
      return { kind, numberOfLogicalBlocks: r.u64(off), logicalBlockLength: r.u32(off + 12) };
  }
}

export function decodeBlockDescriptor(buf: Buffer, kind: BlockDescriptor['kind']): BlockDescriptor {
  return readBlockDescriptor(new ByteReader(buf, 'param'), 0, kind);
}

// --- the whole list ----------------------------------------------------------------------------

export interface ModeParameterList {
  mediumType: number;
  /** Raw DEVICE-SPECIFIC PARAMETER; see the disk/tape helpers above. */
  deviceSpecificParameter: number;
  /** LONGLBA (10-byte header only; always false with the 6-byte header). */
  longLba: boolean;
  blockDescriptors: BlockDescriptor[];
  pages: ModePage[];
}

export interface ModeParameterListOptions {
  format: ModeHeaderFormat;
  use: ModeParameterUse;
  /**
   * Peripheral device type: 0 reads short block descriptors as SBC short LBA descriptors (others
   * as general ones) and picks the typed pages (see readModePage).
   */
  deviceType?: number;
  /** false keeps every page generic. */
  typedPages?: boolean;
}

export function encodeModeParameterList(v: ModeParameterList, opts: ModeParameterListOptions): Buffer {
  if (opts.format === 6 && v.longLba) throw new RangeError('longLba needs the 10-byte mode parameter header');
  for (const d of v.blockDescriptors) {
    if ((d.kind === 'longLba') !== v.longLba) {
      throw new RangeError(`a ${d.kind} block descriptor does not match longLba=${v.longLba}`);
    }
  }
  const descriptors = Buffer.concat(v.blockDescriptors.map(encodeBlockDescriptor));
  const pages = Buffer.concat(v.pages.map(encodeModePage));
  const headerLength = opts.format === 6 ? 4 : 8;
  const total = headerLength + descriptors.length + pages.length;
  const lengthBits = opts.format === 6 ? 8 : 16;
  // MODE DATA LENGTH excludes itself (SPC-4 7.5); in MODE SELECT data it is reserved (zero) and
  // the whole list must fit the CDB's PARAMETER LIST LENGTH field.
  let modeDataLength = 0;
  if (opts.use === 'sense')
    modeDataLength = checkUint(total - lengthBits / 8, lengthBits, 'mode data length');
  else checkUint(total, lengthBits, 'parameter list length');
  const header =
    opts.format === 6
      ? encodeModeParameterHeader6({
          modeDataLength,
          mediumType: v.mediumType,
          deviceSpecificParameter: v.deviceSpecificParameter,
          blockDescriptorLength: descriptors.length,
        })
      : encodeModeParameterHeader10({
          modeDataLength,
          mediumType: v.mediumType,
          deviceSpecificParameter: v.deviceSpecificParameter,
          longLba: v.longLba,
          blockDescriptorLength: descriptors.length,
        });
  return Buffer.concat([header, descriptors, pages]);
}

export function decodeModeParameterList(buf: Buffer, opts: ModeParameterListOptions): ModeParameterList {
  const whole = new ByteReader(buf, opts.use === 'sense' ? 'data-in' : 'param');
  const six = opts.format === 6;
  const headerLength = six ? 4 : 8;
  whole.need(0, headerLength, `mode parameter header(${opts.format})`);
  let end = buf.length;
  if (opts.use === 'sense') {
    const modeDataLength = six ? whole.u8(0) : whole.u16(0);
    end = modeDataLength + (six ? 1 : 2);
    if (end < headerLength)
      throw invalidParamField(0, `MODE DATA LENGTH ${modeDataLength} is shorter than the header`);
    whole.need(0, end, 'mode parameter list (MODE DATA LENGTH)');
  }
  const r = whole.sub(0, end, 'mode parameter list');
  const mediumType = r.u8(six ? 1 : 2);
  const deviceSpecificParameter = r.u8(six ? 2 : 3);
  const longLba = six ? false : r.bit(4, 0);
  const bdlOffset = six ? 3 : 6;
  const blockDescriptorLength = six ? r.u8(3) : r.u16(6);
  const kind: BlockDescriptor['kind'] = longLba
    ? 'longLba'
    : opts.deviceType === DEVICE_TYPE_DISK
      ? 'shortLba'
      : 'general';
  const size = blockDescriptorSize(kind);
  if (blockDescriptorLength % size !== 0) {
    throw invalidParamField(
      bdlOffset,
      `BLOCK DESCRIPTOR LENGTH ${blockDescriptorLength} is not a multiple of ${size}`,
    );
  }
  // SPC-4 6.11: truncating a block descriptor or a page is PARAMETER LIST LENGTH ERROR.
  r.need(headerLength, blockDescriptorLength, 'block descriptors');
  const blockDescriptors: BlockDescriptor[] = [];
  for (let off = headerLength; off < headerLength + blockDescriptorLength; off += size) {
    blockDescriptors.push(readBlockDescriptor(r, off, kind));
  }
  const pages: ModePage[] = [];
  for (let off = headerLength + blockDescriptorLength; off < end;) {
    const pageSize = modePageSize(r, off);
    pages.push(
      readModePage(r, off, {
        deviceType: opts.deviceType,
        lenientLength: opts.use === 'sense',
        typed: opts.typedPages,
      }),
    );
    off += pageSize;
  }
  return { mediumType, deviceSpecificParameter, longLba, blockDescriptors, pages };
}

const list = (format: ModeHeaderFormat, use: ModeParameterUse, deviceType?: number) => (buf: Buffer) =>
  decodeModeParameterList(buf, { format, use, deviceType });

export const MODE_PARAMETER_DECODERS: DecoderTable = {
  'spc.modeParameterHeader6': decodeModeParameterHeader6,
  'spc.modeParameterHeader10': decodeModeParameterHeader10,
  'spc.modeBlockDescriptor.general': (buf: Buffer) => decodeBlockDescriptor(buf, 'general'),
  'spc.modeBlockDescriptor.shortLba': (buf: Buffer) => decodeBlockDescriptor(buf, 'shortLba'),
  'spc.modeBlockDescriptor.longLba': (buf: Buffer) => decodeBlockDescriptor(buf, 'longLba'),
  'spc.modeParameterList6.sense': list(6, 'sense'),
  'spc.modeParameterList10.sense': list(10, 'sense'),
  'spc.modeParameterList6.select': list(6, 'select'),
  'spc.modeParameterList10.select': list(10, 'select'),
  'spc.modeParameterList6.sense.tape': list(6, 'sense', DEVICE_TYPE_TAPE),
  'spc.modeParameterList10.select.tape': list(10, 'select', DEVICE_TYPE_TAPE),
  'spc.modeParameterList10.sense.disk': list(10, 'sense', DEVICE_TYPE_DISK),
  'spc.modeParameterList6.select.changer': list(6, 'select', DEVICE_TYPE_CHANGER),
};
