// Unit attention conditions, kept per I_T nexus (SAM-5 5.14, SPC-4 5.14). A nexus the LU has
// not seen yet starts with POWER ON, RESET, OR BUS DEVICE RESET OCCURRED (29h/00h), which
// initiators expect after a fresh login; resets and MODE SELECT add conditions for the others,
// persistent reservation events for single nexuses.
import type { ItNexus } from '../lu';

export interface UnitAttention {
  asc: number;
  ascq: number;
}

export const UA_POWER_ON_RESET: UnitAttention = { asc: 0x29, ascq: 0x00 };
export const UA_POWER_ON: UnitAttention = { asc: 0x29, ascq: 0x01 };
export const UA_BUS_DEVICE_RESET: UnitAttention = { asc: 0x29, ascq: 0x03 };
export const UA_MODE_PARAMETERS_CHANGED: UnitAttention = { asc: 0x2a, ascq: 0x01 };
export const UA_CAPACITY_CHANGED: UnitAttention = { asc: 0x2a, ascq: 0x09 };
export const UA_REPORTED_LUNS_CHANGED: UnitAttention = { asc: 0x3f, ascq: 0x0e };
export const UA_MEDIUM_MAY_HAVE_CHANGED: UnitAttention = { asc: 0x28, ascq: 0x00 };

/** I_T nexus key: initiator port and target port together identify the nexus (SAM-5 4.6). */
export function nexusKey(nexus: ItNexus): string {
  return `${nexus.initiatorPort}|${nexus.targetPort}`;
}

export class UnitAttentionTable {
  private readonly pending = new Map<string, UnitAttention[]>();

  /** Register a nexus on its first command; a new nexus gets the power-on condition. */
  private queueFor(nexus: ItNexus): UnitAttention[] {
    const key = nexusKey(nexus);
    let q = this.pending.get(key);
    if (q === undefined) {
      q = [UA_POWER_ON_RESET];
      this.pending.set(key, q);
    }
    return q;
  }

  /** The condition to report next for this nexus, if any (does not clear it). */
  peek(nexus: ItNexus): UnitAttention | undefined {
    return this.queueFor(nexus)[0];
  }

  /** Report-and-clear the oldest condition (SPC-4 5.14: cleared when reported). */
  take(nexus: ItNexus): UnitAttention | undefined {
    return this.queueFor(nexus).shift();
  }

  /** Establish a condition for every known nexus except `except`. */
  establish(ua: UnitAttention, except?: ItNexus): void {
    const skip = except === undefined ? undefined : nexusKey(except);
    for (const [key, q] of this.pending) {
      if (key === skip) continue;
      add(q, ua);
    }
  }

  /**
   * Establish a condition for one nexus only (persistent reservation events: RESERVATIONS
   * PREEMPTED, RESERVATIONS RELEASED, REGISTRATIONS PREEMPTED, SPC-4 6.16). A nexus not seen yet
   * (or forgotten) starts with POWER ON, RESET first, as it would on its next command.
   */
  establishFor(nexus: ItNexus, ua: UnitAttention): void {
    add(this.queueFor(nexus), ua);
  }

  /** Forget a nexus (logout, connection loss): its next login starts with power-on again. */
  forget(nexus: ItNexus): void {
    this.pending.delete(nexusKey(nexus));
  }

  /** Forget every nexus (cold reset: the target restarts as if powered on). */
  forgetAll(): void {
    this.pending.clear();
  }

  /** Pending conditions of a nexus, oldest first (for tests and diagnostics). */
  list(nexus: ItNexus): UnitAttention[] {
    return [...(this.pending.get(nexusKey(nexus)) ?? [])];
  }
}

function add(q: UnitAttention[], ua: UnitAttention): void {
  if (ua.asc === 0x29) {
    // A reset condition supersedes older reset and parameter-change conditions.
    for (let i = q.length - 1; i >= 0; i--) if (q[i].asc === 0x29 || q[i].asc === 0x2a) q.splice(i, 1);
  }
  if (!q.some((u) => u.asc === ua.asc && u.ascq === ua.ascq)) q.push(ua);
}
