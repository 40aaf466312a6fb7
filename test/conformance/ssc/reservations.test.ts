// Reservations on the tape drive: SPC-2 RESERVE/RELEASE(6)/(10) with third-party reservations
// (3RDPTY + THIRD-PARTY DEVICE ID, for a data mover), and SPC-4 persistent reservations with the
// RESERVATION CONFLICT rules of SPC-4 5.13 (table 42) and compatible reservation handling.
import {
  decodeReadFullStatusData,
  decodeReadKeysData,
  decodeReadReservationData,
  decodeReportCapabilitiesData,
  encodePersistentReserveIn,
  PR_TYPE,
} from '../../../cdb/spc/persistent-reserve-in';
import {
  encodePersistentReserveOut,
  encodePersistentReserveOutParameterList,
  PR_OUT_SERVICE_ACTION as SA,
} from '../../../cdb/spc/persistent-reserve-out';
import {
  encodeLongIdParameterList,
  encodeRelease10,
  encodeRelease6,
  encodeReserve10,
  encodeReserve6,
} from '../../../cdb/spc/reserve-release';
import type { ScsiResult, ScsiTransport } from '../../../targets/transport';
import {
  block,
  expectGood,
  expectSense,
  KEY,
  nexus,
  openInProcessTape,
  RESERVATION_CONFLICT,
  Tape,
  type TapeTarget,
} from './support';

const spc6 = {
  thirdParty: false,
  thirdPartyDeviceId: 0,
  extent: false,
  reservationIdentification: 0,
  control: 0,
};

function reserve6(t: ScsiTransport, thirdPartyDeviceId?: number): Promise<ScsiResult> {
  return t.execute({
    cdb: encodeReserve6({
      ...spc6,
      thirdParty: thirdPartyDeviceId !== undefined,
      thirdPartyDeviceId: thirdPartyDeviceId ?? 0,
      extentListLength: 0,
    }),
  });
}

function release6(t: ScsiTransport): Promise<ScsiResult> {
  return t.execute({ cdb: encodeRelease6(spc6) });
}

function reserveRelease10(
  t: ScsiTransport,
  op: 'reserve' | 'release',
  o: { thirdPartyDeviceId?: number; longId?: bigint } = {},
): Promise<ScsiResult> {
  const v = {
    thirdParty: o.thirdPartyDeviceId !== undefined || o.longId !== undefined,
    longId: o.longId !== undefined,
    extent: false,
    reservationIdentification: 0,
    thirdPartyDeviceId: o.thirdPartyDeviceId ?? 0,
    parameterListLength: o.longId !== undefined ? 8 : 0,
    control: 0,
  };
  const cdb = op === 'reserve' ? encodeReserve10(v) : encodeRelease10(v);
  const dataOut =
    o.longId !== undefined ? encodeLongIdParameterList({ thirdPartyDeviceId: o.longId }) : undefined;
  return t.execute({ cdb, dataOut });
}

function prOut(
  t: ScsiTransport,
  serviceAction: number,
  o: { type?: number; key?: bigint; sak?: bigint; aptpl?: boolean } = {},
): Promise<ScsiResult> {
  const params = encodePersistentReserveOutParameterList({
    reservationKey: o.key ?? 0n,
    serviceActionReservationKey: o.sak ?? 0n,
    specIPt: false,
    allTgPt: false,
    aptpl: o.aptpl ?? false,
    transportIds: [],
  });
  return t.execute({
    cdb: encodePersistentReserveOut({
      serviceAction,
      scope: 0,
      type: o.type ?? PR_TYPE.writeExclusive,
      parameterListLength: params.length,
      control: 0,
    }),
    dataOut: params,
  });
}

async function prIn(t: ScsiTransport, serviceAction: number): Promise<Buffer> {
  const r = await t.execute({
    cdb: encodePersistentReserveIn({ serviceAction, allocationLength: 1024, control: 0 }),
    dataInLength: 1024,
  });
  expectGood(r);
  return r.dataIn;
}

const A = 0xaaaa0001n;
const B = 0xbbbb0002n;

function conflict(r: ScsiResult): void {
  expect(r.status).toBe(RESERVATION_CONFLICT);
  expect(r.sense.length).toBe(0);
}

