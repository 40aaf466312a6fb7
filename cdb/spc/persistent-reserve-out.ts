// PERSISTENT RESERVE OUT (5Fh), SPC-4 6.16: the CDB, the basic parameter list (6.16.3) and the
// REGISTER AND MOVE parameter list (6.16.4).
import type { CommandCodec, DecoderTable } from '../command';
import { bitsField, ByteReader, checkUint, flag, newCdb, openCdb, putU16, putU32, putU64 } from '../bytes';
import { invalidCdbField, invalidParamField, paramListLengthError } from '../errors';
import { isValidReservationType, PR_SCOPE_LU } from './persistent-reserve-in';
import { encodeTransportId, readTransportId, type TransportId, transportIdSize } from './transport-id';

export const PERSISTENT_RESERVE_OUT_OPCODE = 0x5f;

export const PR_OUT_SERVICE_ACTION = {
  register: 0x00,
  reserve: 0x01,
  release: 0x02,
  clear: 0x03,
  preempt: 0x04,
  preemptAndAbort: 0x05,
  registerAndIgnoreExistingKey: 0x06,
  registerAndMove: 0x07,
  replaceLostReservation: 0x08,
} as const;

export const PR_OUT_SERVICE_ACTION_NAMES: Record<number, string> = {
  0x00: 'REGISTER',
  0x01: 'RESERVE',
  0x02: 'RELEASE',
  0x03: 'CLEAR',
  0x04: 'PREEMPT',
  0x05: 'PREEMPT AND ABORT',
  0x06: 'REGISTER AND IGNORE EXISTING KEY',
  0x07: 'REGISTER AND MOVE',
  0x08: 'REPLACE LOST RESERVATION',
};

/** Service actions whose SCOPE and TYPE fields are used (SPC-4 6.16.2). */
const USES_SCOPE_AND_TYPE: number[] = [
  PR_OUT_SERVICE_ACTION.reserve,
  PR_OUT_SERVICE_ACTION.release,
  PR_OUT_SERVICE_ACTION.preempt,
  PR_OUT_SERVICE_ACTION.preemptAndAbort,
  PR_OUT_SERVICE_ACTION.replaceLostReservation,
];

/** Length of the basic parameter list without SPEC_I_PT data. */
export const BASIC_PARAMETER_LIST_LENGTH = 24;

// --- CDB -------------------------------------------------------------------------------------

export interface PersistentReserveOutCdb {
  serviceAction: number;
  scope: number;
  type: number;
  parameterListLength: number;
  control: number;
}

export function encodePersistentReserveOut(v: PersistentReserveOutCdb): Buffer {
  const b = newCdb(PERSISTENT_RESERVE_OUT_OPCODE, 10, v.control);
  b[1] = checkUint(v.serviceAction, 5, 'serviceAction');
  b[2] = bitsField(v.scope, 4, 4, 'scope') | checkUint(v.type, 4, 'type');
  putU32(b, v.parameterListLength, 5, 'parameterListLength');
  return b;
}

export function decodePersistentReserveOut(cdb: Buffer): PersistentReserveOutCdb {
  const r = openCdb(cdb, PERSISTENT_RESERVE_OUT_OPCODE, 10, 'PERSISTENT RESERVE OUT');
  const v: PersistentReserveOutCdb = {
    serviceAction: r.bits(1, 0, 5),
    scope: r.bits(2, 4, 4),
    type: r.bits(2, 0, 4),
    parameterListLength: r.u32(5),
    control: r.u8(9),
  };
  if (PR_OUT_SERVICE_ACTION_NAMES[v.serviceAction] === undefined) {
    throw invalidCdbField(1, `PERSISTENT RESERVE OUT service action ${v.serviceAction} is not defined`, 4);
  }
  if (USES_SCOPE_AND_TYPE.includes(v.serviceAction)) {
    if (v.scope !== PR_SCOPE_LU) throw invalidCdbField(2, `SCOPE ${v.scope} is reserved`, 7);
    if (!isValidReservationType(v.type))
      throw invalidCdbField(2, `TYPE ${v.type} is not a reservation type`, 3);
  }
  // Every PERSISTENT RESERVE OUT parameter list is at least 24 bytes (SPC-4 6.16.3, 6.16.4).
  if (v.parameterListLength < BASIC_PARAMETER_LIST_LENGTH) {
    throw paramListLengthError(`PERSISTENT RESERVE OUT PARAMETER LIST LENGTH ${v.parameterListLength} < 24`);
  }
  return v;
}

// --- basic parameter list (6.16.3) ----------------------------------------------------------------

export interface PersistentReserveOutParameterList {
  reservationKey: bigint;
  serviceActionReservationKey: bigint;
  /** SPEC_I_PT: register the initiator ports in transportIds too (REGISTER only). */
  specIPt: boolean;
  /** ALL_TG_PT: register through every target port. */
  allTgPt: boolean;
  /** APTPL: activate persist through power loss. */
  aptpl: boolean;
  /** TransportIDs after TRANSPORTID PARAMETER DATA LENGTH; empty unless specIPt. */
  transportIds: TransportId[];
}

