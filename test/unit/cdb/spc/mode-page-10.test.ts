import * as fc from 'fast-check';
import {
  decodeDeviceConfigurationModePage,
  encodeDeviceConfigurationModePage,
} from '../../../../cdb/spc/mode-page-10';
import { deviceConfigurationPage } from './mode-arbitraries';
import { expectSense, hex } from './spc-mode-helpers';

describe('Device Configuration mode page (10h, SSC)', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(deviceConfigurationPage, (p) =>
        expect(decodeDeviceConfigurationModePage(encodeDeviceConfigurationModePage(p))).toEqual(p),
      ),
    );
  });

  it('golden page: IBM ULT3580 LTO drive (90 0e 00 00 00 00 01 2c 40 00 10 00 00 00 01 90)', () => {
    const page = hex(`
      90 0e      # PS=1, page 10h, PAGE LENGTH 0Eh
      00         # CAP=0 CAF=0 ACTIVE FORMAT 0
      00         # ACTIVE PARTITION 0
      00 00      # WRITE/READ OBJECT BUFFER ratios 0
      01 2c      # WRITE DELAY TIME 300 (30 s)
      40         # LOIS=1
      00         # GAP SIZE 0
      10         # EOD DEFINED=000b EEG=1
      00 00 00   # OBJECT BUFFER SIZE AT EARLY WARNING 0
      01         # SELECT DATA COMPRESSION ALGORITHM 01h (default)
      90         # WTRE=10b, ROR=10b
    `);
    const p = decodeDeviceConfigurationModePage(page);
    expect(p).toEqual({
      kind: 'deviceConfiguration',
      ps: true,
      cap: false,
      caf: false,
      activeFormat: 0,
      activePartition: 0,
      writeObjectBufferFullRatio: 0,
      readObjectBufferEmptyRatio: 0,
      writeDelayTime: 300,
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
      sew: false,
      swp: false,
      baml: false,
      bam: false,
      objectBufferSizeAtEarlyWarning: 0,
      selectDataCompressionAlgorithm: 1,
      wtre: 2,
      oir: false,
      ror: 2,
      asocwp: false,
      perswp: false,
      prmwp: false,
    });
    expect(encodeDeviceConfigurationModePage(p)).toEqual(page);
  });

  it('golden page: every bit of bytes 8, 10 and 15', () => {
    const page = hex(`
      10 0e 7f 03 80 40 00 0a   # CAP CAF ACTIVE FORMAT 1Fh, partition 3, ratios 80h/40h, delay 10
      ff 05                     # OBR LOIS RSMK AVC SOCF=11b ROBO REW, GAP SIZE 5
      ff 01 00 00               # EOD DEFINED=111b EEG SEW SWP BAML BAM, EW buffer 010000h
      00 27                     # SDCA 0, ASOCWP PERSWP PRMWP + OIR (bit 5)
    `);
    const p = decodeDeviceConfigurationModePage(page);
    expect(p).toMatchObject({
      cap: true,
      caf: true,
      activeFormat: 0x1f,
      activePartition: 3,
      writeObjectBufferFullRatio: 0x80,
      readObjectBufferEmptyRatio: 0x40,
      writeDelayTime: 10,
      obr: true,
      lois: true,
      rsmk: true,
      avc: true,
      socf: 3,
      robo: true,
      rew: true,
      gapSize: 5,
      eodDefined: 7,
      eeg: true,
      sew: true,
      swp: true,
      baml: true,
      bam: true,
      objectBufferSizeAtEarlyWarning: 0x010000,
      selectDataCompressionAlgorithm: 0,
      wtre: 0,
      oir: true,
      ror: 0,
      asocwp: true,
      perswp: true,
      prmwp: true,
    });
    expect(encodeDeviceConfigurationModePage(p)).toEqual(page);
  });

  it('the SSC-4 Device Configuration Extension subpage (10h/01h) is not this page', () => {
    expectSense(() => decodeDeviceConfigurationModePage(hex('50 01 00 1c')), 5, 0x26, 0, {
      commandData: false,
      field: 0,
      bit: 6,
    });
  });

  it('encoder refuses a 25-bit early warning buffer size', () => {
    const p = fc.sample(deviceConfigurationPage, 1)[0];
    expect(() =>
      encodeDeviceConfigurationModePage({ ...p, objectBufferSizeAtEarlyWarning: 1 << 24 }),
    ).toThrow(RangeError);
  });
});
