// Full feature phase of an iSCSI session (one connection, ErrorRecoveryLevel 0): CmdSN window
// and in-order delivery (RFC 7143 4.2.2.1), SCSI tasks and their data transfers, task management
// (RFC 7143 11.5), Text (SendTargets), NOP-Out and Logout.
import { SenseError } from '../../cdb/errors';
import { KEYS, type SessionParameters, type SessionType } from '../../targets/iscsi/negotiation';
import {
  LogoutReason,
  LogoutResponseCode,
  lunToNumber,
  PduError,
  RejectReason,
  RESERVED_TAG,
  TmfFunction,
  TmfResponse,
  trimCdb,
  type DataOut,
  type InitiatorPdu,
  type LogoutRequest,
  type NopOut,
  type ScsiCommand,
  type TaskManagementRequest,
  type TextRequest,
} from '../../targets/iscsi/pdu';
import { serialAdd, serialInWindow, serialLt } from '../../targets/iscsi/serial';
import { serializeText, splitText, TextAssembler, type TextPair } from '../../targets/iscsi/text';
import { goodData } from '../devices/device';
import { decodeReportLunsCdb, reportLunsData } from '../devices/report-luns';
import { checkCondition, encodeSenseData, senseOf, SenseKey } from '../devices/sense';
import { releaseReadBuffer } from '../disk/buffer-pool';
import type { Logger } from '../log';
import type { ItNexus, LogicalUnit, LuResponse } from '../lu';
import type { TargetConfig } from './config';
import type { Connection } from './connection';
import { headerOfPdu } from './pdu-header';
import { responsePdus, ScsiTask, TaskRequest, type DataOutFailure, type TaskLimits } from './task';

export interface SessionHost {
  readonly log: Logger;
  readonly commandWindow: number;
  readonly maxWriteBytes: number;
  readonly portalGroupTag: number;
  visibleTargets(initiatorName: string): TargetConfig[];
  /** TargetAddress values ("ip:port,tpgt") for SendTargets answers on this connection. */
  targetAddresses(conn: Connection): string[];
  sessionsOf(target: TargetConfig): Session[];
  sessionEnded(s: Session): void;
}

export interface SessionInit {
  tsih: number;
  isid: number;
  initiatorName: string;
  sessionType: SessionType;
  target?: TargetConfig;
  params: SessionParameters;
  cmdSN: number;
  authUser?: string;
}

/**
 * A bounded set of recently finished task tags: late Data-Out for them is dropped silently. The
 * `limit` most recent additions are kept (a ring of tags, each with the sequence number of its
 * latest addition, so that an old ring slot never evicts a tag that was added again since).
 */
export class RecentTags {
  private readonly latest = new Map<number, number>();
  private readonly ringTags: Uint32Array;
  private readonly ringSeqs: Float64Array;
  private seq = 0;

  constructor(private readonly limit: number) {
    this.ringTags = new Uint32Array(limit);
    this.ringSeqs = new Float64Array(limit).fill(-1);
  }

  add(t: number): void {
    const slot = this.seq % this.limit;
    const old = this.ringSeqs[slot];
    if (old >= 0 && this.latest.get(this.ringTags[slot]) === old) this.latest.delete(this.ringTags[slot]);
    this.ringTags[slot] = t;
    this.ringSeqs[slot] = this.seq;
    this.latest.set(t, this.seq);
    this.seq++;
  }

  has(t: number): boolean {
    return this.latest.has(t);
  }

  delete(t: number): void {
    this.latest.delete(t);
  }
}

type SequencedPdu = ScsiCommand | TaskManagementRequest | TextRequest | LogoutRequest | NopOut;

