// PERSISTENT RESERVE IN (5Eh), SPC-4 6.15: the CDB and the READ KEYS, READ RESERVATION, REPORT
// CAPABILITIES and READ FULL STATUS parameter data. Reservation type codes live here too.
import type { CommandCodec, DecoderTable } from '../command';
import { bitsField, ByteReader, checkUint, flag, newCdb, openCdb, putU16, putU32, putU64 } from '../bytes';
import { invalidCdbField, invalidParamField } from '../errors';
import { encodeTransportId, readTransportId, type TransportId } from './transport-id';

export const PERSISTENT_RESERVE_IN_OPCODE = 0x5e;

export const PR_IN_SERVICE_ACTION = {
  readKeys: 0x00,
  readReservation: 0x01,
  reportCapabilities: 0x02,
  readFullStatus: 0x03,
} as const;

export const PR_IN_SERVICE_ACTION_NAMES: Record<number, string> = {
  0x00: 'READ KEYS',
  0x01: 'READ RESERVATION',
  0x02: 'REPORT CAPABILITIES',
  0x03: 'READ FULL STATUS',
};

/** Persistent reservation TYPE codes (SPC-4 6.15.3); 0h, 2h, 4h obsolete, 9h-Fh reserved. */
export const PR_TYPE = {
  writeExclusive: 0x1,
  exclusiveAccess: 0x3,
  writeExclusiveRegistrantsOnly: 0x5,
  exclusiveAccessRegistrantsOnly: 0x6,
  writeExclusiveAllRegistrants: 0x7,
  exclusiveAccessAllRegistrants: 0x8,
} as const;

export const PR_TYPE_NAMES: Record<number, string> = {
  0x1: 'WRITE EXCLUSIVE',
  0x3: 'EXCLUSIVE ACCESS',
  0x5: 'WRITE EXCLUSIVE - REGISTRANTS ONLY',
  0x6: 'EXCLUSIVE ACCESS - REGISTRANTS ONLY',
  0x7: 'WRITE EXCLUSIVE - ALL REGISTRANTS',
  0x8: 'EXCLUSIVE ACCESS - ALL REGISTRANTS',
};

/** SCOPE: only LU_SCOPE (0h) is defined. */
export const PR_SCOPE_LU = 0x0;

export function isValidReservationType(type: number): boolean {
  return PR_TYPE_NAMES[type] !== undefined;
}

export function reservationTypeName(type: number): string {
  return PR_TYPE_NAMES[type] ?? `reserved type ${type.toString(16)}h`;
}

// --- CDB -------------------------------------------------------------------------------------

export interface PersistentReserveInCdb {
  serviceAction: number;
  allocationLength: number;
  control: number;
}

export function encodePersistentReserveIn(v: PersistentReserveInCdb): Buffer {
  const b = newCdb(PERSISTENT_RESERVE_IN_OPCODE, 10, v.control);
  b[1] = checkUint(v.serviceAction, 5, 'serviceAction');
  putU16(b, v.allocationLength, 7, 'allocationLength');
  return b;
}

export function decodePersistentReserveIn(cdb: Buffer): PersistentReserveInCdb {
  const r = openCdb(cdb, PERSISTENT_RESERVE_IN_OPCODE, 10, 'PERSISTENT RESERVE IN');
  const serviceAction = r.bits(1, 0, 5);
  if (PR_IN_SERVICE_ACTION_NAMES[serviceAction] === undefined) {
    throw invalidCdbField(1, `PERSISTENT RESERVE IN service action ${serviceAction} is not defined`, 4);
  }
  return { serviceAction, allocationLength: r.u16(7), control: r.u8(9) };
}

// --- shared header: PRGENERATION + ADDITIONAL LENGTH ----------------------------------------------

function header(prGeneration: number, body: Buffer): Buffer {
  const b = Buffer.alloc(8 + body.length);
  putU32(b, prGeneration, 0, 'prGeneration');
  putU32(b, body.length, 4, 'additional length');
  body.copy(b, 8);
  return b;
}

/** Reader over the ADDITIONAL LENGTH bytes after the 8-byte header (05/1A/00 if they are missing). */
function openBody(buf: Buffer, name: string): { r: ByteReader; prGeneration: number; length: number } {
  const whole = new ByteReader(buf, 'data-in');
  whole.need(0, 8, `${name} header`);
  const length = whole.u32(4);
  return {
    r: whole.sub(8, length, `${name} (ADDITIONAL LENGTH ${length})`),
    prGeneration: whole.u32(0),
    length,
  };
}

