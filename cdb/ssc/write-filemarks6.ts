// WRITE FILEMARKS(6) (SSC-4 6.9). WSMK (write setmarks) is the SSC-2 bit 1, obsolete since SSC-3;
// it is kept so a target can see (and reject) it.
import { flag, newCdb, openCdb, putU24 } from '../bytes';

export const WRITE_FILEMARKS6_OPCODE = 0x10;
export const WRITE_FILEMARKS6_CDB_LENGTH = 6;

export interface WriteFilemarks6 {
  /** WSMK: write setmarks instead of filemarks (SSC-2; obsolete). */
  wsmk: boolean;
  /** IMMED: return status before the marks reach the medium. */
  immed: boolean;
  /** FILEMARK COUNT (24 bits); 0 only flushes the buffer. */
  filemarkCount: number;
  control: number;
}

export function encodeWriteFilemarks6(v: WriteFilemarks6): Buffer {
  const b = newCdb(WRITE_FILEMARKS6_OPCODE, WRITE_FILEMARKS6_CDB_LENGTH, v.control);
  b[1] = flag(v.wsmk, 1) | flag(v.immed, 0);
  putU24(b, v.filemarkCount, 2, 'filemarkCount');
  return b;
}

export function decodeWriteFilemarks6(cdb: Buffer): WriteFilemarks6 {
  const r = openCdb(cdb, WRITE_FILEMARKS6_OPCODE, WRITE_FILEMARKS6_CDB_LENGTH, 'WRITE FILEMARKS(6)');
  return { wsmk: r.bit(1, 1), immed: r.bit(1, 0), filemarkCount: r.u24(2), control: r.u8(5) };
}
