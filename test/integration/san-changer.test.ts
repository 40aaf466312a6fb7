// The media changer over iSCSI with the `xcopyctl changer` and `xcopyctl tape` verbs: load a
// cartridge by barcode, write to it, unload it, load another (blank), then the first again: its data
// is intact. The admin API tracks every cartridge's place (drive, slot, import/export, shelf),
// creates, imports and exports cartridges, and the placement survives a restart on the same dir.
import fs from 'node:fs';
import { main } from '../../bin/cli';
import { runCommand } from '../../targets/command';
import {
  parseSanConfig,
  startSan,
  type CartridgeStatus,
  type RunningSan,
  type SanConfig,
} from '../../emulator/san';
import {
  admin,
  adminOk,
  drainUnitAttentions,
  openLu,
  REWIND,
  senseOf,
  streamBlock,
  tapeRead,
  tapeWrite,
  tempDir,
  writeFilemarks,
} from '../unit/san/helpers';

jest.setTimeout(60000);

const IQN = 'iqn.2024-01.test.san:library';
const BLOCK = 32 * 1024;

function config(): SanConfig {
  return parseSanConfig({
    cartridges: ['LIB001', 'LIB002', 'LIB003'].map((barcode) => ({
      barcode,
      capacity: '32M',
      earlyWarning: '1M',
    })),
    targets: [
      {
        iqn: IQN,
        luns: [
          {
            name: 'changer0',
            type: 'changer',
            drives: ['tape0'],
            slots: ['LIB001', 'LIB002', 'LIB003', null],
          },
          { name: 'tape0', type: 'tape' },
        ],
      },
    ],
  });
}

/** Run the CLI in-process; returns exit code and output lines. */
async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

async function cliJson<T>(args: string[]): Promise<T> {
  const r = await cli([...args, '--json']);
  if (r.code !== 0) throw new Error(`${args.join(' ')}: exit ${r.code}: ${r.err.join(' ')}`);
  return JSON.parse(r.out.join('')) as T;
}