export class Session {
  readonly tsih: number;
  readonly isid: number;
  readonly initiatorName: string;
  readonly sessionType: SessionType;
  readonly target?: TargetConfig;
  readonly params: SessionParameters;
  readonly authUser?: string;
  readonly nexus?: ItNexus;
  expCmdSN: number;
  ended = false;
  private readonly pending = new Map<number, SequencedPdu>();
  private readonly skipped = new Set<number>();
  private readonly tasks = new Map<number, ScsiTask>();
  private readonly finished = new RecentTags(4096);
  private readonly text = new TextAssembler(64 * 1024);
  private readonly textContinuations = new Map<number, Buffer[]>();
  private readonly log: Logger;
  /** Shared by every task of the session (one object, not one per command). */
  private readonly taskLimits: TaskLimits;

  constructor(
    init: SessionInit,
    public conn: Connection,
    private readonly host: SessionHost,
  ) {
    this.tsih = init.tsih;
    this.isid = init.isid;
    this.initiatorName = init.initiatorName;
    this.sessionType = init.sessionType;
    this.target = init.target;
    this.params = init.params;
    this.authUser = init.authUser;
    this.expCmdSN = init.cmdSN >>> 0;
    this.log = host.log;
    this.taskLimits = {
      params: init.params,
      maxWriteBytes: host.maxWriteBytes,
      nextTtt: () => this.conn.allocateTtt(),
    };
    if (init.target !== undefined) {
      const tpgt = host.portalGroupTag;
      this.nexus = {
        // SPC-4 7.6.4.6: iSCSI port names.
        initiatorPort: `${init.initiatorName},i,0x${init.isid.toString(16).padStart(12, '0')}`,
        initiatorName: init.initiatorName,
        targetPort: `${init.target.name},t,0x${tpgt.toString(16).padStart(4, '0')}`,
        relativeTargetPort: tpgt,
        authUser: init.authUser,
      };
    }
  }

  /** Highest CmdSN accepted: a fixed window above ExpCmdSN (never decreases). */
  get maxCmdSN(): number {
    return serialAdd(this.expCmdSN, this.host.commandWindow - 1);
  }

  /** Tasks not yet answered. */
  get activeTasks(): number {
    return this.tasks.size;
  }

  /** Key identifying the I_T nexus for session reinstatement (RFC 7143 6.3.5). */
  get key(): string {
    return sessionKey(this.initiatorName, this.isid, this.target?.name);
  }

  // ---- dispatch -------------------------------------------------------------------------------

  handle(pdu: InitiatorPdu): void {
    if (this.ended) return;
    switch (pdu.kind) {
      case 'data-out':
        this.dataOut(pdu);
        return;
      case 'snack-request':
        // SNACK needs ErrorRecoveryLevel >= 1 (RFC 7143 11.16); this target runs at 0.
        this.conn.reject(RejectReason.ProtocolError, headerOfPdu(pdu));
        return;
      case 'login-request':
        this.conn.reject(RejectReason.ProtocolError, headerOfPdu(pdu));
        return;
      case 'nop-out':
        // ITT ffffffffh answers a target ping: no response, no CmdSN (RFC 7143 11.18).
        if (pdu.itt === RESERVED_TAG) return;
        this.sequence(pdu);
        return;
      default:
        this.sequence(pdu);
    }
  }

  /** Deliver non-immediate commands in CmdSN order; drop those outside the window (RFC 7143 4.2.2.1). */
  private sequence(pdu: SequencedPdu): void {
    if (pdu.immediate) {
      this.process(pdu);
      return;
    }
    const sn = pdu.cmdSN;
    if (!serialInWindow(sn, this.expCmdSN, this.maxCmdSN)) {
      this.log.debug(
        `session ${this.tsih}: CmdSN ${sn} outside [${this.expCmdSN}, ${this.maxCmdSN}] ignored`,
      );
      return;
    }
    if (sn !== this.expCmdSN) {
      if (!this.pending.has(sn)) this.pending.set(sn, pdu);
      return;
    }
    this.expCmdSN = serialAdd(this.expCmdSN, 1);
    this.process(pdu);
    this.drain();
  }