// --- READ KEYS (6.15.2) ---------------------------------------------------------------------------

export interface ReadKeysData {
  prGeneration: number;
  reservationKeys: bigint[];
}

export function encodeReadKeysData(v: ReadKeysData): Buffer {
  const body = Buffer.alloc(8 * v.reservationKeys.length);
  v.reservationKeys.forEach((k, i) => putU64(body, k, 8 * i, 'reservationKey'));
  return header(v.prGeneration, body);
}

export function decodeReadKeysData(buf: Buffer): ReadKeysData {
  const { r, prGeneration, length } = openBody(buf, 'READ KEYS data');
  if (length % 8 !== 0) throw invalidParamField(4, `ADDITIONAL LENGTH ${length} is not a multiple of 8`);
  const reservationKeys: bigint[] = [];
  for (let off = 0; off < length; off += 8) reservationKeys.push(r.u64(off));
  return { prGeneration, reservationKeys };
}

// --- READ RESERVATION (6.15.3) ----------------------------------------------------------------------

export interface ReservationDescriptor {
  reservationKey: bigint;
  scope: number;
  type: number;
}

export interface ReadReservationData {
  prGeneration: number;
  /** null when no persistent reservation is held (ADDITIONAL LENGTH 0). */
  reservation: ReservationDescriptor | null;
}

export function encodeReadReservationData(v: ReadReservationData): Buffer {
  if (v.reservation === null) return header(v.prGeneration, Buffer.alloc(0));
  const body = Buffer.alloc(16);
  putU64(body, v.reservation.reservationKey, 0, 'reservationKey');
  body[13] = bitsField(v.reservation.scope, 4, 4, 'scope') | checkUint(v.reservation.type, 4, 'type');
  return header(v.prGeneration, body);
}

export function decodeReadReservationData(buf: Buffer): ReadReservationData {
  const { r, prGeneration, length } = openBody(buf, 'READ RESERVATION data');
  if (length === 0) return { prGeneration, reservation: null };
  if (length !== 16) throw invalidParamField(4, `ADDITIONAL LENGTH ${length} is neither 0 nor 16`);
  return {
    prGeneration,
    reservation: { reservationKey: r.u64(0), scope: r.bits(13, 4, 4), type: r.bits(13, 0, 4) },
  };
}

// --- REPORT CAPABILITIES (6.15.4) -----------------------------------------------------------------

/** PERSISTENT RESERVATION TYPE MASK bits (SPC-4 table 209). */
export interface PersistentReservationTypeMask {
  wrExAr: boolean;
  exAcRo: boolean;
  wrExRo: boolean;
  exAc: boolean;
  wrEx: boolean;
  exAcAr: boolean;
}

export interface ReportCapabilitiesData {
  /** RLR_C: REPLACE LOST RESERVATION supported. */
  rlrC: boolean;
  /** CRH: compatible reservation handling. */
  crh: boolean;
  /** SIP_C: SPEC_I_PT supported. */
  sipC: boolean;
  /** ATP_C: ALL_TG_PT supported. */
  atpC: boolean;
  /** PTPL_C: persist through power loss supported. */
  ptplC: boolean;
  /** TMV: the type mask is valid. */
  tmv: boolean;
  /** ALLOW COMMANDS (3 bits; 101b-111b reserved). */
  allowCommands: number;
  /** PTPL_A: persist through power loss activated. */
  ptplA: boolean;
  persistentReservationTypeMask: PersistentReservationTypeMask;
}

export const REPORT_CAPABILITIES_LENGTH = 8;

export function encodeReportCapabilitiesData(v: ReportCapabilitiesData): Buffer {
  const b = Buffer.alloc(REPORT_CAPABILITIES_LENGTH);
  b.writeUInt16BE(REPORT_CAPABILITIES_LENGTH, 0);
  b[2] = flag(v.rlrC, 7) | flag(v.crh, 4) | flag(v.sipC, 3) | flag(v.atpC, 2) | flag(v.ptplC, 0);
  b[3] = flag(v.tmv, 7) | bitsField(v.allowCommands, 3, 4, 'allowCommands') | flag(v.ptplA, 0);
  const m = v.persistentReservationTypeMask;
  b[4] = flag(m.wrExAr, 7) | flag(m.exAcRo, 6) | flag(m.wrExRo, 5) | flag(m.exAc, 3) | flag(m.wrEx, 1);
  b[5] = flag(m.exAcAr, 0);
  return b;
}

