// The segment data pipeline: read-ahead and write-behind limits, the buffer budget, buffers passed
// through without copies, in-order counting when writes complete out of order, failures and abort.
import { BufferPool } from '../../../emulator/disk/buffer-pool';
import { ByteQueue } from '../../../emulator/mover/byte-queue';
import { CopyCancelled, DeviceCondition } from '../../../emulator/mover/errors';
import { type ChunkSink, type ChunkSource, type ReadOp, runFlow } from '../../../emulator/mover/flow';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

class TestSource implements ChunkSource {
  readonly sequential: boolean;
  inFlight = 0;
  maxInFlight = 0;
  issuedBytes = 0;
  readonly produced: Buffer[] = [];
  private next_ = 0;

  constructor(
    private readonly chunks: number,
    private readonly size: number,
    o: { sequential?: boolean; delayMs?: (i: number) => number; fail?: number } = {},
  ) {
    this.sequential = o.sequential ?? false;
    this.delay = o.delayMs ?? (() => 1);
    this.fail = o.fail;
  }

  private readonly delay: (i: number) => number;
  private readonly fail?: number;

  next(): ReadOp | 'wait' | 'done' {
    if (this.next_ >= this.chunks) return 'done';
    if (this.sequential && this.inFlight > 0) return 'wait';
    const i = this.next_;
    return {
      bytes: this.size,
      run: async () => {
        this.next_++;
        this.inFlight++;
        this.issuedBytes += this.size;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        await sleep(this.delay(i));
        this.inFlight--;
        if (i === this.fail) throw new DeviceCondition('failure', `read ${i} failed`);
        const b = Buffer.alloc(this.size, i & 0xff);
        this.produced[i] = b; // in read order, whatever order the reads complete in
        return b;
      },
    };
  }
}

class TestSink implements ChunkSink {
  readonly sequential: boolean;
  readonly counts = true;
  // It keeps what it received (the tests compare it).
  readonly releasesData = false;
  inFlight = 0;
  maxInFlight = 0;
  completedBytes = 0;
  readonly received: Buffer[] = [];
  private index = 0;

  constructor(
    readonly unit: number,
    readonly maxWrite: number,
    private readonly o: {
      sequential?: boolean;
      delayMs?: (i: number) => number;
      fail?: number;
      onWrite?: () => void;
    } = {},
  ) {
    this.sequential = o.sequential ?? false;
  }

  async write(data: Buffer): Promise<void> {
    const i = this.index++;
    this.received.push(data);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.o.onWrite?.();
    await sleep(this.o.delayMs?.(i) ?? 1);
    this.inFlight--;
    if (i === this.o.fail) throw new DeviceCondition('failure', `write ${i} failed`);
    this.completedBytes += data.length;
  }
}

function opts(
  source: ChunkSource,
  sink: ChunkSink,
  writeBytes: number,
  o: Partial<Parameters<typeof runFlow>[0]> = {},
) {
  return {
    source,
    sink,
    queue: new ByteQueue(),
    writeBytes,
    readAhead: 3,
    writeBehind: 2,
    maxBufferedBytes: 1 << 30,
    signal: new AbortController().signal,
    ...o,
  };
}

