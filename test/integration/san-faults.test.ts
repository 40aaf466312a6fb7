// Fault injection through the admin API, observed over iSCSI: MEDIUM ERROR on a disk LBA range
// (read: 03/11/00, write: 03/0C/00, INFORMATION = first bad LBA), a medium error on a tape object,
// forced early warning, delays, injected sense and status, and a connection dropped after N bytes.
import fs from 'node:fs';
import { runCommand } from '../../targets/command';
import { TransportError } from '../../targets/transport';
import { parseSanConfig, startSan, type RunningSan } from '../../emulator/san';
import {
  admin,
  adminOk,
  drainUnitAttentions,
  filled,
  openLu,
  read16,
  REWIND,
  senseOf,
  streamBlock,
  tapeRead,
  tapeWrite,
  tempDir,
  write16,
} from '../unit/san/helpers';

jest.setTimeout(60000);

const IQN = 'iqn.2024-01.test.san:faults';
const BS = 512;

describe('admin API fault injection', () => {
  let dir: string;
  let san: RunningSan;
  let base: string;
  let diskUrl: string;
  let tapeUrl: string;

  beforeAll(async () => {
    dir = tempDir('san-faults-');
    san = await startSan(
      parseSanConfig({
        cartridges: [{ barcode: 'FLT001', capacity: '16M', earlyWarning: '1M' }],
        targets: [
          {
            iqn: IQN,
            luns: [
              { name: 'disk0', type: 'disk', size: '4M' },
              { name: 'tape0', type: 'tape', cartridge: 'FLT001' },
            ],
          },
        ],
      }),
      { dir },
    );
    base = san.ready.admin as string;
    diskUrl = san.ready.luns[0].url;
    tapeUrl = san.ready.luns[1].url;
  });

  afterAll(async () => {
    await san.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  afterEach(async () => {
    await admin(base, 'DELETE', '/faults');
  });

  it('MEDIUM ERROR on a disk LBA range, reads and writes, until the fault is deleted', async () => {
    const t = await openLu(diskUrl);
    await drainUnitAttentions(t);
    await runCommand(t, { cdb: write16(96, 16), dataOut: filled(16 * BS, 5) });
    const { id } = await adminOk<{ id: number }>(base, 'POST', '/faults', {
      kind: 'medium-error',
      lu: 'disk0',
      lba: 100,
      blocks: 8,
      operation: 'read',
    });
    const bad = await t.execute({ cdb: read16(96, 16), dataInLength: 16 * BS });
    expect(senseOf(bad)).toMatchObject({ key: 0x03, asc: 0x11, ascq: 0x00, information: 100n });
    // Reads outside the range and writes into it are not affected.
    expect((await t.execute({ cdb: read16(90, 10), dataInLength: 10 * BS })).status).toBe(0);
    expect((await t.execute({ cdb: read16(108, 4), dataInLength: 4 * BS })).status).toBe(0);
    expect((await t.execute({ cdb: write16(100, 1), dataOut: filled(BS, 6) })).status).toBe(0);

    const w = await adminOk<{ id: number }>(base, 'POST', '/faults', {
      kind: 'medium-error',
      lu: 'disk0',
      lba: 300,
      operation: 'write',
    });
    const wbad = await t.execute({ cdb: write16(296, 8), dataOut: filled(8 * BS, 7) });
    expect(senseOf(wbad)).toMatchObject({ key: 0x03, asc: 0x0c, ascq: 0x00, information: 300n });
    // The blocks before the bad one were written, the bad one and those after it were not.
    const after = await runCommand(t, { cdb: read16(296, 8), dataInLength: 8 * BS });
    expect(after.dataIn.subarray(0, 4 * BS).equals(filled(8 * BS, 7).subarray(0, 4 * BS))).toBe(true);
    expect(after.dataIn.subarray(4 * BS).equals(Buffer.alloc(4 * BS))).toBe(true);

    const listed = await adminOk<{ id: number; kind: string; lba: number; blocks: number }[]>(
      base,
      'GET',
      '/faults',
    );
    expect(listed.map((f) => [f.id, f.kind, f.lba, f.blocks])).toEqual([
      [id, 'medium-error', 100, 8],
      [w.id, 'medium-error', 300, 1],
    ]);
    expect((await admin(base, 'DELETE', `/faults/${id}`)).status).toBe(200);
    const good = await runCommand(t, { cdb: read16(96, 16), dataInLength: 16 * BS });
    expect(good.dataIn.subarray(4 * BS, 5 * BS).equals(filled(BS, 6))).toBe(true);
    expect((await admin(base, 'DELETE', `/faults/${id}`)).status).toBe(404);
    await t.close();
  });

  it('a tape object read error, and forced early warning on writes', async () => {
    const t = await openLu(tapeUrl);
    await drainUnitAttentions(t);
    for (let i = 0; i < 4; i++) await runCommand(t, { cdb: tapeWrite(4096), dataOut: streamBlock(i, 4096) });
    await runCommand(t, { cdb: REWIND });
    await adminOk(base, 'POST', '/faults', { kind: 'tape-medium-error', lu: 'tape0', object: 2 });
    for (let i = 0; i < 2; i++) {
      const r = await runCommand(t, { cdb: tapeRead(4096), dataInLength: 4096 });
      expect(r.dataIn.equals(streamBlock(i, 4096))).toBe(true);
    }
    const bad = await t.execute({ cdb: tapeRead(4096), dataInLength: 4096 });
    expect(senseOf(bad)).toMatchObject({ key: 0x03, asc: 0x11, ascq: 0x00 });

    // Early warning forced at object 6: the write that ends there succeeds with EOM, 00/02.
    await adminOk(base, 'POST', '/faults', { kind: 'early-warning', lu: 'tape0', object: 6 });
    const spaced = await t.execute({ cdb: Buffer.from([0x11, 0x03, 0, 0, 0, 0]) }); // SPACE to end of data
    expect(spaced.status).toBe(0);
    expect((await t.execute({ cdb: tapeWrite(4096), dataOut: streamBlock(4, 4096) })).status).toBe(0);
    const ew = await t.execute({ cdb: tapeWrite(4096), dataOut: streamBlock(5, 4096) });
    expect(senseOf(ew)).toMatchObject({ key: 0x00, asc: 0x00, ascq: 0x02, eom: true });
    const detail = await adminOk<{
      tape: { eod: number; position: { objectNumber: number; earlyWarning: boolean } };
    }>(base, 'GET', '/luns/tape0');
    expect(detail.tape.eod).toBe(6);
    expect(detail.tape.position).toMatchObject({ objectNumber: 6, earlyWarning: true });
    await t.close();
  });

  it('delays, injected sense and status, limited by times', async () => {
    const t = await openLu(diskUrl);
    await drainUnitAttentions(t);
    await adminOk(base, 'POST', '/faults', {
      kind: 'delay',
      lu: 'disk0',
      ms: 400,
      opcodes: [0x00],
      times: 1,
    });
    let start = Date.now();
    expect((await t.execute({ cdb: Buffer.alloc(6) })).status).toBe(0);
    expect(Date.now() - start).toBeGreaterThanOrEqual(390);
    start = Date.now();
    expect((await t.execute({ cdb: Buffer.alloc(6) })).status).toBe(0);
    expect(Date.now() - start).toBeLessThan(390);

    await adminOk(base, 'POST', '/faults', {
      kind: 'sense',
      lu: 'disk0',
      opcodes: [0x88],
      senseKey: 2,
      asc: 4,
      ascq: 1,
      times: 1,
    });
    expect(senseOf(await t.execute({ cdb: read16(0, 1), dataInLength: BS }))).toMatchObject({
      key: 2,
      asc: 4,
      ascq: 1,
    });
    expect((await t.execute({ cdb: read16(0, 1), dataInLength: BS })).status).toBe(0);
    await adminOk(base, 'POST', '/faults', { kind: 'status', lu: 'disk0', status: 0x08, skip: 1, times: 1 });
    expect((await t.execute({ cdb: Buffer.alloc(6) })).status).toBe(0);
    expect((await t.execute({ cdb: Buffer.alloc(6) })).status).toBe(0x08);
    expect((await t.execute({ cdb: Buffer.alloc(6) })).status).toBe(0);
    const listed = await adminOk<{ kind: string; seen: number; fired: number }[]>(base, 'GET', '/faults');
    expect(listed.map((f) => [f.kind, f.seen, f.fired])).toEqual([
      ['delay', 5, 1],
      ['sense', 2, 1],
      ['status', 3, 1],
    ]);
    expect(await adminOk(base, 'DELETE', '/faults')).toEqual({ cleared: 3 });
    await t.close();
  });

  it('drops the connection after N bytes from the initiator, once', async () => {
    const N = 300000;
    const { id } = await adminOk<{ id: number }>(base, 'POST', '/faults', {
      kind: 'drop-connection',
      afterBytes: N,
      direction: 'in',
      target: IQN,
    });
    const t = await openLu(diskUrl, { reconnectAttempts: 0 });
    await drainUnitAttentions(t);
    const blocks = 128; // 64 KiB per WRITE
    let done = 0;
    let failure: unknown;
    for (let i = 0; i < 20; i++) {
      try {
        await runCommand(t, {
          cdb: write16(1024 + i * blocks, blocks),
          dataOut: filled(blocks * BS, 100 + i),
          timeoutMs: 10000,
        });
        done++;
      } catch (e) {
        failure = e;
        break;
      }
    }
    expect(failure).toBeInstanceOf(TransportError);
    // 64 KiB of data plus headers per command: the fifth crosses 300000 bytes.
    expect(done).toBe(Math.floor(N / (blocks * BS)));
    await t.close().catch(() => undefined);
    const listed = await adminOk<{ id: number; fired: number }[]>(base, 'GET', '/faults');
    expect(listed).toEqual([
      { id, kind: 'drop-connection', afterBytes: N, direction: 'in', target: IQN, times: 1, fired: 1 },
    ]);

    // The rule has fired its one time: a new session works, and the cut write never reached the disk.
    const t2 = await openLu(diskUrl);
    await drainUnitAttentions(t2);
    const r = await runCommand(t2, {
      cdb: read16(1024 + (done - 1) * blocks, 2 * blocks),
      dataInLength: 2 * blocks * BS,
    });
    expect(r.dataIn.subarray(0, blocks * BS).equals(filled(blocks * BS, 100 + done - 1))).toBe(true);
    expect(r.dataIn.subarray(blocks * BS).equals(Buffer.alloc(blocks * BS))).toBe(true);
    await t2.close();
  });

  it('drops the connection after N bytes to the initiator', async () => {
    await adminOk(base, 'POST', '/faults', { kind: 'drop-connection', afterBytes: 100000, direction: 'out' });
    const t = await openLu(diskUrl, { reconnectAttempts: 0 });
    await drainUnitAttentions(t);
    expect((await runCommand(t, { cdb: read16(0, 128), dataInLength: 128 * BS })).dataIn.length).toBe(
      128 * BS,
    );
    await expect(
      t.execute({ cdb: read16(0, 128), dataInLength: 128 * BS, timeoutMs: 10000 }),
    ).rejects.toBeInstanceOf(TransportError);
    await t.close().catch(() => undefined);
  });

  it('bad fault requests are 400 or 404 with one line', async () => {
    for (const [body, status, text] of [
      [{ kind: 'gremlins' }, 400, 'unknown fault kind "gremlins"'],
      [{ kind: 'medium-error', lu: 'tape0', lba: 0 }, 400, 'tape0 is a tape LU, not a disk'],
      [{ kind: 'medium-error', lu: 'disk0', lba: 8191, blocks: 2 }, 400, 'is not inside 8192 blocks'],
      [{ kind: 'medium-error', lu: 'nope', lba: 0 }, 404, 'no LU named "nope"'],
      [{ kind: 'delay', lu: 'disk0', ms: -1 }, 400, '"ms" must be an integer'],
      [
        { kind: 'drop-connection', afterBytes: 1, direction: 'sideways' },
        400,
        '"direction" must be in, out or both',
      ],
      [{ kind: 'status', lu: 'disk0', status: 2 }, 400, 'use a status other than GOOD and CHECK CONDITION'],
      [
        { kind: 'sense', lu: 'disk0', senseKey: 3, asc: 0x11, ascq: 0, colour: 'red' },
        400,
        'unknown field "colour"',
      ],
    ] as const) {
      const a = await admin<{ error: string }>(base, 'POST', '/faults', body);
      expect(a.status).toBe(status);
      expect(a.body.error).toContain(text);
      expect(a.body.error).not.toContain('\n');
    }
    expect(await adminOk(base, 'GET', '/faults')).toEqual([]);
  });
});
