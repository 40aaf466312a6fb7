// A small raw iSCSI initiator for the target's integration tests: PDUs over a TCP socket through
// the shared codec, a login that follows the negotiated keys, and SCSI commands that honour
// ImmediateData / InitialR2T / FirstBurstLength / R2T. Tests can also write arbitrary bytes.
import * as net from 'node:net';
import { ChapInitiator } from '../../targets/iscsi/chap';
import { PduReader, PduWriter } from '../../targets/iscsi/framing';
import {
  DISCOVERY_KEYS,
  isChapKey,
  Negotiator,
  OPERATIONAL_KEYS,
  type NegotiationSettings,
  type SessionParameters,
} from '../../targets/iscsi/negotiation';
import {
  PduError,
  RESERVED_TAG,
  lunFromNumber,
  type DataIn,
  type InitiatorPdu,
  type LoginResponse,
  type Pdu,
  type R2T,
  type ScsiResponse,
  type TargetPdu,
} from '../../targets/iscsi/pdu';
import { parseText, serializeText, textValue, type TextPair } from '../../targets/iscsi/text';
import { createRamDisk, type DiskDevice } from '../../emulator/devices/disk';
import type { IscsiTargetServerOptions } from '../../emulator/iscsi/config';
import { IscsiTargetServer } from '../../emulator/iscsi/server';
import type { LogicalUnit } from '../../emulator/lu';

export interface LoginOptions {
  initiatorName?: string;
  targetName?: string;
  sessionType?: 'Normal' | 'Discovery';
  isid?: number;
  tsih?: number;
  settings?: Partial<NegotiationSettings>;
  chap?: { user: string; secret: string; mutual?: { user: string; secret: string } };
  /** Extra pairs for the first PDU. */
  extra?: TextPair[];
  /** Start in the operational stage (no security stage). */
  skipSecurity?: boolean;
}

export interface LoginOutcome {
  status: number;
  responses: LoginResponse[];
  params?: SessionParameters;
}

export interface ScsiOptions {
  lun?: number;
  cdb: Buffer | string;
  /** Expected data-in length (sets R). */
  read?: number;
  /** Data-out (sets W). */
  write?: Buffer;
  /** Override EDTL. */
  edtl?: number;
  immediate?: boolean;
  timeoutMs?: number;
}

export interface ScsiResult {
  status: number;
  sense: Buffer;
  data: Buffer;
  residualOverflow: boolean;
  residualUnderflow: boolean;
  residualCount: number;
  dataIns: DataIn[];
  r2ts: R2T[];
  response?: ScsiResponse;
}

export function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ''), 'hex');
}