  private drain(): void {
    for (;;) {
      if (this.skipped.delete(this.expCmdSN)) {
        this.expCmdSN = serialAdd(this.expCmdSN, 1);
        continue;
      }
      const next = this.pending.get(this.expCmdSN);
      if (next === undefined) return;
      this.pending.delete(this.expCmdSN);
      this.expCmdSN = serialAdd(this.expCmdSN, 1);
      this.process(next);
    }
  }

  /** A command PDU was rejected as malformed: its CmdSN is used up all the same (RFC 7143 11.17.1). */
  rejectedCommand(header: Buffer | undefined): void {
    if (header === undefined || header.length < 28 || this.ended) return;
    const opcode = header[0] & 0x3f;
    const immediate = (header[0] & 0x40) !== 0;
    if (immediate || ![0x00, 0x01, 0x02, 0x04, 0x06].includes(opcode)) return;
    const sn = header.readUInt32BE(24);
    if (sn === this.expCmdSN) {
      this.expCmdSN = serialAdd(this.expCmdSN, 1);
      this.drain();
    } else if (serialInWindow(sn, this.expCmdSN, this.maxCmdSN)) {
      this.skipped.add(sn);
    }
  }

  private process(pdu: SequencedPdu): void {
    if (this.ended) return;
    switch (pdu.kind) {
      case 'scsi-command':
        this.scsiCommand(pdu);
        return;
      case 'task-management-request':
        this.taskManagement(pdu);
        return;
      case 'text-request':
        this.textRequest(pdu);
        return;
      case 'logout-request':
        this.logout(pdu);
        return;
      case 'nop-out':
        this.conn.send({
          kind: 'nop-in',
          lun: pdu.lun,
          itt: pdu.itt,
          ttt: RESERVED_TAG,
          data: pdu.data.subarray(0, this.params.initiatorMaxRecvDataSegmentLength),
        });
        return;
    }
  }

  // ---- SCSI commands ------------------------------------------------------------------------

  private scsiCommand(cmd: ScsiCommand): void {
    if (this.target === undefined) {
      // Discovery sessions carry only Text, NOP and Logout (RFC 7143 4.3).
      this.conn.reject(RejectReason.ProtocolError, headerOfPdu(cmd));
      return;
    }
    if (this.tasks.has(cmd.itt)) {
      this.conn.reject(RejectReason.TaskInProgress, headerOfPdu(cmd));
      return;
    }
    if (cmd.immediate && this.tasks.size >= 2 * this.host.commandWindow) {
      this.conn.reject(RejectReason.ImmediateCommandReject, headerOfPdu(cmd));
      return;
    }
    this.finished.delete(cmd.itt);
    const task = new ScsiTask(cmd, this.taskLimits);
    this.tasks.set(cmd.itt, task);
    const r = task.start(cmd);
    for (const r2t of r.r2ts) this.conn.send(r2t);
    if (r.failure !== undefined) this.failTask(task, r.failure);
    else if (task.ready) this.execute(task);
  }

  private dataOut(d: DataOut): void {
    const task = this.tasks.get(d.itt);
    if (task === undefined) {
      // Data for a task that finished, failed or was aborted is dropped; for an unknown one, Reject.
      if (!this.finished.has(d.itt)) this.conn.reject(RejectReason.InvalidPduField, headerOfPdu(d));
      return;
    }
    if (task.state !== 'collecting') return;
    const r = task.dataOut(d);
    for (const r2t of r.r2ts) this.conn.send(r2t);
    if (r.failure !== undefined) this.failTask(task, r.failure);
    else if (task.ready) this.execute(task);
  }

  /** Data-out went wrong: answer CHECK CONDITION, ABORTED COMMAND without executing. */
  private failTask(task: ScsiTask, f: DataOutFailure): void {
    this.log.info(`session ${this.tsih}: task ${task.itt.toString(16)} failed: ${f.message}`);
    this.complete(task, checkCondition(f.sense));
  }

