// `xcopyctl san up [--config FILE] [--portal HOST:PORT] [--dir DIR]`: serve the emulated SAN over
// iSCSI until SIGINT/SIGTERM. Without --config it is the default SAN (emulator/san/default-config.ts:
// vol1, restore1, a tape drive, a changer with cartridges, a copy manager LU). When the portal and
// the admin API listen it prints ONE JSON line on stdout:
//   {"portal":"127.0.0.1:PORT","admin":"http://127.0.0.1:PORT","luns":[{"name","type","url","naa"}...]}
// Logs go to stderr. On SIGINT/SIGTERM stores are synced, cartridges closed, and it exits 0.
// `--size` (with --block-size, --target, --chap-*) is the quick mode: one memory disk "disk0".
// `xcopyctl san config [--config FILE]` prints the default (or the given, normalized) configuration.
import type { Argv, CommandModule } from 'yargs';
import { setLogLevel } from '../../emulator/log';
import {
  defaultSanConfig,
  defaultSanConfigJson,
  DEFAULT_TARGET_IQN,
  hostPortOf,
  parseSanConfig,
  parseSanConfigText,
  SanConfigError,
  sizeOf,
  startSan,
  type SanConfig,
} from '../../emulator/san';
import { type Io, UsageError, readInputFile } from '../usage';
import { untilSignal } from './until-signal';

export const DEFAULT_TARGET = DEFAULT_TARGET_IQN;

interface UpArgs {
  config?: string;
  portal?: string;
  dir?: string;
  target?: string;
  size?: string;
  'block-size'?: number;
  'chap-user'?: string;
  'chap-secret'?: string;
  'mutual-user'?: string;
  'mutual-secret'?: string;
  'log-level'?: string;
}

/** "64M", "1G", "512K", "1048576" -> bytes (binary units). */
export function parseSize(s: string): number {
  const n = sizeOf(s);
  if (n === undefined) throw new UsageError(`bad size "${s}" (use e.g. 64M, 1G)`);
  return n;
}

/** "HOST:PORT", "[v6]:PORT" or "HOST" (ephemeral port). */
export function parsePortal(s: string): { host: string; port: number } {
  const port = /:(\d+)$/.exec(s);
  if (port !== null && Number(port[1]) > 65535) throw new UsageError(`bad port in "${s}"`);
  const hp = hostPortOf(s);
  if (hp === undefined) throw new UsageError(`bad portal "${s}" (use HOST:PORT)`);
  return hp;
}

function readConfigFile(file: string): SanConfig {
  const text = readInputFile(file).toString('utf8');
  try {
    return parseSanConfigText(text, file);
  } catch (e) {
    if (e instanceof SanConfigError) throw new UsageError(`${file}: ${e.message}`);
    throw e;
  }
}

const QUICK_OPTIONS = [
  'target',
  'size',
  'block-size',
  'chap-user',
  'chap-secret',
  'mutual-user',
  'mutual-secret',
] as const;

/** The quick mode's SAN: one memory disk, optionally behind CHAP. */
function quickConfig(a: UpArgs): SanConfig {
  const user = a['chap-user'];
  const secret = a['chap-secret'];
  if ((user === undefined) !== (secret === undefined))
    throw new UsageError('--chap-user and --chap-secret go together');
  const mu = a['mutual-user'];
  const ms = a['mutual-secret'];
  if ((mu === undefined) !== (ms === undefined))
    throw new UsageError('--mutual-user and --mutual-secret go together');
  if (mu !== undefined && user === undefined) throw new UsageError('mutual CHAP needs --chap-user too');
  const blockSize = a['block-size'] ?? 512;
  if (![512, 4096].includes(blockSize)) throw new UsageError('--block-size must be 512 or 4096');
  const size = parseSize(a.size ?? '64M');
  if (size % blockSize !== 0) throw new UsageError(`size must be a multiple of ${blockSize}`);
  const chap =
    user === undefined || secret === undefined
      ? undefined
      : {
          users: [{ user, secret }],
          ...(mu !== undefined && ms !== undefined ? { mutual: { user: mu, secret: ms } } : {}),
        };
  try {
    return parseSanConfig({
      targets: [
        {
          iqn: a.target ?? DEFAULT_TARGET,
          ...(chap === undefined ? {} : { chap }),
          luns: [{ name: 'disk0', type: 'disk', lun: 0, memory: true, size, blockSize }],
        },
      ],
    });
  } catch (e) {
    if (e instanceof SanConfigError) throw new UsageError(e.message);
    throw e;
  }
}

