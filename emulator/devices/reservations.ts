// Reservations of a logical unit, shared by the device types: SPC-2 RESERVE/RELEASE (with
// third-party reservations, SPC-2 7.21.3) and SPC-4 persistent reservations (PERSISTENT RESERVE
// OUT/IN, SPC-4 6.15, 6.16) with compatible reservation handling (CRH=1, SPC-4 "Exceptions to
// SPC-2 RESERVE and RELEASE behavior").
//
// Every ScsiDevice has one: the base class registers reservationCommands() (RESERVE/RELEASE(6)/(10),
// PERSISTENT RESERVE OUT and IN) and runs reservationCheck() as a step of its access check, so
// RESERVATION CONFLICT applies to every command, also those registered after the constructor
// (EXTENDED COPY...). The device type only says which access class each CDB belongs to (the rows
// of SPC-4 table "SPC commands that are allowed in the presence of various reservations" and of
// its command set's table). Unit attentions for single I_T nexuses (2Ah/03h, 04h, 05h) go to the
// device's UnitAttentionTable.
import { invalidCdbField, invalidParamField, paramListLengthError, SenseError } from '../../cdb/errors';
import {
  decodePersistentReserveIn,
  encodeReadFullStatusData,
  encodeReadKeysData,
  encodeReadReservationData,
  encodeReportCapabilitiesData,
  PR_IN_SERVICE_ACTION,
  PR_SCOPE_LU,
  PR_TYPE,
} from '../../cdb/spc/persistent-reserve-in';
import {
  decodePersistentReserveOut,
  decodePersistentReserveOutParameterList,
  PR_OUT_SERVICE_ACTION,
} from '../../cdb/spc/persistent-reserve-out';
import {
  decodeLongIdParameterList,
  decodeRelease10,
  decodeRelease6,
  decodeReserve10,
  decodeReserve6,
  thirdPartyDeviceIdOf,
  type Reserve10Cdb,
} from '../../cdb/spc/reserve-release';
import type { TransportId } from '../../cdb/spc/transport-id';
import type { ItNexus, LuResponse } from '../lu';
import { commandEntry, type AccessCheck, type CommandContext, type OpcodeEntry } from './command-table';
import { SenseKey, STATUS_GOOD, STATUS_RESERVATION_CONFLICT } from './sense';
import { nexusKey, type UnitAttention } from './unit-attention';

/**
 * How a command is treated while another I_T nexus holds a reservation:
 * - any: never conflicts (INQUIRY, REPORT LUNS, REQUEST SENSE...).
 * - info: allowed under every persistent reservation, conflicts under an SPC-2 reservation
 *   (TEST UNIT READY, PERSISTENT RESERVE IN).
 * - read: reads the medium or state (READ, MODE SENSE, READ ATTRIBUTE, positioning): allowed for
 *   Write Exclusive types, for registrants of registrants-only/all-registrants types.
 * - write: changes the medium or the LU (WRITE, ERASE, MODE SELECT, LOAD UNLOAD...).
 * - pr-out: PERSISTENT RESERVE OUT; the service action rules decide (SPC-4 6.16).
 * - spc2: RESERVE and RELEASE; the SPC-2 and CRH rules decide.
 */
export type AccessClass = 'any' | 'info' | 'read' | 'write' | 'pr-out' | 'spc2';

/**
 * Access classes of the SPC commands (SPC-4 table "SPC commands that are allowed in the presence of
 * various reservations"; LOG SELECT/SENSE included for devices that add them; EXTENDED COPY and
 * RECEIVE COPY RESULTS for LUs that host a copy manager). Device types merge their command set's
 * rows over these.
 */
