// OPERATING PARAMETERS bytes, VPD 8Fh consistency, config validation, the 3PC bit, and the C0h digest
// segment codec.
import { decodeThirdPartyCopy } from '../../../cdb/spc/vpd-8f';
import { decodeOperatingParameters } from '../../../cdb/xcopy/operating-parameters';
import {
  decoderLimits,
  encodeMoverOperatingParameters,
  encodeThirdPartyCopyPage,
  IMPLEMENTED_DESCRIPTOR_TYPE_CODES,
  setThirdPartyCopyBit,
} from '../../../emulator/mover/capabilities';
import { DEFAULT_MOVER_CONFIG, moverConfig } from '../../../emulator/mover/config';
import { decodeDigestSegment, encodeDigestSegment } from '../../../emulator/mover/digest-segment';

describe('OPERATING PARAMETERS', () => {
  it('encodes the default limits (golden bytes of the fixed part)', () => {
    const b = encodeMoverOperatingParameters(DEFAULT_MOVER_CONFIG);
    expect(b.length).toBe(44 + 22);
    expect([...b.subarray(0, 44)]).toEqual([
      0,
      0,
      0,
      62, // AVAILABLE DATA
      0x01,
      0,
      0,
      0, // SNLID
      0,
      64,
      1,
      0, // MAXIMUM CSCD DESCRIPTOR COUNT 64, MAXIMUM SEGMENT DESCRIPTOR COUNT 256
      0,
      1,
      0,
      0, // MAXIMUM DESCRIPTOR LIST LENGTH 65536
      0xff,
      0xff,
      0xff,
      0xff, // MAXIMUM SEGMENT LENGTH
      0,
      0x10,
      0,
      0, // MAXIMUM INLINE DATA LENGTH 1 MiB
      0,
      0x10,
      0,
      0, // HELD DATA LIMIT 1 MiB
      0,
      0x80,
      0,
      0, // MAXIMUM STREAM DEVICE TRANSFER SIZE 8 MiB
      0,
      0,
      0,
      64, // reserved, TOTAL CONCURRENT COPIES 64
      64,
      0,
      0,
      0, // MAXIMUM CONCURRENT COPIES, granularities
      0,
      0,
      0,
      22, // reserved, IMPLEMENTED DESCRIPTOR LIST LENGTH
    ]);
    expect([...b.subarray(44)]).toEqual([...IMPLEMENTED_DESCRIPTOR_TYPE_CODES]);
  });

  it('VPD 8Fh carries the same numbers, and the decoder limits are the same limits', () => {
    const cfg = moverConfig({ limits: { maximumCscdDescriptorCount: 3, heldDataLimit: 4096 } });
    const op = decodeOperatingParameters(encodeMoverOperatingParameters(cfg));
    const page = decodeThirdPartyCopy(encodeThirdPartyCopyPage(cfg, 1));
    expect(page.peripheralDeviceType).toBe(1);
    expect(page.thirdPartyCopyDescriptors).toContainEqual({
      descriptorType: 0x8001,
      totalConcurrentCopies: op.totalConcurrentCopies,
      maximumIdentifiedConcurrentCopies: op.maximumConcurrentCopies,
      maximumSegmentLength: op.maximumSegmentLength,
      dataSegmentGranularity: 0,
      inlineDataGranularity: 0,
    });
    expect(page.thirdPartyCopyDescriptors).toContainEqual({
      descriptorType: 0x9101,
      maximumStreamDeviceTransferSize: op.maximumStreamDeviceTransferSize,
    });
    expect(page.thirdPartyCopyDescriptors).toContainEqual({
      descriptorType: 0xc001,
      heldDataLimit: 4096,
      heldDataGranularity: 0,
    });
    expect(decoderLimits(cfg)).toEqual({
      maximumCscdDescriptorCount: 3,
      maximumSegmentDescriptorCount: op.maximumSegmentDescriptorCount,
      maximumDescriptorListLength: op.maximumDescriptorListLength,
      maximumInlineDataLength: op.maximumInlineDataLength,
      implementedDescriptorTypeCodes: op.implementedDescriptorTypeCodes,
    });
  });

  it('sets 3PC in standard INQUIRY data', () => {
    const inq = Buffer.alloc(36);
    inq[5] = 0x01;
    expect(setThirdPartyCopyBit(inq)[5]).toBe(0x09);
    expect(setThirdPartyCopyBit(Buffer.alloc(3)).length).toBe(3);
  });
});

describe('moverConfig', () => {
  it('merges overrides and rejects values the fields cannot carry', () => {
    expect(moverConfig({ pipeline: { readAhead: 8 } }).pipeline).toEqual({
      ...DEFAULT_MOVER_CONFIG.pipeline,
      readAhead: 8,
    });
    expect(moverConfig(DEFAULT_MOVER_CONFIG)).toEqual(DEFAULT_MOVER_CONFIG);
    expect(() => moverConfig({ limits: { maximumConcurrentCopies: 256 } })).toThrow(RangeError);
    expect(() => moverConfig({ limits: { maximumCscdDescriptorCount: 0x801 } })).toThrow(RangeError);
    expect(() => moverConfig({ limits: { maximumInlineDataLength: -1 } })).toThrow(RangeError);
    expect(() => moverConfig({ pipeline: { maxBufferedBytes: 0 } })).toThrow(RangeError);
    expect(() => moverConfig({ backendRetries: -1 })).toThrow(RangeError);
    expect(() => moverConfig({ backendTimeoutMs: 1.5 })).toThrow(RangeError);
    expect(moverConfig({ limits: { maximumInlineDataLength: 0 } }).limits.maximumInlineDataLength).toBe(0);
  });
});

describe('C0h digest segment codec', () => {
  it('encodes the documented layout and decodes it back', () => {
    const b = encodeDigestSegment({
      sourceCscdDescriptorId: 0x0102,
      digestAlgorithm: 1,
      logicalBlockAddress: 0x1122n,
      numberOfLogicalBlocks: 0x3344n,
    });
    expect(b.toString('hex')).toBe(
      'c000' + '001c' + '0102' + '0000' + '01000000' + '0000000000001122' + '0000000000003344' + '00000000',
    );
    expect(decodeDigestSegment(b, 100)).toEqual({
      kind: 'digest',
      descriptorTypeCode: 0xc0,
      sourceCscdDescriptorId: 0x0102,
      digestAlgorithm: 1,
      logicalBlockAddress: 0x1122n,
      numberOfLogicalBlocks: 0x3344n,
    });
  });

  it('rejects a wrong length, algorithm or type code with the field pointer', () => {
    const b = encodeDigestSegment({
      sourceCscdDescriptorId: 0,
      digestAlgorithm: 1,
      logicalBlockAddress: 0n,
      numberOfLogicalBlocks: 1n,
    });
    expect(() => decodeDigestSegment(b.subarray(0, 28), 40)).toThrow(
      expect.objectContaining({
        asc: 0x26,
        ascq: 0,
        fieldPointer: { commandData: false, field: 42 },
      }) as Error,
    );
    const bad = Buffer.from(b);
    bad[8] = 2;
    expect(() => decodeDigestSegment(bad, 40)).toThrow(
      expect.objectContaining({ fieldPointer: { commandData: false, field: 48 } }) as Error,
    );
    const other = Buffer.from(b);
    other[0] = 0xc1;
    expect(() => decodeDigestSegment(other, 40)).toThrow(
      expect.objectContaining({ asc: 0x26, ascq: 0x09 }) as Error,
    );
  });
});
