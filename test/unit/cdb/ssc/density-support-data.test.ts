import * as fc from 'fast-check';
import {
  decodeDensitySupportData,
  encodeDensitySupportData,
  type DensitySupportData,
  type DensitySupportDescriptor,
} from '../../../../cdb/ssc/density-support-data';
import { asciiField, expectInvalidParam, expectLengthError, u16, u24, u32, u8 } from './helpers';

const descriptor: fc.Arbitrary<DensitySupportDescriptor> = fc.record({
  primaryDensityCode: u8,
  secondaryDensityCode: u8,
  wrtok: fc.boolean(),
  dup: fc.boolean(),
  deflt: fc.boolean(),
  dlv: fc.boolean(),
  bitsPerMm: u24,
  mediaWidth: u16,
  tracks: u16,
  capacity: u32,
  assigningOrganization: asciiField(8),
  densityName: asciiField(8),
  description: asciiField(20),
});

const lto5: DensitySupportDescriptor = {
  primaryDensityCode: 0x58,
  secondaryDensityCode: 0x58,
  wrtok: true,
  dup: false,
  deflt: true,
  dlv: true,
  bitsPerMm: 15142,
  mediaWidth: 127,
  tracks: 1280,
  capacity: 1500000,
  assigningOrganization: 'LTO-CVE',
  densityName: 'U-516',
  description: 'Ultrium 5/16T',
};

/** REPORT DENSITY SUPPORT data with one descriptor, written out by hand. */
function goldenLto5(): Buffer {
  return Buffer.from([
    0x00,
    0x36, // AVAILABLE DENSITY SUPPORT LENGTH 54 (2 reserved + 52)
    0x00,
    0x00, // reserved
    0x58, // PRIMARY DENSITY CODE
    0x58, // SECONDARY DENSITY CODE
    0xa1, // WRTOK=1 DUP=0 DEFLT=1 DLV=1
    0x00,
    0x2f, // DESCRIPTOR LENGTH 47
    0x00,
    0x3b,
    0x26, // BITS PER MM 15142
    0x00,
    0x7f, // MEDIA WIDTH 12.7 mm
    0x05,
    0x00, // TRACKS 1280
    0x00,
    0x16,
    0xe3,
    0x60, // CAPACITY 1500000 MB
    ...Buffer.from('LTO-CVE ', 'latin1'), // ASSIGNING ORGANIZATION
    ...Buffer.from('U-516   ', 'latin1'), // DENSITY NAME
    ...Buffer.from('Ultrium 5/16T       ', 'latin1'), // DESCRIPTION
  ]);
}

describe('REPORT DENSITY SUPPORT density data', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(fc.array(descriptor, { maxLength: 5 }), (descriptors) => {
        const v: DensitySupportData = { descriptors };
        expect(decodeDensitySupportData(encodeDensitySupportData(v))).toEqual(v);
      }),
    );
  });

  it('golden: one LTO-5 descriptor', () => {
    const data = goldenLto5();
    expect(data.length).toBe(56);
    expect(encodeDensitySupportData({ descriptors: [lto5] })).toEqual(data);
    expect(decodeDensitySupportData(data)).toEqual({ descriptors: [lto5] });
  });

  it('golden: DLV=0 leaves bytes 3-4 reserved and ignores them on decode', () => {
    const v = { ...lto5, dlv: false };
    const data = encodeDensitySupportData({ descriptors: [v] });
    expect([data[6], data[7], data[8]]).toEqual([0xa0, 0x00, 0x00]);
    data.writeUInt16BE(52, 7); // mhVTL writes 52 here without DLV
    expect(decodeDensitySupportData(data)).toEqual({ descriptors: [v] });
  });

  it('an empty list and trailing bytes past the announced length', () => {
    expect(decodeDensitySupportData(Buffer.from([0, 2, 0, 0]))).toEqual({ descriptors: [] });
    expect(decodeDensitySupportData(Buffer.concat([goldenLto5(), Buffer.alloc(10)]))).toEqual({
      descriptors: [lto5],
    });
  });

  it('a longer DESCRIPTOR LENGTH with DLV steps over vendor bytes', () => {
    const data = goldenLto5();
    data.writeUInt16BE(47 + 4, 7);
    const longer = Buffer.concat([data, Buffer.alloc(4)]);
    longer.writeUInt16BE(54 + 4, 0);
    expect(decodeDensitySupportData(longer)).toEqual({ descriptors: [lto5] });
  });

  it('a DESCRIPTOR LENGTH below 002Fh is INVALID FIELD IN PARAMETER LIST at its byte', () => {
    const data = goldenLto5();
    data.writeUInt16BE(0x2e, 7);
    expectInvalidParam(() => decodeDensitySupportData(data), 7);
  });

  it('a length that ends inside a descriptor is INVALID FIELD IN PARAMETER LIST at byte 0', () => {
    const data = goldenLto5();
    data.writeUInt16BE(54 - 1, 0);
    expectInvalidParam(() => decodeDensitySupportData(data), 0);
    data.writeUInt16BE(1, 0);
    expectInvalidParam(() => decodeDensitySupportData(data), 0);
  });

  it('a truncated response is PARAMETER LIST LENGTH ERROR', () => {
    expectLengthError(() => decodeDensitySupportData(goldenLto5().subarray(0, 40)));
    expectLengthError(() => decodeDensitySupportData(Buffer.from([0])));
  });

  it('the encoder refuses values that do not fit', () => {
    expect(() => encodeDensitySupportData({ descriptors: [{ ...lto5, bitsPerMm: 1 << 24 }] })).toThrow(
      RangeError,
    );
    expect(() => encodeDensitySupportData({ descriptors: [{ ...lto5, densityName: 'NINECHARS' }] })).toThrow(
      RangeError,
    );
    expect(() => encodeDensitySupportData({ descriptors: [{ ...lto5, capacity: -1 }] })).toThrow(RangeError);
  });
});
