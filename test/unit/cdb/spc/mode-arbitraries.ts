// Arbitraries for mode pages, block descriptors and mode parameter lists (valid values only).
import * as fc from 'fast-check';
import type { ControlModePage } from '../../../../cdb/spc/mode-page-0a';
import type { DataCompressionModePage } from '../../../../cdb/spc/mode-page-0f';
import type { DeviceConfigurationModePage } from '../../../../cdb/spc/mode-page-10';
import type { DisconnectReconnectModePage } from '../../../../cdb/spc/mode-page-02';
import type { ElementAddressAssignmentModePage } from '../../../../cdb/spc/mode-page-1d';
import type { GenericModePage } from '../../../../cdb/spc/mode-page-format';
import type { ModePage } from '../../../../cdb/spc/mode-pages';
import type { BlockDescriptor } from '../../../../cdb/spc/mode-parameters';
import { bool, bytes, u, u16, u32, u64, u8 } from './spc-mode-helpers';

export const disconnectReconnectPage: fc.Arbitrary<DisconnectReconnectModePage> = fc.record({
  kind: fc.constant('disconnectReconnect' as const),
  ps: bool,
  bufferFullRatio: u8,
  bufferEmptyRatio: u8,
  busInactivityLimit: u16,
  disconnectTimeLimit: u16,
  connectTimeLimit: u16,
  maximumBurstSize: u16,
  emdp: bool,
  fairArbitration: u(3),
  dimm: bool,
  dtdc: u(3),
  firstBurstSize: u16,
});

export const controlPage: fc.Arbitrary<ControlModePage> = fc.record({
  kind: fc.constant('control' as const),
  ps: bool,
  tst: fc.integer({ min: 0, max: 1 }),
  tmfOnly: bool,
  dpicz: bool,
  dSense: bool,
  gltsd: bool,
  rlec: bool,
  queueAlgorithmModifier: u(4),
  nuar: bool,
  qerr: fc.constantFrom(0, 1, 3),
  vs: bool,
  rac: bool,
  uaIntlckCtrl: fc.constantFrom(0, 2, 3),
  swp: bool,
  ato: bool,
  tas: bool,
  atmpe: bool,
  rwwp: bool,
  sblp: bool,
  autoloadMode: u(3),
  busyTimeoutPeriod: u16,
  extendedSelfTestCompletionTime: u16,
});

export const dataCompressionPage: fc.Arbitrary<DataCompressionModePage> = fc.record({
  kind: fc.constant('dataCompression' as const),
  ps: bool,
  dce: bool,
  dcc: bool,
  dde: bool,
  red: fc.integer({ min: 0, max: 2 }),
  compressionAlgorithm: u32,
  decompressionAlgorithm: u32,
});

export const deviceConfigurationPage: fc.Arbitrary<DeviceConfigurationModePage> = fc.record({
  kind: fc.constant('deviceConfiguration' as const),
  ps: bool,
  cap: bool,
  caf: bool,
  activeFormat: u(5),
  activePartition: u8,
  writeObjectBufferFullRatio: u8,
  readObjectBufferEmptyRatio: u8,
  writeDelayTime: u16,
  obr: bool,
  lois: bool,
  rsmk: bool,
  avc: bool,
  socf: u(2),
  robo: bool,
  rew: bool,
  gapSize: u8,
  eodDefined: u(3),
  eeg: bool,
  sew: bool,
  swp: bool,
  baml: bool,
  bam: bool,
  objectBufferSizeAtEarlyWarning: u(24),
  selectDataCompressionAlgorithm: u8,
  wtre: u(2),
  oir: bool,
  ror: u(2),
  asocwp: bool,
  perswp: bool,
  prmwp: bool,
});

export const elementAddressAssignmentPage: fc.Arbitrary<ElementAddressAssignmentModePage> = fc.record({
  kind: fc.constant('elementAddressAssignment' as const),
  ps: bool,
  firstMediumTransportElementAddress: u16,
  numberOfMediumTransportElements: u16,
  firstStorageElementAddress: u16,
  numberOfStorageElements: u16,
  firstImportExportElementAddress: u16,
  numberOfImportExportElements: u16,
  firstDataTransferElementAddress: u16,
  numberOfDataTransferElements: u16,
});

const KNOWN_CODES = [0x02, 0x0a, 0x0f, 0x10, 0x1d];

/** Generic pages: page_0 pages avoid the codes that have a typed codec; sub_page pages any code. */
export const genericPage: fc.Arbitrary<GenericModePage> = fc.oneof(
  fc.record({
    kind: fc.constant('generic' as const),
    ps: bool,
    spf: fc.constant(false),
    pageCode: u(6).filter((c) => !KNOWN_CODES.includes(c)),
    subpageCode: fc.constant(0),
    data: bytes(0, 40),
  }),
  fc.record({
    kind: fc.constant('generic' as const),
    ps: bool,
    spf: fc.constant(true),
    pageCode: u(6),
    subpageCode: u8,
    data: bytes(0, 40),
  }),
);

/** Pages valid in a list for a device type (undefined: SPC pages only). */
export function pagesFor(deviceType?: number): fc.Arbitrary<ModePage> {
  const typed: fc.Arbitrary<ModePage>[] = [disconnectReconnectPage, controlPage];
  if (deviceType === 1) typed.push(dataCompressionPage, deviceConfigurationPage);
  if (deviceType === 8) typed.push(elementAddressAssignmentPage);
  return fc.oneof(genericPage, ...typed);
}

export const generalDescriptor: fc.Arbitrary<BlockDescriptor> = fc.record({
  kind: fc.constant('general' as const),
  densityCode: u8,
  numberOfBlocks: u(24),
  blockLength: u(24),
});

export const shortLbaDescriptor: fc.Arbitrary<BlockDescriptor> = fc.record({
  kind: fc.constant('shortLba' as const),
  numberOfLogicalBlocks: u32,
  logicalBlockLength: u(24),
});

export const longLbaDescriptor: fc.Arbitrary<BlockDescriptor> = fc.record({
  kind: fc.constant('longLba' as const),
  numberOfLogicalBlocks: u64,
  logicalBlockLength: u32,
});