export const SPC_ACCESS_CLASSES: Readonly<Record<number, AccessClass>> = {
  0x00: 'info', // TEST UNIT READY
  0x03: 'any', // REQUEST SENSE
  0x12: 'any', // INQUIRY
  0x15: 'write', // MODE SELECT(6)
  0x16: 'spc2', // RESERVE(6)
  0x17: 'spc2', // RELEASE(6)
  0x1a: 'read', // MODE SENSE(6)
  0x4c: 'write', // LOG SELECT
  0x4d: 'any', // LOG SENSE
  0x55: 'write', // MODE SELECT(10)
  0x56: 'spc2', // RESERVE(10)
  0x57: 'spc2', // RELEASE(10)
  0x5a: 'read', // MODE SENSE(10)
  0x5e: 'info', // PERSISTENT RESERVE IN
  0x5f: 'pr-out', // PERSISTENT RESERVE OUT
  // EXTENDED COPY(LID1): Conflict under Write Exclusive and Exclusive Access, allowed for
  // registrants of the registrants-only/all-registrants types: a write of the copy manager LU.
  0x83: 'write',
  // RECEIVE COPY RESULTS: Allowed under every persistent reservation type (the results belong to
  // the nexus that sent the EXTENDED COPY); an SPC-2 reservation still conflicts.
  0x84: 'info',
  0x8c: 'read', // READ ATTRIBUTE
  0x8d: 'write', // WRITE ATTRIBUTE
  0xa0: 'any', // REPORT LUNS
  0xa3: 'read', // MAINTENANCE IN (REPORT SUPPORTED OPERATION CODES)
};

/**
 * Access class of a CDB from a device's table (merged over SPC_ACCESS_CLASSES). PREVENT ALLOW
 * MEDIUM REMOVAL is allowed with PREVENT=0 and a write-class command otherwise; unknown opcodes
 * are treated as writes.
 */
export function accessClassOf(
  cdb: Buffer,
  deviceClasses: Readonly<Record<number, AccessClass>>,
): AccessClass {
  if (cdb[0] === 0x1e) return (cdb[4] & 0x03) === 0 ? 'any' : 'write';
  return deviceClasses[cdb[0]] ?? SPC_ACCESS_CLASSES[cdb[0]] ?? 'write';
}

export const UA_RESERVATIONS_PREEMPTED: UnitAttention = { asc: 0x2a, ascq: 0x03 };
export const UA_RESERVATIONS_RELEASED: UnitAttention = { asc: 0x2a, ascq: 0x04 };
export const UA_REGISTRATIONS_PREEMPTED: UnitAttention = { asc: 0x2a, ascq: 0x05 };

export const RESERVATION_CONFLICT: LuResponse = Object.freeze({ status: STATUS_RESERVATION_CONFLICT });

interface Registration {
  reservationKey: bigint;
  nexus: ItNexus;
}

interface Spc2Reservation {
  /** The I_T nexus that sent the RESERVE (only it may release or supersede the reservation). */
  owner: string;
  /** 3RDPTY: the reservation is held for this device, not for the owner (SPC-2 7.21.3). */
  thirdPartyDeviceId?: bigint;
}

interface PersistentReservation {
  type: number;
  /** Holder's nexus key; for all-registrants types every registrant holds it (SPC-4 all registrants reservations). */
  holder: string;
}

/** What an initiator port looks like in a TransportID (SPC-4 7.6.4.6, iSCSI "name,i,0xISID"). */
export function transportIdOf(nexus: ItNexus): TransportId {
  const sep = nexus.initiatorPort.indexOf(',i,0x');
  if (sep < 0) return { kind: 'iscsiName', iscsiName: nexus.initiatorPort };
  return {
    kind: 'iscsiPort',
    iscsiName: nexus.initiatorPort.slice(0, sep),
    isid: nexus.initiatorPort.slice(sep + 5),
  };
}

function isAllRegistrants(type: number): boolean {
  return type === PR_TYPE.writeExclusiveAllRegistrants || type === PR_TYPE.exclusiveAccessAllRegistrants;
}

function isRegistrantsOnly(type: number): boolean {
  return type === PR_TYPE.writeExclusiveRegistrantsOnly || type === PR_TYPE.exclusiveAccessRegistrantsOnly;
}

function isWriteExclusive(type: number): boolean {
  return (
    type === PR_TYPE.writeExclusive ||
    type === PR_TYPE.writeExclusiveRegistrantsOnly ||
    type === PR_TYPE.writeExclusiveAllRegistrants
  );
}

/** Where reservation events establish unit attentions for single I_T nexuses. */
export interface UnitAttentionSink {
  establishFor(nexus: ItNexus, ua: UnitAttention): void;
}

