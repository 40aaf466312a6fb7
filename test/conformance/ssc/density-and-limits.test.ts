// READ BLOCK LIMITS (SSC-4 7.6) and REPORT DENSITY SUPPORT (SSC-4 7.9) for the drive and for the
// mounted medium.
import {
  decodeDensitySupportData,
  decodeMediumTypeData,
  decodeReadBlockLimitsMloiData,
} from '../../../cdb/ssc';
import { expectGood, expectSense, KEY, useInProcessTape } from './support';

describe('SSC block limits and densities', () => {
  const f = useInProcessTape();

  it('READ BLOCK LIMITS: granularity 0, maximum 16 MiB - 1 (FFFFFFh), minimum 1', async () => {
    const r = await f.tape.readBlockLimits();
    expectGood(r);
    expect(r.dataIn).toEqual(Buffer.from([0x00, 0xff, 0xff, 0xff, 0x00, 0x01]));
  });

  it('a block of the maximum length is written and read back', async () => {
    const big = Buffer.alloc(0xffffff, 0x5a);
    expectGood(await f.tape.write(big));
    expectGood(await f.tape.rewind());
    const r = await f.tape.read(0xffffff);
    expectGood(r);
    expect(r.dataIn.equals(big)).toBe(true);
  });

  it('READ BLOCK LIMITS with MLOI=1: 20 bytes with the maximum logical object identifier', async () => {
    const r = await f.tape.readBlockLimits(true);
    expectGood(r);
    expect(r.dataIn.length).toBe(20);
    expect(decodeReadBlockLimitsMloiData(r.dataIn).maximumLogicalObjectIdentifier).toBeGreaterThan(
      0xffffffffn,
    );
  });

  it('REPORT DENSITY SUPPORT, MEDIA=0: every density the drive writes, LTO-8 (5Eh) the default', async () => {
    const r = await f.tape.reportDensitySupport({ media: false, mediumType: false });
    expectGood(r);
    const d = decodeDensitySupportData(r.dataIn).descriptors;
    expect(d.map((x) => x.primaryDensityCode)).toEqual([0x58, 0x5a, 0x5c, 0x5e]);
    expect(d.filter((x) => x.deflt).map((x) => x.primaryDensityCode)).toEqual([0x5e]);
    expect(d.every((x) => x.wrtok && x.mediaWidth === 127)).toBe(true);
    expect(d[3]).toMatchObject({
      densityName: 'U-832',
      assigningOrganization: 'LTO-CVE',
      capacity: 12_000_000,
    });
  });

  it('REPORT DENSITY SUPPORT, MEDIA=1: the mounted medium, with its capacity in MB', async () => {
    const r = await f.tape.reportDensitySupport({ media: true, mediumType: false });
    expectGood(r);
    const d = decodeDensitySupportData(r.dataIn).descriptors;
    expect(d).toHaveLength(1);
    // 32 MiB = 33.5 MB.
    expect(d[0]).toMatchObject({ primaryDensityCode: 0x5e, deflt: true, capacity: 33 });
  });

  it('REPORT DENSITY SUPPORT, MEDIUM TYPE=1: medium types of the drive, and of the medium', async () => {
    const all = decodeMediumTypeData(
      (await f.tape.reportDensitySupport({ media: false, mediumType: true })).dataIn,
    );
    expect(all.descriptors.map((d) => d.primaryDensityCodes)).toEqual([[0x58], [0x5a], [0x5c], [0x5e]]);
    const mine = decodeMediumTypeData(
      (await f.tape.reportDensitySupport({ media: true, mediumType: true })).dataIn,
    );
    expect(mine.descriptors).toHaveLength(1);
    expect(mine.descriptors[0]).toMatchObject({ mediumTypeName: 'LTO-8', primaryDensityCodes: [0x5e] });
  });

  it('the allocation length cuts the data; AVAILABLE DENSITY SUPPORT LENGTH is the whole', async () => {
    const r = await f.tape.reportDensitySupport({ media: false, mediumType: false, allocationLength: 4 });
    expectGood(r);
    expect(r.dataIn.length).toBe(4);
    expect(r.dataIn.readUInt16BE(0)).toBe(2 + 4 * 52);
  });

  it('MEDIA=1 without a cartridge: NOT READY 3A/00; MEDIA=0 still answers', async () => {
    f.dut.control.removeCartridge();
    expectSense(await f.tape.reportDensitySupport({ media: true, mediumType: false }), {
      key: KEY.NOT_READY,
      asc: 0x3a,
      ascq: 0x00,
    });
    expectGood(await f.tape.reportDensitySupport({ media: false, mediumType: false }));
    expectGood(await f.tape.readBlockLimits());
  });

  it('an unknown density code on the cartridge is reported as the medium density', async () => {
    f.dut.control.removeCartridge();
    f.dut.control.insertNewCartridge({ densityCode: 0x42, barcode: 'ODD001L1' });
    expectSense(await f.tape.testUnitReady(), { key: KEY.UNIT_ATTENTION, asc: 0x28, ascq: 0x00 });
    const d = decodeDensitySupportData(
      (await f.tape.reportDensitySupport({ media: true, mediumType: false })).dataIn,
    );
    expect(d.descriptors[0]).toMatchObject({ primaryDensityCode: 0x42, densityName: 'EMU-42' });
    expect((await f.tape.modeParameters(0x10)).blockDescriptors[0]).toMatchObject({ densityCode: 0x42 });
  });
});
