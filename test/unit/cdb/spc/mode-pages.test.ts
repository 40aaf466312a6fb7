import * as fc from 'fast-check';
import {
  decodeModePage,
  encodeModePage,
  knownModePageCodes,
  MODE_PAGE_DECODERS,
} from '../../../../cdb/spc/mode-pages';
import { pagesFor } from './mode-arbitraries';
import { expectSense, hex } from './spc-mode-helpers';

describe('mode page dispatch', () => {
  it.each([undefined, 0, 1, 8])('round-trips typed and generic pages for device type %s', (deviceType) => {
    fc.assert(
      fc.property(pagesFor(deviceType), (p) => {
        expect(decodeModePage(encodeModePage(p), { deviceType })).toEqual(p);
        expect(decodeModePage(encodeModePage(p), { deviceType, lenientLength: true })).toEqual(p);
      }),
    );
  });

  it('known page codes depend on the device type', () => {
    expect(knownModePageCodes()).toEqual([0x02, 0x0a]);
    expect(knownModePageCodes(0)).toEqual([0x02, 0x0a]);
    expect(knownModePageCodes(1)).toEqual([0x02, 0x0a, 0x0f, 0x10]);
    expect(knownModePageCodes(8)).toEqual([0x02, 0x0a, 0x1d]);
  });

  it('1Dh is Element Address Assignment on a changer and generic (Medium Configuration) on tape', () => {
    const eaa = hex('1d 12 0000 0001 0010 0002 0100 0001 0200 0002 0000');
    expect(decodeModePage(eaa, { deviceType: 8 }).kind).toBe('elementAddressAssignment');
    expect(decodeModePage(eaa, { deviceType: 1 }).kind).toBe('generic');
    expect(decodeModePage(eaa, { deviceType: 8, typed: false }).kind).toBe('generic');
  });

  it('a sub_page format page is always generic', () => {
    expect(decodeModePage(hex('4a 01 00 02 aa bb'))).toEqual({
      kind: 'generic',
      ps: false,
      spf: true,
      pageCode: 0x0a,
      subpageCode: 1,
      data: Buffer.from([0xaa, 0xbb]),
    });
  });

  it('a known page with an unexpected length: generic for MODE SENSE data, 05/26/00 for MODE SELECT data', () => {
    const scsi2Control = hex('0a 06 00 00 00 00 00 00');
    expect(decodeModePage(scsi2Control, { lenientLength: true }).kind).toBe('generic');
    expectSense(() => decodeModePage(scsi2Control), 5, 0x26, 0, { commandData: false, field: 1 });
  });

  it('registers a decoder for every page codec', () => {
    expect(Object.keys(MODE_PAGE_DECODERS)).toEqual([
      'spc.modePage.generic',
      'spc.modePage.tape',
      'spc.modePage.changer',
      'spc.modePage.02',
      'spc.modePage.0a',
      'spc.modePage.0f',
      'spc.modePage.10',
      'spc.modePage.1d',
    ]);
    expect(
      MODE_PAGE_DECODERS['spc.modePage.tape'](hex('0f 0e 80 80 00000001 00000001 00000000')),
    ).toMatchObject({
      kind: 'dataCompression',
      dce: true,
    });
    expectSense(() => MODE_PAGE_DECODERS['spc.modePage.changer'](hex('1d 02 00 00')), 5, 0x26, 0, {
      commandData: false,
      field: 1,
    });
  });
});
