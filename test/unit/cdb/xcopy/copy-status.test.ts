import fc from 'fast-check';
import {
  type CopyStatus,
  decodeCopyStatus,
  encodeCopyStatus,
  transferCountBytes,
} from '../../../../cdb/xcopy/index';
import { u16, u32, u8 } from './arbitraries';
import { expectSense, hex } from './helpers';

const STATUS = hex(`
  00 00 00 08              // AVAILABLE DATA 8
  81                       // HDD 1, COPY MANAGER STATUS 01h (completed without errors)
  00 03                    // SEGMENTS PROCESSED 3
  f1                       // TRANSFER COUNT UNITS F1h (destination logical blocks)
  00 00 10 00              // TRANSFER COUNT 4096
`);

test('golden vector', () => {
  const want: CopyStatus = {
    hdd: true,
    copyManagerStatus: 1,
    segmentsProcessed: 3,
    transferCountUnits: 0xf1,
    transferCount: 4096,
  };
  expect(decodeCopyStatus(STATUS)).toEqual(want);
  expect(encodeCopyStatus(want)).toEqual(STATUS);
});

test('a longer response (AVAILABLE DATA 12, as some targets send) decodes the first 12 bytes', () => {
  const b = Buffer.concat([STATUS, Buffer.alloc(4)]);
  b.writeUInt32BE(12, 0);
  expect(decodeCopyStatus(b)).toMatchObject({ segmentsProcessed: 3, transferCount: 4096 });
});

test('truncated or inconsistent responses', () => {
  expectSense(() => decodeCopyStatus(STATUS.subarray(0, 11)), { asc: 0x1a, ascq: 0x00 });
  const b = Buffer.from(STATUS);
  b.writeUInt32BE(4, 0);
  expectSense(() => decodeCopyStatus(b), { asc: 0x26, ascq: 0x00, field: 0 });
});

test('transfer count in bytes', () => {
  expect(transferCountBytes({ transferCountUnits: 0x02, transferCount: 3 })).toBe(3n * 1024n * 1024n);
  expect(transferCountBytes({ transferCountUnits: 0x00, transferCount: 7 })).toBe(7n);
  expect(transferCountBytes({ transferCountUnits: 0x06, transferCount: 1 })).toBe(1n << 60n);
  expect(transferCountBytes({ transferCountUnits: 0xf1, transferCount: 3 })).toBeUndefined();
});

test('encoder range checks', () => {
  const v: CopyStatus = {
    hdd: false,
    copyManagerStatus: 0x80,
    segmentsProcessed: 0,
    transferCountUnits: 0,
    transferCount: 0,
  };
  expect(() => encodeCopyStatus(v)).toThrow(RangeError);
});

test('round trip', () => {
  const arb = fc.record({
    hdd: fc.boolean(),
    copyManagerStatus: fc.integer({ min: 0, max: 0x7f }),
    segmentsProcessed: u16,
    transferCountUnits: u8,
    transferCount: u32,
  });
  fc.assert(fc.property(arb, (v) => expect(decodeCopyStatus(encodeCopyStatus(v))).toEqual(v)));
});
