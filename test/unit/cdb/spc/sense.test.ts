import * as fc from 'fast-check';
import { SenseError, invalidCdbField, invalidParamField, illegalRequest } from '../../../../cdb/errors';
import {
  decodeSense,
  describeSense,
  describeSenseData,
  describeSks,
  descriptorTypeName,
  type DescriptorSenseData,
  encodeSense,
  type FixedSenseData,
  isDeferredSense,
  isFixedSense,
  makeSense,
  type SenseData,
  senseDataFromError,
  type SenseDescriptor,
  senseFromError,
  type SenseKeySpecific,
  sksKindFor,
} from '../../../../cdb/spc/sense';
import { hex, senseOf } from './helpers';

// ------------------------------------------------------------------------------------------------
// Golden vectors, written from SPC-4 4.5.2 / 4.5.3 (and checked with sg_decode_sense by hand).

// Fixed format, ILLEGAL REQUEST, INVALID FIELD IN CDB, field pointer CDB byte 1 bit 4.
const FIXED_FIELD_POINTER = hex(
  '70' + // VALID=0, RESPONSE CODE 70h (current, fixed)
    '00' + // obsolete
    '05' + // FILEMARK=0 EOM=0 ILI=0 SDAT_OVFL=0, SENSE KEY 5h ILLEGAL REQUEST
    '00000000' + // INFORMATION
    '0a' + // ADDITIONAL SENSE LENGTH = 10
    '00000000' + // COMMAND-SPECIFIC INFORMATION
    '24' + // ASC: INVALID FIELD IN CDB
    '00' + // ASCQ
    '00' + // FIELD REPLACEABLE UNIT CODE
    'cc' + // SKSV=1, C/D=1, BPV=1, BIT POINTER=4
    '0001', // FIELD POINTER = byte 1
);

// Fixed format tape sense: READ met a filemark on a short block (FILEMARK + ILI, residue 256).
const FIXED_TAPE_FILEMARK_ILI = hex(
  'f0' + // VALID=1, RESPONSE CODE 70h
    '00' + // obsolete
    'a0' + // FILEMARK=1, EOM=0, ILI=1, SENSE KEY 0h NO SENSE
    '00000100' + // INFORMATION = 256 (residue: requested - actual)
    '0a' + // ADDITIONAL SENSE LENGTH
    '00000000' + // COMMAND-SPECIFIC INFORMATION
    '0001' + // ASC/ASCQ 00/01 FILEMARK DETECTED
    '00' + // FRU
    '000000', // SKSV=0
);

// Embedded in the forwarded sense descriptor below: MEDIUM ERROR, UNRECOVERED READ ERROR.
const FORWARDED_FIXED = hex('70 00 03 00000000 0a 00000000 11 00 00 000000');

// Descriptor format: COPY ABORTED 0D/01 with information, command-specific information (failed
// segment 2), a segment pointer and the destination's forwarded sense.
const DESCRIPTOR_COPY_ABORTED = hex(
  '72' + // RESPONSE CODE 72h (current, descriptor)
    '0a' + // SENSE KEY Ah COPY ABORTED
    '0d01' + // ASC/ASCQ THIRD PARTY DEVICE FAILURE
    '00' + // SDAT_OVFL=0
    '0000' + // reserved
    '36' + // ADDITIONAL SENSE LENGTH = 54
    // information descriptor
    '00' + // DESCRIPTOR TYPE 00h
    '0a' + // ADDITIONAL LENGTH 10
    '80' + // VALID=1
    '00' + // reserved
    '0000000000000007' + // INFORMATION = 7
    // command-specific information descriptor
    '01' +
    '0a' +
    '0000' +
    '0000000000000002' + // COMMAND-SPECIFIC INFORMATION = 2
    // sense key specific descriptor
    '02' +
    '06' +
    '0000' +
    'a8' + // SKSV=1, SD=1, BPV=1, BIT POINTER=0
    '001c' + // FIELD POINTER = 28
    '00' +
    // forwarded sense data descriptor
    '0c' +
    '14' + // ADDITIONAL LENGTH = 2 + 18
    '01' + // FSDT=0, SENSE DATA SOURCE 1h (copy destination 0)
    '02' + // FORWARDED STATUS: CHECK CONDITION
    FORWARDED_FIXED.toString('hex'),
);

