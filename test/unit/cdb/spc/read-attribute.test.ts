import * as fc from 'fast-check';
import { describeCdb } from '../../../../cdb/commands';
import { ByteReader } from '../../../../cdb/bytes';
import {
  attributeName,
  decodeAttributeListData,
  decodeAttributeValuesData,
  decodeLogicalVolumeListData,
  decodePartitionListData,
  decodeReadAttribute,
  encodeAttributeListData,
  encodeAttributeValuesData,
  encodeLogicalVolumeListData,
  encodeMamAttribute,
  encodePartitionListData,
  encodeReadAttribute,
  findAttribute,
  MAM_ATTRIBUTE,
  MAM_ATTRIBUTES,
  type MamAttribute,
  READ_ATTRIBUTE_COMMANDS,
  readMamAttribute,
  type ReadAttributeCdb,
  standardAttribute,
} from '../../../../cdb/spc/read-attribute';
import {
  asciiText,
  bool,
  bytes,
  expectSense,
  hex,
  mutated,
  onlySense,
  u16,
  u32,
  u8,
} from './spc-mode-helpers';

const cdb: fc.Arbitrary<ReadAttributeCdb> = fc.record({
  serviceAction: fc.constantFrom(0, 1, 2, 3, 5),
  elementAddress: u16,
  logicalVolumeNumber: u8,
  partitionNumber: u8,
  firstAttributeIdentifier: u16,
  allocationLength: u32,
  cache: bool,
  control: u8,
});

const attribute: fc.Arbitrary<MamAttribute> = fc.oneof(
  fc.integer({ min: 1, max: 8 }).chain((length) =>
    fc.record({
      attributeIdentifier: u16,
      readOnly: bool,
      length: fc.constant(length),
      format: fc.constant('binary' as const),
      value: fc.bigInt({ min: 0n, max: (1n << BigInt(8 * length)) - 1n }),
    }),
  ),
  bytes(9, 40).chain((value) =>
    fc.record({
      attributeIdentifier: u16,
      readOnly: bool,
      length: fc.constant(value.length),
      format: fc.constant('binary' as const),
      value: fc.constant(value),
    }),
  ),
  asciiText(32).chain((value) =>
    fc.record({
      attributeIdentifier: u16,
      readOnly: bool,
      length: fc.integer({ min: value.length, max: 40 }),
      format: fc.constant('ascii' as const),
      value: fc.constant(value),
    }),
  ),
  fc.string({ maxLength: 20 }).chain((value) =>
    fc.record({
      attributeIdentifier: u16,
      readOnly: bool,
      length: fc.integer({ min: Buffer.byteLength(value), max: 80 }),
      format: fc.constant('text' as const),
      value: fc.constant(value.replace(/\0+$/, '')),
    }),
  ),
  bytes(0, 10).chain((value) =>
    fc.record({
      attributeIdentifier: u16,
      readOnly: bool,
      length: fc.constant(value.length),
      format: fc.constant('reserved' as const),
      value: fc.constant(value),
    }),
  ),
);

describe('READ ATTRIBUTE CDB', () => {
  it('round-trips', () => {
    fc.assert(fc.property(cdb, (v) => expect(decodeReadAttribute(encodeReadAttribute(v))).toEqual(v)));
  });

  it('golden: ATTRIBUTE VALUES from 0806h (BARCODE), partition 0, 512 bytes', () => {
    const c = hex(`
      8c 00         # READ ATTRIBUTE, SERVICE ACTION 00h ATTRIBUTE VALUES
      00 00 00      # ELEMENT ADDRESS 0, reserved
      00 00 00      # LOGICAL VOLUME NUMBER 0, reserved, PARTITION NUMBER 0
      08 06         # FIRST ATTRIBUTE IDENTIFIER 0806h
      00 00 02 00   # ALLOCATION LENGTH 512
      00 00         # CACHE 0, CONTROL
    `);
    const v = decodeReadAttribute(c);
    expect(v).toEqual({
      serviceAction: 0,
      elementAddress: 0,
      logicalVolumeNumber: 0,
      partitionNumber: 0,
      firstAttributeIdentifier: 0x0806,
      allocationLength: 512,
      cache: false,
      control: 0,
    });
    expect(encodeReadAttribute(v)).toEqual(c);
  });

  it('golden: SUPPORTED ATTRIBUTES through element 1000h of a changer, CACHE=1', () => {
    expect(decodeReadAttribute(hex('8c 05 10 00 00 02 00 01 00 00 00 00 10 00 01 00'))).toEqual({
      serviceAction: 5,
      elementAddress: 0x1000,
      logicalVolumeNumber: 2,
      partitionNumber: 1,
      firstAttributeIdentifier: 0,
      allocationLength: 0x1000,
      cache: true,
      control: 0,
    });
  });

  it('unsupported service actions are INVALID FIELD IN CDB at byte 1', () => {
    for (const sa of [4, 6, 0x1f]) {
      const c = encodeReadAttribute({
        serviceAction: sa,
        elementAddress: 0,
        logicalVolumeNumber: 0,
        partitionNumber: 0,
        firstAttributeIdentifier: 0,
        allocationLength: 0,
        cache: false,
        control: 0,
      });
      expectSense(() => decodeReadAttribute(c), 5, 0x24, 0, { commandData: true, field: 1, bit: 4 });
    }
    expectSense(() => decodeReadAttribute(hex('8c 00 00 00 00 00 00 00 00 00')), 5, 0x24, 0);
  });

  it('is registered per service action', () => {
    expect(READ_ATTRIBUTE_COMMANDS.map((c) => c.serviceAction)).toEqual([0, 1, 2, 3, 5]);
    expect(describeCdb(hex('8c 01 00 00 00 00 00 00 00 00 00 00 01 00 00 00'))[0].name).toBe(
      'READ ATTRIBUTE',
    );
  });
});

