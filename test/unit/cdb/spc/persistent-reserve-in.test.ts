import * as fc from 'fast-check';
import { describeCdb } from '../../../../cdb/commands';
import {
  decodePersistentReserveIn,
  decodeReadFullStatusData,
  decodeReadKeysData,
  decodeReadReservationData,
  decodeReportCapabilitiesData,
  encodePersistentReserveIn,
  encodeReadFullStatusData,
  encodeReadKeysData,
  encodeReadReservationData,
  encodeReportCapabilitiesData,
  isValidReservationType,
  PERSISTENT_RESERVE_IN_COMMANDS,
  PR_TYPE,
  type ReadFullStatusData,
  reservationTypeName,
} from '../../../../cdb/spc/persistent-reserve-in';
import {
  bool,
  expectSense,
  hex,
  mutated,
  onlySense,
  transportIdArb,
  u,
  u16,
  u32,
  u64,
  u8,
} from './spc-mode-helpers';

describe('PERSISTENT RESERVE IN CDB', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(fc.record({ serviceAction: u(2), allocationLength: u16, control: u8 }), (v) =>
        expect(decodePersistentReserveIn(encodePersistentReserveIn(v))).toEqual(v),
      ),
    );
  });

  it('golden READ KEYS CDB as sg_persist sends it (allocation length 8192)', () => {
    const cdb = hex('5e 00 00 00 00 00 00 20 00 00');
    expect(decodePersistentReserveIn(cdb)).toEqual({
      serviceAction: 0,
      allocationLength: 0x2000,
      control: 0,
    });
  });

  it('an undefined service action is INVALID FIELD IN CDB, byte 1 bit 4', () => {
    expectSense(() => decodePersistentReserveIn(hex('5e 04 00 00 00 00 00 00 08 00')), 5, 0x24, 0, {
      commandData: true,
      field: 1,
      bit: 4,
    });
    expectSense(() => describeCdb(hex('5e 1f 00 00 00 00 00 00 08 00')), 5, 0x24, 0);
  });

  it('registers one codec per service action', () => {
    expect(PERSISTENT_RESERVE_IN_COMMANDS.map((c) => c.serviceAction)).toEqual([0, 1, 2, 3]);
    expect(describeCdb(hex('5e 03 00 00 00 00 00 10 00 00'))[0]).toEqual({
      name: 'PERSISTENT RESERVE IN',
      fields: { serviceAction: 3, allocationLength: 0x1000, control: 0 },
    });
  });
});

describe('READ KEYS data', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(fc.record({ prGeneration: u32, reservationKeys: fc.array(u64, { maxLength: 8 }) }), (v) =>
        expect(decodeReadKeysData(encodeReadKeysData(v))).toEqual(v),
      ),
    );
  });

  it('golden: PRGENERATION 3, two registered keys', () => {
    const data = hex(`
      00 00 00 03               # PRGENERATION
      00 00 00 10               # ADDITIONAL LENGTH 16
      00 00 00 00 00 12 3a bc   # RESERVATION KEY 123ABCh
      00 00 00 00 de ad be ef   # RESERVATION KEY DEADBEEFh
    `);
    const v = decodeReadKeysData(data);
    expect(v).toEqual({ prGeneration: 3, reservationKeys: [0x123abcn, 0xdeadbeefn] });
    expect(encodeReadKeysData(v)).toEqual(data);
  });

  it('length errors', () => {
    expectSense(() => decodeReadKeysData(hex('00000000 0000000c 0000000000000001 00000000')), 5, 0x26, 0, {
      commandData: false,
      field: 4,
    });
    expectSense(() => decodeReadKeysData(hex('00000000 00000010 0000000000000001')), 5, 0x1a, 0);
    expectSense(() => decodeReadKeysData(hex('00000000 0000')), 5, 0x1a, 0);
  });
});

