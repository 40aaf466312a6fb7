// A ScsiTransport that calls a LogicalUnit's execute() in this process: the copy manager's fast path
// to LUs of the same emulated SAN, and the transport tests use to drive real emulated LUs. Buffers
// are handed over as they are (no copy): data-out goes to the LU, the LU's data-in comes back.
//
// Every command runs on a configurable I_T nexus (the LU sees it exactly as it would see an iSCSI
// session's), gets its own task tag and AbortSignal, and obeys timeoutMs and abort() like a remote
// transport: the caller's promise settles with TransportTimeoutError / TransportError while the LU
// is told to stop through the signal.
import type { ItNexus, LogicalUnit, LuResponse } from '../emulator/lu';
import {
  type ScsiCommand,
  type ScsiResult,
  type ScsiTransport,
  TransportError,
  TransportTimeoutError,
} from './transport';

export interface InProcessTransportOptions {
  /** The I_T nexus the LU sees for every command of this transport. */
  nexus: ItNexus;
  /** Human-readable address; default "inprocess://<initiator port>". */
  address?: string;
  /** First task tag (default 1); tags then increase by one per command. */
  firstTaskTag?: number;
}

interface Outstanding {
  controller: AbortController;
  reject: (e: Error) => void;
}

export class InProcessTransport implements ScsiTransport {
  readonly address: string;
  readonly nexus: ItNexus;
  private nextTag: number;
  private closed = false;
  private readonly outstanding = new Set<Outstanding>();

  constructor(
    readonly lu: LogicalUnit,
    opts: InProcessTransportOptions,
  ) {
    this.nexus = opts.nexus;
    this.address = opts.address ?? `inprocess://${opts.nexus.initiatorPort}`;
    this.nextTag = opts.firstTaskTag ?? 1;
  }

  /** Commands sent but not yet answered. */
  get outstandingCount(): number {
    return this.outstanding.size;
  }

  execute(cmd: ScsiCommand): Promise<ScsiResult> {
    if (this.closed) return Promise.reject(new TransportError(`${this.address}: transport closed`, false));
    const controller = new AbortController();
    const taskTag = this.nextTag;
    this.nextTag = this.nextTag >= 0xfffffffe ? 1 : this.nextTag + 1;
    return new Promise<ScsiResult>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const entry: Outstanding = {
        controller,
        reject: (e) => {
          if (!this.outstanding.delete(entry)) return;
          if (timer !== undefined) clearTimeout(timer);
          controller.abort(e);
          reject(e);
        },
      };
      this.outstanding.add(entry);
      if (cmd.timeoutMs !== undefined) {
        timer = setTimeout(
          () =>
            entry.reject(
              new TransportTimeoutError(`${this.address}: command timed out after ${cmd.timeoutMs} ms`),
            ),
          cmd.timeoutMs,
        );
      }
      this.lu
        .execute({
          cdb: cmd.cdb,
          dataOut: cmd.dataOut,
          dataInLength: cmd.dataInLength ?? 0,
          nexus: this.nexus,
          signal: controller.signal,
          taskTag,
        })
        .then(
          (res) => {
            if (!this.outstanding.delete(entry)) return;
            if (timer !== undefined) clearTimeout(timer);
            resolve(toResult(res, cmd));
          },
          (e: unknown) => {
            // A LogicalUnit that throws has no status to give: below SCSI, like a dropped connection.
            const err =
              e instanceof TransportError
                ? e
                : new TransportError(`${this.address}: ${e instanceof Error ? e.message : String(e)}`, true);
            entry.reject(err);
          },
        );
    });
  }

  abort(): Promise<void> {
    for (const o of [...this.outstanding])
      o.reject(new TransportError(`${this.address}: task aborted`, true));
    return Promise.resolve();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.abort();
  }
}

/** SAM status/sense/data-in of an LU response as a ScsiResult (residuals as iSCSI reports them). */
function toResult(res: LuResponse, cmd: ScsiCommand): ScsiResult {
  const sense = res.sense ?? Buffer.alloc(0);
  const produced = res.dataIn ?? Buffer.alloc(0);
  if (cmd.dataInLength !== undefined) {
    const dataIn = produced.length > cmd.dataInLength ? produced.subarray(0, cmd.dataInLength) : produced;
    return { status: res.status, sense, dataIn, residual: cmd.dataInLength - produced.length };
  }
  // Write direction: residual of the data-out sent against what the CDB called for.
  const sent = cmd.dataOut?.length ?? 0;
  const residual = res.dataOutLength === undefined ? 0 : sent - res.dataOutLength;
  return { status: res.status, sense, dataIn: produced, residual };
}
