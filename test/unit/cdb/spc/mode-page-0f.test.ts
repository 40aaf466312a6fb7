import * as fc from 'fast-check';
import {
  COMPRESSION_ALGORITHM,
  decodeDataCompressionModePage,
  encodeDataCompressionModePage,
} from '../../../../cdb/spc/mode-page-0f';
import { dataCompressionPage } from './mode-arbitraries';
import { expectSense, hex } from './spc-mode-helpers';

describe('Data Compression mode page (0Fh)', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(dataCompressionPage, (p) =>
        expect(decodeDataCompressionModePage(encodeDataCompressionModePage(p))).toEqual(p),
      ),
    );
  });

  it('golden page: IBM LTO drive, compression on, vendor algorithm FFh', () => {
    const page = hex(`
      0f 0e         # page 0Fh, PAGE LENGTH 0Eh
      c0            # DCE=1 DCC=1
      80            # DDE=1 RED=00b
      00 00 00 ff   # COMPRESSION ALGORITHM FFh
      00 00 00 ff   # DECOMPRESSION ALGORITHM FFh
      00 00 00 00   # reserved
    `);
    const p = decodeDataCompressionModePage(page);
    expect(p).toEqual({
      kind: 'dataCompression',
      ps: false,
      dce: true,
      dcc: true,
      dde: true,
      red: 0,
      compressionAlgorithm: 0xff,
      decompressionAlgorithm: 0xff,
    });
    expect(encodeDataCompressionModePage(p)).toEqual(page);
  });

  it('golden page: DCE off, ALDC, RED=10b', () => {
    const p = encodeDataCompressionModePage({
      kind: 'dataCompression',
      ps: true,
      dce: false,
      dcc: true,
      dde: true,
      red: 2,
      compressionAlgorithm: COMPRESSION_ALGORITHM.aldc2048,
      decompressionAlgorithm: COMPRESSION_ALGORITHM.aldc2048,
    });
    expect(p).toEqual(hex('8f 0e 40 c0 00000005 00000005 00000000'));
  });

  it('RED 11b is reserved', () => {
    expectSense(
      () => decodeDataCompressionModePage(hex('0f 0e 00 60 00000000 00000000 00000000')),
      5,
      0x26,
      0,
      {
        commandData: false,
        field: 3,
        bit: 6,
      },
    );
  });
});
