import * as fc from 'fast-check';
import {
  type BlockDescriptor,
  decodeBlockDescriptor,
  decodeDiskDeviceSpecificParameter,
  decodeModeParameterHeader10,
  decodeModeParameterHeader6,
  decodeModeParameterList,
  decodeTapeDeviceSpecificParameter,
  encodeBlockDescriptor,
  encodeDiskDeviceSpecificParameter,
  encodeModeParameterHeader10,
  encodeModeParameterHeader6,
  encodeModeParameterList,
  encodeTapeDeviceSpecificParameter,
  MODE_PARAMETER_DECODERS,
  type ModeHeaderFormat,
  type ModeParameterList,
  type ModeParameterUse,
} from '../../../../cdb/spc/mode-parameters';
import { generalDescriptor, longLbaDescriptor, pagesFor, shortLbaDescriptor } from './mode-arbitraries';
import { bool, expectSense, hex, mutated, onlySense, u, u16, u8 } from './spc-mode-helpers';

function listArb(format: ModeHeaderFormat, deviceType?: number): fc.Arbitrary<ModeParameterList> {
  const longLba = format === 10 ? bool : fc.constant(false);
  return longLba.chain((ll) =>
    fc.record({
      mediumType: u8,
      deviceSpecificParameter: u8,
      longLba: fc.constant(ll),
      blockDescriptors: fc.array(
        ll ? longLbaDescriptor : deviceType === 0 ? shortLbaDescriptor : generalDescriptor,
        { maxLength: 3 },
      ),
      pages: fc.array(pagesFor(deviceType), { maxLength: 4 }),
    }),
  );
}

