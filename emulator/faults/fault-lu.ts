// FaultInjectingLu: a LogicalUnit decorator that makes a healthy emulated LU misbehave on purpose,
// for tests and for the SAN's admin API. Faults are rules matched against each command:
//
//   medium-error      READ/WRITE/VERIFY touching an LBA range -> CHECK CONDITION, MEDIUM ERROR,
//                     03/11/00 UNRECOVERED READ ERROR (reads) or 03/0C/00 WRITE ERROR (writes),
//                     VALID=1 and INFORMATION = first failing LBA. A failing write first writes
//                     the blocks before that LBA through the inner LU, as a real disk would.
//   sense             any command whose opcode matches -> CHECK CONDITION with the given sense
//                     (e.g. tape VOLUME OVERFLOW on WRITE(6)); optional FILEMARK/EOM/ILI/INFORMATION.
//   status            any matching command -> that SAM status without sense (BUSY, RESERVATION CONFLICT).
//   delay             matching commands wait `ms` before they run (abortable through the task's signal).
//   connection-loss   matching commands reject with TransportError, the way a transport reports a
//                     dropped connection; with `afterExecute` the command runs first (its effect
//                     is real, its response is lost).
//
// `skip` lets the first N matching commands through, `times` disarms a rule after N hits.
// The decorator never changes commands it does not fault.
import { encodeWrite16 } from '../../cdb/sbc/read-write16';
import { TransportError } from '../../targets/transport';
import { checkCondition, SenseKey, STATUS_TASK_ABORTED } from '../devices/sense';
import type { ItNexus, LogicalUnit, LuRequest, LuResponse } from '../lu';

export type FaultOperation = 'read' | 'write' | 'any';

interface FaultCommon {
  /** Let this many matching commands through before the rule fires (default 0). */
  skip?: number;
  /** Fire at most this many times (default: unlimited). */
  times?: number;
  /** Only commands from this initiator port (default: any). */
  initiatorPort?: string;
}

export interface MediumErrorFault extends FaultCommon {
  kind: 'medium-error';
  operation: FaultOperation;
  /** First LBA of the bad range. */
  lba: bigint;
  /** Number of bad blocks (default 1). */
  blocks?: bigint;
}

export interface SenseFault extends FaultCommon {
  kind: 'sense';
  /** Operation codes to match (empty or absent = every command). */
  opcodes?: number[];
  senseKey: number;
  asc: number;
  ascq: number;
  information?: bigint;
  filemark?: boolean;
  eom?: boolean;
  ili?: boolean;
  /** Data-in delivered along with the CHECK CONDITION (e.g. the part read before a filemark). */
  dataIn?: Buffer;
}

export interface StatusFault extends FaultCommon {
  kind: 'status';
  opcodes?: number[];
  status: number;
}

export interface DelayFault extends FaultCommon {
  kind: 'delay';
  opcodes?: number[];
  ms: number;
}

export interface ConnectionLossFault extends FaultCommon {
  kind: 'connection-loss';
  opcodes?: number[];
  /** Run the command on the inner LU first, then lose the response (default false). */
  afterExecute?: boolean;
}

export type Fault = MediumErrorFault | SenseFault | StatusFault | DelayFault | ConnectionLossFault;

interface Rule {
  id: number;
  fault: Fault;
  seen: number;
  fired: number;
}

/** LBA range of a block READ/WRITE/VERIFY CDB, or undefined for other commands. */
export interface BlockAccess {
  operation: 'read' | 'write';
  lba: bigint;
  blocks: bigint;
}

/** Decode the LBA range of SBC READ/WRITE/WRITE AND VERIFY/VERIFY CDBs (6, 10, 12, 16 bytes). */
export function blockAccessOf(cdb: Buffer): BlockAccess | undefined {
  if (cdb.length === 0) return undefined;
  const op = cdb[0];
  const read = [0x08, 0x28, 0xa8, 0x88, 0x2f, 0xaf, 0x8f].includes(op);
  const write = [0x0a, 0x2a, 0xaa, 0x8a, 0x2e, 0xae, 0x8e].includes(op);
  if (!read && !write) return undefined;
  const operation = read ? 'read' : 'write';
  // SPC-4 4.2.5.1: the operation code group gives the CDB size.
  if (op < 0x20) {
    if (cdb.length < 6) return undefined;
    const lba = BigInt(((cdb[1] & 0x1f) << 16) | cdb.readUInt16BE(2));
    return { operation, lba, blocks: BigInt(cdb[4] === 0 ? 256 : cdb[4]) };
  }
  if (op < 0x80) {
    if (cdb.length < 10) return undefined;
    return { operation, lba: BigInt(cdb.readUInt32BE(2)), blocks: BigInt(cdb.readUInt16BE(7)) };
  }
  if (op >= 0xa0) {
    if (cdb.length < 12) return undefined;
    return { operation, lba: BigInt(cdb.readUInt32BE(2)), blocks: BigInt(cdb.readUInt32BE(6)) };
  }
  if (cdb.length < 16) return undefined;
  return { operation, lba: cdb.readBigUInt64BE(2), blocks: BigInt(cdb.readUInt32BE(10)) };
}

