// REQUEST SENSE (SPC-4 6.39): opcode 03h, six bytes. DESC selects descriptor-format sense data;
// the device server returns at most ALLOCATION LENGTH bytes (0 = none, which is not an error).
import { ByteReader, checkUint, flag } from '../bytes';
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
  const cdb = Buffer.alloc(REQUEST_SENSE_LENGTH);
  cdb[0] = REQUEST_SENSE;
  cdb[1] = flag(v.desc, 0);
  cdb[4] = checkUint(v.allocationLength, 8, 'ALLOCATION LENGTH');
  cdb[5] = checkUint(v.control, 8, 'CONTROL');
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