export class Reservations {
  private spc2: Spc2Reservation | null = null;
  private readonly registrations = new Map<string, Registration>();
  private persistent: PersistentReservation | null = null;
  private prGeneration = 0;
  /** THIRD-PARTY DEVICE ID -> initiator port name of that device (the data mover's port). */
  private readonly thirdPartyPorts = new Map<bigint, string>();

  /** `unitAttentions` receives the conditions for single I_T nexuses (the device's UA table). */
  constructor(private readonly unitAttentions: UnitAttentionSink) {}

  // ---- configuration ------------------------------------------------------------------------

  /**
   * Say which initiator port a THIRD-PARTY DEVICE ID stands for. A third-party reservation for
   * that id lets commands from that port through (SPC-2 7.21.3); an unbound id reserves the LU
   * for nobody but still keeps everyone else out.
   */
  bindThirdPartyDevice(deviceId: bigint, initiatorPort: string): void {
    this.thirdPartyPorts.set(deviceId, initiatorPort);
  }

  unbindThirdPartyDevice(deviceId: bigint): void {
    this.thirdPartyPorts.delete(deviceId);
  }

  // ---- state (diagnostics, admin API, tests) -------------------------------------------------

  get generation(): number {
    return this.prGeneration;
  }

  /** The SPC-2 reservation: owner nexus key and third-party device id, if any. */
  spc2Reservation(): Readonly<Spc2Reservation> | null {
    return this.spc2 === null ? null : { ...this.spc2 };
  }

  persistentReservation(): { type: number; reservationKey: bigint } | null {
    const p = this.persistent;
    if (p === null) return null;
    const key = isAllRegistrants(p.type) ? 0n : (this.registrations.get(p.holder)?.reservationKey ?? 0n);
    return { type: p.type, reservationKey: key };
  }

  registeredKeys(): bigint[] {
    return [...this.registrations.values()].map((r) => r.reservationKey);
  }

  // ---- conflict check -------------------------------------------------------------------------

  /** Whether a command of class `cls` from `nexus` is in conflict with a reservation. */
  conflicts(nexus: ItNexus, cls: AccessClass): boolean {
    if (cls === 'any') return false;
    if (this.spc2 !== null && !this.spc2Admits(nexus) && cls !== 'spc2') return true;
    const p = this.persistent;
    if (p === null || cls === 'info' || cls === 'pr-out' || cls === 'spc2') return false;
    const key = nexusKey(nexus);
    if (this.holds(key)) return false;
    const registered = this.registrations.has(key);
    // SPC-4 reservation table: registrants of RO/AR types may do everything; others may only read
    // under Write Exclusive types.
    if ((isRegistrantsOnly(p.type) || isAllRegistrants(p.type)) && registered) return false;
    if (cls === 'read') return !isWriteExclusive(p.type);
    return true;
  }

  /** The nexus may access the LU under the current SPC-2 reservation. */
  private spc2Admits(nexus: ItNexus): boolean {
    const r = this.spc2;
    if (r === null) return true;
    if (r.thirdPartyDeviceId !== undefined)
      return this.thirdPartyPorts.get(r.thirdPartyDeviceId) === nexus.initiatorPort;
    return r.owner === nexusKey(nexus);
  }

  private holds(key: string): boolean {
    const p = this.persistent;
    if (p === null) return false;
    return isAllRegistrants(p.type) ? this.registrations.has(key) : p.holder === key;
  }

  /**
   * SPC-4 exceptions to SPC-2 RESERVE and RELEASE behavior (CRH=1): RESERVE/RELEASE from a persistent reservation holder, or from a
   * registrant while a registrants-only/all-registrants reservation exists, do nothing and
   * complete GOOD; from anyone else while registrations exist they conflict.
   */
  private crh(nexus: ItNexus): 'spc2' | 'noop' | 'conflict' {
    if (this.registrations.size === 0) return 'spc2';
    const key = nexusKey(nexus);
    const p = this.persistent;
    if (this.holds(key)) return 'noop';
    if (
      p !== null &&
      (isRegistrantsOnly(p.type) || isAllRegistrants(p.type)) &&
      this.registrations.has(key)
    ) {
      return 'noop';
    }
    return 'conflict';
  }

  // ---- SPC-2 RESERVE / RELEASE -------------------------------------------------------------------

