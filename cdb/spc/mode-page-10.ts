// Device Configuration mode page (10h, subpage 00h) for tape, SSC-3 8.3.3 (WTRE/OIR/ROR from SSC-4).
import { bitsField, ByteReader, flag, putU16, putU24, putU8 } from '../bytes';
import { newFixedModePage, openFixedModePage } from './mode-page-format';

export const DEVICE_CONFIGURATION_PAGE_CODE = 0x10;
export const DEVICE_CONFIGURATION_PAGE_LENGTH = 0x0e;

export interface DeviceConfigurationModePage {
  kind: 'deviceConfiguration';
  ps: boolean;
  /** CAP: change active partition. */
  cap: boolean;
  /** CAF: change active format. */
  caf: boolean;
  /** ACTIVE FORMAT (5 bits). */
  activeFormat: number;
  activePartition: number;
  /** WRITE OBJECT BUFFER FULL RATIO (SSC-2: WRITE BUFFER FULL RATIO). */
  writeObjectBufferFullRatio: number;
  /** READ OBJECT BUFFER EMPTY RATIO (SSC-2: READ BUFFER EMPTY RATIO). */
  readObjectBufferEmptyRatio: number;
  /** WRITE DELAY TIME in 100 ms units. */
  writeDelayTime: number;
  /** OBR: object buffer recovery. */
  obr: boolean;
  /** LOIS: logical object identifiers supported. */
  lois: boolean;
  /** RSMK: report setmarks (obsolete). */
  rsmk: boolean;
  /** AVC: automatic velocity control. */
  avc: boolean;
  /** SOCF: stop on consecutive filemarks (2 bits). */
  socf: number;
  /** ROBO: recover object buffer order. */
  robo: boolean;
  /** REW: report early warning. */
  rew: boolean;
  /** GAP SIZE (obsolete). */
  gapSize: number;
  /** EOD DEFINED (3 bits). */
  eodDefined: number;
  /** EEG: enable EOD generation. */
  eeg: boolean;
  /** SEW: synchronize at early warning. */
  sew: boolean;
  /** SWP: software write protection. */
  swp: boolean;
  /** BAML: block address mode lock. */
  baml: boolean;
  /** BAM: block address mode. */
  bam: boolean;
  /** OBJECT BUFFER SIZE AT EARLY WARNING (24 bits; SSC-2: BUFFER SIZE AT EARLY WARNING). */
  objectBufferSizeAtEarlyWarning: number;
  /** SELECT DATA COMPRESSION ALGORITHM: 00h none, 01h default. */
  selectDataCompressionAlgorithm: number;
  /** WTRE: WORM tamper read enable (2 bits, SSC-4). */
  wtre: number;
  /** OIR: only if reserved (SSC-4). */
  oir: boolean;
  /** ROR: rewind on reset (2 bits, SSC-4). */
  ror: number;
  /** ASOCWP: associated write protection. */
  asocwp: boolean;
  /** PERSWP: persistent write protection. */
  perswp: boolean;
  /** PRMWP: permanent write protection. */
  prmwp: boolean;
}

export function encodeDeviceConfigurationModePage(p: DeviceConfigurationModePage): Buffer {
  const b = newFixedModePage(DEVICE_CONFIGURATION_PAGE_CODE, DEVICE_CONFIGURATION_PAGE_LENGTH, p.ps);
  b[2] = flag(p.cap, 6) | flag(p.caf, 5) | bitsField(p.activeFormat, 5, 0, 'activeFormat');
  putU8(b, p.activePartition, 3, 'activePartition');
  putU8(b, p.writeObjectBufferFullRatio, 4, 'writeObjectBufferFullRatio');
  putU8(b, p.readObjectBufferEmptyRatio, 5, 'readObjectBufferEmptyRatio');
  putU16(b, p.writeDelayTime, 6, 'writeDelayTime');
  b[8] =
    flag(p.obr, 7) |
    flag(p.lois, 6) |
    flag(p.rsmk, 5) |
    flag(p.avc, 4) |
    bitsField(p.socf, 2, 2, 'socf') |
    flag(p.robo, 1) |
    flag(p.rew, 0);
  putU8(b, p.gapSize, 9, 'gapSize');
  b[10] =
    bitsField(p.eodDefined, 3, 5, 'eodDefined') |
    flag(p.eeg, 4) |
    flag(p.sew, 3) |
    flag(p.swp, 2) |
    flag(p.baml, 1) |
    flag(p.bam, 0);
  putU24(b, p.objectBufferSizeAtEarlyWarning, 11, 'objectBufferSizeAtEarlyWarning');
  putU8(b, p.selectDataCompressionAlgorithm, 14, 'selectDataCompressionAlgorithm');
  b[15] =
    bitsField(p.wtre, 2, 6, 'wtre') |
    flag(p.oir, 5) |
    bitsField(p.ror, 2, 3, 'ror') |
    flag(p.asocwp, 2) |
    flag(p.perswp, 1) |
    flag(p.prmwp, 0);
  return b;
}

export function readDeviceConfigurationModePage(r: ByteReader, off = 0): DeviceConfigurationModePage {
  const { page: p, ps } = openFixedModePage(
    r,
    off,
    DEVICE_CONFIGURATION_PAGE_CODE,
    DEVICE_CONFIGURATION_PAGE_LENGTH,
    'Device Configuration mode page',
  );
  return {
    kind: 'deviceConfiguration',
    ps,
    cap: p.bit(2, 6),
    caf: p.bit(2, 5),
    activeFormat: p.bits(2, 0, 5),
    activePartition: p.u8(3),
    writeObjectBufferFullRatio: p.u8(4),
    readObjectBufferEmptyRatio: p.u8(5),
    writeDelayTime: p.u16(6),
    obr: p.bit(8, 7),
    lois: p.bit(8, 6),
    rsmk: p.bit(8, 5),
    avc: p.bit(8, 4),
    socf: p.bits(8, 2, 2),
    robo: p.bit(8, 1),
    rew: p.bit(8, 0),
    gapSize: p.u8(9),
    eodDefined: p.bits(10, 5, 3),
    eeg: p.bit(10, 4),
    sew: p.bit(10, 3),
    swp: p.bit(10, 2),
    baml: p.bit(10, 1),
    bam: p.bit(10, 0),
    objectBufferSizeAtEarlyWarning: p.u24(11),
    selectDataCompressionAlgorithm: p.u8(14),
    wtre: p.bits(15, 6, 2),
    oir: p.bit(15, 5),
    ror: p.bits(15, 3, 2),
    asocwp: p.bit(15, 2),
    perswp: p.bit(15, 1),
    prmwp: p.bit(15, 0),
  };
}

export function decodeDeviceConfigurationModePage(buf: Buffer): DeviceConfigurationModePage {
  return readDeviceConfigurationModePage(new ByteReader(buf, 'param'));
}
