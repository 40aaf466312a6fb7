// SPACE(6) and SPACE(16) (SSC-4 6.6 and the SPACE(16) clause): blocks, filemarks, sequential filemarks and end of data,
// forward and reverse, with the stop rules: a filemark ends a block space (FILEMARK, 00/01, the
// residue not counting the mark, the position past it in the direction of travel), EOD is BLANK
// CHECK 00/05, running into BOP is EOM with 00/04.
import { encodeModeSelect6 } from '../../../cdb/spc/mode-select';
import { SpaceCode } from '../../../cdb/ssc';
import {
  block,
  expectGood,
  expectInvalidCdb,
  expectSense,
  KEY,
  openInProcessTape,
  Tape,
  type TapeTarget,
} from './support';

// Objects: 0 1 2 = blocks, 3 = FM, 4 5 = blocks, 6 7 = FM FM, 8 = block; EOD = 9.
const LAYOUT: (number | 'F')[] = [100, 100, 100, 'F', 100, 100, 'F', 'F', 100];
const EOD = 9;

describe('SSC SPACE', () => {
  let dut: TapeTarget;
  let tape: Tape;

  beforeEach(async () => {
    dut = await openInProcessTape();
    tape = new Tape(dut.t1);
    await tape.writeLayout(LAYOUT);
    expectGood(await tape.rewind());
  });
  afterEach(async () => {
    await dut.close();
  });

  const at = async (objectId: number): Promise<void> => expectGood(await tape.locate10(objectId));

  describe('blocks', () => {
    it('forward within a file: GOOD, position moves by COUNT', async () => {
      expectGood(await tape.space(SpaceCode.LOGICAL_BLOCKS, 2));
      expect(await tape.position()).toBe(2);
      const r = await tape.read(100);
      expect(r.dataIn.equals(block(2, 100))).toBe(true);
    });

    it('forward into a filemark: FILEMARK, 00/01, residue without the mark, position after the mark', async () => {
      const r = await tape.space(SpaceCode.LOGICAL_BLOCKS, 5);
      expectSense(r, { key: KEY.NO_SENSE, asc: 0x00, ascq: 0x01, filemark: true, information: 2 });
      expect(await tape.position()).toBe(4);
      expect((await tape.readPositionLong()).logicalFileIdentifier).toBe(1n);
    });

    it('reverse into a filemark: FILEMARK, 00/01, residue, position on the BOP side of the mark', async () => {
      await at(6);
      const r = await tape.space(SpaceCode.LOGICAL_BLOCKS, -3);
      expectSense(r, { key: KEY.NO_SENSE, asc: 0x00, ascq: 0x01, filemark: true, information: 1 });
      expect(await tape.position()).toBe(3);
    });

    it('reverse into BOP: NO SENSE, EOM, 00/04 BEGINNING-OF-PARTITION/MEDIUM DETECTED, residue', async () => {
      await at(2);
      const r = await tape.space(SpaceCode.LOGICAL_BLOCKS, -5);
      expectSense(r, { key: KEY.NO_SENSE, asc: 0x00, ascq: 0x04, eom: true, information: 3 });
      expect(await tape.position()).toBe(0);
    });

    it('forward into EOD: BLANK CHECK, 00/05, residue, EOM clear, position at EOD', async () => {
      await at(8);
      const r = await tape.space(SpaceCode.LOGICAL_BLOCKS, 3);
      expectSense(r, { key: KEY.BLANK_CHECK, asc: 0x00, ascq: 0x05, eom: false, information: 2 });
      expect(await tape.position()).toBe(EOD);
    });

    it('COUNT 0 does not move', async () => {
      await at(5);
      expectGood(await tape.space(SpaceCode.LOGICAL_BLOCKS, 0));
      expect(await tape.position()).toBe(5);
    });
  });

  describe('filemarks', () => {
    it('forward: ends on the EOM side of the COUNT-th filemark', async () => {
      expectGood(await tape.space(SpaceCode.FILEMARKS, 2));
      expect(await tape.position()).toBe(7);
      expectGood(await tape.space(SpaceCode.FILEMARKS, 1));
      expect(await tape.position()).toBe(8);
    });

    it('forward into EOD: BLANK CHECK 00/05, INFORMATION = filemarks not spaced', async () => {
      await at(4);
      const r = await tape.space(SpaceCode.FILEMARKS, 4);
      expectSense(r, { key: KEY.BLANK_CHECK, asc: 0, ascq: 5, information: 2 });
      expect(await tape.position()).toBe(EOD);
    });

    it('reverse: ends on the BOP side of the COUNT-th filemark met', async () => {
      await at(EOD);
      expectGood(await tape.space(SpaceCode.FILEMARKS, -1));
      expect(await tape.position()).toBe(7);
      await at(EOD);
      expectGood(await tape.space(SpaceCode.FILEMARKS, -3));
      expect(await tape.position()).toBe(3);
    });

    it('reverse into BOP: EOM, 00/04, INFORMATION = filemarks not spaced', async () => {
      await at(5);
      const r = await tape.space(SpaceCode.FILEMARKS, -2);
      expectSense(r, { key: KEY.NO_SENSE, asc: 0, ascq: 4, eom: true, information: 1 });
      expect(await tape.position()).toBe(0);
    });
  });

  describe('sequential filemarks', () => {
    it('forward to the first run of COUNT consecutive filemarks', async () => {
      expectGood(await tape.space(SpaceCode.SEQUENTIAL_FILEMARKS, 2));
      expect(await tape.position()).toBe(8);
    });

    it('no such run ahead: BLANK CHECK 00/05 at EOD, INFORMATION = COUNT', async () => {
      const r = await tape.space(SpaceCode.SEQUENTIAL_FILEMARKS, 3);
      expectSense(r, { key: KEY.BLANK_CHECK, asc: 0, ascq: 5, information: 3 });
      expect(await tape.position()).toBe(EOD);
    });

    it('reverse to the run, BOP side; no run behind: EOM, 00/04 at BOP', async () => {
      await at(EOD);
      expectGood(await tape.space(SpaceCode.SEQUENTIAL_FILEMARKS, -2));
      expect(await tape.position()).toBe(6);
      const r = await tape.space(SpaceCode.SEQUENTIAL_FILEMARKS, -2);
      expectSense(r, { key: KEY.NO_SENSE, asc: 0, ascq: 4, eom: true, information: 2 });
      expect(await tape.position()).toBe(0);
    });
  });

  it('end of data: after the last object, whatever the COUNT', async () => {
    expectGood(await tape.space(SpaceCode.END_OF_DATA, -7));
    expect(await tape.position()).toBe(EOD);
    // A write there appends.
    expectGood(await tape.write(block(EOD, 10)));
    expect(await tape.position()).toBe(EOD + 1);
  });

  it('SPACE(16): same rules with a 64-bit COUNT', async () => {
    expectGood(await tape.space16(SpaceCode.LOGICAL_BLOCKS, 2n));
    expect(await tape.position()).toBe(2);
    const r = await tape.space16(SpaceCode.LOGICAL_BLOCKS, -5n);
    expectSense(r, { key: KEY.NO_SENSE, asc: 0, ascq: 4, eom: true, information: 3 });
    expectGood(await tape.space16(SpaceCode.FILEMARKS, 2n));
    expect(await tape.position()).toBe(7);
  });

  it('SPACE(16) residue wider than 32 bits: fixed sense has VALID=0, descriptor sense carries it', async () => {
    const huge = 1n << 40n;
    const fixed = await tape.space16(SpaceCode.LOGICAL_BLOCKS, huge);
    expectSense(fixed, { key: KEY.NO_SENSE, asc: 0, ascq: 1, filemark: true, information: null });
    // D_SENSE=1 in the control mode page.
    const control = Buffer.from([0x0a, 0x0a, 0x04, 0x10, 0, 0, 0, 0, 0xff, 0xff, 0, 0]);
    const data = Buffer.concat([Buffer.from([0, 0, 0x10, 0]), control]);
    expectGood(
      await tape.exec(
        encodeModeSelect6({ pf: true, rtd: false, sp: false, parameterListLength: data.length, control: 0 }),
        {
          dataOut: data,
        },
      ),
    );
    const desc = await tape.space16(SpaceCode.LOGICAL_BLOCKS, huge);
    expectSense(desc, { key: KEY.NO_SENSE, asc: 0, ascq: 1, filemark: true, information: huge - 2n });
  });

  it('obsolete setmark codes are INVALID FIELD IN CDB', async () => {
    expectInvalidCdb(await tape.exec(Buffer.from([0x11, 0x04, 0, 0, 1, 0])));
    expect(await tape.position()).toBe(0);
  });
});
