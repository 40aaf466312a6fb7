// RemoteLuDirectory over our iSCSI initiator: the LUs of other iSCSI targets (tgt, the emulated SAN,
// any portal) that a copy manager may use as copy sources and destinations.
//
// Discovery, per configured backend portal: SendTargets (unless the targets are listed), then for
// every target a login (the backend's CHAP / mutual CHAP credentials), REPORT LUNS,
// and for every LUN standard INQUIRY (peripheral qualifier and device type: block and stream LUs
// only), the Device Identification VPD page (83h: the designators an E4h descriptor is matched
// against, SPC-4 7.8.6), READ CAPACITY for block LUs and READ BLOCK LIMITS for stream LUs.
//
// Resolution: lookup() matches an E4h descriptor against those designators (LU association only);
// mayAccess() applies the backend's `allow` list to the requesting I_T nexus (initiator name or
// "chap:<user>"), so an initiator reaches exactly the LUs the configuration grants it; open() hands
// out an IscsiTransport on the LU's pooled session (IscsiTransport.forLun). The session reconnects by
// itself (RFC 7143 session reinstatement); commands that were in flight when the connection dropped
// and are not safe to repeat (tape READ/WRITE, any WRITE) fail with TransportError, which the mover
// answers as COPY ABORTED, COPY TARGET DEVICE NOT REACHABLE (0D/02) for the segment being processed.
//
// A designator found on two different LUs (tgt derives its designators from target id and LUN
// only, so two tgtd instances can report the same ones) is ambiguous: resolving it fails rather than
// guess which LU to write to.
import { encodeInquiryCdb } from '../../cdb/spc/inquiry';
import { encodeReportLunsCdb, SELECT_REPORT } from '../../cdb/spc/report-luns';
import { STATUS_GOOD } from '../../cdb/spc/status';
import { VPD_DEVICE_IDENTIFICATION } from '../../cdb/spc/vpd-83';
import { encodeReadBlockLimits } from '../../cdb/ssc/read-block-limits';
import { deviceTypeParametersKind } from '../../cdb/xcopy/target-descriptor';
import type { ChapCredentials } from '../../targets/iscsi/chap';
import { IscsiTransport } from '../../targets/iscsi/initiator-transport';
import { LoginError } from '../../targets/iscsi/login';
import type { DigestName } from '../../targets/iscsi/negotiation';
import { lunToNumber } from '../../targets/iscsi/pdu';
import { discoverTargets, IscsiSession, type IscsiSessionOptions } from '../../targets/iscsi/session';
import { formatIscsiUrl } from '../../targets/iscsi/url';
import { executeAbsorbingUnitAttention } from '../../targets/command';
import { TransportError, type ScsiCommand, type ScsiResult } from '../../targets/transport';
import { getLogger, type Logger } from '../log';
import type { ItNexus } from '../lu';
import { READ_CAPACITY10, READ_CAPACITY16 } from './block-io';
import { designatorMatches, parseDeviceIdentification, type RawDesignator } from './designators';
import {
  type CscdBackend,
  type CscdIdentification,
  CscdResolutionError,
  type RemoteLuDirectory,
  type RemoteLuRef,
} from './resolver';

/** One iSCSI portal whose LUs the mover may use. */
export interface RemoteBackendConfig {
  /** Name in logs and in the ready line (unique among the backends). */
  name: string;
  host: string;
  port: number;
  /** Targets to log in to; absent = every target SendTargets reports on the portal. */
  targets?: string[];
  /** CHAP credentials the backend checks (also used for the discovery session). */
  chap?: ChapCredentials;
  /** Mutual CHAP: the credentials the backend must prove. */
  mutualChap?: ChapCredentials;
  /**
   * Front-end initiators that may use this backend's LUs: initiator names (IQN) or "chap:<user>"
   * for a CHAP identity. Absent = every initiator the mover's front end admits.
   */
  allow?: string[];
  headerDigest?: DigestName[];
  dataDigest?: DigestName[];
  /** Commands outstanding per session (default 32). */
  queueDepth?: number;
  /** Reconnection after a lost connection (initiator defaults when absent). */
  reconnectAttempts?: number;
  reconnectDelayMs?: number;
  /** Per-command timeout of the discovery commands, ms (default 15000). */
  commandTimeoutMs?: number;
}

