import * as fc from 'fast-check';
import { ByteReader } from '../../../../cdb/bytes';
import {
  decodeGenericModePage,
  encodeGenericModePage,
  frameModePage,
  modePageSize,
  openFixedModePage,
  peekModePageHeader,
} from '../../../../cdb/spc/mode-page-format';
import { genericPage } from './mode-arbitraries';
import { expectSense } from './spc-mode-helpers';

describe('mode page framing (page_0 / sub_page)', () => {
  it('generic pages round-trip', () => {
    fc.assert(
      fc.property(genericPage, (p) => expect(decodeGenericModePage(encodeGenericModePage(p))).toEqual(p)),
    );
  });

  it('golden page_0: PS=1, page 18h, 6 bytes', () => {
    const page = Buffer.from([0x98, 0x06, 0x05, 0, 0, 0, 0, 0]);
    expect(decodeGenericModePage(page)).toEqual({
      kind: 'generic',
      ps: true,
      spf: false,
      pageCode: 0x18,
      subpageCode: 0,
      data: Buffer.from([0x05, 0, 0, 0, 0, 0]),
    });
  });

  it('golden sub_page: Control Extension 0Ah/01h, PAGE LENGTH 001Ch', () => {
    const page = Buffer.concat([Buffer.from([0x4a, 0x01, 0x00, 0x1c]), Buffer.alloc(0x1c)]);
    const p = decodeGenericModePage(page);
    expect(p).toMatchObject({ ps: false, spf: true, pageCode: 0x0a, subpageCode: 0x01 });
    expect(p.data.length).toBe(0x1c);
    expect(encodeGenericModePage(p)).toEqual(page);
    const r = new ByteReader(page, 'param');
    expect(modePageSize(r, 0)).toBe(32);
    expect(peekModePageHeader(r, 0)).toEqual({
      ps: false,
      spf: true,
      pageCode: 10,
      subpageCode: 1,
      pageLength: 28,
    });
  });

  it('a truncated page is PARAMETER LIST LENGTH ERROR', () => {
    expectSense(() => decodeGenericModePage(Buffer.from([0x1c, 0x0a, 0, 0])), 5, 0x1a, 0);
    expectSense(() => decodeGenericModePage(Buffer.from([0x5c, 0x01, 0x00])), 5, 0x1a, 0);
    expectSense(() => decodeGenericModePage(Buffer.alloc(0)), 5, 0x1a, 0);
  });

  it('openFixedModePage checks PAGE CODE, SPF and PAGE LENGTH with absolute field pointers', () => {
    const list = new ByteReader(
      Buffer.from([0, 0, 0, 0, 0x0a, 0x0a, ...new Array<number>(10).fill(0)]),
      'param',
      8,
    );
    expect(openFixedModePage(list, 4, 0x0a, 0x0a, 'Control').ps).toBe(false);
    expectSense(() => openFixedModePage(list, 4, 0x02, 0x0e, 'x'), 5, 0x26, 0, {
      commandData: false,
      field: 12,
      bit: 5,
    });
    expectSense(() => openFixedModePage(list, 4, 0x0a, 0x0e, 'x'), 5, 0x26, 0, {
      commandData: false,
      field: 13,
    });
    const spf = new ByteReader(Buffer.from([0x4a, 0x01, 0x00, 0x00]), 'param');
    expectSense(() => openFixedModePage(spf, 0, 0x0a, 0x0a, 'x'), 5, 0x26, 0, {
      commandData: false,
      field: 0,
      bit: 6,
    });
  });

  it('frameModePage refuses a subpage code without SPF and oversize data', () => {
    expect(() =>
      frameModePage({ ps: false, spf: false, pageCode: 1, subpageCode: 1 }, Buffer.alloc(0)),
    ).toThrow(RangeError);
    expect(() =>
      frameModePage({ ps: false, spf: false, pageCode: 1, subpageCode: 0 }, Buffer.alloc(256)),
    ).toThrow(RangeError);
    expect(
      frameModePage({ ps: false, spf: true, pageCode: 1, subpageCode: 2 }, Buffer.alloc(300)).readUInt16BE(2),
    ).toBe(300);
  });
});
