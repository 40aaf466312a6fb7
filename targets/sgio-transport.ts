// ScsiTransport over Linux SCSI generic (SG_IO), for LUs on FC/SAS HBAs or the kernel's iSCSI
// initiator (/dev/sg*). Commands run on libuv worker threads inside node-scsi-passthrough-shim.
import { HOST_STATUS, probe, SgDevice, SgError, type SgResult } from 'node-scsi-passthrough-shim';
import {
  type ScsiCommand,
  type ScsiResult,
  type ScsiTransport,
  TransportError,
  TransportTimeoutError,
} from './transport';

export { SgError, probe as probeSgDevice };

/** Linux driver byte that only says "sense data present": not a failure by itself. */
const DRIVER_SENSE = 0x08;
const DEFAULT_TIMEOUT_MS = 60_000;

export class SgioTransport implements ScsiTransport {
  private closed = false;

  private constructor(private readonly device: SgDevice) {}

  get address(): string {
    return this.device.path;
  }

  /** sg driver version number (e.g. 30536). */
  get driverVersion(): number {
    return this.device.version;
  }

  /** Open a /dev/sg* device; rejects with SgError (code ENOTTY = not a SCSI generic device). */
  static async open(path: string, options: { readOnly?: boolean } = {}): Promise<SgioTransport> {
    return new SgioTransport(await SgDevice.open(path, options));
  }

  async execute(cmd: ScsiCommand): Promise<ScsiResult> {
    if (this.closed) throw new TransportError(`${this.address}: transport is closed`, false);
    const dataInLength = cmd.dataInLength ?? 0;
    if (cmd.dataOut && dataInLength > 0) {
      throw new TransportError(
        `${this.address}: bidirectional commands are not supported over SG_IO v3`,
        false,
      );
    }
    let r: SgResult;
    try {
      r = await this.device.execute({
        cdb: cmd.cdb,
        dataOut: cmd.dataOut,
        dataInLength,
        direction: cmd.dataOut ? 'to-device' : dataInLength > 0 ? 'from-device' : 'none',
        timeoutMs: cmd.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      });
    } catch (e) {
      if (e instanceof SgError) throw new TransportError(e.message, e.code !== 'EBADF');
      throw e;
    }
    if (r.hostStatus === HOST_STATUS.DID_TIME_OUT) {
      throw new TransportTimeoutError(
        `${this.address}: command ${opName(cmd.cdb)} timed out after ${r.durationMs} ms`,
      );
    }
    if (r.hostStatus !== HOST_STATUS.DID_OK || (r.driverStatus & ~DRIVER_SENSE) !== 0) {
      throw new TransportError(
        `${this.address}: command ${opName(cmd.cdb)} failed below SCSI: host status ${hex(r.hostStatus)}, driver status ${hex(r.driverStatus)}`,
        true,
      );
    }
    const expected = cmd.dataOut ? cmd.dataOut.length : dataInLength;
    return { status: r.status, sense: r.sense, dataIn: r.dataIn, residual: expected === 0 ? 0 : r.resid };
  }

  /**
   * SG_IO has no per-command abort: the kernel's error handler aborts a command when its timeout
   * expires. abort() therefore only refuses new commands until the outstanding ones have returned.
   */
  async abort(): Promise<void> {
    while (this.device.inflight > 0) await new Promise((r) => setTimeout(r, 5));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.abort();
    await this.device.close();
  }
}

function hex(n: number): string {
  return `${n.toString(16).padStart(2, '0')}h`;
}

function opName(cdb: Buffer): string {
  return cdb.length > 0 ? `opcode ${hex(cdb[0])}` : '(empty CDB)';
}