describe('READ RESERVATION data', () => {
  it('round-trips', () => {
    const reservation = fc.option(fc.record({ reservationKey: u64, scope: u(4), type: u(4) }), { nil: null });
    fc.assert(
      fc.property(fc.record({ prGeneration: u32, reservation }), (v) =>
        expect(decodeReadReservationData(encodeReadReservationData(v))).toEqual(v),
      ),
    );
  });

  it('golden: key 123ABCh holds a WRITE EXCLUSIVE - REGISTRANTS ONLY reservation', () => {
    const data = hex(`
      00 00 00 04  00 00 00 10   # PRGENERATION 4, ADDITIONAL LENGTH 16
      00 00 00 00 00 12 3a bc    # RESERVATION KEY
      00 00 00 00                # obsolete
      00 05 00 00                # reserved, SCOPE 0 / TYPE 5, obsolete
    `);
    const v = decodeReadReservationData(data);
    expect(v).toEqual({ prGeneration: 4, reservation: { reservationKey: 0x123abcn, scope: 0, type: 5 } });
    expect(reservationTypeName(v.reservation?.type ?? 0)).toBe('WRITE EXCLUSIVE - REGISTRANTS ONLY');
    expect(encodeReadReservationData(v)).toEqual(data);
    expect(decodeReadReservationData(hex('00000004 00000000'))).toEqual({
      prGeneration: 4,
      reservation: null,
    });
  });

  it('ADDITIONAL LENGTH must be 0 or 16', () => {
    expectSense(() => decodeReadReservationData(hex('00000000 00000008 0000000000000000')), 5, 0x26, 0, {
      commandData: false,
      field: 4,
    });
  });
});

