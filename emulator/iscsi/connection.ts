// One TCP connection of the iSCSI target: PDU framing, the login phase, StatSN, sending with
// ExpCmdSN/MaxCmdSN stamped on every PDU, Reject for malformed PDUs, NOP-In pings and teardown.
// Full feature phase PDUs go to the connection's Session. No socket event can throw out of here.
import type { Socket } from 'node:net';
import { PduReader, PduWriter } from '../../targets/iscsi/framing';
import {
  BHS_LENGTH,
  isInitiatorPdu,
  LoginStage,
  PduError,
  RejectReason,
  RESERVED_TAG,
  type LoginRequest,
  type LoginResponse,
  type Pdu,
  type TargetPdu,
} from '../../targets/iscsi/pdu';
import { serializeText, type TextPair } from '../../targets/iscsi/text';
import type { Logger } from '../log';
import { LoginFailure, LoginHandler, LoginStatus, type LoginHost, type LoginResult } from './login';
import { headerOfPdu } from './pdu-header';
import type { Session } from './session';
import type { Unsequenced } from './task';

export type ConnectionState = 'login' | 'full-feature' | 'closing' | 'closed';

/** Queued output above which the connection stops reading input until the socket drains. */
const WRITE_HIGH_WATER = 32 * 1024 * 1024;

/**
 * Fault-injection hook (the emulated SAN's admin API): counts the bytes of one connection and may
 * cut it. Each method gets the size of a chunk and returns how many of its bytes go through; fewer
 * than `n` means: pass that many, then drop the connection.
 */
export interface ConnectionTap {
  /** `n` bytes arrived from the initiator. */
  received(n: number): number;
  /** `n` bytes (one PDU) are about to be written to the initiator. */
  sending(n: number): number;
}

/** What a connection needs from the server. */
export interface ConnectionHost extends LoginHost {
  readonly log: Logger;
  readonly nopInIntervalMs: number;
  readonly nopInTimeoutMs: number;
  readonly loginTimeoutMs: number;
  readonly commandWindow: number;
  /** Create or reinstate the session a completed login belongs to (throws LoginFailure). */
  bindSession(result: LoginResult, conn: Connection): Session;
  connectionClosed(conn: Connection): void;
  /** Count of PDUs (good or malformed) read from initiators. */
  pduReceived(): void;
  /** Optional byte tap for fault injection, asked once per connection. */
  connectionTap?(conn: Connection): ConnectionTap | undefined;
}

/** PDUs that carry a status and advance StatSN (RFC 7143 4.2.2.2). */
function advancesStatSN(p: Unsequenced<TargetPdu>): boolean {
  switch (p.kind) {
    case 'data-in':
      return p.statusPresent;
    case 'nop-in':
      // A NOP-In answering a NOP-Out advances StatSN; a target ping (ITT ffffffffh) does not.
      return p.itt !== RESERVED_TAG;
    case 'r2t':
      return false;
    default:
      return true;
  }
}

