import fc from 'fast-check';
import {
  type IdentificationDescriptor,
  decodeTargetDescriptor,
  deviceTypeParametersKind,
  encodeTargetDescriptor,
  targetDescriptorLength,
} from '../../../../cdb/xcopy/index';
import { targetDescriptor } from './arbitraries';
import { DISK_IDENTIFICATION } from './fixtures';
import { expectSense, hex } from './helpers';

// Hand-assembled from SPC-4 6.4.5.6 (Identification Descriptor CSCD descriptor) and 6.4.5.3.
const DISK_E4 = hex(`
  e4                                               // DESCRIPTOR TYPE CODE E4h
  00                                               // LU ID TYPE 00b, NUL 0, PERIPHERAL DEVICE TYPE 00h
  00 00                                            // RELATIVE INITIATOR PORT IDENTIFIER 0
  01                                               // CODE SET 1 (binary)
  03                                               // ASSOCIATION 00b (LU), DESIGNATOR TYPE 3 (NAA)
  00                                               // reserved
  10                                               // DESIGNATOR LENGTH 16
  60 01 40 5a bc de f0 12 34 56 78 9a bc de f0 12  // NAA 6 registered extended designator
  00 00 00 00                                      // zero padding of the 20-byte DESIGNATOR field
  00                                               // PAD 0
  00 02 00                                         // DISK BLOCK LENGTH 512
`);

// SPC-4 6.4.5.4: sequential-access device, FIXED=0 (variable blocks) so STREAM BLOCK LENGTH is 0.
const TAPE_E4 = hex(`
  e4                                               // DESCRIPTOR TYPE CODE E4h
  01                                               // PERIPHERAL DEVICE TYPE 01h (sequential access)
  00 02                                            // RELATIVE INITIATOR PORT IDENTIFIER 2
  01 03 00 08                                      // binary, LU/NAA, reserved, DESIGNATOR LENGTH 8
  50 01 02 03 04 05 06 07                          // NAA 5 designator
  00 00 00 00 00 00 00 00 00 00 00 00              // padding to 20 bytes
  04                                               // PAD 1, FIXED 0
  00 00 00                                         // STREAM BLOCK LENGTH 0
`);

describe('CSCD descriptors: golden vectors', () => {
  test('E4h block device with NAA-6 designator and DISK BLOCK LENGTH 512', () => {
    expect(DISK_E4).toHaveLength(32);
    const want = DISK_IDENTIFICATION;
    expect(decodeTargetDescriptor(DISK_E4)).toEqual(want);
    expect(encodeTargetDescriptor(want)).toEqual(DISK_E4);
  });

  test('E4h tape with FIXED=0', () => {
    const d = decodeTargetDescriptor(TAPE_E4);
    expect(d).toEqual({
      kind: 'identification',
      luIdType: 0,
      nul: false,
      peripheralDeviceType: 1,
      relativeInitiatorPortIdentifier: 2,
      codeSet: 1,
      association: 0,
      designatorType: 3,
      designator: hex('50 01 02 03 04 05 06 07'),
      deviceTypeParameters: { kind: 'stream', pad: true, fixed: false, streamBlockLength: 0 },
    });
    expect(encodeTargetDescriptor(d)).toEqual(TAPE_E4);
  });

  test('E4h tape with FIXED=1 and 64 KiB blocks, LU ID TYPE and NUL kept', () => {
    const b = Buffer.from(TAPE_E4);
    b[1] = 0x80 | 0x20 | 0x01; // LU ID TYPE 10b, NUL 1, PDT 01h
    b[28] = 0x01; // FIXED 1
    b.writeUIntBE(0x10000, 29, 3);
    const d = decodeTargetDescriptor(b);
    expect(d).toMatchObject({
      luIdType: 2,
      nul: true,
      deviceTypeParameters: { fixed: true, streamBlockLength: 65536 },
    });
    expect(encodeTargetDescriptor(d)).toEqual(b);
  });

  test('processor (03h) keeps PAD, other device types keep the raw 4 bytes', () => {
    const p = Buffer.from(DISK_E4);
    p[1] = 0x03;
    p[28] = 0x04;
    expect(decodeTargetDescriptor(p)).toMatchObject({
      deviceTypeParameters: { kind: 'processor', pad: true },
    });
    const c = Buffer.from(DISK_E4);
    c[1] = 0x08; // medium changer: no format defined in SPC-4 6.4.5.1
    c.writeUInt32BE(0xdeadbeef, 28);
    const d = decodeTargetDescriptor(c);
    expect(d).toMatchObject({ deviceTypeParameters: { kind: 'raw', bytes: hex('deadbeef') } });
    expect(encodeTargetDescriptor(d)).toEqual(c);
  });

  test('block parameters apply to peripheral device types 00h, 04h, 05h, 07h and 0Eh', () => {
    expect([0, 4, 5, 7, 0x0e].map(deviceTypeParametersKind)).toEqual([
      'block',
      'block',
      'block',
      'block',
      'block',
    ]);
    expect([1, 3, 8, 0x1f].map(deviceTypeParametersKind)).toEqual(['stream', 'processor', 'raw', 'raw']);
  });

  test('other CSCD codes are kept whole: 32 bytes, 64 for IPv6 (EAh) and IP Copy Service (EBh)', () => {
    const fc32 = Buffer.alloc(40, 0x11);
    fc32[0] = 0xe0;
    expect(decodeTargetDescriptor(fc32)).toEqual({
      kind: 'unsupported',
      descriptorCode: 0xe0,
      bytes: fc32.subarray(0, 32),
    });
    const ipv6 = Buffer.alloc(64, 0x22);
    ipv6[0] = 0xea;
    ipv6[32] = 0xff; // CSCD descriptor extension
    const d = decodeTargetDescriptor(ipv6);
    expect(d).toEqual({ kind: 'unsupported', descriptorCode: 0xea, bytes: ipv6 });
    expect(targetDescriptorLength(d)).toBe(64);
    const rod = Buffer.alloc(32);
    rod[0] = 0xfe;
    expect(targetDescriptorLength(decodeTargetDescriptor(rod))).toBe(32);
    const vendor = Buffer.alloc(32, 0x5a);
    vendor[0] = 0xc3;
    expect(decodeTargetDescriptor(vendor)).toMatchObject({ kind: 'unsupported', descriptorCode: 0xc3 });
    expect(encodeTargetDescriptor(decodeTargetDescriptor(vendor))).toEqual(vendor);
  });
});

