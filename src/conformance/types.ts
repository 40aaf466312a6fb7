// Result types of a conformance run: one record per check, and the report that collects them with
// what the copy manager said about itself.

/**
 * pass                 the copy manager did what SPC-4 (and tape.md / xcopy.md) asks
 * fail                 it did something else: the sense it answered is in `sense`, the rest in `detail`
 * skip-not-advertised  the copy manager does not advertise what the check needs (a segment or CSCD
 *                      descriptor type code, a service action, a vendor extension)
 */
export type CheckResult = 'pass' | 'fail' | 'skip-not-advertised';

export interface CheckRecord {
  id: string;
  title: string;
  result: CheckResult;
  /** Sense the check saw last from the copy manager (or a device), "kk/aa/qq"; null when none. */
  sense: string | null;
  detail: string;
}

export interface MoverSummary {
  address: string;
  vendor?: string;
  product?: string;
  revision?: string;
  threePc?: boolean;
  /** Segment and CSCD descriptor type codes the copy manager advertises, hex; null when it says nothing. */
  advertisedCodes: string[] | null;
  /** Advertised codes no check of this run exercises (13h, 15h, 16h, other CSCD types, vendor codes). */
  untestedCodes: string[];
}

export interface ConformanceReport {
  mover: MoverSummary;
  disk: string;
  tape: string;
  restore?: string;
  checks: CheckRecord[];
  summary: { pass: number; fail: number; skipNotAdvertised: number };
}

/** Thrown inside a check to fail it with the sense it saw. */
export class CheckFailure extends Error {
  constructor(
    message: string,
    readonly sense: string | null = null,
  ) {
    super(message);
    this.name = 'CheckFailure';
  }
}

/** Thrown inside a check when the copy manager does not advertise what the check needs. */
export class NotAdvertised extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotAdvertised';
  }
}

export function summarize(checks: readonly CheckRecord[]): ConformanceReport['summary'] {
  return {
    pass: checks.filter((c) => c.result === 'pass').length,
    fail: checks.filter((c) => c.result === 'fail').length,
    skipNotAdvertised: checks.filter((c) => c.result === 'skip-not-advertised').length,
  };
}
