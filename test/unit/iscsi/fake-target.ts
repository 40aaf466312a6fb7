// A small scriptable iSCSI target for initiator tests, built on the codec: login with the target-side
// Negotiator (and optional CHAP), a RAM disk LUN with R2T-driven writes and Data-In reads, NOP,
// TMF, Text (SendTargets) and Logout, plus hooks to misbehave (drop, delay, reject, redirect...).
import * as net from 'node:net';
import { ChapTarget } from '../../../targets/iscsi/chap';
import { PduReader, PduWriter } from '../../../targets/iscsi/framing';
import {
  Negotiator,
  isChapKey,
  type NegotiationSettings,
  type SessionParameters,
} from '../../../targets/iscsi/negotiation';
import {
  RESERVED_TAG,
  lunToNumber,
  type LoginRequest,
  type Pdu,
  type ScsiCommand,
  type TargetPdu,
} from '../../../targets/iscsi/pdu';
import { serialAdd } from '../../../targets/iscsi/serial';
import { IscsiSession, type IscsiSessionOptions } from '../../../targets/iscsi/session';
import { parseText, serializeText, textValue, type TextPair } from '../../../targets/iscsi/text';

export interface FakeTargetOptions {
  targetName?: string;
  settings?: Partial<NegotiationSettings>;
  /** CmdSN window size granted (MaxCmdSN = ExpCmdSN + window - 1). */
  window?: number;
  /** Require CHAP from this user/secret; mutual credentials optional. */
  chap?: { user: string; secret: string; mutual?: { user: string; secret: string } };
  /** Answer every login with this status (class << 8 | detail) and optional keys (redirection). */
  loginStatus?: { status: number; keys?: TextPair[] };
  /** Split login response text into data segments of this size with the C bit. */
  loginSegment?: number;
  /** Extra keys the target offers in its first operational response (answered by the initiator). */
  offerKeys?: string[];
  /** Peripheral device type reported by INQUIRY on LUN 1 (default 0, disk). */
  deviceType?: number;
  diskBytes?: number;
  /** Send a NOP-In ping (TTT 0x77) right behind the final login response, in the same write. */
  pingAfterLogin?: boolean;
  /** Called for every PDU in full feature phase; return true to suppress the default handling. */
  hook?: (conn: FakeConnection, pdu: Pdu) => boolean;
}

interface WriteState {
  cmd: ScsiCommand;
  buf: Buffer;
  received: number;
  /** End offset of solicited data requested so far. */
  requested: number;
  outstandingR2T: number;
  r2tSN: number;
  unsolicitedDone: boolean;
}

export class FakeConnection {
  readonly reader = new PduReader();
  readonly writer = new PduWriter();
  readonly received: Pdu[] = [];
  readonly logins: LoginRequest[] = [];
  statSN = 1000;
  expCmdSN = 0;
  /** MaxCmdSN in the last PDU sent to the initiator. */
  advertisedMaxCmdSN = 0;
  params?: SessionParameters;
  tsih = 0;
  loggedIn = false;
  private readonly writes = new Map<number, WriteState>();
  private neg?: Negotiator;
  private chap?: ChapTarget;
  private chapStep = 0;
  private nextTtt = 0x100;

  constructor(
    readonly target: FakeTarget,
    readonly socket: net.Socket,
  ) {
    socket.on('data', (chunk: Buffer) =>
      this.reader.push(chunk, (item) => {
        if (item.pdu) this.onPdu(item.pdu);
      }),
    );
    socket.on('error', () => undefined);
  }

  get maxCmdSN(): number {
    return serialAdd(this.expCmdSN, (this.target.opts.window ?? 32) - 1);
  }

  /** Send a target PDU, filling StatSN/ExpCmdSN/MaxCmdSN (status PDUs advance StatSN). */
  send(pdu: TargetPdu, advance = true): void {
    if ('statSN' in pdu) {
      pdu.statSN = this.statSN;
      pdu.expCmdSN = this.expCmdSN;
      pdu.maxCmdSN = this.maxCmdSN;
      this.advertisedMaxCmdSN = pdu.maxCmdSN;
      if (advance) this.statSN = serialAdd(this.statSN, 1);
    }
    if (!this.socket.destroyed) this.socket.write(this.writer.serialize(pdu));
  }

