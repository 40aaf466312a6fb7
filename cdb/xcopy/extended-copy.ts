// EXTENDED COPY(LID1) CDB (SPC-4 6.5): opcode 83h, SERVICE ACTION 00h in byte 1 bits 4-0,
// PARAMETER LIST LENGTH in bytes 10-13 (0 = nothing to copy, not an error), CONTROL in byte 15.
// The same opcode carries EXTENDED COPY(LID4) (01h) and the token commands (10h, 11h, 1Ch); those
// are not this codec's and answer 05/24/00 with the field pointer on the SERVICE ACTION field.
import { ByteReader, newCdb, putU32 } from '../bytes';
import { invalidCdbField, invalidOpcode } from '../errors';

export const EXTENDED_COPY = 0x83;
export const EXTENDED_COPY_LID1 = 0x00;
export const EXTENDED_COPY_LID4 = 0x01;
export const EXTENDED_COPY_CDB_LENGTH = 16;

export interface ExtendedCopyCdb {
  parameterListLength: number;
  control: number;
}

export function decodeExtendedCopy(cdb: Buffer): ExtendedCopyCdb {
  const r = new ByteReader(cdb, 'cdb', 0);
  if (r.u8(0, 'OPERATION CODE') !== EXTENDED_COPY) throw invalidOpcode(cdb[0]);
  const serviceAction = r.bits(1, 0, 5, 'SERVICE ACTION');
  if (serviceAction !== EXTENDED_COPY_LID1) {
    throw invalidCdbField(
      1,
      `service action ${serviceAction.toString(16).padStart(2, '0')}h is not EXTENDED COPY(LID1)`,
      4,
    );
  }
  r.need(0, EXTENDED_COPY_CDB_LENGTH, 'EXTENDED COPY CDB');
  if (cdb.length !== EXTENDED_COPY_CDB_LENGTH) {
    throw invalidCdbField(0, `EXTENDED COPY CDB is 16 bytes, got ${cdb.length}`);
  }
  return { parameterListLength: r.u32(10), control: r.u8(15) };
}

export function encodeExtendedCopy(v: ExtendedCopyCdb): Buffer {
  const cdb = newCdb(EXTENDED_COPY, EXTENDED_COPY_CDB_LENGTH, v.control, EXTENDED_COPY_LID1);
  putU32(cdb, v.parameterListLength, 10, 'parameterListLength');
  return cdb;
}
