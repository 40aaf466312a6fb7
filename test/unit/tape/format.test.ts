// Byte layout of records, header slots and index checkpoints (FORMAT.md), checked against bytes
// written by hand and a bit-by-bit CRC32C written here from the Castagnoli definition.
import fc from 'fast-check';
import {
  type CartridgeHeader,
  checkRecordHeader,
  decodeHeaderSlot,
  decodeIndex,
  encodeHeaderSlot,
  encodeIndex,
  encodeRecordHeader,
  parseRecordHeader,
  RECORDS_START,
  RecordType,
  sequenceNewer,
  SLOT_SIZE,
} from '../../../emulator/tape/format';

/** CRC-32C, reflected polynomial 82F63B78h, init and final XOR FFFFFFFFh, one bit at a time. */
function crc32cReference(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

test('the reference CRC32C gives the standard check value', () => {
  expect(crc32cReference(Buffer.from('123456789'))).toBe(0xe3069283);
});

describe('record header', () => {
  test('block record: golden bytes', () => {
    const h = encodeRecordHeader(RecordType.block, 0, 7, 0x0102030405, Buffer.from('abc'));
    const first28 = Buffer.from(
      [
        '58545243', // magic "XTRC"
        '01', // type: block
        '00', // partition
        '0000', // reserved
        '00000007', // generation
        '00000003', // payload length
        '0000000102030405', // object number
        '00000000', // reserved
      ].join(''),
      'hex',
    );
    expect(h.subarray(0, 28)).toEqual(first28);
    expect(h.readUInt32BE(28)).toBe(crc32cReference(Buffer.concat([first28, Buffer.from('abc')])));
  });

  test('filemark record: golden bytes, CRC over the header only', () => {
    const h = encodeRecordHeader(RecordType.filemark, 0, 1, 9, undefined);
    const first28 = Buffer.from(
      '58545243' + '02' + '00' + '0000' + '00000001' + '00000000' + '0000000000000009' + '00000000',
      'hex',
    );
    expect(h.subarray(0, 28)).toEqual(first28);
    expect(h.readUInt32BE(28)).toBe(crc32cReference(first28));
  });

  test('structural checks name the first broken rule', () => {
    const want = { objectNumber: 9, partition: 0, minGeneration: 1, maxGeneration: 3 };
    const ok = encodeRecordHeader(RecordType.filemark, 0, 2, 9, undefined);
    expect(checkRecordHeader(parseRecordHeader(ok), want)).toBeNull();
    const mutate = (off: number, bytes: number[]): Buffer => {
      const b = Buffer.from(ok);
      Buffer.from(bytes).copy(b, off);
      return b;
    };
    expect(checkRecordHeader(parseRecordHeader(mutate(0, [0])), want)).toBe('no record magic');
    expect(checkRecordHeader(parseRecordHeader(mutate(6, [1])), want)).toBe('reserved bytes are not zero');
    expect(checkRecordHeader(parseRecordHeader(mutate(4, [3])), want)).toBe('record type 3');
    expect(checkRecordHeader(parseRecordHeader(mutate(5, [1])), want)).toBe('partition 1, expected 0');
    expect(checkRecordHeader(parseRecordHeader(mutate(23, [8])), want)).toBe('object number 8, expected 9');
    expect(checkRecordHeader(parseRecordHeader(mutate(11, [4])), want)).toBe('generation 4 outside 1..3');
    expect(checkRecordHeader(parseRecordHeader(mutate(15, [1])), want)).toBe(
      'payload length 1 for record type 2',
    );
    const block = encodeRecordHeader(RecordType.block, 0, 2, 9, Buffer.alloc(1));
    const huge = Buffer.from(block);
    huge.writeUInt32BE(16 * 1024 * 1024 + 1, 12);
    expect(checkRecordHeader(parseRecordHeader(huge), want)).toBe('payload length 16777217 too large');
    const empty = Buffer.from(block);
    empty.writeUInt32BE(0, 12);
    expect(checkRecordHeader(parseRecordHeader(empty), want)).toBe('payload length 0 for record type 1');
    expect(parseRecordHeader(ok.subarray(0, 31))).toBeUndefined();
  });
});

const headerArb: fc.Arbitrary<CartridgeHeader> = fc.record({
  slotSequence: fc.nat({ max: 0xffffffff }),
  cartridgeId: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => Buffer.from(a)),
  createdAt: fc.nat({ max: 4102444800000 }),
  capacityBytes: fc.nat(),
  earlyWarningBytes: fc.nat(),
  generation: fc.nat({ max: 0xffffffff }),
  writeProtected: fc.boolean(),
  loadCount: fc.nat(),
  densityCode: fc.nat(255),
  partitionCount: fc.constant(1),
  barcode: fc.stringMatching(/^[\x21-\x7e]{0,32}$/),
  mediumSerial: fc.stringMatching(/^[\x21-\x7e]{0,32}$/),
  mediumManufacturer: fc.stringMatching(/^[\x21-\x7e]{0,8}$/),
  volumeIdentifier: fc.stringMatching(/^[\x21-\x7e]{0,32}$/),
  hostAttributes: fc.uniqueArray(
    fc.record({
      attributeIdentifier: fc.integer({ min: 0x0800, max: 0x0bff }),
      format: fc.constantFrom('binary' as const, 'ascii' as const, 'text' as const),
      value: fc.uint8Array({ minLength: 1, maxLength: 300 }).map((a) => Buffer.from(a)),
    }),
    { maxLength: 10, selector: (a) => a.attributeIdentifier },
  ),
});

