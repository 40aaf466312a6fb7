// REPORT DENSITY SUPPORT data with MEDIUM TYPE=1 (SSC-4 7.9): a 4-byte header and 56-byte medium
// type descriptors (DESCRIPTOR LENGTH 0034h).
import { ByteReader, putAsciiExact, putU16, putU8 } from '../bytes';
import { invalidParamField } from '../errors';
import { encodeDescriptors, walkDescriptors } from './density-support-header';

export const MEDIUM_TYPE_DESCRIPTOR_LENGTH = 56;
/** DESCRIPTOR LENGTH field value: the bytes after byte 3 of the descriptor. */
export const MEDIUM_TYPE_DESCRIPTOR_LENGTH_FIELD = MEDIUM_TYPE_DESCRIPTOR_LENGTH - 4;
/** The PRIMARY DENSITY CODE list has room for nine codes. */
export const MAX_MEDIUM_DENSITY_CODES = 9;

export interface MediumTypeDescriptor {
  mediumType: number;
  /** PRIMARY DENSITY CODE list, NUMBER OF DENSITY CODES entries (at most 9). */
  primaryDensityCodes: number[];
  /** MEDIA WIDTH in tenths of a millimetre. */
  mediaWidth: number;
  /** MEDIUM LENGTH in metres. */
  mediumLength: number;
  assigningOrganization: string;
  mediumTypeName: string;
  description: string;
}

export interface MediumTypeData {
  descriptors: MediumTypeDescriptor[];
}

function encodeDescriptor(d: MediumTypeDescriptor, b: Buffer, off: number): void {
  putU8(b, d.mediumType, off, 'mediumType');
  b.writeUInt16BE(MEDIUM_TYPE_DESCRIPTOR_LENGTH_FIELD, off + 2);
  if (d.primaryDensityCodes.length > MAX_MEDIUM_DENSITY_CODES) {
    throw new RangeError(`primaryDensityCodes has ${d.primaryDensityCodes.length} entries, at most 9 fit`);
  }
  b[off + 4] = d.primaryDensityCodes.length;
  d.primaryDensityCodes.forEach((c, i) => putU8(b, c, off + 5 + i, 'primaryDensityCodes[]'));
  putU16(b, d.mediaWidth, off + 14, 'mediaWidth');
  putU16(b, d.mediumLength, off + 16, 'mediumLength');
  putAsciiExact(b, d.assigningOrganization, off + 20, 8, 'assigningOrganization');
  putAsciiExact(b, d.mediumTypeName, off + 28, 8, 'mediumTypeName');
  putAsciiExact(b, d.description, off + 36, 20, 'description');
}

export function encodeMediumTypeData(v: MediumTypeData): Buffer {
  return encodeDescriptors(v.descriptors, MEDIUM_TYPE_DESCRIPTOR_LENGTH, encodeDescriptor);
}

function descriptorSize(r: ByteReader, off: number): number {
  const len = r.u16(off + 2, 'DESCRIPTOR LENGTH');
  if (len < MEDIUM_TYPE_DESCRIPTOR_LENGTH_FIELD) {
    throw invalidParamField(
      off + 2,
      `medium type descriptor: DESCRIPTOR LENGTH ${len} < ${MEDIUM_TYPE_DESCRIPTOR_LENGTH_FIELD}`,
    );
  }
  return len + 4;
}

function decodeDescriptor(r: ByteReader, off: number): MediumTypeDescriptor {
  const count = r.u8(off + 4, 'NUMBER OF DENSITY CODES');
  if (count > MAX_MEDIUM_DENSITY_CODES) {
    throw invalidParamField(off + 4, `medium type descriptor: NUMBER OF DENSITY CODES ${count} > 9`);
  }
  return {
    mediumType: r.u8(off),
    primaryDensityCodes: [...r.slice(off + 5, count)],
    mediaWidth: r.u16(off + 14),
    mediumLength: r.u16(off + 16),
    assigningOrganization: r.ascii(off + 20, 8),
    mediumTypeName: r.ascii(off + 28, 8),
    description: r.ascii(off + 36, 20),
  };
}

export function decodeMediumTypeData(buf: Buffer): MediumTypeData {
  return {
    descriptors: walkDescriptors(
      buf,
      'REPORT DENSITY SUPPORT medium type data',
      MEDIUM_TYPE_DESCRIPTOR_LENGTH,
      descriptorSize,
      decodeDescriptor,
    ),
  };
}
