// Initiator session behaviour against the scriptable fake target (things tgt cannot be made to do).
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { IscsiTransport } from '../../../targets/iscsi/initiator-transport';
import { LoginError } from '../../../targets/iscsi/login';
import {
  RESERVED_TAG,
  TmfFunction,
  encodePdu,
  type DataOut,
  type Pdu,
  type ScsiCommand,
  type TaskManagementRequest,
} from '../../../targets/iscsi/pdu';
import { serialLe } from '../../../targets/iscsi/serial';
import { defaultRetryable, discoverTargets, IscsiSession } from '../../../targets/iscsi/session';
import { TransportError, TransportTimeoutError } from '../../../targets/transport';
import { useFakeTargets } from './fake-target';

const IQN = 'iqn.2024-01.test:fake';
const TUR = Buffer.alloc(6);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function read16(lba: number, blocks: number): Buffer {
  const b = Buffer.alloc(16);
  b[0] = 0x88;
  b.writeBigUInt64BE(BigInt(lba), 2);
  b.writeUInt32BE(blocks, 10);
  return b;
}

function write16(lba: number, blocks: number): Buffer {
  const b = read16(lba, blocks);
  b[0] = 0x8a;
  return b;
}

const { fake, open } = useFakeTargets(IQN);

function ofKind<K extends Pdu['kind']>(pdus: Pdu[], kind: K): Extract<Pdu, { kind: K }>[] {
  return pdus.filter((p): p is Extract<Pdu, { kind: K }> => p.kind === kind);
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await sleep(5);
  }
}

