// The one interface every upper layer uses to reach a logical unit, whatever carries the
// command: iSCSI, SG_IO, or a direct in-process call into an emulated LU.

export type DataDirection = 'none' | 'read' | 'write';

export interface ScsiCommand {
  cdb: Buffer;
  /** Data-out buffer (WRITE, MODE SELECT, EXTENDED COPY parameter list...). */
  dataOut?: Buffer;
  /** Expected data-in transfer length (allocation length) for read-direction commands. */
  dataInLength?: number;
  /**
   * Where the data-in bytes go (at least dataInLength bytes long), so that a caller reading in a
   * loop reuses its buffers instead of getting a fresh one per command; the result's dataIn is then
   * a view of it. A hint: a transport whose data is produced elsewhere (an in-process LU) may ignore
   * it. The caller leaves it alone until the command settles.
   */
  dataInBuffer?: Buffer;
  /** Milliseconds; the transport aborts the task and rejects with TransportTimeoutError. */
  timeoutMs?: number;
  /** SAM task attribute; SIMPLE by default. */
  taskAttribute?: 'simple' | 'ordered' | 'head-of-queue' | 'aca';
}

export interface ScsiResult {
  /** SAM status byte (0 GOOD, 2 CHECK CONDITION, 8 BUSY, 18h RESERVATION CONFLICT...). */
  status: number;
  /** Sense data as returned (fixed or descriptor format), empty when none. */
  sense: Buffer;
  /** Data-in bytes actually transferred. */
  dataIn: Buffer;
  /** Residual: positive = underrun (less transferred than expected), negative = overrun. */
  residual: number;
}

export interface ScsiTransport {
  /** Human-readable address of the LU (URL or device path). */
  readonly address: string;
  execute(cmd: ScsiCommand): Promise<ScsiResult>;
  /** Abort every outstanding command of this transport (ABORT TASK SET semantics). */
  abort(): Promise<void>;
  close(): Promise<void>;
}

/** Base class for failures below SCSI status: the command did not complete with a status. */
export class TransportError extends Error {
  constructor(
    message: string,
    /** Whether the command may have reached the device (false = certainly not executed). */
    readonly mayHaveExecuted: boolean,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export class TransportTimeoutError extends TransportError {
  constructor(message: string) {
    super(message, true);
    this.name = 'TransportTimeoutError';
  }
}
