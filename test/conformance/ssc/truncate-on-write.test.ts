// A write in the middle of the medium makes that point the new end of data (SSC-4 sequential-access model): what
// followed is gone, what preceded is intact.
import { SpaceCode } from '../../../cdb/ssc';
import { block, expectGood, expectSense, KEY, useInProcessTape } from './support';

describe('SSC write in the middle truncates', () => {
  const f = useInProcessTape({
    setup: async (tape) => {
      await tape.writeLayout([100, 100, 100, 'F', 100, 100]);
    },
  });

  it('WRITE after LOCATE: the written block is the last object, EOD follows it', async () => {
    expectGood(await f.tape.locate10(2));
    const x = Buffer.alloc(33, 0xab);
    expectGood(await f.tape.write(x));
    expect(await f.tape.position()).toBe(3);
    expectGood(await f.tape.space(SpaceCode.END_OF_DATA, 0));
    expect(await f.tape.position()).toBe(3);
    expectSense(await f.tape.locate10(4), { key: KEY.BLANK_CHECK, asc: 0, ascq: 5 });
    expectGood(await f.tape.rewind());
    for (const i of [0, 1]) {
      const r = await f.tape.read(100);
      expectGood(r);
      expect(r.dataIn.equals(block(i, 100))).toBe(true);
    }
    const r = await f.tape.read(100);
    expectSense(r, { key: KEY.NO_SENSE, asc: 0, ascq: 0, ili: true, information: 67 });
    expect(r.dataIn.equals(x)).toBe(true);
    expectSense(await f.tape.read(100), { key: KEY.BLANK_CHECK, asc: 0, ascq: 5, information: 100 });
  });

  it('WRITE FILEMARKS in the middle truncates too', async () => {
    expectGood(await f.tape.locate10(1));
    expectGood(await f.tape.writeFilemarks(1));
    const p = await f.tape.readPositionLong();
    expect(p.logicalObjectNumber).toBe(2n);
    expect(p.logicalFileIdentifier).toBe(1n);
    expectGood(await f.tape.rewind());
    expectGood(await f.tape.space(SpaceCode.FILEMARKS, 1));
    expect(await f.tape.position()).toBe(2);
    expectSense(await f.tape.space(SpaceCode.LOGICAL_BLOCKS, 1), {
      key: KEY.BLANK_CHECK,
      asc: 0,
      ascq: 5,
      information: 1,
    });
  });

  it('appending at EOD keeps everything', async () => {
    expectGood(await f.tape.space(SpaceCode.END_OF_DATA, 0));
    expectGood(await f.tape.write(block(6, 100)));
    expectGood(await f.tape.locate10(5));
    const r = await f.tape.read(100);
    expect(r.dataIn.equals(block(5, 100))).toBe(true);
    const s = await f.tape.read(100);
    expect(s.dataIn.equals(block(6, 100))).toBe(true);
  });
});
