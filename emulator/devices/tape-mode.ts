// Mode parameters of the emulated tape drive (SSC-4 8.3): the block descriptor (density code and
// fixed block length), the data compression page (0Fh) and the device configuration page (10h).
import { encodeDataCompressionModePage } from '../../cdb/spc/mode-page-0f';
import { encodeDeviceConfigurationModePage } from '../../cdb/spc/mode-page-10';
import type { ModePageDefinition } from './mode-pages';

/** BUFFERED MODE 001b: writes complete once the data is in the buffer (SSC-4 8.3.1). */
export const BUFFERED_MODE = 1;

/** Largest block the drive reads or writes: the 24-bit TRANSFER LENGTH / BLOCK LENGTH limit. */
export const MAXIMUM_BLOCK_LENGTH = 0xffffff;
export const MINIMUM_BLOCK_LENGTH = 1;

/**
 * Data compression page: DCC=1 (capable), DCE changeable (the emulation stores blocks as they
 * come, so enabling compression only changes what MODE SENSE reports), DDE=1, algorithms 01h.
 */
export function dataCompressionPage(): ModePageDefinition {
  const defaults = encodeDataCompressionModePage({
    kind: 'dataCompression',
    ps: false,
    dce: false,
    dcc: true,
    dde: true,
    red: 0,
    compressionAlgorithm: 0x01,
    decompressionAlgorithm: 0x01,
  });
  const changeable = Buffer.alloc(defaults.length);
  changeable[2] = 0x80; // DCE
  return { pageCode: 0x0f, defaults, changeable };
}

/**
 * Device configuration page: LOIS=1 (logical object identifiers), EEG=1 (EOD generated),
 * SEW=1 (the buffer is synced at early warning). SWP and SELECT DATA COMPRESSION ALGORITHM
 * (00h/01h) are changeable.
 */
export function deviceConfigurationPage(): ModePageDefinition {
  const defaults = encodeDeviceConfigurationModePage({
    kind: 'deviceConfiguration',
    ps: false,
    cap: false,
    caf: false,
    activeFormat: 0,
    activePartition: 0,
    writeObjectBufferFullRatio: 0,
    readObjectBufferEmptyRatio: 0,
    writeDelayTime: 0,
    obr: false,
    lois: true,
    rsmk: false,
    avc: false,
    socf: 0,
    robo: false,
    rew: false,
    gapSize: 0,
    eodDefined: 0,
    eeg: true,
    sew: true,
    swp: false,
    baml: false,
    bam: false,
    objectBufferSizeAtEarlyWarning: 0,
    selectDataCompressionAlgorithm: 0,
    wtre: 0,
    oir: false,
    ror: 0,
    asocwp: false,
    perswp: false,
    prmwp: false,
  });
  const changeable = Buffer.alloc(defaults.length);
  changeable[10] = 0x04; // SWP
  changeable[14] = 0x01; // SELECT DATA COMPRESSION ALGORITHM 00h/01h
  return { pageCode: 0x10, defaults, changeable };
}

/** SWP of the device configuration page (SSC-4 8.3.3): act as if the medium were write protected. */
export function deviceConfigurationSwp(page: Buffer): boolean {
  return (page[10] & 0x04) !== 0;
}

/** The general mode parameter block descriptor of a tape drive (SSC-4 8.3.1, SPC-4 7.5.5). */
export function tapeBlockDescriptor(densityCode: number, blockLength: number): Buffer {
  const b = Buffer.alloc(8);
  b[0] = densityCode;
  // NUMBER OF BLOCKS (bytes 1-3) zero: the rest of the medium has the same format.
  b.writeUIntBE(blockLength, 5, 3);
  return b;
}
