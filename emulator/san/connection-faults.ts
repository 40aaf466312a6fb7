// "Drop the connection after N bytes": rules over the iSCSI server's connection tap
// (emulator/iscsi/connection.ts ConnectionTap). A rule counts the bytes of each full-feature
// connection it matches (target, initiator, direction) from the moment it is armed or the
// connection logs in, whichever is later; the connection that reaches N bytes passes exactly N
// and is closed. A rule fires `times` times (default 1), then stays listed, disarmed.
import type { Connection, ConnectionTap } from '../iscsi/connection';

export type ByteDirection = 'in' | 'out' | 'both';

export interface DropConnectionRule {
  afterBytes: number;
  /** Which bytes count: from the initiator ('in'), to it ('out'), or both (default). */
  direction: ByteDirection;
  /** Only sessions to this target IQN / from this initiator IQN. */
  target?: string;
  initiator?: string;
  times: number;
}

interface ArmedRule {
  id: number;
  rule: DropConnectionRule;
  fired: number;
  counts: WeakMap<Connection, number>;
}

export class ConnectionFaults {
  private readonly rules = new Map<number, ArmedRule>();

  /** The tap the iSCSI server installs on every connection. */
  tapFor(conn: Connection): ConnectionTap {
    return {
      received: (n) => this.pass(conn, 'in', n),
      sending: (n) => this.pass(conn, 'out', n),
    };
  }

  add(id: number, rule: DropConnectionRule): void {
    this.rules.set(id, { id, rule, fired: 0, counts: new WeakMap() });
  }

  remove(id: number): boolean {
    return this.rules.delete(id);
  }

  fired(id: number): number {
    return this.rules.get(id)?.fired ?? 0;
  }

  private matches(conn: Connection, r: DropConnectionRule): boolean {
    if (conn.state !== 'full-feature' || conn.session === undefined) return false;
    const s = conn.session;
    if (r.target !== undefined && s.target?.name.toLowerCase() !== r.target.toLowerCase()) return false;
    if (r.initiator !== undefined && s.initiatorName.toLowerCase() !== r.initiator.toLowerCase())
      return false;
    return true;
  }

  private pass(conn: Connection, dir: 'in' | 'out', n: number): number {
    let allowed = n;
    for (const a of this.rules.values()) {
      const r = a.rule;
      if (a.fired >= r.times) continue;
      if (r.direction !== 'both' && r.direction !== dir) continue;
      if (!this.matches(conn, r)) continue;
      const seen = a.counts.get(conn) ?? 0;
      if (seen + n <= r.afterBytes) {
        a.counts.set(conn, seen + n);
        continue;
      }
      a.fired++;
      a.counts.delete(conn);
      allowed = Math.min(allowed, r.afterBytes - seen);
    }
    return allowed;
  }
}
