import fc from 'fast-check';
import {
  type FailedSegmentDetails,
  decodeFailedSegmentDetails,
  encodeFailedSegmentDetails,
} from '../../../../cdb/xcopy/index';
import { bytes, u8 } from './arbitraries';
import { expectSense, hex } from './helpers';

const SENSE = hex('70 00 0a 00 00 00 00 0a 00 00 00 00 0d 02 00 00 00 00'); // COPY ABORTED, 0D/02
const DETAILS = Buffer.concat([
  hex('00 00 00 4a'), // AVAILABLE DATA 74 = 56 + 18
  Buffer.alloc(52), // reserved, bytes 4-55
  hex(`
    02                     // COPY COMMAND STATUS: CHECK CONDITION
    00                     // reserved
    00 12                  // SENSE DATA LENGTH 18
  `),
  SENSE, // SENSE DATA from byte 60
]);

test('golden vector', () => {
  const want: FailedSegmentDetails = { detailsAvailable: true, copyCommandStatus: 2, senseData: SENSE };
  expect(DETAILS).toHaveLength(78);
  expect(decodeFailedSegmentDetails(DETAILS)).toEqual(want);
  expect(encodeFailedSegmentDetails(want)).toEqual(DETAILS);
});

test('no details: AVAILABLE DATA 0', () => {
  const none: FailedSegmentDetails = {
    detailsAvailable: false,
    copyCommandStatus: 0,
    senseData: Buffer.alloc(0),
  };
  expect(decodeFailedSegmentDetails(Buffer.alloc(4))).toEqual(none);
  expect(encodeFailedSegmentDetails(none)).toEqual(Buffer.alloc(4));
  expect(() => encodeFailedSegmentDetails({ ...none, copyCommandStatus: 2 })).toThrow(RangeError);
  expect(() => encodeFailedSegmentDetails({ ...none, senseData: Buffer.alloc(1) })).toThrow(RangeError);
});

test('sense data cut by the allocation length decodes as far as present', () => {
  expect(decodeFailedSegmentDetails(DETAILS.subarray(0, 64))).toEqual({
    detailsAvailable: true,
    copyCommandStatus: 2,
    senseData: SENSE.subarray(0, 4),
  });
});

test('truncated fixed part or inconsistent lengths', () => {
  expectSense(() => decodeFailedSegmentDetails(DETAILS.subarray(0, 59)), { asc: 0x1a, ascq: 0x00 });
  expectSense(() => decodeFailedSegmentDetails(DETAILS.subarray(0, 2)), { asc: 0x1a, ascq: 0x00 });
  const small = Buffer.from(DETAILS);
  small.writeUInt32BE(40, 0);
  expectSense(() => decodeFailedSegmentDetails(small), { asc: 0x26, ascq: 0x00, field: 0 });
  const long = Buffer.from(DETAILS);
  long.writeUInt16BE(19, 58);
  expectSense(() => decodeFailedSegmentDetails(long), { asc: 0x26, ascq: 0x00, field: 58 });
});

test('round trip', () => {
  const arb = fc.oneof(
    fc.record({ detailsAvailable: fc.constant(true), copyCommandStatus: u8, senseData: bytes(0, 252) }),
    fc.constant({ detailsAvailable: false, copyCommandStatus: 0, senseData: Buffer.alloc(0) }),
  );
  fc.assert(
    fc.property(arb, (v) => expect(decodeFailedSegmentDetails(encodeFailedSegmentDetails(v))).toEqual(v)),
  );
});
