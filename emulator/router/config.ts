// Configuration of the router mover (`xcopyctl mover serve --config FILE`): a JSON document naming
// the front end (the portal, target name, ACL and CHAP initiators use to reach the copy manager LU)
// and the backends (iSCSI portals whose LUs the copy manager may copy from and to). The README
// section "Data mover" documents the format; parseRouterConfig() checks it and reports the first
// problem with its JSON path.
import type { ChapCredentials } from '../../targets/iscsi/chap';
import type { DigestName } from '../../targets/iscsi/negotiation';
import { IscsiUrlError, parseTargetAddress } from '../../targets/iscsi/url';
import type { ChapConfig, ChapUser } from '../iscsi/config';
import { DEFAULT_MOVER_CONFIG, moverConfig, type MoverConfigOverrides } from '../mover/config';
import type { RemoteBackendConfig } from '../mover/remote';

export const DEFAULT_ROUTER_TARGET = 'iqn.2024-01.io.xcopy:mover';
export const DEFAULT_ROUTER_INITIATOR = 'iqn.2024-01.io.xcopy:router-mover';
export const DEFAULT_COPY_MANAGER_ID = 'router-mover';

export interface RouterConfig {
  /** Front-end listen address (port 0 = any free port). */
  portal: { host: string; port: number };
  /** Front-end target name; LUN 0 is the copy manager. */
  target: string;
  /** Initiator names allowed to log in to the front end; absent = everyone. */
  acl?: string[];
  /** CHAP the front end requires (and its mutual CHAP identity). */
  chap?: ChapConfig;
  /** Identity of the copy manager LU (its NAA designator is derived from it). */
  copyManagerId: string;
  /** The name the mover logs in to backends with. */
  initiatorName: string;
  mover: MoverConfigOverrides;
  backends: RemoteBackendConfig[];
}

export class RouterConfigError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'RouterConfigError';
  }
}

const ISCSI_NAME = /^(iqn\.\d{4}-\d{2}\.[^\s]+|eui\.[0-9A-Fa-f]{16}|naa\.[0-9A-Fa-f]{16}([0-9A-Fa-f]{16})?)$/;
const DIGESTS: Record<string, DigestName[]> = {
  none: ['None'],
  crc32c: ['CRC32C'],
  'none,crc32c': ['None', 'CRC32C'],
  'crc32c,none': ['CRC32C', 'None'],
};

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads the fields of one JSON object, rejecting keys it does not know. */
class Fields {
  constructor(
    private readonly obj: Json,
    private readonly path: string,
    known: readonly string[],
  ) {
    for (const k of Object.keys(obj)) {
      if (!known.includes(k))
        throw new RouterConfigError(this.at(k), `unknown key (known: ${known.join(', ')})`);
    }
  }

  at(key: string): string {
    return `${this.path}.${key}`;
  }

  string(key: string): string | undefined {
    const v = this.obj[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.length === 0)
      throw new RouterConfigError(this.at(key), 'must be a non-empty string');
    return v;
  }

  iscsiName(key: string): string | undefined {
    const v = this.string(key);
    if (v !== undefined && !ISCSI_NAME.test(v))
      throw new RouterConfigError(this.at(key), `"${v}" is not an iSCSI name`);
    return v;
  }

  integer(key: string, min: number, max: number): number | undefined {
    const v = this.obj[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      throw new RouterConfigError(this.at(key), `must be an integer in ${min}..${max}`);
    return v;
  }

  strings(key: string, check?: (s: string, path: string) => void): string[] | undefined {
    const v = this.obj[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) throw new RouterConfigError(this.at(key), 'must be an array of strings');
    return v.map((x, i) => {
      const p = `${this.at(key)}[${i}]`;
      if (typeof x !== 'string' || x.length === 0)
        throw new RouterConfigError(p, 'must be a non-empty string');
      check?.(x, p);
      return x;
    });
  }

  object(key: string): Json | undefined {
    const v = this.obj[key];
    if (v === undefined) return undefined;
    if (!isObject(v)) throw new RouterConfigError(this.at(key), 'must be an object');
    return v;
  }
}

function checkIscsiName(s: string, path: string): void {
  if (!ISCSI_NAME.test(s)) throw new RouterConfigError(path, `"${s}" is not an iSCSI name`);
}

/** CHAP secrets: RFC 7143 12.1.3 wants at least 12 bytes (96 bits) for one-way and mutual CHAP. */
function credentials(v: unknown, path: string): ChapCredentials & ChapUser {
  if (!isObject(v)) throw new RouterConfigError(path, 'must be an object {"user", "secret"}');
  const f = new Fields(v, path, ['user', 'secret']);
  const user = f.string('user');
  const secret = f.string('secret');
  if (user === undefined) throw new RouterConfigError(f.at('user'), 'is required');
  if (secret === undefined) throw new RouterConfigError(f.at('secret'), 'is required');
  if (Buffer.byteLength(secret) < 12)
    throw new RouterConfigError(f.at('secret'), 'must be at least 12 bytes');
  return { user, secret };
}

/** "HOST:PORT" / "[v6]:PORT" / "HOST" (port `defaultPort`); throws RouterConfigError naming `path`. */
export function portalOf(s: string, path: string, defaultPort: number): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(s.trim());
  const port = m?.[3] === undefined ? defaultPort : Number(m[3]);
  if (m === null || port > 65535) throw new RouterConfigError(path, `"${s}" is not HOST:PORT`);
  return { host: m[1] ?? m[2], port };
}

