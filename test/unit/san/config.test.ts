// SAN configuration: defaults, LUN assignment, normalization and one-line errors naming the place.
import {
  cartridgeDefaults,
  defaultSanConfig,
  defaultSanConfigJson,
  hostPortOf,
  parseCartridgeConfig,
  parseSanConfig,
  parseSanConfigText,
  SanConfigError,
  sizeOf,
  type DiskLuConfig,
} from '../../../emulator/san';

const IQN = 'iqn.2024-01.test.san:t1';

function cfg(luns: unknown[], extra: Record<string, unknown> = {}): unknown {
  return { targets: [{ iqn: IQN, luns }], ...extra };
}

function errorOf(v: unknown): string {
  try {
    parseSanConfig(v);
  } catch (e) {
    expect(e).toBeInstanceOf(SanConfigError);
    const m = (e as Error).message;
    expect(m).not.toContain('\n');
    return m;
  }
  throw new Error('no error');
}

describe('small parsers', () => {
  it('sizeOf takes binary suffixes and byte counts', () => {
    expect(sizeOf('256M')).toBe(256 * 2 ** 20);
    expect(sizeOf('1GiB')).toBe(2 ** 30);
    expect(sizeOf('64k')).toBe(65536);
    expect(sizeOf(4096)).toBe(4096);
    expect(sizeOf('0')).toBeUndefined();
    expect(sizeOf(-1)).toBeUndefined();
    expect(sizeOf(1.5)).toBeUndefined();
    expect(sizeOf('12Q')).toBeUndefined();
    expect(sizeOf(true)).toBeUndefined();
  });

  it('hostPortOf takes HOST, HOST:PORT and [v6]:PORT', () => {
    expect(hostPortOf('127.0.0.1')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(hostPortOf('127.0.0.1:3260')).toEqual({ host: '127.0.0.1', port: 3260 });
    expect(hostPortOf('[::1]:3261')).toEqual({ host: '::1', port: 3261 });
    expect(hostPortOf('h:70000')).toBeUndefined();
    expect(hostPortOf('a:b:c')).toBeUndefined();
  });
});

describe('the default SAN', () => {
  it('has vol1, restore1, a loaded drive, a changer with three cartridges and a copy manager LU', () => {
    const c = defaultSanConfig();
    expect(c.portal).toEqual({ host: '127.0.0.1', port: 0 });
    expect(c.admin).toEqual({ host: '127.0.0.1', port: 0 });
    expect(c.mover.copyManagerOnEveryLu).toBe(true);
    expect(c.cartridges.map((k) => [k.barcode, k.capacityBytes, k.earlyWarningBytes, k.densityCode])).toEqual(
      [
        ['XC0001L5', 2 ** 30, 16 * 2 ** 20, 0x58],
        ['XC0002L5', 2 ** 30, 16 * 2 ** 20, 0x58],
        ['XC0003L5', 2 ** 30, 16 * 2 ** 20, 0x58],
        ['XC0004L5', 2 ** 30, 16 * 2 ** 20, 0x58],
      ],
    );
    const luns = c.targets[0].luns;
    expect(luns.map((l) => [l.name, l.type, l.lun, l.copyManager])).toEqual([
      ['vol1', 'disk', 0, true],
      ['restore1', 'disk', 1, true],
      ['tape0', 'tape', 2, true],
      ['changer0', 'changer', 3, true],
      ['copymgr0', 'processor', 4, true],
    ]);
    const vol1 = luns[0] as DiskLuConfig;
    expect([vol1.sizeBytes, vol1.blockSize, vol1.pattern, vol1.file, vol1.thin, vol1.memory]).toEqual([
      256 * 2 ** 20,
      512,
      'vol1',
      'vol1.img',
      true,
      false,
    ]);
    const changer = luns[3];
    expect(changer.type === 'changer' && changer.slots).toEqual([
      'XC0002L5',
      'XC0003L5',
      'XC0004L5',
      null,
      null,
      null,
      null,
      null,
    ]);
    expect(luns[2].type === 'tape' && luns[2].cartridge).toBe('XC0001L5');
  });

  it('the JSON form parses to the same configuration', () => {
    expect(parseSanConfigText(JSON.stringify(defaultSanConfigJson()))).toEqual(defaultSanConfig());
  });
});

describe('normalization', () => {
  it('fills defaults and assigns the lowest free LUNs in order', () => {
    const c = parseSanConfig(
      cfg([
        { name: 'a', type: 'disk', size: '1M', lun: 1 },
        { name: 'b', type: 'disk', size: '1M' },
        { name: 'c', type: 'processor' },
      ]),
    );
    const [a, b, p] = c.targets[0].luns;
    expect([a.lun, b.lun, p.lun]).toEqual([1, 0, 2]);
    expect(b).toEqual({
      name: 'b',
      type: 'disk',
      lun: 0,
      copyManager: true,
      copySegments: 'block',
      sizeBytes: 2 ** 20,
      blockSize: 512,
      file: 'b.img',
      memory: false,
      thin: true,
      chunkSize: 65536,
      readOnly: false,
      cbtGranularity: 65536,
    });
  });

  it('mover.copyManagerOnEveryLu=false turns the copy manager off except on processor LUs', () => {
    const c = parseSanConfig(
      cfg(
        [
          { name: 'a', type: 'disk', size: '1M' },
          { name: 'b', type: 'disk', size: '1M', copyManager: true },
          { name: 'p', type: 'processor' },
        ],
        { mover: { copyManagerOnEveryLu: false } },
      ),
    );
    expect(c.targets[0].luns.map((l) => l.copyManager)).toEqual([false, true, true]);
  });

  it('copySegments defaults to "block" for disks and snapshots, "all" for the other types', () => {
    const c = parseSanConfig({
      cartridges: [{ barcode: 'T1', capacity: '8M' }],
      targets: [
        {
          iqn: 'iqn.2024-01.test:segments',
          luns: [
            { name: 'd', type: 'disk', size: '1M' },
            { name: 'e', type: 'disk', size: '1M', copySegments: 'all' },
            { name: 's', type: 'snapshot', source: 'd', snapshot: 'base' },
            { name: 't', type: 'tape', cartridge: 'T1' },
            { name: 'c', type: 'changer', drives: ['t'], slots: [null] },
            { name: 'p', type: 'processor' },
            { name: 'q', type: 'processor', copySegments: 'block' },
          ],
        },
      ],
    });
    expect(c.targets[0].luns.map((l) => [l.name, l.copySegments])).toEqual([
      ['d', 'block'],
      ['e', 'all'],
      ['s', 'block'],
      ['t', 'all'],
      ['c', 'all'],
      ['p', 'all'],
      ['q', 'block'],
    ]);
  });

  it('a changer slot count makes empty slots; CHAP and ACLs are kept', () => {
    const c = parseSanConfig({
      cartridges: [{ barcode: 'T1', capacity: '8M' }],
      targets: [
        {
          iqn: IQN,
          chap: {
            users: [{ user: 'u', secret: 'sssssssssssss' }],
            mutual: { user: 't', secret: 'mmmmmmmmmmmm' },
          },
          acl: ['iqn.2024-01.test:host1'],
          luns: [
            { name: 'd', type: 'tape' },
            { name: 'c', type: 'changer', drives: ['d'], slots: 3, importExport: 'T1' },
          ],
        },
      ],
    });
    const t = c.targets[0];
    expect(t.chap).toEqual({
      users: [{ user: 'u', secret: 'sssssssssssss' }],
      mutual: { user: 't', secret: 'mmmmmmmmmmmm' },
    });
    expect(t.acl).toEqual(['iqn.2024-01.test:host1']);
    expect(t.luns[1]).toMatchObject({ slots: [null, null, null], importExport: 'T1', drives: ['d'] });
    expect(c.cartridges[0]).toEqual({ ...cartridgeDefaults('T1', 8 * 2 ** 20) });
    expect(c.cartridges[0].earlyWarningBytes).toBe(128 * 1024);
  });

  it('a cartridge takes capacity, early warning (0 allowed), density and write protection', () => {
    expect(
      parseCartridgeConfig({
        barcode: 'B1',
        capacity: '64M',
        earlyWarning: 0,
        density: 0x5e,
        writeProtected: true,
      }),
    ).toEqual({
      barcode: 'B1',
      capacityBytes: 64 * 2 ** 20,
      earlyWarningBytes: 0,
      densityCode: 0x5e,
      mediumSerial: 'XC-B1',
      writeProtected: true,
    });
  });
});

describe('errors: one line, naming the place', () => {
  it.each([
    [{}, 'targets: at least one target is needed'],
    [{ targets: [] }, 'targets: at least one target is needed'],
    [{ portl: 'x', targets: [] }, '(top level): unknown key "portl"'],
    [{ portal: 'a:b:c', targets: [] }, 'portal: "a:b:c" is not HOST:PORT'],
    [
      cfg([{ name: 'a', type: 'disk', size: '1M' }], { admin: '0.0.0.0:0' }),
      'admin: 0.0.0.0 is not a loopback address',
    ],
    [{ targets: [{ iqn: 'bogus', luns: [] }] }, 'targets[0].iqn: "bogus" is not an iSCSI name'],
    [cfg([]), 'targets[0].luns: a target needs at least one LU'],
    [
      cfg([{ name: 'a', type: 'floppy' }]),
      'targets[0].luns[0].type: "floppy" is not one of disk, tape, changer',
    ],
    [cfg([{ type: 'disk', size: '1M' }]), 'targets[0].luns[0]: needs a "name"'],
    [cfg([{ name: 'a b', type: 'disk', size: '1M' }]), 'targets[0].luns[0].name: "a b" is not a LU name'],
    [cfg([{ name: 'a', type: 'disk', size: '12Q' }]), 'targets[0].luns[0].size: "12Q" is not a size'],
    [cfg([{ name: 'a', type: 'disk' }]), 'targets[0].luns[0]: a disk needs a "size"'],
    [
      cfg([{ name: 'a', type: 'disk', size: 1000 }]),
      'targets[0].luns[0].size: must be a multiple of the block size 512',
    ],
    [
      cfg([{ name: 'a', type: 'disk', size: '1M', blockSize: 1000 }]),
      'targets[0].luns[0].blockSize: must be one of',
    ],
    [cfg([{ name: 'a', type: 'disk', size: '1M', sise: 1 }]), 'targets[0].luns[0]: unknown key "sise"'],
    [
      cfg([{ name: 'a', type: 'disk', size: '1M', pattern: 'vol1' }]),
      'targets[0].luns[0].pattern: 1/256 of the capacity',
    ],
    [
      cfg([{ name: 'a', type: 'disk', size: '1M', memory: true, file: 'x' }]),
      'targets[0].luns[0].file: a memory disk has no file',
    ],
    [cfg([{ name: 'a', type: 'disk', size: '1M', lun: 1 }]), 'targets[0].luns: a target needs a LUN 0'],
    [
      cfg([
        { name: 'a', type: 'disk', size: '1M', lun: 0 },
        { name: 'b', type: 'disk', size: '1M', lun: 0 },
      ]),
      'targets[0].luns[1].lun: LUN 0 is used twice',
    ],
    [
      cfg([
        { name: 'a', type: 'disk', size: '1M' },
        { name: 'a', type: 'disk', size: '1M' },
      ]),
      'targets[0].luns[1].name: LU name a is used twice',
    ],
    [
      cfg([{ name: 'd', type: 'disk', size: '1M', copySegments: 'tape' }]),
      'targets[0].luns[0].copySegments: "tape" is not "block" or "all"',
    ],
    [
      cfg([{ name: 'p', type: 'processor', copyManager: false }]),
      'targets[0].luns[0].copyManager: a processor LU is a copy manager',
    ],
    [
      cfg([{ name: 't', type: 'tape', cartridge: 'NOPE' }]),
      'targets[0].luns[0].cartridge: cartridge NOPE is not in "cartridges"',
    ],
    [
      cfg(
        [
          { name: 't', type: 'tape', cartridge: 'C1' },
          { name: 'c', type: 'changer', drives: ['t'], slots: ['C1'] },
        ],
        {
          cartridges: [{ barcode: 'C1' }],
        },
      ),
      'targets[0].luns[1].slots[0]: cartridge C1 is already placed at targets[0].luns[0].cartridge',
    ],
    [
      cfg([
        { name: 'd', type: 'disk', size: '1M' },
        { name: 'c', type: 'changer', drives: ['d'], slots: 2 },
      ]),
      'targets[0].luns[1].drives[0]: d is not a tape LU',
    ],
    [cfg([{ name: 'c', type: 'changer', drives: [] }]), 'targets[0].luns[0]: a changer needs "slots"'],
    [
      cfg([
        { name: 'd', type: 'disk', size: '1M', memory: true },
        { name: 's', type: 'snapshot', source: 'd', snapshot: 'x' },
      ]),
      'targets[0].luns[1].source: d is a memory disk (no snapshots)',
    ],
    [
      cfg([{ name: 't', type: 'tape' }], { cartridges: [{ barcode: 'C1' }, { barcode: 'C1' }] }),
      'cartridges[1].barcode: C1 is configured twice',
    ],
    [
      cfg([{ name: 't', type: 'tape' }], { cartridges: [{ barcode: 'C1', density: 1 }] }),
      'cartridges[0].density: 1 is not a density the drive supports',
    ],
    [
      cfg([{ name: 't', type: 'tape' }], {
        cartridges: [{ barcode: 'C1', capacity: '1M', earlyWarning: '2M' }],
      }),
      'cartridges[0].earlyWarning',
    ],
    [
      { targets: [{ iqn: IQN, chap: { users: [] }, luns: [{ name: 't', type: 'tape' }] }] },
      'targets[0].chap.users: CHAP needs at least one initiator user',
    ],
    [
      {
        targets: [
          { iqn: IQN, luns: [{ name: 't', type: 'tape' }] },
          { iqn: IQN.toUpperCase().replace('IQN', 'iqn'), luns: [{ name: 'u', type: 'tape' }] },
        ],
      },
      'targets[1].iqn:',
    ],
  ])('%j', (input, expected) => {
    expect(errorOf(input)).toContain(expected);
  });

  it('JSON syntax errors name the source', () => {
    expect(() => parseSanConfigText('{', 'san.json')).toThrow(/^san\.json: not JSON: /);
  });
});