describe('runFlow', () => {
  it('keeps at most readAhead reads and writeBehind writes in flight and writes everything in order', async () => {
    const src = new TestSource(20, 1000, { delayMs: (i) => 1 + (i % 3) });
    const sink = new TestSink(1, 1000, { delayMs: (i) => 2 + (i % 2) * 3 });
    const durable: number[] = [];
    await runFlow(opts(src, sink, 20_000, { onDurable: (n) => durable.push(n) }));
    expect(src.maxInFlight).toBe(3);
    expect(sink.maxInFlight).toBe(2);
    expect(Buffer.concat(sink.received).equals(Buffer.concat(src.produced))).toBe(true);
    expect(durable.reduce((a, b) => a + b, 0)).toBe(20_000);
  });

  it('passes read buffers to the sink unchanged when sizes match (no copies)', async () => {
    const src = new TestSource(5, 4096);
    const sink = new TestSink(512, 4096);
    await runFlow(opts(src, sink, 5 * 4096));
    expect(sink.received.every((b, i) => b === src.produced[i])).toBe(true);
  });

  it('stays within maxBufferedBytes: read but not yet written bytes never exceed the budget', async () => {
    let worst = 0;
    const src = new TestSource(40, 1024, { delayMs: () => 0 });
    const sink = new TestSink(1, 1024, {
      delayMs: () => 3,
      onWrite: () => {
        worst = Math.max(worst, src.issuedBytes - sink.completedBytes);
      },
    });
    await runFlow(opts(src, sink, 40 * 1024, { readAhead: 8, writeBehind: 4, maxBufferedBytes: 4096 }));
    expect(worst).toBeLessThanOrEqual(4096);
    expect(sink.completedBytes).toBe(40 * 1024);
  });

  it('still progresses when one read is larger than the budget', async () => {
    const src = new TestSource(3, 8192);
    const sink = new TestSink(8192, 8192);
    await runFlow(opts(src, sink, 3 * 8192, { maxBufferedBytes: 1024 }));
    expect(sink.completedBytes).toBe(3 * 8192);
  });

  it('joins reads into destination-size writes and leaves the residue in the queue', async () => {
    const src = new TestSource(5, 300, { sequential: true });
    const sink = new TestSink(512, 1024, { sequential: true });
    const queue = new ByteQueue();
    queue.push(Buffer.alloc(100, 0xee));
    await runFlow(opts(src, sink, 1536, { queue }));
    expect(sink.received.map((b) => b.length)).toEqual([1024, 512]);
    expect(sink.received[0][0]).toBe(0xee);
    expect(src.maxInFlight).toBe(1);
    expect(sink.maxInFlight).toBe(1);
    expect(queue.length).toBe(100 + 1500 - 1536);
  });

  it('counts writes in destination order even when a later write completes first', async () => {
    const src = new TestSource(3, 100, { delayMs: () => 0 });
    const sink = new TestSink(1, 100, { delayMs: (i) => (i === 0 ? 30 : 1) });
    const events: string[] = [];
    await runFlow(
      opts(src, sink, 300, {
        writeBehind: 3,
        onDurable: (n) => events.push(`durable ${n} after ${sink.completedBytes}`),
      }),
    );
    // The first report comes only once write 0 (the slow one) completed, all three were done by then.
    expect(events[0]).toBe('durable 100 after 300');
    expect(events).toHaveLength(3);
  });

  it('a failed write stops the flow; only the writes before it count', async () => {
    const src = new TestSource(10, 100, { delayMs: () => 0 });
    const sink = new TestSink(1, 100, { fail: 4, delayMs: (i) => (i === 5 ? 0 : 2) });
    let counted = 0;
    const err = await runFlow(
      opts(src, sink, 1000, { writeBehind: 3, onDurable: (n) => (counted += n) }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceCondition);
    expect((err as DeviceCondition).role).toBe('destination');
    expect((err as DeviceCondition).message).toBe('write 4 failed');
    expect(counted).toBe(400);
  });

  it('a failed read is reported with the source role', async () => {
    const src = new TestSource(10, 100, { fail: 2 });
    const sink = new TestSink(1, 100);
    const err = await runFlow(opts(src, sink, 1000)).catch((e: unknown) => e);
    expect((err as DeviceCondition).role).toBe('source');
    expect(sink.completedBytes).toBeLessThanOrEqual(200);
  });

  it('a source with too little data is a data underrun', async () => {
    const err = await runFlow(opts(new TestSource(2, 100), new TestSink(1, 100), 300)).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DeviceCondition);
    expect((err as DeviceCondition).kind).toBe('underrun');
    expect((err as DeviceCondition).role).toBe('source');
  });

  it('stops with CopyCancelled when the signal fires', async () => {
    const ac = new AbortController();
    const src = new TestSource(1000, 100, { delayMs: () => 2 });
    const sink = new TestSink(1, 100);
    setTimeout(() => ac.abort(), 20);
    const err = await runFlow(opts(src, sink, 100_000, { signal: ac.signal })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CopyCancelled);
    expect(sink.completedBytes).toBeLessThan(100_000);
  });

  describe('with a BufferPool', () => {
    /** Reads `chunks` blocks of `size` bytes (block i filled with i) into the buffer it is offered. */
    class IntoSource implements ChunkSource {
      readonly sequential = false;
      offered = 0;
      private i = 0;
      constructor(
        private readonly chunks: number,
        private readonly size: number,
        private readonly o: { fail?: number; ignoreInto?: boolean } = {},
      ) {}
      next(): ReadOp | 'done' {
        if (this.i >= this.chunks) return 'done';
        const i = this.i;
        return {
          bytes: this.size,
          run: async (into?: Buffer) => {
            this.i++;
            await sleep(1);
            if (i === this.o.fail) throw new DeviceCondition('failure', `read ${i} failed`);
            if (into !== undefined) this.offered++;
            const b = into === undefined || this.o.ignoreInto === true ? Buffer.alloc(this.size) : into;
            return b.fill(i & 0xff, 0, this.size);
          },
        };
      }
    }

    /** Copies what it is given (so it lets go of the buffer), remembers which buffers it saw. */
    class CopyingSink implements ChunkSink {
      readonly unit = 1;
      readonly sequential = false;
      readonly counts = true;
      readonly seen = new Set<ArrayBufferLike>();
      readonly copies: Buffer[] = [];
      constructor(
        readonly maxWrite: number,
        readonly releasesData: boolean,
      ) {}
      async write(data: Buffer): Promise<void> {
        this.seen.add(data.buffer);
        await sleep(1);
        this.copies.push(Buffer.from(data));
      }
    }

    const SIZE = 64 * 1024;
    const expected = (n: number): Buffer =>
      Buffer.concat(Array.from({ length: n }, (_, i) => Buffer.alloc(SIZE, i & 0xff)));

    it('reads into leased buffers and reuses them once their write completed', async () => {
      const pool = new BufferPool();
      const src = new IntoSource(40, SIZE);
      const sink = new CopyingSink(SIZE, true);
      await runFlow(opts(src, sink, 40 * SIZE, { pool, maxBufferedBytes: 6 * SIZE }));
      expect(Buffer.concat(sink.copies).equals(expected(40))).toBe(true);
      expect(src.offered).toBe(40);
      const st = pool.stats();
      // No more slabs than the buffer budget holds (plus the read that completes a write).
      expect(st.allocated).toBeLessThanOrEqual(7);
      expect(st.reused).toBe(40 - st.allocated);
      expect(st.outstanding).toBe(0);
      expect(sink.seen.size).toBe(st.allocated);
    });

    it('never reuses a buffer a sink that keeps its data was given', async () => {
      const pool = new BufferPool();
      const src = new IntoSource(12, SIZE);
      const sink = new CopyingSink(SIZE, false);
      await runFlow(opts(src, sink, 12 * SIZE, { pool }));
      expect(Buffer.concat(sink.copies).equals(expected(12))).toBe(true);
      expect(pool.stats().reused).toBe(0);
      expect(sink.seen.size).toBe(12);
    });

    it('returns a lease the read did not use at once; a write spanning reads gets a joined copy', async () => {
      const pool = new BufferPool();
      const src = new IntoSource(8, SIZE, { ignoreInto: true });
      const sink = new CopyingSink(2 * SIZE, true);
      await runFlow(opts(src, sink, 8 * SIZE, { pool }));
      expect(Buffer.concat(sink.copies).equals(expected(8))).toBe(true);
      expect(pool.stats().outstanding).toBe(0);
      expect(pool.stats().allocated).toBeLessThanOrEqual(3);
    });

    it('does not return the lease of a failed read (the transport may still be filling it)', async () => {
      const pool = new BufferPool();
      const src = new IntoSource(10, SIZE, { fail: 4 });
      const sink = new CopyingSink(SIZE, true);
      await expect(runFlow(opts(src, sink, 10 * SIZE, { pool }))).rejects.toThrow('read 4 failed');
      expect(pool.stats().outstanding).toBeGreaterThanOrEqual(1);
      // Only blocks before the failed read were written, each intact.
      expect(sink.copies.length).toBeLessThanOrEqual(4);
      for (const c of sink.copies) expect(c.equals(Buffer.alloc(SIZE, c[0])) && c[0] < 4).toBe(true);
    });
  });
});
