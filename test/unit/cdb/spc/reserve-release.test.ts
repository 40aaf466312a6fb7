import * as fc from 'fast-check';
import { describeCdb } from '../../../../cdb/commands';
import {
  decodeLongIdParameterList,
  decodeRelease10,
  decodeRelease6,
  decodeReserve10,
  decodeReserve6,
  encodeLongIdParameterList,
  encodeRelease10,
  encodeRelease6,
  encodeReserve10,
  encodeReserve6,
  type Reserve10Cdb,
  RESERVE_RELEASE_COMMANDS,
  thirdPartyDeviceIdOf,
} from '../../../../cdb/spc/reserve-release';
import { bool, expectSense, hex, u, u16, u64, u8 } from './spc-mode-helpers';

const cdb6 = fc.record({
  thirdParty: bool,
  thirdPartyDeviceId: u(3),
  extent: bool,
  reservationIdentification: u8,
  control: u8,
});

/** RESERVE(10)/RELEASE(10) fields that pass the SPC-2 parameter list length rule. */
const cdb10: fc.Arbitrary<Reserve10Cdb> = fc
  .record({
    thirdParty: bool,
    longId: bool,
    extent: bool,
    reservationIdentification: u8,
    thirdPartyDeviceId: u8,
    parameterListLength: u16,
    control: u8,
  })
  .map((v) => (v.thirdParty && !v.extent ? { ...v, parameterListLength: v.longId ? 8 : 0 } : v));

describe('RESERVE/RELEASE(6)', () => {
  it('round-trip', () => {
    fc.assert(
      fc.property(cdb6, u16, (v, extentListLength) => {
        const r = { ...v, extentListLength };
        expect(decodeReserve6(encodeReserve6(r))).toEqual(r);
        expect(decodeRelease6(encodeRelease6(v))).toEqual(v);
      }),
    );
  });

  it('golden RESERVE(6) and RELEASE(6) as sent by Linux st / sg_raw: all fields zero', () => {
    expect(decodeReserve6(hex('16 00 00 00 00 00'))).toEqual({
      thirdParty: false,
      thirdPartyDeviceId: 0,
      extent: false,
      reservationIdentification: 0,
      extentListLength: 0,
      control: 0,
    });
    expect(encodeRelease6(decodeRelease6(hex('17 00 00 00 00 00')))).toEqual(hex('17 00 00 00 00 00'));
  });

  it('golden SCSI-2 third-party RESERVE(6) for device ID 5', () => {
    // byte 1: 3RDPTY (bit 4) | THIRD-PARTY DEVICE ID 101b (bits 3-1)
    expect(decodeReserve6(hex('16 1a 00 00 00 00'))).toMatchObject({
      thirdParty: true,
      thirdPartyDeviceId: 5,
    });
  });

  it('rejects the wrong opcode', () => {
    expectSense(() => decodeRelease6(hex('16 00 00 00 00 00')), 5, 0x20, 0, { commandData: true, field: 0 });
  });
});

describe('RESERVE/RELEASE(10)', () => {
  it('round-trip', () => {
    fc.assert(
      fc.property(cdb10, (v) => {
        expect(decodeReserve10(encodeReserve10(v))).toEqual(v);
        expect(decodeRelease10(encodeRelease10(v))).toEqual(v);
      }),
    );
  });

  it('golden third-party RESERVE(10) on behalf of device 7 (short ID in byte 3)', () => {
    const cdb = hex(`
      56        # RESERVE(10)
      10        # 3RDPTY=1, LONGID=0
      00        # obsolete
      07        # THIRD-PARTY DEVICE ID 7
      00 00 00  # reserved
      00 00     # PARAMETER LIST LENGTH 0
      00        # CONTROL
    `);
    const v = decodeReserve10(cdb);
    expect(v).toEqual({
      thirdParty: true,
      longId: false,
      extent: false,
      reservationIdentification: 0,
      thirdPartyDeviceId: 7,
      parameterListLength: 0,
      control: 0,
    });
    expect(thirdPartyDeviceIdOf(v)).toBe(7n);
    expect(encodeReserve10(v)).toEqual(cdb);
  });

  it('golden third-party RELEASE(10) with LONGID and its 8-byte parameter list', () => {
    const cdb = hex('57 12 00 00 00 00 00 00 08 00');
    const v = decodeRelease10(cdb);
    expect(v).toMatchObject({ thirdParty: true, longId: true, parameterListLength: 8 });
    const list = hex('50 06 01 60 3b a0 11 22'); // an 8-byte port name as THIRD-PARTY DEVICE ID
    const p = decodeLongIdParameterList(list);
    expect(p).toEqual({ thirdPartyDeviceId: 0x500601603ba01122n });
    expect(encodeLongIdParameterList(p)).toEqual(list);
    expect(thirdPartyDeviceIdOf(v, p)).toBe(0x500601603ba01122n);
    expect(() => thirdPartyDeviceIdOf(v)).toThrow(RangeError);
    expect(thirdPartyDeviceIdOf({ ...v, thirdParty: false })).toBeUndefined();
  });

  it('3RDPTY with a PARAMETER LIST LENGTH not matching LONGID is INVALID FIELD IN CDB at byte 7', () => {
    expectSense(() => decodeReserve10(hex('56 12 00 00 00 00 00 00 10 00')), 5, 0x24, 0, {
      commandData: true,
      field: 7,
    });
    expectSense(() => decodeRelease10(hex('57 10 00 05 00 00 00 00 08 00')), 5, 0x24, 0, {
      commandData: true,
      field: 7,
    });
    // Without 3RDPTY the PARAMETER LIST LENGTH is ignored.
    expect(decodeReserve10(hex('56 00 00 00 00 00 00 00 10 00')).parameterListLength).toBe(16);
  });

  it('a LONGID parameter list must be exactly 8 bytes', () => {
    expectSense(() => decodeLongIdParameterList(hex('00 00 00 00 00 00 00')), 5, 0x1a, 0);
    expectSense(() => decodeLongIdParameterList(Buffer.alloc(9)), 5, 0x1a, 0);
    fc.assert(
      fc.property(u64, (id) =>
        expect(decodeLongIdParameterList(encodeLongIdParameterList({ thirdPartyDeviceId: id }))).toEqual({
          thirdPartyDeviceId: id,
        }),
      ),
    );
  });

  it('is registered under the T10 names', () => {
    expect(RESERVE_RELEASE_COMMANDS.map((c) => c.name)).toEqual([
      'RESERVE(6)',
      'RELEASE(6)',
      'RESERVE(10)',
      'RELEASE(10)',
    ]);
    expect(describeCdb(hex('57 00 00 00 00 00 00 00 00 00'))[0].name).toBe('RELEASE(10)');
  });
});
