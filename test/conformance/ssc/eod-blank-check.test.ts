// End of data and unreadable objects (SSC-4 6.4): READ at EOD is BLANK CHECK, END-OF-DATA
// DETECTED with EOM clear; a damaged object is MEDIUM ERROR, UNRECOVERED READ ERROR.
import { block, expectGood, expectSense, KEY, useInProcessTape } from './support';

describe('SSC end of data and read errors', () => {
  const f = useInProcessTape();

  it('READ on a blank tape: BLANK CHECK, 00/05, EOM clear, INFORMATION = requested, position unchanged', async () => {
    const r = await f.tape.read(512);
    expectSense(r, { key: KEY.BLANK_CHECK, asc: 0x00, ascq: 0x05, eom: false, information: 512 });
    expect(r.dataIn.length).toBe(0);
    expect(await f.tape.position()).toBe(0);
  });

  it('READ past the last block: BLANK CHECK at EOD, position stays at EOD', async () => {
    await f.tape.writeLayout([100, 100]);
    expectGood(await f.tape.rewind());
    expectGood(await f.tape.read(100));
    expectGood(await f.tape.read(100));
    expectSense(await f.tape.read(100), {
      key: KEY.BLANK_CHECK,
      asc: 0,
      ascq: 5,
      eom: false,
      information: 100,
    });
    expectSense(await f.tape.read(100), {
      key: KEY.BLANK_CHECK,
      asc: 0,
      ascq: 5,
      eom: false,
      information: 100,
    });
    expect(await f.tape.position()).toBe(2);
  });

  it('fixed mode READ reaching EOD: blocks read are transferred, INFORMATION = blocks not read', async () => {
    await f.tape.setBlockLength(128);
    expectGood(await f.tape.writeFixed(3, Buffer.concat([0, 1, 2].map((i) => block(i, 128)))));
    expectGood(await f.tape.rewind());
    const r = await f.tape.read(5, { fixed: true, blockLength: 128 });
    expectSense(r, { key: KEY.BLANK_CHECK, asc: 0, ascq: 5, eom: false, information: 2 });
    expect(r.dataIn.equals(Buffer.concat([0, 1, 2].map((i) => block(i, 128))))).toBe(true);
    expect(r.residual).toBe(2 * 128);
    expect(await f.tape.position()).toBe(3);
  });

  it('a filemark before EOD is reported first, then EOD', async () => {
    await f.tape.writeLayout([10, 'F']);
    expectGood(await f.tape.rewind());
    expectGood(await f.tape.read(10));
    expectSense(await f.tape.read(10), {
      key: KEY.NO_SENSE,
      asc: 0,
      ascq: 1,
      filemark: true,
      information: 10,
    });
    expectSense(await f.tape.read(10), { key: KEY.BLANK_CHECK, asc: 0, ascq: 5, information: 10 });
  });

  it('an object with a medium error: 03/11/00 with INFORMATION, the position moves past it', async () => {
    await f.tape.writeLayout([50, 60, 70]);
    f.dut.control.injectMediumError(1);
    expectGood(await f.tape.rewind());
    expectGood(await f.tape.read(50));
    const r = await f.tape.read(60);
    expectSense(r, { key: KEY.MEDIUM_ERROR, asc: 0x11, ascq: 0x00, information: 60 });
    expect(r.dataIn.length).toBe(0);
    expect(await f.tape.position()).toBe(2);
    const next = await f.tape.read(70);
    expectGood(next);
    expect(next.dataIn.equals(block(2, 70))).toBe(true);
  });

  it('fixed mode READ over a medium error: blocks before it are transferred, INFORMATION = residue', async () => {
    await f.tape.setBlockLength(64);
    expectGood(await f.tape.writeFixed(4, Buffer.concat([0, 1, 2, 3].map((i) => block(i, 64)))));
    f.dut.control.injectMediumError(2);
    expectGood(await f.tape.rewind());
    const r = await f.tape.read(4, { fixed: true, blockLength: 64 });
    expectSense(r, { key: KEY.MEDIUM_ERROR, asc: 0x11, ascq: 0x00, information: 2 });
    expect(r.dataIn.equals(Buffer.concat([block(0, 64), block(1, 64)]))).toBe(true);
    expect(await f.tape.position()).toBe(3);
  });
});