describe('sense golden vectors', () => {
  it('fixed format with a field pointer', () => {
    const s = decodeSense(FIXED_FIELD_POINTER);
    expect(s).toEqual({
      responseCode: 0x70,
      senseKey: 0x05,
      asc: 0x24,
      ascq: 0x00,
      sdatOvfl: false,
      filemark: false,
      eom: false,
      ili: false,
      commandSpecificInformation: 0n,
      fieldReplaceableUnitCode: 0,
      additionalSenseBytes: Buffer.alloc(0),
      senseKeySpecific: { kind: 'fieldPointer', commandData: true, bitPointer: 4, fieldPointer: 1 },
    });
    expect(encodeSense(s)).toEqual(FIXED_FIELD_POINTER);
  });

  it('fixed format tape sense with FILEMARK, ILI and an INFORMATION residue', () => {
    const s = decodeSense(FIXED_TAPE_FILEMARK_ILI);
    expect(s).toEqual({
      responseCode: 0x70,
      senseKey: 0,
      asc: 0,
      ascq: 1,
      sdatOvfl: false,
      filemark: true,
      eom: false,
      ili: true,
      information: 256n,
      commandSpecificInformation: 0n,
      fieldReplaceableUnitCode: 0,
      additionalSenseBytes: Buffer.alloc(0),
    });
    expect(encodeSense(s)).toEqual(FIXED_TAPE_FILEMARK_ILI);
    expect(
      encodeSense(makeSense({ senseKey: 0, asc: 0, ascq: 1, filemark: true, ili: true, information: 256n })),
    ).toEqual(FIXED_TAPE_FILEMARK_ILI);
  });

  it('fixed format overlength block: negative residue as a 32-bit two complement, EOM', () => {
    // f0 / NO SENSE + EOM + ILI / INFORMATION FFFFFF00h (-256) / 00/02 END-OF-PARTITION/MEDIUM DETECTED
    const bytes = hex('f0 00 60 ffffff00 0a 00000000 00 02 00 000000');
    const s = decodeSense(bytes);
    expect(s.information).toBe(0xffffff00n);
    expect([s.filemark, s.eom, s.ili]).toEqual([false, true, true]);
    expect(encodeSense(s)).toEqual(bytes);
  });

  it('descriptor format with information, command-specific, segment pointer and forwarded sense', () => {
    const s = decodeSense(DESCRIPTOR_COPY_ABORTED);
    const descriptors: SenseDescriptor[] = [
      { kind: 'information', valid: true, information: 7n },
      { kind: 'commandSpecificInformation', commandSpecificInformation: 2n },
      {
        kind: 'senseKeySpecific',
        senseKeySpecific: {
          kind: 'segmentPointer',
          segmentDescriptor: true,
          bitPointer: 0,
          fieldPointer: 28,
        },
      },
      {
        kind: 'forwardedSenseData',
        forwardedSenseDataTruncated: false,
        senseDataSource: 1,
        forwardedStatus: 0x02,
        senseData: FORWARDED_FIXED,
      },
    ];
    expect(s).toEqual({
      responseCode: 0x72,
      senseKey: 0x0a,
      asc: 0x0d,
      ascq: 0x01,
      sdatOvfl: false,
      filemark: false,
      eom: false,
      ili: false,
      information: 7n,
      commandSpecificInformation: 2n,
      senseKeySpecific: { kind: 'segmentPointer', segmentDescriptor: true, bitPointer: 0, fieldPointer: 28 },
      descriptors,
    });
    expect(encodeSense(s)).toEqual(DESCRIPTOR_COPY_ABORTED);
    const forwarded = (s as DescriptorSenseData).descriptors[3];
    if (forwarded.kind !== 'forwardedSenseData') throw new Error('expected forwarded sense');
    const inner = decodeSense(forwarded.senseData);
    expect([inner.senseKey, inner.asc, inner.ascq]).toEqual([0x03, 0x11, 0x00]);
  });

  it('descriptor format with information and a field pointer (ILLEGAL REQUEST)', () => {
    const bytes = hex(
      '72 05 24 00 00 0000 14' + // header: ILLEGAL REQUEST 24/00, 20 descriptor bytes
        '00 0a 80 00 0000000000000012' + // information, VALID, 18
        '02 06 0000 cf 0003 00', // SKSV, C/D=1, BPV=1, bit 7; field pointer 3
    );
    const s = decodeSense(bytes);
    expect(s.information).toBe(0x12n);
    expect(s.senseKeySpecific).toEqual({
      kind: 'fieldPointer',
      commandData: true,
      bitPointer: 7,
      fieldPointer: 3,
    });
    expect(
      encodeSense(
        makeSense({
          descriptor: true,
          senseKey: 5,
          asc: 0x24,
          information: 0x12n,
          senseKeySpecific: { kind: 'fieldPointer', commandData: true, bitPointer: 7, fieldPointer: 3 },
        }),
      ),
    ).toEqual(bytes);
  });

  it('descriptor format: stream, block, FRU, progress and opaque descriptors; SDAT_OVFL; deferred', () => {
    const bytes = hex(
      '73 02 04 04 80 0000 24' + // deferred, NOT READY 04/04, SDAT_OVFL=1, 36 descriptor bytes
        '03 02 00 2a' + // FRU code 2Ah
        '04 02 00 c0' + // stream commands: FILEMARK=1 EOM=1 ILI=0
        '05 02 00 20' + // block commands: ILI=1
        '0a 06 02 04 04 00 4000' + // another progress indication: NOT READY 04/04, 4000h
        '02 06 0000 80 8000 00' + // SKSV=1, progress indication 8000h
        '09 04 01020304' + // ATA STATUS RETURN kept opaque (4 bytes)
        '80 00', // vendor specific, empty
    );
    const s = decodeSense(bytes);
    expect(isFixedSense(s)).toBe(false);
    expect(isDeferredSense(s)).toBe(true);
    expect(s).toMatchObject({
      responseCode: 0x73,
      senseKey: 2,
      asc: 4,
      ascq: 4,
      sdatOvfl: true,
      filemark: true,
      eom: true,
      ili: true,
      fieldReplaceableUnitCode: 0x2a,
      senseKeySpecific: { kind: 'progressIndication', progressIndication: 0x8000 },
    });
    expect((s as DescriptorSenseData).descriptors.slice(3)).toEqual([
      { kind: 'progressIndication', senseKey: 2, asc: 4, ascq: 4, progressIndication: 0x4000 },
      {
        kind: 'senseKeySpecific',
        senseKeySpecific: { kind: 'progressIndication', progressIndication: 0x8000 },
      },
      { kind: 'opaque', descriptorType: 0x09, bytes: hex('01020304') },
      { kind: 'opaque', descriptorType: 0x80, bytes: Buffer.alloc(0) },
    ]);
    expect(encodeSense(s)).toEqual(bytes);
  });

  it('fixed format keeps additional sense bytes and the FRU code; 71h is deferred', () => {
    const bytes = hex('71 00 14 00000000 0e 00000001 0c 00 77 800005 deadbeef');
    const s = decodeSense(bytes) as FixedSenseData;
    expect(isDeferredSense(s)).toBe(true);
    expect(s.sdatOvfl).toBe(true);
    expect(s.senseKey).toBe(4);
    expect(s.fieldReplaceableUnitCode).toBe(0x77);
    expect(s.commandSpecificInformation).toBe(1n);
    expect(s.senseKeySpecific).toEqual({ kind: 'actualRetryCount', actualRetryCount: 5 });
    expect(s.additionalSenseBytes).toEqual(hex('deadbeef'));
    expect(encodeSense(s)).toEqual(bytes);
  });

  it('decodes each sense-key specific layout from fixed sense', () => {
    const sks = (key: number, b: string): SenseKeySpecific | undefined =>
      decodeSense(hex(`70 00 0${key.toString(16)} 00000000 0a 00000000 00 00 00 ${b}`)).senseKeySpecific;
    expect(sks(5, '48 0102')).toBeUndefined(); // SKSV=0: C/D and FIELD POINTER mean nothing
    expect(sks(5, '80 0102')).toEqual({ kind: 'fieldPointer', commandData: false, fieldPointer: 0x102 });
    expect(sks(5, '8b 0010')).toEqual({
      kind: 'fieldPointer',
      commandData: false,
      bitPointer: 3,
      fieldPointer: 16,
    });
    expect(sks(1, '80 0003')).toEqual({ kind: 'actualRetryCount', actualRetryCount: 3 });
    expect(sks(3, '80 ffff')).toEqual({ kind: 'actualRetryCount', actualRetryCount: 0xffff });
    expect(sks(0, '80 4000')).toEqual({ kind: 'progressIndication', progressIndication: 0x4000 });
    expect(sks(10, '80 0010')).toEqual({
      kind: 'segmentPointer',
      segmentDescriptor: false,
      fieldPointer: 16,
    });
    expect(sks(10, 'ad 0004')).toEqual({
      kind: 'segmentPointer',
      segmentDescriptor: true,
      bitPointer: 5,
      fieldPointer: 4,
    });
    expect(sks(6, '81 0000')).toEqual({ kind: 'unitAttentionQueueOverflow', overflow: true });
    expect(sks(6, '80 0000')).toEqual({ kind: 'unitAttentionQueueOverflow', overflow: false });
    expect(sks(7, 'c1 2345')).toEqual({ kind: 'reserved', value: 0x412345 });
  });

  it('accepts short fixed sense (ADDITIONAL SENSE LENGTH < 10) and ignores bytes past the length', () => {
    const s = decodeSense(hex('70 00 06 00000000 06 00000000 29 00')) as FixedSenseData;
    expect([s.senseKey, s.asc, s.ascq, s.fieldReplaceableUnitCode]).toEqual([6, 0x29, 0, 0]);
    expect(s.senseKeySpecific).toBeUndefined();
    const bare = decodeSense(hex('70 00 02 00000000 00')) as FixedSenseData;
    expect([bare.senseKey, bare.asc, bare.commandSpecificInformation]).toEqual([2, 0, 0n]);
    const padded = Buffer.concat([FIXED_FIELD_POINTER, Buffer.alloc(30, 0xee)]);
    expect(decodeSense(padded)).toEqual(decodeSense(FIXED_FIELD_POINTER));
  });

  it('descriptor format: first descriptor of a type wins, VALID=0 information is not top-level', () => {
    const bytes = hex(
      '72 05 24 00 00 0000 28' + // 40 descriptor bytes
        '00 0a 00 00 0000000000000009' + // VALID=0
        '00 0a 80 00 0000000000000010' + // second information descriptor: ignored at top level
        '02 06 0000 00 0000 00' + // SKSV=0
        '02 06 0000 c0 0004 00', // second SKS descriptor: ignored at top level
    );
    const s = decodeSense(bytes) as DescriptorSenseData;
    expect(s.information).toBeUndefined();
    expect(s.senseKeySpecific).toBeUndefined();
    expect(s.descriptors[2]).toEqual({ kind: 'senseKeySpecific' });
    expect(encodeSense(s)).toEqual(bytes);
  });
});

