// Snapshots and changed-block checkpoints through the admin API, checked over iSCSI: write,
// snapshot + checkpoint, write more; the snapshot LU (a new read-only LUN of the target) reads the
// old bytes, the disk the new ones, and the changed extents since the checkpoint are exactly the
// later writes rounded out to the configured granularity. Deleting the snapshot removes its LU.
import { runCommand } from '../../targets/command';
import { IscsiTransport } from '../../targets/iscsi/initiator-transport';
import { parseSanConfig, startSan, type LuInfo, type RunningSan } from '../../emulator/san';
import {
  admin,
  adminOk,
  drainUnitAttentions,
  filled,
  openLu,
  read16,
  senseOf,
  tempDir,
  write16,
} from '../unit/san/helpers';
import fs from 'node:fs';

jest.setTimeout(60000);

const IQN = 'iqn.2024-01.test.san:snap';
const BS = 512;
const GRANULE = 32 * 1024; // 64 blocks
const GB = GRANULE / BS;

describe('snapshots and checkpoints over the admin API and iSCSI', () => {
  let dir: string;
  let san: RunningSan;
  let base: string;

  beforeAll(async () => {
    dir = tempDir('san-snap-');
    san = await startSan(
      parseSanConfig({
        targets: [
          {
            iqn: IQN,
            luns: [
              { name: 'disk0', type: 'disk', size: '8M', changedBlockGranularity: '32K' },
              { name: 'mem0', type: 'disk', size: '1M', memory: true },
            ],
          },
        ],
      }),
      { dir },
    );
    base = san.ready.admin as string;
  });

  afterAll(async () => {
    await san.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the snapshot LU keeps the old bytes; changed extents are exactly the later writes', async () => {
    const url = san.ready.luns[0].url;
    const t = await openLu(url);
    await drainUnitAttentions(t);
    const before = filled(16 * BS, 1);
    await runCommand(t, { cdb: write16(1000, 16), dataOut: before });

    const snap = await admin<LuInfo>(base, 'POST', '/luns/disk0/snapshots', { name: 's1' });
    expect(snap.status).toBe(201);
    expect(snap.body).toMatchObject({
      name: 'disk0@s1',
      type: 'snapshot',
      target: IQN,
      lun: 2,
      readOnly: true,
    });
    expect(snap.body.url).toBe(`iscsi://${san.san.portal}/${IQN}/2`);
    expect(snap.body.naa).toMatch(/^6[0-9a-f]{31}$/);
    const cp = await admin<{ name: string; granularityBytes: number }>(
      base,
      'POST',
      '/luns/disk0/checkpoints',
      {
        name: 'cp1',
      },
    );
    expect(cp.status).toBe(201);
    expect(cp.body).toMatchObject({ name: 'cp1', granularityBytes: GRANULE, conservative: false });

    // The target's LUN inventory changed: the disk reports REPORTED LUNS DATA HAS CHANGED once.
    const ua = await t.execute({ cdb: Buffer.alloc(6) });
    expect(senseOf(ua)).toMatchObject({ key: 0x06, asc: 0x3f, ascq: 0x0e });
    const after = filled(16 * BS, 2);
    await runCommand(t, { cdb: write16(1008, 16), dataOut: after }); // overlaps the first write
    await runCommand(t, { cdb: write16(5 * GB + 3, 1), dataOut: filled(BS, 3) });
    await runCommand(t, { cdb: write16(100 * GB - 1, 2), dataOut: filled(2 * BS, 4) }); // straddles two granules

    const disk = await runCommand(t, { cdb: read16(1000, 24), dataInLength: 24 * BS });
    expect(disk.dataIn.equals(Buffer.concat([before.subarray(0, 8 * BS), after]))).toBe(true);

    const s = await openLu(snap.body.url);
    await drainUnitAttentions(s);
    const old = await runCommand(s, { cdb: read16(1000, 24), dataInLength: 24 * BS });
    expect(old.dataIn.equals(Buffer.concat([before, Buffer.alloc(8 * BS)]))).toBe(true);
    const oldOther = await runCommand(s, { cdb: read16(5 * GB, 8), dataInLength: 8 * BS });
    expect(oldOther.dataIn.equals(Buffer.alloc(8 * BS))).toBe(true);
    // Read-only: WRITE PROTECTED (07/27/00).
    const w = await s.execute({ cdb: write16(0, 1), dataOut: Buffer.alloc(BS) });
    expect(senseOf(w)).toMatchObject({ key: 0x07, asc: 0x27, ascq: 0x00 });
    await s.close();

    const changed = await adminOk<{
      granularityBytes: number;
      blockSize: number;
      extents: { lba: number; count: number }[];
    }>(base, 'GET', '/luns/disk0/checkpoints/cp1/changed');
    expect(changed.granularityBytes).toBe(GRANULE);
    expect(changed.blockSize).toBe(BS);
    // LBAs 1008-1023 lie in granule 15 (960-1023); 5*GB+3 in granule 5; 100*GB-1 and 100*GB in 99 and 100.
    expect(changed.extents.map((x) => [x.lba, x.count])).toEqual([
      [5 * GB, GB],
      [15 * GB, GB],
      [99 * GB, 2 * GB],
    ]);

    const luns = await adminOk<LuInfo[]>(base, 'GET', '/luns');
    expect(luns.map((l) => [l.name, l.type, l.lun])).toEqual([
      ['disk0', 'disk', 0],
      ['mem0', 'disk', 1],
      ['disk0@s1', 'snapshot', 2],
    ]);
    const detail = await adminOk<{ snapshots: { name: string }[]; checkpoints: { name: string }[] }>(
      base,
      'GET',
      '/luns/disk0',
    );
    expect(detail.snapshots.map((x) => x.name)).toEqual(['s1']);
    expect(detail.checkpoints.map((x) => x.name)).toEqual(['cp1']);

    // Deleting the snapshot removes its LU: the LUN answers nothing any more.
    expect((await admin(base, 'DELETE', '/luns/disk0/snapshots/s1')).status).toBe(200);
    expect((await adminOk<LuInfo[]>(base, 'GET', '/luns')).map((l) => l.name)).toEqual(['disk0', 'mem0']);
    await expect(IscsiTransport.open(snap.body.url, { nopIntervalMs: 0 })).rejects.toThrow(/LUN 2/);
    expect((await admin(base, 'DELETE', '/luns/disk0/checkpoints/cp1')).status).toBe(200);
    expect((await admin(base, 'GET', '/luns/disk0/checkpoints/cp1/changed')).status).toBe(404);
    await t.close();
  });

  it('admin errors: unknown names 404, bad bodies 400, duplicates 409, memory disks have no snapshots', async () => {
    expect(await admin(base, 'POST', '/luns/nope/snapshots', { name: 'x' })).toEqual({
      status: 404,
      body: { error: 'no LU named "nope"' },
    });
    expect((await admin(base, 'POST', '/luns/disk0/snapshots', {})).status).toBe(400);
    expect((await admin(base, 'POST', '/luns/disk0/snapshots', { name: 'bad name' })).status).toBe(400);
    expect((await admin(base, 'POST', '/luns/disk0/snapshots', { name: 'x', extra: 1 })).status).toBe(400);
    expect((await admin(base, 'POST', '/luns/mem0/snapshots', { name: 'x' })).body).toEqual({
      error: 'mem0 is a memory disk: no snapshots or checkpoints',
    });
    expect((await admin(base, 'POST', '/luns/disk0/snapshots', { name: 'dup' })).status).toBe(201);
    expect((await admin(base, 'POST', '/luns/disk0/snapshots', { name: 'dup' })).status).toBe(409);
    expect((await admin(base, 'DELETE', '/luns/disk0/snapshots/dup')).status).toBe(200);
    expect((await admin(base, 'DELETE', '/luns/disk0/snapshots/dup')).status).toBe(404);
    expect((await admin(base, 'GET', '/nothing')).status).toBe(404);
    expect((await admin(base, 'DELETE', '/luns')).status).toBe(405);
    const raw = await fetch(`${base}/luns/disk0/snapshots`, { method: 'POST', body: '{not json' });
    expect(raw.status).toBe(400);
    expect(((await raw.json()) as { error: string }).error).toMatch(/^body is not JSON/);
  });
});