describe('login', () => {
  it('negotiates with the target and enters full feature phase', async () => {
    const t = await fake({
      settings: { maxRecvDataSegmentLength: 4096, maxBurstLength: 65536, initialR2T: false },
    });
    const s = await open(t);
    expect(s.tsih).toBe(0x10);
    expect(s.targetPortalGroupTag).toBe(1);
    expect(s.params).toMatchObject({
      targetMaxRecvDataSegmentLength: 4096,
      initiatorMaxRecvDataSegmentLength: 262144,
      maxBurstLength: 65536,
      initialR2T: false,
      immediateData: true,
      targetName: IQN,
    });
    const [first] = t.logins;
    expect(first.tsih).toBe(0);
    expect(first.csg).toBe(0);
    expect(Math.floor(first.isid / 2 ** 46)).toBe(2); // ISID type 10b (random)
    expect((await s.execute(1, { cdb: TUR })).status).toBe(0);
  });

  it('follows split (C bit) responses and answers keys the target offers', async () => {
    const t = await fake({
      loginSegment: 7,
      offerKeys: ['MaxOutstandingR2T'],
      settings: { maxOutstandingR2T: 4 },
    });
    const s = await open(t);
    expect(s.params.maxOutstandingR2T).toBe(4);
    expect(s.params.targetMaxRecvDataSegmentLength).toBe(8192);
  });

  it('logs in with mutual CHAP and fails with 0201h on a wrong secret', async () => {
    const chap = {
      user: 'alice',
      secret: 'alice-secret-1',
      mutual: { user: 'fake', secret: 'target-secret-2' },
    };
    const t = await fake({ chap });
    const s = await open(t, {
      chap: { user: 'alice', secret: 'alice-secret-1' },
      mutualChap: { user: 'fake', secret: 'target-secret-2' },
    });
    expect(s.params.authMethod).toBe('CHAP');
    const t2 = await fake({ chap });
    const e = await open(t2, { chap: { user: 'alice', secret: 'nope-nope-nope' } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LoginError);
    expect((e as LoginError).status).toBe(0x0201);
    expect(t2.logins).toHaveLength(3); // AuthMethod, CHAP_A, CHAP_N/CHAP_R: no retry after an auth failure
  });

  it('fails a login the target refuses, without retrying', async () => {
    const t = await fake({ loginStatus: { status: 0x0203 } });
    const e = await open(t).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LoginError);
    expect((e as LoginError).status).toBe(0x0203);
    expect((e as Error).message).toMatch(/not found/);
  });

  it('follows a temporary redirection (0101h) and a permanent one (0102h)', async () => {
    const real = await fake();
    const temp = await fake({
      loginStatus: { status: 0x0101, keys: [['TargetAddress', `127.0.0.1:${real.port},1`]] },
    });
    const s1 = await open(temp);
    expect(real.logins.length).toBeGreaterThan(0);
    expect(s1.address.port).toBe(temp.port);
    const perm = await fake({
      loginStatus: { status: 0x0102, keys: [['TargetAddress', `127.0.0.1:${real.port},1`]] },
    });
    const s2 = await open(perm);
    expect(s2.address.port).toBe(real.port);
    const loop = await fake({ loginStatus: { status: 0x0101, keys: [['TargetAddress', '127.0.0.1']] } });
    loop.opts.loginStatus = { status: 0x0101, keys: [['TargetAddress', `127.0.0.1:${loop.port}`]] };
    await expect(open(loop, { maxRedirects: 2 })).rejects.toThrow(/redirections/);
  });

  it('switches to digests exactly after the final login response', async () => {
    const t = await fake({
      settings: { headerDigest: ['CRC32C'], dataDigest: ['CRC32C'] },
      pingAfterLogin: true,
    });
    const s = await open(t, {
      settings: { headerDigest: ['CRC32C', 'None'], dataDigest: ['CRC32C', 'None'] },
    });
    expect(s.params.headerDigest).toBe('CRC32C');
    await until(() => ofKind(t.last.received, 'nop-out').length > 0);
    const [pong] = ofKind(t.last.received, 'nop-out');
    expect(pong).toMatchObject({ itt: RESERVED_TAG, ttt: 0x77, immediate: true });
    expect(pong.data.toString()).toBe('ping');
    const data = randomBytes(20000);
    expect((await s.execute(1, { cdb: write16(0, 40), dataOut: data.subarray(0, 20480 - 480) })).status).toBe(
      0,
    );
  });

  it('does not negotiate digests on a discovery session and runs SendTargets', async () => {
    const t = await fake({ settings: { headerDigest: ['CRC32C'] } });
    const found = await discoverTargets({
      host: '127.0.0.1',
      port: t.port,
      settings: { headerDigest: ['CRC32C'], dataDigest: ['CRC32C'] },
    });
    expect(found).toEqual([{ targetName: IQN, portals: [{ host: '127.0.0.1', port: t.port, tpgt: 1 }] }]);
    const login = t.logins.find((l) => l.csg === 1);
    expect(login?.data.toString()).toContain('HeaderDigest=None');
    expect(login?.data.toString()).not.toContain('MaxBurstLength');
    expect(t.logins[0].data.toString()).toContain('SessionType=Discovery');
    expect(t.logins[0].data.toString()).not.toContain('TargetName');
    expect(ofKind(t.last.received, 'logout-request')).toHaveLength(1);
  });
});