// ------------------------------------------------------------------------------------------------
// Errors.

describe('sense decode errors', () => {
  it('empty and short buffers: PARAMETER LIST LENGTH ERROR', () => {
    for (const b of [Buffer.alloc(0), hex('70'), hex('70 00 05 00 00 00 00')]) {
      const e = senseOf(() => decodeSense(b));
      expect([e.senseKey, e.asc, e.ascq]).toEqual([5, 0x1a, 0]);
    }
  });
  it('ADDITIONAL SENSE LENGTH beyond the buffer: 1A/00', () => {
    const e = senseOf(() => decodeSense(FIXED_FIELD_POINTER.subarray(0, 17)));
    expect([e.asc, e.ascq]).toEqual([0x1a, 0]);
    expect(e.message).toContain('18 bytes, have 17');
  });
  it('a RESPONSE CODE that is not sense data: 26/00 pointing at byte 0', () => {
    for (const rc of [0x00, 0x6f, 0x74, 0x7f, 0xf4]) {
      const b = Buffer.from(FIXED_FIELD_POINTER);
      b[0] = rc;
      const e = senseOf(() => decodeSense(b));
      expect([e.senseKey, e.asc, e.ascq]).toEqual([5, 0x26, 0]);
      expect(e.fieldPointer).toEqual({ commandData: false, field: 0, bit: undefined });
    }
    expect(senseOf(() => decodeSense(hex('7f 00 00 00 00 00 00 00'))).message).toContain('vendor specific');
  });
  it('a descriptor running past the sense data: 1A/00', () => {
    const e = senseOf(() => decodeSense(hex('72 05 24 00 00 0000 04 00 0a 80 00')));
    expect([e.asc, e.ascq]).toEqual([0x1a, 0]);
    const half = senseOf(() => decodeSense(hex('72 05 24 00 00 0000 01 00')));
    expect([half.asc, half.ascq]).toEqual([0x1a, 0]);
  });
  it('a typed descriptor with the wrong ADDITIONAL LENGTH: 26/00 at that length byte', () => {
    // FIELD REPLACEABLE UNIT descriptor with ADDITIONAL LENGTH 4 instead of 2
    const e = senseOf(() => decodeSense(hex('72 05 24 00 00 0000 06 03 04 80 00 00 00')));
    expect([e.asc, e.ascq]).toEqual([0x26, 0]);
    expect(e.fieldPointer).toEqual({ commandData: false, field: 9, bit: undefined });
    const fwd = senseOf(() => decodeSense(hex('72 0a 00 00 00 0000 03 0c 01 00')));
    expect(fwd.fieldPointer?.field).toBe(9);
  });
});