export function decodeReportCapabilitiesData(buf: Buffer): ReportCapabilitiesData {
  const r = new ByteReader(buf, 'data-in');
  r.need(0, REPORT_CAPABILITIES_LENGTH, 'REPORT CAPABILITIES data');
  const length = r.u16(0);
  if (length !== REPORT_CAPABILITIES_LENGTH) throw invalidParamField(0, `LENGTH ${length}, expected 8`);
  return {
    rlrC: r.bit(2, 7),
    crh: r.bit(2, 4),
    sipC: r.bit(2, 3),
    atpC: r.bit(2, 2),
    ptplC: r.bit(2, 0),
    tmv: r.bit(3, 7),
    allowCommands: r.bits(3, 4, 3),
    ptplA: r.bit(3, 0),
    persistentReservationTypeMask: {
      wrExAr: r.bit(4, 7),
      exAcRo: r.bit(4, 6),
      wrExRo: r.bit(4, 5),
      exAc: r.bit(4, 3),
      wrEx: r.bit(4, 1),
      exAcAr: r.bit(5, 0),
    },
  };
}

// --- READ FULL STATUS (6.15.5) ------------------------------------------------------------------

export interface FullStatusDescriptor {
  reservationKey: bigint;
  /** ALL_TG_PT: registered through every target port. */
  allTgPt: boolean;
  /** R_HOLDER: this I_T nexus holds the reservation. */
  rHolder: boolean;
  /** SCOPE and TYPE, meaningful when rHolder. */
  scope: number;
  type: number;
  relativeTargetPortIdentifier: number;
  transportId: TransportId;
}

export interface ReadFullStatusData {
  prGeneration: number;
  descriptors: FullStatusDescriptor[];
}

export function encodeReadFullStatusData(v: ReadFullStatusData): Buffer {
  const parts = v.descriptors.map((d) => {
    const tid = encodeTransportId(d.transportId);
    const b = Buffer.alloc(24 + tid.length);
    putU64(b, d.reservationKey, 0, 'reservationKey');
    b[12] = flag(d.allTgPt, 1) | flag(d.rHolder, 0);
    b[13] = bitsField(d.scope, 4, 4, 'scope') | checkUint(d.type, 4, 'type');
    putU16(b, d.relativeTargetPortIdentifier, 18, 'relativeTargetPortIdentifier');
    putU32(b, tid.length, 20, 'additional descriptor length');
    tid.copy(b, 24);
    return b;
  });
  return header(v.prGeneration, Buffer.concat(parts));
}

export function decodeReadFullStatusData(buf: Buffer): ReadFullStatusData {
  const { r, prGeneration, length } = openBody(buf, 'READ FULL STATUS data');
  const descriptors: FullStatusDescriptor[] = [];
  for (let off = 0; off < length;) {
    if (length - off < 24) {
      throw invalidParamField(
        4,
        `ADDITIONAL LENGTH leaves a ${length - off}-byte partial full status descriptor`,
      );
    }
    const tidLength = r.u32(off + 20);
    if (tidLength > length - off - 24) {
      throw invalidParamField(
        r.base + off + 20,
        `ADDITIONAL DESCRIPTOR LENGTH ${tidLength} overruns the data`,
      );
    }
    descriptors.push({
      reservationKey: r.u64(off),
      allTgPt: r.bit(off + 12, 1),
      rHolder: r.bit(off + 12, 0),
      scope: r.bits(off + 13, 4, 4),
      type: r.bits(off + 13, 0, 4),
      relativeTargetPortIdentifier: r.u16(off + 18),
      transportId: readTransportId(r, off + 24, tidLength),
    });
    off += 24 + tidLength;
  }
  return { prGeneration, descriptors };
}

export const PERSISTENT_RESERVE_IN_COMMANDS: CommandCodec[] = Object.keys(PR_IN_SERVICE_ACTION_NAMES).map(
  (sa) => ({
    opcode: PERSISTENT_RESERVE_IN_OPCODE,
    serviceAction: Number(sa),
    name: 'PERSISTENT RESERVE IN',
    deviceTypes: [],
    cdbLength: 10,
    decode: decodePersistentReserveIn,
  }),
);

export const PERSISTENT_RESERVE_IN_DECODERS: DecoderTable = {
  'spc.persistentReserveIn': decodePersistentReserveIn,
  'spc.persistentReserveIn.readKeys': decodeReadKeysData,
  'spc.persistentReserveIn.readReservation': decodeReadReservationData,
  'spc.persistentReserveIn.reportCapabilities': decodeReportCapabilitiesData,
  'spc.persistentReserveIn.readFullStatus': decodeReadFullStatusData,
};
