// LOCATE(10) and LOCATE(16) (SSC-4 6.3, 7.4): the logical object identifier counts blocks and filemarks
// from BOP (first object 0); DEST_TYPE selects objects, files or end of data; a destination beyond
// EOD is BLANK CHECK, 00/05, positioned at EOD.
import { LocateDestType } from '../../../cdb/ssc';
import { block, expectGood, expectInvalidCdb, expectSense, KEY, useInProcessTape } from './support';

// Objects: 0 block, 1 FM, 2 block, 3 block, 4 FM, 5 block; EOD = 6.
const LAYOUT: (number | 'F')[] = [30, 'F', 40, 50, 'F', 60];
const EOD = 6;

describe('SSC LOCATE', () => {
  const f = useInProcessTape({
    setup: async (tape) => {
      await tape.writeLayout(LAYOUT);
    },
  });

  it('LOCATE(10) to an object: filemarks count as objects', async () => {
    expectGood(await f.tape.locate10(3));
    const p = await f.tape.readPositionLong();
    expect(p.logicalObjectNumber).toBe(3n);
    expect(p.logicalFileIdentifier).toBe(1n);
    const r = await f.tape.read(50);
    expectGood(r);
    expect(r.dataIn.equals(block(3, 50))).toBe(true);
  });

  it('LOCATE(10) to a filemark: the next READ reports it', async () => {
    expectGood(await f.tape.locate10(1));
    expectSense(await f.tape.read(30), {
      key: KEY.NO_SENSE,
      asc: 0,
      ascq: 1,
      filemark: true,
      information: 30,
    });
  });

  it('LOCATE(10) to EOD itself is GOOD', async () => {
    expectGood(await f.tape.locate10(0));
    expectGood(await f.tape.locate10(EOD));
    expect(await f.tape.position()).toBe(EOD);
  });

  it('LOCATE(10) beyond EOD: BLANK CHECK, 00/05, positioned at EOD', async () => {
    expectGood(await f.tape.rewind());
    const r = await f.tape.locate10(10);
    expectSense(r, { key: KEY.BLANK_CHECK, asc: 0x00, ascq: 0x05 });
    expect(await f.tape.position()).toBe(EOD);
  });

  it('LOCATE(10) with CP=1 to a partition that does not exist is INVALID FIELD IN CDB', async () => {
    expectGood(await f.tape.locate10(2));
    expectInvalidCdb(await f.tape.locate10(0, { cp: true, partition: 1 }));
    expect(await f.tape.position()).toBe(2);
  });

  it('LOCATE(16) DEST_TYPE object', async () => {
    expectGood(await f.tape.locate16(LocateDestType.LOGICAL_OBJECT, 5n));
    const r = await f.tape.read(60);
    expect(r.dataIn.equals(block(5, 60))).toBe(true);
  });

  it('LOCATE(16) DEST_TYPE file: to just after the file-th filemark (file 0 at BOP)', async () => {
    expectGood(await f.tape.locate16(LocateDestType.LOGICAL_FILE, 2n));
    expect(await f.tape.position()).toBe(5);
    expectGood(await f.tape.locate16(LocateDestType.LOGICAL_FILE, 1n));
    expect(await f.tape.position()).toBe(2);
    expectGood(await f.tape.locate16(LocateDestType.LOGICAL_FILE, 0n));
    expect(await f.tape.position()).toBe(0);
  });

  it('LOCATE(16) to a file that does not exist: BLANK CHECK 00/05 at EOD', async () => {
    expectGood(await f.tape.rewind());
    expectSense(await f.tape.locate16(LocateDestType.LOGICAL_FILE, 3n), {
      key: KEY.BLANK_CHECK,
      asc: 0,
      ascq: 5,
    });
    expect(await f.tape.position()).toBe(EOD);
  });

  it('LOCATE(16) DEST_TYPE end of data', async () => {
    expectGood(await f.tape.rewind());
    expectGood(await f.tape.locate16(LocateDestType.END_OF_DATA, 0n));
    expect(await f.tape.position()).toBe(EOD);
  });

  it('LOCATE(16) beyond EOD with a 64-bit identifier: BLANK CHECK at EOD', async () => {
    expectGood(await f.tape.rewind());
    expectSense(await f.tape.locate16(LocateDestType.LOGICAL_OBJECT, 1n << 60n), {
      key: KEY.BLANK_CHECK,
      asc: 0,
      ascq: 5,
    });
    expect(await f.tape.position()).toBe(EOD);
  });

  it('LOCATE(16) with the obsolete DEST_TYPE 010b is INVALID FIELD IN CDB', async () => {
    const cdb = Buffer.alloc(16);
    cdb[0] = 0x92;
    cdb[1] = 0x02 << 3;
    expectInvalidCdb(await f.tape.exec(cdb));
  });
});
