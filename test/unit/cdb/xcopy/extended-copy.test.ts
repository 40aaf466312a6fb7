import fc from 'fast-check';
import { decodeExtendedCopy, encodeExtendedCopy } from '../../../../cdb/xcopy/index';
import { u32, u8 } from './arbitraries';
import { expectSense, hex } from './helpers';

// SPC-4 EXTENDED COPY(LID1) CDB, assembled by hand.
const CDB = hex(`
  83                       // OPERATION CODE
  00                       // SERVICE ACTION 00h (LID1)
  00 00 00 00 00 00 00 00  // reserved
  00 00 01 00              // PARAMETER LIST LENGTH 256
  00                       // reserved
  04                       // CONTROL (NACA)
`);

test('golden vector', () => {
  expect(decodeExtendedCopy(CDB)).toEqual({ parameterListLength: 256, control: 4 });
  expect(encodeExtendedCopy({ parameterListLength: 256, control: 4 })).toEqual(CDB);
});

test('EXTENDED COPY(LID4) and the token service actions are 05/24/00 on the SERVICE ACTION field', () => {
  for (const sa of [0x01, 0x10, 0x11, 0x1c]) {
    const b = Buffer.from(CDB);
    b[1] = sa;
    expectSense(() => decodeExtendedCopy(b), { asc: 0x24, ascq: 0x00, field: 1, cd: true, bit: 4 });
  }
});

test('wrong opcode is 05/20/00; wrong CDB length is 05/24/00', () => {
  const b = Buffer.from(CDB);
  b[0] = 0x84;
  expectSense(() => decodeExtendedCopy(b), { asc: 0x20, ascq: 0x00 });
  expectSense(() => decodeExtendedCopy(CDB.subarray(0, 12)), { asc: 0x24, ascq: 0x00, cd: true, field: 0 });
  expectSense(() => decodeExtendedCopy(Buffer.concat([CDB, Buffer.alloc(1)])), {
    asc: 0x24,
    ascq: 0x00,
    cd: true,
    field: 0,
  });
  expectSense(() => decodeExtendedCopy(Buffer.alloc(0)), { asc: 0x24, ascq: 0x00 });
});

test('encoder range checks', () => {
  expect(() => encodeExtendedCopy({ parameterListLength: 2 ** 32, control: 0 })).toThrow(RangeError);
  expect(() => encodeExtendedCopy({ parameterListLength: 0, control: 256 })).toThrow(RangeError);
});

test('round trip', () => {
  fc.assert(
    fc.property(fc.record({ parameterListLength: u32, control: u8 }), (v) => {
      expect(decodeExtendedCopy(encodeExtendedCopy(v))).toEqual(v);
    }),
  );
});