describe('sense encode errors', () => {
  const fixed = decodeSense(FIXED_FIELD_POINTER) as FixedSenseData;
  it('rejects a sense-key specific layout that does not belong to the sense key', () => {
    expect(() =>
      encodeSense({ ...fixed, senseKeySpecific: { kind: 'progressIndication', progressIndication: 1 } }),
    ).toThrow(RangeError);
  });
  it('rejects out-of-range fields', () => {
    expect(() => encodeSense({ ...fixed, senseKey: 16 })).toThrow(RangeError);
    expect(() => encodeSense({ ...fixed, asc: 256 })).toThrow(RangeError);
    expect(() => encodeSense({ ...fixed, information: 1n << 32n })).toThrow(RangeError);
    expect(() => encodeSense({ ...fixed, commandSpecificInformation: -1n })).toThrow(RangeError);
    expect(() => encodeSense({ ...fixed, additionalSenseBytes: Buffer.alloc(250) })).toThrow(RangeError);
    expect(() =>
      encodeSense({
        ...fixed,
        senseKeySpecific: { kind: 'fieldPointer', commandData: true, bitPointer: 8, fieldPointer: 0 },
      }),
    ).toThrow(RangeError);
    expect(() => encodeSense({ ...fixed, responseCode: 0x74 } as unknown as SenseData)).toThrow(RangeError);
  });
  it('rejects descriptor-format top-level fields that contradict the descriptors', () => {
    const d = makeSense({ descriptor: true, senseKey: 5, asc: 0x24, information: 5n }) as DescriptorSenseData;
    expect(() => encodeSense({ ...d, information: 6n })).toThrow(/information does not match/);
    expect(() => encodeSense({ ...d, ili: true })).toThrow(/ili does not match/);
    expect(() =>
      encodeSense({ ...d, senseKeySpecific: { kind: 'fieldPointer', commandData: true, fieldPointer: 0 } }),
    ).toThrow(/senseKeySpecific does not match/);
  });
  it('rejects an opaque descriptor that has a typed form, and descriptors that do not fit', () => {
    const d = makeSense({ descriptor: true, senseKey: 0 }) as DescriptorSenseData;
    expect(() =>
      encodeSense({ ...d, descriptors: [{ kind: 'opaque', descriptorType: 0, bytes: Buffer.alloc(10) }] }),
    ).toThrow(/typed form/);
    expect(() =>
      encodeSense({
        ...d,
        descriptors: [{ kind: 'opaque', descriptorType: 0x80, bytes: Buffer.alloc(254) }],
      }),
    ).toThrow(RangeError);
    const many: SenseDescriptor[] = Array.from({ length: 30 }, () => ({
      kind: 'opaque',
      descriptorType: 0x81,
      bytes: Buffer.alloc(8),
    }));
    expect(() => encodeSense({ ...d, descriptors: many })).toThrow(RangeError);
  });
});

