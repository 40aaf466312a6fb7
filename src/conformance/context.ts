// What every check gets: the copy manager's transport and capabilities, the LUs the copies use, the
// disk areas the checks may overwrite, and helpers to send EXTENDED COPY / RECEIVE COPY RESULTS and
// to judge the answers.
import { decodeCopyStatus, type CopyStatus, transferCountBytes } from '../../cdb/xcopy/copy-status';
import { SenseError } from '../../cdb/errors';
import type { ScsiTransport } from '../../targets/transport';
import { extendedCopyCdb, type ListSpec, parameterList, rcrCdb } from './lists';
import type { DiskLu, MoverCapabilities, TapeLu } from './probe';
import { type Answer, CHECK_CONDITION, exec, GOOD, statusText } from './scsi';
import { CheckFailure, NotAdvertised } from './types';

export const MiB = 1024 * 1024;

/** Where the checks put data: byte offsets on the source disk and on the destination disk. */
export const AREA = {
  /** Source data of the small checks: [0, 4 MiB) of --disk. */
  source: 0,
  /** Destination of the small checks on the restore disk (or on --disk, after the source area). */
  destination: 4 * MiB,
  /** The progress check copies PROGRESS_BYTES from offset 0 of --disk to this offset. */
  progressDestination: 12 * MiB,
} as const;

export const PROGRESS_BYTES = 8 * MiB;
/** Smallest --disk / --restore the run accepts. */
export const MINIMUM_DISK_BYTES = AREA.progressDestination + PROGRESS_BYTES;

export class RunContext {
  private listId = 0;
  /** The last sense the copy manager answered during the current check ("kk/aa/qq"). */
  lastSense: string | null = null;
  disk?: DiskLu;
  diskError?: CheckFailure;
  tape?: TapeLu;
  tapeError?: CheckFailure;
  restore?: DiskLu;
  restoreError?: CheckFailure;

  constructor(
    readonly mover: ScsiTransport,
    readonly caps: MoverCapabilities,
    readonly restoreGiven: boolean,
  ) {}

  /** A list identifier not used before in this run (1..255, then around again). */
  nextListId(): number {
    this.listId = (this.listId % 255) + 1;
    return this.listId;
  }

  // ---- prerequisites --------------------------------------------------------------------------------

  needDisk(): DiskLu {
    if (this.disk !== undefined) return this.disk;
    throw new CheckFailure(
      `needs --disk, which is not usable: ${this.diskError?.message ?? 'not probed'}`,
      this.diskError?.sense ?? null,
    );
  }

  needTape(): TapeLu {
    if (this.tape !== undefined) return this.tape;
    throw new CheckFailure(
      `needs --tape, which is not usable: ${this.tapeError?.message ?? 'not probed'}`,
      this.tapeError?.sense ?? null,
    );
  }

  /** Where copies to a disk land: --restore when given, else --disk itself (past the source area). */
  needDestination(): DiskLu {
    if (!this.restoreGiven) return this.needDisk();
    if (this.restore !== undefined) return this.restore;
    throw new CheckFailure(
      `needs --restore, which is not usable: ${this.restoreError?.message ?? 'not probed'}`,
      this.restoreError?.sense ?? null,
    );
  }

  /** Skip unless the copy manager advertises every code (when it advertises anything at all). */
  needCodes(...codes: number[]): void {
    const have = this.caps.codes;
    if (have === undefined) return;
    const missing = codes.filter((c) => !have.has(c));
    if (missing.length > 0) {
      throw new NotAdvertised(
        `descriptor type code${missing.length > 1 ? 's' : ''} ${missing.map(hexCode).join(', ')} not in the implemented descriptor type codes`,
      );
    }
  }

  /** Skip unless VPD 8Fh (when present) lists this CSCD ID. */
  needCscdId(id: number): void {
    const have = this.caps.cscdIds;
    if (have !== undefined && !have.has(id))
      throw new NotAdvertised(`CSCD ID ${id.toString(16).toUpperCase()}h not in VPD 8Fh Supported CSCD IDs`);
  }

  /** Skip unless VPD 8Fh (when it lists commands) lists this RECEIVE COPY RESULTS service action. */
  needRcr(serviceAction: number): void {
    const have = this.caps.rcrServiceActions;
    if (have !== undefined && !have.has(serviceAction)) {
      throw new NotAdvertised(
        `RECEIVE COPY RESULTS service action ${hexCode(serviceAction)} not in VPD 8Fh Supported Commands`,
      );
    }
  }

  // ---- commands to the copy manager --------------------------------------------------------------------

  private noted(a: Answer): Answer {
    if (a.status === CHECK_CONDITION && a.kcq !== undefined) this.lastSense = a.kcq;
    return a;
  }

  async extendedCopy(list: Buffer, parameterListLength = list.length): Promise<Answer> {
    return this.noted(await exec(this.mover, { cdb: extendedCopyCdb(parameterListLength), dataOut: list }));
  }

  async copy(spec: ListSpec): Promise<Answer> {
    return this.extendedCopy(parameterList(spec));
  }

  /** EXTENDED COPY that must complete with GOOD. */
  async copyGood(spec: ListSpec, what: string): Promise<void> {
    const a = await this.copy(spec);
    if (a.status !== GOOD) throw new CheckFailure(`${what}: EXTENDED COPY ${statusText(a)}`, a.kcq ?? null);
  }

  async receiveCopyResults(serviceAction: 0 | 1 | 3 | 4, listIdentifier: number): Promise<Answer> {
    const len = 0x10000;
    return this.noted(
      await exec(this.mover, { cdb: rcrCdb(serviceAction, listIdentifier, len), dataInLength: len }),
    );
  }

  async copyStatus(listIdentifier: number): Promise<CopyStatus> {
    const a = await this.receiveCopyResults(0, listIdentifier);
    if (a.status !== GOOD)
      throw new CheckFailure(`RECEIVE COPY STATUS list ${listIdentifier}: ${statusText(a)}`, a.kcq ?? null);
    try {
      return decodeCopyStatus(a.dataIn);
    } catch (e) {
      if (e instanceof SenseError) throw new CheckFailure(`COPY STATUS data does not decode: ${e.message}`);
      throw e;
    }
  }

  /** COPY STATUS says: completed without errors, these segments, this many bytes. */
  async expectCompleted(listIdentifier: number, segments: number, bytes: number): Promise<void> {
    const s = await this.copyStatus(listIdentifier);
    const moved = transferCountBytes(s);
    if (s.copyManagerStatus !== 1 || s.segmentsProcessed !== segments || moved !== BigInt(bytes)) {
      throw new CheckFailure(
        `COPY STATUS of list ${listIdentifier}: status ${s.copyManagerStatus}, ${s.segmentsProcessed} segments, ${String(moved)} bytes; expected status 1, ${segments} segments, ${bytes} bytes`,
      );
    }
  }
}

export function hexCode(n: number): string {
  return `${n.toString(16).padStart(2, '0').toUpperCase()}h`;
}

/** The answer carries exactly this sense ("kk/aa/qq"), or one of these; else the check fails. */
export function expectSense(a: Answer, expected: string | readonly string[], what: string): string {
  const list = typeof expected === 'string' ? [expected] : expected;
  if (a.status === 0x02 && a.kcq !== undefined && list.includes(a.kcq)) return a.kcq;
  throw new CheckFailure(
    `${what}: ${statusText(a)}, expected CHECK CONDITION ${list.join(' or ')}`,
    a.kcq ?? null,
  );
}