function frontChap(v: Json, path: string): ChapConfig {
  const f = new Fields(v, path, ['users', 'mutual']);
  const users = v.users;
  if (!Array.isArray(users) || users.length === 0)
    throw new RouterConfigError(f.at('users'), 'must be a non-empty array of {"user", "secret"}');
  const chap: ChapConfig = { users: users.map((u, i) => credentials(u, `${f.at('users')}[${i}]`)) };
  if (v.mutual !== undefined) chap.mutual = credentials(v.mutual, f.at('mutual'));
  return chap;
}

function backend(v: unknown, path: string, index: number): RemoteBackendConfig {
  if (!isObject(v)) throw new RouterConfigError(path, 'must be an object');
  const f = new Fields(v, path, [
    'name',
    'portal',
    'targets',
    'chap',
    'mutualChap',
    'allow',
    'headerDigest',
    'dataDigest',
    'queueDepth',
    'reconnectAttempts',
    'reconnectDelayMs',
    'commandTimeoutMs',
  ]);
  const portal = f.string('portal');
  if (portal === undefined) throw new RouterConfigError(f.at('portal'), 'is required');
  let address;
  try {
    address = parseTargetAddress(portal);
  } catch (e) {
    if (e instanceof IscsiUrlError)
      throw new RouterConfigError(f.at('portal'), `"${portal}" is not HOST[:PORT]`);
    throw e;
  }
  const b: RemoteBackendConfig = {
    name: f.string('name') ?? `backend${index}`,
    host: address.host,
    port: address.port,
  };
  const targets = f.strings('targets', checkIscsiName);
  if (targets !== undefined) b.targets = targets;
  if (v.chap !== undefined) b.chap = credentials(v.chap, f.at('chap'));
  if (v.mutualChap !== undefined) {
    if (b.chap === undefined) throw new RouterConfigError(f.at('mutualChap'), 'needs "chap" too');
    b.mutualChap = credentials(v.mutualChap, f.at('mutualChap'));
  }
  const allow = f.strings('allow', (s, p) => {
    if (!s.startsWith('chap:')) checkIscsiName(s, p);
    else if (s.length === 5) throw new RouterConfigError(p, '"chap:" needs a user name');
  });
  if (allow !== undefined) b.allow = allow;
  for (const key of ['headerDigest', 'dataDigest'] as const) {
    const d = f.string(key);
    if (d === undefined) continue;
    const names = DIGESTS[d.toLowerCase().replace(/\s+/g, '')];
    if (names === undefined)
      throw new RouterConfigError(f.at(key), `must be one of ${Object.keys(DIGESTS).join(' | ')}`);
    b[key] = names;
  }
  const queueDepth = f.integer('queueDepth', 1, 1024);
  if (queueDepth !== undefined) b.queueDepth = queueDepth;
  const attempts = f.integer('reconnectAttempts', 0, 100);
  if (attempts !== undefined) b.reconnectAttempts = attempts;
  const delay = f.integer('reconnectDelayMs', 0, 600000);
  if (delay !== undefined) b.reconnectDelayMs = delay;
  const timeout = f.integer('commandTimeoutMs', 1, 3600000);
  if (timeout !== undefined) b.commandTimeoutMs = timeout;
  return b;
}

