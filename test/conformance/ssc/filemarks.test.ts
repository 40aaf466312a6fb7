// Filemarks (SSC-4 6.4, 6.9): WRITE FILEMARKS(6), a READ meeting a filemark, the logical file
// identifier, WRITE FILEMARKS with a zero count.
import { block, expectGood, expectInvalidCdb, expectSense, KEY, useInProcessTape } from './support';

describe('SSC filemarks', () => {
  const f = useInProcessTape();

  it('READ at a filemark: NO SENSE, FILEMARK, 00/01, INFORMATION = requested length, position after the mark', async () => {
    await f.tape.writeLayout([64, 'F', 80]);
    expectGood(await f.tape.rewind());
    expectGood(await f.tape.read(64));
    const r = await f.tape.read(64);
    expectSense(r, { key: KEY.NO_SENSE, asc: 0x00, ascq: 0x01, filemark: true, information: 64 });
    expect(r.dataIn.length).toBe(0);
    expect(await f.tape.position()).toBe(2);
    // The next READ gets the block after the filemark.
    const next = await f.tape.read(80);
    expectGood(next);
    expect(next.dataIn.equals(block(2, 80))).toBe(true);
  });

  it('fixed mode READ meeting a filemark: blocks before it are transferred, INFORMATION = blocks not read', async () => {
    await f.tape.setBlockLength(256);
    expectGood(await f.tape.writeFixed(2, Buffer.concat([block(0, 256), block(1, 256)])));
    expectGood(await f.tape.writeFilemarks(1));
    expectGood(await f.tape.writeFixed(1, block(3, 256)));
    expectGood(await f.tape.rewind());
    const r = await f.tape.read(5, { fixed: true, blockLength: 256 });
    expectSense(r, { key: KEY.NO_SENSE, asc: 0x00, ascq: 0x01, filemark: true, information: 3 });
    expect(r.dataIn.equals(Buffer.concat([block(0, 256), block(1, 256)]))).toBe(true);
    expect(await f.tape.position()).toBe(3);
  });

  it('WRITE FILEMARKS(6) writes COUNT filemarks; each is one logical object and starts a new file', async () => {
    await f.tape.writeLayout([10]);
    expectGood(await f.tape.writeFilemarks(2));
    const p = await f.tape.readPositionLong();
    expect(p.logicalObjectNumber).toBe(3n);
    expect(p.logicalFileIdentifier).toBe(2n);
    expectGood(await f.tape.rewind());
    expectGood(await f.tape.read(10));
    expectSense(await f.tape.read(10), {
      key: KEY.NO_SENSE,
      asc: 0,
      ascq: 1,
      filemark: true,
      information: 10,
    });
    expectSense(await f.tape.read(10), {
      key: KEY.NO_SENSE,
      asc: 0,
      ascq: 1,
      filemark: true,
      information: 10,
    });
    expect((await f.tape.readPositionLong()).logicalFileIdentifier).toBe(2n);
  });

  it('WRITE FILEMARKS with count 0 writes nothing and does not move (flush only)', async () => {
    await f.tape.writeLayout([10, 20]);
    expectGood(await f.tape.writeFilemarks(0));
    expect(await f.tape.position()).toBe(2);
    expectGood(await f.tape.rewind());
    expectGood(await f.tape.read(10));
    expectGood(await f.tape.read(20));
    expectSense(await f.tape.read(20), { key: KEY.BLANK_CHECK, asc: 0, ascq: 5, information: 20 });
  });

  it('WSMK=1 (setmarks) is INVALID FIELD IN CDB', async () => {
    expectInvalidCdb(await f.tape.writeFilemarks(1, { wsmk: true }));
    expect(await f.tape.position()).toBe(0);
  });
});
