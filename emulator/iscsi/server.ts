// The emulated iSCSI target server: one portal (host:port, portal group tag), several targets
// with their LUNs, sessions keyed by TSIH with session reinstatement, discovery, and a clean
// shutdown that asks initiators to log out, waits for in-flight tasks and closes every socket.
import * as net from 'node:net';
import type { NegotiationSettings } from '../../targets/iscsi/negotiation';
import { AsyncEvent } from '../../targets/iscsi/pdu';
import { getLogger, type Logger } from '../log';
import type { LogicalUnit } from '../lu';
import {
  TARGET_NEGOTIATION_DEFAULTS,
  validateConfig,
  type ChapConfig,
  type IscsiTargetServerOptions,
  type TargetConfig,
} from './config';
import { Connection, type ConnectionHost, type ConnectionTap } from './connection';
import { LoginFailure, LoginStatus, type LoginResult } from './login';
import { Session, sessionKey, type SessionHost } from './session';

export interface PortalAddress {
  host: string;
  port: number;
}

function hasLunInventory(lu: LogicalUnit): lu is LogicalUnit & { setLunInventory(f: () => number[]): void } {
  return typeof (lu as { setLunInventory?: unknown }).setLunInventory === 'function';
}

function formatHost(host: string): string {
  const h = host.startsWith('::ffff:') && host.includes('.') ? host.slice(7) : host;
  return h.includes(':') ? `[${h}]` : h;
}

export class IscsiTargetServer implements ConnectionHost, SessionHost {
  readonly log: Logger;
  readonly portalGroupTag: number;
  readonly negotiation: Partial<NegotiationSettings>;
  readonly discoveryChap?: ChapConfig;
  readonly commandWindow: number;
  readonly maxWriteBytes: number;
  readonly nopInIntervalMs: number;
  readonly nopInTimeoutMs: number;
  readonly loginTimeoutMs: number;
  private readonly tapFactory?: (conn: Connection) => ConnectionTap | undefined;
  private readonly targets: TargetConfig[];
  private readonly host: string;
  private readonly requestedPort: number;
  private server?: net.Server;
  private boundPort = 0;
  private readonly connections = new Set<Connection>();
  private readonly sessions = new Map<number, Session>();
  private nextTsih = 1;
  private nextConnectionId = 1;
  private pdus = 0;
  private closing?: Promise<void>;

  constructor(opts: IscsiTargetServerOptions) {
    validateConfig(opts);
    this.log = getLogger('iscsi-target');
    this.targets = opts.targets;
    this.host = opts.host ?? '127.0.0.1';
    this.requestedPort = opts.port ?? 3260;
    this.portalGroupTag = opts.portalGroupTag ?? 1;
    this.negotiation = { ...TARGET_NEGOTIATION_DEFAULTS, ...opts.negotiation };
    this.discoveryChap = opts.discoveryChap;
    this.commandWindow = opts.commandWindow ?? 128;
    this.maxWriteBytes = opts.maxWriteBytes ?? 256 * 1024 * 1024;
    this.nopInIntervalMs = opts.nopInIntervalMs ?? 0;
    this.nopInTimeoutMs = opts.nopInTimeoutMs ?? 15000;
    this.loginTimeoutMs = opts.loginTimeoutMs ?? 30000;
    this.tapFactory = opts.connectionTap;
    for (const t of this.targets) {
      for (const lu of t.luns.values()) if (hasLunInventory(lu)) lu.setLunInventory(() => [...t.luns.keys()]);
    }
  }

  /** Start listening; resolves with the bound address (the port is real when 0 was asked). */
  listen(): Promise<PortalAddress> {
    if (this.server !== undefined) return Promise.resolve(this.address());
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    server.on('error', (e) => this.log.error(`listener: ${e.message}`));
    return new Promise((resolve, reject) => {
      const fail = (e: Error): void => reject(e);
      server.once('error', fail);
      server.listen(this.requestedPort, this.host, () => {
        server.off('error', fail);
        const a = server.address();
        this.boundPort = typeof a === 'object' && a !== null ? a.port : this.requestedPort;
        this.log.info(`listening on ${formatHost(this.host)}:${this.boundPort}, TPGT ${this.portalGroupTag}`);
        resolve(this.address());
      });
    });
  }

  address(): PortalAddress {
    return { host: this.host, port: this.boundPort };
  }

  /** Counts for diagnostics and tests. */
  stats(): { connections: number; sessions: number; pdusReceived: number } {
    return { connections: this.connections.size, sessions: this.sessions.size, pdusReceived: this.pdus };
  }

  pduReceived(): void {
    this.pdus++;
  }

  connectionTap(conn: Connection): ConnectionTap | undefined {
    return this.tapFactory?.(conn);
  }