  /** RESERVE(6)/(10). Returns false for RESERVATION CONFLICT. */
  reserve(nexus: ItNexus, thirdPartyDeviceId?: bigint): boolean {
    const crh = this.crh(nexus);
    if (crh !== 'spc2') return crh === 'noop';
    const key = nexusKey(nexus);
    // SPC-2 7.21.2: only the owner may supersede its own reservation.
    if (this.spc2 !== null && this.spc2.owner !== key) return false;
    this.spc2 = thirdPartyDeviceId === undefined ? { owner: key } : { owner: key, thirdPartyDeviceId };
    return true;
  }

  /**
   * RELEASE(6)/(10). A release from another nexus, or one whose 3RDPTY/THIRD-PARTY DEVICE ID
   * differ from the RESERVE, completes GOOD and releases nothing (SPC-2 7.16). Returns false for
   * RESERVATION CONFLICT.
   */
  release(nexus: ItNexus, thirdPartyDeviceId?: bigint): boolean {
    const crh = this.crh(nexus);
    if (crh !== 'spc2') return crh === 'noop';
    const r = this.spc2;
    if (r !== null && r.owner === nexusKey(nexus) && r.thirdPartyDeviceId === thirdPartyDeviceId)
      this.spc2 = null;
    return true;
  }

  // ---- PERSISTENT RESERVE OUT (SPC-4 6.16) --------------------------------------------------------

  /**
   * One PERSISTENT RESERVE OUT service action. Returns false for RESERVATION CONFLICT; parameter
   * errors throw SenseError.
   */
  persistentReserveOut(
    nexus: ItNexus,
    serviceAction: number,
    type: number,
    reservationKey: bigint,
    serviceActionReservationKey: bigint,
  ): boolean {
    const key = nexusKey(nexus);
    const reg = this.registrations.get(key);
    const sa = PR_OUT_SERVICE_ACTION;
    if (serviceAction === sa.register || serviceAction === sa.registerAndIgnoreExistingKey) {
      if (reg === undefined) {
        // SPC-4 REGISTER: an unregistered nexus registers with RESERVATION KEY zero (REGISTER).
        if (serviceAction === sa.register && reservationKey !== 0n) return false;
        if (serviceActionReservationKey !== 0n) {
          this.registrations.set(key, { reservationKey: serviceActionReservationKey, nexus });
          this.bumpGeneration();
        }
        return true;
      }
      if (serviceAction === sa.register && reservationKey !== reg.reservationKey) return false;
      if (serviceActionReservationKey === 0n) this.unregister(key);
      else reg.reservationKey = serviceActionReservationKey;
      this.bumpGeneration();
      return true;
    }
    // Every other service action needs a registered nexus and its key (SPC-4 6.16).
    if (reg === undefined || reg.reservationKey !== reservationKey) return false;
    switch (serviceAction) {
      case sa.reserve:
        return this.reservePersistent(key, type);
      case sa.release:
        this.releasePersistent(key, type);
        return true;
      case sa.clear:
        this.tellRegistrants(UA_RESERVATIONS_PREEMPTED, key);
        this.registrations.clear();
        this.persistent = null;
        this.bumpGeneration();
        return true;
      case sa.preempt:
      case sa.preemptAndAbort:
        // PREEMPT AND ABORT also aborts the preempted nexuses' tasks; these device servers
        // complete every command before taking the next, so there are none to abort.
        return this.preempt(key, type, serviceActionReservationKey);
      default:
        throw invalidCdbField(1, `PERSISTENT RESERVE OUT service action ${serviceAction} not supported`, 4);
    }
  }

  private reservePersistent(key: string, type: number): boolean {
    const p = this.persistent;
    if (p === null) {
      this.persistent = { type, holder: key };
      return true;
    }
    // SPC-4 RESERVE service action: the holder may repeat its RESERVE with the same type; anything else conflicts.
    return this.holds(key) && p.type === type;
  }

  private releasePersistent(key: string, type: number): void {
    const p = this.persistent;
    if (p === null || !this.holds(key)) return; // SPC-4 RELEASE: GOOD, nothing released
    if (p.type !== type) {
      throw new SenseError(
        { senseKey: SenseKey.ILLEGAL_REQUEST, asc: 0x26, ascq: 0x04 },
        'INVALID RELEASE OF PERSISTENT RESERVATION: type differs from the reservation',
      );
    }
    this.persistent = null;
    // SPC-4 RELEASE: registrants learn of the release of an RO/AR reservation.
    if (isRegistrantsOnly(p.type) || isAllRegistrants(p.type))
      this.tellRegistrants(UA_RESERVATIONS_RELEASED, key);
  }

