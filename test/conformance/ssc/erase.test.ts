// ERASE(6) (SSC-4 6.2) from the current position, and write protection: a write-protected medium
// answers every write with DATA PROTECT, WRITE PROTECTED (27/00).
import { SpaceCode } from '../../../cdb/ssc';
import { block, expectGood, expectSense, KEY, openInProcessTape, Tape, type TapeTarget } from './support';

describe('SSC ERASE and write protection', () => {
  let dut: TapeTarget;
  let tape: Tape;

  beforeEach(async () => {
    dut = await openInProcessTape();
    tape = new Tape(dut.t1);
    await tape.writeLayout([100, 100, 100, 100]);
  });
  afterEach(async () => {
    await dut.close();
  });

  it('ERASE at an object: EOD is there, what came before stays', async () => {
    expectGood(await tape.locate10(2));
    expectGood(await tape.erase());
    expect(await tape.position()).toBe(2);
    expectGood(await tape.space(SpaceCode.END_OF_DATA, 0));
    expect(await tape.position()).toBe(2);
    expectSense(await tape.read(100), { key: KEY.BLANK_CHECK, asc: 0, ascq: 5, information: 100 });
    expectGood(await tape.locate10(1));
    const r = await tape.read(100);
    expect(r.dataIn.equals(block(1, 100))).toBe(true);
  });

  it('ERASE LONG=1 at BOP erases everything', async () => {
    expectGood(await tape.rewind());
    expectGood(await tape.erase(true));
    expectSense(await tape.read(100), { key: KEY.BLANK_CHECK, asc: 0, ascq: 5, information: 100 });
    expectGood(await tape.space(SpaceCode.END_OF_DATA, 0));
    expect(await tape.position()).toBe(0);
  });

  it('write-protected medium: WRITE, WRITE FILEMARKS and ERASE are DATA PROTECT 27/00; data unchanged', async () => {
    dut.control.setWriteProtected(true);
    expectGood(await tape.locate10(1));
    expectSense(await tape.write(block(9, 10)), { key: KEY.DATA_PROTECT, asc: 0x27, ascq: 0x00 });
    expectSense(await tape.writeFilemarks(1), { key: KEY.DATA_PROTECT, asc: 0x27, ascq: 0x00 });
    expectSense(await tape.erase(), { key: KEY.DATA_PROTECT, asc: 0x27, ascq: 0x00 });
    expect(await tape.position()).toBe(1);
    // Reading works and nothing was cut.
    expectGood(await tape.space(SpaceCode.END_OF_DATA, 0));
    expect(await tape.position()).toBe(4);
    expectGood(await tape.locate10(3));
    expect((await tape.read(100)).dataIn.equals(block(3, 100))).toBe(true);
    dut.control.setWriteProtected(false);
    expectGood(await tape.write(block(4, 10)));
  });
});