function configOf(a: UpArgs): SanConfig {
  const quick = QUICK_OPTIONS.some((k) => a[k] !== undefined);
  if (quick && a.config !== undefined)
    throw new UsageError(
      `--config cannot be combined with --${QUICK_OPTIONS.filter((k) => a[k] !== undefined).join(', --')}`,
    );
  if (a.config !== undefined) return readConfigFile(a.config);
  return quick ? quickConfig(a) : defaultSanConfig();
}

/** Run the SAN until `stop` resolves; prints the ready line through io.out. */
export async function sanUp(a: UpArgs, io: Io, stop: Promise<void>): Promise<void> {
  if (a['log-level'] !== undefined) setLogLevel(a['log-level']);
  const portal = a.portal === undefined ? undefined : parsePortal(a.portal);
  if (a.dir !== undefined && a.dir.trim() === '') throw new UsageError('--dir needs a directory');
  const config = configOf(a);
  let running;
  try {
    running = await startSan(config, { portal, dir: a.dir });
  } catch (e) {
    if (e instanceof SanConfigError) throw new UsageError(e.message);
    throw e;
  }
  io.out(JSON.stringify(running.ready));
  await stop;
  await running.stop();
}

interface ConfigArgs {
  config?: string;
}

export function sanVerb(io: Io): CommandModule {
  const up: CommandModule<object, UpArgs> = {
    command: 'up',
    describe: 'serve the emulated SAN over iSCSI until SIGINT/SIGTERM; prints one JSON line when ready',
    builder: (y: Argv<object>): Argv<UpArgs> =>
      y
        .option('config', { type: 'string', describe: 'SAN configuration (JSON); default: the default SAN' })
        .option('portal', {
          type: 'string',
          describe: 'listen HOST:PORT, overrides the configuration (port 0 = any free)',
        })
        .option('dir', {
          type: 'string',
          describe:
            'data directory, kept and reused across restarts (default: a temporary one, removed at exit)',
        })
        .option('size', {
          type: 'string',
          describe: 'quick mode: one memory disk of this size (K/M/G suffixes)',
        })
        .option('block-size', { type: 'number', describe: 'quick mode: logical block size (512 or 4096)' })
        .option('target', { type: 'string', describe: `quick mode: target IQN (default ${DEFAULT_TARGET})` })
        .option('chap-user', { type: 'string', describe: 'quick mode: require CHAP, initiator user name' })
        .option('chap-secret', { type: 'string', describe: 'quick mode: require CHAP, initiator secret' })
        .option('mutual-user', { type: 'string', describe: 'quick mode: mutual CHAP, target user name' })
        .option('mutual-secret', { type: 'string', describe: 'quick mode: mutual CHAP, target secret' })
        .option('log-level', { type: 'string', describe: 'error, warn, info, debug or silent (stderr)' })
        .example('$0 san up', 'the default SAN on 127.0.0.1, any port, temporary data')
        .example(
          '$0 san up --config san.json --dir /var/tmp/san',
          'a configured SAN whose data survives restarts',
        )
        .example('$0 san up --size 1G --portal 127.0.0.1:3260', 'quick mode: one 1 GiB memory disk'),
    handler: (argv) => untilSignal((stop) => sanUp(argv, io, stop)),
  };
  const config: CommandModule<object, ConfigArgs> = {
    command: 'config',
    describe: 'print the default SAN configuration (or check --config FILE and print it normalized)',
    builder: (y: Argv<object>): Argv<ConfigArgs> =>
      y.option('config', { type: 'string', describe: 'configuration file to check' }),
    handler: (argv) => {
      if (argv.config === undefined) io.out(JSON.stringify(defaultSanConfigJson(), null, 2));
      else io.out(JSON.stringify(readConfigFile(argv.config), null, 2));
    },
  };
  const verb: CommandModule<object, object> = {
    command: 'san <command>',
    describe: 'emulated SAN (iSCSI targets with disk, tape, changer and copy manager LUs; admin API)',
    builder: (y: Argv<object>) =>
      y
        .command(up as CommandModule)
        .command(config as CommandModule)
        .demandCommand(1, 'name a san command (up, config)'),
    handler: () => undefined,
  };
  return verb;
}
