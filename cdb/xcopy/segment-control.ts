// Segment descriptors that verify, position or register instead of moving a byte stream:
// 07h verify CSCD (SPC-4 6.4.6.9), 10h write filemarks, 11h space, 12h locate (6.4.6.13-15),
// 13h tape device image copy (6.4.6.16), 14h register persistent reservation key (6.4.6.17) and
// 16h block device image copy (6.4.6.19). None of them has DC or CAT: byte 1 is reserved.
import { ByteReader, checkUint, putU24, putU32, putU64 } from '../bytes';
import { putSigned24, readSigned24 } from '../ssc/common';
import { newSegment } from './segment-header';

/** 07h: check that a CSCD is reachable (TUR=1: with TEST UNIT READY). */
export interface VerifyCscdSegment {
  kind: 'verifyCscd';
  descriptorTypeCode: 0x07;
  sourceCscdDescriptorId: number;
  tur: boolean;
}

/** 10h: WRITE FILEMARKS on the destination tape (0A/26/0C if it is not a tape). */
export interface WriteFilemarksSegment {
  kind: 'writeFilemarks';
  descriptorTypeCode: 0x10;
  destinationCscdDescriptorId: number;
  wImmed: boolean;
  filemarkCount: number;
}

/** 11h: SPACE on the destination tape; CODE and COUNT are passed to SPACE(6) unchanged. */
export interface SpaceSegment {
  kind: 'space';
  descriptorTypeCode: 0x11;
  destinationCscdDescriptorId: number;
  /** SPACE CODE (4 bits: 0 logical blocks, 1 filemarks, 3 end of data...). */
  code: number;
  /** COUNT, a 24-bit two's complement value as in SPACE(6) (negative = toward BOP). */
  count: number;
}

/** 12h: LOCATE on the destination tape, current partition. */
export interface LocateSegment {
  kind: 'locate';
  descriptorTypeCode: 0x12;
  destinationCscdDescriptorId: number;
  logicalObjectIdentifier: number;
}

/** 13h: tape image copy until COUNT consecutive filemarks (0 = no filemark limit). */
export interface TapeImageCopySegment {
  kind: 'tapeImageCopy';
  descriptorTypeCode: 0x13;
  sourceCscdDescriptorId: number;
  destinationCscdDescriptorId: number;
  count: number;
}

/** 14h: PERSISTENT RESERVE OUT REGISTER on the destination with these keys. */
export interface RegisterKeySegment {
  kind: 'registerKey';
  descriptorTypeCode: 0x14;
  destinationCscdDescriptorId: number;
  reservationKey: bigint;
  serviceActionReservationKey: bigint;
}

/** 16h: block image copy preserving protection information (0 blocks = to the end). */
export interface BlockImageCopySegment {
  kind: 'blockImageCopy';
  descriptorTypeCode: 0x16;
  sourceCscdDescriptorId: number;
  destinationCscdDescriptorId: number;
  startingSourceLogicalBlockAddress: bigint;
  startingDestinationLogicalBlockAddress: bigint;
  numberOfLogicalBlocks: number;
}

export type ControlSegment =
  | VerifyCscdSegment
  | WriteFilemarksSegment
  | SpaceSegment
  | LocateSegment
  | TapeImageCopySegment
  | RegisterKeySegment
  | BlockImageCopySegment;

export const CONTROL_SEGMENT_CODES: readonly number[] = [0x07, 0x10, 0x11, 0x12, 0x13, 0x14, 0x16];

const CONTROL_KINDS: readonly string[] = [
  'verifyCscd',
  'writeFilemarks',
  'space',
  'locate',
  'tapeImageCopy',
  'registerKey',
  'blockImageCopy',
];

export function isControlSegment(s: { kind: string }): s is ControlSegment {
  return CONTROL_KINDS.includes(s.kind);
}

