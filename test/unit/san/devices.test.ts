// The SAN's device classes: a copy manager on a disk, tape or changer LU when configured (3PC=1,
// VPD page 8Fh, EXTENDED COPY in REPORT SUPPORTED OPERATION CODES), none otherwise; the standalone
// processor LU (device type 3); REPORTED LUNS DATA HAS CHANGED on demand.
import { RamBlockDevice } from '../../../emulator/devices/block-store';
import { PROCESSOR_DEVICE } from '../../../emulator/devices/processor';
import type { ItNexus } from '../../../emulator/lu';
import { DEFAULT_MOVER_NEXUS } from '../../../emulator/mover/config';
import { LocalLuResolver } from '../../../emulator/mover/local-resolver';
import { SanChanger, SanDisk, SanProcessor, SanTape, type SanDevice } from '../../../emulator/san/devices';
import { exec, nexus } from '../emulator/helpers';

function resolver(): LocalLuResolver {
  return new LocalLuResolver({ moverNexus: DEFAULT_MOVER_NEXUS, mayAccess: () => true });
}

async function settled(lu: SanDevice, n: ItNexus = nexus(1)): Promise<void> {
  // A fresh nexus first sees POWER ON, RESET (29/00).
  const r = await exec(lu, '00 00 00 00 00 00', { nexus: n });
  expect(r.status).toBe(2);
  expect((await exec(lu, '00 00 00 00 00 00', { nexus: n })).status).toBe(0);
}

async function capabilities(
  lu: SanDevice,
): Promise<{ type: number; tpc: boolean; pages: number[]; xcopy: boolean }> {
  // Consume the power-on unit attention of the nexus first.
  await exec(lu, '00 00 00 00 00 00');
  const std = await exec(lu, '12 00 00 00 60 00');
  const pages = await exec(lu, '12 01 00 00 ff 00');
  // REPORT SUPPORTED OPERATION CODES, one command: 83h service action 00h.
  const rsoc = await exec(lu, 'a3 0c 02 83 00 00 00 00 01 00 00 00');
  const std0 = std.dataIn as Buffer;
  const p = pages.dataIn as Buffer;
  return {
    type: std0[0] & 0x1f,
    tpc: (std0[5] & 0x08) !== 0,
    pages: [...p.subarray(4, 4 + p.readUInt16BE(2))],
    xcopy: rsoc.status === 0 && ((rsoc.dataIn as Buffer)[1] & 0x07) === 0x03,
  };
}

describe('SAN devices', () => {
  it('a disk with a copy manager advertises it; without one it does not', async () => {
    const with_ = new SanDisk({
      identity: { id: 'd1' },
      store: RamBlockDevice.create(512, 2048n),
      copyHosting: { resolver: resolver() },
    });
    const without = new SanDisk({ identity: { id: 'd2' }, store: RamBlockDevice.create(512, 2048n) });
    expect(with_.copyManager).toBeDefined();
    expect(without.copyManager).toBeUndefined();
    expect(await capabilities(with_)).toEqual({
      type: 0,
      tpc: true,
      pages: [0x00, 0x80, 0x83, 0x8f, 0xb0, 0xb1, 0xb2],
      xcopy: true,
    });
    expect(await capabilities(without)).toEqual({
      type: 0,
      tpc: false,
      pages: [0x00, 0x80, 0x83, 0xb0, 0xb1, 0xb2],
      xcopy: false,
    });
    const vpd8f = await exec(with_, '12 01 8f 01 00 00');
    expect(vpd8f.status).toBe(0);
    expect((vpd8f.dataIn as Buffer).subarray(0, 2)).toEqual(Buffer.from([0x00, 0x8f]));
  });

  it('tape and changer LUs host a copy manager the same way', async () => {
    const tape = new SanTape({ identity: { id: 't1' }, copyHosting: { resolver: resolver() } });
    const changer = new SanChanger({
      identity: { id: 'c1' },
      drives: [tape],
      slots: [undefined],
      copyHosting: { resolver: resolver() },
    });
    expect(await capabilities(tape)).toMatchObject({ type: 1, tpc: true, xcopy: true });
    expect((await capabilities(tape)).pages).toContain(0x8f);
    expect(await capabilities(changer)).toMatchObject({ type: 8, tpc: true, xcopy: true });
    expect(await capabilities(new SanTape({ identity: { id: 't2' } }))).toMatchObject({
      type: 1,
      tpc: false,
      xcopy: false,
    });
  });

  it('the processor LU is device type 3 with 3PC=1', async () => {
    const p = new SanProcessor({ identity: { id: 'p1' }, resolver: resolver() });
    expect(p.deviceType).toBe(PROCESSOR_DEVICE);
    const c = await capabilities(p);
    expect(c).toEqual({ type: 3, tpc: true, pages: [0x00, 0x80, 0x83, 0x8f], xcopy: true });
    const std = (await exec(p, '12 00 00 00 60 00')).dataIn as Buffer;
    expect(std.subarray(16, 32).toString('latin1').trim()).toBe('COPY MANAGER');
  });

  it('reportedLunsChanged raises 3F/0E once for every known nexus', async () => {
    const d = new SanDisk({ identity: { id: 'd3' }, store: RamBlockDevice.create(512, 64n) });
    await settled(d, nexus(1));
    await settled(d, nexus(2));
    d.reportedLunsChanged();
    for (const n of [nexus(1), nexus(2)]) {
      const r = await exec(d, '00 00 00 00 00 00', { nexus: n });
      expect(r.status).toBe(2);
      const s = r.sense as Buffer;
      expect([s[2] & 0x0f, s[12], s[13]]).toEqual([0x06, 0x3f, 0x0e]);
      expect((await exec(d, '00 00 00 00 00 00', { nexus: n })).status).toBe(0);
    }
  });
});
