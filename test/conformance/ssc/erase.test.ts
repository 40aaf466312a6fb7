// ERASE(6) (SSC-4 6.2) from the current position, and write protection: a write-protected medium
// answers every write with DATA PROTECT, WRITE PROTECTED (27/00).
import { SpaceCode } from '../../../cdb/ssc';
import { block, expectGood, expectSense, KEY, useInProcessTape } from './support';

describe('SSC ERASE and write protection', () => {
  const f = useInProcessTape({
    setup: async (tape) => {
      await tape.writeLayout([100, 100, 100, 100]);
    },
  });

  it('ERASE at an object: EOD is there, what came before stays', async () => {
    expectGood(await f.tape.locate10(2));
    expectGood(await f.tape.erase());
    expect(await f.tape.position()).toBe(2);
    expectGood(await f.tape.space(SpaceCode.END_OF_DATA, 0));
    expect(await f.tape.position()).toBe(2);
    expectSense(await f.tape.read(100), { key: KEY.BLANK_CHECK, asc: 0, ascq: 5, information: 100 });
    expectGood(await f.tape.locate10(1));
    const r = await f.tape.read(100);
    expect(r.dataIn.equals(block(1, 100))).toBe(true);
  });

  it('ERASE LONG=1 at BOP erases everything', async () => {
    expectGood(await f.tape.rewind());
    expectGood(await f.tape.erase(true));
    expectSense(await f.tape.read(100), { key: KEY.BLANK_CHECK, asc: 0, ascq: 5, information: 100 });
    expectGood(await f.tape.space(SpaceCode.END_OF_DATA, 0));
    expect(await f.tape.position()).toBe(0);
  });

  it('write-protected medium: WRITE, WRITE FILEMARKS and ERASE are DATA PROTECT 27/00; data unchanged', async () => {
    f.dut.control.setWriteProtected(true);
    expectGood(await f.tape.locate10(1));
    expectSense(await f.tape.write(block(9, 10)), { key: KEY.DATA_PROTECT, asc: 0x27, ascq: 0x00 });
    expectSense(await f.tape.writeFilemarks(1), { key: KEY.DATA_PROTECT, asc: 0x27, ascq: 0x00 });
    expectSense(await f.tape.erase(), { key: KEY.DATA_PROTECT, asc: 0x27, ascq: 0x00 });
    expect(await f.tape.position()).toBe(1);
    // Reading works and nothing was cut.
    expectGood(await f.tape.space(SpaceCode.END_OF_DATA, 0));
    expect(await f.tape.position()).toBe(4);
    expectGood(await f.tape.locate10(3));
    expect((await f.tape.read(100)).dataIn.equals(block(3, 100))).toBe(true);
    f.dut.control.setWriteProtected(false);
    expectGood(await f.tape.write(block(4, 10)));
  });
});