/** The mover tunables a configuration may set (MoverConfigOverrides, checked by moverConfig()). */
function moverOverrides(v: Json, path: string): MoverConfigOverrides {
  const f = new Fields(v, path, [
    'limits',
    'pipeline',
    'retention',
    'backendRetries',
    'backendTimeoutMs',
    'nullBlockLength',
  ]);
  const numbers = <T extends object>(key: string, defaults: T): Partial<T> | undefined => {
    const o = f.object(key);
    if (o === undefined) return undefined;
    const known = Object.keys(defaults);
    new Fields(o, f.at(key), known);
    const out: Partial<Record<string, number>> = {};
    for (const [k, x] of Object.entries(o)) {
      if (typeof x !== 'number') throw new RouterConfigError(`${f.at(key)}.${k}`, 'must be a number');
      out[k] = x;
    }
    return out as Partial<T>;
  };
  const o: MoverConfigOverrides = {};
  const limits = numbers('limits', DEFAULT_MOVER_CONFIG.limits);
  const pipeline = numbers('pipeline', DEFAULT_MOVER_CONFIG.pipeline);
  const retention = numbers('retention', DEFAULT_MOVER_CONFIG.retention);
  if (limits !== undefined) o.limits = limits;
  if (pipeline !== undefined) o.pipeline = pipeline;
  if (retention !== undefined) o.retention = retention;
  const retries = f.integer('backendRetries', 0, 100);
  if (retries !== undefined) o.backendRetries = retries;
  const timeout = f.integer('backendTimeoutMs', 0, 3600000);
  if (timeout !== undefined) o.backendTimeoutMs = timeout;
  const nbl = f.integer('nullBlockLength', 1, 0xffffff);
  if (nbl !== undefined) o.nullBlockLength = nbl;
  try {
    moverConfig(o);
  } catch (e) {
    if (e instanceof RangeError) throw new RouterConfigError(path, e.message);
    throw e;
  }
  return o;
}

/** Check a parsed JSON configuration; throws RouterConfigError. */
export function parseRouterConfig(v: unknown): RouterConfig {
  if (!isObject(v)) throw new RouterConfigError('$', 'the configuration must be a JSON object');
  const f = new Fields(v, '$', [
    'portal',
    'target',
    'acl',
    'chap',
    'copyManager',
    'initiatorName',
    'mover',
    'backends',
  ]);
  const portal = portalOf(f.string('portal') ?? '127.0.0.1:3260', f.at('portal'), 3260);
  const config: RouterConfig = {
    portal,
    target: f.iscsiName('target') ?? DEFAULT_ROUTER_TARGET,
    copyManagerId: DEFAULT_COPY_MANAGER_ID,
    initiatorName: f.iscsiName('initiatorName') ?? DEFAULT_ROUTER_INITIATOR,
    mover: {},
    backends: [],
  };
  const acl = f.strings('acl', checkIscsiName);
  if (acl !== undefined) config.acl = acl;
  const chap = f.object('chap');
  if (chap !== undefined) config.chap = frontChap(chap, f.at('chap'));
  const cm = f.object('copyManager');
  if (cm !== undefined) {
    const c = new Fields(cm, f.at('copyManager'), ['id']);
    config.copyManagerId = c.string('id') ?? DEFAULT_COPY_MANAGER_ID;
  }
  const mover = f.object('mover');
  if (mover !== undefined) config.mover = moverOverrides(mover, f.at('mover'));
  const backends = v.backends;
  if (!Array.isArray(backends) || backends.length === 0)
    throw new RouterConfigError(f.at('backends'), 'must be a non-empty array of backend portals');
  config.backends = backends.map((b, i) => backend(b, `${f.at('backends')}[${i}]`, i));
  const names = new Set<string>();
  config.backends.forEach((b, i) => {
    if (names.has(b.name)) throw new RouterConfigError(`$.backends[${i}].name`, `"${b.name}" is used twice`);
    names.add(b.name);
  });
  return config;
}

/** Parse JSON text; syntax errors become RouterConfigError too. */
export function parseRouterConfigText(text: string, source = 'config'): RouterConfig {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new RouterConfigError(source, `not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseRouterConfig(v);
}

/** An example configuration (`xcopyctl mover config`). */
export function exampleRouterConfigJson(): Record<string, unknown> {
  return {
    portal: '127.0.0.1:3260',
    target: DEFAULT_ROUTER_TARGET,
    acl: ['iqn.2024-01.io.xcopy:backup-server'],
    chap: { users: [{ user: 'backup', secret: 'backup-secret-1' }] },
    copyManager: { id: DEFAULT_COPY_MANAGER_ID },
    initiatorName: DEFAULT_ROUTER_INITIATOR,
    mover: { pipeline: { maxTransferBytes: 1048576, readAhead: 4, writeBehind: 4 } },
    backends: [
      { name: 'tgt', portal: '127.0.0.1:3261', targets: ['iqn.2024-01.io.xcopy:tgt-disks'] },
      {
        name: 'san',
        portal: '127.0.0.1:3262',
        chap: { user: 'mover', secret: 'mover-secret-1' },
        mutualChap: { user: 'san', secret: 'san-target-secret' },
        allow: ['iqn.2024-01.io.xcopy:backup-server', 'chap:backup'],
      },
    ],
  };
}
