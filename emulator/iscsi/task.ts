// One SCSI task on the target side of an iSCSI session: collects write data (immediate data,
// unsolicited Data-Out up to FirstBurstLength, then R2T-solicited bursts of at most
// MaxBurstLength with at most MaxOutstandingR2T outstanding, RFC 7143 4.? / 11.7-11.8) and turns
// the LU's answer into Data-In PDUs and a SCSI Response with residuals (RFC 7143 11.4.5).
import type { DataIn, DataOut, R2T, ScsiCommand, ScsiResponse } from '../../targets/iscsi/pdu';
import { RESERVED_TAG } from '../../targets/iscsi/pdu';
import type { SessionParameters } from '../../targets/iscsi/negotiation';
import type { ItNexus, LuRequest, LuResponse } from '../lu';
import type { SenseData } from '../devices/sense';

/** A target PDU before the connection stamps StatSN / ExpCmdSN / MaxCmdSN on it. */
export type Unsequenced<T> = T extends unknown ? Omit<T, 'statSN' | 'expCmdSN' | 'maxCmdSN'> : never;

/** Why the data-out phase of a task failed: answered with CHECK CONDITION, ABORTED COMMAND. */
export interface DataOutFailure {
  sense: SenseData;
  message: string;
}

const ABORTED_COMMAND = 0x0b;
/** Shared by every response without data, sense or response data (a 0-byte Buffer cannot change). */
const EMPTY = Buffer.alloc(0);

function failure(asc: number, ascq: number, message: string): DataOutFailure {
  return { sense: { senseKey: ABORTED_COMMAND, asc, ascq }, message };
}

interface R2tState {
  ttt: number;
  offset: number;
  length: number;
  received: number;
  nextDataSN: number;
}

export type TaskState = 'collecting' | 'ready' | 'executing' | 'done';

export interface TaskLimits {
  params: SessionParameters;
  maxWriteBytes: number;
  nextTtt: () => number;
}

export class ScsiTask {
  readonly itt: number;
  readonly lun: bigint;
  readonly cmdSN: number;
  readonly immediate: boolean;
  readonly read: boolean;
  readonly write: boolean;
  readonly expectedLength: number;
  readonly cdb: Buffer;
  state: TaskState = 'collecting';
  /** Data-In and R2T PDUs sent for this task (the SCSI Response's ExpDataSN). */
  pdusSent = 0;

  private readonly chunks: Buffer[] = [];
  private received = 0;
  private unsolicitedOpen = false;
  private unsolicitedDataSN = 0;
  private readonly r2ts = new Map<number, R2tState>();
  private nextR2tOffset = 0;
  private r2tSN = 0;
  /**
   * Made on first use of `signal`: most commands finish without anyone looking at it, and an
   * AbortController is costly next to a whole READ.
   */
  private controller?: AbortController;
  private abortRequested = false;

  constructor(
    cmd: ScsiCommand,
    private readonly limits: TaskLimits,
  ) {
    this.itt = cmd.itt;
    this.lun = cmd.lun;
    this.cmdSN = cmd.cmdSN;
    this.immediate = cmd.immediate;
    this.read = cmd.read;
    this.write = cmd.write;
    this.expectedLength = cmd.expectedDataTransferLength;
    this.cdb = cmd.cdb;
  }

  /** Aborted by task management, a reset or the end of the session. */
  get aborted(): boolean {
    return this.abortRequested;
  }

