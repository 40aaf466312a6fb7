// Data Compression mode page (0Fh), SSC-3 8.3.2 (tape).
import { bitsField, ByteReader, flag, putU32 } from '../bytes';
import { invalidParamField } from '../errors';
import { newFixedModePage, openFixedModePage } from './mode-page-format';

export const DATA_COMPRESSION_PAGE_CODE = 0x0f;
export const DATA_COMPRESSION_PAGE_LENGTH = 0x0e;

/** Compression algorithm identifiers commonly seen (SSC-3 8.3.2, registered by T10). */
export const COMPRESSION_ALGORITHM = {
  none: 0x00,
  default: 0x01,
  aldc2048: 0x05,
  idrc: 0x10,
  dclz: 0x20,
} as const;

export interface DataCompressionModePage {
  kind: 'dataCompression';
  ps: boolean;
  /** DCE: data compression enable. */
  dce: boolean;
  /** DCC: data compression capable (not changeable). */
  dcc: boolean;
  /** DDE: data decompression enable. */
  dde: boolean;
  /** RED: report exception on decompression (2 bits; 11b reserved). */
  red: number;
  compressionAlgorithm: number;
  decompressionAlgorithm: number;
}

export function encodeDataCompressionModePage(p: DataCompressionModePage): Buffer {
  const b = newFixedModePage(DATA_COMPRESSION_PAGE_CODE, DATA_COMPRESSION_PAGE_LENGTH, p.ps);
  b[2] = flag(p.dce, 7) | flag(p.dcc, 6);
  b[3] = flag(p.dde, 7) | bitsField(p.red, 2, 5, 'red');
  putU32(b, p.compressionAlgorithm, 4, 'compressionAlgorithm');
  putU32(b, p.decompressionAlgorithm, 8, 'decompressionAlgorithm');
  return b;
}

export function readDataCompressionModePage(r: ByteReader, off = 0): DataCompressionModePage {
  const { page: p, ps } = openFixedModePage(
    r,
    off,
    DATA_COMPRESSION_PAGE_CODE,
    DATA_COMPRESSION_PAGE_LENGTH,
    'Data Compression mode page',
  );
  const red = p.bits(3, 5, 2);
  if (red === 3) throw invalidParamField(p.base + 3, 'RED 11b is reserved', 6);
  return {
    kind: 'dataCompression',
    ps,
    dce: p.bit(2, 7),
    dcc: p.bit(2, 6),
    dde: p.bit(3, 7),
    red,
    compressionAlgorithm: p.u32(4),
    decompressionAlgorithm: p.u32(8),
  };
}

export function decodeDataCompressionModePage(buf: Buffer): DataCompressionModePage {
  return readDataCompressionModePage(new ByteReader(buf, 'param'));
}