/** A rule that applies; a medium-error rule also has the command's LBA range and first bad LBA. */
interface RuleMatch {
  bad: bigint;
  access?: BlockAccess;
}

function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve(false);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export class FaultInjectingLu implements LogicalUnit {
  private readonly rules: Rule[] = [];
  private nextId = 1;
  /** Commands received, faulted or not (diagnostics). */
  commandCount = 0;
  /** Commands a rule acted on. */
  faultCount = 0;

  constructor(
    readonly inner: LogicalUnit,
    faults: Fault[] = [],
  ) {
    for (const f of faults) this.addFault(f);
  }

  get deviceType(): number {
    return this.inner.deviceType;
  }

  /** Arm a rule; returns its id for removeFault(). */
  addFault(fault: Fault): number {
    const id = this.nextId++;
    this.rules.push({ id, fault, seen: 0, fired: 0 });
    return id;
  }

  removeFault(id: number): boolean {
    const i = this.rules.findIndex((r) => r.id === id);
    if (i < 0) return false;
    this.rules.splice(i, 1);
    return true;
  }

  clearFaults(): void {
    this.rules.length = 0;
  }

  /** Armed rules with their hit counters (admin API listings). */
  faults(): { id: number; fault: Fault; seen: number; fired: number }[] {
    return this.rules.map((r) => ({ ...r }));
  }

  reset(kind: 'lu-reset' | 'target-warm-reset' | 'target-cold-reset'): void {
    this.inner.reset(kind);
  }

  nexusLost(nexus: ItNexus): void {
    this.inner.nexusLost?.(nexus);
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }

  async execute(req: LuRequest): Promise<LuResponse> {
    this.commandCount++;
    for (const rule of this.rules) {
      const match = this.matches(rule.fault, req);
      if (match === undefined) continue;
      rule.seen++;
      if (rule.seen <= (rule.fault.skip ?? 0)) continue;
      if (rule.fault.times !== undefined && rule.fired >= rule.fault.times) continue;
      rule.fired++;
      this.faultCount++;
      const f = rule.fault;
      switch (f.kind) {
        case 'delay':
          if (!(await sleep(f.ms, req.signal))) return { status: STATUS_TASK_ABORTED };
          // A delay does not stop other rules from applying.
          continue;
        case 'medium-error':
          return this.mediumError(req, match);
        case 'sense': {
          const r = checkCondition(f);
          return f.dataIn === undefined ? r : { ...r, dataIn: f.dataIn };
        }
        case 'status':
          return { status: f.status };
        case 'connection-loss':
          if (f.afterExecute === true) await this.inner.execute(req);
          throw new TransportError('connection lost (injected fault)', f.afterExecute === true);
      }
    }
    return this.inner.execute(req);
  }

  /** Whether the rule applies to this command (undefined: it does not). */
  private matches(f: Fault, req: LuRequest): RuleMatch | undefined {
    if (f.initiatorPort !== undefined && f.initiatorPort !== req.nexus.initiatorPort) return undefined;
    if (f.kind !== 'medium-error') {
      const ops = f.opcodes;
      return ops === undefined || ops.length === 0 || ops.includes(req.cdb[0]) ? { bad: 0n } : undefined;
    }
    const access = blockAccessOf(req.cdb);
    if (access === undefined) return undefined;
    if (f.operation !== 'any' && f.operation !== access.operation) return undefined;
    const end = f.lba + (f.blocks ?? 1n);
    const first = access.lba > f.lba ? access.lba : f.lba;
    return first < end && first < access.lba + access.blocks ? { bad: first, access } : undefined;
  }

  private async mediumError(req: LuRequest, { bad: badLba, access }: RuleMatch): Promise<LuResponse> {
    if (access === undefined)
      throw new RangeError('medium-error rule matched a command without an LBA range');
    if (
      access.operation === 'write' &&
      badLba > access.lba &&
      req.dataOut !== undefined &&
      access.blocks > 0n
    ) {
      // The blocks before the bad one reach the medium.
      const good = Number(badLba - access.lba);
      const blockSize = Math.floor(req.dataOut.length / Number(access.blocks));
      const inner = await this.inner.execute({
        ...req,
        // WRITE(16) of the good prefix.
        cdb: encodeWrite16({
          wrprotect: 0,
          dpo: false,
          fua: false,
          logicalBlockAddress: access.lba,
          transferLength: good,
          groupNumber: 0,
          control: 0,
        }),
        dataOut: req.dataOut.subarray(0, good * blockSize),
      });
      if (inner.status !== 0) return inner;
    }
    // Fixed-format sense: an LBA beyond 32 bits leaves INFORMATION out (VALID=0).
    return checkCondition({
      senseKey: SenseKey.MEDIUM_ERROR,
      asc: access.operation === 'read' ? 0x11 : 0x0c,
      ascq: 0x00,
      information: badLba,
    });
  }
}
