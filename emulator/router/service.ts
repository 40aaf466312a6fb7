// The router mover: a standalone data mover in the style of SAN "data mover" appliances. Its iSCSI
// front end (IscsiTargetServer) offers one LU, LUN 0, a processor device (type 03h) hosting the copy
// manager; the CSCDs named in EXTENDED COPY parameter lists are LUs of OTHER iSCSI targets, reached
// through our initiator (emulator/mover/remote.ts). Access control: the front end's ACL and CHAP
// decide who may send EXTENDED COPY at all; each backend's `allow` list decides whose copies may
// touch its LUs.
import { ProcessorDevice } from '../devices/processor';
import { IscsiTargetServer } from '../iscsi/server';
import { getLogger } from '../log';
import type { LogicalUnit } from '../lu';
import { deviceTypeName, IscsiLuDirectory } from '../mover/remote';
import { RemoteResolver } from '../mover/resolver';
import type { RouterConfig } from './config';

/** The one JSON line `xcopyctl mover serve` prints when it is ready. */
export interface RouterReady {
  portal: string;
  target: string;
  luns: { lun: number; type: string; naa: string }[];
  backends: { url: string; naa: string | null; type: string; backend: string }[];
  /** Backends (or targets of them) discovery could not reach; tried again when a copy names an unknown LU. */
  unreachable?: { name: string; portal: string; error: string }[];
}

export interface RunningRouter {
  ready: RouterReady;
  directory: IscsiLuDirectory;
  copyManagerLu: ProcessorDevice;
  server: IscsiTargetServer;
  /** Stop the front end (initiators are asked to log out), then log out of every backend. */
  stop(opts?: { graceMs?: number }): Promise<void>;
}

function formatPortal(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Discover the backends, build the copy manager LU, and start serving it. */
export async function startRouterMover(
  config: RouterConfig,
  opts: { portal?: { host: string; port: number } } = {},
): Promise<RunningRouter> {
  const log = getLogger('router-mover');
  const directory = new IscsiLuDirectory({
    backends: config.backends,
    initiatorName: config.initiatorName,
  });
  let server: IscsiTargetServer | undefined;
  try {
    await directory.discover();
    const copyManagerLu = new ProcessorDevice({
      identity: { id: config.copyManagerId },
      resolver: new RemoteResolver(directory),
      mover: config.mover,
    });
    const portal = opts.portal ?? config.portal;
    server = new IscsiTargetServer({
      host: portal.host,
      port: portal.port,
      targets: [
        {
          name: config.target,
          luns: new Map<number, LogicalUnit>([[0, copyManagerLu]]),
          ...(config.acl === undefined ? {} : { acl: config.acl }),
          ...(config.chap === undefined ? {} : { chap: config.chap }),
        },
      ],
    });
    const address = await server.listen();
    const ready: RouterReady = {
      portal: formatPortal(address.host, address.port),
      target: config.target,
      luns: [{ lun: 0, type: 'processor', naa: copyManagerLu.identity.naa.toString('hex') }],
      backends: directory.list().map((lu) => ({
        url: lu.name,
        naa: lu.naa ?? null,
        type: deviceTypeName(lu.deviceType),
        backend: lu.backend,
      })),
    };
    const down = directory.backendStatus().filter((s) => s.error !== undefined);
    if (down.length > 0) {
      ready.unreachable = down.map((s) => ({ name: s.name, portal: s.portal, error: s.error ?? '' }));
    }
    log.info(`router mover on ${ready.portal}: ${ready.backends.length} backend LUs`);
    const running = server;
    let stopping: Promise<void> | undefined;
    return {
      ready,
      directory,
      copyManagerLu,
      server: running,
      stop: (o = {}) => {
        stopping ??= (async () => {
          await running.close({ graceMs: o.graceMs ?? 2000 });
          await directory.close();
        })();
        return stopping;
      },
    };
  } catch (e) {
    await server?.close({ graceMs: 0 });
    await directory.close();
    throw e;
  }
}
