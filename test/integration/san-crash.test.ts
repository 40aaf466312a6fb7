// Crash test: a client streams WRITE(6) to the SAN's tape drive over iSCSI, the SAN process is
// killed with SIGKILL in the middle of it, and a SAN restarted on the same --dir serves the same
// cartridge, loaded again: it reads back block by block, every block as written, up to end of data
// (BLANK CHECK 08/00/05), and READ POSITION agrees with the number of blocks read. Every write the
// client saw acknowledged is there; at most the one in flight is extra.
import fs from 'node:fs';
import path from 'node:path';
import { readPosition } from '../../bin/commands/tape';
import { runCommand } from '../../targets/command';
import { TransportError } from '../../targets/transport';
import {
  adminOk,
  alive,
  drainUnitAttentions,
  openLu,
  buildDist,
  REWIND,
  senseOf,
  spawnSan,
  streamBlock,
  tapeRead,
  tapeWrite,
  tempDir,
} from '../unit/san/helpers';

jest.setTimeout(180000);

const BLOCK = 64 * 1024;

// The CLI runs from dist/: build it (npx tsc -p tsconfig.build.json) first.
beforeAll(() => buildDist(), 300000);

describe('kill -9 during a tape write', () => {
  let dir: string;

  beforeAll(() => {
    dir = tempDir('san-crash-');
    fs.writeFileSync(
      path.join(dir, 'san.json'),
      JSON.stringify({
        cartridges: [{ barcode: 'CRASH1', capacity: '256M', earlyWarning: '1M' }],
        targets: [
          { iqn: 'iqn.2024-01.test.san:crash', luns: [{ name: 'tape0', type: 'tape', cartridge: 'CRASH1' }] },
        ],
      }),
    );
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the cartridge reads back consistently up to end of data after a restart', async () => {
    const args = ['--config', path.join(dir, 'san.json'), '--dir', path.join(dir, 'data')];
    const first = await spawnSan(args);
    const pid = first.child.pid as number;
    const t = await openLu(first.ready.luns[0].url, { reconnectAttempts: 0 });
    await drainUnitAttentions(t);
    let acked = 0;
    let failure: unknown;
    const killAfter = 250 + Math.floor(Math.random() * 100);
    for (let i = 0; ; i++) {
      if (i === killAfter) setImmediate(() => first.child.kill('SIGKILL'));
      try {
        const r = await t.execute({
          cdb: tapeWrite(BLOCK),
          dataOut: streamBlock(i, BLOCK),
          timeoutMs: 10000,
        });
        expect(r.status).toBe(0);
        acked++;
      } catch (e) {
        failure = e;
        break;
      }
      if (i > killAfter + 10000) throw new Error('the SAN did not die');
    }
    expect(failure).toBeInstanceOf(TransportError);
    await t.close().catch(() => undefined);
    const { signal } = await first.exited;
    expect(signal).toBe('SIGKILL');
    expect(alive(pid)).toBe(false);
    expect(acked).toBeGreaterThanOrEqual(killAfter);

    const second = await spawnSan(args);
    try {
      const cart = await adminOk<
        { barcode: string; location: { kind: string; lu?: string }; objects: number }[]
      >(second.ready.admin, 'GET', '/cartridges');
      expect(cart).toHaveLength(1);
      expect(cart[0].location).toEqual({ kind: 'drive', lu: 'tape0', state: 'loaded' });
      const r2 = await openLu(second.ready.luns[0].url);
      await drainUnitAttentions(r2);
      await runCommand(r2, { cdb: REWIND });
      let read = 0;
      for (;;) {
        const r = await r2.execute({ cdb: tapeRead(BLOCK), dataInLength: BLOCK });
        if (r.status !== 0) {
          // End of data: BLANK CHECK, END-OF-DATA DETECTED, EOM clear.
          expect(senseOf(r)).toMatchObject({ key: 0x08, asc: 0x00, ascq: 0x05, eom: false, filemark: false });
          break;
        }
        expect(r.dataIn.length).toBe(BLOCK);
        if (!r.dataIn.equals(streamBlock(read, BLOCK)))
          throw new Error(`block ${read} differs from what was written`);
        read++;
      }
      // Everything acknowledged survived; at most the write in flight at the kill is extra.
      expect(read).toBeGreaterThanOrEqual(acked);
      expect(read).toBeLessThanOrEqual(acked + 1);
      const pos = await readPosition(r2);
      expect(pos).toMatchObject({ partition: 0, objectNumber: read, fileNumber: 0, bop: false });
      expect(cart[0].objects).toBe(read);
      await r2.close();
    } finally {
      second.child.kill('SIGTERM');
      expect((await second.exited).code).toBe(0);
    }
  });
});