  close(): void {
    this.socket.destroy();
  }

  private onPdu(pdu: Pdu): void {
    this.received.push(pdu);
    if (pdu.kind === 'login-request') {
      this.onLogin(pdu);
      return;
    }
    if ('cmdSN' in pdu && !pdu.immediate) {
      this.expCmdSN = serialAdd(pdu.cmdSN, 1);
    }
    if (this.target.opts.hook?.(this, pdu)) return;
    this.defaultHandle(pdu);
  }

  private onLogin(req: LoginRequest): void {
    // The initiator's empty request asking for the rest of a split response (C bit).
    if (this.continuing && req.data.length === 0) {
      const next = this.pendingLoginParts.shift();
      if (next) this.sendLoginPart(next);
      return;
    }
    this.logins.push(req);
    this.target.logins.push(req);
    const o = this.target.opts;
    if (this.logins.length === 1) this.expCmdSN = req.cmdSN;
    const base = {
      kind: 'login-response' as const,
      versionMax: 0,
      versionActive: 0,
      isid: req.isid,
      itt: req.itt,
      statSN: 0,
      expCmdSN: 0,
      maxCmdSN: 0,
    };
    if (o.loginStatus) {
      this.send({
        ...base,
        transit: false,
        continue: false,
        csg: req.csg,
        nsg: 0,
        tsih: 0,
        statusClass: o.loginStatus.status >> 8,
        statusDetail: o.loginStatus.status & 0xff,
        data: serializeText(o.loginStatus.keys ?? []),
      });
      return;
    }
    this.neg ??= new Negotiator('target', o.settings ?? {});
    const pairs = parseText(req.data);
    const answers: TextPair[] = [];
    const chapPairs = pairs.filter(([k]) => isChapKey(k));
    const other = pairs.filter(([k]) => !isChapKey(k) && k !== 'AuthMethod');
    const authOffer = textValue(pairs, 'AuthMethod');
    if (authOffer !== undefined) {
      const want = o.chap ? 'CHAP' : 'None';
      answers.push(['AuthMethod', authOffer.split(',').includes(want) ? want : 'Reject']);
    }
    answers.push(...this.neg.receive(other));
    if (this.logins.length === 1) answers.push(this.neg.declare('TargetPortalGroupTag', '1'));
    let transit = req.transit;
    let statusClass = 0;
    let statusDetail = 0;
    if (req.csg === 0 && o.chap) {
      if (this.chapStep === 0 && textValue(chapPairs, 'CHAP_A')) {
        this.chap = new ChapTarget({
          lookupSecret: (u) => (u === o.chap?.user ? o.chap.secret : undefined),
          targetCredentials: o.chap.mutual
            ? { user: o.chap.mutual.user, secret: o.chap.mutual.secret }
            : undefined,
        });
        answers.push(...this.chap.challenge(chapPairs));
        this.chapStep = 1;
        transit = false;
      } else if (this.chapStep === 1 && this.chap) {
        try {
          answers.push(...this.chap.verify(chapPairs).reply);
          this.chapStep = 2;
        } catch {
          statusClass = 2;
          statusDetail = 1;
        }
      } else if (this.chapStep !== 2) {
        transit = false;
      }
    }
    if (req.csg === 1 && o.offerKeys && this.logins.filter((l) => l.csg === 1).length === 1) {
      answers.push(...this.neg.offer(o.offerKeys));
      transit = false;
    }
    if (req.csg === 1 && this.neg.outstanding.length > 0) transit = false;
    if (req.csg === 1) answers.push(...this.neg.offer(['MaxRecvDataSegmentLength']));
    const done = transit && req.nsg === 3 && statusClass === 0;
    if (done) {
      this.params = this.neg.params();
      this.tsih = this.target.nextTsih++;
    }
    const text = serializeText(answers);
    const seg = o.loginSegment ?? text.length;
    const parts: Buffer[] = [];
    for (let off = 0; off < text.length; off += Math.max(1, seg)) parts.push(text.subarray(off, off + seg));
    if (parts.length === 0) parts.push(Buffer.alloc(0));
    this.pendingLoginParts = parts.slice(1);
    const first = parts[0];
    this.loginReplyBase = {
      ...base,
      transit,
      csg: req.csg,
      nsg: transit ? req.nsg : 0,
      statusClass,
      statusDetail,
      done,
    };
    this.sendLoginPart(first);
  }

