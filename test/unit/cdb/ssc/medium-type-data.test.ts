import * as fc from 'fast-check';
import {
  decodeMediumTypeData,
  encodeMediumTypeData,
  type MediumTypeData,
  type MediumTypeDescriptor,
} from '../../../../cdb/ssc/medium-type-data';
import { asciiField, expectInvalidParam, expectLengthError, u16, u8 } from './helpers';

const descriptor: fc.Arbitrary<MediumTypeDescriptor> = fc.record({
  mediumType: u8,
  primaryDensityCodes: fc.array(u8, { maxLength: 9 }),
  mediaWidth: u16,
  mediumLength: u16,
  assigningOrganization: asciiField(8),
  mediumTypeName: asciiField(8),
  description: asciiField(20),
});

const lto5: MediumTypeDescriptor = {
  mediumType: 0x58,
  primaryDensityCodes: [0x46, 0x58],
  mediaWidth: 127,
  mediumLength: 846,
  assigningOrganization: 'LTO-CVE',
  mediumTypeName: 'U-516',
  description: 'Ultrium 5 data',
};

function goldenLto5(): Buffer {
  return Buffer.from([
    0x00,
    0x3a, // AVAILABLE DENSITY SUPPORT LENGTH 58 (2 reserved + 56)
    0x00,
    0x00, // reserved
    0x58, // MEDIUM TYPE
    0x00, // reserved
    0x00,
    0x34, // DESCRIPTOR LENGTH 52
    0x02, // NUMBER OF DENSITY CODES
    0x46,
    0x58,
    0,
    0,
    0,
    0,
    0,
    0,
    0, // PRIMARY DENSITY CODE list (9 bytes)
    0x00,
    0x7f, // MEDIA WIDTH 12.7 mm
    0x03,
    0x4e, // MEDIUM LENGTH 846 m
    0x00,
    0x00, // reserved
    ...Buffer.from('LTO-CVE ', 'latin1'), // ASSIGNING ORGANIZATION
    ...Buffer.from('U-516   ', 'latin1'), // MEDIUM TYPE NAME
    ...Buffer.from('Ultrium 5 data      ', 'latin1'), // DESCRIPTION
  ]);
}

describe('REPORT DENSITY SUPPORT medium type data', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(fc.array(descriptor, { maxLength: 4 }), (descriptors) => {
        const v: MediumTypeData = { descriptors };
        expect(decodeMediumTypeData(encodeMediumTypeData(v))).toEqual(v);
      }),
    );
  });

  it('golden: one descriptor', () => {
    const data = goldenLto5();
    expect(data.length).toBe(60);
    expect(encodeMediumTypeData({ descriptors: [lto5] })).toEqual(data);
    expect(decodeMediumTypeData(data)).toEqual({ descriptors: [lto5] });
  });

  it('NUMBER OF DENSITY CODES above 9 is INVALID FIELD IN PARAMETER LIST at its byte', () => {
    const data = goldenLto5();
    data[8] = 10;
    expectInvalidParam(() => decodeMediumTypeData(data), 8);
  });

  it('DESCRIPTOR LENGTH below 0034h is INVALID FIELD IN PARAMETER LIST at its byte; longer is stepped over', () => {
    const data = goldenLto5();
    data.writeUInt16BE(0x33, 6);
    expectInvalidParam(() => decodeMediumTypeData(data), 6);
    data.writeUInt16BE(0x34 + 4, 6);
    const longer = Buffer.concat([data, Buffer.alloc(4)]);
    longer.writeUInt16BE(58 + 4, 0);
    expect(decodeMediumTypeData(longer)).toEqual({ descriptors: [lto5] });
  });

  it('length errors', () => {
    expectLengthError(() => decodeMediumTypeData(goldenLto5().subarray(0, 59)));
    const data = goldenLto5();
    data.writeUInt16BE(58 - 4, 0);
    expectInvalidParam(() => decodeMediumTypeData(data), 0);
  });

  it('the encoder refuses values that do not fit', () => {
    expect(() =>
      encodeMediumTypeData({
        descriptors: [{ ...lto5, primaryDensityCodes: new Array<number>(10).fill(1) }],
      }),
    ).toThrow(RangeError);
    expect(() => encodeMediumTypeData({ descriptors: [{ ...lto5, primaryDensityCodes: [256] }] })).toThrow(
      RangeError,
    );
    expect(() => encodeMediumTypeData({ descriptors: [{ ...lto5, mediumLength: 0x10000 }] })).toThrow(
      RangeError,
    );
  });
});
