// `xcopyctl san up`: serve emulated LUs over iSCSI. With no arguments: one thin-provisioned RAM
// disk (64 MiB) as LUN 0 of one target on a loopback portal. When the target listens it prints
// ONE JSON line on stdout ({"portal","luns":[{name,type,url}]}); logs go to stderr; SIGINT or
// SIGTERM stop it cleanly.
import type { Argv, CommandModule } from 'yargs';
import { createRamDisk } from '../../emulator/devices/disk';
import { IscsiTargetServer } from '../../emulator/iscsi/server';
import type { ChapConfig } from '../../emulator/iscsi/config';
import { setLogLevel } from '../../emulator/log';
import type { LogicalUnit } from '../../emulator/lu';
import { type Io, UsageError } from '../usage';

export const DEFAULT_TARGET = 'iqn.2024-01.io.xcopy:san';

interface UpArgs {
  portal: string;
  target: string;
  size: string;
  'block-size': number;
  'chap-user'?: string;
  'chap-secret'?: string;
  'mutual-user'?: string;
  'mutual-secret'?: string;
  'log-level'?: string;
}

/** "64M", "1G", "512K", "1048576" -> bytes (binary units). */
export function parseSize(s: string): number {
  const m = /^(\d+)\s*([KMGT]?)(i?B)?$/i.exec(s.trim());
  if (m === null) throw new UsageError(`bad size "${s}" (use e.g. 64M, 1G)`);
  const mult = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 }[
    m[2].toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'
  ];
  const n = Number(m[1]) * mult;
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`bad size "${s}"`);
  return n;
}

/** "HOST:PORT", "[v6]:PORT" or "HOST" (ephemeral port). */
export function parsePortal(s: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d+))?$/.exec(s);
  if (m === null) throw new UsageError(`bad portal "${s}" (use HOST:PORT)`);
  const port = m[3] === undefined ? 0 : Number(m[3]);
  if (port > 65535) throw new UsageError(`bad port in "${s}"`);
  return { host: m[1] ?? m[2], port };
}

function chapFrom(a: UpArgs): ChapConfig | undefined {
  const user = a['chap-user'];
  const secret = a['chap-secret'];
  if (user === undefined && secret === undefined) return undefined;
  if (user === undefined || secret === undefined)
    throw new UsageError('--chap-user and --chap-secret go together');
  const mu = a['mutual-user'];
  const ms = a['mutual-secret'];
  if ((mu === undefined) !== (ms === undefined))
    throw new UsageError('--mutual-user and --mutual-secret go together');
  return {
    users: [{ user, secret }],
    mutual: mu !== undefined && ms !== undefined ? { user: mu, secret: ms } : undefined,
  };
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Run the SAN until `stop` resolves; prints the ready line through io.out. */
export async function sanUp(a: UpArgs, io: Io, stop: Promise<void>): Promise<void> {
  if (a['log-level'] !== undefined) setLogLevel(a['log-level']);
  const portal = parsePortal(a.portal);
  const size = parseSize(a.size);
  const blockSize = a['block-size'];
  if (![512, 4096].includes(blockSize)) throw new UsageError('--block-size must be 512 or 4096');
  if (size % blockSize !== 0) throw new UsageError(`size must be a multiple of ${blockSize}`);
  const disk = createRamDisk({ identity: { id: `${a.target}/0` }, sizeBytes: size, blockSize });
  const luns = new Map<number, LogicalUnit>([[0, disk]]);
  const server = new IscsiTargetServer({
    host: portal.host,
    port: portal.port,
    targets: [{ name: a.target, luns, chap: chapFrom(a) }],
  });
  const addr = await server.listen();
  const hp = `${hostForUrl(addr.host)}:${addr.port}`;
  io.out(
    JSON.stringify({
      portal: hp,
      luns: [{ name: 'disk0', type: 'disk', url: `iscsi://${hp}/${a.target}/0` }],
    }),
  );
  await stop;
  await server.close();
}

export function sanVerb(io: Io): CommandModule {
  const up: CommandModule<object, UpArgs> = {
    command: 'up',
    describe: 'serve a RAM disk over iSCSI until SIGINT/SIGTERM; prints one JSON line when ready',
    builder: (y: Argv<object>): Argv<UpArgs> =>
      y
        .option('portal', {
          type: 'string',
          default: '127.0.0.1:0',
          describe: 'listen HOST:PORT (port 0 = any free)',
        })
        .option('target', { type: 'string', default: DEFAULT_TARGET, describe: 'target IQN' })
        .option('size', { type: 'string', default: '64M', describe: 'RAM disk size (K/M/G suffixes)' })
        .option('block-size', { type: 'number', default: 512, describe: 'logical block size (512 or 4096)' })
        .option('chap-user', { type: 'string', describe: 'require CHAP: initiator user name' })
        .option('chap-secret', { type: 'string', describe: 'require CHAP: initiator secret' })
        .option('mutual-user', { type: 'string', describe: 'mutual CHAP: target user name' })
        .option('mutual-secret', { type: 'string', describe: 'mutual CHAP: target secret' })
        .option('log-level', { type: 'string', describe: 'error, warn, info, debug or silent (stderr)' })
        .example('$0 san up', 'RAM disk on 127.0.0.1, any port')
        .example('$0 san up --portal 127.0.0.1:3260 --size 1G', 'fixed port, 1 GiB'),
    handler: async (argv) => {
      let release: () => void = () => undefined;
      const stop = new Promise<void>((resolve) => {
        release = resolve;
      });
      const onSignal = (): void => release();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        await sanUp(argv, io, stop);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    },
  };
  const verb: CommandModule<object, object> = {
    command: 'san <command>',
    describe: 'emulated SAN (iSCSI target with emulated LUs)',
    builder: (y: Argv<object>) => y.command(up as CommandModule).demandCommand(1, 'name a san command (up)'),
    handler: () => undefined,
  };
  return verb;
}
