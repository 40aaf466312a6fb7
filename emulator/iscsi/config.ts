// Configuration of the emulated iSCSI target server: portal, targets (IQN + LUN map), ACLs,
// CHAP credentials and the parameters the target negotiates.
import type { NegotiationSettings } from '../../targets/iscsi/negotiation';
import type { LogicalUnit } from '../lu';
import type { Connection, ConnectionTap } from './connection';

export interface ChapUser {
  user: string;
  secret: string;
}

/** CHAP for a target (or for discovery sessions). */
export interface ChapConfig {
  /** Initiator credentials the target accepts (one-way CHAP). */
  users: ChapUser[];
  /** The target's own credentials, for initiators that ask for mutual CHAP. */
  mutual?: ChapUser;
}

export interface TargetConfig {
  /** iSCSI name (iqn. / eui. / naa.). */
  name: string;
  alias?: string;
  /** LUN number -> logical unit. LUN 0 must exist (Linux does not scan a target without it). */
  luns: Map<number, LogicalUnit>;
  /** Initiator names allowed to log in; undefined = everyone. */
  acl?: string[];
  /** CHAP required for this target when set. */
  chap?: ChapConfig;
}

export interface IscsiTargetServerOptions {
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** Listen port; 0 picks a free one (default 3260). */
  port?: number;
  /** Target portal group tag of the portal (default 1). */
  portalGroupTag?: number;
  targets: TargetConfig[];
  /** CHAP for discovery sessions; discovery is open when undefined. */
  discoveryChap?: ChapConfig;
  /** Parameters this target offers/accepts (merged over the defaults below). */
  negotiation?: Partial<NegotiationSettings>;
  /** Commands accepted ahead of execution: MaxCmdSN = ExpCmdSN + window - 1 (default 128). */
  commandWindow?: number;
  /** Largest write (EDTL) accepted in one command, bytes (default 256 MiB). */
  maxWriteBytes?: number;
  /** Send a NOP-In ping on connections idle this long (ms); 0 = off (default). */
  nopInIntervalMs?: number;
  /** Drop a connection whose ping is not answered within this time (ms, default 15000). */
  nopInTimeoutMs?: number;
  /** Drop connections that have not completed login after this long (ms, default 30000). */
  loginTimeoutMs?: number;
  /**
   * Fault-injection hook: called for every accepted connection; the tap it returns sees the
   * connection's bytes both ways and may cut it (the SAN admin API's "drop after N bytes").
   */
  connectionTap?: (conn: Connection) => ConnectionTap | undefined;
}

/** What the target offers when the initiator asks (RFC 7143 13; the initiator's offers usually win). */
export const TARGET_NEGOTIATION_DEFAULTS: Partial<NegotiationSettings> = {
  headerDigest: ['None', 'CRC32C'],
  dataDigest: ['None', 'CRC32C'],
  maxRecvDataSegmentLength: 262144,
  maxBurstLength: 16776192,
  firstBurstLength: 262144,
  maxOutstandingR2T: 8,
  initialR2T: false,
  immediateData: true,
  errorRecoveryLevel: 0,
  maxConnections: 1,
};

const ISCSI_NAME = /^(iqn\.\d{4}-\d{2}\.[^\s]+|eui\.[0-9A-Fa-f]{16}|naa\.[0-9A-Fa-f]{16}([0-9A-Fa-f]{16})?)$/;

/** Check a server configuration; throws RangeError with a readable message. */
export function validateConfig(o: IscsiTargetServerOptions): void {
  const names = new Set<string>();
  if (o.targets.length === 0) throw new RangeError('at least one target is needed');
  for (const t of o.targets) {
    if (!ISCSI_NAME.test(t.name)) throw new RangeError(`"${t.name}" is not an iSCSI name`);
    if (Buffer.byteLength(t.name) > 223)
      throw new RangeError(`target name ${t.name} is longer than 223 bytes`);
    const lower = t.name.toLowerCase();
    if (names.has(lower)) throw new RangeError(`target ${t.name} is configured twice`);
    names.add(lower);
    if (!t.luns.has(0)) throw new RangeError(`target ${t.name} has no LUN 0`);
    for (const lun of t.luns.keys()) {
      if (!Number.isInteger(lun) || lun < 0 || lun > 0x3fff)
        throw new RangeError(`LUN ${lun} of ${t.name} out of range`);
    }
    if (t.chap && t.chap.users.length === 0) throw new RangeError(`target ${t.name}: CHAP without users`);
  }
  const tpgt = o.portalGroupTag ?? 1;
  if (!Number.isInteger(tpgt) || tpgt < 1 || tpgt > 0xffff)
    throw new RangeError(`portal group tag ${tpgt} out of range`);
  const window = o.commandWindow ?? 128;
  if (!Number.isInteger(window) || window < 1 || window > 0x10000)
    throw new RangeError(`command window ${window} out of range`);
}
