// Initiator session (RFC 7143, ERL 0, one connection): login with redirection, full feature phase
// with a CmdSN window, queue depth, immediate/unsolicited/solicited Data-Out, Data-In reassembly,
// NOP keepalive, task management, async events, logout, command timeouts, and session
// reinstatement after a lost connection (same ISID, TSIH 0: RFC 7143 6.3.5).
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { TransportError, TransportTimeoutError, type ScsiCommand, type ScsiResult } from '../transport';
import type { ChapCredentials } from './chap';
import { IscsiConnection, silentLogger, type IscsiLogger } from './connection';
import { login, LoginError } from './login';
import type { NegotiationSettings, SessionParameters, SessionType } from './negotiation';
import {
  AsyncEvent,
  LogoutReason,
  lunFromNumber,
  RejectReason,
  RESERVED_TAG,
  TaskAttribute,
  TmfFunction,
  TmfResponse,
  type AsyncMessage,
  type DataIn,
  type Pdu,
  type PduError,
  type R2T,
  type Reject,
  type ScsiResponse,
  type TextResponse,
} from './pdu';
import { serialAdd, serialGe, serialGt, serialLe, serialLt } from './serial';
import { serializeText, TextAssembler, type TextPair } from './text';
import { parseTargetAddress, type TargetPortal } from './url';

export interface IscsiSessionOptions {
  host: string;
  port?: number;
  /** Target to log in to; absent for a discovery session. */
  targetName?: string;
  /** Defaults to Normal with a targetName, Discovery without. */
  sessionType?: SessionType;
  initiatorName?: string;
  initiatorAlias?: string;
  /** CHAP credentials the target checks. */
  chap?: ChapCredentials;
  /** Mutual CHAP: the name/secret the target must prove. */
  mutualChap?: ChapCredentials;
  /** Operational key preferences (defaults: see DEFAULT_INITIATOR_SETTINGS). */
  settings?: Partial<NegotiationSettings>;
  /** 48-bit ISID; random (type 10b) by default. */
  isid?: number;
  /** Most SCSI commands outstanding at once; more are queued (default 32). */
  queueDepth?: number;
  connectTimeoutMs?: number;
  /** Wait for each login/logout/text/TMF response (default 15000). */
  responseTimeoutMs?: number;
  /** Idle time after which a NOP-Out ping checks the connection; 0 disables (default 10000). */
  nopIntervalMs?: number;
  /** How long a NOP-Out ping may stay unanswered before the connection is declared dead (default 10000). */
  nopTimeoutMs?: number;
  /** Reconnection after a lost connection: attempts (default 5) and delay (default DefaultTime2Wait). */
  reconnectAttempts?: number;
  reconnectDelayMs?: number;
  maxRedirects?: number;
  /** Whether a command interrupted by a lost connection may be sent again once (default: defaultRetryable). */
  retryPolicy?: (cdb: Buffer, deviceType: number | undefined) => boolean;
  /** SCSI asynchronous events (AsyncEvent 0) and other async messages. */
  onAsyncEvent?: (message: AsyncMessage) => void;
  logger?: IscsiLogger;
}

/** Initiator defaults: larger segments and bursts than the RFC defaults, unsolicited data allowed. */
export const DEFAULT_INITIATOR_SETTINGS: Partial<NegotiationSettings> = {
  headerDigest: ['None'],
  dataDigest: ['None'],
  maxRecvDataSegmentLength: 262144,
  maxBurstLength: 1048576,
  firstBurstLength: 262144,
  maxOutstandingR2T: 8,
  initialR2T: false,
  immediateData: true,
  dataPduInOrder: true,
  dataSequenceInOrder: true,
  errorRecoveryLevel: 0,
  defaultTime2Wait: 0,
  defaultTime2Retain: 0,
  maxConnections: 1,
};

/**
 * Commands that can be sent again after a lost connection without changing the result: inquiry-type
 * commands always; READs only on a direct-access device (a tape READ moves the medium).
 */
export function defaultRetryable(cdb: Buffer, deviceType: number | undefined): boolean {
  switch (cdb[0]) {
    case 0x00: // TEST UNIT READY
    case 0x12: // INQUIRY
    case 0x25: // READ CAPACITY(10)
    case 0xa0: // REPORT LUNS
      return true;
    case 0x9e: // SERVICE ACTION IN(16): READ CAPACITY(16)
      return (cdb[1] & 0x1f) === 0x10;
    case 0x08: // READ(6)
    case 0x28: // READ(10)
    case 0xa8: // READ(12)
    case 0x88: // READ(16)
      return deviceType === 0;
    default:
      return false;
  }
}

/** A target found by SendTargets. */
export interface DiscoveredTarget {
  targetName: string;
  portals: TargetPortal[];
}

type State = 'logged-in' | 'recovering' | 'closing' | 'closed';

interface ScsiTask {
  lun: number;
  lunField: bigint;
  cmd: ScsiCommand;
  itt: number;
  cmdSN: number;
  sent: boolean;
  retried: boolean;
  timedOut: boolean;
  /** Data-In buffer (allocated on the first Data-In). */
  dataIn?: Buffer;
  /** Highest offset + length received. */
  received: number;
  expDataSN: number;
  timer?: NodeJS.Timeout;
  resolve(r: ScsiResult): void;
  reject(e: Error): void;
}

