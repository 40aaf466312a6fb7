// Target-side task data transfer rules and response building, without sockets.
import { residual, responsePdus, ScsiTask } from '../../../../emulator/iscsi/task';
import { Negotiator, type SessionParameters } from '../../../../targets/iscsi/negotiation';
import type { DataIn, DataOut, ScsiCommand, ScsiResponse } from '../../../../targets/iscsi/pdu';

function params(p: Partial<SessionParameters> = {}): SessionParameters {
  return { ...new Negotiator('target').params(), ...p };
}

function cmd(p: Partial<ScsiCommand> = {}): ScsiCommand {
  return {
    kind: 'scsi-command',
    immediate: false,
    final: true,
    read: false,
    write: true,
    attr: 1,
    lun: 0n,
    itt: 7,
    expectedDataTransferLength: 4096,
    cmdSN: 1,
    expStatSN: 0,
    cdb: Buffer.alloc(16),
    data: Buffer.alloc(0),
    ...p,
  };
}

function dout(p: Partial<DataOut>): DataOut {
  return {
    kind: 'data-out',
    final: true,
    lun: 0n,
    itt: 7,
    ttt: 0xffffffff,
    expStatSN: 0,
    dataSN: 0,
    bufferOffset: 0,
    data: Buffer.alloc(0),
    ...p,
  };
}

let ttt = 100;
function task(c: ScsiCommand, p: SessionParameters, maxWriteBytes = 1 << 20): ScsiTask {
  return new ScsiTask(c, { params: p, maxWriteBytes, nextTtt: () => ttt++ });
}

describe('ScsiTask data-out', () => {
  it('immediate data covering everything makes the task ready at once', () => {
    const c = cmd({ data: Buffer.alloc(4096, 1) });
    const t = task(c, params({ immediateData: true, firstBurstLength: 65536 }));
    expect(t.start(c)).toEqual({ r2ts: [] });
    expect(t.ready).toBe(true);
    expect(t.dataOutBuffer()).toEqual(Buffer.alloc(4096, 1));
  });

  it('asks for the rest with R2Ts, MaxOutstandingR2T at a time, each at most MaxBurstLength', () => {
    const c = cmd({ expectedDataTransferLength: 10000, data: Buffer.alloc(1000, 1) });
    const p = params({ immediateData: true, initialR2T: true, maxBurstLength: 4000, maxOutstandingR2T: 2 });
    const t = task(c, p);
    const first = t.start(c).r2ts;
    expect(first.map((r) => [r.r2tSN, r.bufferOffset, r.desiredDataTransferLength])).toEqual([
      [0, 1000, 4000],
      [1, 5000, 4000],
    ]);
    expect(
      t.dataOut(dout({ ttt: first[0].ttt, bufferOffset: 1000, data: Buffer.alloc(4000, 2) })).r2ts,
    ).toEqual([expect.objectContaining({ r2tSN: 2, bufferOffset: 9000, desiredDataTransferLength: 1000 })]);
    expect(t.ready).toBe(false);
    t.dataOut(dout({ ttt: first[1].ttt, bufferOffset: 5000, data: Buffer.alloc(4000, 3) }));
    expect(t.ready).toBe(false);
    expect(
      t.dataOut(dout({ ttt: 102, dataSN: 0, bufferOffset: 9000, final: false, data: Buffer.alloc(500) }))
        .r2ts,
    ).toEqual([]);
    t.dataOut(dout({ ttt: 102, dataSN: 1, bufferOffset: 9500, data: Buffer.alloc(500) }));
    expect(t.ready).toBe(true);
    expect(t.dataOutBuffer().length).toBe(10000);
    expect(t.pdusSent).toBe(3);
  });

  it('unsolicited Data-Out (F=0 on the command) up to FirstBurstLength, then R2Ts', () => {
    const c = cmd({ final: false, expectedDataTransferLength: 8192 });
    const p = params({ immediateData: false, initialR2T: false, firstBurstLength: 4096 });
    const t = task(c, p);
    expect(t.start(c)).toEqual({ r2ts: [] });
    expect(t.dataOut(dout({ final: false, data: Buffer.alloc(2048) })).r2ts).toEqual([]);
    const r = t.dataOut(dout({ dataSN: 1, bufferOffset: 2048, data: Buffer.alloc(2048) }));
    expect(r.r2ts.map((x) => [x.bufferOffset, x.desiredDataTransferLength])).toEqual([[4096, 4096]]);
  });

  it('failures: wrong offset, DataSN, TTT, too much data, unsolicited data not allowed', () => {
    const p = params({ immediateData: false, initialR2T: false, firstBurstLength: 4096 });
    const senseOf = (f: { failure?: { sense: { asc: number; ascq: number } } }): number[] | undefined =>
      f.failure ? [f.failure.sense.asc, f.failure.sense.ascq] : undefined;
    let c = cmd({ final: false });
    let t = task(c, p);
    t.start(c);
    expect(senseOf(t.dataOut(dout({ bufferOffset: 512, data: Buffer.alloc(512) })))).toEqual([0x4b, 0x05]);
    t = task(c, p);
    t.start(c);
    expect(senseOf(t.dataOut(dout({ dataSN: 3, data: Buffer.alloc(512) })))).toEqual([0x4b, 0x00]);
    t = task(c, p);
    t.start(c);
    expect(senseOf(t.dataOut(dout({ data: Buffer.alloc(5000) })))).toEqual([0x4b, 0x02]);
    t = task(c, p);
    t.start(c);
    expect(senseOf(t.dataOut(dout({ ttt: 999, data: Buffer.alloc(512) })))).toEqual([0x4b, 0x01]);
    c = cmd({ final: false });
    t = task(c, params({ initialR2T: true }));
    expect(senseOf(t.start(c))).toEqual([0x0e, 0x03]);
    c = cmd({ data: Buffer.alloc(16) });
    t = task(c, params({ immediateData: false }));
    expect(senseOf(t.start(c))).toEqual([0x0e, 0x02]);
    c = cmd({ write: false, data: Buffer.alloc(16) });
    t = task(c, params());
    expect(senseOf(t.start(c))).toEqual([0x0e, 0x02]);
    c = cmd({ expectedDataTransferLength: 1 << 21 });
    t = task(c, params(), 1 << 20);
    expect(senseOf(t.start(c))).toEqual([0x4b, 0x02]);
  });

  it('an R2T burst that ends early is a DataSN/sequence failure', () => {
    const c = cmd({ expectedDataTransferLength: 2048 });
    const t = task(c, params({ immediateData: false, initialR2T: true }));
    const [r2t] = t.start(c).r2ts;
    const f = t.dataOut(dout({ ttt: r2t.ttt, data: Buffer.alloc(1024) }));
    expect(f.failure?.message).toMatch(/ended after 1024 of 2048/);
  });
});

