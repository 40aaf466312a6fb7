// Full feature phase of the emulated iSCSI target with raw PDUs: CmdSN window, Data-In
// segmentation, immediate/unsolicited/R2T data-out, residuals, sense, task management,
// Reject of malformed PDUs while other sessions keep working.
import {
  RESERVED_TAG,
  lunFromNumber,
  serializePdu,
  TmfFunction,
  type DataOut,
  type ScsiCommand,
} from '../../targets/iscsi/pdu';
import { T1, type RawIscsiClient } from './iscsi-raw-client';
import { useTestTarget } from './iscsi-test-target';

const shared = useTestTarget();

async function session(settings: Parameters<RawIscsiClient['login']>[0] = {}): Promise<RawIscsiClient> {
  const c = await shared.connect();
  const r = await c.login({ targetName: T1, ...settings });
  expect(r.status).toBe(0);
  await c.clearUnitAttention(0);
  await c.clearUnitAttention(1);
  return c;
}

function u32(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function read10(lba: number, blocks: number): string {
  return `28 00 ${u32(lba)} 00 ${blocks.toString(16).padStart(4, '0')} 00`;
}

function write10(lba: number, blocks: number): string {
  return `2a 00 ${u32(lba)} 00 ${blocks.toString(16).padStart(4, '0')} 00`;
}

function pattern(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

/**
 * A SCSI Command PDU for LUN 0 (simple task attribute, F=1, no immediate data): a write of
 * `writeLength` bytes when that is above 0, otherwise a command without data.
 */
function scsiCommand(
  c: RawIscsiClient,
  o: { itt: number; cmdSN: number; cdb: Buffer; writeLength?: number },
): ScsiCommand {
  const writeLength = o.writeLength ?? 0;
  return {
    kind: 'scsi-command',
    immediate: false,
    final: true,
    read: false,
    write: writeLength > 0,
    attr: 1,
    lun: 0n,
    itt: o.itt,
    expectedDataTransferLength: writeLength,
    cmdSN: o.cmdSN,
    expStatSN: c.expStatSN,
    cdb: o.cdb,
    data: Buffer.alloc(0),
  };
}

/** TEST UNIT READY on LUN 0 with the given CmdSN and ITT, sent without waiting for its response. */
function sendTur(c: RawIscsiClient, cmdSN: number, itt: number): void {
  c.send(scsiCommand(c, { itt, cmdSN, cdb: Buffer.alloc(16) }));
}

/** A Data-Out PDU for LUN 0 answering the R2T with target transfer tag `ttt`. */
function dataOut(
  c: RawIscsiClient,
  o: { itt: number; ttt: number; dataSN: number; bufferOffset: number; data: Buffer; final: boolean },
): DataOut {
  return {
    kind: 'data-out',
    final: o.final,
    lun: 0n,
    itt: o.itt,
    ttt: o.ttt,
    expStatSN: c.expStatSN,
    dataSN: o.dataSN,
    bufferOffset: o.bufferOffset,
    data: o.data,
  };
}

describe('commands and status', () => {
  it('the first command of a new nexus gets 29h/00h in a SCSI Response with ExpCmdSN/MaxCmdSN', async () => {
    const c = await shared.connect();
    await c.login({ targetName: T1 });
    const r = await c.scsi({ cdb: '00 00 00 00 00 00' });
    expect(r.status).toBe(2);
    expect(r.sense.subarray(0, 3)).toEqual(Buffer.from([0x70, 0x00, 0x06]));
    expect(r.sense[12]).toBe(0x29);
    expect(r.response?.expCmdSN).toBe(2);
    expect(r.response?.maxCmdSN).toBe(129);
    const ok = await c.scsi({ cdb: '00 00 00 00 00 00' });
    expect(ok.status).toBe(0);
    expect(ok.response?.statSN).toBe(((r.response?.statSN ?? 0) + 1) >>> 0);
  });

  it('REPORT LUNS is answered from the target LUN map; a missing LUN is 05h/25h/00h', async () => {
    const c = await session();
    const r = await c.scsi({ cdb: 'a0 00 00 00 00 00 00 00 01 00 00 00', read: 256 });
    expect(r.data).toEqual(Buffer.from('0000001000000000' + '0000000000000000' + '0001000000000000', 'hex'));
    expect(r.residualUnderflow).toBe(true);
    expect(r.residualCount).toBe(256 - 24);
    const inq = await c.scsi({ lun: 9, cdb: '12 00 00 00 24 00', read: 36 });
    expect(inq.data[0]).toBe(0x7f);
    const tur = await c.scsi({ lun: 9, cdb: '00 00 00 00 00 00' });
    expect(tur.status).toBe(2);
    expect([tur.sense[2], tur.sense[12], tur.sense[13]]).toEqual([0x05, 0x25, 0x00]);
  });

  it('NOP-Out is echoed in a NOP-In with the same ITT and data', async () => {
    const c = await session();
    const itt = c.itt();
    c.send({
      kind: 'nop-out',
      immediate: true,
      lun: 0n,
      itt,
      ttt: RESERVED_TAG,
      cmdSN: c.cmdSN,
      expStatSN: c.expStatSN,
      data: Buffer.from('ping!'),
    });
    const r = await c.next('nop-in', (p) => p.itt === itt);
    expect(r.ttt).toBe(RESERVED_TAG);
    expect(r.data.toString()).toBe('ping!');
  });
});

describe('Data-In', () => {
  it('is cut to the initiator MaxRecvDataSegmentLength with F at MaxBurstLength and status in the last PDU', async () => {
    const c = await session({
      settings: { maxRecvDataSegmentLength: 4096, maxBurstLength: 16384, firstBurstLength: 16384 },
    });
    const data = pattern(65536, 3);
    expect((await c.scsi({ cdb: write10(100, 128), write: data })).status).toBe(0);
    const r = await c.scsi({ cdb: read10(100, 128), read: 65536 });
    expect(r.data).toEqual(data);
    expect(r.response).toBeUndefined();
    expect(r.dataIns).toHaveLength(16);
    r.dataIns.forEach((d, i) => {
      expect(d.dataSN).toBe(i);
      expect(d.bufferOffset).toBe(i * 4096);
      expect(d.data.length).toBe(4096);
      expect(d.final).toBe(i % 4 === 3);
      expect(d.statusPresent).toBe(i === 15);
    });
    expect(r.dataIns[15].status).toBe(0);
  });

  it('reports overflow when the EDTL is shorter than the data, underflow when longer', async () => {
    const c = await session();
    const over = await c.scsi({ cdb: read10(0, 2), read: 512 });
    expect(over.data.length).toBe(512);
    expect([over.residualOverflow, over.residualUnderflow, over.residualCount]).toEqual([true, false, 512]);
    const under = await c.scsi({ cdb: read10(0, 1), read: 10000 });
    expect(under.data.length).toBe(512);
    expect([under.residualOverflow, under.residualUnderflow, under.residualCount]).toEqual([
      false,
      true,
      9488,
    ]);
    const none = await c.scsi({ cdb: read10(0, 1), read: 0, edtl: 0 });
    expect([none.status, none.residualOverflow, none.residualCount]).toEqual([0, true, 512]);
  });

  it('CHECK CONDITION comes in a SCSI Response with the sense and no Data-In', async () => {
    const c = await session();
    const r = await c.scsi({ cdb: read10(0xffffff00, 1), read: 512 });
    expect(r.dataIns).toHaveLength(0);
    expect(r.status).toBe(2);
    expect([r.sense[2], r.sense[12]]).toEqual([0x05, 0x21]);
  });
});

describe('Data-Out', () => {
  it('immediate data, then R2Ts of MaxBurstLength with at most MaxOutstandingR2T outstanding', async () => {
    const c = await session({
      settings: {
        immediateData: true,
        initialR2T: true,
        firstBurstLength: 65536,
        maxBurstLength: 65536,
        maxOutstandingR2T: 2,
      },
    });
    const data = pattern(262144, 7);
    const w = await c.scsi({ cdb: write10(1000, 512), write: data });
    expect(w.status).toBe(0);
    expect(w.r2ts.map((r) => [r.r2tSN, r.bufferOffset, r.desiredDataTransferLength])).toEqual([
      [0, 65536, 65536],
      [1, 131072, 65536],
      [2, 196608, 65536],
    ]);
    expect(w.response?.expDataSN).toBe(3);
    expect((await c.scsi({ cdb: read10(1000, 512), read: 262144 })).data).toEqual(data);
  });

  it('never has more than MaxOutstandingR2T R2Ts outstanding', async () => {
    const c = await session({
      settings: { immediateData: false, initialR2T: true, maxBurstLength: 8192, maxOutstandingR2T: 2 },
    });
    const itt = c.itt();
    c.send(
      scsiCommand(c, {
        itt,
        cmdSN: c.cmdSN++,
        cdb: Buffer.from('2a000000030000004000000000000000', 'hex'),
        writeLength: 32768,
      }),
    );
    const got = await c.quiet(200);
    expect(got.map((p) => (p.kind === 'r2t' ? [p.r2tSN, p.bufferOffset] : p.kind))).toEqual([
      [0, 0],
      [1, 8192],
    ]);
    const first = got[0];
    if (first.kind !== 'r2t') throw new Error('expected an R2T');
    c.sendData(itt, 0n, first.ttt, Buffer.alloc(32768, 4), 0, 8192);
    const third = await c.next('r2t', (p) => p.itt === itt);
    expect([third.r2tSN, third.bufferOffset, third.desiredDataTransferLength]).toEqual([2, 16384, 8192]);
    expect(await c.quiet(100)).toEqual([]);
  });

  it('unsolicited Data-Out up to FirstBurstLength when InitialR2T=No and ImmediateData=No', async () => {
    const c = await session({
      settings: { immediateData: false, initialR2T: false, firstBurstLength: 16384, maxBurstLength: 32768 },
    });
    const data = pattern(65536, 9);
    const w = await c.scsi({ cdb: write10(2000, 128), write: data });
    expect(w.status).toBe(0);
    expect(w.r2ts.map((r) => [r.bufferOffset, r.desiredDataTransferLength])).toEqual([
      [16384, 32768],
      [49152, 16384],
    ]);
    expect((await c.scsi({ cdb: read10(2000, 128), read: 65536 })).data).toEqual(data);
  });

  it('write residuals: EDTL above the CDB length is underflow, below it overflow (only EDTL bytes written)', async () => {
    const c = await session();
    await c.scsi({ cdb: write10(50, 2), write: Buffer.alloc(1024, 0x61) });
    const under = await c.scsi({ cdb: write10(50, 1), write: Buffer.alloc(1024, 0x62) });
    expect([under.status, under.residualUnderflow, under.residualCount]).toEqual([0, true, 512]);
    const over = await c.scsi({ cdb: write10(51, 2), write: Buffer.alloc(512, 0x63) });
    expect([over.status, over.residualOverflow, over.residualCount]).toEqual([0, true, 512]);
    const back = (await c.scsi({ cdb: read10(50, 3), read: 1536 })).data;
    expect(back).toEqual(
      Buffer.concat([Buffer.alloc(512, 0x62), Buffer.alloc(512, 0x63), Buffer.alloc(512, 0)]),
    );
  });

  it('a wrong DataSN ends the task with ABORTED COMMAND, DATA PHASE ERROR (0Bh/4Bh/00h)', async () => {
    const c = await session({ settings: { immediateData: false, initialR2T: true } });
    const itt = c.itt();
    c.send(
      scsiCommand(c, {
        itt,
        cmdSN: c.cmdSN,
        cdb: Buffer.from('2a000000000000000200000000000000', 'hex'),
        writeLength: 1024,
      }),
    );
    c.cmdSN++;
    const r2t = await c.next('r2t', (p) => p.itt === itt);
    c.send(
      dataOut(c, { itt, ttt: r2t.ttt, dataSN: 1, bufferOffset: 0, data: Buffer.alloc(512), final: false }),
    );
    const resp = await c.next('scsi-response', (p) => p.itt === itt);
    expect(resp.status).toBe(2);
    expect([resp.senseData[2], resp.senseData[12], resp.senseData[13]]).toEqual([0x0b, 0x4b, 0x00]);
    // Late data for the finished task is dropped without a Reject.
    c.send(
      dataOut(c, { itt, ttt: r2t.ttt, dataSN: 1, bufferOffset: 512, data: Buffer.alloc(512), final: true }),
    );
    expect(await c.quiet(150)).toEqual([]);
    expect((await c.scsi({ cdb: '00 00 00 00 00 00' })).status).toBe(0);
  });
});

describe('CmdSN window', () => {
  it('ignores a command above MaxCmdSN and below ExpCmdSN; holds one that arrives early', async () => {
    const c = await session();
    const exp = c.cmdSN;
    sendTur(c, (exp + 128) >>> 0, 900); // MaxCmdSN + 1
    sendTur(c, (exp - 1) >>> 0, 901); // below ExpCmdSN
    expect(await c.quiet(200)).toEqual([]);
    sendTur(c, (exp + 1) >>> 0, 902); // arrives before exp
    expect(await c.quiet(100)).toEqual([]);
    sendTur(c, exp, 903);
    const a = await c.next('scsi-response', (p) => p.itt === 903);
    const b = await c.next('scsi-response', (p) => p.itt === 902);
    expect(a.statSN).toBe((b.statSN - 1) >>> 0);
    expect(b.expCmdSN).toBe((exp + 2) >>> 0);
    c.cmdSN = (exp + 2) >>> 0;
  });
});

describe('task management', () => {
  function tmf(c: RawIscsiClient, fn: number, ref = RESERVED_TAG, lun = 0, refCmdSN = 0): number {
    const itt = c.itt();
    c.send({
      kind: 'task-management-request',
      immediate: true,
      function: fn,
      lun: lunFromNumber(lun),
      itt,
      referencedTaskTag: ref,
      cmdSN: c.cmdSN,
      expStatSN: c.expStatSN,
      refCmdSN,
      expDataSN: 0,
    });
    return itt;
  }

  it('ABORT TASK of a write waiting for data: Function Complete and no response for the task', async () => {
    const c = await session({ settings: { immediateData: false, initialR2T: true } });
    const itt = c.itt();
    const cmdSN = c.cmdSN++;
    c.send(
      scsiCommand(c, {
        itt,
        cmdSN,
        cdb: Buffer.from('2a000000000000000800000000000000', 'hex'),
        writeLength: 4096,
      }),
    );
    const r2t = await c.next('r2t', (p) => p.itt === itt);
    const a = tmf(c, TmfFunction.AbortTask, itt, 0, cmdSN);
    expect((await c.next('task-management-response', (p) => p.itt === a)).response).toBe(0);
    c.send(
      dataOut(c, { itt, ttt: r2t.ttt, dataSN: 0, bufferOffset: 0, data: Buffer.alloc(4096), final: true }),
    );
    expect(await c.quiet(200)).toEqual([]);
  });

  it('ABORT TASK that overtakes its command: the CmdSN counts as received, the command is dropped later', async () => {
    const c = await session();
    const n = c.cmdSN;
    sendTur(c, (n + 1) >>> 0, 701); // waits for CmdSN n
    expect(await c.quiet(100)).toEqual([]);
    const a = tmf(c, TmfFunction.AbortTask, 700, 0, n);
    expect((await c.next('task-management-response', (p) => p.itt === a)).response).toBe(0);
    const held = await c.next('scsi-response', (p) => p.itt === 701);
    expect(held.expCmdSN).toBe((n + 2) >>> 0);
    sendTur(c, n, 700); // the aborted command arrives late: below ExpCmdSN, ignored
    expect(await c.quiet(150)).toEqual([]);
    c.cmdSN = (n + 2) >>> 0;
    expect((await c.scsi({ cdb: '00 00 00 00 00 00' })).status).toBe(0);
  });

  it('CLEAR TASK SET completes; ABORT TASK SET on a missing LUN is LUN Does Not Exist', async () => {
    const c = await session();
    const a = tmf(c, TmfFunction.ClearTaskSet);
    expect((await c.next('task-management-response', (p) => p.itt === a)).response).toBe(0);
    const b = tmf(c, TmfFunction.AbortTaskSet, RESERVED_TAG, 44);
    expect((await c.next('task-management-response', (p) => p.itt === b)).response).toBe(2);
    const x = tmf(c, 0x7f);
    expect((await c.next('task-management-response', (p) => p.itt === x)).response).toBe(255);
  });

  it('ABORT TASK of a finished or unknown task is Task Does Not Exist', async () => {
    const c = await session();
    const cmdSN = c.cmdSN;
    await c.scsi({ cdb: '00 00 00 00 00 00' });
    const a = tmf(c, TmfFunction.AbortTask, 0x1234, 0, cmdSN);
    expect((await c.next('task-management-response', (p) => p.itt === a)).response).toBe(1);
  });

  it('LOGICAL UNIT RESET: Function Complete, then 29h/03h on every nexus; unknown LUN is 2', async () => {
    const c = await session();
    const other = await session();
    const a = tmf(c, TmfFunction.LogicalUnitReset, RESERVED_TAG, 1);
    expect((await c.next('task-management-response', (p) => p.itt === a)).response).toBe(0);
    for (const s of [c, other]) {
      const r = await s.scsi({ lun: 1, cdb: '00 00 00 00 00 00' });
      expect([r.status, r.sense[2], r.sense[12], r.sense[13]]).toEqual([2, 0x06, 0x29, 0x03]);
    }
    const b = tmf(c, TmfFunction.LogicalUnitReset, RESERVED_TAG, 5);
    expect((await c.next('task-management-response', (p) => p.itt === b)).response).toBe(2);
  });

  it('ABORT TASK SET, TARGET WARM RESET, CLEAR ACA and TASK REASSIGN answers', async () => {
    const c = await session();
    const a = tmf(c, TmfFunction.AbortTaskSet);
    expect((await c.next('task-management-response', (p) => p.itt === a)).response).toBe(0);
    const w = tmf(c, TmfFunction.TargetWarmReset);
    expect((await c.next('task-management-response', (p) => p.itt === w)).response).toBe(0);
    const x = tmf(c, TmfFunction.ClearAca);
    expect((await c.next('task-management-response', (p) => p.itt === x)).response).toBe(5);
    const y = tmf(c, TmfFunction.TaskReassign, 1);
    expect((await c.next('task-management-response', (p) => p.itt === y)).response).toBe(4);
  });

  it('TARGET COLD RESET answers, then drops every connection to the target', async () => {
    const c = await session();
    const other = await session();
    const a = tmf(c, TmfFunction.TargetColdReset);
    expect((await c.next('task-management-response', (p) => p.itt === a)).response).toBe(0);
    await Promise.all([c.closedPromise, other.closedPromise]);
    const again = await session();
    expect((await again.scsi({ cdb: '00 00 00 00 00 00' })).status).toBe(0);
  });
});

describe('malformed PDUs', () => {
  it('are rejected while another session keeps working', async () => {
    const bad = await session();
    const good = await session();
    // Unknown opcode 1Ch.
    const h = Buffer.alloc(48);
    h[0] = 0x1c;
    bad.sendRaw(h);
    expect((await bad.next('reject')).reason).toBe(0x05);
    // SNACK at ErrorRecoveryLevel 0.
    bad.send({
      kind: 'snack-request',
      type: 0,
      lun: 0n,
      itt: 5,
      ttt: RESERVED_TAG,
      expStatSN: bad.expStatSN,
      begRun: 0,
      runLength: 0,
    });
    expect((await bad.next('reject')).reason).toBe(0x04);
    // Data-Out for a task that never existed.
    bad.send({
      kind: 'data-out',
      final: true,
      lun: 0n,
      itt: 4242,
      ttt: 7,
      expStatSN: 0,
      dataSN: 0,
      bufferOffset: 0,
      data: Buffer.alloc(4),
    });
    const rej = await bad.next('reject');
    expect(rej.reason).toBe(0x09);
    expect(rej.data.readUInt32BE(16)).toBe(4242);
    // A SCSI Command whose AHS length is wrong: Reject, and its CmdSN is used up.
    const cmd = serializePdu(scsiCommand(bad, { itt: 99, cmdSN: bad.cmdSN, cdb: Buffer.alloc(16) }));
    const withAhs = Buffer.concat([cmd.subarray(0, 48), Buffer.from([0, 0, 1, 0])]);
    withAhs[4] = 1;
    bad.sendRaw(withAhs);
    bad.cmdSN++;
    expect((await bad.next('reject')).reason).toBe(0x04);
    expect((await bad.scsi({ cdb: '00 00 00 00 00 00' })).status).toBe(0);
    const w = await good.scsi({ cdb: write10(300, 1), write: Buffer.alloc(512, 1) });
    expect(w.status).toBe(0);
    expect((await good.scsi({ cdb: read10(300, 1), read: 512 })).data).toEqual(Buffer.alloc(512, 1));
  });

  it('an over-long data segment is rejected and the stream stays in step', async () => {
    const c = await session({ settings: {} });
    const big = serializePdu({
      kind: 'nop-out',
      immediate: true,
      lun: 0n,
      itt: 1234,
      ttt: RESERVED_TAG,
      cmdSN: c.cmdSN,
      expStatSN: c.expStatSN,
      data: Buffer.alloc(300000),
    });
    c.sendRaw(big);
    expect((await c.next('reject')).reason).toBe(0x04);
    expect((await c.scsi({ cdb: '00 00 00 00 00 00' })).status).toBe(0);
  });
});
