import fc from 'fast-check';
import {
  RCR_SERVICE_ACTION,
  type ReceiveCopyResultsCdb,
  decodeReceiveCopyResults,
  encodeReceiveCopyResults,
} from '../../../../cdb/xcopy/index';
import { u32, u8 } from './arbitraries';
import { expectSense, hex } from './helpers';

const COPY_STATUS_CDB = hex(`
  84                       // OPERATION CODE
  00                       // SERVICE ACTION 00h (COPY STATUS)
  01                       // LIST IDENTIFIER 1
  00 00 00 00 00 00 00     // reserved
  00 00 04 00              // ALLOCATION LENGTH 1024
  00                       // reserved
  00                       // CONTROL
`);

test('golden vector: COPY STATUS for list 1', () => {
  const want: ReceiveCopyResultsCdb = {
    serviceAction: 0,
    listIdentifier: 1,
    allocationLength: 1024,
    control: 0,
  };
  expect(decodeReceiveCopyResults(COPY_STATUS_CDB)).toEqual(want);
  expect(encodeReceiveCopyResults(want)).toEqual(COPY_STATUS_CDB);
});

test('OPERATING PARAMETERS ignores the reserved LIST IDENTIFIER byte', () => {
  const b = Buffer.from(COPY_STATUS_CDB);
  b[1] = 0x03;
  b[2] = 0x55;
  expect(decodeReceiveCopyResults(b)).toEqual({
    serviceAction: 3,
    listIdentifier: 0,
    allocationLength: 1024,
    control: 0,
  });
  expect(() =>
    encodeReceiveCopyResults({ serviceAction: 3, listIdentifier: 1, allocationLength: 0, control: 0 }),
  ).toThrow(RangeError);
});

test('service actions 01h and 04h decode', () => {
  for (const sa of [RCR_SERVICE_ACTION.receiveData, RCR_SERVICE_ACTION.failedSegmentDetails]) {
    const b = Buffer.from(COPY_STATUS_CDB);
    b[1] = 0xe0 | sa; // reserved bits 7-5 ignored
    expect(decodeReceiveCopyResults(b)).toMatchObject({ serviceAction: sa, listIdentifier: 1 });
  }
});

test('other service actions are 05/24/00 on byte 1', () => {
  for (const sa of [0x02, 0x05, 0x06, 0x07, 0x08, 0x1f]) {
    const b = Buffer.from(COPY_STATUS_CDB);
    b[1] = sa;
    expectSense(() => decodeReceiveCopyResults(b), { asc: 0x24, ascq: 0x00, field: 1, cd: true, bit: 4 });
  }
  expect(() =>
    encodeReceiveCopyResults({ serviceAction: 2 as 0, listIdentifier: 0, allocationLength: 0, control: 0 }),
  ).toThrow(RangeError);
});

test('wrong opcode or length', () => {
  const b = Buffer.from(COPY_STATUS_CDB);
  b[0] = 0x83;
  expectSense(() => decodeReceiveCopyResults(b), { asc: 0x20, ascq: 0x00 });
  expectSense(() => decodeReceiveCopyResults(COPY_STATUS_CDB.subarray(0, 10)), {
    asc: 0x24,
    ascq: 0x00,
    cd: true,
  });
  expectSense(() => decodeReceiveCopyResults(Buffer.concat([COPY_STATUS_CDB, Buffer.alloc(4)])), {
    asc: 0x24,
    ascq: 0x00,
    field: 0,
    cd: true,
  });
});

test('round trip', () => {
  const arb = fc
    .record({
      serviceAction: fc.constantFrom(0 as const, 1 as const, 3 as const, 4 as const),
      listIdentifier: u8,
      allocationLength: u32,
      control: u8,
    })
    .map((v) => (v.serviceAction === 3 ? { ...v, listIdentifier: 0 } : v));
  fc.assert(
    fc.property(arb, (v) => {
      expect(decodeReceiveCopyResults(encodeReceiveCopyResults(v))).toEqual(v);
    }),
  );
});