// ------------------------------------------------------------------------------------------------
// Sense for codec errors.

describe('senseFromError', () => {
  it('fixed: INVALID FIELD IN CDB with a bit pointer', () => {
    expect(senseFromError(invalidCdbField(2, 'x', 5), { descriptor: false })).toEqual(
      hex('70 00 05 00000000 0a 00000000 24 00 00 cd 0002'),
    );
  });
  it('descriptor: INVALID FIELD IN PARAMETER LIST, whole byte', () => {
    expect(senseFromError(invalidParamField(300, 'x'), { descriptor: true })).toEqual(
      hex('72 05 26 00 00 0000 08' + '02 06 0000 80 012c 00'),
    );
  });
  it('INFORMATION goes in VALID fixed sense when it fits, else only in descriptor sense', () => {
    const small = new SenseError({ senseKey: 3, asc: 0x11, ascq: 0, information: 0x1234n }, 'read error');
    expect(senseFromError(small, { descriptor: false })).toEqual(
      hex('f0 00 03 00001234 0a 00000000 11 00 00 000000'),
    );
    const big = new SenseError({ senseKey: 3, asc: 0x11, ascq: 0, information: 1n << 40n }, 'read error');
    expect(senseFromError(big, { descriptor: false })).toEqual(
      hex('70 00 03 00000000 0a 00000000 11 00 00 000000'),
    );
    expect(senseFromError(big, { descriptor: true })).toEqual(
      hex('72 03 11 00 00 0000 0c' + '00 0a 80 00 0000010000000000'),
    );
  });
  it('COPY ABORTED field pointer becomes a segment pointer; other keys drop the pointer', () => {
    const copy = new SenseError(
      { senseKey: 0x0a, asc: 0x26, ascq: 0x08, fieldPointer: { commandData: false, field: 16, bit: 1 } },
      'x',
    );
    expect(senseDataFromError(copy, { descriptor: false }).senseKeySpecific).toEqual({
      kind: 'segmentPointer',
      segmentDescriptor: false,
      bitPointer: 1,
      fieldPointer: 16,
    });
    const noBit = new SenseError(
      { senseKey: 0x0a, asc: 0x26, ascq: 0x08, fieldPointer: { commandData: false, field: 16 } },
      'x',
    );
    expect(senseFromError(noBit, { descriptor: false })).toEqual(
      hex('70 00 0a 00000000 0a 00000000 26 08 00 80 0010'),
    );
    const medium = new SenseError(
      { senseKey: 3, asc: 0x11, ascq: 0, fieldPointer: { commandData: true, field: 1 } },
      'x',
    );
    expect(senseDataFromError(medium, { descriptor: false }).senseKeySpecific).toBeUndefined();
  });
  it('round-trips through decodeSense', () => {
    const e = illegalRequest(0x26, 0x09, 'bad segment', { commandData: false, field: 48 });
    const s = decodeSense(senseFromError(e, { descriptor: true }));
    expect([s.senseKey, s.asc, s.ascq]).toEqual([5, 0x26, 0x09]);
    expect(s.senseKeySpecific).toEqual({ kind: 'fieldPointer', commandData: false, fieldPointer: 48 });
  });
});

