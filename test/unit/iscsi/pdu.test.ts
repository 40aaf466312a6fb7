import fc from 'fast-check';
import {
  BHS_LENGTH,
  cdbLength,
  decodePdu,
  decodeSenseSegment,
  encodePdu,
  encodeSenseSegment,
  lunFromNumber,
  lunToNumber,
  Opcode,
  padLength,
  parseBhsLengths,
  parsePdu,
  PduError,
  RejectReason,
  serializePdu,
  trimCdb,
  isInitiatorPdu,
  type Pdu,
} from '../../../targets/iscsi/pdu';
import { anyPdu } from './arbitraries';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function expectPduError(f: () => unknown, reason: number): PduError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(PduError);
    expect((e as PduError).reason).toBe(reason);
    return e as PduError;
  }
  throw new Error('expected a PduError');
}

describe('PDU round trips', () => {
  it('parsePdu(serializePdu(p)) equals p for every PDU type', () => {
    fc.assert(
      fc.property(anyPdu, (p) => {
        const wire = serializePdu(p);
        expect(wire.length % 4).toBe(0);
        expect(parsePdu(wire)).toEqual(p);
      }),
      { numRuns: 2000 },
    );
  });

  it('decodePdu(encodePdu(p)) equals p and the BHS length fields describe the parts', () => {
    fc.assert(
      fc.property(anyPdu, (p) => {
        const { header, data } = encodePdu(p);
        const lengths = parseBhsLengths(header);
        expect(header.length).toBe(BHS_LENGTH + lengths.totalAhsLength);
        expect(lengths.dataSegmentLength).toBe(data.length);
        expect(decodePdu(header, data)).toEqual(p);
      }),
    );
  });

  it('classifies direction by opcode', () => {
    fc.assert(
      fc.property(anyPdu, (p) => {
        const op = encodePdu(p).header[0] & 0x3f;
        expect(isInitiatorPdu(p)).toBe(op < 0x20);
      }),
    );
  });
});