describe('data transfer', () => {
  it('sends solicited Data-Out per R2T: segments <= target MRDSL, DataSN from 0 per R2T, F on the last', async () => {
    const t = await fake({
      settings: {
        initialR2T: true,
        immediateData: false,
        maxRecvDataSegmentLength: 4096,
        maxBurstLength: 16384,
        maxOutstandingR2T: 2,
      },
    });
    const s = await open(t);
    expect(s.params.maxOutstandingR2T).toBe(2);
    const data = randomBytes(100 * 512);
    expect((await s.execute(1, { cdb: write16(10, 100), dataOut: data })).status).toBe(0);
    expect(t.disk.subarray(10 * 512, 110 * 512).equals(data)).toBe(true);
    const cmd = ofKind(t.last.received, 'scsi-command')[0];
    expect(cmd).toMatchObject({ final: true, write: true, expectedDataTransferLength: data.length });
    expect(cmd.data.length).toBe(0);
    const outs = ofKind(t.last.received, 'data-out');
    expect(outs.every((d) => d.data.length <= 4096 && d.ttt !== RESERVED_TAG)).toBe(true);
    const byTtt = new Map<number, DataOut[]>();
    for (const d of outs) byTtt.set(d.ttt, [...(byTtt.get(d.ttt) ?? []), d]);
    expect(byTtt.size).toBe(Math.ceil(data.length / 16384));
    for (const seq of byTtt.values()) {
      expect(seq.map((d) => d.dataSN)).toEqual(seq.map((_, i) => i));
      expect(seq.map((d) => d.final)).toEqual(seq.map((_, i) => i === seq.length - 1));
    }
  });

  it('sends immediate data and unsolicited Data-Out up to FirstBurstLength, the rest on R2T', async () => {
    const t = await fake({
      settings: {
        initialR2T: false,
        immediateData: true,
        firstBurstLength: 10000,
        maxRecvDataSegmentLength: 4096,
      },
    });
    const s = await open(t);
    const data = randomBytes(50000);
    expect((await s.execute(1, { cdb: write16(0, 98), dataOut: data })).status).toBe(0);
    expect(t.writes[0].data.equals(data)).toBe(true);
    const cmd = ofKind(t.last.received, 'scsi-command')[0];
    expect(cmd.final).toBe(false);
    expect(cmd.data.equals(data.subarray(0, 4096))).toBe(true);
    const unsolicited = ofKind(t.last.received, 'data-out').filter((d) => d.ttt === RESERVED_TAG);
    expect(unsolicited.map((d) => [d.bufferOffset, d.data.length, d.dataSN, d.final])).toEqual([
      [4096, 4096, 0, false],
      [8192, 1808, 1, true],
    ]);
    // A write that fits in the immediate data: F=1 and nothing else.
    const small = randomBytes(2048);
    expect((await s.execute(1, { cdb: write16(0, 4), dataOut: small })).status).toBe(0);
    const last = ofKind(t.last.received, 'scsi-command').pop();
    expect(last?.final).toBe(true);
    expect(last?.data.equals(small)).toBe(true);
  });

  it('reassembles multi-PDU Data-In with status on the last one and reports the underflow residual', async () => {
    const t = await fake();
    const s = await open(t, { settings: { maxRecvDataSegmentLength: 1024 } });
    randomBytes(8192).copy(t.disk, 0);
    const r = await s.execute(1, { cdb: read16(0, 16), dataInLength: 12000 });
    expect(r.status).toBe(0);
    expect(r.dataIn.equals(t.disk.subarray(0, 8192))).toBe(true);
    expect(r.residual).toBe(12000 - 8192);
    expect(ofKind(t.last.received, 'scsi-command')[0].read).toBe(true);
  });

  it('returns data and sense together (tape READ with ILI)', async () => {
    const sense = Buffer.from('f0000020000003e80a000000000000000000', 'hex');
    const t = await fake({
      hook: (c, pdu) => {
        if (pdu.kind !== 'scsi-command' || pdu.cdb[0] !== 0x08) return false;
        c.send(
          {
            kind: 'data-in',
            final: true,
            acknowledge: false,
            residualOverflow: false,
            residualUnderflow: false,
            statusPresent: false,
            status: 0,
            lun: pdu.lun,
            itt: pdu.itt,
            ttt: RESERVED_TAG,
            statSN: 0,
            expCmdSN: 0,
            maxCmdSN: 0,
            dataSN: 0,
            bufferOffset: 0,
            residualCount: 0,
            data: Buffer.alloc(1000, 0xab),
          },
          false,
        );
        c.respond(pdu.itt, 2, sense, 1000);
        return true;
      },
    });
    const s = await open(t);
    const r = await s.execute(1, { cdb: Buffer.from([0x08, 0, 0, 0x07, 0xd0, 0]), dataInLength: 2000 });
    expect(r).toEqual({ status: 2, sense, dataIn: Buffer.alloc(1000, 0xab), residual: 1000 });
  });

  it('sends CDBs longer than 16 bytes in an Extended CDB AHS', async () => {
    const t = await fake();
    const s = await open(t);
    const cdb = Buffer.alloc(32, 1);
    cdb[0] = 0x7f;
    cdb[7] = 24;
    expect((await s.execute(1, { cdb })).status).toBe(0);
    expect(ofKind(t.last.received, 'scsi-command')[0].cdb).toEqual(cdb);
  });

  it('rejects bad arguments', async () => {
    const t = await fake();
    const s = await open(t);
    await expect(s.execute(1, { cdb: Buffer.alloc(0) })).rejects.toThrow(RangeError);
    await expect(s.execute(1, { cdb: TUR, dataInLength: -1 })).rejects.toThrow(RangeError);
    await expect(s.execute(20000, { cdb: TUR })).rejects.toThrow(RangeError);
  });
});