export interface IscsiLuDirectoryOptions {
  backends: RemoteBackendConfig[];
  /** The initiator name the mover logs in to backends with. */
  initiatorName: string;
  /** Re-run discovery on a lookup miss when the last discovery is older than this (ms, default 5000). */
  rediscoverAfterMs?: number;
  logger?: Logger;
}

/** A LU found on a backend. */
export interface RemoteLu extends RemoteLuRef {
  backend: string;
  host: string;
  port: number;
  targetName: string;
  lun: number;
  vendor: string;
  product: string;
  designators: RawDesignator[];
  /** The LU's NAA designator (hex, the longest when there are several), if it has one. */
  naa?: string;
  /** Block LUs: logical block length and number of blocks (READ CAPACITY). */
  blockLength?: number;
  blocks?: bigint;
  /** Stream LUs: READ BLOCK LIMITS (maximum / minimum block length, granularity). */
  blockLimits?: { maximumBlockLength: number; minimumBlockLength: number; granularity: number };
}

/** What discovery of one backend found (or why it found nothing). */
export interface BackendStatus {
  name: string;
  portal: string;
  targets: string[];
  error?: string;
}

const REPORT_LUNS = encodeReportLunsCdb({
  selectReport: SELECT_REPORT.ALL,
  allocationLength: 0x1000,
  control: 0,
});
const INQUIRY_STANDARD = encodeInquiryCdb({ evpd: false, pageCode: 0, allocationLength: 96, control: 0 });
const INQUIRY_VPD_83 = encodeInquiryCdb({
  evpd: true,
  pageCode: VPD_DEVICE_IDENTIFICATION,
  allocationLength: 0x400,
  control: 0,
});
const READ_BLOCK_LIMITS = encodeReadBlockLimits({ mloi: false, control: 0 });
const NAA_DESIGNATOR = 0x3;

/** Name of a peripheral device type for listings ("disk", "tape"...). */
export function deviceTypeName(pdt: number): string {
  switch (pdt) {
    case 0x00:
      return 'disk';
    case 0x01:
      return 'tape';
    case 0x03:
      return 'processor';
    case 0x05:
      return 'cd-dvd';
    case 0x07:
      return 'optical';
    case 0x08:
      return 'changer';
    case 0x0e:
      return 'rbc';
    default:
      return `type-${pdt.toString(16).padStart(2, '0')}h`;
  }
}

function ascii(b: Buffer): string {
  return b.toString('latin1').replace(/\0/g, ' ').trim();
}