  /** The signal handed to the LU; it fires when the task is aborted (already fired if it was). */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.abortRequested) this.controller.abort();
    }
    return this.controller.signal;
  }

  abort(): void {
    if (this.abortRequested) return;
    this.abortRequested = true;
    this.controller?.abort();
  }

  /** All data-out is in: the task can execute. */
  get ready(): boolean {
    return this.state === 'ready';
  }

  get dataOutReceived(): number {
    return this.received;
  }

  /**
   * Take the command's immediate data and decide how the rest of the data-out arrives.
   * Returns the R2Ts to send now, or a failure.
   */
  start(cmd: ScsiCommand): { r2ts: Array<Unsequenced<R2T>>; failure?: DataOutFailure } {
    const p = this.limits.params;
    const want = this.write ? this.expectedLength : 0;
    if (cmd.data.length > 0) {
      if (!this.write)
        return { r2ts: [], failure: failure(0x0e, 0x02, 'immediate data on a command without W bit') };
      if (!p.immediateData)
        return { r2ts: [], failure: failure(0x0e, 0x02, 'immediate data but ImmediateData=No') };
      if (cmd.data.length > p.firstBurstLength || cmd.data.length > want) {
        return {
          r2ts: [],
          failure: failure(0x4b, 0x02, `immediate data of ${cmd.data.length} bytes is too long`),
        };
      }
      this.accept(cmd.data);
    }
    if (want > this.limits.maxWriteBytes) {
      return {
        r2ts: [],
        failure: failure(0x4b, 0x02, `write of ${want} bytes exceeds ${this.limits.maxWriteBytes}`),
      };
    }
    // RFC 7143 11.3.1: F=0 announces unsolicited Data-Out, allowed only with InitialR2T=No.
    if (!cmd.final) {
      if (!this.write || p.initialR2T) {
        return { r2ts: [], failure: failure(0x0e, 0x03, 'unsolicited Data-Out announced but not allowed') };
      }
      if (this.received >= Math.min(want, p.firstBurstLength)) {
        return { r2ts: [], failure: failure(0x4b, 0x02, 'unsolicited Data-Out announced with no room left') };
      }
      this.unsolicitedOpen = true;
    }
    this.nextR2tOffset = this.received;
    this.checkReady();
    return { r2ts: this.unsolicitedOpen ? [] : this.moreR2ts() };
  }

  /** A Data-Out PDU for this task. Returns R2Ts to send next, or a failure. */
  dataOut(d: DataOut): { r2ts: Array<Unsequenced<R2T>>; failure?: DataOutFailure } {
    if (this.state !== 'collecting')
      return { r2ts: [], failure: failure(0x4b, 0x02, 'Data-Out after all data arrived') };
    const p = this.limits.params;
    const want = this.expectedLength;
    // DataPDUInOrder=Yes and DataSequenceInOrder=Yes: data arrives strictly in offset order.
    if (d.bufferOffset !== this.received) {
      return {
        r2ts: [],
        failure: failure(0x4b, 0x05, `Data-Out offset ${d.bufferOffset}, expected ${this.received}`),
      };
    }
    if (d.ttt === RESERVED_TAG) {
      if (!this.unsolicitedOpen)
        return { r2ts: [], failure: failure(0x4b, 0x01, 'unsolicited Data-Out not expected') };
      if (d.dataSN !== this.unsolicitedDataSN) {
        return {
          r2ts: [],
          failure: failure(0x4b, 0x00, `DataSN ${d.dataSN}, expected ${this.unsolicitedDataSN}`),
        };
      }
      if (this.received + d.data.length > Math.min(want, p.firstBurstLength)) {
        return { r2ts: [], failure: failure(0x4b, 0x02, 'unsolicited data beyond FirstBurstLength') };
      }
      this.unsolicitedDataSN++;
      this.accept(d.data);
      if (d.final) {
        this.unsolicitedOpen = false;
        this.nextR2tOffset = this.received;
        this.checkReady();
        return { r2ts: this.moreR2ts() };
      }
      return { r2ts: [] };
    }
    const r = this.r2ts.get(d.ttt);
    if (r === undefined)
      return { r2ts: [], failure: failure(0x4b, 0x01, `Data-Out with unknown TTT ${d.ttt.toString(16)}`) };
    if (d.dataSN !== r.nextDataSN) {
      return {
        r2ts: [],
        failure: failure(0x4b, 0x00, `DataSN ${d.dataSN}, expected ${r.nextDataSN} for R2T`),
      };
    }
    if (r.received + d.data.length > r.length) {
      return { r2ts: [], failure: failure(0x4b, 0x02, 'Data-Out beyond the R2T desired length') };
    }
    r.nextDataSN++;
    r.received += d.data.length;
    this.accept(d.data);
    if (d.final) {
      if (r.received !== r.length) {
        return {
          r2ts: [],
          failure: failure(0x4b, 0x00, `R2T burst ended after ${r.received} of ${r.length} bytes`),
        };
      }
      this.r2ts.delete(d.ttt);
      this.checkReady();
      return { r2ts: this.moreR2ts() };
    }
    return { r2ts: [] };
  }

  /** The collected data-out. */
  dataOutBuffer(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.received);
  }

  private accept(data: Buffer): void {
    if (data.length === 0) return;
    this.chunks.push(data);
    this.received += data.length;
  }

  private checkReady(): void {
    if (this.state !== 'collecting') return;
    const want = this.write ? this.expectedLength : 0;
    if (this.received >= want && !this.unsolicitedOpen && this.r2ts.size === 0) this.state = 'ready';
  }

  /** Issue R2Ts for data not yet asked for, up to MaxOutstandingR2T. */
  private moreR2ts(): Array<Unsequenced<R2T>> {
    const p = this.limits.params;
    const out: Array<Unsequenced<R2T>> = [];
    const want = this.write ? this.expectedLength : 0;
    if (this.state !== 'collecting' || this.unsolicitedOpen) return out;
    while (this.r2ts.size < p.maxOutstandingR2T && this.nextR2tOffset < want) {
      const length = Math.min(p.maxBurstLength, want - this.nextR2tOffset);
      const ttt = this.limits.nextTtt();
      this.r2ts.set(ttt, { ttt, offset: this.nextR2tOffset, length, received: 0, nextDataSN: 0 });
      out.push({
        kind: 'r2t',
        lun: this.lun,
        itt: this.itt,
        ttt,
        r2tSN: this.r2tSN++,
        bufferOffset: this.nextR2tOffset,
        desiredDataTransferLength: length,
      });
      this.pdusSent++;
      this.nextR2tOffset += length;
    }
    return out;
  }
}

