import { describeCdb } from '../../../../cdb/commands';
import * as smc from '../../../../cdb/smc/index';
import { hex } from '../sbc/sense';

describe('SMC registry', () => {
  const samples: [string, Buffer][] = [
    ['READ ELEMENT STATUS', hex('b8 10 00 00 ff ff 00 00 10 00 00 00')],
    ['MOVE MEDIUM', hex('a5 00 00 00 03 e8 00 01 00 00 00 00')],
    ['INITIALIZE ELEMENT STATUS', hex('07 00 00 00 00 00')],
    ['INITIALIZE ELEMENT STATUS WITH RANGE', hex('37 01 00 01 00 00 00 05 00 00')],
  ];

  it.each(samples)('%s is found for a medium changer and decodes', (name, cdb) => {
    expect(describeCdb(cdb, 8).map((d) => d.name)).toEqual([name]);
    const codec = smc.COMMANDS.find((c) => c.name === name);
    expect(codec?.deviceTypes).toEqual([8]);
    expect(codec?.cdbLength).toBe(cdb.length);
  });

  it('registers every decoder under an smc. key', () => {
    expect(Object.keys(smc.DECODERS).sort()).toEqual([
      'smc.initializeElementStatus',
      'smc.initializeElementStatusWithRange',
      'smc.moveMedium',
      'smc.readElementStatus',
      'smc.readElementStatus.data',
    ]);
  });
});