  private preempt(key: string, type: number, sak: bigint): boolean {
    const p = this.persistent;
    if (p === null) {
      // SPC-4 PREEMPT with no reservation: remove the registrations with that key.
      if (sak === 0n) throw invalidParamField(8, 'SERVICE ACTION RESERVATION KEY zero without a reservation');
      if (!this.removeRegistrations(key, sak, true)) return false;
      this.bumpGeneration();
      return true;
    }
    if (isAllRegistrants(p.type)) {
      if (sak === 0n) {
        // SPC-4 PREEMPT of an all registrants reservation: zero preempts every other registrant and takes the reservation.
        for (const [other, r] of [...this.registrations]) {
          if (other === key) continue;
          this.registrations.delete(other);
          this.unitAttentions.establishFor(r.nexus, UA_REGISTRATIONS_PREEMPTED);
        }
        this.persistent = { type, holder: key };
      } else if (!this.removeRegistrations(key, sak, false)) {
        return false;
      }
      this.bumpGeneration();
      return true;
    }
    const holderKey = this.registrations.get(p.holder)?.reservationKey;
    if (holderKey !== undefined && sak === holderKey) {
      // SPC-4 PREEMPT of the holder's key: its registrations go, this nexus holds a new one.
      this.removeRegistrations(key, sak, false);
      this.persistent = { type, holder: key };
      if (type !== p.type) this.tellRegistrants(UA_RESERVATIONS_RELEASED, key);
      this.bumpGeneration();
      return true;
    }
    if (sak === 0n)
      throw invalidParamField(8, 'SERVICE ACTION RESERVATION KEY zero does not name the holder');
    if (!this.removeRegistrations(key, sak, false)) return false;
    this.bumpGeneration();
    return true;
  }

  /** Remove registrations with key `sak` (and `self` only when includeSelf); false if none matched. */
  private removeRegistrations(self: string, sak: bigint, includeSelf: boolean): boolean {
    let removed = 0;
    for (const [k, r] of [...this.registrations]) {
      if (r.reservationKey !== sak || (k === self && !includeSelf)) continue;
      this.registrations.delete(k);
      if (k !== self) this.unitAttentions.establishFor(r.nexus, UA_REGISTRATIONS_PREEMPTED);
      removed++;
    }
    if (
      this.persistent !== null &&
      !isAllRegistrants(this.persistent.type) &&
      !this.registrations.has(this.persistent.holder)
    ) {
      this.persistent = null;
    }
    if (this.persistent !== null && isAllRegistrants(this.persistent.type) && this.registrations.size === 0) {
      this.persistent = null;
    }
    return removed > 0;
  }

  /** Unregister a nexus; its reservation ends with it (SPC-4 REGISTER with a zero key). */
  private unregister(key: string): void {
    this.registrations.delete(key);
    const p = this.persistent;
    if (p === null) return;
    if (isAllRegistrants(p.type)) {
      if (this.registrations.size === 0) this.persistent = null;
      return;
    }
    if (p.holder !== key) return;
    this.persistent = null;
    if (isRegistrantsOnly(p.type)) this.tellRegistrants(UA_RESERVATIONS_RELEASED, key);
  }

  /** Establish a unit attention for every registrant but the nexus `except` (SPC-4 6.16). */
  private tellRegistrants(ua: UnitAttention, except: string): void {
    for (const [k, r] of this.registrations) if (k !== except) this.unitAttentions.establishFor(r.nexus, ua);
  }

  private bumpGeneration(): void {
    this.prGeneration = (this.prGeneration + 1) >>> 0;
  }

  // ---- PERSISTENT RESERVE IN (SPC-4 6.15) ---------------------------------------------------------

