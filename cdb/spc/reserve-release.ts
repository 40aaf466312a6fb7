// RESERVE(6) 16h / RELEASE(6) 17h and RESERVE(10) 56h / RELEASE(10) 57h CDBs, SPC-2 7.21 / 7.16,
// plus the 8-byte third-party device ID parameter list sent with LONGID = 1. The 6-byte forms
// keep their SCSI-2 fields (3RDPTY, THIRD-PARTY DEVICE ID, EXTENT), obsolete since SPC-2.
import type { CommandCodec, DecoderTable } from '../command';
import { bitsField, ByteReader, checkUint, flag, newCdb, openCdb, putU16, putU64, putU8 } from '../bytes';
import { invalidCdbField, paramListLengthError } from '../errors';

export const RESERVE6_OPCODE = 0x16;
export const RELEASE6_OPCODE = 0x17;
export const RESERVE10_OPCODE = 0x56;
export const RELEASE10_OPCODE = 0x57;

/** RESERVE(6) / RELEASE(6): byte 1 bit 4 3RDPTY, bits 3-1 THIRD-PARTY DEVICE ID, bit 0 EXTENT (SCSI-2). */
export interface Reserve6Cdb {
  /** 3RDPTY (obsolete in SPC-2). */
  thirdParty: boolean;
  /** THIRD-PARTY DEVICE ID (3 bits, obsolete in SPC-2). */
  thirdPartyDeviceId: number;
  /** EXTENT (obsolete in SPC-2). */
  extent: boolean;
  /** RESERVATION IDENTIFICATION (obsolete in SPC-2). */
  reservationIdentification: number;
  /** EXTENT LIST LENGTH (RESERVE(6) only; obsolete in SPC-2). */
  extentListLength: number;
  control: number;
}

export type Release6Cdb = Omit<Reserve6Cdb, 'extentListLength'>;

/** RESERVE(10) / RELEASE(10). */
export interface Reserve10Cdb {
  /** 3RDPTY: reserve/release on behalf of the device in THIRD-PARTY DEVICE ID. */
  thirdParty: boolean;
  /** LONGID: the device ID is the 8-byte parameter list instead of byte 3. */
  longId: boolean;
  /** EXTENT (obsolete). */
  extent: boolean;
  /** RESERVATION IDENTIFICATION (obsolete). */
  reservationIdentification: number;
  thirdPartyDeviceId: number;
  parameterListLength: number;
  control: number;
}

export type Release10Cdb = Reserve10Cdb;

function byte1Of6(v: Release6Cdb): number {
  return (
    flag(v.thirdParty, 4) | bitsField(v.thirdPartyDeviceId, 3, 1, 'thirdPartyDeviceId') | flag(v.extent, 0)
  );
}

export function encodeReserve6(v: Reserve6Cdb): Buffer {
  const b = newCdb(RESERVE6_OPCODE, 6, v.control);
  b[1] = byte1Of6(v);
  putU8(b, v.reservationIdentification, 2, 'reservationIdentification');
  putU16(b, v.extentListLength, 3, 'extentListLength');
  return b;
}

export function decodeReserve6(cdb: Buffer): Reserve6Cdb {
  const r = openCdb(cdb, RESERVE6_OPCODE, 6, 'RESERVE(6)');
  return {
    thirdParty: r.bit(1, 4),
    thirdPartyDeviceId: r.bits(1, 1, 3),
    extent: r.bit(1, 0),
    reservationIdentification: r.u8(2),
    extentListLength: r.u16(3),
    control: r.u8(5),
  };
}

export function encodeRelease6(v: Release6Cdb): Buffer {
  const b = newCdb(RELEASE6_OPCODE, 6, v.control);
  b[1] = byte1Of6(v);
  putU8(b, v.reservationIdentification, 2, 'reservationIdentification');
  return b;
}

export function decodeRelease6(cdb: Buffer): Release6Cdb {
  const r = openCdb(cdb, RELEASE6_OPCODE, 6, 'RELEASE(6)');
  return {
    thirdParty: r.bit(1, 4),
    thirdPartyDeviceId: r.bits(1, 1, 3),
    extent: r.bit(1, 0),
    reservationIdentification: r.u8(2),
    control: r.u8(5),
  };
}

function encode10(opcode: number, v: Reserve10Cdb): Buffer {
  const b = newCdb(opcode, 10, v.control);
  b[1] = flag(v.thirdParty, 4) | flag(v.longId, 1) | flag(v.extent, 0);
  putU8(b, v.reservationIdentification, 2, 'reservationIdentification');
  putU8(b, v.thirdPartyDeviceId, 3, 'thirdPartyDeviceId');
  putU16(b, v.parameterListLength, 7, 'parameterListLength');
  return b;
}