describe('mode parameter list', () => {
  const cases: [ModeHeaderFormat, ModeParameterUse, number | undefined][] = [
    [6, 'sense', undefined],
    [6, 'select', 1],
    [10, 'sense', 0],
    [10, 'select', 8],
    [6, 'sense', 1],
    [10, 'sense', 8],
  ];
  it.each(cases)('round-trips (header %s, %s, device type %s)', (format, use, deviceType) => {
    fc.assert(
      fc.property(listArb(format, deviceType), (v) => {
        const opts = { format, use, deviceType };
        expect(decodeModeParameterList(encodeModeParameterList(v, opts), opts)).toEqual(v);
      }),
      { numRuns: 60 },
    );
  });

  it('golden MODE SENSE(6) data of an LTO tape drive: block descriptor + Device Configuration page', () => {
    const data = hex(`
      1b            # MODE DATA LENGTH 27: the 27 bytes after this one
      00            # MEDIUM TYPE
      10            # DEVICE-SPECIFIC PARAMETER: WP=0, BUFFERED MODE=001b, SPEED=0
      08            # BLOCK DESCRIPTOR LENGTH 8
      5a 00 00 00   # DENSITY CODE 5Ah, NUMBER OF BLOCKS 0
      00 00 00 00   # reserved, BLOCK LENGTH 0 (variable)
      90 0e 00 00 00 00 01 2c 40 00 10 00 00 00 01 90   # page 10h (see mode-page-10 test)
    `);
    const v = decodeModeParameterList(data, { format: 6, use: 'sense', deviceType: 1 });
    expect(v.mediumType).toBe(0);
    expect(decodeTapeDeviceSpecificParameter(v.deviceSpecificParameter)).toEqual({
      wp: false,
      bufferedMode: 1,
      speed: 0,
    });
    expect(v.longLba).toBe(false);
    expect(v.blockDescriptors).toEqual([
      { kind: 'general', densityCode: 0x5a, numberOfBlocks: 0, blockLength: 0 },
    ]);
    expect(v.pages).toHaveLength(1);
    expect(v.pages[0]).toMatchObject({
      kind: 'deviceConfiguration',
      ps: true,
      writeDelayTime: 300,
      lois: true,
      eeg: true,
    });
    expect(encodeModeParameterList(v, { format: 6, use: 'sense', deviceType: 1 })).toEqual(data);
    // Without the device type the page is not known: it stays generic, bytes unchanged.
    const generic = decodeModeParameterList(data, { format: 6, use: 'sense' });
    expect(generic.pages[0]).toMatchObject({ kind: 'generic', pageCode: 0x10, ps: true });
    expect(encodeModeParameterList(generic, { format: 6, use: 'sense' })).toEqual(data);
  });

  it('golden MODE SELECT(6) list setting 1024-byte fixed blocks (MODE DATA LENGTH reserved = 0)', () => {
    const list = hex(`
      00 00 10 08         # MODE DATA LENGTH (reserved) 0, MEDIUM TYPE 0, BUFFERED MODE 1, BDL 8
      00 00 00 00         # DENSITY CODE 0 (default), NUMBER OF BLOCKS 0
      00 00 04 00         # BLOCK LENGTH 1024
    `);
    const v: ModeParameterList = {
      mediumType: 0,
      deviceSpecificParameter: encodeTapeDeviceSpecificParameter({ wp: false, bufferedMode: 1, speed: 0 }),
      longLba: false,
      blockDescriptors: [{ kind: 'general', densityCode: 0, numberOfBlocks: 0, blockLength: 1024 }],
      pages: [],
    };
    expect(encodeModeParameterList(v, { format: 6, use: 'select' })).toEqual(list);
    expect(decodeModeParameterList(list, { format: 6, use: 'select', deviceType: 1 })).toEqual(v);
    // A non-zero reserved MODE DATA LENGTH in MODE SELECT data is ignored.
    const dirty = Buffer.from(list);
    dirty[0] = 0x0b;
    expect(decodeModeParameterList(dirty, { format: 6, use: 'select', deviceType: 1 })).toEqual(v);
  });

  it('golden MODE SENSE(10) data of a disk with LONGLBA: one long LBA descriptor', () => {
    const data = hex(`
      00 16                     # MODE DATA LENGTH 22
      00 90                     # MEDIUM TYPE 0, DEVICE-SPECIFIC: WP=1 DPOFUA=1
      01 00                     # LONGLBA=1, reserved
      00 10                     # BLOCK DESCRIPTOR LENGTH 16
      00 00 00 01 00 00 00 00   # NUMBER OF LOGICAL BLOCKS 2^32
      00 00 00 00               # reserved
      00 00 10 00               # LOGICAL BLOCK LENGTH 4096
    `);
    const v = decodeModeParameterList(data, { format: 10, use: 'sense', deviceType: 0 });
    expect(v).toEqual({
      mediumType: 0,
      deviceSpecificParameter: 0x90,
      longLba: true,
      blockDescriptors: [{ kind: 'longLba', numberOfLogicalBlocks: 1n << 32n, logicalBlockLength: 4096 }],
      pages: [],
    });
    expect(decodeDiskDeviceSpecificParameter(v.deviceSpecificParameter)).toEqual({ wp: true, dpofua: true });
    expect(encodeModeParameterList(v, { format: 10, use: 'sense' })).toEqual(data);
  });

  it('disk short LBA descriptors carry a 32-bit block count', () => {
    const data = hex('0b 00 00 08 ff ff ff fe 00 00 02 00');
    expect(
      decodeModeParameterList(data, { format: 6, use: 'sense', deviceType: 0 }).blockDescriptors,
    ).toEqual([{ kind: 'shortLba', numberOfLogicalBlocks: 0xfffffffe, logicalBlockLength: 512 }]);
    expect(
      decodeModeParameterList(data, { format: 6, use: 'sense', deviceType: 1 }).blockDescriptors,
    ).toEqual([{ kind: 'general', densityCode: 0xff, numberOfBlocks: 0xfffffe, blockLength: 512 }]);
  });

  it('MODE DATA LENGTH bounds the MODE SENSE data; trailing bytes are ignored', () => {
    const data = hex('03 00 00 00 ee ee');
    expect(decodeModeParameterList(data, { format: 6, use: 'sense' })).toEqual({
      mediumType: 0,
      deviceSpecificParameter: 0,
      longLba: false,
      blockDescriptors: [],
      pages: [],
    });
  });

  describe('errors', () => {
    it('BLOCK DESCRIPTOR LENGTH not a multiple of the descriptor size: 05/26/00 at its byte', () => {
      expectSense(
        () => decodeModeParameterList(hex('00 00 00 04 00 00 00 00'), { format: 6, use: 'select' }),
        5,
        0x26,
        0,
        {
          commandData: false,
          field: 3,
        },
      );
      const ten = hex('00 00 00 00 01 00 00 08 0000000000000000');
      expectSense(() => decodeModeParameterList(ten, { format: 10, use: 'select' }), 5, 0x26, 0, {
        commandData: false,
        field: 6,
      });
    });

    it('truncated header, block descriptor or page: PARAMETER LIST LENGTH ERROR', () => {
      expectSense(() => decodeModeParameterList(hex('00 00 00'), { format: 6, use: 'select' }), 5, 0x1a, 0);
      expectSense(
        () => decodeModeParameterList(hex('00 00 00 08 00 00 00'), { format: 6, use: 'select' }),
        5,
        0x1a,
        0,
      );
      expectSense(
        () => decodeModeParameterList(hex('00 00 00 00 0a 0a 00'), { format: 6, use: 'select' }),
        5,
        0x1a,
        0,
      );
      expectSense(
        () => decodeModeParameterList(hex('00 00 00 00 0a'), { format: 6, use: 'select' }),
        5,
        0x1a,
        0,
      );
    });

    it('MODE DATA LENGTH past the data, or shorter than the header', () => {
      expectSense(
        () => decodeModeParameterList(hex('1b 00 10 08 00'), { format: 6, use: 'sense' }),
        5,
        0x1a,
        0,
      );
      expectSense(
        () => decodeModeParameterList(hex('00 02 00 00 00 00 00 00'), { format: 10, use: 'sense' }),
        5,
        0x26,
        0,
        {
          commandData: false,
          field: 0,
        },
      );
    });

    it('a known page with the wrong length inside MODE SELECT data points at its PAGE LENGTH byte', () => {
      const list = hex('00 00 00 00  02 0e 0000 0000 0000 0000 0000 0000 0000  0a 06 00 00 00 00 00 00');
      expectSense(() => decodeModeParameterList(list, { format: 6, use: 'select' }), 5, 0x26, 0, {
        commandData: false,
        field: 21,
      });
      expect(
        decodeModeParameterList(list, { format: 6, use: 'select', typedPages: false }).pages,
      ).toHaveLength(2);
    });

    it('encoder refuses inconsistent lists', () => {
      const base: ModeParameterList = {
        mediumType: 0,
        deviceSpecificParameter: 0,
        longLba: true,
        blockDescriptors: [],
        pages: [],
      };
      expect(() => encodeModeParameterList(base, { format: 6, use: 'sense' })).toThrow(RangeError);
      const short: BlockDescriptor = { kind: 'shortLba', numberOfLogicalBlocks: 1, logicalBlockLength: 512 };
      expect(() =>
        encodeModeParameterList({ ...base, blockDescriptors: [short] }, { format: 10, use: 'sense' }),
      ).toThrow(RangeError);
      const big = {
        kind: 'generic' as const,
        ps: false,
        spf: true,
        pageCode: 0x30,
        subpageCode: 1,
        data: Buffer.alloc(300),
      };
      expect(() =>
        encodeModeParameterList({ ...base, longLba: false, pages: [big] }, { format: 6, use: 'sense' }),
      ).toThrow(RangeError);
      expect(() =>
        encodeModeParameterList({ ...base, longLba: false, pages: [big] }, { format: 6, use: 'select' }),
      ).toThrow(RangeError);
      expect(
        encodeModeParameterList({ ...base, longLba: false, pages: [big] }, { format: 10, use: 'sense' })
          .length,
      ).toBe(312);
    });
  });
});