/** Decode one control segment descriptor (code already known to be in CONTROL_SEGMENT_CODES). */
export function readControlSegment(r: ByteReader, code: number): ControlSegment {
  switch (code) {
    case 0x07:
      return {
        kind: 'verifyCscd',
        descriptorTypeCode: 0x07,
        sourceCscdDescriptorId: r.u16(4),
        tur: r.bit(8, 0),
      };
    case 0x10:
      return {
        kind: 'writeFilemarks',
        descriptorTypeCode: 0x10,
        destinationCscdDescriptorId: r.u16(6),
        wImmed: r.bit(8, 0),
        filemarkCount: r.u24(9),
      };
    case 0x11:
      return {
        kind: 'space',
        descriptorTypeCode: 0x11,
        destinationCscdDescriptorId: r.u16(6),
        code: r.bits(8, 0, 4),
        count: readSigned24(r, 9),
      };
    case 0x12:
      return {
        kind: 'locate',
        descriptorTypeCode: 0x12,
        destinationCscdDescriptorId: r.u16(6),
        logicalObjectIdentifier: r.u32(8),
      };
    case 0x13:
      return {
        kind: 'tapeImageCopy',
        descriptorTypeCode: 0x13,
        sourceCscdDescriptorId: r.u16(4),
        destinationCscdDescriptorId: r.u16(6),
        count: r.u32(8),
      };
    case 0x14:
      return {
        kind: 'registerKey',
        descriptorTypeCode: 0x14,
        destinationCscdDescriptorId: r.u16(6),
        reservationKey: r.u64(8),
        serviceActionReservationKey: r.u64(16),
      };
    default:
      // 16h, the last code in CONTROL_SEGMENT_CODES.
      return {
        kind: 'blockImageCopy',
        descriptorTypeCode: 0x16,
        sourceCscdDescriptorId: r.u16(4),
        destinationCscdDescriptorId: r.u16(6),
        startingSourceLogicalBlockAddress: r.u64(8),
        startingDestinationLogicalBlockAddress: r.u64(16),
        numberOfLogicalBlocks: r.u32(24),
      };
  }
}

export function encodeControlSegment(s: ControlSegment): Buffer {
  switch (s.kind) {
    case 'verifyCscd': {
      const buf = newSegment(s, [0x07], 12, s.sourceCscdDescriptorId, null);
      buf[8] = s.tur ? 1 : 0;
      return buf;
    }
    case 'writeFilemarks': {
      const buf = newSegment(s, [0x10], 12, null, s.destinationCscdDescriptorId);
      buf[8] = s.wImmed ? 1 : 0;
      putU24(buf, s.filemarkCount, 9, 'filemarkCount');
      return buf;
    }
    case 'space': {
      const buf = newSegment(s, [0x11], 12, null, s.destinationCscdDescriptorId);
      buf[8] = checkUint(s.code, 4, 'space code');
      putSigned24(buf, s.count, 9, 'space count');
      return buf;
    }
    case 'locate': {
      const buf = newSegment(s, [0x12], 12, null, s.destinationCscdDescriptorId);
      putU32(buf, s.logicalObjectIdentifier, 8, 'logicalObjectIdentifier');
      return buf;
    }
    case 'tapeImageCopy': {
      const buf = newSegment(s, [0x13], 12, s.sourceCscdDescriptorId, s.destinationCscdDescriptorId);
      putU32(buf, s.count, 8, 'count');
      return buf;
    }
    case 'registerKey': {
      const buf = newSegment(s, [0x14], 28, null, s.destinationCscdDescriptorId);
      putU64(buf, s.reservationKey, 8, 'reservationKey');
      putU64(buf, s.serviceActionReservationKey, 16, 'serviceActionReservationKey');
      return buf;
    }
    case 'blockImageCopy': {
      const buf = newSegment(s, [0x16], 28, s.sourceCscdDescriptorId, s.destinationCscdDescriptorId);
      putU64(buf, s.startingSourceLogicalBlockAddress, 8, 'startingSourceLogicalBlockAddress');
      putU64(buf, s.startingDestinationLogicalBlockAddress, 16, 'startingDestinationLogicalBlockAddress');
      putU32(buf, s.numberOfLogicalBlocks, 24, 'numberOfLogicalBlocks');
      return buf;
    }
  }
}
