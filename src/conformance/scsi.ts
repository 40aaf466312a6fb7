// SCSI plumbing of the conformance engine: commands over any ScsiTransport with unit attentions
// absorbed, sense as "kk/aa/qq", and the disk and tape operations the checks use to prepare data and
// to read back what the copy manager did (through the LUs' own addresses, never through the mover).
import { decodeSense, type SenseData } from '../../cdb/spc/sense';
import { encodeRead16, encodeWrite16 } from '../../cdb/sbc/read-write16';
import { encodeModeSelect6 } from '../../cdb/spc/mode-select';
import { encodeRead6 } from '../../cdb/ssc/read6';
import { encodeErase6 } from '../../cdb/ssc/erase6';
import { encodeRewind } from '../../cdb/ssc/rewind';
import { encodeWrite6 } from '../../cdb/ssc/write6';
import { encodeWriteFilemarks6 } from '../../cdb/ssc/write-filemarks6';
import { SenseError } from '../../cdb/errors';
import type { ScsiCommand, ScsiResult, ScsiTransport } from '../../targets/transport';
import { CheckFailure } from './types';

export const GOOD = 0x00;
export const CHECK_CONDITION = 0x02;
const UNIT_ATTENTION = 0x06;
/** Per-command timeout: a copy manager that never answers fails the check instead of hanging the run. */
export const COMMAND_TIMEOUT_MS = 120_000;

export interface Answer extends ScsiResult {
  /** "kk/aa/qq" of the sense data, when there is decodable sense. */
  kcq?: string;
  senseData?: SenseData;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

export function kcqOf(s: SenseData): string {
  return `${hex2(s.senseKey)}/${hex2(s.asc)}/${hex2(s.ascq)}`;
}

export function decodeSenseSafe(sense: Buffer): SenseData | undefined {
  if (sense.length === 0) return undefined;
  try {
    return decodeSense(sense);
  } catch (e) {
    if (e instanceof SenseError) return undefined;
    throw e;
  }
}

function answer(r: ScsiResult): Answer {
  const senseData = decodeSenseSafe(r.sense);
  return senseData === undefined ? { ...r } : { ...r, senseData, kcq: kcqOf(senseData) };
}

/** Send a command; UNIT ATTENTION (an event, not this command's failure) is retried a few times. */
export async function exec(t: ScsiTransport, cmd: ScsiCommand): Promise<Answer> {
  const withTimeout: ScsiCommand = { timeoutMs: COMMAND_TIMEOUT_MS, ...cmd };
  for (let attempt = 0; ; attempt++) {
    const a = answer(await t.execute(withTimeout));
    if (a.status === CHECK_CONDITION && a.senseData?.senseKey === UNIT_ATTENTION && attempt < 4) continue;
    return a;
  }
}

export function statusText(a: Answer): string {
  if (a.status === GOOD) return 'GOOD';
  if (a.kcq !== undefined) return `CHECK CONDITION ${a.kcq}`;
  return `status ${hex2(a.status)}h`;
}

/** GOOD, or fail the check with what came instead. */
export function good(a: Answer, what: string): Answer {
  if (a.status !== GOOD) throw new CheckFailure(`${what}: ${statusText(a)}`, a.kcq ?? null);
  return a;
}

// ---- block devices ----------------------------------------------------------------------------------

const MAX_IO_BYTES = 1024 * 1024;

export class DiskIo {
  constructor(
    readonly t: ScsiTransport,
    readonly blockLength: number,
    readonly blocks: bigint,
  ) {}

  async read(lba: bigint, blocks: number): Promise<Buffer> {
    const out: Buffer[] = [];
    const step = Math.max(1, Math.floor(MAX_IO_BYTES / this.blockLength));
    for (let done = 0; done < blocks; done += step) {
      const n = Math.min(step, blocks - done);
      const cdb = encodeRead16({
        rdprotect: 0,
        dpo: false,
        fua: false,
        rarc: false,
        logicalBlockAddress: lba + BigInt(done),
        transferLength: n,
        groupNumber: 0,
        control: 0,
      });
      const a = good(
        await exec(this.t, { cdb, dataInLength: n * this.blockLength }),
        `READ(16) of ${this.t.address}`,
      );
      out.push(a.dataIn);
    }
    return Buffer.concat(out);
  }

  async write(lba: bigint, data: Buffer): Promise<void> {
    const blocks = data.length / this.blockLength;
    const step = Math.max(1, Math.floor(MAX_IO_BYTES / this.blockLength));
    for (let done = 0; done < blocks; done += step) {
      const n = Math.min(step, blocks - done);
      const cdb = encodeWrite16({
        wrprotect: 0,
        dpo: false,
        fua: false,
        logicalBlockAddress: lba + BigInt(done),
        transferLength: n,
        groupNumber: 0,
        control: 0,
      });
      const part = data.subarray(done * this.blockLength, (done + n) * this.blockLength);
      good(await exec(this.t, { cdb, dataOut: part }), `WRITE(16) of ${this.t.address}`);
    }
  }
}

// ---- stream devices ------------------------------------------------------------------------------------

export type TapeObject =
  | { kind: 'block'; data: Buffer }
  | { kind: 'filemark' }
  | { kind: 'eod' }
  | { kind: 'other'; what: string; kcq?: string };

export class TapeIo {
  constructor(readonly t: ScsiTransport) {}

