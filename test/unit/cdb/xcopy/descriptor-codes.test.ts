import {
  ALL_DESCRIPTOR_TYPE_CODES,
  CSCD_ID_COPY_MANAGER,
  CSCD_ID_LIST_MAX,
  CSCD_ID_NULL_BLOCK,
  CSCD_ID_NULL_STREAM,
  CSCD_ID_ROD_PRODUCER,
  cscdDescriptorOffset,
  cscdDescriptorSize,
  cscdIdKind,
  descriptorTypeName,
  isCscdDescriptorCode,
  isHeldDataSegmentType,
  isSegmentDescriptorCode,
} from '../../../../cdb/xcopy/index';

test('CSCD descriptor ID values (SPC-4 6.4.6.1)', () => {
  expect([
    CSCD_ID_LIST_MAX,
    CSCD_ID_NULL_BLOCK,
    CSCD_ID_NULL_STREAM,
    CSCD_ID_ROD_PRODUCER,
    CSCD_ID_COPY_MANAGER,
  ]).toEqual([0x07ff, 0xc000, 0xc001, 0xf800, 0xffff]);
  expect([0, 0x7ff, 0x800, 0xc000, 0xc001, 0xc002, 0xf800, 0xffff].map(cscdIdKind)).toEqual([
    'list',
    'list',
    'reserved',
    'null-block',
    'null-stream',
    'reserved',
    'rod-producer',
    'copy-manager',
  ]);
  expect(cscdDescriptorOffset(0)).toBe(16);
  expect(cscdDescriptorOffset(2)).toBe(80);
});

test('code ranges and sizes', () => {
  expect(isSegmentDescriptorCode(0x16)).toBe(true);
  expect(isSegmentDescriptorCode(0x17)).toBe(false);
  expect(isSegmentDescriptorCode(0xbe)).toBe(true);
  expect(isSegmentDescriptorCode(0xc0)).toBe(true);
  expect(isSegmentDescriptorCode(0xe4)).toBe(false);
  expect(isCscdDescriptorCode(0xe4)).toBe(true);
  expect(isCscdDescriptorCode(0xec)).toBe(false);
  expect(isCscdDescriptorCode(0xff)).toBe(false);
  expect(isCscdDescriptorCode(0xdf)).toBe(true);
  expect([0xe0, 0xe4, 0xea, 0xeb, 0xfe, 0xc0].map(cscdDescriptorSize)).toEqual([32, 32, 64, 64, 32, 32]);
  expect([0x0a, 0x0b, 0x0f, 0x10].map(isHeldDataSegmentType)).toEqual([false, true, true, false]);
  expect(ALL_DESCRIPTOR_TYPE_CODES).toHaveLength(23 + 2 + 32 + 13);
  expect(ALL_DESCRIPTOR_TYPE_CODES).toContain(0xe4);
  expect(ALL_DESCRIPTOR_TYPE_CODES).not.toContain(0xff);
});

test('names', () => {
  expect(descriptorTypeName(0x02)).toBe('block->block');
  expect(descriptorTypeName(0xe4)).toBe('Identification Descriptor');
  expect(descriptorTypeName(0xc1)).toBe('vendor specific');
  expect(descriptorTypeName(0xff)).toBe('CSCD descriptor extension');
  expect(descriptorTypeName(0x40)).toBe('reserved');
});
