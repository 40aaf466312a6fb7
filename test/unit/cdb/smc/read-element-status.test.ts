import * as fc from 'fast-check';
import {
  decodeReadElementStatus,
  ELEMENT_TYPE,
  encodeReadElementStatus,
} from '../../../../cdb/smc/read-element-status';
import { expectInvalidCdb, expectInvalidOpcode, hex } from '../sbc/sense';

const cdb = fc.record({
  voltag: fc.boolean(),
  elementTypeCode: fc.integer({ min: 0, max: 4 }),
  startingElementAddress: fc.integer({ min: 0, max: 0xffff }),
  numberOfElements: fc.integer({ min: 0, max: 0xffff }),
  curdata: fc.boolean(),
  dvcid: fc.boolean(),
  allocationLength: fc.integer({ min: 0, max: 0xffffff }),
  control: fc.integer({ min: 0, max: 0xff }),
});

describe('READ ELEMENT STATUS CDB', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(cdb, (v) => expect(decodeReadElementStatus(encodeReadElementStatus(v))).toEqual(v)),
    );
  });

  it('golden: storage elements with volume tags and device identifiers', () => {
    const bytes = hex(
      'b8' + //         OPERATION CODE
        '12' + //       VOLTAG (bit 4) | ELEMENT TYPE CODE 2h (storage)
        '03 e8' + //    STARTING ELEMENT ADDRESS 1000
        '00 0a' + //    NUMBER OF ELEMENTS 10
        '03' + //       CURDATA | DVCID
        '00 10 00' + // ALLOCATION LENGTH 4096
        '00' + //       reserved
        '00', //        CONTROL
    );
    const v = {
      voltag: true,
      elementTypeCode: ELEMENT_TYPE.storage,
      startingElementAddress: 1000,
      numberOfElements: 10,
      curdata: true,
      dvcid: true,
      allocationLength: 4096,
      control: 0,
    };
    expect(encodeReadElementStatus(v)).toEqual(bytes);
    expect(decodeReadElementStatus(bytes)).toEqual(v);
  });

  it('ignores the obsolete LUN bits of byte 1 and reserved byte 10', () => {
    expect(decodeReadElementStatus(hex('b8 e4 00 00 00 01 00 00 00 08 ff 00')).elementTypeCode).toBe(4);
  });

  it('rejects a reserved ELEMENT TYPE CODE (5h-Fh) at byte 1 bit 3', () => {
    for (const t of [5, 0xf]) {
      expectInvalidCdb(
        () => decodeReadElementStatus(hex(`b8 0${t.toString(16)} 00 00 00 01 00 00 00 08 00 00`)),
        1,
        3,
      );
    }
  });

  it('rejects a wrong opcode and a short CDB', () => {
    expectInvalidOpcode(() => decodeReadElementStatus(hex('b4 00 00 00 00 01 00 00 00 08 00 00')));
    expectInvalidCdb(() => decodeReadElementStatus(hex('b8 00 00 00 00 01 00 00 00 08 00')), 0);
  });

  it('refuses an ELEMENT TYPE CODE wider than 4 bits and a 25-bit allocation length', () => {
    const v = {
      voltag: false,
      elementTypeCode: 16,
      startingElementAddress: 0,
      numberOfElements: 1,
      curdata: false,
      dvcid: false,
      allocationLength: 8,
      control: 0,
    };
    expect(() => encodeReadElementStatus(v)).toThrow(RangeError);
    expect(() => encodeReadElementStatus({ ...v, elementTypeCode: 0, allocationLength: 0x1000000 })).toThrow(
      RangeError,
    );
  });
});
