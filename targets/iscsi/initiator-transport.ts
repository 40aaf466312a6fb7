// ScsiTransport over iSCSI for one logical unit, opened from an iscsi:// URL (libiscsi syntax).
// The transport owns its session unless it was made with forLun() on a shared IscsiSession.
import { TransportError, type ScsiCommand, type ScsiResult, type ScsiTransport } from '../transport';
import type { DigestName } from './negotiation';
import { IscsiSession, type IscsiSessionOptions } from './session';
import { formatIscsiUrl, parseIscsiUrl, redact, type HeaderDigestChoice } from './url';

export type IscsiTransportOptions = Omit<IscsiSessionOptions, 'host' | 'port' | 'targetName' | 'sessionType'>;

const DIGESTS: Record<HeaderDigestChoice, DigestName[]> = {
  none: ['None'],
  crc32c: ['CRC32C'],
  'none-crc32c': ['None', 'CRC32C'],
  'crc32c-none': ['CRC32C', 'None'],
};

/** Standard INQUIRY, 36 bytes (SPC-4 6.6). */
const INQUIRY = Buffer.from([0x12, 0, 0, 0, 36, 0]);

export class IscsiTransport implements ScsiTransport {
  private closed = false;

  private constructor(
    readonly session: IscsiSession,
    readonly lun: number,
    readonly address: string,
    private readonly ownsSession: boolean,
  ) {}

  /**
   * Log in to the target named by `iscsi://[user[%password]@]host[:port]/iqn/lun[?target_user=&target_password=]`
   * and check with INQUIRY that the LUN holds a logical unit.
   */
  static async open(url: string, opts: IscsiTransportOptions = {}): Promise<IscsiTransport> {
    const u = parseIscsiUrl(url);
    const session = await IscsiSession.open({
      ...opts,
      host: u.host,
      port: u.port,
      targetName: u.targetName,
      sessionType: 'Normal',
      chap: u.user !== undefined ? { user: u.user, secret: u.password ?? '' } : opts.chap,
      mutualChap:
        u.targetUser !== undefined ? { user: u.targetUser, secret: u.targetPassword ?? '' } : opts.mutualChap,
      settings: u.headerDigest ? { ...opts.settings, headerDigest: DIGESTS[u.headerDigest] } : opts.settings,
    });
    const t = new IscsiTransport(session, u.lun ?? 0, redact(url), true);
    try {
      await t.identify();
    } catch (e) {
      await session.close();
      throw e;
    }
    return t;
  }

  /** A transport for another LUN of an open session (closing it leaves the session open). */
  static async forLun(session: IscsiSession, lun: number): Promise<IscsiTransport> {
    const a = session.address;
    const address = formatIscsiUrl({
      host: a.host,
      port: a.port,
      targetName: session.params.targetName,
      lun,
    });
    const t = new IscsiTransport(session, lun, address, false);
    await t.identify();
    return t;
  }

  /** Peripheral device type reported by INQUIRY (0 disk, 1 tape, 8 changer...). */
  get deviceType(): number | undefined {
    return this.session.deviceType(this.lun);
  }

  private async identify(): Promise<void> {
    const r = await this.session.execute(this.lun, { cdb: INQUIRY, dataInLength: 36, timeoutMs: 30000 });
    if (r.status !== 0 || r.dataIn.length === 0) {
      throw new TransportError(
        `INQUIRY on LUN ${this.lun} failed with status 0x${r.status.toString(16)}`,
        true,
      );
    }
    // Peripheral qualifier 3: no logical unit at this LUN (SPC-4 6.6.2).
    if (r.dataIn[0] >> 5 === 3) throw new TransportError(`no logical unit at LUN ${this.lun}`, true);
  }

  execute(cmd: ScsiCommand): Promise<ScsiResult> {
    if (this.closed) return Promise.reject(new TransportError('transport is closed', false));
    return this.session.execute(this.lun, cmd);
  }

  abort(): Promise<void> {
    return this.session.abortTaskSet(this.lun);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsSession) await this.session.close();
  }
}
