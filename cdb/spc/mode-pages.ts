// Mode page dispatch: pages with a codec here decode to typed objects, any other page stays a
// GenericModePage. Which codes are known depends on the peripheral device type, since the same
// page code means different pages in different command sets (1Dh: SSC Medium Configuration vs
// SMC Element Address Assignment; 10h: SSC Device Configuration vs obsolete SBC XOR Control).
import type { DecoderTable } from '../command';
import { ByteReader } from '../bytes';
import {
  DISCONNECT_RECONNECT_PAGE_CODE,
  DISCONNECT_RECONNECT_PAGE_LENGTH,
  type DisconnectReconnectModePage,
  decodeDisconnectReconnectModePage,
  encodeDisconnectReconnectModePage,
  readDisconnectReconnectModePage,
} from './mode-page-02';
import {
  CONTROL_PAGE_CODE,
  CONTROL_PAGE_LENGTH,
  type ControlModePage,
  decodeControlModePage,
  encodeControlModePage,
  readControlModePage,
} from './mode-page-0a';
import {
  DATA_COMPRESSION_PAGE_CODE,
  DATA_COMPRESSION_PAGE_LENGTH,
  type DataCompressionModePage,
  decodeDataCompressionModePage,
  encodeDataCompressionModePage,
  readDataCompressionModePage,
} from './mode-page-0f';
import {
  DEVICE_CONFIGURATION_PAGE_CODE,
  DEVICE_CONFIGURATION_PAGE_LENGTH,
  type DeviceConfigurationModePage,
  decodeDeviceConfigurationModePage,
  encodeDeviceConfigurationModePage,
  readDeviceConfigurationModePage,
} from './mode-page-10';
import {
  ELEMENT_ADDRESS_ASSIGNMENT_PAGE_CODE,
  ELEMENT_ADDRESS_ASSIGNMENT_PAGE_LENGTH,
  type ElementAddressAssignmentModePage,
  decodeElementAddressAssignmentModePage,
  encodeElementAddressAssignmentModePage,
  readElementAddressAssignmentModePage,
} from './mode-page-1d';
import {
  decodeGenericModePage,
  encodeGenericModePage,
  type GenericModePage,
  peekModePageHeader,
  readGenericModePage,
} from './mode-page-format';

export type ModePage =
  | GenericModePage
  | DisconnectReconnectModePage
  | ControlModePage
  | DataCompressionModePage
  | DeviceConfigurationModePage
  | ElementAddressAssignmentModePage;

export const DEVICE_TYPE_DISK = 0x00;
export const DEVICE_TYPE_TAPE = 0x01;
export const DEVICE_TYPE_CHANGER = 0x08;

interface KnownPage {
  pageCode: number;
  pageLength: number;
  /** Device types the page applies to; undefined = every device type. */
  deviceTypes?: number[];
  read(r: ByteReader, off: number): ModePage;
}

const KNOWN_PAGES: KnownPage[] = [
  {
    pageCode: DISCONNECT_RECONNECT_PAGE_CODE,
    pageLength: DISCONNECT_RECONNECT_PAGE_LENGTH,
    read: readDisconnectReconnectModePage,
  },
  { pageCode: CONTROL_PAGE_CODE, pageLength: CONTROL_PAGE_LENGTH, read: readControlModePage },
  {
    pageCode: DATA_COMPRESSION_PAGE_CODE,
    pageLength: DATA_COMPRESSION_PAGE_LENGTH,
    deviceTypes: [DEVICE_TYPE_TAPE],
    read: readDataCompressionModePage,
  },
  {
    pageCode: DEVICE_CONFIGURATION_PAGE_CODE,
    pageLength: DEVICE_CONFIGURATION_PAGE_LENGTH,
    deviceTypes: [DEVICE_TYPE_TAPE],
    read: readDeviceConfigurationModePage,
  },
  {
    pageCode: ELEMENT_ADDRESS_ASSIGNMENT_PAGE_CODE,
    pageLength: ELEMENT_ADDRESS_ASSIGNMENT_PAGE_LENGTH,
    deviceTypes: [DEVICE_TYPE_CHANGER],
    read: readElementAddressAssignmentModePage,
  },
];

/** Page codes (page_0 format, subpage 00h) that decode to a typed page for `deviceType`. */
export function knownModePageCodes(deviceType?: number): number[] {
  return KNOWN_PAGES.filter(
    (k) => k.deviceTypes === undefined || (deviceType !== undefined && k.deviceTypes.includes(deviceType)),
  ).map((k) => k.pageCode);
}

export interface ReadModePageOptions {
  /**
   * Peripheral device type selecting the command-set pages (1 tape: 0Fh, 10h; 8 changer: 1Dh).
   * Undefined: only the SPC pages (02h, 0Ah) are typed.
   */
  deviceType?: number;
  /**
   * true for MODE SENSE data: a known page whose PAGE LENGTH is not the standard one (older or
   * vendor variants) is kept generic. false for MODE SELECT data: such a page is 05/26/00.
   */
  lenientLength?: boolean;
  /** false keeps every page generic. */
  typed?: boolean;
}

/** Read the page at `off`: a typed page when known, else generic. */
export function readModePage(r: ByteReader, off: number, opts: ReadModePageOptions = {}): ModePage {
  const h = peekModePageHeader(r, off);
  if (opts.typed === false || h.spf) return readGenericModePage(r, off);
  const codes = knownModePageCodes(opts.deviceType);
  const known = KNOWN_PAGES.find((k) => k.pageCode === h.pageCode && codes.includes(k.pageCode));
  if (known === undefined) return readGenericModePage(r, off);
  if (opts.lenientLength === true && h.pageLength !== known.pageLength) return readGenericModePage(r, off);
  return known.read(r, off);
}

/** Decode one mode page (generic unless known for `opts.deviceType`). */
export function decodeModePage(buf: Buffer, opts: ReadModePageOptions = {}): ModePage {
  return readModePage(new ByteReader(buf, 'param'), 0, opts);
}

export function encodeModePage(p: ModePage): Buffer {
  switch (p.kind) {
    case 'generic':
      return encodeGenericModePage(p);
    case 'disconnectReconnect':
      return encodeDisconnectReconnectModePage(p);
    case 'control':
      return encodeControlModePage(p);
    case 'dataCompression':
      return encodeDataCompressionModePage(p);
    case 'deviceConfiguration':
      return encodeDeviceConfigurationModePage(p);
    case 'elementAddressAssignment':
      return encodeElementAddressAssignmentModePage(p);
  }
}

export const MODE_PAGE_DECODERS: DecoderTable = {
  'spc.modePage.generic': decodeGenericModePage,
  'spc.modePage.tape': (buf: Buffer) => decodeModePage(buf, { deviceType: DEVICE_TYPE_TAPE }),
  'spc.modePage.changer': (buf: Buffer) => decodeModePage(buf, { deviceType: DEVICE_TYPE_CHANGER }),
  'spc.modePage.02': decodeDisconnectReconnectModePage,
  'spc.modePage.0a': decodeControlModePage,
  'spc.modePage.0f': decodeDataCompressionModePage,
  'spc.modePage.10': decodeDeviceConfigurationModePage,
  'spc.modePage.1d': decodeElementAddressAssignmentModePage,
};
