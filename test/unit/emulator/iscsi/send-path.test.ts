// The per-command paths of the target that were made cheap: the recent-tag set, the lazily made
// abort signal of a task and its LU request, and Connection.send's write-completion callback
// (what the read buffer pool relies on before reusing a Data-In buffer).
import * as net from 'node:net';
import { Connection, type ConnectionHost } from '../../../../emulator/iscsi/connection';
import { RecentTags } from '../../../../emulator/iscsi/session';
import { ScsiTask, TaskRequest } from '../../../../emulator/iscsi/task';
import { getLogger } from '../../../../emulator/log';
import type { ItNexus } from '../../../../emulator/lu';
import { Negotiator } from '../../../../targets/iscsi/negotiation';
import { decodePdu, RESERVED_TAG, type DataIn, type ScsiCommand } from '../../../../targets/iscsi/pdu';

const NEXUS: ItNexus = {
  initiatorPort: 'iqn.2024-01.test:i,i,0x000000000001',
  initiatorName: 'iqn.2024-01.test:i',
  targetPort: 'iqn.2024-01.test:t,t,0x0001',
  relativeTargetPort: 1,
};

function command(p: Partial<ScsiCommand> = {}): ScsiCommand {
  return {
    kind: 'scsi-command',
    immediate: false,
    final: true,
    read: true,
    write: false,
    attr: 1,
    lun: 0n,
    itt: 0x41,
    expectedDataTransferLength: 4096,
    cmdSN: 1,
    expStatSN: 0,
    cdb: Buffer.from('28000000000000000800', 'hex'),
    data: Buffer.alloc(0),
    ...p,
  };
}

function newTask(c: ScsiCommand): ScsiTask {
  return new ScsiTask(c, {
    params: new Negotiator('target').params(),
    maxWriteBytes: 1 << 20,
    nextTtt: () => 1,
  });
}

describe('RecentTags', () => {
  it('remembers the last `limit` additions and forgets deleted tags', () => {
    const r = new RecentTags(3);
    for (const t of [1, 2, 3]) r.add(t);
    expect([1, 2, 3].map((t) => r.has(t))).toEqual([true, true, true]);
    r.add(4); // evicts 1
    expect([1, 2, 3, 4].map((t) => r.has(t))).toEqual([false, true, true, true]);
    r.delete(3);
    expect(r.has(3)).toBe(false);
  });

  it('a tag added again is not evicted by the ring slot of its earlier addition', () => {
    const r = new RecentTags(3);
    r.add(7); // slot 0
    r.add(8);
    r.delete(7); // the tag is reused by a new task...
    r.add(7); // ...which finishes: slot 2
    r.add(9); // overwrites slot 0, the stale entry of 7
    expect([7, 8, 9].map((t) => r.has(t))).toEqual([true, true, true]);
    r.add(10); // slot 1: evicts 8
    r.add(11); // slot 2: evicts 7
    expect([7, 8, 9, 10, 11].map((t) => r.has(t))).toEqual([false, false, true, true, true]);
  });
});

describe('task abort signal', () => {
  it('makes the AbortSignal only when asked, already aborted if the task was', () => {
    const t = newTask(command());
    expect(t.aborted).toBe(false);
    t.abort();
    t.abort();
    expect(t.aborted).toBe(true);
    expect(t.signal.aborted).toBe(true);
    expect(t.signal).toBe(t.signal);
  });

  it('fires a signal handed out before the abort', () => {
    const t = newTask(command());
    const s = t.signal;
    let fired = 0;
    s.addEventListener('abort', () => fired++);
    t.abort();
    expect([s.aborted, fired]).toEqual([true, 1]);
  });

  it('TaskRequest carries the command and a signal that survives an object spread', () => {
    const c = command({ read: false, write: true, data: Buffer.from('abcd'), expectedDataTransferLength: 4 });
    const t = newTask(c);
    t.start(c);
    const req = new TaskRequest(t, c.cdb.subarray(0, 10), NEXUS);
    expect([req.cdb.length, req.dataOut, req.dataInLength, req.taskTag, req.nexus]).toEqual([
      10,
      Buffer.from('abcd'),
      0,
      0x41,
      NEXUS,
    ]);
    // What a wrapping LU does: copy the request with one field changed.
    const copy = { ...req, cdb: Buffer.alloc(16) };
    expect(copy.signal).toBe(t.signal);
    expect(copy.signal.aborted).toBe(false);
    t.abort();
    expect(req.signal.aborted).toBe(true);
    const read = new TaskRequest(newTask(command()), command().cdb, NEXUS);
    expect([read.dataOut, read.dataInLength]).toEqual([undefined, 4096]);
  });
});

