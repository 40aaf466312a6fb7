// One initiator-side TCP connection carrying iSCSI PDUs: socket + PduReceiver + PduWriter.
// During login PDUs are pulled with receive(); in full feature phase they are pushed to a handler.
// The socket reads straight into the receiver's buffers (net `onread`), so Data-In payload lands
// in the task's buffer; the PDUs sent during one turn of the event loop leave in one write.
import * as net from 'node:net';
import { TransportError } from '../transport';
import { PduWriter, type ReadItem, type ReaderOptions, type WriterOptions } from './framing';
import type { DataOut, Pdu } from './pdu';
import { PduError } from './pdu';
import { PduReceiver, type DataInPlacement } from './receiver';

/** Minimal logger shape (winston loggers fit). */
export interface IscsiLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

export const silentLogger: IscsiLogger = { debug: () => {}, info: () => {}, warn: () => {} };

export interface ConnectionHandlers {
  /** A PDU arrived (full feature phase). */
  onPdu(pdu: Pdu): void;
  /** A PDU could not be decoded; fatal errors are followed by onClose. */
  onPduError(error: PduError): void;
  /** The connection is gone (peer close, error, or close()). Called once. */
  onClose(error: Error | undefined): void;
}

/** Queued bytes up to which a batch is copied into one buffer rather than written with writev. */
const SMALL_BATCH = 16 * 1024;

type Waiter = { resolve: (p: Pdu) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

export class IscsiConnection {
  private readonly reader = new PduReceiver();
  private readonly writer = new PduWriter();
  private readonly socket: net.Socket;
  /** Wire buffers queued by send() since the last flush. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private flushScheduled = false;
  private handlers?: ConnectionHandlers;
  private queue: Pdu[] = [];
  private waiter?: Waiter;
  private closedWith?: Error;
  private isClosed = false;
  /** Time of the last byte received, for keepalive decisions. */
  lastReceive = Date.now();

  private readonly onItem = (item: ReadItem): void => {
    if (item.pdu) this.deliver(item.pdu);
    else this.deliverError(item.error);
  };

  private constructor(
    readonly host: string,
    readonly port: number,
  ) {
    this.socket = net.connect({
      host,
      port,
      noDelay: true,
      onread: {
        buffer: () => this.reader.readBuffer(),
        callback: (n: number) => {
          this.lastReceive = Date.now();
          this.reader.commit(n, this.onItem);
          return true;
        },
      },
    });
  }

  /** Write what send() queued: small batches as one buffer, larger ones as one writev. */
  private readonly flush = (): void => {
    this.flushScheduled = false;
    const parts = this.pending;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    if (parts.length === 0 || this.socket.destroyed) return;
    if (parts.length === 1) {
      this.socket.write(parts[0]);
    } else if (bytes <= SMALL_BATCH) {
      this.socket.write(Buffer.concat(parts, bytes));
    } else {
      // Data segments go out from the callers' buffers, not copied.
      this.socket.cork();
      for (const p of parts) this.socket.write(p);
      this.socket.uncork();
    }
  };

  /** Open a TCP connection. Rejects with TransportError (nothing was executed) on failure or timeout. */
  static connect(host: string, port: number, timeoutMs = 10000): Promise<IscsiConnection> {
    return new Promise((resolve, reject) => {
      const conn = new IscsiConnection(host, port);
      const socket = conn.socket;
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TransportError(`connect to ${host}:${port} timed out after ${timeoutMs} ms`, false));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.on('error', (e) => conn.finish(e));
        socket.on('close', () => conn.finish(undefined));
        resolve(conn);
      });
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(new TransportError(`connect to ${host}:${port} failed: ${e.message}`, false));
      });
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get localPort(): number | undefined {
    return this.socket.localPort;
  }

  setReaderOptions(opts: Partial<ReaderOptions>): void {
    this.reader.setOptions(opts);
  }

  setWriterOptions(opts: Partial<WriterOptions>): void {
    this.writer.setOptions(opts);
  }

  /** Where Data-In data segments should land (see PduReceiver.setPlacement). */
  setDataInPlacement(placement: DataInPlacement | undefined): void {
    this.reader.setPlacement(placement);
  }

  /**
   * Switch to push mode: every further PDU goes to the handlers. Queued PDUs are delivered first.
   * Set the framing options for full feature phase before calling this.
   */
  attach(handlers: ConnectionHandlers): void {
    this.handlers = handlers;
    const queued = this.queue;
    this.queue = [];
    for (const p of queued) handlers.onPdu(p);
    if (this.isClosed) handlers.onClose(this.closedWith);
    else this.reader.resume(this.onItem);
  }

  /** Pull mode (login): the next PDU, or rejection on close/timeout. */
  receive(timeoutMs: number): Promise<Pdu> {
    const next = this.queue.shift();
    if (next) return Promise.resolve(next);
    if (this.isClosed) {
      return Promise.reject(this.closedWith ?? new TransportError('connection closed by the target', true));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new TransportError(`no answer from ${this.host}:${this.port} within ${timeoutMs} ms`, true));
      }, timeoutMs);
      this.waiter = { resolve, reject, timer };
      // Cut the next buffered PDU, if any (the reader pauses after each PDU in pull mode).
      this.reader.resume(this.onItem);
    });
  }

  /**
   * Queue one PDU for sending. PDUs queued during one turn of the event loop are written together
   * when it ends (one system call for a burst of commands). The data segment is sent from the
   * caller's buffer, which must stay unchanged until the command completes. Returns false when the
   * socket's buffer is above its high-water mark (the PDU is still sent).
   */
  send(pdu: Pdu): boolean {
    if (this.isClosed) return false;
    return this.enqueue(this.writer.frame(pdu));
  }

  /**
   * Queue the Data-Out PDUs for data[start, end) (PduWriter.frameDataOut), like send() for each of
   * them but without building and encoding one PDU object per data segment.
   */
  sendDataOut(
    p: Pick<DataOut, 'lun' | 'itt' | 'ttt' | 'expStatSN'>,
    data: Buffer,
    start: number,
    end: number,
  ): boolean {
    if (this.isClosed) return false;
    return this.enqueue(this.writer.frameDataOut(p, data, start, end));
  }

  private enqueue(frames: Buffer[]): boolean {
    for (const f of frames) {
      this.pending.push(f);
      this.pendingBytes += f.length;
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
    return this.socket.writableLength + this.pendingBytes < this.socket.writableHighWaterMark;
  }

  /** Close the TCP connection (idempotent). */
  close(): void {
    if (!this.socket.destroyed) this.socket.destroy();
    this.finish(undefined);
  }

  private deliver(pdu: Pdu): void {
    if (this.handlers) {
      this.handlers.onPdu(pdu);
      return;
    }
    // Pull mode: one PDU at a time, so that framing options can change between login PDUs.
    this.reader.pause();
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      clearTimeout(w.timer);
      w.resolve(pdu);
    } else {
      this.queue.push(pdu);
    }
  }

  private deliverError(error: PduError): void {
    if (this.handlers) this.handlers.onPduError(error);
    else if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      clearTimeout(w.timer);
      w.reject(new TransportError(`malformed PDU from the target: ${error.message}`, true));
    }
    if (error.fatal) this.close();
  }

  private finish(error: Error | undefined): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.closedWith = error ? new TransportError(`connection lost: ${error.message}`, true) : undefined;
    if (!this.socket.destroyed) this.socket.destroy();
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      clearTimeout(w.timer);
      w.reject(this.closedWith ?? new TransportError('connection closed by the target', true));
    }
    this.handlers?.onClose(this.closedWith);
  }
}
