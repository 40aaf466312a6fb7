// Types of node-scsi-passthrough-shim (Linux SG_IO pass-through).
export type SgDirection = 'none' | 'to-device' | 'from-device';

export interface SgRequest {
  cdb: Buffer;
  /** Defaults from dataOut / dataInLength. */
  direction?: SgDirection;
  dataOut?: Buffer;
  dataInLength?: number;
  /** SG_IO timeout in milliseconds (default 60000). */
  timeoutMs?: number;
  /** Size of the sense buffer (mx_sb_len, default 252, max 255). */
  senseLength?: number;
}

export interface SgResult {
  /** SCSI status byte. */
  status: number;
  maskedStatus: number;
  /** Linux host byte (DID_*). */
  hostStatus: number;
  /** Linux driver byte (DRIVER_*). */
  driverStatus: number;
  /** sg info flags; ok = (info & SG_INFO_OK_MASK) === SG_INFO_OK. */
  info: number;
  ok: boolean;
  /** Sense bytes actually written (sb_len_wr), at most senseLength. */
  sense: Buffer;
  /** Data-in actually transferred (dataInLength - resid). */
  dataIn: Buffer;
  /** dxfer_len minus bytes actually transferred. */
  resid: number;
  /** Duration the kernel measured, ms. */
  durationMs: number;
  /** Wall time around the ioctl on the worker thread, ms. */
  elapsedMs: number;
}

export declare class SgError extends Error {
  readonly errno: number;
  /** ENOENT, EACCES, ENOTTY (not an sg device), EBUSY, ENOSYS (unsupported platform)... */
  readonly code: string;
  readonly syscall: string;
  readonly path: string;
}

export declare class SgDevice {
  readonly path: string;
  readonly fd: number;
  /** sg driver version number, e.g. 30536. */
  readonly version: number;
  readonly inflight: number;
  static open(path: string, options?: { readOnly?: boolean }): Promise<SgDevice>;
  execute(req: SgRequest): Promise<SgResult>;
  close(): Promise<void>;
}

export type SgProbe = { isSg: true; version: number } | { isSg: false; code: string; reason: string };
export declare function probe(path: string): Promise<SgProbe>;
export declare const supported: boolean;
export declare const unsupportedReason: string | undefined;
export declare const HOST_STATUS: Readonly<Record<string, number>>;
export declare const DRIVER_STATUS: Readonly<Record<string, number>>;
