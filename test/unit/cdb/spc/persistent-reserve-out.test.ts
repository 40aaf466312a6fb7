import * as fc from 'fast-check';
import {
  decodePersistentReserveOut,
  decodePersistentReserveOutParameterList,
  decodeRegisterAndMoveParameterList,
  encodePersistentReserveOut,
  encodePersistentReserveOutParameterList,
  encodeRegisterAndMoveParameterList,
  PERSISTENT_RESERVE_OUT_COMMANDS,
  PERSISTENT_RESERVE_OUT_DECODERS,
  PR_OUT_SERVICE_ACTION,
  type PersistentReserveOutCdb,
  type PersistentReserveOutParameterList,
} from '../../../../cdb/spc/persistent-reserve-out';
import { encodeTransportId, type TransportId } from '../../../../cdb/spc/transport-id';
import {
  bool,
  expectSense,
  hex,
  mutated,
  onlySense,
  transportIdArb,
  u,
  u16,
  u64,
  u8,
} from './spc-mode-helpers';

const validCdb: fc.Arbitrary<PersistentReserveOutCdb> = fc
  .record({
    serviceAction: fc.integer({ min: 0, max: 8 }),
    scope: u(4),
    type: u(4),
    parameterListLength: fc.integer({ min: 24, max: 0xffffffff }),
    control: u8,
  })
  .map((v) =>
    [1, 2, 4, 5, 8].includes(v.serviceAction) ? { ...v, scope: 0, type: [1, 3, 5, 6, 7, 8][v.type % 6] } : v,
  );

