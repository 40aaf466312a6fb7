// A write in the middle of the medium makes that point the new end of data (SSC-4 sequential-access model): what
// followed is gone, what preceded is intact.
import { SpaceCode } from '../../../cdb/ssc';
import { block, expectGood, expectSense, KEY, openInProcessTape, Tape, type TapeTarget } from './support';

describe('SSC write in the middle truncates', () => {
  let dut: TapeTarget;
  let tape: Tape;

  beforeEach(async () => {
    dut = await openInProcessTape();
    tape = new Tape(dut.t1);
    await tape.writeLayout([100, 100, 100, 'F', 100, 100]);
  });
  afterEach(async () => {
    await dut.close();
  });

  it('WRITE after LOCATE: the written block is the last object, EOD follows it', async () => {
    expectGood(await tape.locate10(2));
    const x = Buffer.alloc(33, 0xab);
    expectGood(await tape.write(x));
    expect(await tape.position()).toBe(3);
    expectGood(await tape.space(SpaceCode.END_OF_DATA, 0));
    expect(await tape.position()).toBe(3);
    expectSense(await tape.locate10(4), { key: KEY.BLANK_CHECK, asc: 0, ascq: 5 });
    expectGood(await tape.rewind());
    for (const i of [0, 1]) {
      const r = await tape.read(100);
      expectGood(r);
      expect(r.dataIn.equals(block(i, 100))).toBe(true);
    }
    const r = await tape.read(100);
    expectSense(r, { key: KEY.NO_SENSE, asc: 0, ascq: 0, ili: true, information: 67 });
    expect(r.dataIn.equals(x)).toBe(true);
    expectSense(await tape.read(100), { key: KEY.BLANK_CHECK, asc: 0, ascq: 5, information: 100 });
  });

  it('WRITE FILEMARKS in the middle truncates too', async () => {
    expectGood(await tape.locate10(1));
    expectGood(await tape.writeFilemarks(1));
    const p = await tape.readPositionLong();
    expect(p.logicalObjectNumber).toBe(2n);
    expect(p.logicalFileIdentifier).toBe(1n);
    expectGood(await tape.rewind());
    expectGood(await tape.space(SpaceCode.FILEMARKS, 1));
    expect(await tape.position()).toBe(2);
    expectSense(await tape.space(SpaceCode.LOGICAL_BLOCKS, 1), {
      key: KEY.BLANK_CHECK,
      asc: 0,
      ascq: 5,
      information: 1,
    });
  });

  it('appending at EOD keeps everything', async () => {
    expectGood(await tape.space(SpaceCode.END_OF_DATA, 0));
    expectGood(await tape.write(block(6, 100)));
    expectGood(await tape.locate10(5));
    const r = await tape.read(100);
    expect(r.dataIn.equals(block(5, 100))).toBe(true);
    const s = await tape.read(100);
    expect(s.dataIn.equals(block(6, 100))).toBe(true);
  });
});
