// REQUEST SENSE (SPC-4 6.39): opcode 03h, six bytes. DESC selects descriptor-format sense data;
// the device server returns at most ALLOCATION LENGTH bytes (0 = none, which is not an error).
import { ByteReader, flag, newCdb, putU8 } from '../bytes';
import { invalidOpcode } from '../errors';

export const REQUEST_SENSE = 0x03;
export const REQUEST_SENSE_LENGTH = 6;

export interface RequestSenseCdb {
  /** DESC: true = descriptor format (72h/73h), false = fixed format (70h/71h). */
  desc: boolean;
  allocationLength: number;
  control: number;
}

export function encodeRequestSense(v: RequestSenseCdb): Buffer {
  const cdb = newCdb(REQUEST_SENSE, REQUEST_SENSE_LENGTH, v.control);
  cdb[1] = flag(v.desc, 0);
  putU8(cdb, v.allocationLength, 4, 'ALLOCATION LENGTH');
  return cdb;
}

/** Bytes past the sixth (e.g. an iSCSI CDB field padded to 16) are ignored. */
export function decodeRequestSense(buf: Buffer): RequestSenseCdb {
  const r = new ByteReader(buf, 'cdb');
  const opcode = r.u8(0, 'OPERATION CODE');
  if (opcode !== REQUEST_SENSE) throw invalidOpcode(opcode);
  return {
    desc: r.bit(1, 0, 'DESC'),
    allocationLength: r.u8(4, 'ALLOCATION LENGTH'),
    control: r.u8(5, 'CONTROL'),
  };
}