  private accept(socket: net.Socket): void {
    if (this.closing !== undefined) {
      socket.destroy();
      return;
    }
    socket.on('error', () => undefined);
    const conn = new Connection(socket, this, this.nextConnectionId++);
    this.connections.add(conn);
  }

  // ---- hosts for connections and sessions -------------------------------------------------------

  findTarget(name: string): TargetConfig | undefined {
    const n = name.toLowerCase();
    return this.targets.find((t) => t.name.toLowerCase() === n);
  }

  visibleTargets(initiatorName: string): TargetConfig[] {
    const i = initiatorName.toLowerCase();
    return this.targets.filter((t) => t.acl === undefined || t.acl.some((a) => a.toLowerCase() === i));
  }

  targetAddresses(conn: Connection): string[] {
    const wildcard = this.host === '0.0.0.0' || this.host === '::' || this.host === '';
    const host = wildcard ? conn.localAddress : this.host;
    return [`${formatHost(host)}:${this.boundPort},${this.portalGroupTag}`];
  }

  sessionsOf(target: TargetConfig): Session[] {
    return [...this.sessions.values()].filter((s) => s.target === target);
  }

  bindSession(result: LoginResult, conn: Connection): Session {
    if (this.closing !== undefined)
      throw new LoginFailure(LoginStatus.ServiceUnavailable, 'target is shutting down');
    const key = sessionKey(result.initiatorName, result.isid, result.target?.name);
    if (result.tsih !== 0) {
      // One connection per session (MaxConnections=1): a login naming an existing TSIH adds a connection.
      const s = this.sessions.get(result.tsih);
      if (s === undefined || s.key !== key)
        throw new LoginFailure(LoginStatus.SessionDoesNotExist, `no session ${result.tsih}`);
      throw new LoginFailure(
        LoginStatus.TooManyConnections,
        `session ${result.tsih} already has its connection`,
      );
    }
    for (const old of this.sessions.values()) {
      if (old.key === key) {
        // Session reinstatement (RFC 7143 6.3.5): the old session of this I_T nexus is closed.
        old.end('reinstated by a new login');
        old.conn.close('session reinstatement');
      }
    }
    const tsih = this.allocateTsih();
    const s = new Session(
      {
        tsih,
        isid: result.isid,
        initiatorName: result.initiatorName,
        sessionType: result.sessionType,
        target: result.target,
        params: result.params,
        cmdSN: result.cmdSN,
        authUser: result.authUser,
      },
      conn,
      this,
    );
    this.sessions.set(tsih, s);
    return s;
  }

  private allocateTsih(): number {
    for (let i = 0; i < 0x10000; i++) {
      const t = this.nextTsih;
      this.nextTsih = this.nextTsih >= 0xffff ? 1 : this.nextTsih + 1;
      if (!this.sessions.has(t)) return t;
    }
    throw new LoginFailure(LoginStatus.OutOfResources, 'no free TSIH');
  }

  sessionEnded(s: Session): void {
    if (this.sessions.get(s.tsih) === s) this.sessions.delete(s.tsih);
  }

  connectionClosed(conn: Connection): void {
    this.connections.delete(conn);
    const s = conn.session;
    // ErrorRecoveryLevel 0: losing the only connection ends the session.
    if (s !== undefined && s.conn === conn) s.end('connection closed');
  }

  // ---- shutdown -----------------------------------------------------------------------------

  /**
   * Stop listening, ask logged-in initiators to log out (Async Message, event 1), give them
   * `graceMs`, wait for in-flight tasks, then close every connection.
   */
  close(opts: { graceMs?: number } = {}): Promise<void> {
    this.closing ??= this.shutdown(opts.graceMs ?? 2000);
    return this.closing;
  }

  private async shutdown(graceMs: number): Promise<void> {
    const listenerClosed = new Promise<void>((resolve) => {
      if (this.server === undefined) resolve();
      else this.server.close(() => resolve());
    });
    for (const s of this.sessions.values()) {
      if (s.target === undefined || s.conn.state !== 'full-feature') continue;
      s.conn.send({
        kind: 'async-message',
        lun: 0n,
        asyncEvent: AsyncEvent.LogoutRequest,
        asyncVCode: 0,
        parameter1: 0,
        parameter2: 0,
        parameter3: Math.max(1, Math.ceil(graceMs / 1000)),
        senseData: Buffer.alloc(0),
        eventData: Buffer.alloc(0),
      });
    }
    const until = Date.now() + graceMs;
    while (this.sessions.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await Promise.all([...this.sessions.values()].map((s) => s.drainTasks(5000)));
    const conns = [...this.connections];
    for (const c of conns) c.close('target shutdown');
    await Promise.all(conns.map((c) => c.closed()));
    await listenerClosed;
    this.log.info('stopped');
  }
}