describe('command sequencing', () => {
  it('never sends a CmdSN beyond MaxCmdSN and keeps the queue depth', async () => {
    const violations: string[] = [];
    const t = await fake({
      window: 2,
      hook: (c, pdu) => {
        if (pdu.kind !== 'scsi-command') return false;
        if (!serialLe(pdu.cmdSN, c.advertisedMaxCmdSN))
          violations.push(`cmdSN ${pdu.cmdSN} > ${c.advertisedMaxCmdSN}`);
        setTimeout(() => c.respond(pdu.itt, 0, Buffer.alloc(0)), 5);
        return true;
      },
    });
    const s = await open(t, { queueDepth: 8 });
    const results = await Promise.all(Array.from({ length: 20 }, () => s.execute(1, { cdb: TUR })));
    expect(results.every((r) => r.status === 0)).toBe(true);
    expect(violations).toEqual([]);
    const sns = ofKind(t.last.received, 'scsi-command').map((c) => c.cmdSN);
    expect(sns).toEqual(sns.map((_, i) => sns[0] + i));
  });

  it('waits while the window is closed and resumes when a NOP-In opens it', async () => {
    const t = await fake({ window: 0 });
    const s = await open(t);
    const p = s.execute(1, { cdb: TUR });
    await sleep(50);
    expect(ofKind(t.last.received, 'scsi-command')).toHaveLength(0);
    expect(s.outstanding.queued).toBe(1);
    t.opts.window = 4;
    t.last.send(
      {
        kind: 'nop-in',
        lun: 0n,
        itt: RESERVED_TAG,
        ttt: RESERVED_TAG,
        statSN: 0,
        expCmdSN: 0,
        maxCmdSN: 0,
        data: Buffer.alloc(0),
      },
      false,
    );
    expect((await p).status).toBe(0);
  });

  it('limits outstanding commands to the queue depth', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const t = await fake({
      hook: (c, pdu) => {
        if (pdu.kind !== 'scsi-command') return false;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        setTimeout(() => {
          inFlight--;
          c.respond(pdu.itt, 0, Buffer.alloc(0));
        }, 3);
        return true;
      },
    });
    const s = await open(t, { queueDepth: 3 });
    await Promise.all(Array.from({ length: 12 }, () => s.execute(1, { cdb: TUR })));
    expect(maxInFlight).toBe(3);
  });
});

