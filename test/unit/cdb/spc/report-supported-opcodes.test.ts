import * as fc from 'fast-check';
import {
  allCommandsDataLength,
  decodeAllCommandsData,
  decodeOneCommandData,
  decodeReportSupportedOpcodesCdb,
  encodeAllCommandsData,
  encodeOneCommandData,
  encodeReportSupportedOpcodesCdb,
  REPORTING_OPTIONS,
  SUPPORT,
  type AllCommandsData,
  type CommandTimeoutsDescriptor,
  type OneCommandData,
} from '../../../../cdb/spc/report-supported-opcodes';
import { editsArb, hex, mutatedDecodesOrSense, senseOf } from './helpers';

const u = (bits: number): fc.Arbitrary<number> => fc.integer({ min: 0, max: 2 ** bits - 1 });

describe('REPORT SUPPORTED OPERATION CODES CDB (SPC-4 6.35.1)', () => {
  it('decodes hand-written CDBs', () => {
    // A3h | SA 0Ch | RCTD 1, REPORTING OPTIONS 000b | - | - | ALLOCATION LENGTH 4096 | rsvd | CONTROL
    expect(decodeReportSupportedOpcodesCdb(hex('a3 0c 80 00 0000 00001000 00 00'))).toEqual({
      rctd: true,
      reportingOptions: REPORTING_OPTIONS.ALL,
      requestedOperationCode: 0,
      requestedServiceAction: 0,
      allocationLength: 4096,
      control: 0,
    });
    // One command: RECEIVE COPY RESULTS (84h) service action 03h.
    expect(decodeReportSupportedOpcodesCdb(hex('a3 0c 02 84 0003 00000200 00 00'))).toEqual({
      rctd: false,
      reportingOptions: REPORTING_OPTIONS.OPCODE_AND_SA,
      requestedOperationCode: 0x84,
      requestedServiceAction: 3,
      allocationLength: 512,
      control: 0,
    });
  });

  it('encodes byte for byte and round-trips', () => {
    expect(
      encodeReportSupportedOpcodesCdb({
        rctd: false,
        reportingOptions: 1,
        requestedOperationCode: 0x12,
        requestedServiceAction: 0,
        allocationLength: 20,
        control: 0,
      }),
    ).toEqual(hex('a3 0c 01 12 0000 00000014 00 00'));
    fc.assert(
      fc.property(
        fc.record({
          rctd: fc.boolean(),
          reportingOptions: fc.integer({ min: 0, max: 3 }),
          requestedOperationCode: u(8),
          requestedServiceAction: u(16),
          allocationLength: u(32),
          control: u(8),
        }),
        (v) => expect(decodeReportSupportedOpcodesCdb(encodeReportSupportedOpcodesCdb(v))).toEqual(v),
      ),
    );
  });

  it('reserved REPORTING OPTIONS is INVALID FIELD IN CDB at byte 2 bit 2', () => {
    const e = senseOf(() => decodeReportSupportedOpcodesCdb(hex('a3 0c 04 00 0000 00001000 00 00')));
    expect([e.senseKey, e.asc, e.ascq]).toEqual([0x05, 0x24, 0x00]);
    expect(e.fieldPointer).toEqual({ commandData: true, field: 2, bit: 2 });
  });

  it('another service action, opcode or a short CDB are rejected', () => {
    const sa = senseOf(() => decodeReportSupportedOpcodesCdb(hex('a3 0d 00 00 0000 00001000 00 00')));
    expect([sa.asc, sa.fieldPointer]).toEqual([0x24, { commandData: true, field: 1, bit: 4 }]);
    expect(senseOf(() => decodeReportSupportedOpcodesCdb(hex('a4 0c 00 00 0000 00001000 00 00'))).asc).toBe(
      0x20,
    );
    expect(senseOf(() => decodeReportSupportedOpcodesCdb(hex('a3 0c 00 00 0000 00001000 00'))).asc).toBe(
      0x24,
    );
  });
});