function decode10(cdb: Buffer, opcode: number, name: string): Reserve10Cdb {
  const r = openCdb(cdb, opcode, 10, name);
  const v: Reserve10Cdb = {
    thirdParty: r.bit(1, 4),
    longId: r.bit(1, 1),
    extent: r.bit(1, 0),
    reservationIdentification: r.u8(2),
    thirdPartyDeviceId: r.u8(3),
    parameterListLength: r.u16(7),
    control: r.u8(9),
  };
  // SPC-2 7.21 / 7.16: with 3RDPTY = 1 (and no extents) the parameter list is empty when
  // LONGID = 0 and is the 8-byte device ID when LONGID = 1; other lengths are INVALID FIELD IN CDB.
  // With 3RDPTY = 0 the PARAMETER LIST LENGTH is ignored.
  if (v.thirdParty && !v.extent) {
    const expected = v.longId ? LONG_ID_PARAMETER_LIST_LENGTH : 0;
    if (v.parameterListLength !== expected) {
      throw invalidCdbField(
        7,
        `${name}: PARAMETER LIST LENGTH must be ${expected} with LONGID=${v.longId ? 1 : 0}`,
      );
    }
  }
  return v;
}

export function encodeReserve10(v: Reserve10Cdb): Buffer {
  return encode10(RESERVE10_OPCODE, v);
}

export function decodeReserve10(cdb: Buffer): Reserve10Cdb {
  return decode10(cdb, RESERVE10_OPCODE, 'RESERVE(10)');
}

export function encodeRelease10(v: Release10Cdb): Buffer {
  return encode10(RELEASE10_OPCODE, v);
}

export function decodeRelease10(cdb: Buffer): Release10Cdb {
  return decode10(cdb, RELEASE10_OPCODE, 'RELEASE(10)');
}

// --- LONGID parameter list -----------------------------------------------------------------------

export const LONG_ID_PARAMETER_LIST_LENGTH = 8;

/** RESERVE(10)/RELEASE(10) parameter list with LONGID = 1: the 8-byte THIRD-PARTY DEVICE ID. */
export interface LongIdParameterList {
  thirdPartyDeviceId: bigint;
}

export function encodeLongIdParameterList(v: LongIdParameterList): Buffer {
  const b = Buffer.alloc(LONG_ID_PARAMETER_LIST_LENGTH);
  putU64(b, v.thirdPartyDeviceId, 0, 'thirdPartyDeviceId');
  return b;
}

export function decodeLongIdParameterList(buf: Buffer): LongIdParameterList {
  if (buf.length !== LONG_ID_PARAMETER_LIST_LENGTH) {
    throw paramListLengthError(`LONGID parameter list is ${buf.length} bytes, must be 8`);
  }
  return { thirdPartyDeviceId: new ByteReader(buf, 'param').u64(0, 'THIRD-PARTY DEVICE ID') };
}

/** Device id of a third-party reservation, whichever form carried it; undefined when 3RDPTY = 0. */
export function thirdPartyDeviceIdOf(
  cdb: Reserve10Cdb,
  parameterList?: LongIdParameterList,
): bigint | undefined {
  if (!cdb.thirdParty) return undefined;
  if (!cdb.longId) return BigInt(checkUint(cdb.thirdPartyDeviceId, 8, 'thirdPartyDeviceId'));
  if (parameterList === undefined) throw new RangeError('LONGID = 1 needs the parameter list');
  return parameterList.thirdPartyDeviceId;
}

export const RESERVE_RELEASE_COMMANDS: CommandCodec[] = [
  { opcode: RESERVE6_OPCODE, name: 'RESERVE(6)', deviceTypes: [], cdbLength: 6, decode: decodeReserve6 },
  { opcode: RELEASE6_OPCODE, name: 'RELEASE(6)', deviceTypes: [], cdbLength: 6, decode: decodeRelease6 },
  { opcode: RESERVE10_OPCODE, name: 'RESERVE(10)', deviceTypes: [], cdbLength: 10, decode: decodeReserve10 },
  { opcode: RELEASE10_OPCODE, name: 'RELEASE(10)', deviceTypes: [], cdbLength: 10, decode: decodeRelease10 },
];

export const RESERVE_RELEASE_DECODERS: DecoderTable = {
  'spc.reserve6': decodeReserve6,
  'spc.release6': decodeRelease6,
  'spc.reserve10': decodeReserve10,
  'spc.release10': decodeRelease10,
  'spc.reserve10.longIdParameterList': decodeLongIdParameterList,
};
