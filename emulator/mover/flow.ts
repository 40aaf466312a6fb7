// The data pipeline of one segment: reads from a ChunkSource, writes to a ChunkSink, with
//  - read-ahead: up to `readAhead` READs in flight (1 for stream sources: a tape reads in order),
//  - write-behind: up to `writeBehind` WRITEs in flight (1 for stream destinations),
//  - backpressure: bytes held in buffers (read but not yet written, plus commands in flight) stay
//    under `maxBufferedBytes` whatever the segment's size; one read is always allowed when nothing
//    is in flight, so a block or transfer length larger than the budget still makes progress,
//  - exact accounting: `onDurable` reports bytes in the order they sit on the destination and only
//    once every earlier WRITE completed, so a count never covers a hole left by a failed write.
// Data flows through a ByteQueue that starts with the residue carried in from the previous segment
// (CAT=1) and keeps what the segment leaves over. Buffers pass from READ to WRITE without copies
// unless a write spans several reads.
// With a BufferPool, each read is offered a leased buffer (ScsiCommand.dataInBuffer: the iSCSI
// initiator reads Data-In straight into it); a lease the read filled whole travels to the WRITE as
// is and goes back to the pool when that WRITE succeeded, if the sink lets go of what it wrote
// (ChunkSink.releasesData). A lease the read did not use goes back at once; one a failed read may
// still be receiving into, or that a write took only part of, is left to the garbage collector.
import type { BufferPool } from '../disk/buffer-pool';
import type { ByteQueue } from './byte-queue';
import { CopyCancelled, DeviceCondition, withRole } from './errors';

export interface ReadOp {
  /** Bytes this read will hold in memory (for the budget). */
  bytes: number;
  /**
   * Send the read. Called at most once per op; the source advances when it is called. `into`, when
   * given, is a buffer of `bytes` bytes the data may be read into (a hint).
   */
  run(into?: Buffer): Promise<Buffer>;
}

export interface ChunkSource {
  /** One read in flight at a time (stream devices). */
  readonly sequential: boolean;
  /** The next read, 'wait' while a sequential read is in flight, or 'done'. Does not advance. */
  next(): ReadOp | 'wait' | 'done';
}

export interface ChunkSink {
  /** Writes are whole multiples of this many bytes (destination block; 1 = any length). */
  readonly unit: number;
  /** Largest write in bytes (a multiple of unit). */
  readonly maxWrite: number;
  /** One write in flight at a time (stream devices, read-modify-write). */
  readonly sequential: boolean;
  /** Written bytes count in the transfer count (false for discarding). */
  readonly counts: boolean;
  /** Nothing keeps a reference to the data once write() resolved (its buffer may be reused). */
  readonly releasesData: boolean;
  /** Write the next bytes (the sink keeps its own position, assigned when called). */
  write(data: Buffer): Promise<void>;
}

export interface FlowOptions {
  source: ChunkSource;
  sink: ChunkSink;
  /** Residue carried in; on return it holds what the segment did not write. */
  queue: ByteQueue;
  /** Exactly this many bytes go to the sink. */
  writeBytes: number;
  readAhead: number;
  writeBehind: number;
  maxBufferedBytes: number;
  signal: AbortSignal;
  /** Sees every byte handed to the sink, in order (held data, digests). */
  tap?: (data: Buffer) => void;
  /** Bytes now durable on the destination, in order. */
  onDurable?: (bytes: number) => void;
  /** Read buffers to reuse (see the header). */
  pool?: BufferPool;
}

interface Tracked<T> {
  promise: Promise<void>;
  settled: boolean;
  value?: T;
  error?: unknown;
  bytes: number;
}

function track<T>(p: Promise<T>, bytes: number): Tracked<T> {
  const t: Tracked<T> = { promise: Promise.resolve(), settled: false, bytes };
  t.promise = p.then(
    (v) => {
      t.settled = true;
      t.value = v;
    },
    (e: unknown) => {
      t.settled = true;
      t.error = e;
    },
  );
  return t;
}

/** Let timers and I/O callbacks run: an all-in-process copy would otherwise never leave the microtask queue. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function sum(list: readonly { bytes: number }[]): number {
  let n = 0;
  for (const x of list) n += x.bytes;
  return n;
}

/**
 * Run a read into a leased buffer. Data that fills the lease exactly comes back as the lease object
 * itself (so that release() recognises it after the write); an unused lease returns to the pool.
 */