  private execute(task: ScsiTask): void {
    task.state = 'executing';
    const cdb = trimCdb(task.cdb);
    const lunNumber = lunToNumber(task.lun);
    const lu = lunNumber >= 0 ? this.target?.luns.get(lunNumber) : undefined;
    let answer: Promise<LuResponse>;
    if (cdb.length > 0 && cdb[0] === 0xa0) {
      answer = Promise.resolve(this.reportLuns(cdb));
    } else if (lu === undefined || this.nexus === undefined) {
      answer = Promise.resolve(noSuchLun(cdb));
    } else {
      answer = this.runOnLu(lu, task, cdb, this.nexus);
    }
    answer.then(
      (resp) => this.complete(task, resp),
      (e: unknown) => {
        this.log.error(
          `session ${this.tsih}: LU failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
        );
        // 04h/44h/00h INTERNAL TARGET FAILURE.
        this.complete(task, checkCondition({ senseKey: SenseKey.HARDWARE_ERROR, asc: 0x44, ascq: 0x00 }));
      },
    );
  }

  private runOnLu(lu: LogicalUnit, task: ScsiTask, cdb: Buffer, nexus: ItNexus): Promise<LuResponse> {
    try {
      return lu.execute(new TaskRequest(task, cdb, nexus));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private complete(task: ScsiTask, resp: LuResponse): void {
    const data = resp.dataIn;
    if (this.ended || task.aborted || this.tasks.get(task.itt) !== task) {
      // Nothing will send the data: a pooled read buffer can go back at once.
      if (data !== undefined) releaseReadBuffer(data);
      return;
    }
    this.tasks.delete(task.itt);
    this.finished.add(task.itt);
    task.state = 'done';
    const pdus = responsePdus(task, resp, this.params);
    const last = pdus.length - 1;
    for (let i = 0; i < last; i++) this.conn.send(pdus[i]);
    // The Data-In PDUs point into the data: it goes back to the read pool only once the socket
    // has written the last PDU (and so every one before it). If the send never happens, the
    // buffer is left to the garbage collector.
    this.conn.send(pdus[last], data === undefined ? undefined : () => releaseReadBuffer(data));
  }

  /** REPORT LUNS is answered by the target from its LUN map, on any LUN (SPC-4 6.33). */
  private reportLuns(cdb: Buffer): LuResponse {
    try {
      const r = decodeReportLunsCdb(cdb);
      return goodData(
        reportLunsData([...(this.target?.luns.keys() ?? [])], r.selectReport),
        r.allocationLength,
      );
    } catch (e) {
      if (e instanceof SenseError) return checkCondition(senseOf(e));
      throw e;
    }
  }

  private abortTask(task: ScsiTask): void {
    task.abort();
    task.state = 'done';
    this.tasks.delete(task.itt);
    this.finished.add(task.itt);
  }

  /** Abort every task (on one LUN when given); the aborted tasks get no response. */
  abortTasks(lun?: bigint): number {
    let n = 0;
    for (const t of [...this.tasks.values()]) {
      if (lun === undefined || t.lun === lun) {
        this.abortTask(t);
        n++;
      }
    }
    return n;
  }

  // ---- task management --------------------------------------------------------------------------

  private taskManagement(req: TaskManagementRequest): void {
    const respond = (response: number): void =>
      this.conn.send({ kind: 'task-management-response', response, itt: req.itt });
    const target = this.target;
    if (target === undefined) {
      this.conn.reject(RejectReason.ProtocolError, headerOfPdu(req));
      return;
    }
    const lunNumber = lunToNumber(req.lun);
    const lu = lunNumber >= 0 ? target.luns.get(lunNumber) : undefined;
    switch (req.function) {
      case TmfFunction.AbortTask: {
        const t = this.tasks.get(req.referencedTaskTag);
        if (t !== undefined) {
          this.abortTask(t);
          respond(TmfResponse.FunctionComplete);
          return;
        }
        // RFC 7143 11.5.1 b): the task has not arrived yet but its CmdSN is in the window: it is
        // considered received (and discarded when it arrives).
        const ref = req.refCmdSN;
        if (
          serialInWindow(ref, this.expCmdSN, this.maxCmdSN) &&
          (req.immediate || serialLt(ref, req.cmdSN))
        ) {
          const queued = this.pending.get(ref);
          if (
            queued === undefined ||
            (queued.kind === 'scsi-command' && queued.itt === req.referencedTaskTag)
          ) {
            this.pending.delete(ref);
            if (ref === this.expCmdSN) {
              this.expCmdSN = serialAdd(this.expCmdSN, 1);
              this.drain();
            } else {
              this.skipped.add(ref);
            }
            respond(TmfResponse.FunctionComplete);
            return;
          }
        }
        respond(TmfResponse.TaskDoesNotExist);
        return;
      }
      case TmfFunction.AbortTaskSet:
        if (lu === undefined) return respond(TmfResponse.LunDoesNotExist);
        this.abortTasks(req.lun);
        return respond(TmfResponse.FunctionComplete);
      case TmfFunction.ClearTaskSet:
        if (lu === undefined) return respond(TmfResponse.LunDoesNotExist);
        for (const s of this.host.sessionsOf(target)) s.abortTasks(req.lun);
        return respond(TmfResponse.FunctionComplete);
      case TmfFunction.LogicalUnitReset:
        if (lu === undefined) return respond(TmfResponse.LunDoesNotExist);
        for (const s of this.host.sessionsOf(target)) s.abortTasks(req.lun);
        lu.reset('lu-reset');
        return respond(TmfResponse.FunctionComplete);
      case TmfFunction.TargetWarmReset:
        for (const s of this.host.sessionsOf(target)) s.abortTasks();
        for (const l of target.luns.values()) l.reset('target-warm-reset');
        return respond(TmfResponse.FunctionComplete);
      case TmfFunction.TargetColdReset:
        respond(TmfResponse.FunctionComplete);
        for (const l of target.luns.values()) l.reset('target-cold-reset');
        // A cold reset drops every connection to the target after the response (RFC 7143 11.5.1).
        for (const s of this.host.sessionsOf(target)) {
          s.abortTasks();
          s.conn.close('target cold reset', true);
        }
        return;
      case TmfFunction.TaskReassign:
        return respond(TmfResponse.TaskAllegianceReassignmentNotSupported);
      case TmfFunction.ClearAca:
        return respond(TmfResponse.TmfNotSupported);
      default:
        return respond(TmfResponse.FunctionRejected);
    }
  }

  // ---- Text, Logout -------------------------------------------------------------------------

  private textRequest(req: TextRequest): void {
    const reply = (final: boolean, cont: boolean, ttt: number, data: Buffer): void =>
      this.conn.send({ kind: 'text-response', final, continue: cont, lun: req.lun, itt: req.itt, ttt, data });
    if (req.ttt !== RESERVED_TAG) {
      const rest = this.textContinuations.get(req.ttt);
      if (rest !== undefined) {
        // The initiator asks for the next part of a long answer (RFC 7143 11.10.4).
        const chunk = rest.shift() ?? Buffer.alloc(0);
        if (rest.length === 0) {
          this.textContinuations.delete(req.ttt);
          reply(true, false, RESERVED_TAG, chunk);
        } else {
          reply(false, true, req.ttt, chunk);
        }
        return;
      }
      if (!this.text.pending) {
        this.conn.reject(RejectReason.InvalidPduField, headerOfPdu(req));
        return;
      }
    }
    let pairs: TextPair[] | undefined;
    try {
      pairs = this.text.push(req.data, req.continue);
    } catch (e) {
      if (e instanceof PduError) {
        this.conn.reject(RejectReason.ProtocolError, headerOfPdu(req));
        return;
      }
      throw e;
    }
    if (pairs === undefined) {
      // More request text follows: an empty answer with a TTT for the next part.
      reply(false, false, this.conn.allocateTtt(), Buffer.alloc(0));
      return;
    }
    const answers: TextPair[] = [];
    for (const [key, value] of pairs) {
      if (key === 'SendTargets') answers.push(...this.sendTargets(value));
      else if (!['NotUnderstood', 'Irrelevant', 'Reject'].includes(value)) {
        // No renegotiation in full feature phase.
        answers.push([key, KEYS.has(key) ? 'Reject' : 'NotUnderstood']);
      }
    }
    const chunks = splitText(
      serializeText(answers),
      Math.max(512, this.params.initiatorMaxRecvDataSegmentLength),
    );
    if (chunks.length === 1) {
      reply(true, false, RESERVED_TAG, chunks[0]);
      return;
    }
    const ttt = this.conn.allocateTtt();
    this.textContinuations.set(ttt, chunks.slice(1));
    reply(false, true, ttt, chunks[0]);
  }

  /** SendTargets (RFC 7143 Appendix C): targets this initiator may see, with their addresses. */
  private sendTargets(value: string): TextPair[] {
    const visible = this.host.visibleTargets(this.initiatorName);
    let list: TargetConfig[];
    if (value === 'All') list = visible;
    else if (value === '') list = this.target !== undefined ? [this.target] : [];
    else list = visible.filter((t) => t.name.toLowerCase() === value.toLowerCase());
    const out: TextPair[] = [];
    for (const t of list) {
      out.push(['TargetName', t.name]);
      for (const a of this.host.targetAddresses(this.conn)) out.push(['TargetAddress', a]);
    }
    return out;
  }

  private logout(req: LogoutRequest): void {
    const respond = (response: number): void =>
      this.conn.send({ kind: 'logout-response', response, itt: req.itt, time2Wait: 0, time2Retain: 0 });
    if (
      req.reasonCode === LogoutReason.CloseSession ||
      (req.reasonCode === LogoutReason.CloseConnection && req.cid === this.conn.cid)
    ) {
      this.abortTasks();
      respond(LogoutResponseCode.Success);
      this.end('logout');
      this.conn.close('logout', true);
      return;
    }
    if (req.reasonCode === LogoutReason.CloseConnection) return respond(LogoutResponseCode.CidNotFound);
    if (req.reasonCode === LogoutReason.RemoveConnectionForRecovery) {
      return respond(LogoutResponseCode.RecoveryNotSupported);
    }
    this.conn.reject(RejectReason.InvalidPduField, headerOfPdu(req));
  }

  // ---- end ------------------------------------------------------------------------------------

  /** End the session: abort its tasks, tell the LUs the I_T nexus is gone. */
  end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.abortTasks();
    this.pending.clear();
    this.log.info(`session ${this.tsih} (${this.initiatorName}) ended: ${reason}`);
    if (this.target !== undefined && this.nexus !== undefined) {
      for (const lu of this.target.luns.values()) lu.nexusLost?.(this.nexus);
    }
    this.host.sessionEnded(this);
  }

  /** Wait until no task is executing (for clean shutdown), at most `ms`. */
  async drainTasks(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (this.tasks.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  }
}

export function sessionKey(initiatorName: string, isid: number, targetName: string | undefined): string {
  return `${initiatorName.toLowerCase()}|${isid}|${(targetName ?? '').toLowerCase()}`;
}

/** Answers for a LUN that does not exist (SPC-4 6.6.2: peripheral qualifier 011b on INQUIRY). */
function noSuchLun(cdb: Buffer): LuResponse {
  const op = cdb.length > 0 ? cdb[0] : -1;
  const notSupported = { senseKey: SenseKey.ILLEGAL_REQUEST, asc: 0x25, ascq: 0x00 };
  if (op === 0x12 && cdb.length >= 6 && (cdb[1] & 0x01) === 0) {
    const d = Buffer.alloc(36);
    d[0] = 0x7f; // qualifier 011b, device type 1Fh: no logical unit
    d[2] = 0x06;
    d[3] = 0x12;
    d[4] = 31;
    return goodData(d, cdb.readUInt16BE(3));
  }
  if (op === 0x03 && cdb.length >= 6) {
    return goodData(encodeSenseData(notSupported, (cdb[1] & 0x01) !== 0), cdb[4]);
  }
  return { status: 0x02, sense: encodeSenseData(notSupported, false) };
}