describe('header slot', () => {
  test('round trip', () => {
    fc.assert(
      fc.property(headerArb, (h) => {
        const b = encodeHeaderSlot(h);
        expect(b.length).toBe(SLOT_SIZE);
        expect(decodeHeaderSlot(b)).toEqual({ ok: true, value: h });
      }),
    );
  });

  test('any changed byte in the used part invalidates the slot', () => {
    fc.assert(
      fc.property(headerArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (h, at, x) => {
        const b = encodeHeaderSlot(h);
        const used = b.readUInt32BE(16);
        b[at % used] ^= x;
        expect(decodeHeaderSlot(b).ok).toBe(false);
      }),
    );
  });

  test('golden field offsets', () => {
    const h: CartridgeHeader = {
      slotSequence: 5,
      cartridgeId: Buffer.alloc(16, 0xab),
      createdAt: 0x0102,
      capacityBytes: 0x10000000,
      earlyWarningBytes: 0x100000,
      generation: 3,
      writeProtected: true,
      loadCount: 4,
      densityCode: 0x58,
      partitionCount: 1,
      barcode: 'BC',
      mediumSerial: 'S',
      mediumManufacturer: 'M',
      volumeIdentifier: 'V',
      hostAttributes: [{ attributeIdentifier: 0x0806, format: 'ascii', value: Buffer.from('BC') }],
    };
    const b = encodeHeaderSlot(h);
    expect(b.toString('latin1', 0, 8)).toBe('XTAPECRT');
    expect(b.subarray(8, 20).toString('hex')).toBe('0001' + '0000' + '00000005' + '00000109'); // sequence, used length 265
    expect(b.subarray(24, 40)).toEqual(Buffer.alloc(16, 0xab));
    expect(b.subarray(40, 88).toString('hex')).toBe(
      '0000000000000102' + // created
        '0000000010000000' + // capacity
        '0000000000100000' + // early warning zone
        '00000003' + // generation
        '00000001' + // flags: write protected
        '0000000000000004' + // load count
        '58' + // density code
        '01' + // partition count
        '000000000000', // reserved
    );
    expect(b.toString('latin1', 88, 120)).toBe('BC'.padEnd(32));
    expect(b.toString('latin1', 120, 152)).toBe('S'.padEnd(32));
    expect(b.toString('latin1', 152, 160)).toBe('M'.padEnd(8));
    expect(b.toString('latin1', 160, 192)).toBe('V'.padEnd(32));
    expect(b.subarray(192, 256)).toEqual(Buffer.alloc(64));
    // host attribute count 1; 0806h, format 01b (ASCII), length 2, "BC"
    expect(b.subarray(256, 265).toString('hex')).toBe('0001' + '0806' + '01' + '0002' + '4243');
    expect(b.readUInt32BE(20)).toBe(crc32cReference(Buffer.concat([b.subarray(0, 20), b.subarray(24, 265)])));
    expect(b.subarray(265)).toEqual(Buffer.alloc(SLOT_SIZE - 265));
  });

  test('decode failures', () => {
    const good = encodeHeaderSlot({
      slotSequence: 1,
      cartridgeId: Buffer.alloc(16),
      createdAt: 0,
      capacityBytes: 1,
      earlyWarningBytes: 0,
      generation: 1,
      writeProtected: false,
      loadCount: 0,
      densityCode: 0,
      partitionCount: 1,
      barcode: '',
      mediumSerial: '',
      mediumManufacturer: '',
      volumeIdentifier: '',
      hostAttributes: [],
    });
    expect(decodeHeaderSlot(good.subarray(0, 100))).toEqual({ ok: false, reason: 'slot is short' });
    const v2 = Buffer.from(good);
    v2.writeUInt16BE(2, 8);
    expect(decodeHeaderSlot(v2)).toEqual({ ok: false, reason: 'format version 2 is not supported' });
    const used = Buffer.from(good);
    used.writeUInt32BE(SLOT_SIZE + 1, 16);
    expect(decodeHeaderSlot(used)).toEqual({
      ok: false,
      reason: `used length ${SLOT_SIZE + 1} out of range`,
    });
    expect(() =>
      encodeHeaderSlot({
        ...(decodeHeaderSlot(good) as { value: CartridgeHeader }).value,
        barcode: '\u00e9',
      }),
    ).toThrow(RangeError);
  });

  test('slot sequences compare modulo 2^32', () => {
    expect(sequenceNewer(2, 1)).toBe(true);
    expect(sequenceNewer(1, 2)).toBe(false);
    expect(sequenceNewer(0, 0xffffffff)).toBe(true);
    expect(sequenceNewer(5, 5)).toBe(false);
  });
});