describe('makeSense', () => {
  it('descriptor format puts ILI alone in a block commands descriptor when asked', () => {
    const s = makeSense({
      descriptor: true,
      senseKey: 3,
      ili: true,
      blockCommands: true,
    }) as DescriptorSenseData;
    expect(s.descriptors).toEqual([{ kind: 'blockCommands', ili: true }]);
    expect(s.ili).toBe(true);
    const t = makeSense({ descriptor: true, senseKey: 0, ili: true, filemark: true, blockCommands: true });
    expect((t as DescriptorSenseData).descriptors).toEqual([
      { kind: 'streamCommands', filemark: true, eom: false, ili: true },
    ]);
    const d = makeSense({
      descriptor: true,
      deferred: true,
      senseKey: 4,
      commandSpecificInformation: 9n,
      fieldReplaceableUnitCode: 3,
    });
    expect(d.responseCode).toBe(0x73);
    expect(decodeSense(encodeSense(d))).toEqual(d);
  });
  it('fixed format defaults', () => {
    const s = makeSense({ senseKey: 6, asc: 0x29, deferred: true });
    expect(encodeSense(s)).toEqual(hex('71 00 06 00000000 0a 00000000 29 00 00 000000'));
  });
});

// ------------------------------------------------------------------------------------------------
// Description.

describe('describeSense', () => {
  it('describes fixed sense', () => {
    const lines = describeSense(FIXED_TAPE_FILEMARK_ILI);
    expect(lines).toEqual([
      'response code: 70h (fixed format, current error)',
      'sense key: 00h NO SENSE',
      'ASC/ASCQ: 00h/01h FILEMARK DETECTED',
      'flags: FILEMARK ILI',
      'INFORMATION: 0x00000100 (256)',
    ]);
    expect(describeSense(FIXED_FIELD_POINTER)).toContain(
      'sense-key specific: field pointer: CDB byte 1 bit 4',
    );
  });
  it('describes descriptor sense with nested forwarded sense', () => {
    const lines = describeSense(DESCRIPTOR_COPY_ABORTED);
    expect(lines.slice(0, 3)).toEqual([
      'response code: 72h (descriptor format, current error)',
      'sense key: 0Ah COPY ABORTED',
      'ASC/ASCQ: 0Dh/01h THIRD PARTY DEVICE FAILURE',
    ]);
    expect(lines).toContain('INFORMATION: 0x0000000000000007 (7)');
    expect(lines).toContain('COMMAND-SPECIFIC INFORMATION: 0x0000000000000002 (2)');
    expect(lines).toContain('sense-key specific: segment pointer: segment descriptor byte 28 bit 0');
    expect(lines).toContain(
      'descriptor 0Ch FORWARDED SENSE DATA: source copy destination 0, status CHECK CONDITION',
    );
    expect(lines).toContain('  sense key: 03h MEDIUM ERROR');
    expect(lines).toContain('  ASC/ASCQ: 11h/00h UNRECOVERED READ ERROR');
  });
  it('describes every descriptor kind, SDAT_OVFL, FRU and odd forwarded sense', () => {
    const s = makeSense({
      descriptor: true,
      senseKey: 2,
      asc: 4,
      ascq: 4,
      sdatOvfl: true,
      fieldReplaceableUnitCode: 0x2a,
      senseKeySpecific: { kind: 'progressIndication', progressIndication: 0x4000 },
      eom: true,
      extraDescriptors: [
        { kind: 'blockCommands', ili: false },
        { kind: 'progressIndication', senseKey: 2, asc: 4, ascq: 4, progressIndication: 0x8000 },
        {
          kind: 'forwardedSenseData',
          forwardedSenseDataTruncated: true,
          senseDataSource: 9,
          forwardedStatus: 0x08,
          senseData: hex('01 02'),
        },
        {
          kind: 'forwardedSenseData',
          forwardedSenseDataTruncated: false,
          senseDataSource: 0,
          forwardedStatus: 0,
          senseData: Buffer.alloc(0),
        },
        { kind: 'information', valid: false, information: 3n },
        { kind: 'opaque', descriptorType: 0x0e, bytes: Buffer.alloc(0) },
        { kind: 'opaque', descriptorType: 0x30, bytes: hex('ab') },
      ],
    });
    const lines = describeSenseData(s);
    expect(lines).toEqual(
      expect.arrayContaining([
        'flags: EOM',
        'SDAT_OVFL: sense data overflow, some sense was dropped',
        'FIELD REPLACEABLE UNIT CODE: 2Ah',
        'sense-key specific: progress indication: 16384/65536 (25.00%)',
        'descriptor 03h FIELD REPLACEABLE UNIT: 2Ah',
        'descriptor 04h STREAM COMMANDS: FILEMARK=0 EOM=1 ILI=0',
        'descriptor 05h BLOCK COMMANDS: ILI=0',
        'descriptor 0Ah ANOTHER PROGRESS INDICATION: NOT READY 04h/04h LOGICAL UNIT NOT READY, FORMAT IN PROGRESS, 32768/65536 (50.00%)',
        'descriptor 0Ch FORWARDED SENSE DATA: source reserved 09h, status BUSY, truncated (FSDT)',
        'descriptor 0Ch FORWARDED SENSE DATA: source copy source, status GOOD',
        'descriptor 00h INFORMATION: VALID=0 0x0000000000000003 (3)',
        'descriptor 0Eh DEVICE DESIGNATION: (empty)',
        'descriptor 30h RESERVED: ab',
      ]),
    );
    expect(lines.some((l) => l.startsWith('  forwarded sense does not decode'))).toBe(true);
  });
  it('describes fixed-only fields and each sense-key specific layout', () => {
    const lines = describeSense(hex('71 00 04 00000000 0e 00000001 0c 00 77 800005 deadbeef'));
    expect(lines).toEqual(
      expect.arrayContaining([
        'response code: 71h (fixed format, deferred error)',
        'COMMAND-SPECIFIC INFORMATION: 0x00000001 (1)',
        'FIELD REPLACEABLE UNIT CODE: 77h',
        'sense-key specific: actual retry count: 5',
        'additional sense bytes: de ad be ef',
      ]),
    );
    expect(describeSks({ kind: 'segmentPointer', segmentDescriptor: false, fieldPointer: 16 })).toBe(
      'segment pointer: parameter list byte 16',
    );
    expect(describeSks({ kind: 'unitAttentionQueueOverflow', overflow: true })).toBe(
      'unit attention condition queue overflow: yes',
    );
    expect(describeSks({ kind: 'unitAttentionQueueOverflow', overflow: false })).toBe(
      'unit attention condition queue overflow: no',
    );
    expect(describeSks({ kind: 'reserved', value: 0x12345 })).toBe('reserved layout: 012345h');
    expect(describeSks({ kind: 'fieldPointer', commandData: false, fieldPointer: 2 })).toBe(
      'field pointer: parameter list byte 2',
    );
  });
  it('stops describing forwarded sense nested too deep', () => {
    let inner = encodeSense(makeSense({ descriptor: true, senseKey: 0 }));
    for (let i = 0; i < 6; i++) {
      inner = encodeSense(
        makeSense({
          descriptor: true,
          senseKey: 0x0a,
          extraDescriptors: [
            {
              kind: 'forwardedSenseData',
              forwardedSenseDataTruncated: false,
              senseDataSource: 1,
              forwardedStatus: 2,
              senseData: inner,
            },
          ],
        }),
      );
    }
    expect(describeSense(inner).some((l) => l.includes('nesting too deep'))).toBe(true);
  });
  it('names descriptor types', () => {
    expect(descriptorTypeName(0x06)).toBe('OSD OBJECT IDENTIFICATION');
    expect(descriptorTypeName(0x0f)).toBe('MICROCODE ACTIVATION');
    expect(descriptorTypeName(0x10)).toBe('RESERVED');
    expect(descriptorTypeName(0xff)).toBe('VENDOR SPECIFIC');
  });
});

