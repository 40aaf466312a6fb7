// `xcopyctl mover serve --config FILE [--portal HOST:PORT]`: run the router mover (emulator/router)
// until SIGINT/SIGTERM: an iSCSI target whose LUN 0 is a copy manager (processor device) copying
// between LUs of the backend portals listed in the configuration. `--backend HOST[:PORT]`
// (repeatable) is the quick mode: every target of each portal, no CHAP, open to every initiator.
// When the front end listens it prints ONE JSON line on stdout:
//   {"portal","target","luns":[{"lun":0,"type":"processor","naa"}],"backends":[{"url","naa","type","backend"}]}
// Logs go to stderr. `xcopyctl mover config [--config FILE]` prints an example (or the given,
// normalized) configuration.
import type { Argv, CommandModule } from 'yargs';
import { setLogLevel } from '../../emulator/log';
import {
  exampleRouterConfigJson,
  parseRouterConfig,
  parseRouterConfigText,
  portalOf,
  RouterConfigError,
  startRouterMover,
  type RouterConfig,
} from '../../emulator/router';
import { type Io, UsageError, readInputFile } from '../usage';
import { untilSignal } from './until-signal';

interface ServeArgs {
  config?: string;
  backend?: string[];
  portal?: string;
  'log-level'?: string;
}

function readConfig(file: string): RouterConfig {
  const text = readInputFile(file).toString('utf8');
  try {
    return parseRouterConfigText(text, file);
  } catch (e) {
    if (e instanceof RouterConfigError) throw new UsageError(`${file}: ${e.message}`);
    throw e;
  }
}

function configOf(a: ServeArgs): RouterConfig {
  const backends = a.backend ?? [];
  if (a.config !== undefined && backends.length > 0)
    throw new UsageError('--config cannot be combined with --backend');
  try {
    if (a.config !== undefined) {
      const c = readConfig(a.config);
      return a.portal === undefined ? c : { ...c, portal: portalOf(a.portal, '--portal', 3260) };
    }
    if (backends.length === 0)
      throw new UsageError('name the backends: --config FILE or --backend HOST[:PORT]');
    return parseRouterConfig({
      ...(a.portal === undefined ? {} : { portal: a.portal }),
      backends: backends.map((portal, i) => ({ name: `backend${i}`, portal })),
    });
  } catch (e) {
    if (e instanceof RouterConfigError) throw new UsageError(e.message);
    throw e;
  }
}

/** Run the router mover until `stop` resolves; prints the ready line through io.out. */
export async function moverServe(a: ServeArgs, io: Io, stop: Promise<void>): Promise<void> {
  if (a['log-level'] !== undefined) setLogLevel(a['log-level']);
  const config = configOf(a);
  const running = await startRouterMover(config);
  io.out(JSON.stringify(running.ready));
  await stop;
  await running.stop();
}

export function moverVerb(io: Io): CommandModule {
  const serve: CommandModule<object, ServeArgs> = {
    command: 'serve',
    describe: 'serve a copy manager LU over iSCSI that copies between LUs of other iSCSI targets',
    builder: (y: Argv<object>): Argv<ServeArgs> =>
      y
        .option('config', {
          type: 'string',
          describe: 'router mover configuration (JSON, see README "Data mover")',
        })
        .option('backend', {
          type: 'string',
          array: true,
          describe: 'quick mode: a backend portal HOST[:PORT] (repeatable; all its targets, no CHAP)',
        })
        .option('portal', { type: 'string', describe: 'front-end listen HOST:PORT (port 0 = any free port)' })
        .option('log-level', { type: 'string', describe: 'error, warn, info, debug or silent (stderr)' })
        .example('$0 mover serve --config mover.json', 'the configured front end and backends')
        .example('$0 mover serve --backend 127.0.0.1:3261 --portal 127.0.0.1:3260', 'every LU of one portal'),
    handler: (argv) => untilSignal((stop) => moverServe(argv, io, stop)),
  };
  const config: CommandModule<object, { config?: string }> = {
    command: 'config',
    describe: 'print an example router mover configuration (or check --config FILE and print it normalized)',
    builder: (y: Argv<object>): Argv<{ config?: string }> =>
      y.option('config', { type: 'string', describe: 'configuration file to check' }),
    handler: (argv) => {
      if (argv.config === undefined) io.out(JSON.stringify(exampleRouterConfigJson(), null, 2));
      else io.out(JSON.stringify(readConfig(argv.config), null, 2));
    },
  };
  return {
    command: 'mover <command>',
    describe: 'router-style data mover: a copy manager LU in front of other iSCSI targets',
    builder: (y: Argv<object>) =>
      y
        .command(serve as CommandModule)
        .command(config as CommandModule)
        .demandCommand(1, 'name a mover command (serve, config)'),
    handler: () => undefined,
  };
}
