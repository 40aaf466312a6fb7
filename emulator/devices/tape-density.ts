// Densities and medium types the emulated tape drive knows (REPORT DENSITY SUPPORT, SSC-4 7.9,
// and the mode parameter block descriptor's DENSITY CODE). The drive behaves like an LTO drive that
// reads and writes LTO-5 to LTO-8 formats; a cartridge with any other density code is reported with
// a descriptor built from the cartridge itself.
import { encodeDensitySupportData, type DensitySupportDescriptor } from '../../cdb/ssc/density-support-data';
import { encodeMediumTypeData, type MediumTypeDescriptor } from '../../cdb/ssc/medium-type-data';

interface DensityInfo {
  densityCode: number;
  bitsPerMm: number;
  tracks: number;
  /** Native capacity in megabytes (10^6 bytes). */
  capacityMb: number;
  densityName: string;
  description: string;
  /** Medium length in metres (medium type descriptors). */
  mediumLength: number;
}

/** LTO generations 5-8 (values from the public LTO drive manuals; half-inch media, 12.7 mm). */
export const DENSITIES: readonly DensityInfo[] = [
  {
    densityCode: 0x58,
    bitsPerMm: 15142,
    tracks: 1280,
    capacityMb: 1_500_000,
    densityName: 'U-516',
    description: 'LTO-5',
    mediumLength: 846,
  },
  {
    densityCode: 0x5a,
    bitsPerMm: 15142,
    tracks: 2176,
    capacityMb: 2_500_000,
    densityName: 'U-616',
    description: 'LTO-6',
    mediumLength: 846,
  },
  {
    densityCode: 0x5c,
    bitsPerMm: 19107,
    tracks: 3584,
    capacityMb: 6_000_000,
    densityName: 'U-732',
    description: 'LTO-7',
    mediumLength: 960,
  },
  {
    densityCode: 0x5e,
    bitsPerMm: 20668,
    tracks: 6656,
    capacityMb: 12_000_000,
    densityName: 'U-832',
    description: 'LTO-8',
    mediumLength: 960,
  },
];

/** Density the drive writes on a blank medium (DEFLT in REPORT DENSITY SUPPORT). */
export const DEFAULT_DENSITY = 0x5e;
/** MEDIA WIDTH in tenths of a millimetre: half-inch tape. */
const MEDIA_WIDTH = 127;
const ORGANIZATION = 'LTO-CVE';

export function isSupportedDensity(code: number): boolean {
  return DENSITIES.some((d) => d.densityCode === code);
}

function descriptorOf(d: DensityInfo, deflt: boolean, capacityMb = d.capacityMb): DensitySupportDescriptor {
  return {
    primaryDensityCode: d.densityCode,
    secondaryDensityCode: d.densityCode,
    wrtok: true,
    dup: false,
    deflt,
    dlv: true,
    bitsPerMm: d.bitsPerMm,
    mediaWidth: MEDIA_WIDTH,
    tracks: d.tracks,
    capacity: capacityMb,
    assigningOrganization: ORGANIZATION,
    densityName: d.densityName,
    description: d.description,
  };
}

/** The loaded cartridge as the drive sees it. */
export interface MediumDensity {
  densityCode: number;
  capacityBytes: number;
}

function mediumInfo(m: MediumDensity): DensityInfo {
  const known = DENSITIES.find((d) => d.densityCode === m.densityCode);
  if (known !== undefined) return known;
  const hex = m.densityCode.toString(16).toUpperCase().padStart(2, '0');
  return {
    densityCode: m.densityCode,
    bitsPerMm: 0,
    tracks: 0,
    capacityMb: 0,
    densityName: `EMU-${hex}`,
    description: `EMULATED DENSITY ${hex}`,
    mediumLength: 0,
  };
}

/**
 * REPORT DENSITY SUPPORT data, MEDIUM TYPE=0: every density the drive supports (MEDIA=0), or the
 * density of the mounted medium with its capacity (MEDIA=1).
 */
export function densitySupportData(medium: MediumDensity | undefined): Buffer {
  if (medium === undefined) {
    return encodeDensitySupportData({
      descriptors: DENSITIES.map((d) => descriptorOf(d, d.densityCode === DEFAULT_DENSITY)),
    });
  }
  const info = mediumInfo(medium);
  return encodeDensitySupportData({
    descriptors: [descriptorOf(info, true, Math.floor(medium.capacityBytes / 1_000_000))],
  });
}

function mediumTypeOf(d: DensityInfo): MediumTypeDescriptor {
  return {
    // The emulation uses the density code as MEDIUM TYPE (one medium type per generation).
    mediumType: d.densityCode,
    primaryDensityCodes: [d.densityCode],
    mediaWidth: MEDIA_WIDTH,
    mediumLength: d.mediumLength,
    assigningOrganization: ORGANIZATION,
    mediumTypeName: d.mediumLength > 0 ? d.description : d.densityName,
    description: d.mediumLength > 0 ? `${d.description} DATA CARTRIDGE` : 'EMULATED CARTRIDGE',
  };
}

/** REPORT DENSITY SUPPORT data, MEDIUM TYPE=1: medium types supported, or the mounted one's. */
export function mediumTypeData(medium: MediumDensity | undefined): Buffer {
  if (medium === undefined) return encodeMediumTypeData({ descriptors: DENSITIES.map(mediumTypeOf) });
  return encodeMediumTypeData({ descriptors: [mediumTypeOf(mediumInfo(medium))] });
}
