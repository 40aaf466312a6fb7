// iSCSI URLs in libiscsi's form:
//   iscsi://[user[%password]@]host[:port]/target-iqn/lun[?target_user=U&target_password=P&header_digest=D]
// and the portal form iscsi://[user[%password]@]host[:port][/] used for discovery.
// user/password/target_user/target_password are CHAP credentials (target_* for mutual CHAP).

export const DEFAULT_ISCSI_PORT = 3260;

export type HeaderDigestChoice = 'none' | 'crc32c' | 'none-crc32c' | 'crc32c-none';

export interface IscsiUrl {
  /** Host name or IP address (IPv6 without brackets). */
  host: string;
  port: number;
  /** Target IQN/EUI name; absent in a portal URL. */
  targetName?: string;
  /** LUN number; absent in a portal URL. */
  lun?: number;
  /** CHAP user (the initiator's name towards the target). */
  user?: string;
  password?: string;
  /** Mutual CHAP: the name and secret the target must answer with. */
  targetUser?: string;
  targetPassword?: string;
  headerDigest?: HeaderDigestChoice;
}

export class IscsiUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IscsiUrlError';
  }
}

const DIGESTS: readonly HeaderDigestChoice[] = ['none', 'crc32c', 'none-crc32c', 'crc32c-none'];

/** Parse an iSCSI URL. With requireLun (default true) the target and LUN parts are mandatory. */
export function parseIscsiUrl(url: string, opts: { requireLun?: boolean } = {}): IscsiUrl {
  const requireLun = opts.requireLun ?? true;
  const fail = (why: string): never => {
    throw new IscsiUrlError(`invalid iSCSI URL ${JSON.stringify(redact(url))}: ${why}`);
  };
  if (!url.startsWith('iscsi://')) fail('must start with iscsi://');
  let rest = url.slice('iscsi://'.length);
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  const out: IscsiUrl = { host: '', port: DEFAULT_ISCSI_PORT };
  // Credentials end at the last '@' before the first '/' that follows them.
  const slash = rest.indexOf('/');
  const authority = slash >= 0 ? rest.slice(0, slash) : rest;
  const path = slash >= 0 ? rest.slice(slash + 1) : '';
  let hostPort = authority;
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    const cred = authority.slice(0, at);
    hostPort = authority.slice(at + 1);
    const pct = cred.indexOf('%');
    const user = pct >= 0 ? cred.slice(0, pct) : cred;
    if (user.length === 0) fail('empty user name');
    out.user = user;
    if (pct >= 0) out.password = cred.slice(pct + 1);
  }
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) fail('unterminated IPv6 address');
    out.host = hostPort.slice(1, close);
    const after = hostPort.slice(close + 1);
    if (after.length > 0) {
      if (!after.startsWith(':')) fail('garbage after IPv6 address');
      out.port = parsePort(after.slice(1), fail);
    }
  } else {
    const colon = hostPort.lastIndexOf(':');
    if (colon >= 0) {
      out.host = hostPort.slice(0, colon);
      out.port = parsePort(hostPort.slice(colon + 1), fail);
    } else {
      out.host = hostPort;
    }
  }
  if (out.host.length === 0) fail('missing host');
  const parts = path.split('/');
  if (path.length === 0 || (parts.length === 1 && parts[0] === '')) {
    if (requireLun) fail('missing /target-iqn/lun');
  } else {
    if (parts.length !== 2 || parts[0].length === 0) fail('path must be /target-iqn/lun');
    out.targetName = parts[0];
    if (!/^[0-9]{1,5}$/.test(parts[1]) || Number(parts[1]) > 16383)
      fail(`bad LUN ${JSON.stringify(parts[1])}`);
    out.lun = Number(parts[1]);
  }
  if (query.length > 0) {
    for (const arg of query.split('&')) {
      const eq = arg.indexOf('=');
      if (eq <= 0) fail(`bad argument ${JSON.stringify(arg)}`);
      const key = arg.slice(0, eq);
      const value = arg.slice(eq + 1);
      if (key === 'target_user') out.targetUser = value;
      else if (key === 'target_password') out.targetPassword = value;
      else if (key === 'header_digest') {
        const d = value.toLowerCase() as HeaderDigestChoice;
        if (!DIGESTS.includes(d)) fail(`bad header_digest ${JSON.stringify(value)}`);
        out.headerDigest = d;
      } else fail(`unknown argument ${JSON.stringify(key)}`);
    }
  }
  if ((out.targetUser === undefined) !== (out.targetPassword === undefined)) {
    fail('target_user and target_password go together');
  }
  return out;
}

