import fc from 'fast-check';
import { decodeReceiveData, encodeReceiveData } from '../../../../cdb/xcopy/index';
import { bytes } from './arbitraries';
import { expectSense, hex } from './helpers';

const HELD = hex(`
  00 00 00 05              // AVAILABLE DATA 5
  01 02 03 04 05           // held data, oldest byte first
`);

test('golden vector', () => {
  expect(decodeReceiveData(HELD)).toEqual({ heldData: hex('0102030405') });
  expect(encodeReceiveData({ heldData: hex('0102030405') })).toEqual(HELD);
});

test('held data cut by the allocation length decodes as far as present', () => {
  expect(decodeReceiveData(HELD.subarray(0, 6))).toEqual({ heldData: hex('0102') });
  expect(decodeReceiveData(HELD.subarray(0, 4))).toEqual({ heldData: Buffer.alloc(0) });
  expect(decodeReceiveData(hex('00000000 ffff'))).toEqual({ heldData: Buffer.alloc(0) });
});

test('fewer than 4 bytes is 05/1A/00', () => {
  expectSense(() => decodeReceiveData(HELD.subarray(0, 3)), { asc: 0x1a, ascq: 0x00 });
});

test('round trip', () => {
  fc.assert(
    fc.property(bytes(0, 100), (heldData) =>
      expect(decodeReceiveData(encodeReceiveData({ heldData }))).toEqual({ heldData }),
    ),
  );
});
