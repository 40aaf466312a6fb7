// CscdResolver over the LogicalUnits of this process (the emulated SAN's LUs). Each registered LU is
// identified by the designators it reports in VPD page 83h (asked once, through the same transport
// the copy will use, then cached); access is decided by a predicate over the requesting I_T nexus, so
// the SAN's ACL / CHAP rules apply to third-party copies exactly as they apply to logins.
import { encodeInquiryCdb } from '../../cdb/spc/inquiry';
import { VPD_DEVICE_IDENTIFICATION } from '../../cdb/spc/vpd-83';
import { InProcessTransport } from '../../targets/inprocess-transport';
import { TransportError } from '../../targets/transport';
import type { ItNexus, LogicalUnit } from '../lu';
import { type RawDesignator, designatorMatches, parseDeviceIdentification } from './designators';
import {
  type CscdBackend,
  type CscdIdentification,
  type CscdResolver,
  CscdResolutionError,
} from './resolver';

export interface LocalLuEntry {
  /** Name in the SAN (e.g. "iqn.2024-01.example:disks/lun0"), for logs and access rules. */
  name: string;
  lu: LogicalUnit;
}

/** May `requester` reach this LU? Called for every candidate; deny by default. */
export type AccessPredicate = (requester: ItNexus, entry: LocalLuEntry) => boolean;

export interface LocalLuResolverOptions {
  /** The nexus the mover's commands use (the LU sees the mover as this initiator). */
  moverNexus: ItNexus;
  mayAccess: AccessPredicate;
}

const INQUIRY_VPD_83 = encodeInquiryCdb({
  evpd: true,
  pageCode: VPD_DEVICE_IDENTIFICATION,
  allocationLength: 0x100,
  control: 0,
});

export class LocalLuResolver implements CscdResolver {
  private readonly entries = new Map<string, LocalLuEntry>();
  private readonly designatorCache = new WeakMap<LogicalUnit, RawDesignator[]>();

  constructor(private readonly opts: LocalLuResolverOptions) {}

  register(name: string, lu: LogicalUnit): void {
    this.entries.set(name, { name, lu });
  }

  unregister(name: string): boolean {
    return this.entries.delete(name);
  }

  /** Registered LUs (admin listings). */
  list(): LocalLuEntry[] {
    return [...this.entries.values()];
  }

  /** A transport to a local LU on the mover's nexus. */
  transportFor(entry: LocalLuEntry): InProcessTransport {
    return new InProcessTransport(entry.lu, {
      nexus: this.opts.moverNexus,
      address: `inprocess://${entry.name}`,
    });
  }

  async designatorsOf(entry: LocalLuEntry): Promise<RawDesignator[]> {
    const cached = this.designatorCache.get(entry.lu);
    if (cached !== undefined) return cached;
    const t = this.transportFor(entry);
    try {
      const r = await t.execute({ cdb: INQUIRY_VPD_83, dataInLength: 0x100 });
      const designators = r.status === 0 ? parseDeviceIdentification(r.dataIn) : [];
      if (r.status === 0) this.designatorCache.set(entry.lu, designators);
      return designators;
    } catch (e) {
      // An LU that cannot answer INQUIRY designates nothing this time (asked again next time).
      if (e instanceof TransportError) return [];
      throw e;
    } finally {
      await t.close();
    }
  }

  async resolve(id: CscdIdentification, requester: ItNexus, signal: AbortSignal): Promise<CscdBackend> {
    const matches: LocalLuEntry[] = [];
    for (const entry of this.entries.values()) {
      if (signal.aborted) throw new CscdResolutionError('unreachable', 'resolution aborted');
      if (designatorMatches(id, await this.designatorsOf(entry))) matches.push(entry);
    }
    if (matches.length === 0)
      throw new CscdResolutionError('not-found', 'no local LU matches the designator');
    const allowed = matches.find((e) => this.opts.mayAccess(requester, e));
    if (allowed === undefined) {
      throw new CscdResolutionError(
        'not-accessible',
        `${requester.initiatorName} may not access ${matches[0].name}`,
      );
    }
    const transport = this.transportFor(allowed);
    return {
      transport,
      deviceType: allowed.lu.deviceType,
      inProcess: true,
      release: () => transport.close(),
    };
  }
}