describe('attribute values data', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(fc.array(attribute, { maxLength: 6 }), (attributes) =>
        expect(decodeAttributeValuesData(encodeAttributeValuesData({ attributes }))).toEqual({ attributes }),
      ),
    );
  });

  it('golden: BARCODE 0806h "XC0001L6" as a 32-byte ASCII attribute', () => {
    const data = hex(`
      00 00 00 25                       # AVAILABLE DATA 37
      08 06                             # ATTRIBUTE IDENTIFIER 0806h
      01                                # READ ONLY=0, FORMAT=01b ASCII
      00 20                             # ATTRIBUTE LENGTH 32
      58 43 30 30 30 31 4c 36           # "XC0001L6"
      20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20   # space padding
    `);
    const v = decodeAttributeValuesData(data);
    expect(v).toEqual({
      attributes: [
        { attributeIdentifier: 0x0806, readOnly: false, format: 'ascii', length: 32, value: 'XC0001L6' },
      ],
    });
    expect(attributeName(v.attributes[0].attributeIdentifier)).toBe('BARCODE');
    expect(encodeAttributeValuesData(v)).toEqual(data);
    expect(
      encodeAttributeValuesData({ attributes: [standardAttribute(MAM_ATTRIBUTE.barcode, 'XC0001L6')] }),
    ).toEqual(data);
  });

  it('golden: read-only binary REMAINING CAPACITY and MEDIUM SERIAL NUMBER from a tape', () => {
    const data = hex(`
      00 00 00 32                                   # AVAILABLE DATA 50
      00 00 80 00 08 00 00 00 00 00 2d c6 c0        # 0000h RO binary, 8 bytes: 3000000 MiB
      04 01 81 00 20                                # 0401h RO ASCII, 32 bytes
      48 55 4a 35 34 38 35 37 31 36                 # "HUJ5485716"
      20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20
    `);
    const v = decodeAttributeValuesData(data);
    expect(v.attributes).toEqual([
      { attributeIdentifier: 0, readOnly: true, format: 'binary', length: 8, value: 3000000n },
      { attributeIdentifier: 0x0401, readOnly: true, format: 'ascii', length: 32, value: 'HUJ5485716' },
    ]);
    expect(findAttribute(v, MAM_ATTRIBUTE.mediumSerialNumber)?.value).toBe('HUJ5485716');
    expect(findAttribute(v, MAM_ATTRIBUTE.barcode)).toBeUndefined();
    expect(encodeAttributeValuesData(v)).toEqual(data);
  });

  it('TEXT attributes are null padded; long binary attributes stay bytes', () => {
    const text = standardAttribute(0x0803, 'Täglich');
    expect(text).toEqual({
      attributeIdentifier: 0x0803,
      readOnly: false,
      format: 'text',
      length: 160,
      value: 'Täglich',
    });
    const b = encodeMamAttribute(text);
    expect(b.subarray(0, 5)).toEqual(hex('08 03 02 00 a0'));
    expect(b.subarray(5, 13)).toEqual(Buffer.from('Täglich', 'utf8'));
    expect(b.subarray(13).every((x) => x === 0)).toBe(true);
    const history = standardAttribute(0x0340, Buffer.alloc(90, 1));
    expect(readMamAttribute(new ByteReader(encodeMamAttribute(history), 'param'), 0, 95).attribute).toEqual(
      history,
    );
  });

  it('length errors: truncated data, overrunning ATTRIBUTE LENGTH, partial header', () => {
    expectSense(() => decodeAttributeValuesData(hex('00 00 00 10 00 00')), 5, 0x1a, 0);
    expectSense(() => decodeAttributeValuesData(hex('00 00 00 06 08 06 01 00 20 58')), 5, 0x26, 0, {
      commandData: false,
      field: 7,
    });
    expectSense(() => decodeAttributeValuesData(hex('00 00 00 03 08 06 01')), 5, 0x26, 0, {
      commandData: false,
      field: 4,
    });
  });

  it('encoders refuse values that would not round-trip', () => {
    const base = { attributeIdentifier: 1, readOnly: false };
    expect(() => encodeMamAttribute({ ...base, format: 'binary', length: 2, value: 0x10000n })).toThrow(
      RangeError,
    );
    expect(() => encodeMamAttribute({ ...base, format: 'binary', length: 9, value: 1n })).toThrow(RangeError);
    expect(() =>
      encodeMamAttribute({ ...base, format: 'binary', length: 3, value: Buffer.alloc(2) }),
    ).toThrow(RangeError);
    expect(() => encodeMamAttribute({ ...base, format: 'ascii', length: 4, value: 'ABCDE' })).toThrow(
      RangeError,
    );
    expect(() => encodeMamAttribute({ ...base, format: 'ascii', length: 4, value: 'AB ' })).toThrow(
      RangeError,
    );
    expect(() => encodeMamAttribute({ ...base, format: 'text', length: 1, value: 'ä' })).toThrow(RangeError);
    expect(() => standardAttribute(0x0806, 5n)).toThrow(RangeError);
    expect(() => standardAttribute(0x0000, 'x')).toThrow(RangeError);
    expect(() => standardAttribute(0x7777, 'x')).toThrow(RangeError);
    expect(standardAttribute(0x0009, 5n)).toMatchObject({ format: 'binary', length: 8 });
    expect(standardAttribute(0x0009, Buffer.alloc(4))).toMatchObject({ length: 4 });
  });
});