describe('PERSISTENT RESERVE OUT CDB', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(validCdb, (v) =>
        expect(decodePersistentReserveOut(encodePersistentReserveOut(v))).toEqual(v),
      ),
    );
  });

  it('golden REGISTER (24-byte list) and RESERVE WRITE EXCLUSIVE', () => {
    expect(decodePersistentReserveOut(hex('5f 00 00 00 00 00 00 00 18 00'))).toEqual({
      serviceAction: PR_OUT_SERVICE_ACTION.register,
      scope: 0,
      type: 0,
      parameterListLength: 24,
      control: 0,
    });
    const reserve: PersistentReserveOutCdb = {
      serviceAction: 1,
      scope: 0,
      type: 1,
      parameterListLength: 24,
      control: 0,
    };
    expect(encodePersistentReserveOut(reserve)).toEqual(hex('5f 01 01 00 00 00 00 00 18 00'));
  });

  it('CDB errors: service action, SCOPE, TYPE, short PARAMETER LIST LENGTH', () => {
    expectSense(() => decodePersistentReserveOut(hex('5f 09 00 00 00 00 00 00 18 00')), 5, 0x24, 0, {
      commandData: true,
      field: 1,
      bit: 4,
    });
    expectSense(() => decodePersistentReserveOut(hex('5f 01 11 00 00 00 00 00 18 00')), 5, 0x24, 0, {
      commandData: true,
      field: 2,
      bit: 7,
    });
    expectSense(() => decodePersistentReserveOut(hex('5f 04 02 00 00 00 00 00 18 00')), 5, 0x24, 0, {
      commandData: true,
      field: 2,
      bit: 3,
    });
    // REGISTER ignores SCOPE and TYPE.
    expect(decodePersistentReserveOut(hex('5f 00 1f 00 00 00 00 00 18 00')).type).toBe(0xf);
    expectSense(() => decodePersistentReserveOut(hex('5f 00 00 00 00 00 00 00 14 00')), 5, 0x1a, 0);
  });

  it('registers every service action', () => {
    expect(PERSISTENT_RESERVE_OUT_COMMANDS.map((c) => c.serviceAction)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('basic PERSISTENT RESERVE OUT parameter list', () => {
  const list: fc.Arbitrary<PersistentReserveOutParameterList> = fc.oneof(
    fc.record({
      reservationKey: u64,
      serviceActionReservationKey: u64,
      specIPt: fc.constant(false),
      allTgPt: bool,
      aptpl: bool,
      transportIds: fc.constant<TransportId[]>([]),
    }),
    fc.record({
      reservationKey: u64,
      serviceActionReservationKey: u64,
      specIPt: fc.constant(true),
      allTgPt: bool,
      aptpl: bool,
      transportIds: fc.array(transportIdArb, { maxLength: 4 }),
    }),
  );

  it('round-trips', () => {
    fc.assert(
      fc.property(list, (v) => {
        expect(decodePersistentReserveOutParameterList(encodePersistentReserveOutParameterList(v))).toEqual(
          v,
        );
        expect(
          decodePersistentReserveOutParameterList(encodePersistentReserveOutParameterList(v), 0),
        ).toEqual(v);
      }),
    );
  });

  it('golden REGISTER of key 123ABCh with APTPL', () => {
    const data = hex(`
      00 00 00 00 00 00 00 00   # RESERVATION KEY 0 (not registered yet)
      00 00 00 00 00 12 3a bc   # SERVICE ACTION RESERVATION KEY
      00 00 00 00               # obsolete
      01 00 00 00               # APTPL=1, reserved, obsolete
    `);
    const v = decodePersistentReserveOutParameterList(data, PR_OUT_SERVICE_ACTION.register);
    expect(v).toEqual({
      reservationKey: 0n,
      serviceActionReservationKey: 0x123abcn,
      specIPt: false,
      allTgPt: false,
      aptpl: true,
      transportIds: [],
    });
    expect(encodePersistentReserveOutParameterList(v)).toEqual(data);
  });

  it('golden REGISTER with SPEC_I_PT and one iSCSI name TransportID', () => {
    const tid = encodeTransportId({ kind: 'iscsiName', iscsiName: 'iqn.2024-01.org.example:mover' });
    const data = Buffer.concat([
      hex('0000000000000000 00000000000000aa 00000000 0c 00 0000'), // SPEC_I_PT + ALL_TG_PT
      hex('00000024'), // TRANSPORTID PARAMETER DATA LENGTH 36
      tid,
    ]);
    expect(tid.length).toBe(36);
    expect(decodePersistentReserveOutParameterList(data, 0)).toEqual({
      reservationKey: 0n,
      serviceActionReservationKey: 0xaan,
      specIPt: true,
      allTgPt: true,
      aptpl: false,
      transportIds: [{ kind: 'iscsiName', iscsiName: 'iqn.2024-01.org.example:mover' }],
    });
  });

  it('a parameter list that is not 24 bytes without SPEC_I_PT is PARAMETER LIST LENGTH ERROR', () => {
    expectSense(() => decodePersistentReserveOutParameterList(Buffer.alloc(28)), 5, 0x1a, 0);
    expectSense(() => decodePersistentReserveOutParameterList(Buffer.alloc(20)), 5, 0x1a, 0);
  });

  it('SPEC_I_PT length errors and SPEC_I_PT outside REGISTER', () => {
    const head = Buffer.alloc(24);
    head[20] = 0x08;
    expectSense(() => decodePersistentReserveOutParameterList(head), 5, 0x1a, 0);
    expectSense(
      () => decodePersistentReserveOutParameterList(Buffer.concat([head, hex('00000018')])),
      5,
      0x1a,
      0,
    );
    // TransportID truncated inside the declared data.
    const sas = hex('06 000000 5000c50012345678 0000000000000000 000000');
    expectSense(
      () => decodePersistentReserveOutParameterList(Buffer.concat([head, hex('00000017'), sas])),
      5,
      0x1a,
      0,
    );
    const withIds = Buffer.concat([head, hex('00000000')]);
    expectSense(
      () =>
        decodePersistentReserveOutParameterList(withIds, PR_OUT_SERVICE_ACTION.registerAndIgnoreExistingKey),
      5,
      0x26,
      0,
      { commandData: false, field: 20, bit: 3 },
    );
    expect(() =>
      encodePersistentReserveOutParameterList({
        reservationKey: 0n,
        serviceActionReservationKey: 0n,
        specIPt: false,
        allTgPt: false,
        aptpl: false,
        transportIds: [{ kind: 'iscsiName', iscsiName: 'x' }],
      }),
    ).toThrow(RangeError);
  });
});

describe('REGISTER AND MOVE parameter list', () => {
  const list = fc.record({
    reservationKey: u64,
    serviceActionReservationKey: u64,
    unreg: bool,
    aptpl: bool,
    relativeTargetPortIdentifier: u16,
    transportId: transportIdArb,
  });

  it('round-trips', () => {
    fc.assert(
      fc.property(list, (v) =>
        expect(decodeRegisterAndMoveParameterList(encodeRegisterAndMoveParameterList(v))).toEqual(v),
      ),
    );
  });

  it('golden: move to a SAS initiator through relative port 2, unregistering the sender', () => {
    const sas = hex('06 000000 5000c50012345678 0000000000000000 00000000');
    const data = Buffer.concat([
      hex(`
        00 00 00 00 00 00 00 01   # RESERVATION KEY 1
        00 00 00 00 00 00 00 02   # SERVICE ACTION RESERVATION KEY 2
        00 02                     # reserved, UNREG=1 APTPL=0
        00 02                     # RELATIVE TARGET PORT IDENTIFIER 2
        00 00 00 18               # TRANSPORTID PARAMETER DATA LENGTH 24
      `),
      sas,
    ]);
    const v = decodeRegisterAndMoveParameterList(data);
    expect(v).toEqual({
      reservationKey: 1n,
      serviceActionReservationKey: 2n,
      unreg: true,
      aptpl: false,
      relativeTargetPortIdentifier: 2,
      transportId: { kind: 'opaque', formatCode: 0, protocolIdentifier: 6, data: sas.subarray(1) },
    });
    expect(encodeRegisterAndMoveParameterList(v)).toEqual(data);
  });

  it('errors', () => {
    expectSense(() => decodeRegisterAndMoveParameterList(Buffer.alloc(23)), 5, 0x1a, 0);
    expectSense(() => decodeRegisterAndMoveParameterList(Buffer.alloc(30)), 5, 0x1a, 0);
    expectSense(() => decodeRegisterAndMoveParameterList(Buffer.alloc(24)), 5, 0x26, 0, {
      commandData: false,
      field: 20,
    });
  });

  it('registers its decoders', () => {
    const registerOnly = PERSISTENT_RESERVE_OUT_DECODERS['spc.persistentReserveOut.registerParameterList'];
    expect(registerOnly(Buffer.alloc(24))).toMatchObject({ specIPt: false });
  });
});

describe('PERSISTENT RESERVE OUT lists: mutated encodings', () => {
  it('decoders throw only SenseError', () => {
    const valid = fc
      .record({
        reservationKey: u64,
        serviceActionReservationKey: u64,
        specIPt: fc.constant(true),
        allTgPt: bool,
        aptpl: bool,
        transportIds: fc.array(transportIdArb, { maxLength: 3 }),
      })
      .map(encodePersistentReserveOutParameterList);
    fc.assert(
      fc.property(mutated(valid), (b) => {
        onlySense(() => decodePersistentReserveOutParameterList(b));
        onlySense(() => decodeRegisterAndMoveParameterList(b));
      }),
      { numRuns: 300 },
    );
  });
});