async function leasedRead(op: ReadOp, pool: BufferPool): Promise<Buffer> {
  const lease = pool.acquire(op.bytes);
  const data = await op.run(lease);
  if (data.buffer !== lease.buffer) {
    pool.release(lease);
    return data;
  }
  return data.byteOffset === lease.byteOffset && data.length === lease.length ? lease : data;
}

export async function runFlow(o: FlowOptions): Promise<void> {
  const { source, sink, queue } = o;
  const readLimit = source.sequential ? 1 : o.readAhead;
  const writeLimit = sink.sequential ? 1 : o.writeBehind;
  const reads: Tracked<Buffer>[] = [];
  const writes: Tracked<void>[] = [];
  const pool = o.pool;
  const recycle = pool !== undefined && sink.releasesData;
  let issued = 0;
  let failure: unknown;
  let failureFromWrite = false;

  const mayRead = (op: ReadOp): boolean => {
    if (reads.length === 0 && writes.length === 0) return true;
    return queue.length + sum(reads) + sum(writes) + op.bytes <= o.maxBufferedBytes;
  };

  for (;;) {
    if (o.signal.aborted) throw new CopyCancelled();
    // Completed reads join the queue in order.
    while (reads.length > 0 && reads[0].settled) {
      const r = reads.shift() as Tracked<Buffer>;
      if (r.error !== undefined) {
        failure = withRole(r.error, 'source');
        break;
      }
      queue.push(r.value as Buffer);
    }
    if (failure !== undefined) break;
    // Completed writes count once everything before them completed.
    while (writes.length > 0 && writes[0].settled && writes[0].error === undefined) {
      const w = writes.shift() as Tracked<void>;
      o.onDurable?.(w.bytes);
    }
    const failedWrite = writes.find((w) => w.settled && w.error !== undefined);
    if (failedWrite !== undefined) {
      failure = withRole(failedWrite.error, 'destination');
      failureFromWrite = true;
      break;
    }

    // Writes: full-size ones when the queue holds enough; smaller ones only when no more data is coming.
    while (writes.length < writeLimit && issued < o.writeBytes) {
      const pending = o.writeBytes - issued;
      const full = Math.min(sink.maxWrite, pending);
      let n = full;
      if (queue.length < full) {
        const next = source.next();
        const moreComing = reads.length > 0 || (typeof next === 'object' && mayRead(next));
        if (moreComing) break;
        n = Math.min(pending, queue.length - (queue.length % sink.unit));
        if (n === 0) break;
      }
      const data = queue.take(n);
      o.tap?.(data);
      issued += n;
      const written = sink.write(data);
      // release() ignores anything but a whole lease (a view, a joined copy).
      writes.push(track(recycle ? written.then(() => void pool.release(data)) : written, n));
    }

    // Reads, within the buffer budget.
    while (reads.length < readLimit) {
      const op = source.next();
      if (op === 'wait' || op === 'done' || !mayRead(op)) break;
      reads.push(track(pool === undefined ? op.run() : leasedRead(op, pool), op.bytes));
    }

    if (issued === o.writeBytes && writes.length === 0 && reads.length === 0 && source.next() === 'done')
      return;
    if (reads.length === 0 && writes.length === 0) {
      // Nothing in flight and nothing to issue: the source has no more data for this segment.
      throw withRole(
        new DeviceCondition(
          'underrun',
          `source delivered ${issued + queue.length} bytes, segment needs ${o.writeBytes}`,
        ),
        'source',
      );
    }
    const waitFor = writes.map((w) => w.promise);
    if (reads.length > 0) waitFor.push(reads[0].promise);
    await Promise.race(waitFor);
    await yieldToEventLoop();
  }

  // A command failed: nothing new is sent; writes already in flight finish so the count is exact.
  if (o.signal.aborted) throw new CopyCancelled();
  await Promise.all(writes.map((w) => w.promise));
  for (const w of writes) {
    if (w.error !== undefined) {
      if (w.error instanceof DeviceCondition && w.error.transferred > 0) o.onDurable?.(w.error.transferred);
      // The first write that failed in destination order is the one to report.
      if (failureFromWrite) failure = withRole(w.error, 'destination');
      break;
    }
    o.onDurable?.(w.bytes);
  }
  throw failure;
}
