// The conformance engine: runs every check against a copy manager and the LUs it copies between,
// over any ScsiTransport (iSCSI, SG_IO, in-process). The copy manager is asked what it implements
// (INQUIRY 3PC, VPD 8Fh, RECEIVE COPY RESULTS 03h); a check needing a segment or CSCD descriptor
// type it does not advertise is 'skip-not-advertised'; everything else is run and judged 'pass' or
// 'fail' (with the sense seen). A device that is no copy manager at all gets every check run and
// failed with the sense it answers (typically 05/20/00), never a crash.
//
// DESTRUCTIVE: the run overwrites the first MINIMUM_DISK_BYTES of --disk and --restore and
// everything on the tape.
import type { ScsiTransport } from '../../targets/transport';
import type { CheckSpec } from './check';
import { CAPABILITY_CHECKS } from './checks-capabilities';
import { DISK_CHECKS } from './checks-disk';
import { ERROR_CHECKS } from './checks-errors';
import { RESULT_CHECKS } from './checks-results';
import { TAPE_CHECKS } from './checks-tape';
import { TAPE_CONTROL_CHECKS } from './checks-tape-control';
import { hexCode, MINIMUM_DISK_BYTES, RunContext } from './context';
import { identifyDisk, identifyTape, type MoverCapabilities, probeMover } from './probe';
import { CheckFailure, type CheckRecord, type ConformanceReport, NotAdvertised, summarize } from './types';

export const ALL_CHECKS: readonly CheckSpec[] = [
  ...CAPABILITY_CHECKS,
  ...DISK_CHECKS,
  ...TAPE_CHECKS,
  ...TAPE_CONTROL_CHECKS,
  ...ERROR_CHECKS,
  ...RESULT_CHECKS,
];

/** Descriptor type codes some check copies with: 00h-12h, 14h, C0h (xcopy-backup's digest), E4h. */
export const EXERCISED_CODES: ReadonlySet<number> = new Set([
  ...Array.from({ length: 0x13 }, (_v, i) => i),
  0x14,
  0xc0,
  0xe4,
]);

export interface ConformanceTransports {
  /** The LU holding the copy manager (EXTENDED COPY and RECEIVE COPY RESULTS go here). */
  mover: ScsiTransport;
  /** A block device the copy manager can reach (source of the disk copies). */
  disk: ScsiTransport;
  /** A stream device the copy manager can reach. */
  tape: ScsiTransport;
  /** A second block device for restores; without it copies land on --disk after the source area. */
  restore?: ScsiTransport;
}

export interface ConformanceOptions {
  /** Called after each check (progress output). */
  onCheck?: (c: CheckRecord) => void;
  /** Run only checks whose id starts with one of these prefixes. */
  only?: readonly string[];
}

function message(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

function failureOf(e: unknown, what: string): CheckFailure {
  return e instanceof CheckFailure ? e : new CheckFailure(`${what}: ${message(e)}`);
}

async function runCheck(spec: CheckSpec, ctx: RunContext): Promise<CheckRecord> {
  const base = { id: spec.id, title: spec.title };
  ctx.lastSense = null;
  try {
    const detail = await spec.run(ctx);
    return { ...base, result: 'pass', sense: ctx.lastSense, detail };
  } catch (e) {
    if (e instanceof NotAdvertised)
      return { ...base, result: 'skip-not-advertised', sense: null, detail: e.message };
    if (e instanceof CheckFailure)
      return { ...base, result: 'fail', sense: e.sense ?? ctx.lastSense, detail: e.message };
    // Transport failures, timeouts, malformed answers: the check fails, the run goes on.
    return { ...base, result: 'fail', sense: ctx.lastSense, detail: message(e) };
  }
}

export async function runConformance(
  t: ConformanceTransports,
  o: ConformanceOptions = {},
): Promise<ConformanceReport> {
  let caps: MoverCapabilities;
  try {
    caps = await probeMover(t.mover);
  } catch (e) {
    caps = { vpd8f: { listed: false, error: message(e) }, operatingParametersError: message(e) };
  }
  const ctx = new RunContext(t.mover, caps, t.restore !== undefined);
  try {
    ctx.disk = await identifyDisk(t.disk, '--disk', MINIMUM_DISK_BYTES);
  } catch (e) {
    ctx.diskError = failureOf(e, '--disk');
  }
  try {
    ctx.tape = await identifyTape(t.tape, '--tape');
  } catch (e) {
    ctx.tapeError = failureOf(e, '--tape');
  }
  if (t.restore !== undefined) {
    try {
      ctx.restore = await identifyDisk(t.restore, '--restore', MINIMUM_DISK_BYTES);
    } catch (e) {
      ctx.restoreError = failureOf(e, '--restore');
    }
  }
  const checks: CheckRecord[] = [];
  for (const spec of ALL_CHECKS) {
    if (o.only !== undefined && !o.only.some((p) => spec.id.startsWith(p))) continue;
    const record = await runCheck(spec, ctx);
    checks.push(record);
    o.onCheck?.(record);
  }
  const inq = caps.inquiry;
  const advertised = caps.codes === undefined ? null : [...caps.codes].sort((a, b) => a - b);
  return {
    mover: {
      address: t.mover.address,
      ...(inq !== undefined
        ? {
            vendor: inq.t10VendorIdentification,
            product: inq.productIdentification,
            revision: inq.productRevisionLevel,
            threePc: inq.threePc,
          }
        : {}),
      advertisedCodes: advertised === null ? null : advertised.map(hexCode),
      untestedCodes: (advertised ?? []).filter((c) => !EXERCISED_CODES.has(c)).map(hexCode),
    },
    disk: t.disk.address,
    tape: t.tape.address,
    ...(t.restore !== undefined ? { restore: t.restore.address } : {}),
    checks,
    summary: summarize(checks),
  };
}
