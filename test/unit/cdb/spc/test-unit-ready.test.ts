import * as fc from 'fast-check';
import { decodeTestUnitReady, encodeTestUnitReady } from '../../../../cdb/spc/test-unit-ready';
import { describeCdb } from '../../../../cdb/commands';
import { senseOf } from './helpers';

describe('TEST UNIT READY', () => {
  it('golden vector', () => {
    // 00h opcode, bytes 1-4 reserved, CONTROL = 04h (NACA)
    const cdb = Buffer.from([0x00, 0x00, 0x00, 0x00, 0x00, 0x04]);
    expect(decodeTestUnitReady(cdb)).toEqual({ control: 0x04 });
    expect(encodeTestUnitReady({ control: 0x04 })).toEqual(cdb);
  });
  it('ignores reserved bytes and a padded (iSCSI 16-byte) CDB field', () => {
    const cdb = Buffer.alloc(16, 0xff);
    cdb[0] = 0;
    expect(decodeTestUnitReady(cdb)).toEqual({ control: 0xff });
  });
  it('round-trips', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), (control) => {
        expect(decodeTestUnitReady(encodeTestUnitReady({ control }))).toEqual({ control });
      }),
    );
  });
  it('rejects a wrong opcode, short and empty CDBs', () => {
    const op = senseOf(() => decodeTestUnitReady(Buffer.from([0x03, 0, 0, 0, 0, 0])));
    expect([op.senseKey, op.asc, op.ascq]).toEqual([5, 0x20, 0]);
    const short = senseOf(() => decodeTestUnitReady(Buffer.from([0, 0, 0])));
    expect([short.senseKey, short.asc, short.ascq]).toEqual([5, 0x24, 0]);
    expect(short.fieldPointer).toEqual({ commandData: true, field: 2, bit: undefined });
    const empty = senseOf(() => decodeTestUnitReady(Buffer.alloc(0)));
    expect(empty.fieldPointer?.field).toBe(0);
    expect(() => encodeTestUnitReady({ control: 256 })).toThrow(RangeError);
  });
  it('is registered', () => {
    expect(describeCdb(Buffer.alloc(6))).toEqual([{ name: 'TEST UNIT READY', fields: { control: 0 } }]);
  });
});