describe('REPORT CAPABILITIES data', () => {
  const mask = fc.record({ wrExAr: bool, exAcRo: bool, wrExRo: bool, exAc: bool, wrEx: bool, exAcAr: bool });
  it('round-trips', () => {
    fc.assert(
      fc.property(
        fc.record({
          rlrC: bool,
          crh: bool,
          sipC: bool,
          atpC: bool,
          ptplC: bool,
          tmv: bool,
          allowCommands: u(3),
          ptplA: bool,
          persistentReservationTypeMask: mask,
        }),
        (v) => expect(decodeReportCapabilitiesData(encodeReportCapabilitiesData(v))).toEqual(v),
      ),
    );
  });

  it('golden: CRH SIP_C ATP_C PTPL_C, TMV, ALLOW COMMANDS 001b, all six types', () => {
    const data = hex(`
      00 08   # LENGTH 8
      1d      # CRH SIP_C ATP_C PTPL_C
      90      # TMV, ALLOW COMMANDS 001b, PTPL_A 0
      ea 01   # WR_EX_AR EX_AC_RO WR_EX_RO EX_AC WR_EX | EX_AC_AR
      00 00
    `);
    const v = decodeReportCapabilitiesData(data);
    expect(v).toEqual({
      rlrC: false,
      crh: true,
      sipC: true,
      atpC: true,
      ptplC: true,
      tmv: true,
      allowCommands: 1,
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
    expect(encodeReportCapabilitiesData(v)).toEqual(data);
  });

  it('LENGTH other than 8 and short data', () => {
    expectSense(() => decodeReportCapabilitiesData(hex('00 06 00 00 00 00 00 00')), 5, 0x26, 0, {
      commandData: false,
      field: 0,
    });
    expectSense(() => decodeReportCapabilitiesData(hex('00 08 00 00')), 5, 0x1a, 0);
  });
});

describe('READ FULL STATUS data', () => {
  const descriptor = fc.record({
    reservationKey: u64,
    allTgPt: bool,
    rHolder: bool,
    scope: u(4),
    type: u(4),
    relativeTargetPortIdentifier: u16,
    transportId: transportIdArb,
  });
  it('round-trips', () => {
    fc.assert(
      fc.property(
        fc.record({ prGeneration: u32, descriptors: fc.array(descriptor, { maxLength: 4 }) }),
        (v) => expect(decodeReadFullStatusData(encodeReadFullStatusData(v))).toEqual(v),
      ),
    );
  });

  it('golden: one iSCSI initiator port holding an EXCLUSIVE ACCESS reservation', () => {
    const data = hex(`
      00 00 00 07  00 00 00 3c        # PRGENERATION 7, ADDITIONAL LENGTH 60
      00 00 00 00 00 00 00 2a         # RESERVATION KEY 2Ah
      00 00 00 00                     # reserved
      01                              # ALL_TG_PT=0 R_HOLDER=1
      03                              # SCOPE 0, TYPE 3 (EXCLUSIVE ACCESS)
      00 00 00 00                     # reserved
      00 01                           # RELATIVE TARGET PORT IDENTIFIER 1
      00 00 00 24                     # ADDITIONAL DESCRIPTOR LENGTH 36
      45 00 00 20                     # iSCSI port TransportID, ADDITIONAL LENGTH 32
      69 71 6e 2e 32 30 30 35 2d 30 33 2e 61   # iqn.2005-03.a
      2c 69 2c 30 78                           # ,i,0x
      34 30 30 30 30 31 33 37 30 30 30 30 00 00 # 400001370000, NUL pad
    `);
    const expected: ReadFullStatusData = {
      prGeneration: 7,
      descriptors: [
        {
          reservationKey: 0x2an,
          allTgPt: false,
          rHolder: true,
          scope: 0,
          type: PR_TYPE.exclusiveAccess,
          relativeTargetPortIdentifier: 1,
          transportId: { kind: 'iscsiPort', iscsiName: 'iqn.2005-03.a', isid: '400001370000' },
        },
      ],
    };
    expect(decodeReadFullStatusData(data)).toEqual(expected);
    expect(encodeReadFullStatusData(expected)).toEqual(data);
  });

  it('descriptor length errors point at the offending field', () => {
    const ok = encodeReadFullStatusData({
      prGeneration: 0,
      descriptors: [
        {
          reservationKey: 1n,
          allTgPt: true,
          rHolder: false,
          scope: 0,
          type: 0,
          relativeTargetPortIdentifier: 2,
          transportId: { kind: 'opaque', formatCode: 0, protocolIdentifier: 6, data: Buffer.alloc(23) },
        },
      ],
    });
    const over = Buffer.from(ok);
    over.writeUInt32BE(25, 8 + 20);
    expectSense(() => decodeReadFullStatusData(over), 5, 0x26, 0, { commandData: false, field: 28 });
    const partial = Buffer.concat([ok, Buffer.alloc(4)]);
    partial.writeUInt32BE(ok.length - 8 + 4, 4);
    expectSense(() => decodeReadFullStatusData(partial), 5, 0x26, 0, { commandData: false, field: 4 });
  });
});

describe('reservation types', () => {
  it('names and validity', () => {
    expect(reservationTypeName(PR_TYPE.writeExclusive)).toBe('WRITE EXCLUSIVE');
    expect(reservationTypeName(8)).toBe('EXCLUSIVE ACCESS - ALL REGISTRANTS');
    expect(reservationTypeName(2)).toBe('reserved type 2h');
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(isValidReservationType)).toEqual([
      false,
      true,
      false,
      true,
      false,
      true,
      true,
      true,
      true,
      false,
    ]);
  });
});

describe('PERSISTENT RESERVE IN data: mutated encodings', () => {
  it('READ FULL STATUS decoder throws only SenseError', () => {
    const descriptor = fc.record({
      reservationKey: u64,
      allTgPt: bool,
      rHolder: bool,
      scope: u(4),
      type: u(4),
      relativeTargetPortIdentifier: u16,
      transportId: transportIdArb,
    });
    const valid = fc
      .record({ prGeneration: u32, descriptors: fc.array(descriptor, { maxLength: 3 }) })
      .map(encodeReadFullStatusData);
    fc.assert(
      fc.property(mutated(valid), (b) => onlySense(() => decodeReadFullStatusData(b))),
      { numRuns: 300 },
    );
  });
});
