import * as fc from 'fast-check';
import {
  decodeElementAddressAssignmentModePage,
  encodeElementAddressAssignmentModePage,
} from '../../../../cdb/spc/mode-page-1d';
import { elementAddressAssignmentPage } from './mode-arbitraries';
import { expectSense, hex } from './spc-mode-helpers';

describe('Element Address Assignment mode page (1Dh, SMC)', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(elementAddressAssignmentPage, (p) =>
        expect(decodeElementAddressAssignmentModePage(encodeElementAddressAssignmentModePage(p))).toEqual(p),
      ),
    );
  });

  it('golden page: 1 picker at 0, 24 slots at 1000h, 1 mailslot at 10h, 2 drives at 100h', () => {
    const page = hex(`
      9d 12   # PS=1, page 1Dh, PAGE LENGTH 12h
      00 00   # FIRST MEDIUM TRANSPORT ELEMENT ADDRESS
      00 01   # NUMBER OF MEDIUM TRANSPORT ELEMENTS
      10 00   # FIRST STORAGE ELEMENT ADDRESS
      00 18   # NUMBER OF STORAGE ELEMENTS 24
      00 10   # FIRST IMPORT/EXPORT ELEMENT ADDRESS
      00 01   # NUMBER OF IMPORT/EXPORT ELEMENTS
      01 00   # FIRST DATA TRANSFER ELEMENT ADDRESS
      00 02   # NUMBER OF DATA TRANSFER ELEMENTS
      00 00   # reserved
    `);
    const p = decodeElementAddressAssignmentModePage(page);
    expect(p).toEqual({
      kind: 'elementAddressAssignment',
      ps: true,
      firstMediumTransportElementAddress: 0,
      numberOfMediumTransportElements: 1,
      firstStorageElementAddress: 0x1000,
      numberOfStorageElements: 24,
      firstImportExportElementAddress: 0x10,
      numberOfImportExportElements: 1,
      firstDataTransferElementAddress: 0x100,
      numberOfDataTransferElements: 2,
    });
    expect(encodeElementAddressAssignmentModePage(p)).toEqual(page);
  });

  it('the SSC Medium Configuration page (1Dh, length 1Eh) is refused at PAGE LENGTH', () => {
    const medium = Buffer.concat([hex('1d 1e'), Buffer.alloc(0x1e)]);
    expectSense(() => decodeElementAddressAssignmentModePage(medium), 5, 0x26, 0, {
      commandData: false,
      field: 1,
    });
  });

  it('encoder refuses a 17-bit element address', () => {
    const p = fc.sample(elementAddressAssignmentPage, 1)[0];
    expect(() => encodeElementAddressAssignmentModePage({ ...p, numberOfStorageElements: 0x10000 })).toThrow(
      RangeError,
    );
  });
});
