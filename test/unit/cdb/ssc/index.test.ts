import { isDeepStrictEqual } from 'node:util';
import { describeCdb, lookupCommand } from '../../../../cdb/commands';
import { COMMANDS, DECODERS, encodeRead6, encodeReadPosition, encodeSpace6 } from '../../../../cdb/ssc/index';
import { expectInvalidCdb } from './helpers';

describe('SSC registry', () => {
  it('registers the tape commands with their T10 names, opcodes and CDB lengths', () => {
    const table = COMMANDS.map((c) => [c.opcode, c.name, c.cdbLength, c.deviceTypes, c.serviceAction]);
    expect(table).toEqual([
      [0x01, 'REWIND', 6, [1], undefined],
      [0x05, 'READ BLOCK LIMITS', 6, [1], undefined],
      [0x08, 'READ(6)', 6, [1], undefined],
      [0x0a, 'WRITE(6)', 6, [1], undefined],
      [0x10, 'WRITE FILEMARKS(6)', 6, [1], undefined],
      [0x11, 'SPACE(6)', 6, [1], undefined],
      [0x19, 'ERASE(6)', 6, [1], undefined],
      [0x1b, 'LOAD UNLOAD', 6, [1], undefined],
      [0x2b, 'LOCATE(10)', 10, [1], undefined],
      [0x34, 'READ POSITION', 10, [1], undefined],
      [0x44, 'REPORT DENSITY SUPPORT', 10, [1], undefined],
      [0x91, 'SPACE(16)', 16, [1], undefined],
      [0x92, 'LOCATE(16)', 16, [1], undefined],
    ]);
  });

  it('each codec decodes a zeroed CDB of its own length (READ POSITION short form, all flags clear)', () => {
    for (const c of COMMANDS) {
      const cdb = Buffer.alloc(c.cdbLength);
      cdb[0] = c.opcode;
      expect(c.decode(cdb)).toHaveProperty('control', 0);
    }
  });

  it('every decoder is in DECODERS under an ssc. key', () => {
    const names = Object.keys(DECODERS);
    expect(names.every((n) => n.startsWith('ssc.'))).toBe(true);
    for (const c of COMMANDS) {
      const cdb = Buffer.alloc(c.cdbLength);
      cdb[0] = c.opcode;
      const fields = c.decode(cdb);
      const table = Object.entries(DECODERS).filter(([, d]) => {
        try {
          return isDeepStrictEqual(d(cdb), fields);
        } catch {
          return false;
        }
      });
      expect(table.map(([n]) => n).some((n) => n.startsWith('ssc.'))).toBe(true);
    }
    expect(names).toEqual(
      expect.arrayContaining([
        'ssc.readPosition.short',
        'ssc.readPosition.long',
        'ssc.readPosition.extended',
        'ssc.readBlockLimits.data',
        'ssc.readBlockLimits.mloiData',
        'ssc.reportDensitySupport.densities',
        'ssc.reportDensitySupport.mediumTypes',
      ]),
    );
  });

  it('the registry finds the tape form of 08h for device type 1', () => {
    const cdb = encodeRead6({ sili: true, fixed: false, transferLength: 65536, control: 0 });
    const found = lookupCommand(cdb, 1);
    expect(found.map((c) => c.name)).toContain('READ(6)');
    expect(found.every((c) => c.deviceTypes.length === 0 || c.deviceTypes.includes(1))).toBe(true);
    const described = describeCdb(encodeSpace6({ code: 1, count: -1, control: 0 }), 1);
    expect(described).toEqual([{ name: 'SPACE(6)', fields: { code: 1, count: -1, control: 0 } }]);
  });

  it('a reserved READ POSITION service action reaches the decoder and is rejected at byte 1', () => {
    const cdb = encodeReadPosition({ serviceAction: 6, allocationLength: 0, control: 0 });
    cdb[1] = 0x02;
    expectInvalidCdb(() => describeCdb(cdb, 1), 1, 4);
  });
});