  persistentReserveIn(serviceAction: number): Buffer {
    const prGeneration = this.prGeneration;
    switch (serviceAction) {
      case PR_IN_SERVICE_ACTION.readKeys:
        return encodeReadKeysData({ prGeneration, reservationKeys: this.registeredKeys() });
      case PR_IN_SERVICE_ACTION.readReservation: {
        const r = this.persistentReservation();
        return encodeReadReservationData({
          prGeneration,
          reservation:
            r === null ? null : { reservationKey: r.reservationKey, scope: PR_SCOPE_LU, type: r.type },
        });
      }
      case PR_IN_SERVICE_ACTION.reportCapabilities:
        return encodeReportCapabilitiesData({
          rlrC: false,
          crh: true,
          sipC: false,
          atpC: false,
          ptplC: false,
          tmv: true,
          allowCommands: 0,
          ptplA: false,
          persistentReservationTypeMask: {
            wrExAr: true,
            exAcRo: true,
            wrExRo: true,
            exAc: true,
            wrEx: true,
            exAcAr: true,
          },
        });
      default: {
        const p = this.persistent;
        return encodeReadFullStatusData({
          prGeneration,
          descriptors: [...this.registrations].map(([k, r]) => {
            const holder = this.holds(k);
            return {
              reservationKey: r.reservationKey,
              allTgPt: false,
              rHolder: holder,
              scope: PR_SCOPE_LU,
              type: holder && p !== null ? p.type : 0,
              relativeTargetPortIdentifier: r.nexus.relativeTargetPort,
              transportId: transportIdOf(r.nexus),
            };
          }),
        });
      }
    }
  }

  // ---- events ------------------------------------------------------------------------------------

  /** I_T nexus loss releases that nexus' SPC-2 reservation (SAM-5 6.3.4); registrations persist. */
  nexusLost(nexus: ItNexus): void {
    const key = nexusKey(nexus);
    if (this.spc2?.owner === key) this.spc2 = null;
  }

  /**
   * Resets release SPC-2 reservations; persistent reservations survive all but a power-on
   * (cold) reset, since these device servers do not persist them through power loss (PTPL_C=0).
   */
  reset(kind: 'lu-reset' | 'target-warm-reset' | 'target-cold-reset'): void {
    this.spc2 = null;
    if (kind === 'target-cold-reset') {
      this.registrations.clear();
      this.persistent = null;
      this.prGeneration = 0;
    }
  }
}

// ---- commands and the conflict check of a device --------------------------------------------------

const verdict = (ok: boolean): LuResponse => (ok ? { status: STATUS_GOOD } : RESERVATION_CONFLICT);

/** The THIRD-PARTY DEVICE ID of a RESERVE(10)/RELEASE(10), reading the LONGID parameter list. */
function thirdPartyOf10(d: Reserve10Cdb, dataOut: Buffer): bigint | undefined {
  if (d.extent) throw invalidCdbField(1, 'extent reservations are not supported', 0);
  if (!d.thirdParty) return undefined;
  if (!d.longId) return thirdPartyDeviceIdOf(d);
  if (dataOut.length < d.parameterListLength) throw paramListLengthError(`got ${dataOut.length} of 8 bytes`);
  return thirdPartyDeviceIdOf(d, decodeLongIdParameterList(dataOut.subarray(0, d.parameterListLength)));
}

type Spc2Action = (nexus: ItNexus, thirdPartyDeviceId?: bigint) => boolean;

/** RESERVE(6) or RELEASE(6): 3RDPTY with a 3-bit THIRD-PARTY DEVICE ID, no extents. */
function spc2Six(name: string, opcode: number, act: Spc2Action): OpcodeEntry {
  const decode = opcode === 0x16 ? decodeReserve6 : decodeRelease6;
  return commandEntry(name, [opcode, 0x1f, 0x00, 0x00, 0x00, 0x04], (c) => {
    const d = decode(c.cdb);
    if (d.extent) throw invalidCdbField(1, 'extent reservations are not supported', 0);
    return verdict(act(c.nexus, d.thirdParty ? BigInt(d.thirdPartyDeviceId) : undefined));
  });
}