describe('NOP, task management and errors', () => {
  it('answers target NOP-In pings with the TTT and ping data', async () => {
    const t = await fake();
    const s = await open(t);
    t.last.send(
      {
        kind: 'nop-in',
        lun: 0n,
        itt: RESERVED_TAG,
        ttt: 0x55,
        statSN: 0,
        expCmdSN: 0,
        maxCmdSN: 0,
        data: Buffer.from('abc'),
      },
      false,
    );
    await until(() => ofKind(t.last.received, 'nop-out').length === 1);
    const [n] = ofKind(t.last.received, 'nop-out');
    expect(n).toMatchObject({ itt: RESERVED_TAG, ttt: 0x55, immediate: true });
    expect(n.data.toString()).toBe('abc');
    expect(await s.ping()).toBeGreaterThanOrEqual(0);
  });

  it('pings an idle connection and reconnects when the ping is not answered', async () => {
    let swallow = true;
    const t = await fake({ hook: (_c, pdu) => pdu.kind === 'nop-out' && swallow });
    const s = await open(t, { nopIntervalMs: 60, nopTimeoutMs: 100 });
    const isid = s.isid;
    await until(() => t.connections.length === 2, 3000);
    swallow = false;
    await s.waitForRecovery();
    const second = t.logins.filter((l) => l.csg === 0)[1];
    expect(second.isid).toBe(isid);
    expect(second.tsih).toBe(0); // session reinstatement (RFC 7143 6.3.5)
    expect((await s.execute(1, { cdb: TUR })).status).toBe(0);
  });

  it('aborts a command that times out (ABORT TASK with its ITT and CmdSN) and rejects with TransportTimeoutError', async () => {
    const t = await fake({ hook: (_c, pdu) => pdu.kind === 'scsi-command' && pdu.cdb[0] === 0x88 });
    const s = await open(t);
    const e = await s
      .execute(1, { cdb: read16(0, 1), dataInLength: 512, timeoutMs: 80 })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransportTimeoutError);
    expect((e as TransportError).mayHaveExecuted).toBe(true);
    const cmd = ofKind(t.last.received, 'scsi-command').find((c) => c.cdb[0] === 0x88) as ScsiCommand;
    const [tmf] = ofKind(t.last.received, 'task-management-request');
    expect(tmf).toMatchObject({
      function: TmfFunction.AbortTask,
      immediate: true,
      referencedTaskTag: cmd.itt,
      refCmdSN: cmd.cmdSN,
    } satisfies Partial<TaskManagementRequest>);
    expect((await s.execute(1, { cdb: TUR })).status).toBe(0);
  });

  it('LOGICAL UNIT RESET and ABORT TASK SET fail the affected commands', async () => {
    const t = await fake({ hook: (_c, pdu) => pdu.kind === 'scsi-command' && pdu.cdb[0] === 0x88 });
    const s = await open(t, { queueDepth: 1 });
    const a = s.execute(1, { cdb: read16(0, 1), dataInLength: 512 }).catch((x: unknown) => x);
    await until(() => s.outstanding.inFlight === 1);
    await s.logicalUnitReset(1);
    const ea = await a;
    expect(ea).toBeInstanceOf(TransportError);
    expect((ea as Error).message).toMatch(/LOGICAL UNIT RESET/);

    const transport = await IscsiTransport.forLun(s, 1);
    const inflight = s.execute(1, { cdb: read16(0, 1), dataInLength: 512 }).catch((x: unknown) => x);
    const queued = s.execute(1, { cdb: read16(0, 1), dataInLength: 512 }).catch((x: unknown) => x);
    await until(() => s.outstanding.inFlight === 1 && s.outstanding.queued === 1);
    await transport.abort();
    expect(((await inflight) as TransportError).mayHaveExecuted).toBe(true);
    expect(((await queued) as TransportError).mayHaveExecuted).toBe(false);
    const fns = ofKind(t.last.received, 'task-management-request').map((x) => x.function);
    expect(fns).toEqual([TmfFunction.LogicalUnitReset, TmfFunction.AbortTaskSet]);
    await s.targetWarmReset();
    await transport.close();
    expect(s.isOpen).toBe(true);
  });

  it('TARGET COLD RESET: the target drops the connection afterwards and the session logs in again', async () => {
    const t = await fake({
      hook: (c, pdu) => {
        if (pdu.kind !== 'task-management-request' || pdu.function !== TmfFunction.TargetColdReset)
          return false;
        c.send({
          kind: 'task-management-response',
          response: 0,
          itt: pdu.itt,
          statSN: 0,
          expCmdSN: 0,
          maxCmdSN: 0,
        });
        setTimeout(() => c.close(), 5);
        return true;
      },
    });
    const s = await open(t);
    await s.targetColdReset();
    const [tmf] = ofKind(t.last.received, 'task-management-request');
    expect(tmf.lun).toBe(0n);
    await until(() => t.connections.length === 2);
    await s.waitForRecovery();
    expect((await s.execute(1, { cdb: TUR })).status).toBe(0);
  });

  it('a TMF the target refuses is reported with its response code', async () => {
    const t = await fake({
      hook: (c, pdu) => {
        if (pdu.kind !== 'task-management-request') return false;
        c.send({
          kind: 'task-management-response',
          response: 5,
          itt: pdu.itt,
          statSN: 0,
          expCmdSN: 0,
          maxCmdSN: 0,
        });
        return true;
      },
    });
    const s = await open(t);
    await expect(s.targetWarmReset()).rejects.toThrow(/TMF response 5/);
    expect(await s.taskManagement(TmfFunction.ClearTaskSet, 1)).toBe(5);
  });

  it('Text responses continued with F=0/C=1 are fetched with the TTT', async () => {
    const t = await fake({
      hook: (c, pdu) => {
        if (pdu.kind !== 'text-request') return false;
        const all = Buffer.from(
          'TargetName=iqn.a\0TargetAddress=10.0.0.1:3260,1\0TargetAddress=[fe80::1]:3261,2\0TargetName=iqn.b\0',
          'latin1',
        );
        const first = pdu.ttt === RESERVED_TAG;
        c.send({
          kind: 'text-response',
          final: !first,
          continue: first,
          lun: 0n,
          itt: pdu.itt,
          ttt: first ? 0x99 : RESERVED_TAG,
          statSN: 0,
          expCmdSN: 0,
          maxCmdSN: 0,
          data: first ? all.subarray(0, 30) : all.subarray(30),
        });
        return true;
      },
    });
    const s = await open(t);
    expect(await s.sendTargets()).toEqual([
      {
        targetName: 'iqn.a',
        portals: [
          { host: '10.0.0.1', port: 3260, tpgt: 1 },
          { host: 'fe80::1', port: 3261, tpgt: 2 },
        ],
      },
      { targetName: 'iqn.b', portals: [] },
    ]);
    const reqs = ofKind(t.last.received, 'text-request');
    expect(reqs).toHaveLength(2);
    expect(reqs[1]).toMatchObject({ ttt: 0x99, itt: reqs[0].itt, cmdSN: reqs[0].cmdSN + 1 });
    expect(reqs[1].data.length).toBe(0);
  });

  it('a Reject of the command rejects it as not executed', async () => {
    const t = await fake({
      hook: (c, pdu) => {
        if (pdu.kind !== 'scsi-command' || pdu.cdb[0] !== 0x88) return false;
        c.send({
          kind: 'reject',
          reason: 9,
          statSN: 0,
          expCmdSN: 0,
          maxCmdSN: 0,
          dataSN: 0,
          data: encodePdu(pdu).header.subarray(0, 48),
        });
        return true;
      },
    });
    const s = await open(t);
    const e = await s.execute(1, { cdb: read16(0, 1), dataInLength: 512 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransportError);
    expect((e as TransportError).mayHaveExecuted).toBe(false);
    expect((e as Error).message).toMatch(/reason 0x9/);
  });

  it('after a lost connection, retries INQUIRY once and fails a WRITE; the new login reinstates the session', async () => {
    let drop = true;
    const t = await fake({
      hook: (c, pdu) => {
        if (!drop || pdu.kind !== 'scsi-command') return false;
        if (ofKind(c.received, 'scsi-command').length === 2) {
          drop = false;
          c.close();
        }
        return true;
      },
    });
    const s = await open(t);
    const isid = s.isid;
    const inquiry = s.execute(1, { cdb: Buffer.from([0x12, 0, 0, 0, 36, 0]), dataInLength: 36 });
    const write = s.execute(1, { cdb: write16(0, 1), dataOut: Buffer.alloc(512) }).catch((x: unknown) => x);
    const w = await write;
    expect(w).toBeInstanceOf(TransportError);
    expect((w as TransportError).mayHaveExecuted).toBe(true);
    expect((await inquiry).status).toBe(0);
    expect(s.deviceType(1)).toBe(0);
    expect(t.connections).toHaveLength(2);
    const second = t.connections[1].logins[0];
    expect(second.isid).toBe(isid);
    expect(second.tsih).toBe(0);
  });

  it('a protocol error (wrong DataSN) drops the connection and the session recovers', async () => {
    let bad = true;
    const t = await fake({
      hook: (c, pdu) => {
        if (!bad || pdu.kind !== 'scsi-command' || pdu.cdb[0] !== 0x88) return false;
        bad = false;
        c.send(
          {
            kind: 'data-in',
            final: true,
            acknowledge: false,
            residualOverflow: false,
            residualUnderflow: false,
            statusPresent: true,
            status: 0,
            lun: pdu.lun,
            itt: pdu.itt,
            ttt: RESERVED_TAG,
            statSN: 0,
            expCmdSN: 0,
            maxCmdSN: 0,
            dataSN: 5,
            bufferOffset: 0,
            residualCount: 0,
            data: Buffer.alloc(512),
          },
          true,
        );
        return true;
      },
    });
    const s = await open(t);
    const e = await s.execute(1, { cdb: read16(0, 1), dataInLength: 512 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransportError);
    await s.waitForRecovery();
    expect(t.connections).toHaveLength(2);
    expect((await s.execute(1, { cdb: read16(0, 1), dataInLength: 512 })).status).toBe(0);
  });

  it('the target asking for logout (async event 1): the initiator logs out and logs in again', async () => {
    const t = await fake();
    const s = await open(t);
    const first = t.last;
    first.send({
      kind: 'async-message',
      lun: 0n,
      statSN: 0,
      expCmdSN: 0,
      maxCmdSN: 0,
      asyncEvent: 1,
      asyncVCode: 0,
      parameter1: 0,
      parameter2: 0,
      parameter3: 2,
      senseData: Buffer.alloc(0),
      eventData: Buffer.alloc(0),
    });
    await until(() => t.connections.length === 2);
    await s.waitForRecovery();
    expect(ofKind(first.received, 'logout-request')).toEqual([
      expect.objectContaining({ reasonCode: 0, immediate: true }),
    ]);
    expect((await s.execute(1, { cdb: TUR })).status).toBe(0);
  });

  it('delivers SCSI async events and fails the session when reconnection is impossible', async () => {
    const events: number[] = [];
    const t = await fake();
    const s = await open(t, { onAsyncEvent: (m) => events.push(m.asyncEvent), reconnectAttempts: 2 });
    t.last.send({
      kind: 'async-message',
      lun: 0n,
      statSN: 0,
      expCmdSN: 0,
      maxCmdSN: 0,
      asyncEvent: 0,
      asyncVCode: 0,
      parameter1: 0,
      parameter2: 0,
      parameter3: 0,
      senseData: Buffer.from('70000600000000000000000029000000', 'hex'),
      eventData: Buffer.alloc(0),
    });
    await until(() => events.length === 1);
    // Stop accepting connections, then drop the one in use.
    const closed = new Promise<void>((r) => t.server.close(() => r()));
    t.last.close();
    await closed;
    const e = await s.execute(1, { cdb: TUR }).catch((x: unknown) => x);
    await s.waitForRecovery();
    expect(e).toBeInstanceOf(TransportError);
    expect((e as TransportError).mayHaveExecuted).toBe(false);
    expect(s.isOpen).toBe(false);
    await expect(s.execute(1, { cdb: TUR })).rejects.toThrow(/closed/);
  });

  it('close() logs out and fails queued commands as not executed', async () => {
    const t = await fake({ window: 0 });
    const s = await open(t);
    const p = s.execute(1, { cdb: TUR }).catch((x: unknown) => x);
    await s.close();
    expect(((await p) as TransportError).mayHaveExecuted).toBe(false);
    expect(ofKind(t.last.received, 'logout-request')).toHaveLength(1);
    await expect(s.ping()).rejects.toThrow(TransportError);
  });
});

describe('IscsiTransport', () => {
  it('opens from a URL with CHAP credentials and digest choice, and reports the device type', async () => {
    const t = await fake({
      chap: { user: 'u1', secret: 'secret-of-u1' },
      deviceType: 1,
      settings: { headerDigest: ['CRC32C', 'None'] },
    });
    const tr = await IscsiTransport.open(
      `iscsi://u1%secret-of-u1@127.0.0.1:${t.port}/${IQN}/1?header_digest=crc32c-none`,
      {
        nopIntervalMs: 0,
      },
    );
    expect(tr.deviceType).toBe(1);
    expect(tr.session.params.headerDigest).toBe('CRC32C');
    expect(tr.address).toBe(`iscsi://u1%***@127.0.0.1:${t.port}/${IQN}/1?header_digest=crc32c-none`);
    expect((await tr.execute({ cdb: TUR })).status).toBe(0);
    await tr.close();
    await expect(tr.execute({ cdb: TUR })).rejects.toThrow(TransportError);
    expect(ofKind(t.last.received, 'logout-request')).toHaveLength(1);
  });

  it('refuses a LUN without a logical unit', async () => {
    const t = await fake();
    await expect(
      IscsiTransport.open(`iscsi://127.0.0.1:${t.port}/${IQN}/3`, { nopIntervalMs: 0 }),
    ).rejects.toThrow(/no logical unit/);
  });
});

describe('retry policy', () => {
  it('retries inquiry-type commands always and READs only on disks', () => {
    expect(defaultRetryable(Buffer.from([0x12]), undefined)).toBe(true);
    expect(defaultRetryable(Buffer.from([0x00]), undefined)).toBe(true);
    expect(defaultRetryable(Buffer.from([0x25]), undefined)).toBe(true);
    expect(defaultRetryable(Buffer.from([0xa0]), undefined)).toBe(true);
    expect(defaultRetryable(Buffer.from([0x9e, 0x10]), undefined)).toBe(true);
    expect(defaultRetryable(Buffer.from([0x9e, 0x12]), undefined)).toBe(false);
    expect(defaultRetryable(Buffer.from([0x88]), 0)).toBe(true);
    expect(defaultRetryable(Buffer.from([0x88]), 1)).toBe(false);
    expect(defaultRetryable(Buffer.from([0x08]), undefined)).toBe(false);
    expect(defaultRetryable(Buffer.from([0x8a]), 0)).toBe(false);
  });
});

describe('connection failures', () => {
  it('a refused connection is a TransportError that executed nothing', async () => {
    const t = await fake();
    const port = t.port;
    await t.stop();
    const e = await IscsiSession.open({ host: '127.0.0.1', port, targetName: IQN }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransportError);
    expect((e as TransportError).mayHaveExecuted).toBe(false);
  });

  it('garbage or silence during login fails the login with TransportError', async () => {
    const sockets: net.Socket[] = [];
    const garbage = net.createServer((s) => {
      sockets.push(s);
      s.write(Buffer.alloc(48, 0x3c));
    });
    const silent = net.createServer((s) => sockets.push(s));
    for (const srv of [garbage, silent]) {
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      const start = Date.now();
      const e = await IscsiSession.open({
        host: '127.0.0.1',
        port,
        targetName: IQN,
        responseTimeoutMs: 200,
      }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(TransportError);
      expect(Date.now() - start).toBeLessThan(2000);
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });
});
