// Early warning and end of partition (SSC-4 sequential-access model: early warning, end of partition): early warning is reported on a write that
// succeeded (NO SENSE, EOM, 00/02, residue 0) and writes go on succeeding in the zone; at the end of
// the partition a write fails with VOLUME OVERFLOW, EOM, 00/02 and INFORMATION = what was not
// written, while filemarks still fit.
import { block, expectGood, expectSense, KEY, useInProcessTape } from './support';

const KiB = 1024;

describe('SSC early warning and end of partition (forced at an object)', () => {
  const f = useInProcessTape();

  it('the write that ends in the zone succeeds and reports NO SENSE, EOM, 00/02, INFORMATION 0', async () => {
    f.dut.control.forceEarlyWarningAt(3);
    expectGood(await f.tape.write(block(0, 100)));
    expectGood(await f.tape.write(block(1, 100)));
    const r = await f.tape.write(block(2, 100));
    expectSense(r, { key: KEY.NO_SENSE, asc: 0x00, ascq: 0x02, eom: true, information: 0 });
    expect(await f.tape.position()).toBe(3);
    // Writes keep succeeding in the zone, each reporting early warning.
    expectSense(await f.tape.write(block(3, 100)), {
      key: KEY.NO_SENSE,
      asc: 0,
      ascq: 2,
      eom: true,
      information: 0,
    });
    expectSense(await f.tape.writeFilemarks(1), {
      key: KEY.NO_SENSE,
      asc: 0,
      ascq: 2,
      eom: true,
      information: 0,
    });
    expect(await f.tape.position()).toBe(5);
    // Everything written is there.
    expectGood(await f.tape.rewind());
    for (let i = 0; i < 4; i++) {
      const d = await f.tape.read(100);
      expectGood(d);
      expect(d.dataIn.equals(block(i, 100))).toBe(true);
    }
  });

  it('reading in the early-warning zone reports nothing', async () => {
    f.dut.control.forceEarlyWarningAt(1);
    expectSense(await f.tape.write(block(0, 10)), {
      key: KEY.NO_SENSE,
      asc: 0,
      ascq: 2,
      eom: true,
      information: 0,
    });
    expectSense(await f.tape.write(block(1, 10)), {
      key: KEY.NO_SENSE,
      asc: 0,
      ascq: 2,
      eom: true,
      information: 0,
    });
    expectGood(await f.tape.locate10(1));
    expectGood(await f.tape.read(10));
  });

  it('fixed mode at the end of the partition: VOLUME OVERFLOW, EOM, 00/02, INFORMATION = blocks not written', async () => {
    await f.tape.setBlockLength(512);
    f.dut.control.forceEndOfPartitionAt(5);
    const data = Buffer.concat([0, 1, 2, 3, 4, 5, 6, 7].map((i) => block(i, 512)));
    const r = await f.tape.writeFixed(8, data);
    expectSense(r, { key: KEY.VOLUME_OVERFLOW, asc: 0x00, ascq: 0x02, eom: true, information: 3 });
    // The blocks that fitted were written whole.
    expect(await f.tape.position()).toBe(5);
    expectGood(await f.tape.rewind());
    const back = await f.tape.read(5, { fixed: true, blockLength: 512 });
    expectGood(back);
    expect(back.dataIn.equals(data.subarray(0, 5 * 512))).toBe(true);
  });

  it('filemarks still fit after VOLUME OVERFLOW', async () => {
    f.dut.control.forceEndOfPartitionAt(1);
    expectGood(await f.tape.write(block(0, 10)));
    expectSense(await f.tape.write(block(1, 10)), {
      key: KEY.VOLUME_OVERFLOW,
      asc: 0,
      ascq: 2,
      eom: true,
      information: 10,
    });
    expectGood(await f.tape.writeFilemarks(2));
    const p = await f.tape.readPositionLong();
    expect(p.logicalObjectNumber).toBe(3n);
    expect(p.logicalFileIdentifier).toBe(2n);
  });
});

describe('SSC early warning and end of partition (cartridge capacity)', () => {
  // 1 MiB of block capacity, early warning 256 KiB before its end.
  const f = useInProcessTape({ cartridge: { capacityBytes: 1024 * KiB, earlyWarningBytes: 256 * KiB } });

  it('filling a cartridge: GOOD, then early warning past 768 KiB, then VOLUME OVERFLOW at 1 MiB', async () => {
    for (let i = 0; i < 12; i++) expectGood(await f.tape.write(block(i, 64 * KiB)));
    // 13 blocks = 832 KiB: past the early-warning point.
    expectSense(await f.tape.write(block(12, 64 * KiB)), {
      key: KEY.NO_SENSE,
      asc: 0,
      ascq: 2,
      eom: true,
      information: 0,
    });
    for (let i = 13; i < 16; i++) {
      expectSense(await f.tape.write(block(i, 64 * KiB)), {
        key: KEY.NO_SENSE,
        asc: 0,
        ascq: 2,
        eom: true,
        information: 0,
      });
    }
    // The 17th block does not fit: nothing of it is written, INFORMATION = its length in bytes.
    const r = await f.tape.write(block(16, 64 * KiB));
    expectSense(r, { key: KEY.VOLUME_OVERFLOW, asc: 0x00, ascq: 0x02, eom: true, information: 64 * KiB });
    expect(await f.tape.position()).toBe(16);
    // A smaller block that does not fit either; then a filemark, which takes no capacity.
    expectSense(await f.tape.write(block(16, 1)), {
      key: KEY.VOLUME_OVERFLOW,
      asc: 0,
      ascq: 2,
      eom: true,
      information: 1,
    });
    expectSense(await f.tape.writeFilemarks(1), {
      key: KEY.NO_SENSE,
      asc: 0,
      ascq: 2,
      eom: true,
      information: 0,
    });
    expect(await f.tape.position()).toBe(17);
  });
});