/** RESERVE(10) or RELEASE(10): 3RDPTY with an 8-bit id, or LONGID with the id in the parameter list. */
function spc2Ten(name: string, opcode: number, act: Spc2Action): OpcodeEntry {
  const decode = opcode === 0x56 ? decodeReserve10 : decodeRelease10;
  return commandEntry(name, [opcode, 0x13, 0x00, 0xff, 0x00, 0x00, 0x00, 0xff, 0xff, 0x04], (c) => {
    const d = decode(c.cdb);
    return { ...verdict(act(c.nexus, thirdPartyOf10(d, c.dataOut))), dataOutLength: d.parameterListLength };
  });
}

/**
 * The reservation commands of a logical unit: RESERVE/RELEASE(6)/(10), PERSISTENT RESERVE OUT
 * (every service action but REGISTER AND MOVE and REPLACE LOST RESERVATION) and PERSISTENT
 * RESERVE IN (READ KEYS, READ RESERVATION, REPORT CAPABILITIES, READ FULL STATUS).
 */
export function reservationCommands(res: Reservations): OpcodeEntry[] {
  const reserve: Spc2Action = (n, id) => res.reserve(n, id);
  const release: Spc2Action = (n, id) => res.release(n, id);
  const entries = [
    spc2Six('RESERVE(6)', 0x16, reserve),
    spc2Six('RELEASE(6)', 0x17, release),
    spc2Ten('RESERVE(10)', 0x56, reserve),
    spc2Ten('RELEASE(10)', 0x57, release),
  ];
  const prIn = (c: CommandContext): LuResponse => {
    const d = decodePersistentReserveIn(c.cdb);
    const data = res.persistentReserveIn(d.serviceAction);
    return { status: STATUS_GOOD, dataIn: data.subarray(0, Math.min(data.length, d.allocationLength)) };
  };
  for (const serviceAction of Object.values(PR_IN_SERVICE_ACTION)) {
    const usage = [0x5e, 0x1f, 0, 0, 0, 0, 0, 0xff, 0xff, 0x04];
    entries.push(commandEntry('PERSISTENT RESERVE IN', usage, prIn, { serviceAction }));
  }
  const unsupported: number[] = [
    PR_OUT_SERVICE_ACTION.registerAndMove,
    PR_OUT_SERVICE_ACTION.replaceLostReservation,
  ];
  for (const serviceAction of Object.values(PR_OUT_SERVICE_ACTION)) {
    if (unsupported.includes(serviceAction)) continue;
    const usage = [0x5f, 0x1f, 0xff, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x04];
    entries.push(
      commandEntry('PERSISTENT RESERVE OUT', usage, (c) => persistentReserveOut(res, c), { serviceAction }),
    );
  }
  return entries;
}

/** The access check step that answers RESERVATION CONFLICT, given the access classes of the device type. */
export function reservationCheck(res: Reservations, classify: (cdb: Buffer) => AccessClass): AccessCheck {
  return (_entry, ctx) => (res.conflicts(ctx.nexus, classify(ctx.cdb)) ? RESERVATION_CONFLICT : undefined);
}

function persistentReserveOut(res: Reservations, c: CommandContext): LuResponse {
  const d = decodePersistentReserveOut(c.cdb);
  if (c.dataOut.length < d.parameterListLength) {
    throw paramListLengthError(`got ${c.dataOut.length} of ${d.parameterListLength} bytes`);
  }
  const p = decodePersistentReserveOutParameterList(
    c.dataOut.subarray(0, d.parameterListLength),
    d.serviceAction,
  );
  const registering =
    d.serviceAction === PR_OUT_SERVICE_ACTION.register ||
    d.serviceAction === PR_OUT_SERVICE_ACTION.registerAndIgnoreExistingKey;
  if (registering) {
    // REPORT CAPABILITIES says SIP_C=0, ATP_C=0, PTPL_C=0 (SPC-4 6.16.3).
    if (p.specIPt) throw invalidParamField(20, 'SPEC_I_PT is not supported', 3);
    if (p.allTgPt) throw invalidParamField(20, 'ALL_TG_PT is not supported', 2);
    if (p.aptpl) throw invalidParamField(20, 'APTPL is not supported', 0);
  }
  const ok = res.persistentReserveOut(
    c.nexus,
    d.serviceAction,
    d.type,
    p.reservationKey,
    p.serviceActionReservationKey,
  );
  return ok ? { status: STATUS_GOOD, dataOutLength: d.parameterListLength } : RESERVATION_CONFLICT;
}
