import * as fc from 'fast-check';
import { ByteReader } from '../../../../cdb/bytes';
import { decodeTransportId, encodeTransportId, transportIdSize } from '../../../../cdb/spc/transport-id';
import { expectSense, hex, transportIdArb } from './spc-mode-helpers';

describe('TransportID', () => {
  it('round-trips', () => {
    fc.assert(fc.property(transportIdArb, (t) => expect(decodeTransportId(encodeTransportId(t))).toEqual(t)));
  });

  it('iSCSI TransportIDs are at least 24 bytes and 4-byte aligned', () => {
    fc.assert(
      fc.property(transportIdArb, (t) => {
        const b = encodeTransportId(t);
        expect(b.length % 4).toBe(0);
        expect(b.length).toBeGreaterThanOrEqual(24);
        expect(transportIdSize(new ByteReader(b, 'param'), 0)).toBe(b.length);
      }),
    );
  });

  it('golden iSCSI name TransportID (format 00b, SPC-4 7.6.4.6)', () => {
    const name = 'iqn.1994-05.com.redhat:c0ffee';
    const b = encodeTransportId({ kind: 'iscsiName', iscsiName: name });
    const expected = Buffer.alloc(36);
    expected[0] = 0x05; // FORMAT CODE 00b, PROTOCOL IDENTIFIER 5h
    expected.writeUInt16BE(32, 2); // ADDITIONAL LENGTH: 29 name bytes + NUL, rounded up to 32
    expected.write(name, 4, 'ascii');
    expect(b).toEqual(expected);
    expect(decodeTransportId(b)).toEqual({ kind: 'iscsiName', iscsiName: name });
  });

  it('golden iSCSI port TransportID (format 01b): name ",i,0x" ISID', () => {
    const b = hex(`
      45 00 00 20                                   # FORMAT CODE 01b, iSCSI, ADDITIONAL LENGTH 32
      69 71 6e 2e 32 30 30 35 2d 30 33 2e 61        # "iqn.2005-03.a"
      2c 69 2c 30 78                                # ",i,0x"
      34 30 30 30 30 31 33 37 30 30 30 30           # ISID "400001370000"
      00 00                                         # NUL + pad
    `);
    expect(b.length).toBe(36);
    const t = decodeTransportId(b);
    expect(t).toEqual({ kind: 'iscsiPort', iscsiName: 'iqn.2005-03.a', isid: '400001370000' });
    expect(encodeTransportId(t)).toEqual(b);
  });

  it('golden SAS TransportID stays opaque', () => {
    const b = hex('06 000000 5000c50012345678 0000000000000000 00000000'); // SAS ADDRESS in bytes 4-11;
    expect(b.length).toBe(24);
    expect(decodeTransportId(b)).toEqual({
      kind: 'opaque',
      formatCode: 0,
      protocolIdentifier: 6,
      data: b.subarray(1),
    });
    expect(transportIdSize(new ByteReader(b, 'param'), 0)).toBe(24);
  });

  it('bad iSCSI TransportIDs: reserved format, bad ADDITIONAL LENGTH, missing separator', () => {
    const good = encodeTransportId({ kind: 'iscsiName', iscsiName: 'iqn.x' });
    const reserved = Buffer.from(good);
    reserved[0] = 0x85;
    expectSense(() => decodeTransportId(reserved), 5, 0x26, 0, { commandData: false, field: 0, bit: 7 });
    const odd = Buffer.from(good);
    odd.writeUInt16BE(18, 2);
    expectSense(() => decodeTransportId(odd), 5, 0x26, 0, { commandData: false, field: 2 });
    const tooLong = Buffer.from(good);
    tooLong.writeUInt16BE(24, 2);
    expectSense(() => decodeTransportId(tooLong), 5, 0x26, 0, { commandData: false, field: 2 });
    const noSep = Buffer.from(good);
    noSep[0] = 0x45;
    expectSense(() => decodeTransportId(noSep), 5, 0x26, 0, { commandData: false, field: 4 });
    expectSense(() => decodeTransportId(Buffer.alloc(0)), 5, 0x1a, 0);
  });

  it('encoder refuses names that cannot round-trip', () => {
    expect(() => encodeTransportId({ kind: 'iscsiName', iscsiName: 'a\0b' })).toThrow(RangeError);
    expect(() => encodeTransportId({ kind: 'iscsiPort', iscsiName: 'a,i,0xb', isid: '00' })).toThrow(
      RangeError,
    );
    expect(() => encodeTransportId({ kind: 'iscsiPort', iscsiName: 'a', isid: 'xyz' })).toThrow(RangeError);
    expect(() =>
      encodeTransportId({ kind: 'opaque', formatCode: 0, protocolIdentifier: 5, data: Buffer.alloc(23) }),
    ).toThrow(RangeError);
    expect(() =>
      encodeTransportId({ kind: 'opaque', formatCode: 4, protocolIdentifier: 6, data: Buffer.alloc(23) }),
    ).toThrow(RangeError);
  });
});