function parsePort(s: string, fail: (why: string) => never): number {
  if (!/^[0-9]{1,5}$/.test(s)) fail(`bad port ${JSON.stringify(s)}`);
  const n = Number(s);
  if (n < 1 || n > 65535) fail(`port ${n} out of range`);
  return n;
}

/** Format an IscsiUrl (the inverse of parseIscsiUrl). Throws IscsiUrlError for unrepresentable parts. */
export function formatIscsiUrl(u: IscsiUrl): string {
  const bad = (why: string): never => {
    throw new IscsiUrlError(`cannot format iSCSI URL: ${why}`);
  };
  let s = 'iscsi://';
  if (u.user !== undefined) {
    if (u.user.length === 0 || /[%@/?]/.test(u.user)) bad('user must be non-empty without % @ / ?');
    s += u.user;
    if (u.password !== undefined) {
      if (/[@/?]/.test(u.password)) bad('password must not contain @ / ?');
      s += `%${u.password}`;
    }
    s += '@';
  } else if (u.password !== undefined) bad('password without user');
  if (u.host.length === 0 || /[/@?]/.test(u.host)) bad('bad host');
  s += u.host.includes(':') ? `[${u.host}]` : u.host;
  if (u.port !== DEFAULT_ISCSI_PORT) s += `:${u.port}`;
  if ((u.targetName === undefined) !== (u.lun === undefined)) bad('targetName and lun go together');
  if (u.targetName !== undefined && u.lun !== undefined) {
    if (u.targetName.length === 0 || /[/?]/.test(u.targetName)) bad('bad target name');
    s += `/${u.targetName}/${u.lun}`;
  }
  const args: string[] = [];
  for (const [k, v] of [
    ['target_user', u.targetUser],
    ['target_password', u.targetPassword],
    ['header_digest', u.headerDigest],
  ] as const) {
    if (v === undefined) continue;
    if (/[&]/.test(v)) bad(`${k} must not contain &`);
    args.push(`${k}=${v}`);
  }
  if (args.length > 0) s += `?${args.join('&')}`;
  return s;
}

/** The URL with passwords replaced by ***, for logs and error messages. */
export function redact(url: string): string {
  return url
    .replace(/^(iscsi:\/\/[^%@/]*)%[^@/]*@/, '$1%***@')
    .replace(/([?&]target_password=)[^&]*/, '$1***');
}

/** A portal from a TargetAddress value (RFC 7143 13.8: domainname[:port][,portal-group-tag]). */
export interface TargetPortal {
  host: string;
  port: number;
  /** Target portal group tag, when given. */
  tpgt?: number;
}

/** Parse a TargetAddress value ("10.0.0.1:3260,1", "[fe80::1]:3260,1", "host"). Throws IscsiUrlError. */
export function parseTargetAddress(value: string): TargetPortal {
  const fail = (): never => {
    throw new IscsiUrlError(`invalid TargetAddress ${JSON.stringify(value)}`);
  };
  let rest = value;
  let tpgt: number | undefined;
  const comma = rest.lastIndexOf(',');
  if (comma >= 0) {
    const t = rest.slice(comma + 1);
    if (!/^[0-9]{1,5}$/.test(t) || Number(t) > 65535) fail();
    tpgt = Number(t);
    rest = rest.slice(0, comma);
  }
  let host: string;
  let port = DEFAULT_ISCSI_PORT;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) fail();
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after.length > 0) {
      if (!after.startsWith(':')) fail();
      port = parsePort(after.slice(1), fail);
    }
  } else {
    const colon = rest.indexOf(':');
    if (colon >= 0 && rest.indexOf(':', colon + 1) >= 0) {
      host = rest; // bare IPv6 address without a port
    } else if (colon >= 0) {
      host = rest.slice(0, colon);
      port = parsePort(rest.slice(colon + 1), fail);
    } else {
      host = rest;
    }
  }
  if (host.length === 0) fail();
  return tpgt === undefined ? { host, port } : { host, port, tpgt };
}