export function encodePersistentReserveOutParameterList(v: PersistentReserveOutParameterList): Buffer {
  if (!v.specIPt && v.transportIds.length > 0) throw new RangeError('transportIds need specIPt');
  const head = Buffer.alloc(BASIC_PARAMETER_LIST_LENGTH);
  putU64(head, v.reservationKey, 0, 'reservationKey');
  putU64(head, v.serviceActionReservationKey, 8, 'serviceActionReservationKey');
  head[20] = flag(v.specIPt, 3) | flag(v.allTgPt, 2) | flag(v.aptpl, 0);
  if (!v.specIPt) return head;
  const ids = Buffer.concat(v.transportIds.map(encodeTransportId));
  const len = Buffer.alloc(4);
  putU32(len, ids.length, 0, 'transportId parameter data length');
  return Buffer.concat([head, len, ids]);
}

/**
 * Decode the basic parameter list; `buf` is exactly the PARAMETER LIST LENGTH bytes. Length
 * mismatches are 05/1A/00 (SPC-4 6.16.3): 24 bytes without SPEC_I_PT, 28 + TRANSPORTID
 * PARAMETER DATA LENGTH with it. Pass `serviceAction` to reject SPEC_I_PT outside REGISTER.
 */
export function decodePersistentReserveOutParameterList(
  buf: Buffer,
  serviceAction?: number,
): PersistentReserveOutParameterList {
  const r = new ByteReader(buf, 'param');
  r.need(0, BASIC_PARAMETER_LIST_LENGTH, 'PERSISTENT RESERVE OUT parameter list');
  const specIPt = r.bit(20, 3);
  if (specIPt && serviceAction !== undefined && serviceAction !== PR_OUT_SERVICE_ACTION.register) {
    throw invalidParamField(20, 'SPEC_I_PT is only allowed with REGISTER', 3);
  }
  const v: PersistentReserveOutParameterList = {
    reservationKey: r.u64(0),
    serviceActionReservationKey: r.u64(8),
    specIPt,
    allTgPt: r.bit(20, 2),
    aptpl: r.bit(20, 0),
    transportIds: [],
  };
  if (!specIPt) {
    if (buf.length !== BASIC_PARAMETER_LIST_LENGTH) {
      throw paramListLengthError(`parameter list is ${buf.length} bytes; 24 without SPEC_I_PT`);
    }
    return v;
  }
  r.need(24, 4, 'TRANSPORTID PARAMETER DATA LENGTH');
  const dataLength = r.u32(24);
  if (28 + dataLength !== buf.length) {
    throw paramListLengthError(`parameter list is ${buf.length} bytes; 28 + ${dataLength} with SPEC_I_PT`);
  }
  const ids = r.sub(28, dataLength, 'TransportIDs');
  for (let off = 0; off < dataLength;) {
    const size = transportIdSize(ids, off);
    v.transportIds.push(readTransportId(ids, off, size));
    off += size;
  }
  return v;
}

// --- REGISTER AND MOVE parameter list (6.16.4) ----------------------------------------------------

export interface RegisterAndMoveParameterList {
  reservationKey: bigint;
  serviceActionReservationKey: bigint;
  /** UNREG: unregister the I_T nexus that sent the command. */
  unreg: boolean;
  aptpl: boolean;
  relativeTargetPortIdentifier: number;
  transportId: TransportId;
}

export function encodeRegisterAndMoveParameterList(v: RegisterAndMoveParameterList): Buffer {
  const tid = encodeTransportId(v.transportId);
  const b = Buffer.alloc(24 + tid.length);
  putU64(b, v.reservationKey, 0, 'reservationKey');
  putU64(b, v.serviceActionReservationKey, 8, 'serviceActionReservationKey');
  b[17] = flag(v.unreg, 1) | flag(v.aptpl, 0);
  putU16(b, v.relativeTargetPortIdentifier, 18, 'relativeTargetPortIdentifier');
  putU32(b, tid.length, 20, 'transportId parameter data length');
  tid.copy(b, 24);
  return b;
}

export function decodeRegisterAndMoveParameterList(buf: Buffer): RegisterAndMoveParameterList {
  const r = new ByteReader(buf, 'param');
  r.need(0, 24, 'REGISTER AND MOVE parameter list');
  const dataLength = r.u32(20);
  if (24 + dataLength !== buf.length) {
    throw paramListLengthError(`parameter list is ${buf.length} bytes; 24 + ${dataLength} expected`);
  }
  if (dataLength === 0) throw invalidParamField(20, 'REGISTER AND MOVE needs a TransportID');
  return {
    reservationKey: r.u64(0),
    serviceActionReservationKey: r.u64(8),
    unreg: r.bit(17, 1),
    aptpl: r.bit(17, 0),
    relativeTargetPortIdentifier: r.u16(18),
    transportId: readTransportId(r, 24, dataLength),
  };
}

export const PERSISTENT_RESERVE_OUT_COMMANDS: CommandCodec[] = Object.keys(PR_OUT_SERVICE_ACTION_NAMES).map(
  (sa) => ({
    opcode: PERSISTENT_RESERVE_OUT_OPCODE,
    serviceAction: Number(sa),
    name: 'PERSISTENT RESERVE OUT',
    deviceTypes: [],
    cdbLength: 10,
    decode: decodePersistentReserveOut,
  }),
);

export const PERSISTENT_RESERVE_OUT_DECODERS: DecoderTable = {
  'spc.persistentReserveOut': decodePersistentReserveOut,
  'spc.persistentReserveOut.parameterList': (buf: Buffer) => decodePersistentReserveOutParameterList(buf),
  'spc.persistentReserveOut.registerParameterList': (buf: Buffer) =>
    decodePersistentReserveOutParameterList(buf, PR_OUT_SERVICE_ACTION.register),
  'spc.persistentReserveOut.registerAndMove': decodeRegisterAndMoveParameterList,
};