describe('CSCD descriptors: errors', () => {
  test('DESIGNATOR LENGTH above 20 is 05/26/00 at byte 7', () => {
    const b = Buffer.from(DISK_E4);
    b[7] = 21;
    expectSense(() => decodeTargetDescriptor(b), { asc: 0x26, ascq: 0x00, field: 7 });
  });

  test('stream FIXED=0 with a STREAM BLOCK LENGTH, or FIXED=1 without one, is 05/26/00 at byte 29', () => {
    const a = Buffer.from(TAPE_E4);
    a.writeUIntBE(512, 29, 3);
    expectSense(() => decodeTargetDescriptor(a), { asc: 0x26, ascq: 0x00, field: 29 });
    const b = Buffer.from(TAPE_E4);
    b[28] = 0x01;
    expectSense(() => decodeTargetDescriptor(b), { asc: 0x26, ascq: 0x00, field: 29 });
  });

  test('codes that cannot start a CSCD descriptor are 05/26/07 at byte 0', () => {
    for (const code of [0x02, 0xbf, 0xec, 0xfd, 0xff]) {
      const b = Buffer.from(DISK_E4);
      b[0] = code;
      expectSense(() => decodeTargetDescriptor(b), { asc: 0x26, ascq: 0x07, field: 0 });
    }
  });

  test('a short descriptor is 05/1A/00', () => {
    expectSense(() => decodeTargetDescriptor(DISK_E4.subarray(0, 31)), { asc: 0x1a, ascq: 0x00 });
    expectSense(() => decodeTargetDescriptor(Buffer.from([0xea, 0, 0, 0])), { asc: 0x1a, ascq: 0x00 });
    expectSense(() => decodeTargetDescriptor(Buffer.alloc(0)), { asc: 0x1a, ascq: 0x00 });
  });

  test('encoder rejects values that do not fit', () => {
    const good = decodeTargetDescriptor(DISK_E4) as IdentificationDescriptor;
    expect(() => encodeTargetDescriptor({ ...good, designator: Buffer.alloc(21) })).toThrow(RangeError);
    expect(() => encodeTargetDescriptor({ ...good, peripheralDeviceType: 1 })).toThrow(RangeError);
    expect(() => encodeTargetDescriptor({ ...good, luIdType: 4 })).toThrow(RangeError);
    expect(() =>
      encodeTargetDescriptor({
        ...good,
        peripheralDeviceType: 8,
        deviceTypeParameters: { kind: 'raw', bytes: Buffer.alloc(3) },
      }),
    ).toThrow(RangeError);
    expect(() =>
      encodeTargetDescriptor({ kind: 'unsupported', descriptorCode: 0xe4, bytes: DISK_E4 }),
    ).toThrow(RangeError);
    expect(() =>
      encodeTargetDescriptor({ kind: 'unsupported', descriptorCode: 0xea, bytes: Buffer.alloc(32, 0xea) }),
    ).toThrow(RangeError);
    expect(() =>
      encodeTargetDescriptor({ kind: 'unsupported', descriptorCode: 0xe0, bytes: Buffer.alloc(32) }),
    ).toThrow(RangeError);
    expect(() =>
      encodeTargetDescriptor({ kind: 'unsupported', descriptorCode: 0x300, bytes: Buffer.alloc(32) }),
    ).toThrow(RangeError);
  });
});

test('CSCD descriptors round-trip', () => {
  fc.assert(
    fc.property(targetDescriptor, (d) => {
      const enc = encodeTargetDescriptor(d);
      expect(enc).toHaveLength(targetDescriptorLength(d));
      expect(decodeTargetDescriptor(enc)).toEqual(d);
    }),
  );
});