describe('responsePdus', () => {
  const p = params({ initiatorMaxRecvDataSegmentLength: 1024, maxBurstLength: 2048 });

  function readTask(edtl: number): ScsiTask {
    const c = cmd({ read: true, write: false, expectedDataTransferLength: edtl });
    const t = task(c, p);
    t.start(c);
    return t;
  }

  it('GOOD with data: Data-In PDUs, F at each burst, status and residual in the last', () => {
    const out = responsePdus(readTask(4000), { status: 0, dataIn: Buffer.alloc(3000, 9) }, p) as DataIn[];
    expect(out.map((d) => [d.dataSN, d.bufferOffset, d.data.length, d.final, d.statusPresent])).toEqual([
      [0, 0, 1024, false, false],
      [1, 1024, 1024, true, false],
      [2, 2048, 952, true, true],
    ]);
    expect([out[2].residualUnderflow, out[2].residualCount]).toEqual([true, 1000]);
  });

  it('CHECK CONDITION with data: Data-In without status, then a SCSI Response with the sense', () => {
    const t = readTask(512);
    const out = responsePdus(
      t,
      { status: 2, sense: Buffer.from([0x70, 0, 5]), dataIn: Buffer.alloc(600) },
      p,
    );
    expect(out.map((x) => x.kind)).toEqual(['data-in', 'scsi-response']);
    const r = out[1] as ScsiResponse;
    expect([r.status, r.residualOverflow, r.residualCount, r.expDataSN]).toEqual([2, true, 88, 1]);
    expect((out[0] as DataIn).data.length).toBe(512);
  });

  it('no data: a SCSI Response; write residuals come from dataOutLength', () => {
    const c = cmd({ expectedDataTransferLength: 1000, data: Buffer.alloc(1000) });
    const t = task(c, params());
    t.start(c);
    const [r] = responsePdus(t, { status: 0, dataOutLength: 512 }, p) as ScsiResponse[];
    expect([r.kind, r.residualUnderflow, r.residualCount]).toEqual(['scsi-response', true, 488]);
  });

  it('residual() compares expected and wanted lengths', () => {
    expect(residual(10, 10)).toEqual({ overflow: false, underflow: false, count: 0 });
    expect(residual(10, 15)).toEqual({ overflow: true, underflow: false, count: 5 });
    expect(residual(10, 4)).toEqual({ overflow: false, underflow: true, count: 6 });
  });
});
