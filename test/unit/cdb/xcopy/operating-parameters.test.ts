import fc from 'fast-check';
import {
  type OperatingParameters,
  decodeOperatingParameters,
  encodeOperatingParameters,
  limitsFromOperatingParameters,
} from '../../../../cdb/xcopy/index';
import { u16, u32, u8 } from './arbitraries';
import { expectSense, hex } from './helpers';

const OP = hex(`
  00 00 00 2c              // AVAILABLE DATA 44 = 40 + 4 codes
  01                       // SNLID 1
  00 00 00                 // reserved
  00 02                    // MAXIMUM CSCD DESCRIPTOR COUNT 2
  00 01                    // MAXIMUM SEGMENT DESCRIPTOR COUNT 1
  00 00 04 00              // MAXIMUM DESCRIPTOR LIST LENGTH 1024
  10 00 00 00              // MAXIMUM SEGMENT LENGTH 256 MiB
  00 00 00 00              // MAXIMUM INLINE DATA LENGTH 0
  00 00 00 00              // HELD DATA LIMIT 0
  00 01 00 00              // MAXIMUM STREAM DEVICE TRANSFER SIZE 64 KiB
  00 00                    // reserved
  00 01                    // TOTAL CONCURRENT COPIES 1
  01                       // MAXIMUM CONCURRENT COPIES 1
  09                       // DATA SEGMENT GRANULARITY 2^9
  00                       // INLINE DATA GRANULARITY
  00                       // HELD DATA GRANULARITY
  00 00 00                 // reserved
  04                       // IMPLEMENTED DESCRIPTOR LIST LENGTH 4
  00 02 10 e4              // 00h, 02h, 10h, E4h
`);

const WANT: OperatingParameters = {
  snlid: true,
  maximumCscdDescriptorCount: 2,
  maximumSegmentDescriptorCount: 1,
  maximumDescriptorListLength: 1024,
  maximumSegmentLength: 256 * 1024 * 1024,
  maximumInlineDataLength: 0,
  heldDataLimit: 0,
  maximumStreamDeviceTransferSize: 65536,
  totalConcurrentCopies: 1,
  maximumConcurrentCopies: 1,
  dataSegmentGranularity: 9,
  inlineDataGranularity: 0,
  heldDataGranularity: 0,
  implementedDescriptorTypeCodes: [0x00, 0x02, 0x10, 0xe4],
};

test('golden vector', () => {
  expect(OP).toHaveLength(48);
  expect(decodeOperatingParameters(OP)).toEqual(WANT);
  expect(encodeOperatingParameters(WANT)).toEqual(OP);
});

test('a descriptor list cut by the allocation length keeps the codes present', () => {
  expect(decodeOperatingParameters(OP.subarray(0, 44)).implementedDescriptorTypeCodes).toEqual([]);
  expect(decodeOperatingParameters(OP.subarray(0, 46)).implementedDescriptorTypeCodes).toEqual([0x00, 0x02]);
});

test('short or inconsistent responses', () => {
  expectSense(() => decodeOperatingParameters(OP.subarray(0, 43)), { asc: 0x1a, ascq: 0x00 });
  const a = Buffer.from(OP);
  a.writeUInt32BE(39, 0);
  expectSense(() => decodeOperatingParameters(a), { asc: 0x26, ascq: 0x00, field: 0 });
  const b = Buffer.from(OP);
  b[43] = 5;
  expectSense(() => decodeOperatingParameters(b), { asc: 0x26, ascq: 0x00, field: 43 });
});

test('limits for the parameter list decoder', () => {
  expect(limitsFromOperatingParameters(WANT)).toEqual({
    maximumCscdDescriptorCount: 2,
    maximumSegmentDescriptorCount: 1,
    maximumDescriptorListLength: 1024,
    maximumInlineDataLength: 0,
    implementedDescriptorTypeCodes: [0x00, 0x02, 0x10, 0xe4],
  });
});

test('encoder range checks', () => {
  expect(() => encodeOperatingParameters({ ...WANT, maximumConcurrentCopies: 256 })).toThrow(RangeError);
  expect(() => encodeOperatingParameters({ ...WANT, implementedDescriptorTypeCodes: [0x100] })).toThrow(
    RangeError,
  );
  expect(() =>
    encodeOperatingParameters({ ...WANT, implementedDescriptorTypeCodes: new Array<number>(256).fill(0) }),
  ).toThrow(RangeError);
});

test('round trip', () => {
  const arb = fc.record({
    snlid: fc.boolean(),
    maximumCscdDescriptorCount: u16,
    maximumSegmentDescriptorCount: u16,
    maximumDescriptorListLength: u32,
    maximumSegmentLength: u32,
    maximumInlineDataLength: u32,
    heldDataLimit: u32,
    maximumStreamDeviceTransferSize: u32,
    totalConcurrentCopies: u16,
    maximumConcurrentCopies: u8,
    dataSegmentGranularity: u8,
    inlineDataGranularity: u8,
    heldDataGranularity: u8,
    implementedDescriptorTypeCodes: fc.array(u8, { maxLength: 255 }),
  });
  fc.assert(
    fc.property(arb, (v) => expect(decodeOperatingParameters(encodeOperatingParameters(v))).toEqual(v)),
  );
});
