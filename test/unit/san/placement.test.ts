// The cartridge shelf (one file per barcode) and placement.json (where each cartridge is).
import fs from 'node:fs';
import path from 'node:path';
import { cartridgeDefaults } from '../../../emulator/san';
import {
  CartridgeShelf,
  loadPlacement,
  placementPath,
  savePlacement,
} from '../../../emulator/san/cartridges';
import { CartridgeExistsError } from '../../../emulator/tape';
import { tempDir } from './helpers';

describe('CartridgeShelf', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('san-shelf-');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates each cartridge once, lists barcodes, maps paths back to barcodes', () => {
    const shelf = new CartridgeShelf(dir);
    expect(shelf.ensure(cartridgeDefaults('B2', 4 * 2 ** 20))).toBe(true);
    expect(shelf.ensure(cartridgeDefaults('B2', 8 * 2 ** 20))).toBe(false);
    shelf.create(cartridgeDefaults('A1', 4 * 2 ** 20));
    expect(() => shelf.create(cartridgeDefaults('A1', 4 * 2 ** 20))).toThrow(CartridgeExistsError);
    expect(shelf.barcodes()).toEqual(['A1', 'B2']);
    expect(shelf.barcodeOfPath(shelf.pathOf('A1'))).toBe('A1');
    expect(shelf.barcodeOfPath(path.join(dir, 'A1.vtape'))).toBeUndefined();
    const c = shelf.open('B2');
    // The first configuration wins: the existing cartridge keeps its capacity.
    expect([c.info.barcode, c.info.capacityBytes, c.info.mediumSerial, c.info.densityCode]).toEqual([
      'B2',
      4 * 2 ** 20,
      'XC-B2',
      0x58,
    ]);
    c.close();
  });
});

describe('placement.json', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('san-placement-');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const known = new Set(['C1', 'C2', 'C3']);
  const expectShape = { drives: ['t0', 't1'], changers: { ch: 3 } };

  it('round-trips and is used when it fits the configuration', () => {
    const p = {
      drives: { t0: 'C2', t1: null },
      changers: { ch: { slots: ['C1', null, 'C3'], importExport: null } },
    };
    savePlacement(dir, p);
    expect(JSON.parse(fs.readFileSync(placementPath(dir), 'utf8'))).toEqual({ version: 1, ...p });
    expect(loadPlacement(dir, expectShape, (b) => known.has(b))).toEqual({ placement: p });
  });

  it('is absent without a file and ignored, with the reason, when it does not fit', () => {
    expect(loadPlacement(dir, expectShape, (b) => known.has(b))).toEqual({});
    const cases: [unknown, string][] = [
      [{ version: 2 }, 'unknown version'],
      [
        { version: 1, drives: { t0: 'C9' }, changers: {} },
        'drive t0 holds an unknown or duplicate cartridge',
      ],
      [
        { version: 1, drives: { t0: 'C1', t1: 'C1' }, changers: {} },
        'drive t1 holds an unknown or duplicate cartridge',
      ],
      [
        { version: 1, drives: {}, changers: { ch: { slots: [null], importExport: null } } },
        'changer ch does not have 3 slots',
      ],
      [
        {
          version: 1,
          drives: { t0: 'C1' },
          changers: { ch: { slots: ['C1', null, null], importExport: null } },
        },
        'changer ch holds an unknown or duplicate cartridge',
      ],
      [{ version: 1, changers: {} }, 'no drives'],
    ];
    for (const [content, why] of cases) {
      fs.writeFileSync(placementPath(dir), JSON.stringify(content));
      const r = loadPlacement(dir, expectShape, (b) => known.has(b));
      expect(r.placement).toBeUndefined();
      expect(r.why).toContain(why);
    }
    fs.writeFileSync(placementPath(dir), '{');
    expect(loadPlacement(dir, expectShape, () => true).why).toMatch(/^placement\.json unreadable/);
  });
});
