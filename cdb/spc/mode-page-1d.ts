// Element Address Assignment mode page (1Dh) for media changers, SMC-3 (page 1Dh on a changer;
// on tape 1Dh is SSC's Medium Configuration page, kept generic).
import { ByteReader, putU16 } from '../bytes';
import { newFixedModePage, openFixedModePage } from './mode-page-format';

export const ELEMENT_ADDRESS_ASSIGNMENT_PAGE_CODE = 0x1d;
export const ELEMENT_ADDRESS_ASSIGNMENT_PAGE_LENGTH = 0x12;

export interface ElementAddressAssignmentModePage {
  kind: 'elementAddressAssignment';
  ps: boolean;
  firstMediumTransportElementAddress: number;
  numberOfMediumTransportElements: number;
  firstStorageElementAddress: number;
  numberOfStorageElements: number;
  firstImportExportElementAddress: number;
  numberOfImportExportElements: number;
  firstDataTransferElementAddress: number;
  numberOfDataTransferElements: number;
}

const FIELDS = [
  'firstMediumTransportElementAddress',
  'numberOfMediumTransportElements',
  'firstStorageElementAddress',
  'numberOfStorageElements',
  'firstImportExportElementAddress',
  'numberOfImportExportElements',
  'firstDataTransferElementAddress',
  'numberOfDataTransferElements',
] as const;

export function encodeElementAddressAssignmentModePage(p: ElementAddressAssignmentModePage): Buffer {
  const b = newFixedModePage(
    ELEMENT_ADDRESS_ASSIGNMENT_PAGE_CODE,
    ELEMENT_ADDRESS_ASSIGNMENT_PAGE_LENGTH,
    p.ps,
  );
  FIELDS.forEach((name, i) => putU16(b, p[name], 2 + 2 * i, name));
  return b;
}

export function readElementAddressAssignmentModePage(
  r: ByteReader,
  off = 0,
): ElementAddressAssignmentModePage {
  const { page: p, ps } = openFixedModePage(
    r,
    off,
    ELEMENT_ADDRESS_ASSIGNMENT_PAGE_CODE,
    ELEMENT_ADDRESS_ASSIGNMENT_PAGE_LENGTH,
    'Element Address Assignment mode page',
  );
  return {
    kind: 'elementAddressAssignment',
    ps,
    firstMediumTransportElementAddress: p.u16(2),
    numberOfMediumTransportElements: p.u16(4),
    firstStorageElementAddress: p.u16(6),
    numberOfStorageElements: p.u16(8),
    firstImportExportElementAddress: p.u16(10),
    numberOfImportExportElements: p.u16(12),
    firstDataTransferElementAddress: p.u16(14),
    numberOfDataTransferElements: p.u16(16),
  };
}

export function decodeElementAddressAssignmentModePage(buf: Buffer): ElementAddressAssignmentModePage {
  return readElementAddressAssignmentModePage(new ByteReader(buf, 'param'));
}
