import * as fc from 'fast-check';
import { decodeRequestSense, encodeRequestSense } from '../../../../cdb/spc/request-sense';
import { ALL_DECODERS, describeCdb } from '../../../../cdb/commands';
import { senseOf } from './helpers';

describe('REQUEST SENSE', () => {
  it('golden vectors', () => {
    // 03h opcode, byte 1 bit 0 DESC=1, bytes 2-3 reserved, ALLOCATION LENGTH FCh, CONTROL 00h
    const desc = Buffer.from([0x03, 0x01, 0x00, 0x00, 0xfc, 0x00]);
    expect(decodeRequestSense(desc)).toEqual({ desc: true, allocationLength: 252, control: 0 });
    expect(encodeRequestSense({ desc: true, allocationLength: 252, control: 0 })).toEqual(desc);
    // DESC=0, ALLOCATION LENGTH 18, reserved bits set in byte 1 (ignored)
    const fixed = Buffer.from([0x03, 0xfe, 0x00, 0x00, 0x12, 0x00]);
    expect(decodeRequestSense(fixed)).toEqual({ desc: false, allocationLength: 18, control: 0 });
  });
  it('round-trips', () => {
    fc.assert(
      fc.property(
        fc.record({
          desc: fc.boolean(),
          allocationLength: fc.integer({ min: 0, max: 255 }),
          control: fc.integer({ min: 0, max: 255 }),
        }),
        (v) => {
          expect(decodeRequestSense(encodeRequestSense(v))).toEqual(v);
        },
      ),
    );
  });
  it('rejects a wrong opcode and a short CDB', () => {
    const op = senseOf(() => decodeRequestSense(Buffer.from([0x00, 0, 0, 0, 0, 0])));
    expect([op.asc, op.ascq]).toEqual([0x20, 0]);
    const short = senseOf(() => decodeRequestSense(Buffer.from([0x03, 0x01, 0, 0, 0x12])));
    expect([short.senseKey, short.asc, short.ascq]).toEqual([5, 0x24, 0]);
    expect(short.fieldPointer).toEqual({ commandData: true, field: 4, bit: undefined });
    expect(() => encodeRequestSense({ desc: false, allocationLength: 256, control: 0 })).toThrow(RangeError);
    expect(() => encodeRequestSense({ desc: false, allocationLength: 1, control: -1 })).toThrow(RangeError);
  });
  it('is registered with its decoders', () => {
    expect(describeCdb(Buffer.from([0x03, 0x01, 0, 0, 0x60, 0]))).toEqual([
      { name: 'REQUEST SENSE', fields: { desc: true, allocationLength: 0x60, control: 0 } },
    ]);
    expect(ALL_DECODERS['spc.requestSense']).toBe(decodeRequestSense);
    expect(typeof ALL_DECODERS['spc.sense']).toBe('function');
    expect(typeof ALL_DECODERS['spc.testUnitReady']).toBe('function');
  });
});