export class Connection {
  state: ConnectionState = 'login';
  readonly id: number;
  readonly remote: string;
  readonly reader = new PduReader();
  readonly writer = new PduWriter();
  session?: Session;
  cid = 0;
  private statSN: number;
  private login?: LoginHandler;
  /** ExpCmdSN/MaxCmdSN during login (before a session exists). */
  private loginCmdSN = 0;
  private nextTtt = 1;
  private pingTtt?: number;
  private pingTimer?: NodeJS.Timeout;
  private pingDeadline?: NodeJS.Timeout;
  private loginTimer?: NodeJS.Timeout;
  private lastActivity = Date.now();
  private readonly closedWaiters: Array<() => void> = [];
  private readonly tap?: ConnectionTap;
  private corked = false;
  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };

  constructor(
    readonly socket: Socket,
    private readonly host: ConnectionHost,
    id: number,
  ) {
    this.id = id;
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    // StatSN starts at an arbitrary value (RFC 7143 11.13.4); a random one exercises wrap handling.
    this.statSN = (Math.random() * 0x100000000) >>> 0;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // Backpressure: stop reading from an initiator that does not read its responses.
    socket.on('drain', () => {
      if (this.state !== 'closed' && socket.isPaused()) socket.resume();
    });
    socket.on('error', (e) =>
      this.host.log.debug(`conn ${this.id} ${this.remote}: socket error ${e.message}`),
    );
    socket.on('close', () => this.onClose());
    this.loginTimer = setTimeout(() => {
      if (this.state === 'login') this.close('login timeout');
    }, this.host.loginTimeoutMs);
    this.loginTimer.unref();
    this.tap = this.host.connectionTap?.(this);
  }

  get localAddress(): string {
    return this.socket.localAddress ?? '127.0.0.1';
  }

  get localPort(): number {
    return this.socket.localPort ?? 0;
  }

  /** A fresh Target Transfer Tag (never ffffffffh). */
  allocateTtt(): number {
    const t = this.nextTtt;
    this.nextTtt = this.nextTtt >= 0xfffffffe ? 1 : this.nextTtt + 1;
    return t;
  }

  // ---- receive --------------------------------------------------------------------------------

  private onData(data: Buffer): void {
    if (this.state === 'closed' || this.state === 'closing') return;
    this.lastActivity = Date.now();
    let chunk = data;
    let cut = false;
    if (this.tap !== undefined) {
      const allowed = this.tap.received(data.length);
      if (allowed < data.length) {
        chunk = data.subarray(0, Math.max(0, allowed));
        cut = true;
      }
    }
    try {
      this.reader.push(chunk, (item) => {
        this.host.pduReceived();
        if (this.state === 'closed') return;
        if (item.error !== undefined) this.onBadPdu(item.error);
        else this.onPdu(item.pdu);
      });
    } catch (e) {
      this.host.log.error(`conn ${this.id}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      this.close('internal error');
    }
    if (cut) this.close('connection dropped by an injected fault');
  }

  private onBadPdu(e: PduError): void {
    this.host.log.debug(`conn ${this.id}: bad PDU: ${e.message}`);
    if (e.fatal || this.state === 'login') {
      // During login there is no session to keep in step: drop the connection (RFC 7143 7.1.4? 11.17).
      this.close(`malformed PDU: ${e.message}`);
      return;
    }
    this.reject(e.reason, e.header ?? Buffer.alloc(BHS_LENGTH));
    this.session?.rejectedCommand(e.header);
  }

  private onPdu(pdu: Pdu): void {
    if (!isInitiatorPdu(pdu)) {
      if (this.state === 'login') this.close(`${pdu.kind} during login`);
      else this.reject(RejectReason.ProtocolError, headerOfPdu(pdu));
      return;
    }
    if (this.state === 'login') {
      if (pdu.kind !== 'login-request') {
        this.close(`${pdu.kind} before login completed`);
        return;
      }
      this.onLogin(pdu);
      return;
    }
    if (this.state !== 'full-feature' || this.session === undefined) return;
    if (pdu.kind === 'nop-out' && pdu.itt === RESERVED_TAG) {
      // The answer to our NOP-In ping.
      if (pdu.ttt === this.pingTtt) this.pingAnswered();
    }
    this.session.handle(pdu);
  }

  // ---- login --------------------------------------------------------------------------------

  private onLogin(req: LoginRequest): void {
    this.login ??= new LoginHandler(this.host);
    this.loginCmdSN = req.cmdSN;
    this.cid = req.cid;
    try {
      const step = this.login.handle(req);
      if (step.kind === 'respond') {
        this.sendLogin(req, {
          transit: step.transit,
          csg: step.csg,
          nsg: step.nsg,
          tsih: 0,
          pairs: step.pairs,
        });
        return;
      }
      const session = this.host.bindSession(step.result, this);
      this.session = session;
      this.sendLogin(req, {
        transit: true,
        csg: step.csg,
        nsg: LoginStage.FullFeature,
        tsih: session.tsih,
        pairs: step.pairs,
      });
      this.enterFullFeature(step.result);
    } catch (e) {
      const failed = e instanceof LoginFailure;
      if (failed) {
        this.host.log.info(
          `conn ${this.id} ${this.remote}: login failed (${e.status.toString(16)}): ${e.message}`,
        );
      } else {
        this.host.log.error(
          `conn ${this.id}: login error ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
        );
      }
      const status = failed ? e.status : LoginStatus.TargetError;
      this.sendLogin(req, { transit: false, csg: req.csg, nsg: 0, tsih: 0, pairs: [], status });
      this.close(failed ? 'login failed' : 'login error', true);
    }
  }

  private sendLogin(
    req: LoginRequest,
    r: { transit: boolean; csg: number; nsg: number; tsih: number; pairs: TextPair[]; status?: number },
  ): void {
    const status = r.status ?? 0;
    const resp: Unsequenced<LoginResponse> = {
      kind: 'login-response',
      transit: r.transit,
      continue: false,
      csg: r.csg,
      nsg: r.nsg,
      versionMax: 0,
      versionActive: 0,
      isid: req.isid,
      tsih: r.tsih,
      itt: req.itt,
      statusClass: status >> 8,
      statusDetail: status & 0xff,
      data: serializeText(r.pairs),
    };
    this.send(resp);
  }

  private enterFullFeature(result: LoginResult): void {
    const p = result.params;
    this.state = 'full-feature';
    if (this.loginTimer) clearTimeout(this.loginTimer);
    // Digests and the negotiated segment lengths apply from the next PDU on (RFC 7143 13.12).
    this.reader.setOptions({
      headerDigest: p.headerDigest === 'CRC32C',
      dataDigest: p.dataDigest === 'CRC32C',
      maxRecvDataSegmentLength: p.targetMaxRecvDataSegmentLength,
    });
    this.writer.setOptions({
      headerDigest: p.headerDigest === 'CRC32C',
      dataDigest: p.dataDigest === 'CRC32C',
      maxSendDataSegmentLength: p.initiatorMaxRecvDataSegmentLength,
    });
    this.host.log.info(
      `conn ${this.id} ${this.remote}: ${result.sessionType} session ${this.session?.tsih ?? 0} for ${result.initiatorName}` +
        (result.target ? ` -> ${result.target.name}` : ''),
    );
    this.schedulePing();
  }

  // ---- send ---------------------------------------------------------------------------------

  /**
   * Stamp StatSN / ExpCmdSN / MaxCmdSN on `p` and write it as one PDU. `onWritten` runs once the
   * socket is done with every buffer of this PDU and of the PDUs sent before it (written, or
   * failed and dropped); it never runs when the PDU is not handed to the socket (connection
   * closed, send failure, injected cut).
   */
  send(p: Unsequenced<TargetPdu>, onWritten?: () => void): void {
    if (this.state === 'closed' || this.socket.destroyed || this.socket.writableEnded) return;
    const exp = this.session?.expCmdSN ?? this.loginCmdSN;
    const max = this.session?.maxCmdSN ?? (this.loginCmdSN + this.host.commandWindow - 1) >>> 0;
    // Stamped on the caller's object (a spread copy of every PDU costs more than the rest of send).
    const pdu = p as TargetPdu;
    pdu.statSN = this.statSN;
    pdu.expCmdSN = exp;
    pdu.maxCmdSN = max;
    if (advancesStatSN(p)) this.statSN = (this.statSN + 1) >>> 0;
    try {
      let frames = this.writer.frame(pdu);
      let cut = false;
      if (this.tap !== undefined) {
        const total = frames.reduce((n, f) => n + f.length, 0);
        const allowed = this.tap.sending(total);
        if (allowed < total) {
          frames = [Buffer.concat(frames).subarray(0, Math.max(0, allowed))];
          cut = true;
        }
      }
      if (cut) {
        // The bytes before the cut reach the wire, then the connection is gone.
        if (frames[0].length > 0) this.socket.write(frames[0]);
        this.close('connection dropped by an injected fault', true);
        return;
      }
      // Every PDU sent in this tick goes out in one writev.
      if (!this.corked) {
        this.corked = true;
        this.socket.cork();
        process.nextTick(this.uncork);
      }
      const last = frames.length - 1;
      for (let i = 0; i < last; i++) this.socket.write(frames[i]);
      // Stream write callbacks run in write order, after the data left (or the write failed).
      if (onWritten === undefined) this.socket.write(frames[last]);
      else this.socket.write(frames[last], () => onWritten());
      if (this.socket.writableLength > WRITE_HIGH_WATER && !this.socket.isPaused()) this.socket.pause();
    } catch (e) {
      this.host.log.error(
        `conn ${this.id}: cannot send ${p.kind}: ${e instanceof Error ? e.message : String(e)}`,
      );
      this.close('send failure');
    }
  }

  reject(reason: number, header: Buffer): void {
    const h = Buffer.alloc(BHS_LENGTH);
    header.copy(h, 0, 0, Math.min(BHS_LENGTH, header.length));
    this.send({ kind: 'reject', reason, dataSN: 0, data: h });
  }

  /** Bytes queued in the socket (for backpressure decisions). */
  get writeBacklog(): number {
    return this.socket.writableLength;
  }

  // ---- NOP-In pings -------------------------------------------------------------------------

  private schedulePing(): void {
    const interval = this.host.nopInIntervalMs;
    if (interval <= 0 || this.state !== 'full-feature') return;
    this.pingTimer = setTimeout(() => {
      if (this.state !== 'full-feature') return;
      const idle = Date.now() - this.lastActivity;
      if (idle < interval) {
        this.schedulePing();
        return;
      }
      this.pingTtt = this.allocateTtt();
      this.send({ kind: 'nop-in', lun: 0n, itt: RESERVED_TAG, ttt: this.pingTtt, data: Buffer.alloc(0) });
      this.pingDeadline = setTimeout(() => this.close('NOP-In ping not answered'), this.host.nopInTimeoutMs);
      this.pingDeadline.unref();
    }, interval);
    this.pingTimer.unref();
  }

  private pingAnswered(): void {
    this.pingTtt = undefined;
    if (this.pingDeadline) clearTimeout(this.pingDeadline);
    this.pingDeadline = undefined;
    this.schedulePing();
  }

  // ---- teardown -----------------------------------------------------------------------------

  /** Close the connection; with `flush`, after queued PDUs are written. */
  close(reason: string, flush = false): void {
    if (this.state === 'closed' || this.state === 'closing') return;
    this.host.log.debug(`conn ${this.id} ${this.remote}: closing (${reason})`);
    this.state = 'closing';
    this.clearTimers();
    if (flush) {
      this.socket.end();
      const t = setTimeout(() => this.socket.destroy(), 2000);
      t.unref();
    } else {
      this.socket.destroy();
    }
  }

  /** Resolves once the socket is closed. */
  closed(): Promise<void> {
    if (this.state === 'closed') return Promise.resolve();
    return new Promise((resolve) => this.closedWaiters.push(resolve));
  }

  private clearTimers(): void {
    for (const t of [this.pingTimer, this.pingDeadline, this.loginTimer]) if (t) clearTimeout(t);
  }

  private onClose(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.clearTimers();
    try {
      this.host.connectionClosed(this);
    } catch (e) {
      this.host.log.error(`conn ${this.id}: cleanup failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    for (const w of this.closedWaiters.splice(0)) w();
  }
}