  private pendingLoginParts: Buffer[] = [];
  private continuing = false;
  private loginReplyBase?: {
    kind: 'login-response';
    versionMax: number;
    versionActive: number;
    isid: number;
    itt: number;
    statSN: number;
    expCmdSN: number;
    maxCmdSN: number;
    transit: boolean;
    csg: number;
    nsg: number;
    statusClass: number;
    statusDetail: number;
    done: boolean;
  };

  private sendLoginPart(data: Buffer): void {
    const b = this.loginReplyBase;
    if (!b) return;
    const more = this.pendingLoginParts.length > 0;
    this.continuing = more;
    // One TCP write for the response and anything sent right behind it.
    this.socket.cork();
    process.nextTick(() => this.socket.uncork());
    this.send({
      kind: b.kind,
      versionMax: b.versionMax,
      versionActive: b.versionActive,
      isid: b.isid,
      itt: b.itt,
      statSN: 0,
      expCmdSN: 0,
      maxCmdSN: 0,
      transit: more ? false : b.transit,
      continue: more,
      csg: b.csg,
      nsg: more ? 0 : b.nsg,
      tsih: b.done && !more ? this.tsih : 0,
      statusClass: b.statusClass,
      statusDetail: b.statusDetail,
      data,
    });
    if (b.done && !more) {
      this.loggedIn = true;
      const p = this.params;
      if (p) {
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
      }
      if (this.target.opts.pingAfterLogin) {
        const ping = Buffer.from('ping');
        this.send(
          {
            kind: 'nop-in',
            lun: 0n,
            itt: RESERVED_TAG,
            ttt: 0x77,
            statSN: 0,
            expCmdSN: 0,
            maxCmdSN: 0,
            data: ping,
          },
          false,
        );
      }
    }
  }

  /** Default full-feature behaviour: RAM disk on LUN 1, NOP, TMF, Text, Logout. */
  defaultHandle(pdu: Pdu): void {
    switch (pdu.kind) {
      case 'scsi-command':
        this.onCommand(pdu);
        break;
      case 'data-out':
        this.onDataOut(pdu.itt, pdu.ttt, pdu.bufferOffset, pdu.data, pdu.final);
        break;
      case 'nop-out':
        if (pdu.itt !== RESERVED_TAG) {
          this.send({
            kind: 'nop-in',
            lun: pdu.lun,
            itt: pdu.itt,
            ttt: RESERVED_TAG,
            statSN: 0,
            expCmdSN: 0,
            maxCmdSN: 0,
            data: pdu.data,
          });
        }
        break;
      case 'task-management-request':
        this.send({
          kind: 'task-management-response',
          response: 0,
          itt: pdu.itt,
          statSN: 0,
          expCmdSN: 0,
          maxCmdSN: 0,
        });
        break;
      case 'text-request': {
        const value = textValue(parseText(pdu.data), 'SendTargets');
        const data =
          value === undefined
            ? Buffer.alloc(0)
            : serializeText([
                ['TargetName', this.target.opts.targetName ?? 'iqn.2024-01.test:fake'],
                ['TargetAddress', `127.0.0.1:${this.target.port},1`],
              ]);
        this.send({
          kind: 'text-response',
          final: true,
          continue: false,
          lun: 0n,
          itt: pdu.itt,
          ttt: RESERVED_TAG,
          statSN: 0,
          expCmdSN: 0,
          maxCmdSN: 0,
          data,
        });
        break;
      }
      case 'logout-request':
        this.send({
          kind: 'logout-response',
          response: 0,
          itt: pdu.itt,
          statSN: 0,
          expCmdSN: 0,
          maxCmdSN: 0,
          time2Wait: 0,
          time2Retain: 0,
        });
        this.socket.end();
        break;
      default:
        break;
    }
  }

