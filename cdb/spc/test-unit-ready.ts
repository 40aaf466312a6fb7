// TEST UNIT READY (SPC-4 6.47): opcode 00h, six bytes, nothing but the CONTROL byte.
import { ByteReader, newCdb } from '../bytes';
import { invalidOpcode } from '../errors';

export const TEST_UNIT_READY = 0x00;
export const TEST_UNIT_READY_LENGTH = 6;

export interface TestUnitReadyCdb {
  control: number;
}

export function encodeTestUnitReady(v: TestUnitReadyCdb): Buffer {
  return newCdb(TEST_UNIT_READY, TEST_UNIT_READY_LENGTH, v.control);
}

/** Bytes past the sixth (e.g. an iSCSI CDB field padded to 16) are ignored. */
export function decodeTestUnitReady(buf: Buffer): TestUnitReadyCdb {
  const r = new ByteReader(buf, 'cdb');
  const opcode = r.u8(0, 'OPERATION CODE');
  if (opcode !== TEST_UNIT_READY) throw invalidOpcode(opcode);
  return { control: r.u8(5, 'CONTROL') };
}
