// InProcessTransport against a real RAM disk: the LU sees the configured nexus, results and residuals
// come back as a remote transport reports them, timeouts / abort / close / a throwing LU become
// TransportError.
import { InProcessTransport } from '../../../targets/inprocess-transport';
import { TransportError, TransportTimeoutError } from '../../../targets/transport';
import type { LogicalUnit, LuRequest, LuResponse } from '../../../emulator/lu';
import { nexus, pattern, ramDisk } from './helpers';

const TUR = Buffer.alloc(6);

function stubbornLu(onExecute: (req: LuRequest) => Promise<LuResponse>): LogicalUnit {
  return { deviceType: 0, execute: onExecute, reset: () => undefined };
}

describe('InProcessTransport', () => {
  it('runs commands on the configured nexus: a fresh nexus gets its power-on unit attention', async () => {
    const disk = ramDisk('ipt-1');
    const t = new InProcessTransport(disk, { nexus: nexus(5) });
    expect(t.address).toBe(`inprocess://${nexus(5).initiatorPort}`);
    const first = await t.execute({ cdb: TUR });
    expect(first.status).toBe(2);
    expect(first.sense[2] & 0x0f).toBe(0x06);
    expect(await t.execute({ cdb: TUR })).toEqual({
      status: 0,
      sense: Buffer.alloc(0),
      dataIn: Buffer.alloc(0),
      residual: 0,
    });
  });

  it('reports data-in, its residual (underrun positive), and truncates to the allocation length', async () => {
    const disk = ramDisk('ipt-2');
    const t = new InProcessTransport(disk, { nexus: nexus(1), address: 'x' });
    await t.execute({ cdb: TUR });
    const inq = Buffer.from('120000006000', 'hex');
    const r = await t.execute({ cdb: inq, dataInLength: 200 });
    expect(r.dataIn.length).toBe(96);
    expect(r.residual).toBe(104);
    const short = await t.execute({ cdb: inq, dataInLength: 36 });
    expect(short.dataIn.length).toBe(36);
    expect(short.residual).toBe(-60);
  });

  it('passes data-out buffers and reports the write residual against the CDB transfer length', async () => {
    const disk = ramDisk('ipt-3');
    const t = new InProcessTransport(disk, { nexus: nexus(1) });
    await t.execute({ cdb: TUR });
    const write10 = Buffer.from('2a0000000000000001' + '00', 'hex');
    const data = pattern(1024, 1);
    const r = await t.execute({ cdb: write10, dataOut: data });
    expect(r.status).toBe(0);
    expect(r.residual).toBe(512);
    const read = await t.execute({ cdb: Buffer.from('28000000000000000100', 'hex'), dataInLength: 512 });
    expect(read.dataIn.equals(data.subarray(0, 512))).toBe(true);
  });

  it('times out with TransportTimeoutError and tells the LU through the signal', async () => {
    let seen: AbortSignal | undefined;
    const lu = stubbornLu((req) => {
      seen = req.signal;
      return new Promise((resolve) => req.signal.addEventListener('abort', () => resolve({ status: 0x40 })));
    });
    const t = new InProcessTransport(lu, { nexus: nexus(1) });
    await expect(t.execute({ cdb: TUR, timeoutMs: 10 })).rejects.toBeInstanceOf(TransportTimeoutError);
    expect(seen?.aborted).toBe(true);
    expect(t.outstandingCount).toBe(0);
  });

  it('abort() rejects outstanding commands; close() refuses new ones', async () => {
    const lu = stubbornLu(() => new Promise(() => undefined));
    const t = new InProcessTransport(lu, { nexus: nexus(1) });
    const p = t.execute({ cdb: TUR });
    expect(t.outstandingCount).toBe(1);
    await t.abort();
    await expect(p).rejects.toBeInstanceOf(TransportError);
    await t.close();
    const e = await t.execute({ cdb: TUR }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransportError);
    expect((e as TransportError).mayHaveExecuted).toBe(false);
  });

  it('an LU that throws is a TransportError that may have executed; a TransportError passes through', async () => {
    const t = new InProcessTransport(
      stubbornLu(() => Promise.reject(new Error('boom'))),
      { nexus: nexus(1) },
    );
    const e = await t.execute({ cdb: TUR }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransportError);
    expect((e as TransportError).mayHaveExecuted).toBe(true);
    const lost = new TransportError('lost', false);
    const t2 = new InProcessTransport(
      stubbornLu(() => Promise.reject(lost)),
      { nexus: nexus(1) },
    );
    await expect(t2.execute({ cdb: TUR })).rejects.toBe(lost);
  });

  it('numbers tasks from firstTaskTag', async () => {
    const tags: number[] = [];
    const t = new InProcessTransport(
      stubbornLu((req) => (tags.push(req.taskTag), Promise.resolve({ status: 0 }))),
      { nexus: nexus(1), firstTaskTag: 41 },
    );
    await t.execute({ cdb: TUR });
    await t.execute({ cdb: TUR });
    expect(tags).toEqual([41, 42]);
  });
});
