import { describeCdb, lookupCommand } from '../../../../cdb/commands';
import * as sbc from '../../../../cdb/sbc/index';
import { expectInvalidCdb, hex } from './sense';

describe('SBC registry', () => {
  const samples: [string, Buffer][] = [
    ['READ(6)', sbc.encodeRead6({ logicalBlockAddress: 1, transferLength: 1, control: 0 })],
    ['WRITE(6)', sbc.encodeWrite6({ logicalBlockAddress: 1, transferLength: 1, control: 0 })],
    ['READ(10)', hex('28 00 00 00 00 01 00 00 01 00')],
    ['WRITE(10)', hex('2a 00 00 00 00 01 00 00 01 00')],
    ['READ(12)', hex('a8 00 00 00 00 01 00 00 00 01 00 00')],
    ['WRITE(12)', hex('aa 00 00 00 00 01 00 00 00 01 00 00')],
    ['READ(16)', hex('88 00 00 00 00 00 00 00 00 01 00 00 00 01 00 00')],
    ['WRITE(16)', hex('8a 00 00 00 00 00 00 00 00 01 00 00 00 01 00 00')],
    ['VERIFY(10)', hex('2f 00 00 00 00 01 00 00 01 00')],
    ['VERIFY(16)', hex('8f 00 00 00 00 00 00 00 00 01 00 00 00 01 00 00')],
    ['SYNCHRONIZE CACHE(10)', hex('35 00 00 00 00 00 00 00 00 00')],
    ['SYNCHRONIZE CACHE(16)', hex('91 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00')],
    ['WRITE SAME(10)', hex('41 08 00 00 00 00 00 00 01 00')],
    ['WRITE SAME(16)', hex('93 08 00 00 00 00 00 00 00 00 00 00 00 01 00 00')],
    ['UNMAP', hex('42 00 00 00 00 00 00 00 18 00')],
    ['READ CAPACITY(10)', hex('25 00 00 00 00 00 00 00 00 00')],
    ['READ CAPACITY(16)', hex('9e 10 00 00 00 00 00 00 00 00 00 00 00 20 00 00')],
    ['GET LBA STATUS', hex('9e 12 00 00 00 00 00 00 00 00 00 00 00 18 00 00')],
  ];

  it.each(samples)('%s is found for a disk and decodes', (name, cdb) => {
    const found = describeCdb(cdb, 0);
    expect(found.map((f) => f.name)).toEqual([name]);
    const codec = sbc.COMMANDS.find((c) => c.name === name);
    expect(codec?.deviceTypes).toEqual([0]);
    expect(codec?.cdbLength).toBe(cdb.length);
  });

  it('registers every command once and every decoder under an sbc. key', () => {
    expect(sbc.COMMANDS.map((c) => c.name).sort()).toEqual(samples.map(([n]) => n).sort());
    const keys = Object.keys(sbc.DECODERS);
    expect(keys.every((k) => k.startsWith('sbc.'))).toBe(true);
    expect(keys).toEqual(
      expect.arrayContaining([
        'sbc.unmap.param',
        'sbc.getLbaStatus.data',
        'sbc.readCapacity10.data',
        'sbc.readCapacity16.data',
      ]),
    );
    expect(keys.length).toBe(22);
  });

  it('an unknown SERVICE ACTION IN(16) service action is 05/24/00 at byte 1 bit 4', () => {
    expectInvalidCdb(() => lookupCommand(hex('9e 11 00 00 00 00 00 00 00 00 00 00 00 20 00 00'), 0), 1, 4);
  });
});