describe('mode parameter headers', () => {
  it('round-trip', () => {
    fc.assert(
      fc.property(
        fc.record({
          modeDataLength: u8,
          mediumType: u8,
          deviceSpecificParameter: u8,
          blockDescriptorLength: u8,
        }),
        (h) => expect(decodeModeParameterHeader6(encodeModeParameterHeader6(h))).toEqual(h),
      ),
    );
    fc.assert(
      fc.property(
        fc.record({
          modeDataLength: u16,
          mediumType: u8,
          deviceSpecificParameter: u8,
          longLba: bool,
          blockDescriptorLength: u16,
        }),
        (h) => expect(decodeModeParameterHeader10(encodeModeParameterHeader10(h))).toEqual(h),
      ),
    );
  });

  it('golden 10-byte header', () => {
    expect(decodeModeParameterHeader10(hex('00 de 00 10 00 00 00 08'))).toEqual({
      modeDataLength: 222,
      mediumType: 0,
      deviceSpecificParameter: 0x10,
      longLba: false,
      blockDescriptorLength: 8,
    });
    expectSense(() => decodeModeParameterHeader6(hex('00 00 00')), 5, 0x1a, 0);
    expectSense(() => decodeModeParameterHeader10(hex('00 00 00 00 00 00 00')), 5, 0x1a, 0);
  });
});