describe('attribute identifiers', () => {
  it('names the SPC-4 / SSC attributes and the vendor ranges', () => {
    expect(attributeName(0x0000)).toBe('REMAINING CAPACITY IN PARTITION');
    expect(attributeName(0x0003)).toBe('LOAD COUNT');
    expect(attributeName(0x0008)).toBe('VOLUME IDENTIFIER');
    expect(attributeName(0x0400)).toBe('MEDIUM MANUFACTURER');
    expect(attributeName(0x0401)).toBe('MEDIUM SERIAL NUMBER');
    expect(attributeName(0x1001)).toBe('vendor specific device attribute 1001h');
    expect(attributeName(0x1401)).toBe('vendor specific medium attribute 1401h');
    expect(attributeName(0x1801)).toBe('vendor specific host attribute 1801h');
    expect(attributeName(0x0c00)).toBe('attribute 0c00h');
    expect(MAM_ATTRIBUTES[0x0806]).toEqual({ name: 'BARCODE', format: 'ascii', length: 32 });
  });
});

describe('attribute list, logical volume list, partition list', () => {
  it('round-trip', () => {
    fc.assert(
      fc.property(fc.array(u16, { maxLength: 20 }), (attributeIdentifiers) =>
        expect(decodeAttributeListData(encodeAttributeListData({ attributeIdentifiers }))).toEqual({
          attributeIdentifiers,
        }),
      ),
    );
    fc.assert(
      fc.property(u8, u8, (a, b) => {
        const lv = { firstLogicalVolumeNumber: a, numberOfLogicalVolumesAvailable: b };
        expect(decodeLogicalVolumeListData(encodeLogicalVolumeListData(lv))).toEqual(lv);
        const pl = { firstPartitionNumber: a, numberOfPartitionsAvailable: b };
        expect(decodePartitionListData(encodePartitionListData(pl))).toEqual(pl);
      }),
    );
  });

  it('golden attribute list and partition list', () => {
    expect(decodeAttributeListData(hex('00000006 0000 0401 0806'))).toEqual({
      attributeIdentifiers: [0x0000, 0x0401, 0x0806],
    });
    expect(decodePartitionListData(hex('0002 00 02'))).toEqual({
      firstPartitionNumber: 0,
      numberOfPartitionsAvailable: 2,
    });
  });

  it('errors', () => {
    expectSense(() => decodeAttributeListData(hex('00000003 0000 04')), 5, 0x26, 0, {
      commandData: false,
      field: 0,
    });
    expectSense(() => decodeAttributeListData(hex('00000004 0000')), 5, 0x1a, 0);
    expectSense(() => decodeLogicalVolumeListData(hex('0004 00 01')), 5, 0x26, 0, {
      commandData: false,
      field: 0,
    });
    expectSense(() => decodePartitionListData(hex('0002 00')), 5, 0x1a, 0);
  });
});

describe('attribute values: mutated encodings', () => {
  it('decoder throws only SenseError', () => {
    const valid = fc
      .array(attribute, { maxLength: 4 })
      .map((attributes) => encodeAttributeValuesData({ attributes }));
    fc.assert(
      fc.property(mutated(valid), (b) => onlySense(() => decodeAttributeValuesData(b))),
      { numRuns: 300 },
    );
  });
});