describe('golden BHS vectors (RFC 7143 section 11 layouts)', () => {
  it('SCSI Command READ(10) from RFC 7143 Appendix B.4', () => {
    const wire = hex(`
      01 c0 00 00  00 00 00 00  00 00 00 00  00 00 00 00
      14 00 00 00  00 00 04 00  00 00 00 14  00 00 00 18
      28 00 00 00  00 00 00 00  02 00 00 00  00 00 00 00`);
    const p = parsePdu(wire);
    expect(p).toEqual({
      kind: 'scsi-command',
      immediate: false,
      final: true, // byte 1 bit 7
      read: true, // byte 1 bit 6
      write: false,
      attr: 0, // untagged
      lun: 0n,
      itt: 0x14000000,
      expectedDataTransferLength: 1024,
      cmdSN: 0x14,
      expStatSN: 0x18,
      cdb: hex('28000000000000000200000000000000'),
      data: Buffer.alloc(0),
    });
    expect(serializePdu(p)).toEqual(wire);
  });

  it('SCSI Command with a 32-byte CDB in an Extended CDB AHS and a bidirectional length AHS', () => {
    const cdb = Buffer.from(Array.from({ length: 32 }, (_, i) => (i === 0 ? 0x7f : i)));
    const wire = serializePdu({
      kind: 'scsi-command',
      immediate: true,
      final: true,
      read: true,
      write: true,
      attr: 1,
      lun: lunFromNumber(3),
      itt: 7,
      expectedDataTransferLength: 512,
      cmdSN: 9,
      expStatSN: 4,
      cdb,
      bidiReadExpectedDataTransferLength: 0x1000,
      data: Buffer.from([1, 2, 3]),
    });
    expect(wire.subarray(0, 8)).toEqual(hex('41 e1 00 00 07 00 00 03')); // I, F|R|W|SIMPLE, TotalAHSLength 7 words, DSL 3
    expect(wire.subarray(8, 16)).toEqual(hex('00 03 00 00 00 00 00 00')); // LUN 3, peripheral addressing
    expect(wire.subarray(32, 48)).toEqual(cdb.subarray(0, 16));
    // Extended CDB AHS: AHSLength 17 (= 32 - 15), type 1, reserved, CDB bytes 16..31.
    expect(wire.subarray(48, 52)).toEqual(hex('00 11 01 00'));
    expect(wire.subarray(52, 68)).toEqual(cdb.subarray(16));
    // Bidirectional Read Expected Data Transfer Length AHS: AHSLength 5, type 2.
    expect(wire.subarray(68, 76)).toEqual(hex('00 05 02 00 00 00 10 00'));
    expect(wire.subarray(76)).toEqual(hex('01 02 03 00'));
  });

  it('Login Request, security -> full feature with T bit', () => {
    const text = Buffer.from('InitiatorName=iqn.x\0', 'latin1');
    const wire = serializePdu({
      kind: 'login-request',
      transit: true,
      continue: false,
      csg: 1,
      nsg: 3,
      versionMax: 0,
      versionMin: 0,
      isid: 0x400001370000,
      tsih: 0,
      itt: 1,
      cid: 2,
      cmdSN: 5,
      expStatSN: 0,
      data: text,
    });
    expect(wire.subarray(0, BHS_LENGTH)).toEqual(
      hex(`
      43 87 00 00  00 00 00 14  40 00 01 37  00 00 00 00
      00 00 00 01  00 02 00 00  00 00 00 05  00 00 00 00
      00 00 00 00  00 00 00 00  00 00 00 00  00 00 00 00`),
    );
    expect(wire.length).toBe(BHS_LENGTH + 20);
  });

  it('Login Response with status class/detail', () => {
    const wire = hex(`
      23 00 00 00  00 00 00 00  40 00 01 37  00 00 00 00
      00 00 00 01  00 00 00 00  00 00 00 07  00 00 00 05
      00 00 00 08  02 01 00 00  00 00 00 00  00 00 00 00`);
    expect(parsePdu(wire)).toEqual({
      kind: 'login-response',
      transit: false,
      continue: false,
      csg: 0,
      nsg: 0,
      versionMax: 0,
      versionActive: 0,
      isid: 0x400001370000,
      tsih: 0,
      itt: 1,
      statSN: 7,
      expCmdSN: 5,
      maxCmdSN: 8,
      statusClass: 2,
      statusDetail: 1, // authentication failure
      data: Buffer.alloc(0),
    });
  });

  it('Data-In carrying status (S bit) and an underflow residual', () => {
    const wire = hex(`
      25 83 00 00  00 00 00 04  00 01 00 00  00 00 00 00
      00 00 00 10  ff ff ff ff  00 00 00 02  00 00 00 03
      00 00 00 0a  00 00 00 00  00 00 02 00  00 00 01 00
      de ad be ef`);
    expect(parsePdu(wire)).toEqual({
      kind: 'data-in',
      final: true,
      acknowledge: false,
      residualOverflow: false,
      residualUnderflow: true,
      statusPresent: true,
      status: 0,
      lun: lunFromNumber(1),
      itt: 0x10,
      ttt: 0xffffffff,
      statSN: 2,
      expCmdSN: 3,
      maxCmdSN: 10,
      dataSN: 0,
      bufferOffset: 0x200,
      residualCount: 0x100,
      data: hex('deadbeef'),
    });
  });

  it('SCSI Response with fixed-format sense behind the SenseLength prefix', () => {
    const sense = hex('70 00 05 00 00 00 00 0a 00 00 00 00 24 00 00 00 00 00');
    const wire = serializePdu({
      kind: 'scsi-response',
      bidiReadResidualOverflow: false,
      bidiReadResidualUnderflow: false,
      residualOverflow: false,
      residualUnderflow: false,
      response: 0,
      status: 2,
      itt: 0x22,
      snackTag: 0,
      statSN: 1,
      expCmdSN: 2,
      maxCmdSN: 3,
      expDataSN: 0,
      bidiReadResidualCount: 0,
      residualCount: 0,
      senseData: sense,
      responseData: Buffer.alloc(0),
    });
    expect(wire.subarray(0, 8)).toEqual(hex('21 80 00 02 00 00 00 14')); // CHECK CONDITION, DSL 2+18
    expect(wire.subarray(48, 50)).toEqual(hex('00 12')); // SenseLength 18
    expect(wire.subarray(50, 68)).toEqual(sense);
    expect(wire.length).toBe(68); // 20 bytes of data need no padding
  });

  it('R2T', () => {
    const wire = hex(`
      31 80 00 00  00 00 00 00  00 00 00 00  00 00 00 00
      00 00 00 05  00 00 00 09  00 00 00 04  00 00 00 06
      00 00 00 0c  00 00 00 01  00 01 00 00  00 00 20 00`);
    expect(parsePdu(wire)).toEqual({
      kind: 'r2t',
      lun: 0n,
      itt: 5,
      ttt: 9,
      statSN: 4,
      expCmdSN: 6,
      maxCmdSN: 12,
      r2tSN: 1,
      bufferOffset: 0x10000,
      desiredDataTransferLength: 0x2000,
    });
  });

  it('Task Management Function Request ABORT TASK', () => {
    const p: Pdu = {
      kind: 'task-management-request',
      immediate: true,
      function: 1,
      lun: lunFromNumber(2),
      itt: 0x30,
      referencedTaskTag: 0x2f,
      cmdSN: 0x40,
      expStatSN: 0x11,
      refCmdSN: 0x3f,
      expDataSN: 0,
    };
    expect(serializePdu(p)).toEqual(
      hex(`
      42 81 00 00  00 00 00 00  00 02 00 00  00 00 00 00
      00 00 00 30  00 00 00 2f  00 00 00 40  00 00 00 11
      00 00 00 3f  00 00 00 00  00 00 00 00  00 00 00 00`),
    );
  });

  it('Logout Request close-session and Logout Response with Time2Wait/Time2Retain', () => {
    expect(
      serializePdu({
        kind: 'logout-request',
        immediate: true,
        reasonCode: 0,
        itt: 9,
        cid: 1,
        cmdSN: 3,
        expStatSN: 4,
      }),
    ).toEqual(
      hex(`
      46 80 00 00  00 00 00 00  00 00 00 00  00 00 00 00
      00 00 00 09  00 01 00 00  00 00 00 03  00 00 00 04
      00 00 00 00  00 00 00 00  00 00 00 00  00 00 00 00`),
    );
    expect(
      parsePdu(
        hex(`
      26 80 00 00  00 00 00 00  00 00 00 00  00 00 00 00
      00 00 00 09  00 00 00 00  00 00 00 05  00 00 00 04
      00 00 00 05  00 00 00 00  00 02 00 14  00 00 00 00`),
      ),
    ).toEqual({
      kind: 'logout-response',
      response: 0,
      itt: 9,
      statSN: 5,
      expCmdSN: 4,
      maxCmdSN: 5,
      time2Wait: 2,
      time2Retain: 20,
    });
  });

  it('Async Message "target requests logout" with ITT ffffffff', () => {
    const wire = serializePdu({
      kind: 'async-message',
      lun: 0n,
      statSN: 1,
      expCmdSN: 2,
      maxCmdSN: 3,
      asyncEvent: 1,
      asyncVCode: 0,
      parameter1: 0,
      parameter2: 0,
      parameter3: 5,
      senseData: Buffer.alloc(0),
      eventData: Buffer.alloc(0),
    });
    expect(wire).toEqual(
      hex(`
      32 80 00 00  00 00 00 00  00 00 00 00  00 00 00 00
      ff ff ff ff  00 00 00 00  00 00 00 01  00 00 00 02
      00 00 00 03  01 00 00 00  00 00 00 05  00 00 00 00`),
    );
  });

  it('Reject carries the rejected header', () => {
    const bad = Buffer.alloc(48, 0x11);
    const wire = serializePdu({
      kind: 'reject',
      reason: 9,
      statSN: 1,
      expCmdSN: 2,
      maxCmdSN: 3,
      dataSN: 0,
      data: bad,
    });
    expect(wire.subarray(0, 8)).toEqual(hex('3f 80 09 00 00 00 00 30'));
    expect(wire.subarray(16, 20)).toEqual(hex('ff ff ff ff'));
    expect(wire.subarray(48)).toEqual(bad);
  });

  it('NOP-Out ping answering a target NOP-In keeps the TTT', () => {
    expect(
      serializePdu({
        kind: 'nop-out',
        immediate: true,
        lun: 0n,
        itt: 0xffffffff,
        ttt: 0x1234,
        cmdSN: 8,
        expStatSN: 9,
        data: Buffer.alloc(0),
      }),
    ).toEqual(
      hex(`
      40 80 00 00  00 00 00 00  00 00 00 00  00 00 00 00
      ff ff ff ff  00 00 12 34  00 00 00 08  00 00 00 09
      00 00 00 00  00 00 00 00  00 00 00 00  00 00 00 00`),
    );
  });

  it('SNACK is decoded (so an ERL 0 target can reject it)', () => {
    const wire = hex(`
      10 81 00 00  00 00 00 00  00 00 00 00  00 00 00 00
      00 00 00 04  ff ff ff ff  00 00 00 00  00 00 00 02
      00 00 00 00  00 00 00 00  00 00 00 01  00 00 00 02`);
    expect(parsePdu(wire)).toEqual({
      kind: 'snack-request',
      type: 1,
      lun: 0n,
      itt: 4,
      ttt: 0xffffffff,
      expStatSN: 2,
      begRun: 1,
      runLength: 2,
    });
  });
});