describe('SSC reservations', () => {
  let dut: TapeTarget;
  let h1: Tape;
  let h2: Tape;
  let h3: Tape;

  beforeEach(async () => {
    dut = await openInProcessTape();
    h1 = new Tape(dut.t1);
    h2 = new Tape(dut.t2);
    h3 = new Tape(dut.t3);
    await h1.writeLayout([100, 100]);
    expectGood(await h1.rewind());
  });
  afterEach(async () => {
    await dut.close();
  });

  describe('RESERVE / RELEASE (SPC-2)', () => {
    it('RESERVE(6): other initiators get RESERVATION CONFLICT except for INQUIRY, REQUEST SENSE, REPORT LUNS', async () => {
      expectGood(await reserve6(dut.t1));
      conflict(await h2.read(100));
      conflict(await h2.write(block(5, 10)));
      conflict(await h2.testUnitReady());
      conflict(await h2.modeSense(0x3f));
      expectGood(await h2.exec(Buffer.from([0x12, 0, 0, 0, 36, 0]), { dataInLength: 36 }));
      await h2.requestSense();
      expectGood(await h2.exec(Buffer.from([0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0]), { dataInLength: 16 }));
      // The holder works as usual.
      expectGood(await h1.read(100));
    });

    it('RELEASE from another initiator is GOOD and releases nothing; the holder releases', async () => {
      expectGood(await reserve6(dut.t1));
      expectGood(await release6(dut.t2));
      conflict(await h2.read(100));
      expectGood(await release6(dut.t1));
      expectGood(await h2.read(100));
    });

    it('RESERVE(10) while another initiator holds the reservation: RESERVATION CONFLICT; the holder may repeat it', async () => {
      expectGood(await reserveRelease10(dut.t1, 'reserve'));
      conflict(await reserveRelease10(dut.t2, 'reserve'));
      expectGood(await reserveRelease10(dut.t1, 'reserve'));
      expectGood(await reserveRelease10(dut.t1, 'release'));
      expectGood(await reserveRelease10(dut.t2, 'reserve'));
    });

    it('third-party RESERVE(10): the reservation is held for the third-party device (data mover)', async () => {
      dut.control.bindThirdPartyDevice(7n, dut.t3);
      expectGood(await reserveRelease10(dut.t1, 'reserve', { thirdPartyDeviceId: 7 }));
      // The data mover reads and writes; the initiator that reserved and everyone else conflict.
      expectGood(await h3.read(100));
      expectGood(await h3.write(block(3, 10)));
      conflict(await h1.read(100));
      conflict(await h2.read(100));
      // A plain RELEASE does not match the third-party reservation; RELEASE with 3RDPTY and the id does.
      expectGood(await reserveRelease10(dut.t1, 'release'));
      conflict(await h2.testUnitReady());
      expectGood(await reserveRelease10(dut.t1, 'release', { thirdPartyDeviceId: 7 }));
      expectGood(await h2.testUnitReady());
    });

    it('third-party RESERVE(10) with LONGID: the 8-byte device id comes in the parameter list', async () => {
      dut.control.bindThirdPartyDevice(0x0123456789abcdefn, dut.t2);
      expectGood(await reserveRelease10(dut.t1, 'reserve', { longId: 0x0123456789abcdefn }));
      expectGood(await h2.testUnitReady());
      conflict(await h3.testUnitReady());
      expectGood(await reserveRelease10(dut.t1, 'release', { longId: 0x0123456789abcdefn }));
      expectGood(await h3.testUnitReady());
    });

    it('third-party RESERVE(6) with a 3-bit device id', async () => {
      dut.control.bindThirdPartyDevice(5n, dut.t3);
      expectGood(await reserve6(dut.t1, 5));
      expectGood(await h3.testUnitReady());
      conflict(await h2.testUnitReady());
    });

    it('I_T nexus loss and LOGICAL UNIT RESET release an SPC-2 reservation', async () => {
      expectGood(await reserve6(dut.t1));
      dut.control.nexusLoss(dut.t1);
      expectGood(await h2.read(100));
      expectGood(await reserve6(dut.t2));
      dut.control.logicalUnitReset();
      expectSense(await h3.testUnitReady(), { key: KEY.UNIT_ATTENTION, asc: 0x29, ascq: 0x03 });
      expectGood(await h3.testUnitReady());
    });
  });

  describe('PERSISTENT RESERVE OUT / IN', () => {
    const register = async (t: ScsiTransport, key: bigint): Promise<void> =>
      expectGood(await prOut(t, SA.register, { sak: key }));

    it('REGISTER: READ KEYS lists the keys and PRGENERATION counts registrations', async () => {
      await register(dut.t1, A);
      await register(dut.t2, B);
      expect(decodeReadKeysData(await prIn(dut.t1, 0))).toEqual({ prGeneration: 2, reservationKeys: [A, B] });
      // Re-registering with the wrong RESERVATION KEY conflicts; with the right one it replaces the key.
      conflict(await prOut(dut.t1, SA.register, { key: 0x1n, sak: 0x5n }));
      expectGood(await prOut(dut.t1, SA.register, { key: A, sak: 0x5n }));
      // An unregistered nexus must send RESERVATION KEY 0.
      conflict(await prOut(dut.t3, SA.register, { key: 0x9n, sak: 0x6n }));
      // REGISTER AND IGNORE EXISTING KEY ignores RESERVATION KEY.
      expectGood(await prOut(dut.t2, SA.registerAndIgnoreExistingKey, { key: 0x1234n, sak: 0x7n }));
      expect(decodeReadKeysData(await prIn(dut.t1, 0))).toEqual({
        prGeneration: 4,
        reservationKeys: [0x5n, 0x7n],
      });
      // Unregister with SERVICE ACTION RESERVATION KEY 0.
      expectGood(await prOut(dut.t1, SA.register, { key: 0x5n, sak: 0n }));
      expect(decodeReadKeysData(await prIn(dut.t1, 0)).reservationKeys).toEqual([0x7n]);
    });

    it('RESERVE needs a registration and the right key', async () => {
      conflict(await prOut(dut.t1, SA.reserve, { key: A, type: PR_TYPE.writeExclusive }));
      await register(dut.t1, A);
      conflict(await prOut(dut.t1, SA.reserve, { key: B, type: PR_TYPE.writeExclusive }));
      expectGood(await prOut(dut.t1, SA.reserve, { key: A, type: PR_TYPE.writeExclusive }));
      expect(decodeReadReservationData(await prIn(dut.t2, 1))).toEqual({
        prGeneration: 1,
        reservation: { reservationKey: A, scope: 0, type: PR_TYPE.writeExclusive },
      });
      // The holder may repeat it with the same type, not with another.
      expectGood(await prOut(dut.t1, SA.reserve, { key: A, type: PR_TYPE.writeExclusive }));
      conflict(await prOut(dut.t1, SA.reserve, { key: A, type: PR_TYPE.exclusiveAccess }));
    });

    it('WRITE EXCLUSIVE: others may read and position, not write', async () => {
      await register(dut.t1, A);
      await register(dut.t2, B);
      expectGood(await prOut(dut.t1, SA.reserve, { key: A, type: PR_TYPE.writeExclusive }));
      for (const h of [h2, h3]) {
        expectGood(await h.rewind());
        expectGood(await h.read(100));
        conflict(await h.write(block(9, 10)));
        conflict(await h.writeFilemarks(1));
        conflict(await h.erase());
      }
      expectGood(await h1.write(block(9, 10)));
    });

    it('EXCLUSIVE ACCESS: others may not read either; TEST UNIT READY, INQUIRY and PR IN are allowed', async () => {
      await register(dut.t1, A);
      await register(dut.t2, B);
      expectGood(await prOut(dut.t1, SA.reserve, { key: A, type: PR_TYPE.exclusiveAccess }));
      for (const h of [h2, h3]) {
        conflict(await h.read(100));
        conflict(await h.modeSense(0x3f));
        conflict(await h.rewind());
        expectGood(await h.testUnitReady());
        expectGood(await h.exec(Buffer.from([0x12, 0, 0, 0, 36, 0]), { dataInLength: 36 }));
      }
      await prIn(dut.t3, 0);
      expectGood(await h1.read(100));
    });

    it('WRITE EXCLUSIVE - REGISTRANTS ONLY: registrants write, others only read', async () => {
      await register(dut.t1, A);
      await register(dut.t2, B);
      expectGood(await prOut(dut.t1, SA.reserve, { key: A, type: PR_TYPE.writeExclusiveRegistrantsOnly }));
      expectGood(await h2.locate10(2));
      expectGood(await h2.write(block(2, 10)));
      expectGood(await h3.rewind());
      expectGood(await h3.read(100));
      conflict(await h3.write(block(2, 10)));
    });

    it('EXCLUSIVE ACCESS - REGISTRANTS ONLY: unregistered initiators may not read', async () => {
      await register(dut.t1, A);
      await register(dut.t2, B);
      expectGood(await prOut(dut.t1, SA.reserve, { key: A, type: PR_TYPE.exclusiveAccessRegistrantsOnly }));
      expectGood(await h2.read(100));
      conflict(await h3.read(100));
      conflict(await h3.modeSense(0x3f));
    });

    it('ALL REGISTRANTS types: every registrant holds it, READ RESERVATION shows key 0, it ends with the last registrant', async () => {
      await register(dut.t1, A);
      await register(dut.t2, B);
      expectGood(await prOut(dut.t1, SA.reserve, { key: A, type: PR_TYPE.exclusiveAccessAllRegistrants }));
      expect(decodeReadReservationData(await prIn(dut.t1, 1)).reservation).toEqual({
        reservationKey: 0n,
        scope: 0,
        type: PR_TYPE.exclusiveAccessAllRegistrants,
      });
      expectGood(await h2.read(100));
      conflict(await h3.read(100));
      // t2 is a holder: its RESERVE of the same type is GOOD.
      expectGood(await prOut(dut.t2, SA.reserve, { key: B, type: PR_TYPE.exclusiveAccessAllRegistrants }));
      const full = decodeReadFullStatusData(await prIn(dut.t1, 3));
      expect(full.descriptors.map((d) => d.rHolder)).toEqual([true, true]);
      expectGood(await prOut(dut.t1, SA.register, { key: A, sak: 0n }));
      expect(decodeReadReservationData(await prIn(dut.t1, 1)).reservation).not.toBeNull();
      expectGood(await prOut(dut.t2, SA.register, { key: B, sak: 0n }));
      expect(decodeReadReservationData(await prIn(dut.t1, 1)).reservation).toBeNull();
      expectGood(await h3.read(100));
    });

    it('RELEASE: a different TYPE is INVALID RELEASE OF PERSISTENT RESERVATION (05/26/04); RO release tells the registrants', async () => {
      await register(dut.t1, A);
      await register(dut.t2, B);
      expectGood(await prOut(dut.t1, SA.reserve, { key: A, type: PR_TYPE.writeExclusiveRegistrantsOnly }));
      expectSense(await prOut(dut.t1, SA.release, { key: A, type: PR_TYPE.writeExclusive }), {
        key: KEY.ILLEGAL_REQUEST,
        asc: 0x26,
        ascq: 0x04,
      });
      // A RELEASE from a registrant that does not hold it does nothing.
      expectGood(await prOut(dut.t2, SA.release, { key: B, type: PR_TYPE.writeExclusiveRegistrantsOnly }));
      expect(decodeReadReservationData(await prIn(dut.t1, 1)).reservation).not.toBeNull();
      expectGood(await prOut(dut.t1, SA.release, { key: A, type: PR_TYPE.writeExclusiveRegistrantsOnly }));
      expect(decodeReadReservationData(await prIn(dut.t1, 1)).reservation).toBeNull();
      expectSense(await h2.testUnitReady(), { key: KEY.UNIT_ATTENTION, asc: 0x2a, ascq: 0x04 });
      expectGood(await h2.testUnitReady());
      expectGood(await h1.testUnitReady());
    });

    it('CLEAR removes every registration and the reservation; the others get RESERVATIONS PREEMPTED', async () => {
      await register(dut.t1, A);
      await register(dut.t2, B);
      expectGood(await prOut(dut.t1, SA.reserve, { key: A, type: PR_TYPE.exclusiveAccess }));
      conflict(await prOut(dut.t3, SA.clear, { key: 0n }));
      expectGood(await prOut(dut.t2, SA.clear, { key: B }));
      expect(decodeReadKeysData(await prIn(dut.t3, 0)).reservationKeys).toEqual([]);
      expect(decodeReadReservationData(await prIn(dut.t3, 1)).reservation).toBeNull();
      expectSense(await h1.testUnitReady(), { key: KEY.UNIT_ATTENTION, asc: 0x2a, ascq: 0x03 });
      // REQUEST SENSE path: nothing pending any more.
      const s = await h1.requestSense();
      expect(s[2] & 0x0f).toBe(KEY.NO_SENSE);
    });

    it('PREEMPT the holder: its registration goes, the preempter holds the new type', async () => {
      await register(dut.t1, A);
      await register(dut.t2, B);
      expectGood(await prOut(dut.t1, SA.reserve, { key: A, type: PR_TYPE.writeExclusive }));
      expectGood(await prOut(dut.t2, SA.preempt, { key: B, sak: A, type: PR_TYPE.exclusiveAccess }));
      expect(decodeReadReservationData(await prIn(dut.t3, 1)).reservation).toEqual({
        reservationKey: B,
        scope: 0,
        type: PR_TYPE.exclusiveAccess,
      });
      expect(decodeReadKeysData(await prIn(dut.t3, 0)).reservationKeys).toEqual([B]);
      // REQUEST SENSE returns the REGISTRATIONS PREEMPTED unit attention of the preempted nexus.
      const s = await h1.requestSense();
      expect([s[2] & 0x0f, s[12], s[13]]).toEqual([KEY.UNIT_ATTENTION, 0x2a, 0x05]);
      conflict(await h1.read(100));
      const full = decodeReadFullStatusData(await prIn(dut.t2, 3));
      expect(full.descriptors).toHaveLength(1);
      expect(full.descriptors[0]).toMatchObject({
        reservationKey: B,
        rHolder: true,
        type: PR_TYPE.exclusiveAccess,
        relativeTargetPortIdentifier: 1,
        transportId: { kind: 'iscsiPort', iscsiName: nexus(2).initiatorName, isid: '00023d000002' },
      });
    });

    it('PREEMPT AND ABORT without a reservation removes the registrations with that key', async () => {
      await register(dut.t1, A);
      await register(dut.t2, B);
      expectGood(await prOut(dut.t2, SA.preemptAndAbort, { key: B, sak: A, type: PR_TYPE.writeExclusive }));
      expect(decodeReadKeysData(await prIn(dut.t2, 0)).reservationKeys).toEqual([B]);
      // A key nobody has: RESERVATION CONFLICT; key 0 without a reservation: INVALID FIELD IN PARAMETER LIST.
      conflict(await prOut(dut.t2, SA.preempt, { key: B, sak: 0x77n, type: PR_TYPE.writeExclusive }));
      expectSense(await prOut(dut.t2, SA.preempt, { key: B, sak: 0n, type: PR_TYPE.writeExclusive }), {
        key: KEY.ILLEGAL_REQUEST,
        asc: 0x26,
        ascq: 0x00,
      });
    });

    it('REPORT CAPABILITIES: CRH, all six types; APTPL=1 is refused (no persistence through power loss)', async () => {
      expect(decodeReportCapabilitiesData(await prIn(dut.t1, 2))).toEqual({
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
      expectSense(await prOut(dut.t1, SA.register, { sak: A, aptpl: true }), {
        key: KEY.ILLEGAL_REQUEST,
        asc: 0x26,
        ascq: 0x00,
      });
    });

    it('persistent reservations survive a LOGICAL UNIT RESET', async () => {
      await register(dut.t1, A);
      expectGood(await prOut(dut.t1, SA.reserve, { key: A, type: PR_TYPE.exclusiveAccess }));
      dut.control.logicalUnitReset();
      expectSense(await h2.testUnitReady(), { key: KEY.UNIT_ATTENTION, asc: 0x29, ascq: 0x03 });
      conflict(await h2.read(100));
    });
  });

  describe('SPC-2 and persistent reservations together (CRH=1)', () => {
    it('while registrations exist, RESERVE/RELEASE conflict for others and do nothing for the holder', async () => {
      expectGood(await prOut(dut.t1, SA.register, { sak: A }));
      conflict(await reserve6(dut.t2));
      conflict(await release6(dut.t2));
      expectGood(await prOut(dut.t1, SA.reserve, { key: A, type: PR_TYPE.writeExclusive }));
      expectGood(await reserve6(dut.t1));
      // Nothing was reserved the SPC-2 way: t2 may still read under Write Exclusive.
      expectGood(await h2.read(100));
    });

    it('under an SPC-2 reservation, PERSISTENT RESERVE OUT and IN from others conflict', async () => {
      expectGood(await reserve6(dut.t1));
      conflict(await prOut(dut.t2, SA.register, { sak: B }));
      const r = await dut.t2.execute({
        cdb: encodePersistentReserveIn({ serviceAction: 0, allocationLength: 64, control: 0 }),
        dataInLength: 64,
      });
      expect(r.status).toBe(RESERVATION_CONFLICT);
      // The holder itself registers.
      expectGood(await prOut(dut.t1, SA.register, { sak: A }));
    });
  });
});
