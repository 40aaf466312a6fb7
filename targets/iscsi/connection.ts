// One initiator-side TCP connection carrying iSCSI PDUs: socket + PduReader + PduWriter.
// During login PDUs are pulled with receive(); in full feature phase they are pushed to a handler.
import * as net from 'node:net';
import { TransportError } from '../transport';
import { PduReader, PduWriter, type ReadItem, type ReaderOptions, type WriterOptions } from './framing';
import type { Pdu } from './pdu';
import { PduError } from './pdu';

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

type Waiter = { resolve: (p: Pdu) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

export class IscsiConnection {
  private readonly reader = new PduReader();
  private readonly writer = new PduWriter();
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
    private readonly socket: net.Socket,
    readonly host: string,
    readonly port: number,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.lastReceive = Date.now();
      this.reader.push(chunk, this.onItem);
    });
    socket.on('error', (e) => this.finish(e));
    socket.on('close', () => this.finish(undefined));
  }

  /** Open a TCP connection. Rejects with TransportError (nothing was executed) on failure or timeout. */
  static connect(host: string, port: number, timeoutMs = 10000): Promise<IscsiConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TransportError(`connect to ${host}:${port} timed out after ${timeoutMs} ms`, false));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new IscsiConnection(socket, host, port));
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

  /** Write one PDU. Returns false when the socket buffer is full (the data is still queued). */
  send(pdu: Pdu): boolean {
    if (this.isClosed) return false;
    const frames = this.writer.frame(pdu);
    if (frames.length === 1) return this.socket.write(frames[0]);
    this.socket.cork();
    let ok = true;
    for (const f of frames) ok = this.socket.write(f);
    this.socket.uncork();
    return ok;
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