// SPC-4 tables 293, 294, 297: INQUIRY without timeouts, EXTENDED COPY(LID1) with them.
const ALL = hex(
  [
    '0000001c', // COMMAND DATA LENGTH 28
    '12 00 0000 00 00 0006', // INQUIRY | rsvd | SA 0 | rsvd | CTDP 0 SERVACTV 0 | CDB LENGTH 6
    '83 00 0000 00 03 0010', // EXTENDED COPY | SA 00h | CTDP 1 SERVACTV 1 | CDB LENGTH 16
    '000a 00 00 0000001e 0000003c', // timeouts: LENGTH 0Ah | rsvd | COMMAND SPECIFIC 0 | 30 s | 60 s
  ].join(''),
);

const ALL_FIELDS: AllCommandsData = {
  commandDescriptors: [
    { operationCode: 0x12, serviceAction: 0, servactv: false, cdbLength: 6 },
    {
      operationCode: 0x83,
      serviceAction: 0,
      servactv: true,
      cdbLength: 16,
      commandTimeouts: {
        commandSpecific: 0,
        nominalCommandProcessingTimeout: 30,
        recommendedCommandTimeout: 60,
      },
    },
  ],
};

const timeoutsArb: fc.Arbitrary<CommandTimeoutsDescriptor> = fc.record({
  commandSpecific: u(8),
  nominalCommandProcessingTimeout: u(32),
  recommendedCommandTimeout: u(32),
});

describe('all_commands parameter data (SPC-4 6.35.2)', () => {
  it('decodes and encodes the hand-written list', () => {
    expect(decodeAllCommandsData(ALL)).toEqual(ALL_FIELDS);
    expect(encodeAllCommandsData(ALL_FIELDS)).toEqual(ALL);
  });

  it('a list cut by the allocation length keeps the complete descriptors', () => {
    expect(allCommandsDataLength(ALL.subarray(0, 4))).toBe(32);
    expect(decodeAllCommandsData(ALL.subarray(0, 20)).commandDescriptors).toEqual([
      ALL_FIELDS.commandDescriptors[0],
    ]);
    expect(decodeAllCommandsData(ALL.subarray(0, 28)).commandDescriptors).toHaveLength(1);
    expect(decodeAllCommandsData(Buffer.concat([ALL, hex('ffffffff')]))).toEqual(ALL_FIELDS);
  });

  it('round-trips', () => {
    const desc = fc.record(
      {
        operationCode: u(8),
        serviceAction: u(16),
        servactv: fc.boolean(),
        cdbLength: u(16),
        commandTimeouts: timeoutsArb,
      },
      { requiredKeys: ['operationCode', 'serviceAction', 'servactv', 'cdbLength'] },
    );
    fc.assert(
      fc.property(fc.array(desc, { maxLength: 30 }), (commandDescriptors) => {
        expect(decodeAllCommandsData(encodeAllCommandsData({ commandDescriptors }))).toEqual({
          commandDescriptors,
        });
      }),
    );
  });

  it('inconsistent lengths are INVALID FIELD IN PARAMETER LIST', () => {
    // CTDP set but COMMAND DATA LENGTH leaves no room for the timeouts descriptor.
    const ctdp = senseOf(() => decodeAllCommandsData(hex('00000008 83 00 0000 00 03 0010')));
    expect([ctdp.asc, ctdp.fieldPointer]).toEqual([0x26, { commandData: false, field: 9, bit: 1 }]);
    // COMMAND DATA LENGTH 10: a descriptor and two stray bytes.
    const stray = senseOf(() => decodeAllCommandsData(hex('0000000a 12 00 0000 00 00 0006 0000')));
    expect([stray.asc, stray.fieldPointer?.field]).toEqual([0x26, 0]);
    // Timeouts descriptor with DESCRIPTOR LENGTH 8: points at it (byte 12).
    const bad = Buffer.from(ALL);
    bad[21] = 0x08;
    expect(senseOf(() => decodeAllCommandsData(bad)).fieldPointer?.field).toBe(20);
    expect(senseOf(() => decodeAllCommandsData(hex('000000'))).asc).toBe(0x1a);
  });
});

// SPC-4 6.35.3 example: the CDB usage data of REPORT SUPPORTED OPERATION CODES itself.
const ONE = hex(
  [
    '00', // reserved
    '83', // CTDP 1, SUPPORT 011b
    '000c', // CDB SIZE 12
    'a3 0c 87 ff ffff ffffffff 00 07', // CDB USAGE DATA
    '000a 00 00 00000005 0000000a', // timeouts: 5 s nominal, 10 s recommended
  ].join(''),
);