// ------------------------------------------------------------------------------------------------
// Properties.

const u16 = fc.integer({ min: 0, max: 0xffff });
const u8 = fc.integer({ min: 0, max: 0xff });
const senseKeyArb = fc.integer({ min: 0, max: 15 });
const bitPointer = fc.option(fc.integer({ min: 0, max: 7 }), { nil: undefined });

function withBit<T extends object>(v: T, bit: number | undefined): T {
  return bit === undefined ? v : { ...v, bitPointer: bit };
}

function sksArb(senseKey: number): fc.Arbitrary<SenseKeySpecific> {
  switch (sksKindFor(senseKey)) {
    case 'fieldPointer':
      return fc
        .tuple(fc.boolean(), bitPointer, u16)
        .map(([commandData, bit, fieldPointer]) =>
          withBit({ kind: 'fieldPointer' as const, commandData, fieldPointer }, bit),
        );
    case 'actualRetryCount':
      return u16.map((actualRetryCount) => ({ kind: 'actualRetryCount' as const, actualRetryCount }));
    case 'progressIndication':
      return u16.map((progressIndication) => ({ kind: 'progressIndication' as const, progressIndication }));
    case 'segmentPointer':
      return fc
        .tuple(fc.boolean(), bitPointer, u16)
        .map(([segmentDescriptor, bit, fieldPointer]) =>
          withBit({ kind: 'segmentPointer' as const, segmentDescriptor, fieldPointer }, bit),
        );
    case 'unitAttentionQueueOverflow':
      return fc.boolean().map((overflow) => ({ kind: 'unitAttentionQueueOverflow' as const, overflow }));
    case 'reserved':
      return fc.integer({ min: 0, max: 0x7fffff }).map((value) => ({ kind: 'reserved' as const, value }));
  }
}