interface ControlTask {
  itt: number;
  timer: NodeJS.Timeout;
  resolve(p: Pdu): void;
  reject(e: Error): void;
}

const EMPTY = Buffer.alloc(0);

/** The task's data-in buffer: the caller's (ScsiCommand.dataInBuffer) when it is large enough. */
function dataInBufferFor(cmd: ScsiCommand, length: number): Buffer {
  const b = cmd.dataInBuffer;
  return b !== undefined && b.length >= length ? b.subarray(0, length) : Buffer.allocUnsafe(length);
}

function randomIsid(): number {
  // RFC 7143 11.12.5: T = 10b (random), A/B/C random, D (qualifier) = 0.
  const r = randomBytes(4);
  return (0x80 | (r[0] & 0x3f)) * 2 ** 40 + r.readUIntBE(1, 3) * 2 ** 16;
}

/** Default initiator IQN for this host. */
export function defaultInitiatorName(): string {
  const host =
    hostname()
      .toLowerCase()
      .replace(/[^a-z0-9.-]/g, '-') || 'localhost';
  return `iqn.2024-01.dev.xcopy-backup:${host}`;
}

const ATTRIBUTES: Record<NonNullable<ScsiCommand['taskAttribute']>, number> = {
  simple: TaskAttribute.Simple,
  ordered: TaskAttribute.Ordered,
  'head-of-queue': TaskAttribute.HeadOfQueue,
  aca: TaskAttribute.Aca,
};

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export class IscsiSession {
  readonly isid: number;
  readonly initiatorName: string;
  readonly sessionType: SessionType;
  private portal: TargetPortal;
  private readonly log: IscsiLogger;
  private readonly queueDepth: number;
  private readonly responseTimeoutMs: number;
  private conn!: IscsiConnection;
  private state: State = 'closed';
  private negotiated!: SessionParameters;
  private sessionTsih = 0;
  private cmdSN = 1;
  private expCmdSN = 1;
  private maxCmdSN = 1;
  private expStatSN = 0;
  private nextItt = 1;
  private readonly tasks = new Map<number, ScsiTask>();
  private readonly control = new Map<number, ControlTask>();
  private waiting: ScsiTask[] = [];
  private windowWaiters: (() => void)[] = [];
  private readonly deviceTypes = new Map<number, number>();
  private nopTimer?: NodeJS.Timeout;
  private nopOutstanding = false;
  private reconnectDelayOverride?: number;
  private draining = false;
  private closeRequested = false;
  private closePromise?: Promise<void>;
  /** Resolves when the current recovery ends (for tests and close()). */
  private recovery?: Promise<void>;

  private constructor(private readonly opts: IscsiSessionOptions) {
    this.isid = opts.isid ?? randomIsid();
    this.initiatorName = opts.initiatorName ?? defaultInitiatorName();
    this.sessionType = opts.sessionType ?? (opts.targetName ? 'Normal' : 'Discovery');
    this.portal = { host: opts.host, port: opts.port ?? 3260 };
    this.log = opts.logger ?? silentLogger;
    this.queueDepth = Math.max(1, opts.queueDepth ?? 32);
    this.responseTimeoutMs = opts.responseTimeoutMs ?? 15000;
  }

  /** Connect, log in and enter full feature phase. */
  static async open(opts: IscsiSessionOptions): Promise<IscsiSession> {
    const s = new IscsiSession(opts);
    await s.connectAndLogin();
    return s;
  }

  /** Negotiated parameters of the current connection. */
  get params(): SessionParameters {
    return this.negotiated;
  }

  /** Target-assigned session handle. */
  get tsih(): number {
    return this.sessionTsih;
  }

  get targetPortalGroupTag(): number | undefined {
    return this.negotiated.targetPortalGroupTag;
  }

  /** The portal in use (changes after a permanent redirection). */
  get address(): TargetPortal {
    return { ...this.portal };
  }

  get isOpen(): boolean {
    return this.state === 'logged-in' || this.state === 'recovering';
  }

  /** Commands sent and not yet answered, and commands waiting to be sent. */
  get outstanding(): { inFlight: number; queued: number } {
    return { inFlight: this.tasks.size, queued: this.waiting.length };
  }

  /** Peripheral device type learnt from an INQUIRY on this LUN, if any. */
  deviceType(lun: number): number | undefined {
    return this.deviceTypes.get(lun);
  }

  // -------------------------------------------------------------------------------------------
  // Connection and login

  private async connectAndLogin(): Promise<void> {
    let portal = this.portal;
    const maxRedirects = this.opts.maxRedirects ?? 5;
    for (let hop = 0; hop <= maxRedirects; hop++) {
      const conn = await IscsiConnection.connect(
        portal.host,
        portal.port,
        this.opts.connectTimeoutMs ?? 10000,
      );
      let outcome;
      try {
        outcome = await login(conn, {
          initiatorName: this.initiatorName,
          initiatorAlias: this.opts.initiatorAlias,
          targetName: this.sessionType === 'Normal' ? this.opts.targetName : undefined,
          sessionType: this.sessionType,
          isid: this.isid,
          // A new session, or the reinstatement of a failed one: TSIH 0 with the same ISID.
          tsih: 0,
          cid: 0,
          cmdSN: this.cmdSN,
          itt: this.allocItt(),
          chap: this.opts.chap,
          mutualChap: this.opts.mutualChap,
          settings: this.loginSettings(),
          timeoutMs: this.responseTimeoutMs,
        });
      } catch (e) {
        conn.close();
        throw e;
      }
      if (outcome.kind === 'redirect') {
        conn.close();
        this.log.info(
          `iSCSI login redirected ${outcome.permanent ? 'permanently' : 'temporarily'} to ${outcome.portal.host}:${outcome.portal.port}`,
        );
        portal = { host: outcome.portal.host, port: outcome.portal.port };
        if (outcome.permanent) this.portal = portal;
        continue;
      }
      if (this.closeRequested) {
        // close() was called while a reconnection was logging in.
        conn.close();
        throw new TransportError('iSCSI session closed', false);
      }
      const p = outcome.params;
      conn.setReaderOptions({
        headerDigest: p.headerDigest === 'CRC32C',
        dataDigest: p.dataDigest === 'CRC32C',
        maxRecvDataSegmentLength: p.initiatorMaxRecvDataSegmentLength,
      });
      conn.setWriterOptions({
        headerDigest: p.headerDigest === 'CRC32C',
        dataDigest: p.dataDigest === 'CRC32C',
        maxSendDataSegmentLength: p.targetMaxRecvDataSegmentLength,
      });
      this.negotiated = p;
      this.sessionTsih = outcome.tsih;
      this.expStatSN = outcome.expStatSN;
      this.cmdSN = outcome.expCmdSN;
      this.expCmdSN = outcome.expCmdSN;
      this.maxCmdSN = outcome.maxCmdSN;
      this.conn = conn;
      conn.setDataInPlacement(this.placeDataIn);
      this.state = 'logged-in';
      this.draining = false;
      this.log.info(
        `iSCSI ${this.sessionType} session to ${portal.host}:${portal.port} ${this.opts.targetName ?? ''} TSIH ${outcome.tsih}`,
      );
      conn.attach({
        onPdu: (pdu) => this.onPdu(conn, pdu),
        onPduError: (e) => this.onPduError(e),
        onClose: (e) => this.onConnectionClosed(conn, e),
      });
      this.startNop();
      this.pump();
      return;
    }
    throw new LoginError(`more than ${maxRedirects} login redirections`, 0xff, 0);
  }

  private loginSettings(): Partial<NegotiationSettings> {
    const s = { ...DEFAULT_INITIATOR_SETTINGS, ...this.opts.settings };
    // No digests on discovery sessions (iscsi.md): some targets mishandle them there.
    if (this.sessionType === 'Discovery') return { ...s, headerDigest: ['None'], dataDigest: ['None'] };
    return s;
  }

  // -------------------------------------------------------------------------------------------
  // SCSI commands

  /** Send a SCSI command to a LUN; resolves with status/sense/data, rejects with TransportError. */
  execute(lun: number, cmd: ScsiCommand): Promise<ScsiResult> {
    if (this.state === 'closing' || this.state === 'closed') {
      return Promise.reject(new TransportError('iSCSI session is closed', false));
    }
    if (this.sessionType !== 'Normal') {
      return Promise.reject(new TransportError('SCSI commands need a normal session', false));
    }
    if (cmd.cdb.length === 0 || cmd.cdb.length > 260) {
      return Promise.reject(new RangeError(`CDB of ${cmd.cdb.length} bytes`));
    }
    const dataInLength = cmd.dataInLength ?? 0;
    if (!Number.isInteger(dataInLength) || dataInLength < 0 || dataInLength > 0xffffffff) {
      return Promise.reject(new RangeError(`dataInLength ${dataInLength}`));
    }
    let lunField: bigint;
    try {
      lunField = lunFromNumber(lun);
    } catch (e) {
      return Promise.reject(new RangeError((e as Error).message));
    }
    return new Promise<ScsiResult>((resolve, reject) => {
      const task: ScsiTask = {
        lun,
        lunField,
        cmd,
        itt: 0,
        cmdSN: 0,
        sent: false,
        retried: false,
        timedOut: false,
        received: 0,
        expDataSN: 0,
        resolve,
        reject,
      };
      if (cmd.timeoutMs !== undefined && cmd.timeoutMs > 0) {
        task.timer = setTimeout(() => this.onTaskTimeout(task), cmd.timeoutMs);
      }
      this.waiting.push(task);
      this.pump();
    });
  }

  private windowOpen(): boolean {
    return serialLe(this.cmdSN, this.maxCmdSN);
  }

  /** Send queued commands while the queue depth and the CmdSN window allow. */
  private pump(): void {
    if (this.state !== 'logged-in') return;
    while (this.windowWaiters.length > 0 && this.windowOpen()) this.windowWaiters.shift()?.();
    while (
      !this.draining &&
      this.waiting.length > 0 &&
      this.tasks.size < this.queueDepth &&
      this.windowOpen()
    ) {
      const t = this.waiting.shift();
      if (t) this.issue(t);
    }
  }

  private allocItt(): number {
    for (;;) {
      const itt = this.nextItt;
      this.nextItt = this.nextItt >= 0xfffffffe ? 1 : this.nextItt + 1;
      if (!this.tasks.has(itt) && !this.control.has(itt)) return itt;
    }
  }

  private issue(t: ScsiTask): void {
    const p = this.negotiated;
    const cmd = t.cmd;
    const out = cmd.dataOut ?? EMPTY;
    const dataInLength = cmd.dataInLength ?? 0;
    const write = out.length > 0;
    const read = dataInLength > 0;
    t.itt = this.allocItt();
    t.cmdSN = this.cmdSN;
    this.cmdSN = serialAdd(this.cmdSN, 1);
    t.sent = true;
    t.received = 0;
    t.expDataSN = 0;
    t.dataIn = undefined;
    this.tasks.set(t.itt, t);
    // RFC 7143 13.11/13.13: immediate data and unsolicited Data-Out together stay within FirstBurstLength.
    const seg = p.targetMaxRecvDataSegmentLength;
    const immediate = write && p.immediateData ? Math.min(out.length, p.firstBurstLength, seg) : 0;
    const unsolicitedEnd = write && !p.initialR2T ? Math.min(out.length, p.firstBurstLength) : immediate;
    const cdb = cmd.cdb.length >= 16 ? cmd.cdb : Buffer.concat([cmd.cdb, Buffer.alloc(16 - cmd.cdb.length)]);
    this.conn.send({
      kind: 'scsi-command',
      immediate: false,
      final: unsolicitedEnd <= immediate,
      read,
      write,
      attr: ATTRIBUTES[cmd.taskAttribute ?? 'simple'],
      lun: t.lunField,
      itt: t.itt,
      expectedDataTransferLength: write ? out.length : dataInLength,
      cmdSN: t.cmdSN,
      expStatSN: this.expStatSN,
      cdb,
      ...(read && write ? { bidiReadExpectedDataTransferLength: dataInLength } : {}),
      data: out.subarray(0, immediate),
    });
    if (unsolicitedEnd > immediate) this.sendDataOut(t, RESERVED_TAG, immediate, unsolicitedEnd);
  }

  /** Data-Out PDUs for [start, end) of the task's data, DataSN from 0 (RFC 7143 11.7.5). */
  private sendDataOut(t: ScsiTask, ttt: number, start: number, end: number): void {
    this.conn.sendDataOut(
      { lun: t.lunField, itt: t.itt, ttt, expStatSN: this.expStatSN },
      t.cmd.dataOut ?? EMPTY,
      start,
      end,
    );
  }

  private finishTask(t: ScsiTask): void {
    if (t.timer) clearTimeout(t.timer);
    t.timer = undefined;
    if (t.sent && this.tasks.get(t.itt) === t) this.tasks.delete(t.itt);
    const i = this.waiting.indexOf(t);
    if (i >= 0) this.waiting.splice(i, 1);
  }

  private failTask(t: ScsiTask, e: Error): void {
    this.finishTask(t);
    t.reject(e);
    this.pump();
  }

  private completeTask(
    t: ScsiTask,
    status: number,
    sense: Buffer,
    underflow: boolean,
    overflow: boolean,
    count: number,
  ): void {
    this.finishTask(t);
    const dataIn = t.dataIn ? t.dataIn.subarray(0, t.received) : EMPTY;
    const cdb = t.cmd.cdb;
    // Learn the device type from a standard INQUIRY (byte 0: peripheral device type).
    if (cdb[0] === 0x12 && (cdb[1] & 1) === 0 && status === 0 && dataIn.length > 0 && dataIn[0] >> 5 === 0) {
      this.deviceTypes.set(t.lun, dataIn[0] & 0x1f);
    }
    t.resolve({ status, sense, dataIn, residual: underflow ? count : overflow ? -count : 0 });
    this.pump();
  }

  private onTaskTimeout(t: ScsiTask): void {
    t.timer = undefined;
    const message = `command 0x${t.cmd.cdb[0].toString(16)} on LUN ${t.lun} timed out after ${t.cmd.timeoutMs} ms`;
    if (!t.sent) {
      this.failTask(t, new TransportTimeoutError(message));
      return;
    }
    t.timedOut = true;
    this.log.warn(`${message}; aborting the task`);
    const conn = this.conn;
    this.taskManagement(TmfFunction.AbortTask, t.lun, t)
      .catch((e: Error) => {
        // No answer to ABORT TASK: the connection is unusable (RFC 7143 7.x recovery at ERL 0).
        this.log.warn(`ABORT TASK failed (${e.message}); dropping the connection`);
        if (this.conn === conn) conn.close();
      })
      .finally(() => {
        if (this.tasks.get(t.itt) === t) this.failTask(t, new TransportTimeoutError(message));
      });
  }

  // -------------------------------------------------------------------------------------------
  // Incoming PDUs

  private onPdu(conn: IscsiConnection, pdu: Pdu): void {
    if (conn !== this.conn) return;
    try {
      this.dispatch(pdu);
    } catch (e) {
      this.log.warn(`iSCSI protocol error: ${(e as Error).message}; dropping the connection`);
      conn.close();
    }
  }

  private dispatch(pdu: Pdu): void {
    if ('expCmdSN' in pdu) this.updateWindow(pdu.expCmdSN, pdu.maxCmdSN);
    switch (pdu.kind) {
      case 'data-in':
        if (pdu.statusPresent) this.advanceStatSN(pdu.statSN);
        this.onDataIn(pdu);
        break;
      case 'scsi-response':
        this.advanceStatSN(pdu.statSN);
        this.onScsiResponse(pdu);
        break;
      case 'r2t':
        this.onR2T(pdu);
        break;
      case 'nop-in':
        if (pdu.itt !== RESERVED_TAG) {
          this.advanceStatSN(pdu.statSN);
          this.resolveControl(pdu.itt, pdu);
        }
        if (pdu.ttt !== RESERVED_TAG) {
          // A target ping: answer with the same TTT and ping data (RFC 7143 11.18).
          this.conn.send({
            kind: 'nop-out',
            immediate: true,
            lun: pdu.lun,
            itt: RESERVED_TAG,
            ttt: pdu.ttt,
            cmdSN: this.cmdSN,
            expStatSN: this.expStatSN,
            data: pdu.data.subarray(0, this.negotiated.targetMaxRecvDataSegmentLength),
          });
        }
        break;
      case 'task-management-response':
      case 'logout-response':
        this.advanceStatSN(pdu.statSN);
        this.resolveControl(pdu.itt, pdu);
        break;
      case 'text-response':
        this.advanceStatSN(pdu.statSN);
        this.resolveControl(pdu.itt, pdu);
        break;
      case 'reject':
        this.advanceStatSN(pdu.statSN);
        this.onReject(pdu);
        break;
      case 'async-message':
        this.advanceStatSN(pdu.statSN);
        this.onAsync(pdu);
        break;
      default:
        throw new Error(`unexpected ${pdu.kind} PDU in full feature phase`);
    }
    this.pump();
  }

  private advanceStatSN(statSN: number): void {
    if (serialGe(statSN, this.expStatSN)) this.expStatSN = serialAdd(statSN, 1);
  }

  /** RFC 7143 4.2.2.1: ignore a window with MaxCmdSN < ExpCmdSN - 1; never move either backwards. */
  private updateWindow(exp: number, max: number): void {
    if (serialLt(max, serialAdd(exp, -1))) return;
    if (serialGt(exp, this.expCmdSN)) this.expCmdSN = exp;
    if (serialGt(max, this.maxCmdSN)) this.maxCmdSN = max;
  }

  /**
   * Data-In placement (PduReceiver): the task's buffer at BufferOffset, so that the data segment is
   * read from the socket straight into it. The buffer is not zero-filled: onDataIn zero-fills any
   * gap below BufferOffset, so every byte up to `received` is initialised when the task completes.
   */
  private readonly placeDataIn = (itt: number, bufferOffset: number, length: number): Buffer | undefined => {
    const t = this.tasks.get(itt);
    if (!t) return undefined;
    const expected = t.cmd.dataInLength ?? 0;
    if (bufferOffset + length > expected) return undefined;
    t.dataIn ??= dataInBufferFor(t.cmd, expected);
    return t.dataIn.subarray(bufferOffset, bufferOffset + length);
  };

  private onDataIn(pdu: DataIn): void {
    const t = this.tasks.get(pdu.itt);
    if (!t) {
      this.log.debug(`Data-In for unknown ITT ${pdu.itt}`);
      return;
    }
    const length = t.cmd.dataInLength ?? 0;
    if (pdu.dataSN !== t.expDataSN) {
      throw new Error(`Data-In DataSN ${pdu.dataSN}, expected ${t.expDataSN} (ITT ${pdu.itt})`);
    }
    t.expDataSN++;
    const data = pdu.data;
    if (data.length > 0) {
      const offset = pdu.bufferOffset;
      const end = offset + data.length;
      if (end > length) {
        this.failTask(
          t,
          new TransportError(`target sent Data-In up to byte ${end}, beyond the ${length} expected`, true),
        );
        return;
      }
      const buf = (t.dataIn ??= dataInBufferFor(t.cmd, length));
      // Bytes skipped over (RFC 7143 forbids gaps with DataPDUInOrder=Yes) read as zeros, never as
      // uninitialised memory.
      if (offset > t.received) buf.fill(0, t.received, offset);
      // Already in place when the receiver read it into the view placeDataIn returned.
      if (data.buffer !== buf.buffer || data.byteOffset !== buf.byteOffset + offset) data.copy(buf, offset);
      if (end > t.received) t.received = end;
    }
    if (pdu.statusPresent) {
      this.completeTask(t, pdu.status, EMPTY, pdu.residualUnderflow, pdu.residualOverflow, pdu.residualCount);
    }
  }

  private onScsiResponse(pdu: ScsiResponse): void {
    const t = this.tasks.get(pdu.itt);
    if (!t) {
      this.log.debug(`SCSI Response for unknown ITT ${pdu.itt}`);
      return;
    }
    if (pdu.response !== 0) {
      this.failTask(
        t,
        new TransportError(`target failure (iSCSI response 0x${pdu.response.toString(16)})`, true),
      );
      return;
    }
    this.completeTask(
      t,
      pdu.status,
      pdu.senseData,
      pdu.residualUnderflow,
      pdu.residualOverflow,
      pdu.residualCount,
    );
  }

  private onR2T(pdu: R2T): void {
    const t = this.tasks.get(pdu.itt);
    if (!t) {
      this.log.debug(`R2T for unknown ITT ${pdu.itt}`);
      return;
    }
    const out = t.cmd.dataOut ?? EMPTY;
    const end = pdu.bufferOffset + pdu.desiredDataTransferLength;
    if (end > out.length || pdu.desiredDataTransferLength === 0) {
      throw new Error(`R2T for bytes ${pdu.bufferOffset}..${end} of a ${out.length}-byte write`);
    }
    this.sendDataOut(t, pdu.ttt, pdu.bufferOffset, end);
  }

  private onReject(pdu: Reject): void {
    const itt = pdu.data.length >= 20 ? pdu.data.readUInt32BE(16) : RESERVED_TAG;
    const opcode = pdu.data.length > 0 ? pdu.data[0] & 0x3f : -1;
    const why = `target rejected a PDU (opcode 0x${opcode.toString(16)}, reason 0x${pdu.reason.toString(16)})`;
    this.log.warn(why);
    const t = this.tasks.get(itt);
    if (t) {
      // A rejected SCSI Command was not executed; a rejected Data-Out leaves the command undefined.
      this.failTask(t, new TransportError(why, opcode !== 0x01));
      return;
    }
    const c = this.control.get(itt);
    if (c) {
      this.control.delete(itt);
      clearTimeout(c.timer);
      c.reject(new TransportError(why, false));
      return;
    }
    if (pdu.reason === RejectReason.WaitingForLogout) this.onLogoutRequested(0);
  }

  private onAsync(pdu: AsyncMessage): void {
    this.opts.onAsyncEvent?.(pdu);
    switch (pdu.asyncEvent) {
      case AsyncEvent.LogoutRequest:
        this.log.info(`target requests logout within ${pdu.parameter3} s`);
        this.onLogoutRequested(pdu.parameter3);
        break;
      case AsyncEvent.ConnectionDrop:
      case AsyncEvent.SessionDrop:
        // Parameter2 = Time2Wait before reconnecting.
        this.reconnectDelayOverride = pdu.parameter2 * 1000;
        this.log.info(`target will drop the connection; reconnecting after ${pdu.parameter2} s`);
        break;
      case AsyncEvent.ScsiAsyncEvent:
        break;
      default:
        this.log.debug(`async event ${pdu.asyncEvent} ignored`);
    }
  }

  private onPduError(e: PduError): void {
    this.log.warn(`bad PDU from the target: ${e.message}`);
    const itt = e.itt;
    const t = itt === undefined ? undefined : this.tasks.get(itt);
    if (t) this.failTask(t, new TransportError(`PDU for this command was corrupted: ${e.message}`, true));
  }

  // -------------------------------------------------------------------------------------------
  // Control requests (NOP, TMF, Text, Logout)

  private request(pdu: Pdu & { itt: number }, timeoutMs: number): Promise<Pdu> {
    if (this.conn.closed) return Promise.reject(new TransportError('iSCSI connection is closed', false));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.control.delete(pdu.itt);
        reject(new TransportTimeoutError(`no ${pdu.kind} answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.control.set(pdu.itt, { itt: pdu.itt, timer, resolve, reject });
      this.conn.send(pdu);
    });
  }

  private resolveControl(itt: number, pdu: Pdu): void {
    const c = this.control.get(itt);
    if (!c) return;
    this.control.delete(itt);
    clearTimeout(c.timer);
    c.resolve(pdu);
  }

  /** Wait until the CmdSN window admits one more non-immediate command. */
  private waitForWindow(): Promise<void> {
    if (this.windowOpen()) return Promise.resolve();
    return new Promise((r) => this.windowWaiters.push(r));
  }

  private requireLoggedIn(): void {
    if (this.state !== 'logged-in') throw new TransportError(`iSCSI session is ${this.state}`, false);
  }

  /** Send a NOP-Out ping and wait for the NOP-In; resolves with the round-trip time in ms. */
  async ping(timeoutMs = this.responseTimeoutMs, data: Buffer = EMPTY): Promise<number> {
    this.requireLoggedIn();
    const start = Date.now();
    const itt = this.allocItt();
    const reply = await this.request(
      {
        kind: 'nop-out',
        immediate: true,
        lun: 0n,
        itt,
        ttt: RESERVED_TAG,
        cmdSN: this.cmdSN,
        expStatSN: this.expStatSN,
        data,
      },
      timeoutMs,
    );
    if (reply.kind !== 'nop-in') throw new TransportError(`ping answered by ${reply.kind}`, false);
    return Date.now() - start;
  }

  /**
   * Send a task management function (an immediate PDU that may overtake the tasks it affects).
   * Resolves with the TMF response code; tasks the function aborted are rejected with TransportError.
   */
  async taskManagement(
    fn: number,
    lun: number,
    referenced?: { itt: number; cmdSN: number },
  ): Promise<number> {
    this.requireLoggedIn();
    const itt = this.allocItt();
    const targetWide = fn === TmfFunction.TargetWarmReset || fn === TmfFunction.TargetColdReset;
    const reply = await this.request(
      {
        kind: 'task-management-request',
        immediate: true,
        function: fn,
        lun: targetWide ? 0n : lunFromNumber(lun),
        itt,
        referencedTaskTag: referenced ? referenced.itt : RESERVED_TAG,
        cmdSN: this.cmdSN,
        expStatSN: this.expStatSN,
        refCmdSN: referenced ? referenced.cmdSN : 0,
        expDataSN: 0,
      },
      this.responseTimeoutMs,
    );
    if (reply.kind !== 'task-management-response')
      throw new TransportError(`TMF answered by ${reply.kind}`, false);
    if (reply.response === TmfResponse.FunctionComplete && fn !== TmfFunction.AbortTask) {
      // Tasks still outstanding in the affected scope were terminated without a response.
      const names: Record<number, string> = {
        [TmfFunction.AbortTaskSet]: 'ABORT TASK SET',
        [TmfFunction.ClearTaskSet]: 'CLEAR TASK SET',
        [TmfFunction.LogicalUnitReset]: 'LOGICAL UNIT RESET',
        [TmfFunction.TargetWarmReset]: 'TARGET WARM RESET',
        [TmfFunction.TargetColdReset]: 'TARGET COLD RESET',
      };
      const name = names[fn];
      if (name) {
        for (const t of [...this.tasks.values()]) {
          if (targetWide || t.lun === lun)
            this.failTask(t, new TransportError(`command aborted by ${name}`, true));
        }
      }
    }
    return reply.response;
  }

  private async tmfExpect(fn: number, lun: number, name: string): Promise<void> {
    const r = await this.taskManagement(fn, lun);
    if (r !== TmfResponse.FunctionComplete) {
      throw new TransportError(`${name} on LUN ${lun} failed (TMF response ${r})`, true);
    }
  }

  /** ABORT TASK SET for a LUN; queued commands for the LUN are rejected as well. */
  async abortTaskSet(lun: number): Promise<void> {
    for (const t of [...this.waiting]) {
      if (t.lun === lun) this.failTask(t, new TransportError('command aborted before it was sent', false));
    }
    if (this.state !== 'logged-in') return;
    await this.tmfExpect(TmfFunction.AbortTaskSet, lun, 'ABORT TASK SET');
  }

  logicalUnitReset(lun: number): Promise<void> {
    return this.tmfExpect(TmfFunction.LogicalUnitReset, lun, 'LOGICAL UNIT RESET');
  }

  targetWarmReset(): Promise<void> {
    return this.tmfExpect(TmfFunction.TargetWarmReset, 0, 'TARGET WARM RESET');
  }

  /** TARGET COLD RESET: the target drops the connection afterwards; the session reconnects. */
  targetColdReset(): Promise<void> {
    return this.tmfExpect(TmfFunction.TargetColdReset, 0, 'TARGET COLD RESET');
  }

  /** Text request/response exchange with continuation (F/C bits, RFC 7143 11.10/11.11). */
  async text(pairs: TextPair[]): Promise<TextPair[]> {
    this.requireLoggedIn();
    const itt = this.allocItt();
    const assembler = new TextAssembler(16 * 1024 * 1024);
    let data = serializeText(pairs);
    let ttt = RESERVED_TAG;
    for (;;) {
      await this.waitForWindow();
      this.requireLoggedIn();
      const cmdSN = this.cmdSN;
      this.cmdSN = serialAdd(this.cmdSN, 1);
      const reply = await this.request(
        {
          kind: 'text-request',
          immediate: false,
          final: true,
          continue: false,
          lun: 0n,
          itt,
          ttt,
          cmdSN,
          expStatSN: this.expStatSN,
          data,
        },
        this.responseTimeoutMs,
      );
      if (reply.kind !== 'text-response')
        throw new TransportError(`Text Request answered by ${reply.kind}`, false);
      const r: TextResponse = reply;
      const done = assembler.push(r.data, r.continue);
      if (r.final && done) return done;
      // More to come: an empty request with the target's TTT asks for it.
      ttt = r.ttt;
      data = EMPTY;
    }
  }

  /** SendTargets (RFC 7143 Appendix C); works on discovery and normal sessions. */
  async sendTargets(value = 'All'): Promise<DiscoveredTarget[]> {
    return parseSendTargets(await this.text([['SendTargets', value]]));
  }

  // -------------------------------------------------------------------------------------------
  // Keepalive, connection loss and recovery

  private startNop(): void {
    this.stopNop();
    const interval = this.opts.nopIntervalMs ?? 10000;
    if (interval <= 0) return;
    const conn = this.conn;
    this.nopTimer = setInterval(
      () => {
        if (this.conn !== conn || this.state !== 'logged-in' || this.nopOutstanding) return;
        if (Date.now() - conn.lastReceive < interval) return;
        this.nopOutstanding = true;
        this.ping(this.opts.nopTimeoutMs ?? 10000)
          .catch((e: Error) => {
            if (this.conn === conn && this.state === 'logged-in') {
              this.log.warn(`NOP-Out ping unanswered (${e.message}); connection considered dead`);
              conn.close();
            }
          })
          .finally(() => {
            this.nopOutstanding = false;
          });
      },
      Math.max(10, Math.floor(interval / 2)),
    );
    this.nopTimer.unref();
  }

  private stopNop(): void {
    if (this.nopTimer) clearInterval(this.nopTimer);
    this.nopTimer = undefined;
    this.nopOutstanding = false;
  }

  private onConnectionClosed(conn: IscsiConnection, e: Error | undefined): void {
    if (conn !== this.conn) return;
    this.stopNop();
    for (const c of [...this.control.values()]) {
      clearTimeout(c.timer);
      c.reject(new TransportError(`connection lost${e ? `: ${e.message}` : ''}`, true));
    }
    this.control.clear();
    if (this.state !== 'logged-in') return;
    this.log.warn(`iSCSI connection to ${conn.host}:${conn.port} lost${e ? `: ${e.message}` : ''}`);
    this.state = 'recovering';
    this.requeueInFlight();
    this.recovery = this.recover();
  }

  /** In-flight commands: retry-safe ones go back to the queue once, the others fail. */
  private requeueInFlight(): void {
    const policy = this.opts.retryPolicy ?? defaultRetryable;
    const retry: ScsiTask[] = [];
    for (const t of [...this.tasks.values()].sort((a, b) => (serialLt(a.cmdSN, b.cmdSN) ? -1 : 1))) {
      this.tasks.delete(t.itt);
      t.sent = false;
      if (t.timedOut) {
        this.finishTask(t);
        t.reject(new TransportTimeoutError(`command timed out and the connection was lost`));
      } else if (!t.retried && policy(t.cmd.cdb, this.deviceTypes.get(t.lun))) {
        t.retried = true;
        retry.push(t);
      } else {
        this.finishTask(t);
        t.reject(new TransportError('connection lost while the command was outstanding', true));
      }
    }
    this.waiting = [...retry, ...this.waiting];
  }

  private async recover(): Promise<void> {
    const attempts = this.opts.reconnectAttempts ?? 5;
    let last: Error | undefined;
    for (let i = 0; i < attempts; i++) {
      const delay =
        this.reconnectDelayOverride ?? this.opts.reconnectDelayMs ?? this.negotiated.defaultTime2Wait * 1000;
      this.reconnectDelayOverride = undefined;
      await sleep(i === 0 ? delay : Math.max(delay, 500 * i));
      if (this.state !== 'recovering') return;
      try {
        await this.connectAndLogin();
        this.log.info(`iSCSI session reinstated (attempt ${i + 1})`);
        return;
      } catch (e) {
        last = e as Error;
        this.log.warn(`reconnect attempt ${i + 1} failed: ${last.message}`);
        if (this.state !== 'recovering') return;
        // Authentication/authorization/not-found will not get better by retrying.
        if (e instanceof LoginError && e.statusClass === 2) break;
      }
    }
    this.state = 'closed';
    const err = new TransportError(`iSCSI session lost: ${last?.message ?? 'reconnection failed'}`, false);
    for (const t of this.waiting.splice(0)) {
      this.finishTask(t);
      t.reject(err);
    }
    for (const w of this.windowWaiters.splice(0)) w();
  }

  /** Target asked for logout (async event 1 or Reject 0Ch): finish in-flight work, log out, log in again. */
  private onLogoutRequested(withinSeconds: number): void {
    if (this.draining || this.state !== 'logged-in') return;
    this.draining = true;
    const conn = this.conn;
    const deadline = Date.now() + Math.max(1, withinSeconds) * 1000;
    void (async () => {
      while (
        this.tasks.size > 0 &&
        Date.now() < deadline &&
        this.conn === conn &&
        this.state === 'logged-in'
      ) {
        await sleep(20);
      }
      if (this.conn !== conn || this.state !== 'logged-in') return;
      this.state = 'recovering';
      await this.sendLogout(conn).catch(() => undefined);
      conn.close();
      this.stopNop();
      this.requeueInFlight();
      this.recovery = this.recover();
    })();
  }

  private async sendLogout(conn: IscsiConnection): Promise<void> {
    const itt = this.allocItt();
    const reply = await this.request(
      {
        kind: 'logout-request',
        immediate: true,
        reasonCode: LogoutReason.CloseSession,
        itt,
        cid: 0,
        cmdSN: this.cmdSN,
        expStatSN: this.expStatSN,
      },
      this.opts.responseTimeoutMs ?? 5000,
    );
    if (reply.kind !== 'logout-response' || reply.response !== 0) {
      throw new TransportError(`logout refused by ${conn.host}:${conn.port}`, true);
    }
  }

  /** Wait for a reconnection in progress (resolves at once when none is). */
  async waitForRecovery(): Promise<void> {
    await this.recovery;
  }

  /**
   * Log out and close. Commands still queued fail with TransportError(mayHaveExecuted false),
   * commands in flight with TransportError(true).
   */
  close(): Promise<void> {
    this.closeRequested = true;
    this.closePromise ??= this.doClose();
    return this.closePromise;
  }

  private async doClose(): Promise<void> {
    const wasLoggedIn = this.state === 'logged-in';
    this.state = 'closing';
    this.stopNop();
    for (const t of this.waiting.splice(0)) {
      this.finishTask(t);
      t.reject(new TransportError('iSCSI session closed', false));
    }
    for (const t of [...this.tasks.values()]) {
      this.finishTask(t);
      t.reject(new TransportError('iSCSI session closed while the command was outstanding', true));
    }
    for (const w of this.windowWaiters.splice(0)) w();
    if (wasLoggedIn) {
      // A logout answer means the target has released the session (RFC 7143 11.14).
      await this.sendLogout(this.conn).catch((e: Error) => this.log.debug(`logout: ${e.message}`));
    }
    this.conn.close();
    this.state = 'closed';
  }
}

/** Turn SendTargets text pairs into targets with their portals. */
export function parseSendTargets(pairs: readonly TextPair[]): DiscoveredTarget[] {
  const out: DiscoveredTarget[] = [];
  let current: DiscoveredTarget | undefined;
  for (const [k, v] of pairs) {
    if (k === 'TargetName') {
      current = { targetName: v, portals: [] };
      out.push(current);
    } else if (k === 'TargetAddress' && current) {
      current.portals.push(parseTargetAddress(v));
    }
  }
  return out;
}

/** Open a discovery session on a portal, run SendTargets=All, log out. */
export async function discoverTargets(
  opts: Omit<IscsiSessionOptions, 'targetName' | 'sessionType'>,
): Promise<DiscoveredTarget[]> {
  const s = await IscsiSession.open({ ...opts, sessionType: 'Discovery', nopIntervalMs: 0 });
  try {
    return await s.sendTargets('All');
  } finally {
    await s.close();
  }
}
