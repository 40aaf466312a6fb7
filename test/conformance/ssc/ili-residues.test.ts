// Incorrect length (SSC-4 6.4): a variable READ of a block shorter or longer than requested, SILI,
// fixed-block mode with a block of another length. Data-in and sense come in the same response.
import { encodeModeSelect6 } from '../../../cdb/spc/mode-select';
import { decodeSense } from '../../../cdb/spc/sense';
import { block, expectGood, expectSense, GOOD, KEY, useInProcessTape } from './support';

describe('SSC incorrect length indication and residues', () => {
  const f = useInProcessTape();

  it('short block: CHECK CONDITION, NO SENSE, ILI, VALID, INFORMATION = requested - actual, with the data', async () => {
    expectGood(await f.tape.write(block(0, 100)));
    expectGood(await f.tape.write(block(1, 100)));
    expectGood(await f.tape.rewind());
    const r = await f.tape.read(150);
    expectSense(r, { key: KEY.NO_SENSE, asc: 0x00, ascq: 0x00, ili: true, information: 50 });
    // Data-in and sense in one response: the 100 bytes of the block, an underrun of 50.
    expect(r.dataIn.equals(block(0, 100))).toBe(true);
    expect(r.residual).toBe(50);
    // The position is after the short block.
    expect(await f.tape.position()).toBe(1);
  });

  it('short block with SILI=1: GOOD with a data-in residual, no sense', async () => {
    expectGood(await f.tape.write(block(0, 100)));
    expectGood(await f.tape.rewind());
    const r = await f.tape.read(150, { sili: true });
    expect(r.status).toBe(GOOD);
    expect(r.sense.length).toBe(0);
    expect(r.dataIn.equals(block(0, 100))).toBe(true);
    expect(r.residual).toBe(50);
    expect(await f.tape.position()).toBe(1);
  });

  it('long block: ILI with negative INFORMATION, data truncated, position after the block', async () => {
    expectGood(await f.tape.write(block(0, 300)));
    expectGood(await f.tape.write(block(1, 40)));
    expectGood(await f.tape.rewind());
    const r = await f.tape.read(200);
    expectSense(r, { key: KEY.NO_SENSE, asc: 0x00, ascq: 0x00, ili: true, information: -100 });
    // Fixed-format INFORMATION holds the two's complement of -100.
    expect(r.sense.readUInt32BE(3)).toBe(0xffffff9c);
    expect(r.dataIn.equals(block(0, 300).subarray(0, 200))).toBe(true);
    expect(r.residual).toBe(0);
    expect(await f.tape.position()).toBe(1);
    const next = await f.tape.read(40);
    expectGood(next);
    expect(next.dataIn.equals(block(1, 40))).toBe(true);
  });

  it('long block with SILI=1 in variable-block mode is GOOD, truncated (SSC-3 READ(6): no overlength report)', async () => {
    expectGood(await f.tape.write(block(0, 300)));
    expectGood(await f.tape.rewind());
    const r = await f.tape.read(200, { sili: true });
    expect(r.status).toBe(GOOD);
    expect(r.dataIn.equals(block(0, 300).subarray(0, 200))).toBe(true);
    expect(await f.tape.position()).toBe(1);
  });

  it('long block with SILI=1 while a fixed block length is set still reports ILI', async () => {
    expectGood(await f.tape.write(block(0, 300)));
    await f.tape.setBlockLength(512);
    expectGood(await f.tape.rewind());
    const r = await f.tape.read(200, { sili: true });
    expectSense(r, { key: KEY.NO_SENSE, asc: 0, ascq: 0, ili: true, information: -100 });
  });

  it('fixed mode, a block of another length: ILI, INFORMATION = blocks not read, good blocks transferred', async () => {
    await f.tape.setBlockLength(512);
    expectGood(await f.tape.writeFixed(2, Buffer.concat([block(0, 512), block(1, 512)])));
    expectGood(await f.tape.write(block(2, 100))); // a variable block amid fixed ones
    expectGood(await f.tape.writeFixed(1, block(3, 512)));
    expectGood(await f.tape.rewind());
    const r = await f.tape.read(4, { fixed: true, blockLength: 512 });
    // Two blocks transferred; the incorrect-length block is not counted: INFORMATION 4 - 2.
    expectSense(r, { key: KEY.NO_SENSE, asc: 0, ascq: 0, ili: true, information: 2 });
    expect(r.dataIn.equals(Buffer.concat([block(0, 512), block(1, 512)]))).toBe(true);
    // Positioned after the incorrect-length block.
    expect(await f.tape.position()).toBe(3);
  });

  it('descriptor-format sense (D_SENSE=1): stream commands descriptor with ILI and a 64-bit INFORMATION', async () => {
    // Control mode page with D_SENSE set (byte 2 bit 2).
    const control = Buffer.from([0x0a, 0x0a, 0x04, 0x10, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00]);
    const data = Buffer.concat([Buffer.from([0, 0, 0x10, 0]), control]);
    expectGood(
      await f.tape.exec(
        encodeModeSelect6({ pf: true, rtd: false, sp: false, parameterListLength: data.length, control: 0 }),
        {
          dataOut: data,
        },
      ),
    );
    expectGood(await f.tape.write(block(0, 300)));
    expectGood(await f.tape.rewind());
    const r = await f.tape.read(200);
    expect(r.sense[0]).toBe(0x72);
    const s = decodeSense(r.sense);
    expect(s.information).toBe(BigInt.asUintN(64, -100n));
    expectSense(r, { key: KEY.NO_SENSE, asc: 0, ascq: 0, ili: true, information: -100 });
  });
});