  /** Answer a SCSI command: INQUIRY, TEST UNIT READY, READ(16)/WRITE(16) on the RAM disk. */
  onCommand(cmd: ScsiCommand): void {
    const op = cmd.cdb[0];
    if (cmd.write) {
      const st: WriteState = {
        cmd,
        buf: Buffer.alloc(cmd.expectedDataTransferLength),
        received: 0,
        requested: 0,
        outstandingR2T: 0,
        r2tSN: 0,
        unsolicitedDone: cmd.final,
      };
      cmd.data.copy(st.buf, 0);
      st.received = cmd.data.length;
      st.requested =
        this.params?.initialR2T === false
          ? Math.min(this.params.firstBurstLength, cmd.expectedDataTransferLength)
          : cmd.data.length;
      this.writes.set(cmd.itt, st);
      this.progressWrite(st);
      return;
    }
    if (op === 0x12) {
      const inq = Buffer.alloc(36);
      inq[0] = lunToNumber(cmd.lun) === 1 ? (this.target.opts.deviceType ?? 0) : 0x7f;
      inq[4] = 31;
      this.sendData(cmd, inq, 0);
      return;
    }
    if (op === 0x88) {
      const lba = Number(cmd.cdb.readBigUInt64BE(2));
      const blocks = cmd.cdb.readUInt32BE(10);
      this.sendData(cmd, this.target.disk.subarray(lba * 512, (lba + blocks) * 512), 0);
      return;
    }
    this.respond(cmd.itt, 0, Buffer.alloc(0));
  }

  /** Data-In PDUs cut to the initiator's MaxRecvDataSegmentLength, status in the last one. */
  sendData(cmd: ScsiCommand, data: Buffer, status: number): void {
    const seg = this.params?.initiatorMaxRecvDataSegmentLength ?? 8192;
    const len = Math.min(data.length, cmd.expectedDataTransferLength);
    let dataSN = 0;
    for (let off = 0; off < len || (off === 0 && len === 0); off += seg) {
      const part = data.subarray(off, Math.min(len, off + seg));
      const last = off + seg >= len;
      this.send(
        {
          kind: 'data-in',
          final: last,
          acknowledge: false,
          residualOverflow: false,
          residualUnderflow: last && len < cmd.expectedDataTransferLength,
          statusPresent: last,
          status,
          lun: cmd.lun,
          itt: cmd.itt,
          ttt: RESERVED_TAG,
          statSN: 0,
          expCmdSN: 0,
          maxCmdSN: 0,
          dataSN: dataSN++,
          bufferOffset: off,
          residualCount: last ? cmd.expectedDataTransferLength - len : 0,
          data: part,
        },
        last,
      );
      if (len === 0) break;
    }
  }

  respond(itt: number, status: number, sense: Buffer, residual = 0): void {
    this.send({
      kind: 'scsi-response',
      bidiReadResidualOverflow: false,
      bidiReadResidualUnderflow: false,
      residualOverflow: false,
      residualUnderflow: residual > 0,
      response: 0,
      status,
      itt,
      snackTag: 0,
      statSN: 0,
      expCmdSN: 0,
      maxCmdSN: 0,
      expDataSN: 0,
      bidiReadResidualCount: 0,
      residualCount: residual,
      senseData: sense,
      responseData: Buffer.alloc(0),
    });
  }

  private onDataOut(itt: number, ttt: number, offset: number, data: Buffer, final: boolean): void {
    const st = this.writes.get(itt);
    if (!st) return;
    data.copy(st.buf, offset);
    st.received += data.length;
    if (ttt === RESERVED_TAG) {
      if (final) st.unsolicitedDone = true;
    } else if (final) {
      st.outstandingR2T--;
    }
    this.progressWrite(st);
  }

