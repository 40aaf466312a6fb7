import { fullResponseLength, isTruncatedResponse } from '../../../../cdb/xcopy/index';
import { expectSense, hex } from './helpers';

test('AVAILABLE DATA tells the full response length', () => {
  expect(fullResponseLength(hex('0000002c'))).toBe(48);
  expect(isTruncatedResponse(hex('0000002c'))).toBe(true);
  expect(isTruncatedResponse(hex('00000002 0102'))).toBe(false);
  expectSense(() => fullResponseLength(hex('0000')), { asc: 0x1a, ascq: 0x00 });
});