/** The longest NAA designator of the LU association, as hex. */
export function naaOf(designators: readonly RawDesignator[]): string | undefined {
  let best: RawDesignator | undefined;
  for (const d of designators) {
    if (d.association !== 0 || d.designatorType !== NAA_DESIGNATOR) continue;
    if (best === undefined || d.designator.length >= best.designator.length) best = d;
  }
  return best?.designator.toString('hex');
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

interface PooledSession {
  key: string;
  backend: RemoteBackendConfig;
  targetName: string;
  session: IscsiSession;
}

export class IscsiLuDirectory implements RemoteLuDirectory {
  private lus: RemoteLu[] = [];
  private statuses: BackendStatus[] = [];
  private readonly sessions = new Map<string, Promise<PooledSession>>();
  private lastDiscovery = 0;
  private discovering?: Promise<void>;
  private closed = false;
  private readonly log: Logger;
  private readonly backendsByName = new Map<string, RemoteBackendConfig>();

  constructor(private readonly opts: IscsiLuDirectoryOptions) {
    this.log = opts.logger ?? getLogger('mover-remote');
    for (const b of opts.backends) {
      if (this.backendsByName.has(b.name)) throw new RangeError(`backend "${b.name}" is configured twice`);
      this.backendsByName.set(b.name, b);
    }
  }

  /** The LUs found by the last discovery. */
  list(): RemoteLu[] {
    return [...this.lus];
  }

  /** Per-backend outcome of the last discovery. */
  backendStatus(): BackendStatus[] {
    return this.statuses.map((s) => ({ ...s, targets: [...s.targets] }));
  }

  /**
   * Discover every backend's LUs (again). A backend that cannot be reached is reported in
   * backendStatus() and contributes no LUs; the others still count.
   */
  discover(): Promise<void> {
    this.discovering ??= this.runDiscovery().finally(() => {
      this.discovering = undefined;
    });
    return this.discovering;
  }

  private async runDiscovery(): Promise<void> {
    const found: RemoteLu[] = [];
    const statuses: BackendStatus[] = [];
    for (const b of this.opts.backends) {
      const status: BackendStatus = { name: b.name, portal: `${b.host}:${b.port}`, targets: [] };
      statuses.push(status);
      const errors: string[] = [];
      let targets: string[] = [];
      try {
        targets = b.targets ?? (await this.sendTargets(b));
      } catch (e) {
        errors.push(message(e));
      }
      // One target refusing the mover (CHAP, ACL) does not hide the others of the portal.
      for (const targetName of targets) {
        try {
          found.push(...(await this.scanTarget(b, targetName)));
          status.targets.push(targetName);
        } catch (e) {
          errors.push(`${targetName}: ${message(e)}`);
        }
      }
      if (errors.length > 0) {
        status.error = errors.join('; ');
        this.log.warn(`backend ${b.name} (${status.portal}): ${status.error}`);
      }
    }
    this.lus = found;
    this.statuses = statuses;
    this.lastDiscovery = Date.now();
    for (const d of this.duplicates()) this.log.warn(`designator ${d} is reported by more than one LU`);
  }

  private sessionOptions(b: RemoteBackendConfig): Omit<IscsiSessionOptions, 'targetName'> {
    return {
      host: b.host,
      port: b.port,
      initiatorName: this.opts.initiatorName,
      ...(b.chap === undefined ? {} : { chap: b.chap }),
      ...(b.mutualChap === undefined ? {} : { mutualChap: b.mutualChap }),
      settings: {
        ...(b.headerDigest === undefined ? {} : { headerDigest: b.headerDigest }),
        ...(b.dataDigest === undefined ? {} : { dataDigest: b.dataDigest }),
      },
      ...(b.queueDepth === undefined ? {} : { queueDepth: b.queueDepth }),
      ...(b.reconnectAttempts === undefined ? {} : { reconnectAttempts: b.reconnectAttempts }),
      ...(b.reconnectDelayMs === undefined ? {} : { reconnectDelayMs: b.reconnectDelayMs }),
    };
  }

  /**
   * SendTargets on the backend's portal. Many targets leave discovery sessions open while their
   * targets require CHAP: when the portal refuses the credentials, discovery is tried without them.
   */
  private async sendTargets(b: RemoteBackendConfig): Promise<string[]> {
    const base = { host: b.host, port: b.port, initiatorName: this.opts.initiatorName };
    let found;
    try {
      found = await discoverTargets({
        ...base,
        ...(b.chap === undefined ? {} : { chap: b.chap }),
        ...(b.mutualChap === undefined ? {} : { mutualChap: b.mutualChap }),
      });
    } catch (e) {
      if (!(e instanceof LoginError) || b.chap === undefined) throw e;
      found = await discoverTargets(base);
    }
    return found.map((t) => t.targetName);
  }

  /**
   * The pooled session to one LU of a backend target, logged in again when the previous one is
   * gone. One session per LU, not per target: when a copy reads one LU and writes another of the
   * same target, a READ command must not wait in the TCP stream behind megabytes of another
   * command's Data-Out (head-of-line blocking on a single connection).
   */
  private sessionFor(b: RemoteBackendConfig, targetName: string, lun: number): Promise<PooledSession> {
    if (this.closed) return Promise.reject(new TransportError('the remote LU directory is closed', false));
    const key = `${b.name}\n${targetName}\n${lun}`;
    const existing = this.sessions.get(key);
    if (existing !== undefined) {
      return existing.then(
        (p) => (p.session.isOpen ? p : this.reopen(key, b, targetName, existing)),
        () => this.reopen(key, b, targetName, existing),
      );
    }
    return this.reopen(key, b, targetName, undefined);
  }

  private reopen(
    key: string,
    b: RemoteBackendConfig,
    targetName: string,
    stale: Promise<PooledSession> | undefined,
  ): Promise<PooledSession> {
    const current = this.sessions.get(key);
    // Another caller already replaced the stale session: use theirs.
    if (current !== undefined && current !== stale) return current;
    const opening = IscsiSession.open({ ...this.sessionOptions(b), targetName, sessionType: 'Normal' }).then(
      (session) => ({ key, backend: b, targetName, session }),
    );
    this.sessions.set(key, opening);
    opening.catch(() => {
      if (this.sessions.get(key) === opening) this.sessions.delete(key);
    });
    return opening;
  }

  /** A command during discovery: unit attentions (a new I_T nexus starts with one) are retried. */
  private command(p: PooledSession, lun: number, cmd: ScsiCommand): Promise<ScsiResult> {
    const timeoutMs = p.backend.commandTimeoutMs ?? 15000;
    return executeAbsorbingUnitAttention((c) => p.session.execute(lun, c), { ...cmd, timeoutMs }, 4);
  }

  private async reportLuns(p: PooledSession): Promise<number[]> {
    const r = await this.command(p, 0, { cdb: REPORT_LUNS, dataInLength: 0x1000 });
    if (r.status !== STATUS_GOOD || r.dataIn.length < 8) {
      throw new Error(`REPORT LUNS on ${p.targetName} ended with status ${r.status.toString(16)}h`);
    }
    const listLength = r.dataIn.readUInt32BE(0);
    const end = Math.min(r.dataIn.length, 8 + listLength);
    const luns: number[] = [];
    for (let off = 8; off + 8 <= end; off += 8) {
      const n = lunToNumber(r.dataIn.readBigUInt64BE(off));
      if (n >= 0) luns.push(n);
    }
    return luns;
  }

  /** Log in to a target (a session of its own, closed afterwards) and describe its LUs. */
  private async scanTarget(b: RemoteBackendConfig, targetName: string): Promise<RemoteLu[]> {
    const session = await IscsiSession.open({ ...this.sessionOptions(b), targetName, sessionType: 'Normal' });
    const p: PooledSession = { key: `${b.name}\n${targetName}`, backend: b, targetName, session };
    try {
      const out: RemoteLu[] = [];
      for (const lun of await this.reportLuns(p)) {
        const lu = await this.scanLun(p, lun);
        if (lu !== undefined) out.push(lu);
      }
      return out;
    } finally {
      await session.close();
    }
  }

  private async scanLun(p: PooledSession, lun: number): Promise<RemoteLu | undefined> {
    const inq = await this.command(p, lun, { cdb: INQUIRY_STANDARD, dataInLength: 96 });
    if (inq.status !== STATUS_GOOD || inq.dataIn.length < 1) return undefined;
    // Peripheral qualifier 000b only: an LU is present (SPC-4 6.6.2).
    if (inq.dataIn[0] >> 5 !== 0) return undefined;
    const deviceType = inq.dataIn[0] & 0x1f;
    const kind = deviceTypeParametersKind(deviceType);
    if (kind !== 'block' && kind !== 'stream') return undefined;
    const vpd = await this.command(p, lun, { cdb: INQUIRY_VPD_83, dataInLength: 0x400 });
    const designators = vpd.status === STATUS_GOOD ? parseDeviceIdentification(vpd.dataIn) : [];
    const b = p.backend;
    const lu: RemoteLu = {
      name: formatIscsiUrl({ host: b.host, port: b.port, targetName: p.targetName, lun }),
      deviceType,
      backend: b.name,
      host: b.host,
      port: b.port,
      targetName: p.targetName,
      lun,
      vendor: ascii(inq.dataIn.subarray(8, 16)),
      product: ascii(inq.dataIn.subarray(16, 32)),
      designators,
    };
    const naa = naaOf(designators);
    if (naa !== undefined) lu.naa = naa;
    if (kind === 'block') {
      const cap = await this.readCapacity(p, lun);
      if (cap !== undefined) {
        lu.blockLength = cap.blockLength;
        lu.blocks = cap.blocks;
      }
    } else {
      const r = await this.command(p, lun, { cdb: READ_BLOCK_LIMITS, dataInLength: 6 });
      if (r.status === STATUS_GOOD && r.dataIn.length >= 6) {
        lu.blockLimits = {
          granularity: r.dataIn[0] & 0x1f,
          maximumBlockLength: r.dataIn.readUIntBE(1, 3),
          minimumBlockLength: r.dataIn.readUInt16BE(4),
        };
      }
    }
    return lu;
  }

  private async readCapacity(
    p: PooledSession,
    lun: number,
  ): Promise<{ blockLength: number; blocks: bigint } | undefined> {
    const r10 = await this.command(p, lun, { cdb: READ_CAPACITY10, dataInLength: 8 });
    if (r10.status !== STATUS_GOOD || r10.dataIn.length < 8) return undefined;
    const last = r10.dataIn.readUInt32BE(0);
    if (last !== 0xffffffff) return { blockLength: r10.dataIn.readUInt32BE(4), blocks: BigInt(last) + 1n };
    const r16 = await this.command(p, lun, { cdb: READ_CAPACITY16, dataInLength: 32 });
    if (r16.status !== STATUS_GOOD || r16.dataIn.length < 12) return undefined;
    return { blockLength: r16.dataIn.readUInt32BE(8), blocks: r16.dataIn.readBigUInt64BE(0) + 1n };
  }

  /** Designators (as "type:hex") that more than one LU reports. */
  private duplicates(): string[] {
    const seen = new Map<string, string>();
    const dup = new Set<string>();
    for (const lu of this.lus) {
      for (const d of lu.designators) {
        if (d.association !== 0) continue;
        const k = `${d.designatorType}:${d.codeSet}:${d.designator.toString('hex')}`;
        const owner = seen.get(k);
        if (owner !== undefined && owner !== lu.name) dup.add(k);
        else seen.set(k, lu.name);
      }
    }
    return [...dup];
  }

  // ---- RemoteLuDirectory ----------------------------------------------------------------------

  async lookup(id: CscdIdentification, signal: AbortSignal): Promise<RemoteLuRef[]> {
    let found = this.lus.filter((lu) => designatorMatches(id, lu.designators));
    const stale = Date.now() - this.lastDiscovery >= (this.opts.rediscoverAfterMs ?? 5000);
    if (found.length === 0 && stale && !signal.aborted && !this.closed) {
      // LUs added to a backend since the last discovery, or a backend that was down then.
      await this.discover();
      found = this.lus.filter((lu) => designatorMatches(id, lu.designators));
    }
    if (found.length > 1) {
      throw new CscdResolutionError(
        'unsupported',
        `the designator names ${found.length} LUs (${found.map((l) => l.name).join(', ')})`,
      );
    }
    return found;
  }

  mayAccess(requester: ItNexus, ref: RemoteLuRef): boolean {
    const lu = this.lus.find((l) => l.name === ref.name);
    if (lu === undefined) return false;
    const allow = this.backendsByName.get(lu.backend)?.allow;
    if (allow === undefined) return true;
    const name = requester.initiatorName.toLowerCase();
    return allow.some((a) => {
      if (a.startsWith('chap:')) return requester.authUser !== undefined && a.slice(5) === requester.authUser;
      return a.toLowerCase() === name;
    });
  }

  async open(ref: RemoteLuRef, signal: AbortSignal): Promise<CscdBackend> {
    const lu = this.lus.find((l) => l.name === ref.name);
    const b = lu === undefined ? undefined : this.backendsByName.get(lu.backend);
    if (lu === undefined || b === undefined)
      throw new CscdResolutionError('not-found', `${ref.name} is gone`);
    if (signal.aborted) throw new CscdResolutionError('unreachable', 'resolution aborted');
    let transport: IscsiTransport;
    try {
      transport = await this.transportFor(b, lu);
    } catch (e) {
      if (e instanceof TransportError) {
        throw new CscdResolutionError('unreachable', `${lu.name}: ${e.message}`);
      }
      throw e;
    }
    return {
      transport,
      deviceType: lu.deviceType,
      ...(lu.blockLength === undefined ? {} : { blockLength: lu.blockLength }),
      release: () => transport.close(),
    };
  }

  /**
   * A transport on the LU's pooled session. A pooled session that died while this was asked for
   * (its backend restarted, its reconnection gave up) is replaced once by a new login.
   */
  private async transportFor(b: RemoteBackendConfig, lu: RemoteLu): Promise<IscsiTransport> {
    const pooled = await this.sessionFor(b, lu.targetName, lu.lun);
    try {
      return await IscsiTransport.forLun(pooled.session, lu.lun);
    } catch (e) {
      if (!(e instanceof TransportError) || pooled.session.isOpen) throw e;
      const fresh = await this.sessionFor(b, lu.targetName, lu.lun);
      return IscsiTransport.forLun(fresh.session, lu.lun);
    }
  }

  /** Log out of every backend session. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.allSettled(all.map(async (p) => (await p).session.close()));
  }
}