  private progressWrite(st: WriteState): void {
    const p = this.params;
    const edtl = st.cmd.expectedDataTransferLength;
    if (st.received >= edtl) {
      this.writes.delete(st.cmd.itt);
      const cdb = st.cmd.cdb;
      if (cdb[0] === 0x8a) {
        const lba = Number(cdb.readBigUInt64BE(2));
        st.buf.copy(this.target.disk, lba * 512);
      }
      this.target.writes.push({ itt: st.cmd.itt, data: st.buf });
      this.respond(st.cmd.itt, 0, Buffer.alloc(0));
      return;
    }
    if (!st.unsolicitedDone) return;
    const maxR2T = p?.maxOutstandingR2T ?? 1;
    const burst = p?.maxBurstLength ?? 262144;
    while (st.outstandingR2T < maxR2T && st.requested < edtl) {
      const len = Math.min(burst, edtl - st.requested);
      this.send(
        {
          kind: 'r2t',
          lun: st.cmd.lun,
          itt: st.cmd.itt,
          ttt: this.nextTtt++,
          statSN: 0,
          expCmdSN: 0,
          maxCmdSN: 0,
          r2tSN: st.r2tSN++,
          bufferOffset: st.requested,
          desiredDataTransferLength: len,
        },
        false,
      );
      st.requested += len;
      st.outstandingR2T++;
    }
  }
}

export class FakeTarget {
  readonly server: net.Server;
  readonly connections: FakeConnection[] = [];
  readonly logins: LoginRequest[] = [];
  readonly writes: { itt: number; data: Buffer }[] = [];
  readonly disk: Buffer;
  nextTsih = 0x10;
  port = 0;

  constructor(readonly opts: FakeTargetOptions = {}) {
    this.disk = Buffer.alloc(opts.diskBytes ?? 4 * 1024 * 1024);
    this.server = net.createServer((s) => {
      this.connections.push(new FakeConnection(this, s));
    });
  }

  static async start(opts: FakeTargetOptions = {}): Promise<FakeTarget> {
    const t = new FakeTarget(opts);
    await new Promise<void>((r) => t.server.listen(0, '127.0.0.1', () => r()));
    const a = t.server.address();
    t.port = typeof a === 'object' && a ? a.port : 0;
    return t;
  }

  /** The newest connection. */
  get last(): FakeConnection {
    const c = this.connections[this.connections.length - 1];
    if (!c) throw new Error('no connection yet');
    return c;
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.close();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/**
 * Fake targets and initiator sessions for one test file: `fake()` starts a target named `iqn`,
 * `open()` logs a session in to it (no NOPs, no reconnect delay, 2 s responses unless overridden);
 * an afterEach hook closes every session and stops every target.
 */
export function useFakeTargets(
  iqn: string,
  targetDefaults: FakeTargetOptions = {},
): {
  fake: (opts?: FakeTargetOptions) => Promise<FakeTarget>;
  open: (t: FakeTarget, opts?: Partial<IscsiSessionOptions>) => Promise<IscsiSession>;
} {
  let targets: FakeTarget[] = [];
  let sessions: IscsiSession[] = [];
  afterEach(async () => {
    for (const s of sessions) await s.close();
    for (const t of targets) await t.stop();
    sessions = [];
    targets = [];
  });
  return {
    fake: async (opts = {}) => {
      const t = await FakeTarget.start({ targetName: iqn, ...targetDefaults, ...opts });
      targets.push(t);
      return t;
    },
    open: async (t, opts = {}) => {
      const s = await IscsiSession.open({
        host: '127.0.0.1',
        port: t.port,
        targetName: iqn,
        nopIntervalMs: 0,
        reconnectDelayMs: 0,
        responseTimeoutMs: 2000,
        ...opts,
      });
      sessions.push(s);
      return s;
    },
  };
}
