// One command to a copy source or destination, the way a careful initiator sends it: UNIT ATTENTION
// is retried at once (a fresh nexus always starts with one), BUSY and TASK SET FULL after a short
// pause, a transport failure becomes DeviceCondition('unreachable'), and the task's AbortSignal is
// honoured between attempts and while waiting for an answer.
import { decodeSense } from '../../cdb/spc/sense';
import {
  SENSE_KEY_UNIT_ATTENTION,
  STATUS_BUSY,
  STATUS_CHECK_CONDITION,
  STATUS_GOOD,
  STATUS_TASK_SET_FULL,
} from '../../cdb/spc/status';
import { senseKeyOf } from '../../targets/command';
import {
  type ScsiCommand,
  type ScsiResult,
  type ScsiTransport,
  TransportError,
} from '../../targets/transport';
import { CopyCancelled, DeviceCondition } from './errors';

const BUSY_PAUSE_MS = 10;

/** The fields of a backend's sense data the mover acts on. */
export interface SenseSummary {
  senseKey: number;
  asc: number;
  ascq: number;
  filemark: boolean;
  eom: boolean;
  ili: boolean;
  /** INFORMATION when VALID (signed interpretation for stream residues is up to the caller). */
  information?: bigint;
}

/** Decode the parts of sense data the mover needs; undefined for missing or malformed sense. */
export function summarizeSense(sense: Buffer): SenseSummary | undefined {
  if (sense.length === 0) return undefined;
  try {
    const s = decodeSense(sense);
    return {
      senseKey: s.senseKey,
      asc: s.asc,
      ascq: s.ascq,
      filemark: s.filemark,
      eom: s.eom,
      ili: s.ili,
      ...(s.information === undefined ? {} : { information: s.information }),
    };
  } catch {
    return undefined;
  }
}

/** Fixed-format INFORMATION is 32 bits; stream residues in it are two's complement. */
export function signedInformation(info: bigint | undefined): number | undefined {
  if (info === undefined) return undefined;
  if (info <= 0xffffffffn) return Number(BigInt.asIntN(32, info));
  return Number(BigInt.asIntN(64, info));
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Commands of one copy waiting for their answers. One 'abort' listener on the copy's signal serves
 * them all (a listener per command would pile up past Node's MaxListeners warning with a deep
 * pipeline, and costs an add/remove per command).
 */
class AbortWatch {
  private readonly waiting = new Set<(e: Error) => void>();
  private listening = false;

  constructor(private readonly signal: AbortSignal) {}

  /** Settle with the command's result or reject with CopyCancelled when the signal fires first. */
  race<T>(p: Promise<T>): Promise<T> {
    if (this.signal.aborted) {
      p.catch(() => undefined);
      return Promise.reject(new CopyCancelled());
    }
    if (!this.listening) {
      this.listening = true;
      this.signal.addEventListener(
        'abort',
        () => {
          for (const cancel of [...this.waiting]) cancel(new CopyCancelled());
          this.waiting.clear();
        },
        { once: true },
      );
    }
    return new Promise<T>((resolve, reject) => {
      this.waiting.add(reject);
      p.then(
        (v) => {
          this.waiting.delete(reject);
          resolve(v);
        },
        (e: unknown) => {
          this.waiting.delete(reject);
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }
}

export interface BackendOptions {
  retries: number;
  timeoutMs: number;
  signal: AbortSignal;
}

export class Backend {
  private readonly watch: AbortWatch;

  constructor(
    readonly transport: ScsiTransport,
    private readonly opts: BackendOptions,
  ) {
    this.watch = new AbortWatch(opts.signal);
  }

  get signal(): AbortSignal {
    return this.opts.signal;
  }

  /**
   * Send a command; returns the final result whatever its status (after retries of UNIT ATTENTION,
   * BUSY and TASK SET FULL). Throws DeviceCondition('unreachable') for transport failures and
   * CopyCancelled when the copy is aborted.
   */
  async send(cmd: ScsiCommand): Promise<ScsiResult> {
    const signal = this.opts.signal;
    const withTimeout: ScsiCommand =
      this.opts.timeoutMs > 0 ? { ...cmd, timeoutMs: this.opts.timeoutMs } : cmd;
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) throw new CopyCancelled();
      let result: ScsiResult;
      try {
        result = await this.watch.race(this.transport.execute(withTimeout));
      } catch (e) {
        if (e instanceof TransportError) {
          throw new DeviceCondition('unreachable', `${this.transport.address}: ${e.message}`);
        }
        throw e;
      }
      if (attempt >= this.opts.retries) return result;
      if (result.status === STATUS_BUSY || result.status === STATUS_TASK_SET_FULL) {
        await pause(BUSY_PAUSE_MS, signal);
        continue;
      }
      // Only the sense key is needed here: the caller decodes the sense it acts on.
      if (result.status === STATUS_CHECK_CONDITION && senseKeyOf(result.sense) === SENSE_KEY_UNIT_ATTENTION) {
        continue;
      }
      return result;
    }
  }

  /** Send and insist on GOOD: anything else is DeviceCondition('failure') carrying the response. */
  async sendGood(cmd: ScsiCommand, what: string): Promise<ScsiResult> {
    const r = await this.send(cmd);
    if (r.status !== STATUS_GOOD) {
      throw new DeviceCondition(
        'failure',
        `${this.transport.address}: ${what} ended with status ${r.status.toString(16)}h`,
        r,
      );
    }
    return r;
  }
}
