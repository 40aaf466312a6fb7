// Fuzz the emulated iSCSI target: at least 100,000 random and mutated PDUs over several logged-in
// connections (and some before login) at one target, while a well-behaved session on another
// target keeps writing and reading back verified data. The target must stay up throughout.
import * as net from 'node:net';
import { createRamDisk } from '../../emulator/devices/disk';
import { IscsiTargetServer } from '../../emulator/iscsi/server';
import type { LogicalUnit } from '../../emulator/lu';
import { fuzzPdu, Rng } from './iscsi-fuzz-gen';
import { RawIscsiClient } from './iscsi-raw-client';

const FUZZ = 'iqn.2024-01.test:fuzz';
const SAFE = 'iqn.2024-01.test:safe';
const TARGET_PDUS = 100_000;
const BUDGET_MS = 45_000;

function pattern(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

interface FuzzStats {
  pdus: number;
  connections: number;
}

/** Log in to FUZZ, then blast fuzzed PDUs until told to stop or the target drops us. */
async function fuzzConnection(port: number, r: Rng, stats: FuzzStats): Promise<void> {
  const preLogin = r.chance(0.05);
  let socket: net.Socket;
  if (preLogin) {
    socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(s));
      s.once('error', reject);
    });
  } else {
    const c = await RawIscsiClient.connect(port);
    const l = await c.login({ targetName: FUZZ, initiatorName: `iqn.2024-01.test:fuzzer-${r.int(1000)}` });
    if (l.status !== 0) throw new Error(`fuzz login failed ${l.status.toString(16)}`);
    socket = c.socket;
  }
  stats.connections++;
  socket.removeAllListeners('data');
  socket.on('data', () => undefined);
  socket.on('error', () => undefined);
  let closed = false;
  const closedPromise = new Promise<void>((resolve) =>
    socket.on('close', () => {
      closed = true;
      resolve();
    }),
  );
  // Bounded per connection: a desynchronised stream costs at most this many PDUs. The whole
  // stream is written at once, then the socket is ended so everything written reaches the target.
  const batch: Buffer[] = [];
  for (let i = 0; i < 4000; i++) batch.push(fuzzPdu(r));
  stats.pdus += batch.length;
  if (!closed) socket.end(Buffer.concat(batch));
  await Promise.race([closedPromise, new Promise((res) => setTimeout(res, 30000))]);
  socket.destroy();
}

describe('iSCSI target fuzzing', () => {
  it(`survives ${TARGET_PDUS} random and mutated PDUs while a good session does verified I/O`, async () => {
    const seed = (Date.now() & 0x7fffffff) | 1;
    const mk = (id: string): LogicalUnit => createRamDisk({ identity: { id }, sizeBytes: 16 * 1024 * 1024 });
    const server = new IscsiTargetServer({
      host: '127.0.0.1',
      port: 0,
      targets: [
        {
          name: FUZZ,
          luns: new Map([
            [0, mk('fuzz0')],
            [1, mk('fuzz1')],
          ]),
        },
        { name: SAFE, luns: new Map([[0, mk('safe0')]]) },
      ],
      loginTimeoutMs: 2000,
    });
    const { port } = await server.listen();
    const started = Date.now();
    const stats: FuzzStats = { pdus: 0, connections: 0 };
    // Stop once the target has read at least TARGET_PDUS PDUs (mutated lengths can merge some).
    const stopAt = (): boolean =>
      (stats.pdus >= TARGET_PDUS && server.stats().pdusReceived >= TARGET_PDUS) ||
      Date.now() - started > BUDGET_MS;
    try {
      const good = await RawIscsiClient.connect(port);
      expect((await good.login({ targetName: SAFE })).status).toBe(0);
      await good.clearUnitAttention();
      let verified = 0;
      const goodLoop = (async () => {
        const r = new Rng(seed ^ 0x5a5a5a5a);
        while (!stopAt()) {
          const blocks = 1 + r.int(32);
          const lba = r.int(32768 - blocks);
          const data = pattern(blocks * 512, r.u32());
          const cdbW = Buffer.from(
            `2a00${lba.toString(16).padStart(8, '0')}00${blocks.toString(16).padStart(4, '0')}00`,
            'hex',
          );
          const w = await good.scsi({ cdb: cdbW, write: data, timeoutMs: 20000 });
          expect(w.status).toBe(0);
          const cdbR = Buffer.from(
            `2800${lba.toString(16).padStart(8, '0')}00${blocks.toString(16).padStart(4, '0')}00`,
            'hex',
          );
          const rd = await good.scsi({ cdb: cdbR, read: blocks * 512, timeoutMs: 20000 });
          expect(rd.status).toBe(0);
          expect(rd.data.equals(data)).toBe(true);
          verified++;
        }
      })();
      const fuzzers = [0, 1, 2, 3].map(async (i) => {
        const r = new Rng(seed + i * 7919);
        while (!stopAt()) await fuzzConnection(port, r, stats);
      });
      await Promise.all([goodLoop, ...fuzzers]);
      const elapsed = Date.now() - started;

      const received = server.stats().pdusReceived;
      console.log(
        `fuzz seed ${seed}: ${stats.pdus} PDUs sent on ${stats.connections} connections, ${received} read by the target, ` +
          `${elapsed} ms, ${verified} verified I/Os`,
      );
      expect(stats.pdus).toBeGreaterThanOrEqual(TARGET_PDUS);
      expect(received).toBeGreaterThanOrEqual(TARGET_PDUS);
      expect(verified).toBeGreaterThan(10);
      // Still up: the good session works, and a fresh login to the fuzzed target works too.
      expect((await good.scsi({ cdb: '00 00 00 00 00 00' })).status).toBe(0);
      const fresh = await RawIscsiClient.connect(port);
      expect((await fresh.login({ targetName: FUZZ, initiatorName: 'iqn.2024-01.test:after' })).status).toBe(
        0,
      );
      await fresh.clearUnitAttention();
      const inq = await fresh.scsi({ cdb: '12 00 00 00 24 00', read: 36 });
      expect(inq.data.toString('latin1', 8, 16)).toBe('XCOPYEMU');
      good.close();
      fresh.close();
    } finally {
      await server.close({ graceMs: 100 });
    }
    expect(server.stats()).toMatchObject({ connections: 0, sessions: 0 });
  }, 90_000);
});