describe('Connection.send write completion', () => {
  let server: net.Server;
  let serverSide: net.Socket;
  let client: net.Socket;

  beforeEach(async () => {
    server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    client = net.connect(port, '127.0.0.1');
    client.pause();
    serverSide = await accepted;
  });

  afterEach(async () => {
    client.destroy();
    serverSide.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function host(): ConnectionHost {
    return {
      log: getLogger('send-path-test'),
      nopInIntervalMs: 0,
      nopInTimeoutMs: 0,
      loginTimeoutMs: 60000,
      commandWindow: 16,
      portalGroupTag: 1,
      negotiation: {},
      findTarget: () => undefined,
      bindSession: () => {
        throw new Error('no sessions here');
      },
      connectionClosed: () => undefined,
      pduReceived: () => undefined,
    };
  }

  function dataIn(data: Buffer, dataSN: number): Omit<DataIn, 'statSN' | 'expCmdSN' | 'maxCmdSN'> {
    return {
      kind: 'data-in',
      final: true,
      acknowledge: false,
      residualOverflow: false,
      residualUnderflow: false,
      statusPresent: false,
      status: 0,
      lun: 0n,
      itt: 5,
      ttt: RESERVED_TAG,
      dataSN,
      bufferOffset: 0,
      residualCount: 0,
      data,
    };
  }

  it('calls onWritten only after the socket wrote the PDU, and after the PDUs before it', async () => {
    const conn = new Connection(serverSide, host(), 1);
    const size = 8 * 1024 * 1024; // more than the socket buffers hold while the peer does not read
    conn.writer.setOptions({ maxSendDataSegmentLength: size });
    const first = Buffer.alloc(size, 0x11);
    const second = Buffer.alloc(4096, 0x22);
    const order: string[] = [];
    conn.send(dataIn(first, 0), () => order.push('first'));
    conn.send(dataIn(second, 1), () => order.push('second'));
    await new Promise((r) => setTimeout(r, 200));
    expect(order).toEqual([]);
    const total = 2 * 48 + size + second.length;
    const received: Buffer[] = [];
    let n = 0;
    const all = new Promise<void>((resolve) => {
      client.on('data', (b: Buffer) => {
        received.push(b);
        n += b.length;
        if (n >= total) resolve();
      });
    });
    client.resume();
    await all;
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['first', 'second']);
    const wire = Buffer.concat(received);
    const a = decodePdu(wire.subarray(0, 48), wire.subarray(48, 48 + size));
    const b = decodePdu(wire.subarray(48 + size, 96 + size), wire.subarray(96 + size));
    const fields = (p: ReturnType<typeof decodePdu>): unknown[] =>
      p.kind === 'data-in'
        ? [p.dataSN, p.data.length, p.data.equals(p.dataSN === 0 ? first : second)]
        : [p.kind];
    expect([fields(a), fields(b)]).toEqual([
      [0, size, true],
      [1, second.length, true],
    ]);
  });

  it('never calls onWritten for a PDU that is not sent', async () => {
    const conn = new Connection(serverSide, host(), 1);
    conn.close('test');
    let called = false;
    conn.send(dataIn(Buffer.alloc(512), 0), () => (called = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(called).toBe(false);
  });
});
