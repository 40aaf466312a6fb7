// Medium state and unit attentions (SPC-4 5.14, SSC-4): no medium is NOT READY, MEDIUM NOT PRESENT
// (3A/00); a medium change raises NOT READY TO READY CHANGE, MEDIUM MAY HAVE CHANGED (28/00) for
// every I_T nexus, reported once per nexus, not by INQUIRY, and returned by REQUEST SENSE.
import { block, expectGood, expectSense, KEY, openInProcessTape, Tape, type TapeTarget } from './support';

describe('SSC medium state and unit attentions', () => {
  let dut: TapeTarget;
  let t1: Tape;
  let t2: Tape;
  let t3: Tape;

  beforeEach(async () => {
    dut = await openInProcessTape();
    t1 = new Tape(dut.t1);
    t2 = new Tape(dut.t2);
    t3 = new Tape(dut.t3);
  });
  afterEach(async () => {
    await dut.close();
  });

  it('no medium: TEST UNIT READY, READ, WRITE and SPACE are NOT READY 3A/00 for every initiator', async () => {
    dut.control.removeCartridge();
    for (const t of [t1, t2]) {
      expectSense(await t.testUnitReady(), { key: KEY.NOT_READY, asc: 0x3a, ascq: 0x00 });
      expectSense(await t.read(10), { key: KEY.NOT_READY, asc: 0x3a, ascq: 0x00 });
      expectSense(await t.write(block(0, 10)), { key: KEY.NOT_READY, asc: 0x3a, ascq: 0x00 });
      expectSense(await t.space(0, 1), { key: KEY.NOT_READY, asc: 0x3a, ascq: 0x00 });
    }
    // Commands that do not touch the medium still work.
    expectGood(await t1.exec(Buffer.from([0x12, 0, 0, 0, 36, 0]), { dataInLength: 36 }));
    expectGood(await t1.modeSense(0x3f));
  });

  it('a new medium: 28/00 for every I_T nexus, reported once, then ready at BOP', async () => {
    dut.control.removeCartridge();
    dut.control.insertNewCartridge({ barcode: 'NEW001L8' });
    for (const t of [t1, t2, t3]) {
      expectSense(await t.testUnitReady(), { key: KEY.UNIT_ATTENTION, asc: 0x28, ascq: 0x00 });
      expectGood(await t.testUnitReady());
    }
    expect((await t1.readPositionShort()).bop).toBe(true);
    expectSense(await t1.read(10), { key: KEY.BLANK_CHECK, asc: 0, ascq: 5, information: 10 });
  });

  it('the unit attention is reported instead of executing the command (nothing is written)', async () => {
    dut.control.removeCartridge();
    dut.control.insertNewCartridge();
    expectSense(await t1.write(block(0, 10)), { key: KEY.UNIT_ATTENTION, asc: 0x28, ascq: 0x00 });
    expect(await t1.position()).toBe(0);
  });

  it('INQUIRY does not report or clear it; REQUEST SENSE returns it as data and clears it', async () => {
    dut.control.removeCartridge();
    dut.control.insertNewCartridge();
    expectGood(await t1.exec(Buffer.from([0x12, 0, 0, 0, 36, 0]), { dataInLength: 36 }));
    const s = await t1.requestSense();
    expect(s[0] & 0x7f).toBe(0x70);
    expect([s[2] & 0x0f, s[12], s[13]]).toEqual([KEY.UNIT_ATTENTION, 0x28, 0x00]);
    expectGood(await t1.testUnitReady());
    // REQUEST SENSE with nothing pending: NO SENSE.
    const none = await t1.requestSense();
    expect([none[2] & 0x0f, none[12], none[13]]).toEqual([KEY.NO_SENSE, 0, 0]);
  });

  it('the first cartridge keeps its data across a change', async () => {
    await t1.writeLayout([123, 'F', 45]);
    const first = dut.control.removeCartridge();
    dut.control.insertNewCartridge();
    expectSense(await t1.testUnitReady(), { key: KEY.UNIT_ATTENTION, asc: 0x28, ascq: 0x00 });
    expectGood(await t1.write(block(99, 10)));
    dut.control.removeCartridge();
    dut.control.reinsertCartridge(first);
    expectSense(await t1.testUnitReady(), { key: KEY.UNIT_ATTENTION, asc: 0x28, ascq: 0x00 });
    const r = await t1.read(123);
    expectGood(r);
    expect(r.dataIn.equals(block(0, 123))).toBe(true);
    expectSense(await t1.read(123), { key: KEY.NO_SENSE, asc: 0, ascq: 1, filemark: true, information: 123 });
    expect((await t1.read(45)).dataIn.equals(block(2, 45))).toBe(true);
  });

  it('a nexus that logged out and back in gets POWER ON, RESET (29/00) instead', async () => {
    dut.control.nexusLoss(dut.t2);
    expectSense(await t2.testUnitReady(), { key: KEY.UNIT_ATTENTION, asc: 0x29, ascq: 0x00 });
    expectGood(await t2.testUnitReady());
  });
});
