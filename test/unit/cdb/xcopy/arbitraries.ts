// fast-check arbitraries generating only valid XCOPY structures (decode(encode(v)) must equal v).
import fc from 'fast-check';
import type {
  ControlSegment,
  CopySegment,
  DeviceTypeParameters,
  ExtendedCopyParameterList,
  IdentificationDescriptor,
  OpaqueSegment,
  SegmentDescriptor,
  TargetDescriptor,
  UnsupportedCscdDescriptor,
} from '../../../../cdb/xcopy/index';

export const u8 = fc.integer({ min: 0, max: 0xff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u24 = fc.integer({ min: 0, max: 0xffffff });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
export const bytes = (min: number, max: number): fc.Arbitrary<Buffer> =>
  fc.uint8Array({ minLength: min, maxLength: max }).map((a) => Buffer.from(a));

const cscdId = u16;

export const deviceTypeParametersFor = (pdt: number): fc.Arbitrary<DeviceTypeParameters> => {
  if ([0, 4, 5, 7, 0x0e].includes(pdt)) {
    return fc.record({ kind: fc.constant('block' as const), pad: fc.boolean(), diskBlockLength: u24 });
  }
  if (pdt === 1) {
    return fc.oneof(
      fc.record({
        kind: fc.constant('stream' as const),
        pad: fc.boolean(),
        fixed: fc.constant(false),
        streamBlockLength: fc.constant(0),
      }),
      fc.record({
        kind: fc.constant('stream' as const),
        pad: fc.boolean(),
        fixed: fc.constant(true),
        streamBlockLength: fc.integer({ min: 1, max: 0xffffff }),
      }),
    );
  }
  if (pdt === 3) return fc.record({ kind: fc.constant('processor' as const), pad: fc.boolean() });
  return fc.record({ kind: fc.constant('raw' as const), bytes: bytes(4, 4) });
};

export const identificationDescriptor: fc.Arbitrary<IdentificationDescriptor> = fc
  .integer({ min: 0, max: 0x1f })
  .chain((pdt) =>
    fc.record({
      kind: fc.constant('identification' as const),
      luIdType: fc.integer({ min: 0, max: 3 }),
      nul: fc.boolean(),
      peripheralDeviceType: fc.constant(pdt),
      relativeInitiatorPortIdentifier: u16,
      codeSet: fc.integer({ min: 0, max: 15 }),
      association: fc.integer({ min: 0, max: 3 }),
      designatorType: fc.integer({ min: 0, max: 15 }),
      designator: bytes(0, 20),
      deviceTypeParameters: deviceTypeParametersFor(pdt),
    }),
  );

const otherCscdCodes = [
  0xe0, 0xe1, 0xe2, 0xe3, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xeb, 0xfe, 0xc0, 0xc7, 0xdf,
];

export const unsupportedCscdDescriptor: fc.Arbitrary<UnsupportedCscdDescriptor> = fc
  .constantFrom(...otherCscdCodes)
  .chain((code) =>
    bytes(code === 0xea || code === 0xeb ? 63 : 31, code === 0xea || code === 0xeb ? 63 : 31).map((rest) => ({
      kind: 'unsupported' as const,
      descriptorCode: code,
      bytes: Buffer.concat([Buffer.from([code]), rest]),
    })),
  );

export const targetDescriptor: fc.Arbitrary<TargetDescriptor> = fc.oneof(
  identificationDescriptor,
  unsupportedCscdDescriptor,
);

const blockStreamFields = {
  cat: fc.boolean(),
  sourceCscdDescriptorId: cscdId,
  destinationCscdDescriptorId: cscdId,
  streamDeviceTransferLength: u24,
  blockDeviceNumberOfBlocks: u16,
  blockDeviceLogicalBlockAddress: u64,
};

const offsetStreamFields = {
  cat: fc.boolean(),
  sourceCscdDescriptorId: cscdId,
  destinationCscdDescriptorId: cscdId,
  streamDeviceTransferLength: u24,
  numberOfBytes: u32,
  blockDeviceLogicalBlockAddress: u64,
  blockDeviceByteOffset: u16,
};

export const copySegment: fc.Arbitrary<CopySegment> = fc.oneof(
  fc.record({
    kind: fc.constant('blockToStream' as const),
    descriptorTypeCode: fc.constantFrom(0x00 as const, 0x0b as const),
    ...blockStreamFields,
  }),
  fc.record({
    kind: fc.constant('streamToBlock' as const),
    descriptorTypeCode: fc.constantFrom(0x01 as const, 0x0c as const),
    ...blockStreamFields,
  }),
  fc.record({
    kind: fc.constant('blockToBlock' as const),
    descriptorTypeCode: fc.constantFrom(0x02 as const, 0x0d as const),
    dc: fc.boolean(),
    cat: fc.boolean(),
    sourceCscdDescriptorId: cscdId,
    destinationCscdDescriptorId: cscdId,
    blockDeviceNumberOfBlocks: u16,
    sourceBlockDeviceLogicalBlockAddress: u64,
    destinationBlockDeviceLogicalBlockAddress: u64,
  }),
  fc.record({
    kind: fc.constant('streamToStream' as const),
    descriptorTypeCode: fc.constantFrom(0x03 as const, 0x0e as const),
    cat: fc.boolean(),
    sourceCscdDescriptorId: cscdId,
    destinationCscdDescriptorId: cscdId,
    sourceStreamDeviceTransferLength: u24,
    destinationStreamDeviceTransferLength: u24,
    byteCount: u32,
  }),
  fc.record({
    kind: fc.constant('inlineToStream' as const),
    descriptorTypeCode: fc.constant(0x04 as const),
    cat: fc.boolean(),
    destinationCscdDescriptorId: cscdId,
    streamDeviceTransferLength: u24,
    inlineDataOffset: fc.integer({ min: 0, max: 0x3fffffff }).map((n) => n * 4),
    inlineDataNumberOfBytes: u32,
  }),
  fc.record({
    kind: fc.constant('embeddedToStream' as const),
    descriptorTypeCode: fc.constant(0x05 as const),
    cat: fc.boolean(),
    destinationCscdDescriptorId: cscdId,
    streamDeviceTransferLength: u24,
    embeddedData: bytes(0, 64),
  }),
  fc.record({
    kind: fc.constant('streamToDiscard' as const),
    descriptorTypeCode: fc.constantFrom(0x06 as const, 0x0f as const),
    cat: fc.boolean(),
    sourceCscdDescriptorId: cscdId,
    streamDeviceTransferLength: u24,
    numberOfBytes: u32,
  }),
  fc.record({
    kind: fc.constant('blockOffsetToStream' as const),
    descriptorTypeCode: fc.constant(0x08 as const),
    ...offsetStreamFields,
  }),
  fc.record({
    kind: fc.constant('streamToBlockOffset' as const),
    descriptorTypeCode: fc.constant(0x09 as const),
    ...offsetStreamFields,
  }),
  fc.record({
    kind: fc.constant('blockOffsetToBlockOffset' as const),
    descriptorTypeCode: fc.constant(0x0a as const),
    cat: fc.boolean(),
    sourceCscdDescriptorId: cscdId,
    destinationCscdDescriptorId: cscdId,
    numberOfBytes: u32,
    sourceBlockDeviceLogicalBlockAddress: u64,
    destinationBlockDeviceLogicalBlockAddress: u64,
    sourceBlockDeviceByteOffset: u16,
    destinationBlockDeviceByteOffset: u16,
  }),
);

export const controlSegment: fc.Arbitrary<ControlSegment> = fc.oneof(
  fc.record({
    kind: fc.constant('verifyCscd' as const),
    descriptorTypeCode: fc.constant(0x07 as const),
    sourceCscdDescriptorId: cscdId,
    tur: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('writeFilemarks' as const),
    descriptorTypeCode: fc.constant(0x10 as const),
    destinationCscdDescriptorId: cscdId,
    wImmed: fc.boolean(),
    filemarkCount: u24,
  }),
  fc.record({
    kind: fc.constant('space' as const),
    descriptorTypeCode: fc.constant(0x11 as const),
    destinationCscdDescriptorId: cscdId,
    code: fc.integer({ min: 0, max: 15 }),
    count: fc.integer({ min: -(2 ** 23), max: 2 ** 23 - 1 }),
  }),
  fc.record({
    kind: fc.constant('locate' as const),
    descriptorTypeCode: fc.constant(0x12 as const),
    destinationCscdDescriptorId: cscdId,
    logicalObjectIdentifier: u32,
  }),
  fc.record({
    kind: fc.constant('tapeImageCopy' as const),
    descriptorTypeCode: fc.constant(0x13 as const),
    sourceCscdDescriptorId: cscdId,
    destinationCscdDescriptorId: cscdId,
    count: u32,
  }),
  fc.record({
    kind: fc.constant('registerKey' as const),
    descriptorTypeCode: fc.constant(0x14 as const),
    destinationCscdDescriptorId: cscdId,
    reservationKey: u64,
    serviceActionReservationKey: u64,
  }),
  fc.record({
    kind: fc.constant('blockImageCopy' as const),
    descriptorTypeCode: fc.constant(0x16 as const),
    sourceCscdDescriptorId: cscdId,
    destinationCscdDescriptorId: cscdId,
    startingSourceLogicalBlockAddress: u64,
    startingDestinationLogicalBlockAddress: u64,
    numberOfLogicalBlocks: u32,
  }),
);

export const opaqueSegment: fc.Arbitrary<OpaqueSegment> = fc
  .tuple(fc.constantFrom(0x15, 0xbe, 0xbf, 0xc0, 0xd3, 0xdf), u8, u16, bytes(0, 40))
  .map(([code, flags, ids, rest]) => {
    const b = Buffer.alloc(6 + rest.length);
    b[0] = code;
    b[1] = flags;
    b.writeUInt16BE(b.length - 4, 2);
    b.writeUInt16BE(ids, 4);
    rest.copy(b, 6);
    return { kind: 'opaque' as const, descriptorTypeCode: code, bytes: b };
  });

export const segmentDescriptor: fc.Arbitrary<SegmentDescriptor> = fc.oneof(
  copySegment,
  controlSegment,
  opaqueSegment,
);

/** A valid list: LIST ID USAGE 00b/10b, or 11b with LIST IDENTIFIER 0 and no data-holding segment. */
export const parameterList: fc.Arbitrary<ExtendedCopyParameterList> = fc
  .record({
    listIdentifier: u8,
    str: fc.boolean(),
    listIdUsage: fc.constantFrom(0, 2, 3),
    priority: fc.integer({ min: 0, max: 7 }),
    targetDescriptors: fc.array(targetDescriptor, { maxLength: 4 }),
    segmentDescriptors: fc.array(segmentDescriptor, { maxLength: 5 }),
    inlineData: bytes(0, 24),
  })
  .map((l) =>
    l.listIdUsage === 3
      ? {
          ...l,
          listIdentifier: 0,
          segmentDescriptors: l.segmentDescriptors.filter(
            (s) => !(s.descriptorTypeCode >= 0x0b && s.descriptorTypeCode <= 0x0f),
          ),
        }
      : l,
  );
