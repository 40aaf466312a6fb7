// `xcopyctl discover --portal HOST[:PORT]... --device /dev/sgN... [--json]` and
// `xcopyctl iscsi discover --portal HOST[:PORT] [--json]`: list LUs, their identity and which are
// copy managers.
import type { Argv, CommandModule } from 'yargs';
import {
  discoverDevices,
  discoverPortal,
  type DiscoveredLu,
  type DiscoveredTargetLus,
} from '../../src/discovery';
import { DEFAULT_ISCSI_PORT } from '../../targets/iscsi/url';
import { type Io, toJson, UsageError } from '../usage';

interface DiscoverArgs {
  portal?: string[];
  device?: string[];
  user?: string;
  password?: string;
  json: boolean;
}

export function parsePortal(text: string): { host: string; port: number } {
  const m = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(text) ?? /^([^:[\]]+)(?::(\d+))?$/.exec(text);
  if (!m) throw new UsageError(`not a portal (HOST[:PORT]): ${JSON.stringify(text)}`);
  const port = m[2] === undefined ? DEFAULT_ISCSI_PORT : Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new UsageError(`bad port in portal ${JSON.stringify(text)}`);
  return { host: m[1], port };
}

function luLine(lu: DiscoveredLu): string {
  if (lu.error) return `  ${lu.address}: ${lu.error}`;
  const id = lu.designator ? ` naa/id ${lu.designator}` : '';
  const cm = lu.copyManager
    ? ` [copy manager: ${lu.copyManager.maximumCscdDescriptorCount} CSCD, ${lu.copyManager.maximumSegmentDescriptorCount} segments, ${lu.copyManager.maximumConcurrentCopies} concurrent]`
    : lu.threePc
      ? ' [3PC]'
      : '';
  return `  ${lu.address}: ${lu.deviceTypeName} ${lu.vendor} ${lu.product} ${lu.revision}${id}${cm}`;
}

function builder(y: Argv<object>, requirePortal: boolean): Argv<DiscoverArgs> {
  return y
    .option('portal', {
      type: 'string',
      array: true,
      demandOption: requirePortal,
      describe: 'iSCSI portal HOST[:PORT]',
    })
    .option('device', {
      type: 'string',
      array: true,
      describe: 'SCSI generic device path (/dev/sgN)',
      hidden: requirePortal,
    })
    .option('user', { type: 'string', describe: 'CHAP user for discovery and login' })
    .option('password', { type: 'string', describe: 'CHAP secret' })
    .option('json', { type: 'boolean', default: false, describe: 'print JSON' });
}

async function run(io: Io, argv: DiscoverArgs): Promise<void> {
  const portals = (argv.portal ?? []).map(parsePortal);
  const devices = argv.device ?? [];
  if (portals.length === 0 && devices.length === 0)
    throw new UsageError('give --portal HOST[:PORT] or --device PATH');
  if ((argv.user === undefined) !== (argv.password === undefined))
    throw new UsageError('--user and --password go together');
  const chap = argv.user !== undefined ? { user: argv.user, secret: argv.password ?? '' } : undefined;
  const result: { portals: { portal: string; targets: DiscoveredTargetLus[] }[]; devices: DiscoveredLu[] } = {
    portals: [],
    devices: [],
  };
  for (const p of portals) {
    result.portals.push({
      portal: `${p.host}:${p.port}`,
      targets: await discoverPortal(p.host, p.port, { chap }),
    });
  }
  if (devices.length > 0) result.devices = await discoverDevices(devices);
  if (argv.json) {
    io.out(toJson(result));
    return;
  }
  for (const p of result.portals) {
    io.out(`portal ${p.portal}`);
    for (const t of p.targets) {
      io.out(` target ${t.targetName} (${t.portals.join(' ')})${t.error ? `: ${t.error}` : ''}`);
      for (const lu of t.lus) io.out(luLine(lu));
    }
  }
  if (result.devices.length > 0) io.out('devices');
  for (const lu of result.devices) io.out(luLine(lu));
  // Exit 1 when something could not be inquired: scripts must notice.
  const failed =
    result.devices.some((d) => d.error) ||
    result.portals.some((p) => p.targets.some((t) => t.error || t.lus.some((l) => l.error)));
  if (failed) process.exitCode = 1;
}

export function discoverVerb(io: Io): CommandModule {
  const verb: CommandModule<object, DiscoverArgs> = {
    command: 'discover',
    describe: 'find LUs on iSCSI portals and SCSI generic devices, and which are copy managers',
    builder: (y) => builder(y, false),
    handler: (argv) => run(io, argv),
  };
  return verb as CommandModule;
}

export function iscsiVerb(io: Io): CommandModule {
  const discover: CommandModule<object, DiscoverArgs> = {
    command: 'discover',
    describe: 'SendTargets on a portal, then REPORT LUNS and INQUIRY for every LUN',
    builder: (y) => builder(y, true),
    handler: (argv) => run(io, argv),
  };
  return {
    command: 'iscsi <command>',
    describe: 'iSCSI tools',
    builder: (y: Argv) => y.command(discover as CommandModule).demandCommand(1, 'name an iscsi subcommand'),
    handler: () => undefined,
  };
}
