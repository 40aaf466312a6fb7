// Discovery: which LUs a portal or a set of SCSI generic devices offers, what each one is, and
// which of them are copy managers (data movers) with what limits.
import { decodeOperatingParameters, type OperatingParameters } from '../cdb/xcopy/operating-parameters';
import { encodeReceiveCopyResults, RCR_SERVICE_ACTION } from '../cdb/xcopy/receive-copy-results';
import { runCommand, ScsiStatusError } from '../targets/command';
import { IscsiTransport } from '../targets/iscsi/initiator-transport';
import { discoverTargets, IscsiSession, type IscsiSessionOptions } from '../targets/iscsi/session';
import { formatIscsiUrl } from '../targets/iscsi/url';
import { SgioTransport } from '../targets/sgio-transport';
import type { ScsiTransport } from '../targets/transport';
import { reportLuns, summarizeLu, type LuSummary } from './inventory';

export interface DiscoveredLu extends LuSummary {
  /** iscsi:// URL or device path to reach the LU. */
  address: string;
  lun?: number;
  /** Copy manager limits (RECEIVE COPY RESULTS OPERATING PARAMETERS) when 3PC is set and it answers. */
  copyManager?: OperatingParameters;
  error?: string;
}

export interface DiscoveredTargetLus {
  targetName: string;
  portals: string[];
  lus: DiscoveredLu[];
  error?: string;
}

/** RECEIVE COPY RESULTS (03h OPERATING PARAMETERS); undefined when the LU refuses it. */
export async function copyManagerParameters(t: ScsiTransport): Promise<OperatingParameters | undefined> {
  const len = 4096;
  try {
    const r = await runCommand(t, {
      cdb: encodeReceiveCopyResults({
        serviceAction: RCR_SERVICE_ACTION.operatingParameters,
        listIdentifier: 0,
        allocationLength: len,
        control: 0,
      }),
      dataInLength: len,
      timeoutMs: 30_000,
    });
    return decodeOperatingParameters(r.dataIn);
  } catch (e) {
    if (e instanceof ScsiStatusError) return undefined;
    throw e;
  }
}

async function describe(t: ScsiTransport, address: string, lun?: number): Promise<DiscoveredLu> {
  const summary = await summarizeLu(t);
  const lu: DiscoveredLu = { address, lun, ...summary };
  if (summary.threePc) lu.copyManager = await copyManagerParameters(t);
  return lu;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export type PortalCredentials = Pick<IscsiSessionOptions, 'chap' | 'mutualChap' | 'initiatorName'>;

/** SendTargets on a portal, then REPORT LUNS and INQUIRY for every LUN of every target. */
export async function discoverPortal(
  host: string,
  port: number,
  creds: PortalCredentials = {},
): Promise<DiscoveredTargetLus[]> {
  const targets = await discoverTargets({ host, port, ...creds });
  const out: DiscoveredTargetLus[] = [];
  for (const target of targets) {
    const entry: DiscoveredTargetLus = {
      targetName: target.targetName,
      portals: target.portals.map((p) => `${p.host}:${p.port},${p.tpgt}`),
      lus: [],
    };
    out.push(entry);
    let session: IscsiSession | undefined;
    try {
      session = await IscsiSession.open({ host, port, targetName: target.targetName, ...creds });
      const lunT = await IscsiTransport.forLun(session, 0).catch(() => undefined);
      const luns = lunT ? await reportLuns(lunT) : [0];
      await lunT?.close();
      for (const lun of luns) {
        const address = formatIscsiUrl({ host, port, targetName: target.targetName, lun });
        try {
          const t = await IscsiTransport.forLun(session, lun);
          try {
            entry.lus.push(await describe(t, address, lun));
          } finally {
            await t.close();
          }
        } catch (e) {
          entry.lus.push({ address, lun, error: message(e) } as DiscoveredLu);
        }
      }
    } catch (e) {
      entry.error = message(e);
    } finally {
      await session?.close().catch(() => undefined);
    }
  }
  return out;
}

/** INQUIRY (and copy manager parameters) for each SCSI generic device path. */
export async function discoverDevices(paths: readonly string[]): Promise<DiscoveredLu[]> {
  const out: DiscoveredLu[] = [];
  for (const path of paths) {
    let t: SgioTransport | undefined;
    try {
      t = await SgioTransport.open(path, { readOnly: false });
      out.push(await describe(t, path));
    } catch (e) {
      out.push({ address: path, error: message(e) } as DiscoveredLu);
    } finally {
      await t?.close().catch(() => undefined);
    }
  }
  return out;
}
