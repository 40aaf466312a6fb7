// IscsiLuDirectory (emulator/mover/remote.ts), the RemoteLuDirectory of the router mover, against
// our own iSCSI targets: designator matching, an ambiguous designator, `allow` rules by initiator
// name and CHAP identity, a backend that comes up after discovery (re-discovery on a miss), pooled
// sessions that are logged in again after the backend restarted, and CRC32C digests.
import { createRamDisk } from '../../emulator/devices/disk';
import type { IscsiTargetServer } from '../../emulator/iscsi/server';
import { setLogLevel } from '../../emulator/log';
import type { ItNexus } from '../../emulator/lu';
import { IscsiLuDirectory, naaOf } from '../../emulator/mover/remote';
import { CscdResolutionError, RemoteResolver, type CscdIdentification } from '../../emulator/mover/resolver';
import { freePort } from '../../emulator/tgt/harness';
import { clearUnitAttentions, MiB, serveLus } from './router-support';

setLogLevel('silent');

const signal = new AbortController().signal;

function idOf(naa: Buffer): CscdIdentification {
  return {
    peripheralDeviceType: 0,
    codeSet: 1,
    association: 0,
    designatorType: 3,
    designator: naa,
    relativeInitiatorPortIdentifier: 0,
  };
}

function nexus(name: string, authUser?: string): ItNexus {
  return {
    initiatorPort: `${name},i,0x00023d000001`,
    initiatorName: name,
    targetPort: 'iqn.2024-01.io.xcopy:mover,t,0x0001',
    relativeTargetPort: 1,
    ...(authUser === undefined ? {} : { authUser }),
  };
}

const ALICE = 'iqn.2024-01.test.dir:alice';
const BOB = 'iqn.2024-01.test.dir:bob';