describe('index checkpoint', () => {
  const id = Buffer.alloc(16, 0x11);

  test('golden bytes and round trip', () => {
    const b = encodeIndex({
      generation: 2,
      cartridgeId: id,
      lengths: Uint32Array.from([3, 0]),
      dataEndOffset: RECORDS_START + 64 + 3,
    });
    expect(b.subarray(0, 64).toString('hex')).toBe(
      Buffer.from('XTAPEIDX').toString('hex') +
        '0001' + // version
        '0000' +
        '00000002' + // generation
        '11'.repeat(16) + // cartridge id
        '0000000000000002' + // object count
        '0000000000008043' + // data end: 32768 + 2 * 32 + 3
        '00'.repeat(16),
    );
    expect(b.subarray(64, 72).toString('hex')).toBe('00000003' + '00000000');
    expect(b.readUInt32BE(72)).toBe(crc32cReference(b.subarray(0, 72)));
    expect(b.length).toBe(76);
    const d = decodeIndex(b);
    expect(d.ok && { ...d.value, lengths: Array.from(d.value.lengths) }).toEqual({
      generation: 2,
      cartridgeId: id,
      lengths: [3, 0],
      dataEndOffset: 32835,
    });
  });

  test('rejections', () => {
    const good = encodeIndex({
      generation: 1,
      cartridgeId: id,
      lengths: Uint32Array.from([5]),
      dataEndOffset: RECORDS_START + 37,
    });
    expect(decodeIndex(good.subarray(0, 10))).toEqual({ ok: false, reason: 'index file is short' });
    expect(decodeIndex(good.subarray(0, good.length - 1))).toEqual({
      ok: false,
      reason: 'index length does not match its object count',
    });
    const flipped = Buffer.from(good);
    flipped[65] ^= 1;
    expect(decodeIndex(flipped)).toEqual({ ok: false, reason: 'index CRC mismatch' });
    const wrongEnd = encodeIndex({
      generation: 1,
      cartridgeId: id,
      lengths: Uint32Array.from([5]),
      dataEndOffset: 1,
    });
    expect(decodeIndex(wrongEnd)).toEqual({ ok: false, reason: 'index data end does not match its entries' });
    const magic = Buffer.from(good);
    magic[0] = 0;
    expect(decodeIndex(magic)).toEqual({ ok: false, reason: 'bad index magic' });
  });
});