describe('malformed PDUs raise PduError with the Reject reason', () => {
  const nop = serializePdu({
    kind: 'nop-out',
    immediate: false,
    lun: 0n,
    itt: 1,
    ttt: 0xffffffff,
    cmdSN: 1,
    expStatSN: 1,
    data: Buffer.alloc(0),
  });

  it('unknown or vendor opcode -> 05h command not supported, with the header for the Reject', () => {
    for (const op of [0x1c, 0x07, 0x3c, 0x30]) {
      const b = Buffer.from(nop);
      b[0] = op;
      const e = expectPduError(() => parsePdu(b), RejectReason.CommandNotSupported);
      expect(e.header).toEqual(b.subarray(0, 48));
      expect(e.itt).toBe(1);
      expect(e.opcode).toBe(op);
    }
  });

  it('short buffers -> 04h protocol error', () => {
    expectPduError(() => parsePdu(nop.subarray(0, 47)), RejectReason.ProtocolError);
    const withData = Buffer.from(nop);
    withData[7] = 8;
    expectPduError(() => parsePdu(withData), RejectReason.ProtocolError);
  });

  it('decodePdu checks the header and data lengths against the BHS', () => {
    expectPduError(
      () => decodePdu(Buffer.concat([nop, Buffer.alloc(4)]), Buffer.alloc(0)),
      RejectReason.ProtocolError,
    );
    expectPduError(() => decodePdu(nop, Buffer.alloc(4)), RejectReason.ProtocolError);
  });

  it('AHS on a PDU other than SCSI Command -> protocol error', () => {
    const b = Buffer.concat([nop, hex('00 05 02 00 00 00 00 00')]);
    b[4] = 2;
    expectPduError(() => parsePdu(b), RejectReason.ProtocolError);
  });

  it('bad AHS in a SCSI Command -> protocol error', () => {
    const cmd = serializePdu({
      kind: 'scsi-command',
      immediate: false,
      final: true,
      read: false,
      write: false,
      attr: 1,
      lun: 0n,
      itt: 1,
      expectedDataTransferLength: 0,
      cmdSN: 1,
      expStatSN: 1,
      cdb: Buffer.alloc(16),
      data: Buffer.alloc(0),
    });
    const cases = [
      hex('00 00 01 00'), // AHSLength 0
      hex('00 09 01 00'), // AHSLength beyond TotalAHSLength
      hex('00 01 07 00'), // unknown AHS type
      hex('00 01 02 00'), // bidirectional AHS with wrong length
    ];
    for (const ahs of cases) {
      const b = Buffer.concat([cmd, ahs]);
      b[4] = 1;
      expectPduError(() => parsePdu(b), RejectReason.ProtocolError);
    }
  });

  it('data segment on TMF/Logout/SNACK/R2T -> invalid PDU field', () => {
    for (const op of [Opcode.TaskManagementRequest, Opcode.LogoutRequest, Opcode.SnackRequest, Opcode.R2T]) {
      const b = Buffer.concat([nop, Buffer.alloc(4)]);
      b[0] = op;
      b[7] = 4;
      expectPduError(() => parsePdu(b), RejectReason.InvalidPduField);
    }
  });

  it('SenseLength larger than the data segment -> protocol error', () => {
    expectPduError(() => decodeSenseSegment(hex('00 10 70 00')), RejectReason.ProtocolError);
    expectPduError(() => decodeSenseSegment(hex('00')), RejectReason.ProtocolError);
  });

  it('never throws anything but PduError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), fc.nat({ max: 0x3f }), (bytes, op) => {
        const b = Buffer.from(bytes);
        if (b.length > 0) b[0] = (b[0] & 0xc0) | op;
        try {
          parsePdu(b);
        } catch (e) {
          expect(e).toBeInstanceOf(PduError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('encoders refuse values that do not fit', () => {
  it('throws RangeError for out-of-range fields', () => {
    expect(() =>
      encodePdu({
        kind: 'logout-request',
        immediate: true,
        reasonCode: 0,
        itt: 2 ** 32,
        cid: 0,
        cmdSN: 0,
        expStatSN: 0,
      }),
    ).toThrow(RangeError);
    expect(() =>
      encodePdu({
        kind: 'task-management-request',
        immediate: true,
        function: 128,
        lun: 0n,
        itt: 0,
        referencedTaskTag: 0,
        cmdSN: 0,
        expStatSN: 0,
        refCmdSN: 0,
        expDataSN: 0,
      }),
    ).toThrow(RangeError);
    expect(() => encodeSenseSegment(Buffer.alloc(0x10000), Buffer.alloc(0))).toThrow(RangeError);
  });
});

describe('helpers', () => {
  it('padLength', () => {
    expect([0, 1, 2, 3, 4, 5].map(padLength)).toEqual([0, 3, 2, 1, 0, 3]);
  });

  it('LUN encoding: peripheral below 256, flat space above', () => {
    expect(lunFromNumber(0)).toBe(0n);
    expect(lunFromNumber(1)).toBe(0x0001000000000000n);
    expect(lunFromNumber(300)).toBe(0x412c000000000000n);
    expect(lunToNumber(0x412c000000000000n)).toBe(300);
    expect(lunToNumber(0x0100000000000000n)).toBe(-1); // bus 1
    expect(lunToNumber(0x0001000000000001n)).toBe(-1); // second level
    expect(lunToNumber(0x8001000000000000n)).toBe(-1); // logical unit addressing
    expect(() => lunFromNumber(16384)).toThrow(RangeError);
    fc.assert(fc.property(fc.nat({ max: 16383 }), (n) => expect(lunToNumber(lunFromNumber(n))).toBe(n)));
  });

  it('cdbLength / trimCdb from the group code', () => {
    const pad = (b: number[]): Buffer => Buffer.concat([Buffer.from(b), Buffer.alloc(16 - b.length)]);
    expect(cdbLength(pad([0x12]))).toBe(6);
    expect(cdbLength(pad([0x28]))).toBe(10);
    expect(cdbLength(pad([0xa0]))).toBe(12);
    expect(cdbLength(pad([0x88]))).toBe(16);
    expect(cdbLength(pad([0x83]))).toBe(16);
    expect(cdbLength(Buffer.from([0x7f, 0, 0, 0, 0, 0, 0, 0x18]))).toBe(32);
    expect(cdbLength(pad([0xc0]))).toBe(16);
    expect(cdbLength(Buffer.alloc(0))).toBe(0);
    expect(trimCdb(pad([0x00, 0, 0, 0, 0, 0x80]))).toEqual(hex('00 00 00 00 00 80'));
  });
});
