// CSCD resolution: turning an Identification Descriptor CSCD descriptor (E4h, SPC-4 6.4.5.6) into a
// backend the mover can send commands to. The copy manager never looks LUs up itself: it asks an
// injected CscdResolver, which also enforces who may reach what. A resolver must only return LUs the
// requesting I_T nexus (its initiator name, its CHAP identity) is allowed to access -- an E4h lookup
// over every LU of the SAN is exactly CVE-2020-28374 (LIO) / tcmu-runner #645.
import type { ScsiTransport } from '../../targets/transport';
import type { ItNexus } from '../lu';

/** The identifying fields of an E4h descriptor (designator matched against VPD 83h). */
export interface CscdIdentification {
  peripheralDeviceType: number;
  codeSet: number;
  association: number;
  designatorType: number;
  designator: Buffer;
  /** 0 = any initiator port of the copy manager. */
  relativeInitiatorPortIdentifier: number;
}

/** A reachable copy source or destination. */
export interface CscdBackend {
  /** Every command to the CSCD goes through this transport. */
  transport: ScsiTransport;
  /** Peripheral device type of the LU behind the transport (0 block, 1 stream...). */
  deviceType: number;
  /** Logical block length when the resolver knows it (block devices); READ CAPACITY otherwise. */
  blockLength?: number;
  /** The LU runs in this process (InProcessTransport): no network between reads and writes. */
  inProcess?: boolean;
  /** Called once when the copy no longer needs the backend (close sessions, drop references). */
  release?(): Promise<void>;
}

/**
 * Why a CSCD could not be resolved. All reasons answer COPY ABORTED, UNREACHABLE COPY TARGET
 * (08/04): an initiator learns nothing about LUs it may not access.
 */
export type CscdResolutionReason = 'not-found' | 'not-accessible' | 'unreachable' | 'unsupported';

export class CscdResolutionError extends Error {
  constructor(
    readonly reason: CscdResolutionReason,
    message: string,
  ) {
    super(message);
    this.name = 'CscdResolutionError';
  }
}

export interface CscdResolver {
  /**
   * Find the LU an E4h descriptor designates, as seen by `requester` (the I_T nexus that sent
   * EXTENDED COPY). Throws CscdResolutionError when there is none, or none the requester may use.
   */
  resolve(id: CscdIdentification, requester: ItNexus, signal: AbortSignal): Promise<CscdBackend>;
}

/**
 * Several resolvers in order (local LUs first, then remote SAN backends): the first one that finds
 * the LU wins. "not-found" moves on to the next; any other failure is remembered and reported when
 * no resolver finds it, so a remote backend that is down does not hide behind "not found".
 */
export class ChainResolver implements CscdResolver {
  constructor(private readonly resolvers: readonly CscdResolver[]) {}

  async resolve(id: CscdIdentification, requester: ItNexus, signal: AbortSignal): Promise<CscdBackend> {
    let worst: CscdResolutionError | undefined;
    for (const r of this.resolvers) {
      try {
        return await r.resolve(id, requester, signal);
      } catch (e) {
        if (!(e instanceof CscdResolutionError)) throw e;
        if (e.reason !== 'not-found' && worst === undefined) worst = e;
      }
    }
    throw worst ?? new CscdResolutionError('not-found', 'no LU matches the designator');
  }
}

/**
 * What a remote backend directory (iSCSI LUs of other targets, added by the router mover) provides:
 * the designators its LUs answer in VPD 83h, an access decision, and a way to open a transport.
 * RemoteResolver turns such a directory into a CscdResolver.
 */
export interface RemoteLuDirectory {
  /** Candidate LUs whose VPD 83h has an LU-association designator equal to `id`'s. */
  lookup(id: CscdIdentification, signal: AbortSignal): Promise<RemoteLuRef[]>;
  /** Whether `requester` may reach `lu` (the SAN's ACL and CHAP identity rules). */
  mayAccess(requester: ItNexus, lu: RemoteLuRef): boolean;
  /** Open (or reuse) a session to the LU; throw CscdResolutionError('unreachable') when it is down. */
  open(lu: RemoteLuRef, signal: AbortSignal): Promise<CscdBackend>;
}

export interface RemoteLuRef {
  /** Stable name of the LU in the directory (e.g. an iSCSI URL without credentials). */
  name: string;
  deviceType: number;
}

export class RemoteResolver implements CscdResolver {
  constructor(private readonly directory: RemoteLuDirectory) {}

  async resolve(id: CscdIdentification, requester: ItNexus, signal: AbortSignal): Promise<CscdBackend> {
    const found = await this.directory.lookup(id, signal);
    if (found.length === 0) throw new CscdResolutionError('not-found', 'no remote LU matches the designator');
    const allowed = found.filter((lu) => this.directory.mayAccess(requester, lu));
    if (allowed.length === 0) {
      throw new CscdResolutionError(
        'not-accessible',
        `${requester.initiatorName} may not access the designated LU`,
      );
    }
    return this.directory.open(allowed[0], signal);
  }
}