const u32big = fc.bigInt({ min: 0n, max: 0xffffffffn });
const u64big = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

const fixedArb: fc.Arbitrary<SenseData> = senseKeyArb.chain((senseKey) =>
  fc
    .record(
      {
        deferred: fc.boolean(),
        asc: u8,
        ascq: u8,
        sdatOvfl: fc.boolean(),
        filemark: fc.boolean(),
        eom: fc.boolean(),
        ili: fc.boolean(),
        information: u32big,
        commandSpecificInformation: u32big,
        fieldReplaceableUnitCode: u8,
        senseKeySpecific: sksArb(senseKey),
        additionalSenseBytes: fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
      },
      {
        requiredKeys: [
          'deferred',
          'asc',
          'ascq',
          'sdatOvfl',
          'filemark',
          'eom',
          'ili',
          'commandSpecificInformation',
          'fieldReplaceableUnitCode',
          'additionalSenseBytes',
        ],
      },
    )
    .map((o) => makeSense({ ...o, senseKey })),
);

function descriptorArb(senseKey: number): fc.Arbitrary<SenseDescriptor> {
  return fc.oneof(
    fc.record({ kind: fc.constant('information' as const), valid: fc.boolean(), information: u64big }),
    fc.record({
      kind: fc.constant('commandSpecificInformation' as const),
      commandSpecificInformation: u64big,
    }),
    fc.constant({ kind: 'senseKeySpecific' as const }),
    sksArb(senseKey).map((senseKeySpecific) => ({ kind: 'senseKeySpecific' as const, senseKeySpecific })),
    u8.map((fieldReplaceableUnitCode) => ({
      kind: 'fieldReplaceableUnit' as const,
      fieldReplaceableUnitCode,
    })),
    fc.record({
      kind: fc.constant('streamCommands' as const),
      filemark: fc.boolean(),
      eom: fc.boolean(),
      ili: fc.boolean(),
    }),
    fc.record({ kind: fc.constant('blockCommands' as const), ili: fc.boolean() }),
    fc.record({
      kind: fc.constant('progressIndication' as const),
      senseKey: senseKeyArb,
      asc: u8,
      ascq: u8,
      progressIndication: u16,
    }),
    fc.record({
      kind: fc.constant('forwardedSenseData' as const),
      forwardedSenseDataTruncated: fc.boolean(),
      senseDataSource: fc.integer({ min: 0, max: 15 }),
      forwardedStatus: u8,
      senseData: fc.uint8Array({ maxLength: 30 }).map((a) => Buffer.from(a)),
    }),
    fc.record({
      kind: fc.constant('opaque' as const),
      descriptorType: u8.filter((t) => ![0, 1, 2, 3, 4, 5, 0x0a, 0x0c].includes(t)),
      bytes: fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a)),
    }),
  );
}

const descriptorFormatArb: fc.Arbitrary<SenseData> = senseKeyArb.chain((senseKey) =>
  fc
    .record({
      deferred: fc.boolean(),
      asc: u8,
      ascq: u8,
      sdatOvfl: fc.boolean(),
      extraDescriptors: fc.array(descriptorArb(senseKey), { maxLength: 6 }),
    })
    .map((o) => makeSense({ ...o, descriptor: true, senseKey })),
);

describe('sense properties', () => {
  it('fixed format round-trips', () => {
    fc.assert(
      fc.property(fixedArb, (s) => {
        const bytes = encodeSense(s);
        expect(decodeSense(bytes)).toEqual(s);
        expect(bytes[7]).toBe(bytes.length - 8);
      }),
    );
  });
  it('descriptor format round-trips', () => {
    fc.assert(
      fc.property(descriptorFormatArb, (s) => {
        const bytes = encodeSense(s);
        expect(decodeSense(bytes)).toEqual(s);
        expect(bytes[7]).toBe(bytes.length - 8);
      }),
    );
  });
  it('whatever decodes re-encodes to an equal decoding', () => {
    const framed = fc
      .tuple(fc.integer({ min: 0x70, max: 0x73 }), fc.uint8Array({ minLength: 7, maxLength: 80 }))
      .map(([rc, rest]) => {
        const b = Buffer.from([rc, ...rest]);
        b[7] = b.length - 8;
        return b;
      });
    fc.assert(
      fc.property(framed, (b) => {
        let s: SenseData;
        try {
          s = decodeSense(b);
        } catch (e) {
          expect(e).toBeInstanceOf(SenseError);
          return;
        }
        expect(decodeSense(encodeSense(s))).toEqual(s);
      }),
    );
  });
});
