// Block modes (SSC-4 6.4, 6.8; block descriptor SSC-4 8.3): variable-block mode by default, fixed-block mode set
// through the MODE SELECT block descriptor, FIXED=1 without a block length, SILI with FIXED.
import { decodeSense } from '../../../cdb/spc/sense';
import { block, expectGood, expectInvalidCdb, expectSense, KEY, useInProcessTape } from './support';

describe('SSC block modes', () => {
  const f = useInProcessTape();

  it('starts in variable-block mode: block descriptor BLOCK LENGTH 0, NUMBER OF BLOCKS 0', async () => {
    const m = await f.tape.modeParameters(0x10);
    expect(m.blockDescriptors).toEqual([
      { kind: 'general', densityCode: 0x5e, numberOfBlocks: 0, blockLength: 0 },
    ]);
  });

  it('variable mode: each WRITE(6) is one block of TRANSFER LENGTH bytes, read back as written', async () => {
    const sizes = [1, 1000, 65536, 3];
    for (const [i, n] of sizes.entries()) expectGood(await f.tape.write(block(i, n)));
    expect(await f.tape.position()).toBe(4);
    expectGood(await f.tape.rewind());
    for (const [i, n] of sizes.entries()) {
      const r = await f.tape.read(n);
      expectGood(r);
      expect(r.dataIn.equals(block(i, n))).toBe(true);
      expect(r.residual).toBe(0);
    }
  });

  it('MODE SELECT block length 512 switches to fixed-block mode: FIXED=1 counts 512-byte blocks', async () => {
    await f.tape.setBlockLength(512);
    expect((await f.tape.modeParameters(0x10)).blockDescriptors[0]).toEqual({
      kind: 'general',
      densityCode: 0x5e,
      numberOfBlocks: 0,
      blockLength: 512,
    });
    const data = Buffer.concat([0, 1, 2, 3].map((i) => block(i, 512)));
    expectGood(await f.tape.writeFixed(4, data));
    // Four logical objects were written, one per 512-byte block.
    expect(await f.tape.position()).toBe(4);
    expectGood(await f.tape.rewind());
    const r = await f.tape.read(4, { fixed: true, blockLength: 512 });
    expectGood(r);
    expect(r.dataIn.equals(data)).toBe(true);
    // Block by block too: each object is one 512-byte block.
    expectGood(await f.tape.rewind());
    const one = await f.tape.read(512);
    expectGood(one);
    expect(one.dataIn.equals(block(0, 512))).toBe(true);
  });

  it('a variable READ (FIXED=0) still reads one block of the requested length in fixed-block mode', async () => {
    expectGood(await f.tape.write(block(0, 700)));
    await f.tape.setBlockLength(512);
    expectGood(await f.tape.rewind());
    const r = await f.tape.read(700);
    expectGood(r);
    expect(r.dataIn.equals(block(0, 700))).toBe(true);
  });

  it('FIXED=1 with SILI=1 on READ(6) is INVALID FIELD IN CDB, SILI bit in error (05/24/00)', async () => {
    await f.tape.setBlockLength(512);
    const r = await f.tape.read(1, { fixed: true, sili: true, blockLength: 512 });
    expectInvalidCdb(r);
    expect(decodeSense(r.sense).senseKeySpecific).toEqual({
      kind: 'fieldPointer',
      commandData: true,
      fieldPointer: 1,
      bitPointer: 1,
    });
  });

  it('FIXED=1 in variable-block mode is INVALID FIELD IN CDB for READ(6) and WRITE(6)', async () => {
    expectInvalidCdb(await f.tape.read(1, { fixed: true, blockLength: 512 }));
    const w = await f.tape.writeFixed(1, block(0, 512));
    expectInvalidCdb(w);
    expect(decodeSense(w.sense).senseKeySpecific).toEqual({
      kind: 'fieldPointer',
      commandData: true,
      fieldPointer: 1,
      bitPointer: 0,
    });
    // Nothing was written.
    expect(await f.tape.position()).toBe(0);
  });

  it('TRANSFER LENGTH 0 transfers nothing and does not move (READ and WRITE, both modes)', async () => {
    expectGood(await f.tape.write(block(0, 10)));
    expectGood(await f.tape.rewind());
    expectGood(await f.tape.read(0));
    expectGood(await f.tape.write(Buffer.alloc(0)));
    expect(await f.tape.position()).toBe(0);
    await f.tape.setBlockLength(512);
    expectGood(await f.tape.read(0, { fixed: true, blockLength: 512 }));
    expect(await f.tape.position()).toBe(0);
  });

  it('MODE SELECT back to block length 0 returns to variable-block mode', async () => {
    await f.tape.setBlockLength(1024);
    await f.tape.setBlockLength(0);
    expectInvalidCdb(await f.tape.read(1, { fixed: true, blockLength: 1024 }));
    expectGood(await f.tape.write(block(0, 77)));
  });

  it('a density code the mounted medium does not have is INVALID FIELD IN PARAMETER LIST (05/26/00)', async () => {
    const r = await f.tape.modeSelect({ blockDescriptor: { densityCode: 0x42, blockLength: 512 } });
    expectSense(r, { key: KEY.ILLEGAL_REQUEST, asc: 0x26, ascq: 0x00 });
    // The mode did not change.
    expect((await f.tape.modeParameters(0x10)).blockDescriptors[0]).toMatchObject({ blockLength: 0 });
  });
});