  async rewind(): Promise<void> {
    good(await exec(this.t, { cdb: encodeRewind({ immed: false, control: 0 }) }), 'REWIND');
  }

  /** MODE SELECT(6) with only a block descriptor: BLOCK LENGTH 0 = variable-block mode. */
  async setBlockLength(blockLength: number): Promise<void> {
    const data = Buffer.alloc(12);
    data[2] = 0x10; // BUFFERED MODE 1
    data[3] = 8;
    data.writeUIntBE(blockLength, 9, 3);
    const cdb = encodeModeSelect6({ pf: true, rtd: false, sp: false, parameterListLength: 12, control: 0 });
    good(await exec(this.t, { cdb, dataOut: data }), `MODE SELECT block length ${blockLength}`);
  }

  async write(data: Buffer): Promise<void> {
    const cdb = encodeWrite6({ fixed: false, transferLength: data.length, control: 0 });
    good(await exec(this.t, { cdb, dataOut: data }), `WRITE(6) of ${data.length} bytes`);
  }

  async writeFilemarks(count: number): Promise<void> {
    const cdb = encodeWriteFilemarks6({ wsmk: false, immed: false, filemarkCount: count, control: 0 });
    good(await exec(this.t, { cdb }), 'WRITE FILEMARKS(6)');
  }

  /**
   * Make the tape blank from the beginning: REWIND, ERASE(6) (short: end of data here), REWIND. A
   * drive without ERASE gets a filemark at the beginning instead, so stale blocks cannot pass for
   * what a copy should have written.
   */
  async blank(): Promise<void> {
    await this.rewind();
    const erased = await exec(this.t, { cdb: encodeErase6({ immed: false, long: false, control: 0 }) });
    if (erased.status !== GOOD) await this.writeFilemarks(1);
    await this.rewind();
  }

  /** Rewind and write a layout: Buffers are variable blocks, 'F' filemarks; then rewind. */
  async prepare(layout: readonly (Buffer | 'F')[]): Promise<void> {
    await this.rewind();
    for (const item of layout) {
      if (item === 'F') await this.writeFilemarks(1);
      else await this.write(item);
    }
    await this.rewind();
  }

  /** One variable-mode READ(6) of exactly `length` bytes, classified. */
  async readObject(length: number): Promise<TapeObject> {
    const cdb = encodeRead6({ sili: false, fixed: false, transferLength: length, control: 0 });
    const a = await exec(this.t, { cdb, dataInLength: length });
    if (a.status === GOOD) return { kind: 'block', data: a.dataIn };
    const s = a.senseData;
    if (s !== undefined && s.senseKey === 0x00 && s.filemark) return { kind: 'filemark' };
    if (s !== undefined && s.senseKey === 0x08 && s.asc === 0x00 && s.ascq === 0x05) return { kind: 'eod' };
    if (s !== undefined && s.ili) {
      const info = s.information === undefined ? undefined : BigInt.asIntN(32, s.information);
      return {
        kind: 'other',
        what: `block of another length (ILI, INFORMATION ${String(info)})`,
        kcq: a.kcq,
      };
    }
    return { kind: 'other', what: statusText(a), ...(a.kcq !== undefined ? { kcq: a.kcq } : {}) };
  }

  /**
   * Read from the current position and compare with the expected objects: Buffers are blocks (read
   * with exactly their length), 'F' filemarks, 'EOD' end of data. Fails the check at the first
   * difference.
   */
  async expectObjects(expected: readonly (Buffer | 'F' | 'EOD')[], what: string): Promise<void> {
    for (const [i, e] of expected.entries()) {
      const o = await this.readObject(e === 'F' || e === 'EOD' ? 0x10000 : e.length);
      const want = e === 'F' ? 'filemark' : e === 'EOD' ? 'eod' : 'block';
      if (o.kind === 'other') {
        throw new CheckFailure(`${what}: object ${i} is a ${o.what}, expected ${describe(e)}`, o.kcq ?? null);
      }
      if (o.kind !== want)
        throw new CheckFailure(`${what}: object ${i} is a ${o.kind}, expected ${describe(e)}`);
      if (o.kind === 'block' && Buffer.isBuffer(e) && !o.data.equals(e)) {
        throw new CheckFailure(`${what}: block ${i} (${e.length} bytes) holds other bytes`);
      }
    }
  }
}

function describe(e: Buffer | 'F' | 'EOD'): string {
  return e === 'F' ? 'a filemark' : e === 'EOD' ? 'end of data' : `a ${e.length}-byte block`;
}

// ---- data ---------------------------------------------------------------------------------------------

/** Deterministic bytes, different for every seed (xorshift32). */
export function testPattern(bytes: number, seed: number): Buffer {
  const b = Buffer.alloc(bytes);
  let x = (seed * 2654435761 + 0x9e3779b9) >>> 0 || 1;
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}