describe('block descriptors and DEVICE-SPECIFIC PARAMETER helpers', () => {
  it('round-trip', () => {
    for (const arb of [generalDescriptor, shortLbaDescriptor, longLbaDescriptor]) {
      fc.assert(
        fc.property(arb, (d) => expect(decodeBlockDescriptor(encodeBlockDescriptor(d), d.kind)).toEqual(d)),
      );
    }
    fc.assert(
      fc.property(fc.record({ wp: bool, bufferedMode: u(3), speed: u(4) }), (p) =>
        expect(decodeTapeDeviceSpecificParameter(encodeTapeDeviceSpecificParameter(p))).toEqual(p),
      ),
    );
    fc.assert(
      fc.property(fc.record({ wp: bool, dpofua: bool }), (p) =>
        expect(decodeDiskDeviceSpecificParameter(encodeDiskDeviceSpecificParameter(p))).toEqual(p),
      ),
    );
  });

  it('golden general descriptor and range checks', () => {
    expect(
      encodeBlockDescriptor({ kind: 'general', densityCode: 0x58, numberOfBlocks: 1, blockLength: 0x40000 }),
    ).toEqual(hex('58 000001 00 040000'));
    expect(decodeTapeDeviceSpecificParameter(0x80)).toEqual({ wp: true, bufferedMode: 0, speed: 0 });
    expect(() => decodeTapeDeviceSpecificParameter(256)).toThrow(RangeError);
    expect(() => encodeTapeDeviceSpecificParameter({ wp: false, bufferedMode: 8, speed: 0 })).toThrow(
      RangeError,
    );
    expect(() =>
      encodeBlockDescriptor({ kind: 'general', densityCode: 0, numberOfBlocks: 1 << 24, blockLength: 0 }),
    ).toThrow(RangeError);
    expectSense(() => decodeBlockDescriptor(hex('00 00'), 'longLba'), 5, 0x1a, 0);
  });

  it('registers its decoders', () => {
    expect(Object.keys(MODE_PARAMETER_DECODERS)).toContain('spc.modeParameterList6.sense.tape');
    expect(MODE_PARAMETER_DECODERS['spc.modeBlockDescriptor.shortLba'](hex('00000010 00 000200'))).toEqual({
      kind: 'shortLba',
      numberOfLogicalBlocks: 16,
      logicalBlockLength: 512,
    });
  });
});

describe('mode parameter list: mutated encodings', () => {
  it.each([0, 1, 8])('decoders throw only SenseError (device type %s)', (deviceType) => {
    for (const format of [6, 10] as const) {
      const valid = listArb(format, deviceType).map((v) =>
        encodeModeParameterList(v, { format, use: 'sense' }),
      );
      fc.assert(
        fc.property(mutated(valid), (b) => {
          onlySense(() => decodeModeParameterList(b, { format, use: 'sense', deviceType }));
          onlySense(() => decodeModeParameterList(b, { format, use: 'select', deviceType }));
        }),
        { numRuns: 150 },
      );
    }
  });
});