export class RawIscsiClient {
  readonly reader = new PduReader();
  readonly writer = new PduWriter();
  private readonly queue: TargetPdu[] = [];
  private readonly errors: PduError[] = [];
  private waiters: Array<() => void> = [];
  cmdSN = 1;
  expStatSN = 0;
  private nextItt = 1;
  params?: SessionParameters;
  tsih = 0;
  isid = 0;
  closed = false;
  readonly closedPromise: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.reader.push(chunk, (item) => {
        if (item.error) this.errors.push(item.error);
        else this.queue.push(item.pdu as TargetPdu);
      });
      this.wake();
    });
    socket.on('error', () => undefined);
    this.closedPromise = new Promise((resolve) =>
      socket.on('close', () => {
        this.closed = true;
        this.wake();
        resolve();
      }),
    );
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawIscsiClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host }, () => resolve(new RawIscsiClient(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  itt(): number {
    return this.nextItt++;
  }

  send(p: InitiatorPdu): void {
    this.socket.write(Buffer.concat(this.writer.frame(p)));
  }

  sendRaw(b: Buffer): void {
    this.socket.write(b);
  }

  /** Next received PDU matching `pred` (others stay queued). Rejects on timeout or close. */
  async next<K extends TargetPdu['kind']>(
    kind: K | undefined,
    pred: (p: Extract<TargetPdu, { kind: K }>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<Extract<TargetPdu, { kind: K }>> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const i = this.queue.findIndex(
        (p) => (kind === undefined || p.kind === kind) && pred(p as Extract<TargetPdu, { kind: K }>),
      );
      if (i >= 0) {
        const p = this.queue.splice(i, 1)[0] as Extract<TargetPdu, { kind: K }>;
        this.track(p);
        return p;
      }
      if (this.closed) throw new Error(`connection closed while waiting for ${kind ?? 'a PDU'}`);
      const left = until - Date.now();
      if (left <= 0) throw new Error(`timeout waiting for ${kind ?? 'a PDU'}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Every PDU received so far that nobody asked for (drains the queue). */
  drain(): TargetPdu[] {
    const out = this.queue.splice(0);
    out.forEach((p) => this.track(p));
    return out;
  }

  /** Wait `ms` and return what arrived in the meantime. */
  async quiet(ms: number): Promise<TargetPdu[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.drain();
  }

  private track(p: Pdu): void {
    if ('statSN' in p && p.kind !== 'r2t' && !(p.kind === 'data-in' && !p.statusPresent)) {
      this.expStatSN = (p.statSN + 1) >>> 0;
    }
  }

  close(): void {
    this.socket.destroy();
  }

  // ---- login -----------------------------------------------------------------------------------

  async login(o: LoginOptions = {}): Promise<LoginOutcome> {
    const type = o.sessionType ?? 'Normal';
    const neg = new Negotiator(
      'initiator',
      { authMethod: o.chap ? ['CHAP', 'None'] : ['None'], ...o.settings },
      type,
    );
    const chap = o.chap ? new ChapInitiator({ credentials: o.chap, mutual: o.chap.mutual }) : undefined;
    this.isid = o.isid ?? 0x023d00000000 + Math.floor(Math.random() * 0xffffff);
    const responses: LoginResponse[] = [];
    const itt = this.itt();
    let stage = o.skipSecurity ? 1 : 0;
    let pairs: TextPair[] = [
      ['InitiatorName', o.initiatorName ?? 'iqn.2024-01.test:raw-client'],
      ['SessionType', type],
    ];
    if (type === 'Normal') pairs.push(['TargetName', o.targetName ?? 'iqn.2024-01.test:t1']);
    pairs.push(...(o.extra ?? []));
    if (stage === 0) pairs.push(...neg.offer(['AuthMethod']));
    else pairs.push(...neg.offer(type === 'Discovery' ? DISCOVERY_KEYS : OPERATIONAL_KEYS));
    let chapPhase: 'none' | 'algorithm' | 'response' | 'done' = 'none';
    for (let round = 0; round < 12; round++) {
      const transit = stage === 1 || !chap || chapPhase === 'response';
      this.send({
        kind: 'login-request',
        transit,
        continue: false,
        csg: stage,
        nsg: stage === 0 ? 1 : 3,
        versionMax: 0,
        versionMin: 0,
        isid: this.isid,
        tsih: o.tsih ?? 0,
        itt,
        cid: 0,
        cmdSN: this.cmdSN,
        expStatSN: this.expStatSN,
        data: serializeText(pairs),
      });
      const r = await this.next('login-response');
      responses.push(r);
      const status = (r.statusClass << 8) | r.statusDetail;
      if (status !== 0) return { status, responses };
      const rp = parseText(r.data);
      neg.receive(rp.filter(([k]) => !isChapKey(k)));
      pairs = [];
      if (stage === 0 && chap) {
        if (textValue(rp, 'CHAP_C') !== undefined) {
          pairs = chap.respond(rp);
          chapPhase = 'response';
        } else if (textValue(rp, 'CHAP_R') !== undefined) {
          chap.verify(rp);
          chapPhase = 'done';
        } else if (chapPhase === 'none' && neg.get('AuthMethod') === 'CHAP') {
          pairs = chap.start();
          chapPhase = 'algorithm';
        }
      }
      if (r.transit) {
        if (r.nsg === 3) {
          this.tsih = r.tsih;
          const params = neg.params();
          this.params = params;
          this.reader.setOptions({
            headerDigest: params.headerDigest === 'CRC32C',
            dataDigest: params.dataDigest === 'CRC32C',
            maxRecvDataSegmentLength: params.initiatorMaxRecvDataSegmentLength,
          });
          this.writer.setOptions({
            headerDigest: params.headerDigest === 'CRC32C',
            dataDigest: params.dataDigest === 'CRC32C',
            maxSendDataSegmentLength: params.targetMaxRecvDataSegmentLength,
          });
          return { status: 0, responses, params };
        }
        stage = r.nsg;
        pairs = neg.offer(type === 'Discovery' ? DISCOVERY_KEYS : OPERATIONAL_KEYS);
      }
    }
    throw new Error('login did not finish');
  }

  // ---- commands ------------------------------------------------------------------------------

  async scsi(o: ScsiOptions): Promise<ScsiResult> {
    const p = this.params;
    if (p === undefined) throw new Error('not logged in');
    const cdb = typeof o.cdb === 'string' ? hex(o.cdb) : o.cdb;
    const field = Buffer.alloc(Math.max(16, cdb.length));
    cdb.copy(field);
    const itt = this.itt();
    const lun = lunFromNumber(o.lun ?? 0);
    const out = o.write ?? Buffer.alloc(0);
    const edtl = o.edtl ?? (o.write ? out.length : (o.read ?? 0));
    const mrdsl = p.targetMaxRecvDataSegmentLength;
    const immediateLen =
      o.write && p.immediateData ? Math.min(out.length, p.firstBurstLength, mrdsl, edtl) : 0;
    const unsolicitedEnd =
      o.write && !p.initialR2T ? Math.min(out.length, p.firstBurstLength, edtl) : immediateLen;
    const cmdSN = this.cmdSN;
    if (!o.immediate) this.cmdSN = (this.cmdSN + 1) >>> 0;
    this.send({
      kind: 'scsi-command',
      immediate: o.immediate ?? false,
      final: unsolicitedEnd <= immediateLen,
      read: o.read !== undefined,
      write: o.write !== undefined,
      attr: 1,
      lun,
      itt,
      expectedDataTransferLength: edtl,
      cmdSN,
      expStatSN: this.expStatSN,
      cdb: field,
      data: out.subarray(0, immediateLen),
    });
    this.sendData(itt, lun, RESERVED_TAG, out, immediateLen, unsolicitedEnd);
    const res: ScsiResult = {
      status: -1,
      sense: Buffer.alloc(0),
      data: Buffer.alloc(0),
      residualOverflow: false,
      residualUnderflow: false,
      residualCount: 0,
      dataIns: [],
      r2ts: [],
    };
    const chunks: Array<[number, Buffer]> = [];
    for (;;) {
      const pdu = await this.next(undefined, (x) => 'itt' in x && x.itt === itt, o.timeoutMs ?? 10000);
      if (pdu.kind === 'r2t') {
        res.r2ts.push(pdu);
        this.sendData(
          itt,
          lun,
          pdu.ttt,
          out,
          pdu.bufferOffset,
          pdu.bufferOffset + pdu.desiredDataTransferLength,
        );
      } else if (pdu.kind === 'data-in') {
        res.dataIns.push(pdu);
        chunks.push([pdu.bufferOffset, pdu.data]);
        if (pdu.statusPresent) {
          res.status = pdu.status;
          res.residualOverflow = pdu.residualOverflow;
          res.residualUnderflow = pdu.residualUnderflow;
          res.residualCount = pdu.residualCount;
          break;
        }
      } else if (pdu.kind === 'scsi-response') {
        res.response = pdu;
        res.status = pdu.status;
        res.sense = pdu.senseData;
        res.residualOverflow = pdu.residualOverflow;
        res.residualUnderflow = pdu.residualUnderflow;
        res.residualCount = pdu.residualCount;
        break;
      } else {
        throw new Error(`unexpected ${pdu.kind} for ITT ${itt}`);
      }
    }
    const size = chunks.reduce((n, [off, d]) => Math.max(n, off + d.length), 0);
    res.data = Buffer.alloc(size);
    for (const [off, d] of chunks) d.copy(res.data, off);
    return res;
  }

  /** Data-Out PDUs for [from, to) of `data`, cut to the target's MaxRecvDataSegmentLength. */
  sendData(itt: number, lun: bigint, ttt: number, data: Buffer, from: number, to: number): void {
    const seg = this.params?.targetMaxRecvDataSegmentLength ?? 8192;
    let dataSN = 0;
    for (let off = from; off < to; off += seg) {
      const end = Math.min(to, off + seg);
      this.send({
        kind: 'data-out',
        final: end === to,
        lun,
        itt,
        ttt,
        expStatSN: this.expStatSN,
        dataSN: dataSN++,
        bufferOffset: off,
        data: data.subarray(off, end),
      });
    }
  }

  /** Send a Text request and collect the (possibly continued) answer. */
  async text(pairs: TextPair[]): Promise<TextPair[]> {
    const itt = this.itt();
    let ttt = RESERVED_TAG;
    let data = serializeText(pairs);
    const parts: Buffer[] = [];
    const cmdSN = this.cmdSN;
    this.cmdSN = (this.cmdSN + 1) >>> 0;
    for (let i = 0; i < 1000; i++) {
      this.send({
        kind: 'text-request',
        immediate: i > 0,
        final: true,
        continue: false,
        lun: 0n,
        itt,
        ttt,
        cmdSN: i === 0 ? cmdSN : this.cmdSN,
        expStatSN: this.expStatSN,
        data,
      });
      const r = await this.next('text-response', (x) => x.itt === itt);
      parts.push(r.data);
      if (r.final) return parseText(Buffer.concat(parts));
      ttt = r.ttt;
      data = Buffer.alloc(0);
    }
    throw new Error('text response never ended');
  }

  async logout(): Promise<number> {
    const itt = this.itt();
    this.send({
      kind: 'logout-request',
      immediate: false,
      reasonCode: 0,
      itt,
      cid: 0,
      cmdSN: this.cmdSN,
      expStatSN: this.expStatSN,
    });
    this.cmdSN = (this.cmdSN + 1) >>> 0;
    const r = await this.next('logout-response', (x) => x.itt === itt);
    return r.response;
  }

  /** Send TEST UNIT READY until the power-on unit attention is gone. */
  async clearUnitAttention(lun = 0): Promise<void> {
    for (let i = 0; i < 5; i++) {
      const r = await this.scsi({ lun, cdb: '00 00 00 00 00 00' });
      if (r.status === 0) return;
    }
    throw new Error('unit attention does not clear');
  }
}

// ---- a target for the tests ---------------------------------------------------------------------

export const T1 = 'iqn.2024-01.test:t1';
export const T_ACL = 'iqn.2024-01.test:acl';
export const T_CHAP = 'iqn.2024-01.test:chap';
export const ALLOWED = 'iqn.2024-01.test:allowed';

export interface TestTarget {
  server: IscsiTargetServer;
  port: number;
  disks: DiskDevice[];
}

/** A server on 127.0.0.1 (any port): T1 with two 4 MiB RAM disks, an ACL target, a CHAP target. */
export async function startTestTarget(opts: Partial<IscsiTargetServerOptions> = {}): Promise<TestTarget> {
  const disks = [0, 1, 2, 3].map((i) =>
    createRamDisk({ identity: { id: `it-${i}` }, sizeBytes: 4 * 1024 * 1024 }),
  );
  const server = new IscsiTargetServer({
    host: '127.0.0.1',
    port: 0,
    targets: [
      {
        name: T1,
        luns: new Map<number, LogicalUnit>([
          [0, disks[0]],
          [1, disks[1]],
        ]),
      },
      { name: T_ACL, luns: new Map<number, LogicalUnit>([[0, disks[2]]]), acl: [ALLOWED] },
      {
        name: T_CHAP,
        luns: new Map<number, LogicalUnit>([[0, disks[3]]]),
        chap: {
          users: [{ user: 'alice', secret: 'alice-secret-1' }],
          mutual: { user: 'tgt', secret: 'target-secret-2' },
        },
      },
    ],
    ...opts,
  });
  const { port } = await server.listen();
  return { server, port, disks };
}
