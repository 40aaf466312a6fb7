// REPORT DENSITY SUPPORT data with MEDIUM TYPE=0 (SSC-4 7.9): a 4-byte header and 52-byte density
// support data block descriptors.
import { ByteReader, flag, putAsciiExact, putU16, putU24, putU32, putU8 } from '../bytes';
import { invalidParamField } from '../errors';
import { encodeDescriptors, walkDescriptors } from './density-support-header';

export const DENSITY_DESCRIPTOR_LENGTH = 52;
/** DESCRIPTOR LENGTH value when DLV=1: the bytes after byte 4 of the descriptor (002Fh). */
export const DENSITY_DESCRIPTOR_LENGTH_FIELD = DENSITY_DESCRIPTOR_LENGTH - 5;

export interface DensitySupportDescriptor {
  primaryDensityCode: number;
  secondaryDensityCode: number;
  /** WRTOK: the logical unit can write this density. */
  wrtok: boolean;
  /** DUP: the primary density code appears in more than one descriptor. */
  dup: boolean;
  /** DEFLT: this is the default density. */
  deflt: boolean;
  /** DLV: bytes 3-4 hold a valid DESCRIPTOR LENGTH (written as 002Fh). */
  dlv: boolean;
  /** BITS PER MM (24 bits). */
  bitsPerMm: number;
  /** MEDIA WIDTH in tenths of a millimetre. */
  mediaWidth: number;
  tracks: number;
  /** CAPACITY in megabytes (10^6 bytes). */
  capacity: number;
  assigningOrganization: string;
  densityName: string;
  description: string;
}

export interface DensitySupportData {
  descriptors: DensitySupportDescriptor[];
}

function encodeDescriptor(d: DensitySupportDescriptor, b: Buffer, off: number): void {
  putU8(b, d.primaryDensityCode, off, 'primaryDensityCode');
  putU8(b, d.secondaryDensityCode, off + 1, 'secondaryDensityCode');
  b[off + 2] = flag(d.wrtok, 7) | flag(d.dup, 6) | flag(d.deflt, 5) | flag(d.dlv, 0);
  if (d.dlv) b.writeUInt16BE(DENSITY_DESCRIPTOR_LENGTH_FIELD, off + 3);
  putU24(b, d.bitsPerMm, off + 5, 'bitsPerMm');
  putU16(b, d.mediaWidth, off + 8, 'mediaWidth');
  putU16(b, d.tracks, off + 10, 'tracks');
  putU32(b, d.capacity, off + 12, 'capacity');
  putAsciiExact(b, d.assigningOrganization, off + 16, 8, 'assigningOrganization');
  putAsciiExact(b, d.densityName, off + 24, 8, 'densityName');
  putAsciiExact(b, d.description, off + 32, 20, 'description');
}

export function encodeDensitySupportData(v: DensitySupportData): Buffer {
  return encodeDescriptors(v.descriptors, DENSITY_DESCRIPTOR_LENGTH, encodeDescriptor);
}

function descriptorSize(r: ByteReader, off: number): number {
  if (!r.bit(off + 2, 0, 'DLV')) return DENSITY_DESCRIPTOR_LENGTH;
  const len = r.u16(off + 3, 'DESCRIPTOR LENGTH');
  // DLV=1: DESCRIPTOR LENGTH counts the bytes after it; it must at least cover the defined fields.
  if (len < DENSITY_DESCRIPTOR_LENGTH_FIELD) {
    throw invalidParamField(
      off + 3,
      `density descriptor: DESCRIPTOR LENGTH ${len} < ${DENSITY_DESCRIPTOR_LENGTH_FIELD}`,
    );
  }
  return len + 5;
}

function decodeDescriptor(r: ByteReader, off: number): DensitySupportDescriptor {
  return {
    primaryDensityCode: r.u8(off),
    secondaryDensityCode: r.u8(off + 1),
    wrtok: r.bit(off + 2, 7),
    dup: r.bit(off + 2, 6),
    deflt: r.bit(off + 2, 5),
    dlv: r.bit(off + 2, 0),
    bitsPerMm: r.u24(off + 5),
    mediaWidth: r.u16(off + 8),
    tracks: r.u16(off + 10),
    capacity: r.u32(off + 12),
    assigningOrganization: r.ascii(off + 16, 8),
    densityName: r.ascii(off + 24, 8),
    description: r.ascii(off + 32, 20),
  };
}

export function decodeDensitySupportData(buf: Buffer): DensitySupportData {
  return {
    descriptors: walkDescriptors(
      buf,
      'REPORT DENSITY SUPPORT data',
      DENSITY_DESCRIPTOR_LENGTH,
      descriptorSize,
      decodeDescriptor,
    ),
  };
}