describe('changer and tape verbs over iSCSI', () => {
  let dir: string;
  let san: RunningSan;
  let base: string;
  let changerUrl: string;
  let tapeUrl: string;

  beforeAll(async () => {
    dir = tempDir('san-changer-');
    san = await startSan(config(), { dir });
    base = san.ready.admin as string;
    changerUrl = san.ready.luns[0].url;
    tapeUrl = san.ready.luns[1].url;
  });

  afterAll(async () => {
    await san.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function writeStream(seed: number, blocks: number): Promise<void> {
    const t = await openLu(tapeUrl);
    await drainUnitAttentions(t);
    for (let i = 0; i < blocks; i++)
      await runCommand(t, { cdb: tapeWrite(BLOCK), dataOut: streamBlock(i, BLOCK, seed) });
    await runCommand(t, { cdb: writeFilemarks(1) });
    await t.close();
  }

  async function readStream(): Promise<{
    blocks: Buffer[];
    end: { key: number; asc: number; ascq: number; filemark: boolean };
  }> {
    const t = await openLu(tapeUrl);
    await drainUnitAttentions(t);
    await runCommand(t, { cdb: REWIND });
    const blocks: Buffer[] = [];
    for (;;) {
      const r = await t.execute({ cdb: tapeRead(BLOCK), dataInLength: BLOCK });
      if (r.status !== 0) {
        const s = senseOf(r);
        await t.close();
        return { blocks, end: { key: s.key, asc: s.asc, ascq: s.ascq, filemark: s.filemark } };
      }
      blocks.push(r.dataIn);
    }
  }

  it('load by barcode, write, unload, load another, the first cartridge keeps its data', async () => {
    const status = await cliJson<{
      elements: { address: number; type: string; full: boolean; barcode?: string }[];
    }>(['changer', changerUrl, 'status']);
    expect(status.elements.filter((e) => e.type === 'storage').map((e) => e.barcode ?? null)).toEqual([
      'LIB001',
      'LIB002',
      'LIB003',
      null,
    ]);
    expect(status.elements.find((e) => e.type === 'data-transfer')).toMatchObject({ full: false });

    expect(await cliJson(['changer', changerUrl, 'load', 'LIB002', '0'])).toEqual({
      loaded: 'LIB002',
      from: 0x1001,
      drive: 0x100,
    });
    const tapeStatus = await cliJson<{ ready: boolean; densityCode: number }>(['tape', tapeUrl, 'status']);
    expect(tapeStatus).toMatchObject({ ready: true, densityCode: 0x58 });
    await writeStream(2, 20);
    expect(await cliJson(['tape', tapeUrl, 'position'])).toEqual({
      partition: 0,
      objectNumber: 21,
      fileNumber: 1,
      bop: false,
      eop: false,
      positionUnknown: false,
    });
    // Back to the slot it came from (SVALID source address).
    expect(await cliJson(['changer', changerUrl, 'unload', '0'])).toEqual({
      unloaded: 0x100,
      to: 0x1001,
      barcode: 'LIB002',
    });
    expect((await cli(['tape', tapeUrl, 'status', '--json'])).out.join('')).toContain('"ready":false');

    // Another cartridge: blank (BLANK CHECK at once), written with its own data.
    await cliJson(['changer', changerUrl, 'load', 'LIB003']);
    expect((await readStream()).end).toEqual({ key: 0x08, asc: 0x00, ascq: 0x05, filemark: false });
    await writeStream(3, 5);
    await cliJson(['changer', changerUrl, 'unload', '0']);

    // The first cartridge again: 20 blocks as written, then the filemark.
    await cliJson(['changer', changerUrl, 'load', 'LIB002']);
    const back = await readStream();
    expect(back.blocks).toHaveLength(20);
    back.blocks.forEach((b, i) => expect(b.equals(streamBlock(i, BLOCK, 2))).toBe(true));
    expect(back.end).toEqual({ key: 0x00, asc: 0x00, ascq: 0x01, filemark: true });

    // The admin API sees the same library.
    const carts = await adminOk<CartridgeStatus[]>(base, 'GET', '/cartridges');
    expect(carts.map((c) => [c.barcode, c.location, c.objects])).toEqual([
      ['LIB001', { kind: 'slot', changer: 'changer0', address: 0x1000, slot: 0 }, 0],
      ['LIB002', { kind: 'drive', lu: 'tape0', state: 'loaded' }, 21],
      ['LIB003', { kind: 'slot', changer: 'changer0', address: 0x1002, slot: 2 }, 6],
    ]);
  });

  it('bad verb input is exit code 2 with one line; a refused move is exit code 1 with its sense', async () => {
    for (const args of [
      ['changer', changerUrl, 'load'],
      ['changer', changerUrl, 'fly'],
      ['changer', changerUrl, 'move', '1'],
      ['changer', changerUrl, 'unload', 'x'],
      ['tape', tapeUrl, 'locate'],
      ['tape', tapeUrl, 'space', 'bogus'],
      ['tape', tapeUrl, 'rewind', '3'],
      ['tape', tapeUrl, 'write-filemarks', '-1'],
    ]) {
      const r = await cli(args);
      expect(r.code).toBe(2);
      expect(r.err).toHaveLength(1);
      expect(r.err[0]).toMatch(/^xcopyctl: /);
    }
    const full = await cli(['changer', changerUrl, 'move', '0x1002', '0x1000']);
    expect(full.code).toBe(1);
    expect(full.err).toHaveLength(1);
    expect(full.err[0]).toContain('MOVE MEDIUM 0x1002 -> 0x1000 failed: ILLEGAL REQUEST');
    expect(full.err[0]).toContain('(05/3b/0d)');
    const space = await cli(['tape', tapeUrl, 'space', 'blocks', '100']);
    expect(space.code).toBe(1);
    expect(space.err[0]).toContain('SPACE blocks 100 failed:');
  });

  it('admin API: create, import, move, export, unload; placement survives a restart', async () => {
    const created = await admin<CartridgeStatus>(base, 'POST', '/cartridges', {
      barcode: 'NEW001',
      capacity: '16M',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      barcode: 'NEW001',
      location: { kind: 'shelf' },
      capacityBytes: 16 * 2 ** 20,
      objects: 0,
    });
    expect((await admin(base, 'POST', '/cartridges', { barcode: 'NEW001' })).status).toBe(409);
    expect((await admin(base, 'POST', '/cartridges', { barcode: 'bad code' })).status).toBe(400);

    const imported = await adminOk<CartridgeStatus>(base, 'POST', '/changers/changer0/import', {
      barcode: 'NEW001',
    });
    expect(imported.location).toEqual({ kind: 'import-export', changer: 'changer0', address: 0x10 });
    // From the import/export element into the empty slot, by MOVE MEDIUM through the admin API.
    const moved = await adminOk<{ elements: { address: number; barcode?: string }[] }>(
      base,
      'POST',
      '/changers/changer0/move',
      {
        from: 0x10,
        to: 0x1003,
      },
    );
    expect(moved.elements.find((e) => e.address === 0x1003)?.barcode).toBe('NEW001');
    // Unload the drive through the admin API: LIB002 goes back to its slot.
    const unloaded = await adminOk<CartridgeStatus>(base, 'POST', '/drives/tape0/unload', {});
    expect(unloaded.location).toMatchObject({ kind: 'slot', address: 0x1001 });
    const loaded = await adminOk<CartridgeStatus>(base, 'POST', '/drives/tape0/load', { barcode: 'NEW001' });
    expect(loaded.location).toEqual({ kind: 'drive', lu: 'tape0', state: 'loaded' });
    expect((await admin(base, 'POST', '/drives/tape0/load', { barcode: 'LIB001' })).status).toBe(409);
    expect((await admin(base, 'POST', '/changers/changer0/export', {})).status).toBe(409);

    await san.stop();
    san = await startSan(config(), { dir });
    base = san.ready.admin as string;
    tapeUrl = san.ready.luns[1].url;
    const carts = await adminOk<CartridgeStatus[]>(base, 'GET', '/cartridges');
    expect(carts.map((c) => [c.barcode, c.location.kind])).toEqual([
      ['LIB001', 'slot'],
      ['LIB002', 'slot'],
      ['LIB003', 'slot'],
      ['NEW001', 'drive'],
    ]);
    // Out of the library: drive -> shelf, then shelf -> import/export -> shelf.
    expect(
      (await adminOk<CartridgeStatus>(base, 'POST', '/drives/tape0/unload', { toShelf: true })).location,
    ).toEqual({
      kind: 'shelf',
    });
    await adminOk(base, 'POST', '/changers/changer0/import', { barcode: 'NEW001' });
    expect((await adminOk<CartridgeStatus>(base, 'POST', '/changers/changer0/export', {})).location).toEqual({
      kind: 'shelf',
    });
  });
});