/**
 * The LuRequest of a task. `signal` is an own enumerable accessor (a copy made with object spread
 * gets the signal itself), so the task's AbortController is only made when the LU asks for it.
 */
export class TaskRequest implements LuRequest {
  static readonly #signal: PropertyDescriptor = {
    get(this: TaskRequest): AbortSignal {
      return this.#task.signal;
    },
    enumerable: true,
  };

  readonly cdb: Buffer;
  readonly dataOut: Buffer | undefined;
  readonly dataInLength: number;
  readonly nexus: ItNexus;
  readonly taskTag: number;
  declare readonly signal: AbortSignal;
  readonly #task: ScsiTask;

  constructor(task: ScsiTask, cdb: Buffer, nexus: ItNexus) {
    this.cdb = cdb;
    this.dataOut = task.write ? task.dataOutBuffer() : undefined;
    this.dataInLength = task.read ? task.expectedLength : 0;
    this.nexus = nexus;
    this.taskTag = task.itt;
    this.#task = task;
    Object.defineProperty(this, 'signal', TaskRequest.#signal);
  }
}

/** Residual of a command (RFC 7143 11.4.5): underflow when less moved than expected, overflow when more was wanted. */
export function residual(
  expected: number,
  wanted: number,
): { overflow: boolean; underflow: boolean; count: number } {
  if (wanted > expected) return { overflow: true, underflow: false, count: wanted - expected };
  if (wanted < expected) return { overflow: false, underflow: true, count: expected - wanted };
  return { overflow: false, underflow: false, count: 0 };
}

/**
 * The PDUs answering a completed task: Data-In segmented to the initiator's
 * MaxRecvDataSegmentLength with F at every MaxBurstLength boundary, status in the last Data-In
 * when it is GOOD without sense (RFC 7143 11.7.4), else a SCSI Response carrying the sense.
 */
export function responsePdus(
  task: ScsiTask,
  r: LuResponse,
  params: SessionParameters,
): Array<Unsequenced<DataIn> | Unsequenced<ScsiResponse>> {
  const full = r.dataIn ?? EMPTY;
  let res: { overflow: boolean; underflow: boolean; count: number };
  let dataIn: Buffer = EMPTY;
  if (task.read) {
    dataIn = full.length > task.expectedLength ? full.subarray(0, task.expectedLength) : full;
    res = residual(task.expectedLength, full.length);
  } else if (task.write) {
    res = residual(task.expectedLength, r.dataOutLength ?? task.dataOutReceived);
  } else {
    res = residual(task.expectedLength, full.length || (r.dataOutLength ?? 0));
  }
  const out: Array<Unsequenced<DataIn> | Unsequenced<ScsiResponse>> = [];
  const sense = r.sense ?? EMPTY;
  const statusInData = r.status === 0 && sense.length === 0 && dataIn.length > 0;
  const seg = Math.max(512, params.initiatorMaxRecvDataSegmentLength);
  const burst = Math.max(seg, params.maxBurstLength);
  let dataSN = 0;
  for (let off = 0; off < dataIn.length;) {
    const burstEnd = Math.min(dataIn.length, (Math.floor(off / burst) + 1) * burst);
    const n = Math.min(seg, burstEnd - off);
    const last = off + n >= dataIn.length;
    const withStatus = last && statusInData;
    // Built with the sequence number fields the connection fills in, so that stamping them does
    // not change the object's shape.
    const pdu: DataIn = {
      kind: 'data-in',
      final: off + n === burstEnd,
      acknowledge: false,
      residualOverflow: withStatus && res.overflow,
      residualUnderflow: withStatus && res.underflow,
      statusPresent: withStatus,
      status: withStatus ? r.status : 0,
      lun: task.lun,
      itt: task.itt,
      ttt: RESERVED_TAG,
      dataSN: dataSN++,
      bufferOffset: off,
      residualCount: withStatus ? res.count : 0,
      data: n === dataIn.length ? dataIn : dataIn.subarray(off, off + n),
      statSN: 0,
      expCmdSN: 0,
      maxCmdSN: 0,
    };
    out.push(pdu);
    off += n;
  }
  task.pdusSent += dataSN;
  if (!statusInData) {
    out.push({
      kind: 'scsi-response',
      bidiReadResidualOverflow: false,
      bidiReadResidualUnderflow: false,
      residualOverflow: res.overflow,
      residualUnderflow: res.underflow,
      response: 0,
      status: r.status,
      itt: task.itt,
      snackTag: 0,
      expDataSN: task.pdusSent,
      bidiReadResidualCount: 0,
      residualCount: res.count,
      senseData: sense,
      responseData: EMPTY,
    });
  }
  return out;
}