describe('IscsiLuDirectory', () => {
  const servers: IscsiTargetServer[] = [];
  const directories: IscsiLuDirectory[] = [];
  const disk = (id: string): ReturnType<typeof createRamDisk> =>
    createRamDisk({ identity: { id }, sizeBytes: MiB });

  afterEach(async () => {
    for (const d of directories.splice(0)) await d.close();
    for (const s of servers.splice(0)) await s.close({ graceMs: 50 });
  });

  async function serve(iqn: string, luns: ReturnType<typeof disk>[], port?: number) {
    const s = await serveLus(iqn, luns, {}, port);
    servers.push(s.server);
    return s;
  }

  function directory(o: ConstructorParameters<typeof IscsiLuDirectory>[0]): IscsiLuDirectory {
    const d = new IscsiLuDirectory(o);
    directories.push(d);
    return d;
  }

  it('matches E4h designators to the LU reporting them and opens a working transport', async () => {
    const a = disk('dir-a');
    const b = disk('dir-b');
    const s = await serve('iqn.2024-01.test.dir:t1', [a, b]);
    const d = directory({
      initiatorName: 'iqn.2024-01.test.dir:mover',
      backends: [
        { name: 'one', host: '127.0.0.1', port: s.port, headerDigest: ['CRC32C'], dataDigest: ['CRC32C'] },
      ],
    });
    await d.discover();
    expect(d.list().map((l) => [l.name, l.naa, l.lun, l.deviceType])).toEqual([
      [`iscsi://${s.portal}/iqn.2024-01.test.dir:t1/0`, a.identity.naa.toString('hex'), 0, 0],
      [`iscsi://${s.portal}/iqn.2024-01.test.dir:t1/1`, b.identity.naa.toString('hex'), 1, 0],
    ]);
    expect(naaOf(d.list()[1].designators)).toBe(b.identity.naa.toString('hex'));
    const resolver = new RemoteResolver(d);
    const backend = await resolver.resolve(idOf(b.identity.naa), nexus(ALICE), signal);
    expect(backend).toMatchObject({ deviceType: 0, blockLength: 512 });
    await clearUnitAttentions(backend.transport);
    const r = await backend.transport.execute({
      cdb: Buffer.from([0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
      dataInLength: 8,
    });
    expect(r.dataIn).toEqual(Buffer.from([0, 0, 0x07, 0xff, 0, 0, 0x02, 0]));
    await backend.release?.();
    // An association other than the LU's, or an unknown designator: no match.
    expect(await d.lookup({ ...idOf(b.identity.naa), association: 1 }, signal)).toEqual([]);
    await expect(resolver.resolve(idOf(Buffer.alloc(16, 0x61)), nexus(ALICE), signal)).rejects.toMatchObject({
      reason: 'not-found',
    });
  });

  it('refuses a designator two LUs report (ambiguous) rather than guessing', async () => {
    // The same identity on two targets gives the same NAA designator.
    const s1 = await serve('iqn.2024-01.test.dir:t1', [disk('twin')]);
    const s2 = await serve('iqn.2024-01.test.dir:t2', [disk('twin')]);
    const d = directory({
      initiatorName: 'iqn.2024-01.test.dir:mover',
      backends: [
        { name: 'one', host: '127.0.0.1', port: s1.port },
        { name: 'two', host: '127.0.0.1', port: s2.port },
      ],
    });
    await d.discover();
    const e = await new RemoteResolver(d)
      .resolve(idOf(disk('twin').identity.naa), nexus(ALICE), signal)
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CscdResolutionError);
    expect((e as CscdResolutionError).reason).toBe('unsupported');
    expect((e as CscdResolutionError).message).toMatch(/names 2 LUs/);
  });

  it('applies `allow` by initiator name and by CHAP identity ("chap:<user>")', async () => {
    const a = disk('dir-allow');
    const s = await serve('iqn.2024-01.test.dir:t1', [a]);
    const d = directory({
      initiatorName: 'iqn.2024-01.test.dir:mover',
      backends: [{ name: 'one', host: '127.0.0.1', port: s.port, allow: [ALICE, 'chap:backup'] }],
    });
    await d.discover();
    const ref = d.list()[0];
    expect(d.mayAccess(nexus(ALICE), ref)).toBe(true);
    expect(d.mayAccess(nexus(ALICE.toUpperCase()), ref)).toBe(true);
    expect(d.mayAccess(nexus(BOB), ref)).toBe(false);
    expect(d.mayAccess(nexus(BOB, 'backup'), ref)).toBe(true);
    expect(d.mayAccess(nexus(BOB, 'guest'), ref)).toBe(false);
    expect(d.mayAccess(nexus(ALICE), { name: 'iscsi://elsewhere/iqn.x/0', deviceType: 0 })).toBe(false);
    await expect(
      new RemoteResolver(d).resolve(idOf(a.identity.naa), nexus(BOB), signal),
    ).rejects.toMatchObject({
      reason: 'not-accessible',
    });
  });

  it('finds a backend that came up after discovery, and logs in again to one that restarted', async () => {
    const port = await freePort();
    const a = disk('dir-late');
    const d = directory({
      initiatorName: 'iqn.2024-01.test.dir:mover',
      rediscoverAfterMs: 0,
      backends: [{ name: 'late', host: '127.0.0.1', port, reconnectAttempts: 0 }],
    });
    await d.discover();
    expect(d.list()).toEqual([]);
    expect(d.backendStatus()).toEqual([
      {
        name: 'late',
        portal: `127.0.0.1:${port}`,
        targets: [],
        error: expect.stringMatching(/ECONNREFUSED/) as unknown,
      },
    ]);
    const first = await serve('iqn.2024-01.test.dir:late', [a], port);
    const resolver = new RemoteResolver(d);
    const b1 = await resolver.resolve(idOf(a.identity.naa), nexus(ALICE), signal);
    expect(d.backendStatus()[0]).toEqual({
      name: 'late',
      portal: `127.0.0.1:${port}`,
      targets: ['iqn.2024-01.test.dir:late'],
    });
    await b1.release?.();
    // The backend goes away and comes back: the pooled session is dead, open() logs in again.
    await first.server.close({ graceMs: 50 });
    servers.splice(servers.indexOf(first.server), 1);
    await serve('iqn.2024-01.test.dir:late', [a], port);
    const b2 = await resolver.resolve(idOf(a.identity.naa), nexus(ALICE), signal);
    await clearUnitAttentions(b2.transport);
    expect((await b2.transport.execute({ cdb: Buffer.alloc(6) })).status).toBe(0);
    await b2.release?.();
  });
});