describe('decoder robustness', () => {
  it('mutated data decodes or throws SenseError only', () => {
    fc.assert(
      fc.property(editsArb, fc.nat(), (edits, cut) => {
        mutatedDecodesOrSense(decodeAllCommandsData, ALL, edits, cut);
        mutatedDecodesOrSense(decodeOneCommandData, ONE, edits, cut);
      }),
      { numRuns: 300 },
    );
  });
});

describe('one_command parameter data (SPC-4 6.35.3)', () => {
  it('decodes and encodes the hand-written data', () => {
    const v: OneCommandData = {
      support: SUPPORT.SUPPORTED,
      cdbUsageData: hex('a3 0c 87 ff ff ff ff ff ff ff 00 07'),
      commandTimeouts: {
        commandSpecific: 0,
        nominalCommandProcessingTimeout: 5,
        recommendedCommandTimeout: 10,
      },
    };
    expect(decodeOneCommandData(ONE)).toEqual(v);
    expect(encodeOneCommandData(v)).toEqual(ONE);
  });

  it('an unsupported command carries no usage data', () => {
    expect(decodeOneCommandData(hex('00 01 0000'))).toEqual({
      support: SUPPORT.NOT_SUPPORTED,
      cdbUsageData: Buffer.alloc(0),
    });
    // SPC-4: data after byte 1 is undefined, so it is not read.
    expect(decodeOneCommandData(hex('00 80 ffff'))).toEqual({
      support: SUPPORT.NOT_AVAILABLE,
      cdbUsageData: Buffer.alloc(0),
    });
    expect(encodeOneCommandData({ support: SUPPORT.NOT_SUPPORTED, cdbUsageData: Buffer.alloc(0) })).toEqual(
      hex('00 01 0000'),
    );
  });

  it('round-trips', () => {
    const supported = fc.record(
      {
        support: fc.constantFrom(SUPPORT.SUPPORTED, SUPPORT.SUPPORTED_VENDOR_SPECIFIC),
        cdbUsageData: fc.uint8Array({ maxLength: 260 }).map((a) => Buffer.from(a)),
        commandTimeouts: timeoutsArb,
      },
      { requiredKeys: ['support', 'cdbUsageData'] },
    );
    const unsupported = fc.record({
      support: fc.constantFrom(SUPPORT.NOT_AVAILABLE, SUPPORT.NOT_SUPPORTED),
      cdbUsageData: fc.constant(Buffer.alloc(0)),
    });
    fc.assert(
      fc.property(fc.oneof(supported, unsupported), (v: OneCommandData) =>
        expect(decodeOneCommandData(encodeOneCommandData(v))).toEqual(v),
      ),
    );
  });

  it('errors', () => {
    const reserved = senseOf(() => decodeOneCommandData(hex('00 02 0000')));
    expect([reserved.asc, reserved.fieldPointer]).toEqual([0x26, { commandData: false, field: 1, bit: 2 }]);
    // CTDP set but the data ends after the usage data.
    expect(senseOf(() => decodeOneCommandData(ONE.subarray(0, 16))).asc).toBe(0x1a);
    // CDB SIZE larger than the data.
    expect(senseOf(() => decodeOneCommandData(hex('00 03 0010 12'))).asc).toBe(0x1a);
    const badLen = Buffer.from(ONE);
    badLen[17] = 0x0c;
    expect(senseOf(() => decodeOneCommandData(badLen)).fieldPointer).toEqual({
      commandData: false,
      field: 16,
      bit: undefined,
    });
    expect(senseOf(() => decodeOneCommandData(hex('00'))).asc).toBe(0x1a);
    expect(() => encodeOneCommandData({ support: SUPPORT.NOT_SUPPORTED, cdbUsageData: hex('12') })).toThrow(
      RangeError,
    );
    expect(() => encodeOneCommandData({ support: 8, cdbUsageData: Buffer.alloc(0) })).toThrow(RangeError);
    expect(() =>
      encodeOneCommandData({
        support: SUPPORT.SUPPORTED,
        cdbUsageData: Buffer.alloc(6),
        commandTimeouts: {
          commandSpecific: 256,
          nominalCommandProcessingTimeout: 0,
          recommendedCommandTimeout: 0,
        },
      }),
    ).toThrow(RangeError);
  });
});
