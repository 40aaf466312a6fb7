'use strict';
// JavaScript face of the SG_IO addon: typed errors, argument checks, result shaping.
const os = require('node:os');
const path = require('node:path');

const ERRNO_NAMES = Object.fromEntries(Object.entries(os.constants.errno).map(([name, n]) => [n, name]));

let native = null;
let loadError = null;
try {
  native = require(path.join(__dirname, 'build', 'Release', 'sg_passthrough.node'));
} catch (e) {
  loadError = e;
}

const supported = Boolean(native && native.supported);
const unsupportedReason = supported
  ? undefined
  : process.platform !== 'linux'
    ? `SG_IO is supported on Linux only (this is ${process.platform})`
    : `the native addon did not load: ${loadError ? loadError.message : 'unknown reason'}`;

/** Why a code means what it means for a SCSI generic device. */
const REASONS = {
  ENOTTY: 'not a SCSI generic device',
  ENOENT: 'no such device',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EBUSY: 'device busy',
  ENXIO: 'no such device or address',
  ENODEV: 'no such device',
  EROFS: 'read-only',
  ENOSYS: 'SG_IO is not supported on this platform',
};

class SgError extends Error {
  constructor(message, fields) {
    super(message);
    this.name = 'SgError';
    this.errno = fields.errno;
    this.code = fields.code;
    this.syscall = fields.syscall;
    this.path = fields.path;
  }
}

function wrapNativeError(e, devicePath) {
  if (e && typeof e.errno === 'number') {
    const code = ERRNO_NAMES[e.errno] || `E${e.errno}`;
    const reason = REASONS[code] || e.message.replace(/^.*?: /, '');
    return new SgError(`${devicePath}: ${reason} (${code})`, {
      errno: e.errno,
      code,
      syscall: e.syscall,
      path: devicePath,
    });
  }
  return e;
}

function unsupportedError(devicePath) {
  const errno = os.constants.errno.ENOSYS;
  return new SgError(`${devicePath}: ${unsupportedReason}`, {
    errno,
    code: 'ENOSYS',
    syscall: 'open',
    path: devicePath,
  });
}

const DIRECTIONS = { none: 0, 'to-device': 1, 'from-device': 2 };

class SgDevice {
  constructor(devicePath, fd, version) {
    this.path = devicePath;
    this.fd = fd;
    this.version = version;
    this.closed = false;
    this.inflight = 0;
  }

  /** Open a SCSI generic device; rejects with SgError (ENOTTY = not an sg device). */
  static async open(devicePath, options = {}) {
    if (typeof devicePath !== 'string' || devicePath.length === 0)
      throw new TypeError('device path must be a string');
    if (!supported) throw unsupportedError(devicePath);
    try {
      const r = await native.open(devicePath, Boolean(options.readOnly));
      return new SgDevice(devicePath, r.fd, r.version);
    } catch (e) {
      throw wrapNativeError(e, devicePath);
    }
  }

  /** Run one CDB through SG_IO on a worker thread. */
  async execute(req) {
    if (this.closed)
      throw new SgError(`${this.path}: device is closed`, {
        errno: os.constants.errno.EBADF,
        code: 'EBADF',
        syscall: 'ioctl(SG_IO)',
        path: this.path,
      });
    if (!req || !Buffer.isBuffer(req.cdb)) throw new TypeError('req.cdb must be a Buffer');
    const direction =
      req.direction || (req.dataOut ? 'to-device' : req.dataInLength ? 'from-device' : 'none');
    const dir = DIRECTIONS[direction];
    if (dir === undefined) throw new TypeError(`unknown direction ${direction}`);
    if (dir === 1 && !Buffer.isBuffer(req.dataOut)) throw new TypeError('to-device needs req.dataOut');
    const dataInLength = dir === 2 ? req.dataInLength || 0 : 0;
    const timeoutMs = req.timeoutMs === undefined ? 60000 : req.timeoutMs;
    const senseLength = req.senseLength === undefined ? 252 : req.senseLength;
    this.inflight++;
    let r;
    try {
      r = await native.execute(
        this.fd,
        req.cdb,
        dir,
        dir === 1 ? req.dataOut : Buffer.alloc(0),
        dataInLength,
        timeoutMs,
        senseLength,
      );
    } catch (e) {
      throw wrapNativeError(e, this.path);
    } finally {
      this.inflight--;
    }
    const transferred = dir === 2 ? Math.max(0, Math.min(dataInLength, dataInLength - r.resid)) : 0;
    return {
      status: r.status,
      maskedStatus: r.maskedStatus,
      hostStatus: r.hostStatus,
      driverStatus: r.driverStatus,
      info: r.info,
      ok: (r.info & 1) === 0,
      sense: r.sense,
      dataIn: dir === 2 ? r.data.subarray(0, transferred) : Buffer.alloc(0),
      resid: r.resid,
      durationMs: r.duration,
      elapsedMs: r.elapsedMs,
    };
  }

  async close() {
    if (this.closed) return;
    this.closed = true;
    try {
      await native.close(this.fd);
    } catch (e) {
      throw wrapNativeError(e, this.path);
    }
  }
}

/** Is this path a SCSI generic device, and which sg driver version? Never throws for I/O errors. */
async function probe(devicePath) {
  if (!supported) return { isSg: false, code: 'ENOSYS', reason: unsupportedReason };
  try {
    const dev = await SgDevice.open(devicePath, { readOnly: true });
    const version = dev.version;
    await dev.close();
    return { isSg: true, version };
  } catch (e) {
    if (e instanceof SgError) return { isSg: false, code: e.code, reason: e.message };
    throw e;
  }
}

// Linux SCSI host byte (DID_*) and driver byte values, for interpreting results.
const HOST_STATUS = {
  DID_OK: 0x00,
  DID_NO_CONNECT: 0x01,
  DID_BUS_BUSY: 0x02,
  DID_TIME_OUT: 0x03,
  DID_BAD_TARGET: 0x04,
  DID_ABORT: 0x05,
  DID_PARITY: 0x06,
  DID_ERROR: 0x07,
  DID_RESET: 0x08,
  DID_BAD_INTR: 0x09,
  DID_PASSTHROUGH: 0x0a,
  DID_SOFT_ERROR: 0x0b,
  DID_IMM_RETRY: 0x0c,
  DID_REQUEUE: 0x0d,
  DID_TRANSPORT_DISRUPTED: 0x0e,
  DID_TRANSPORT_FAILFAST: 0x0f,
};
const DRIVER_STATUS = {
  DRIVER_OK: 0x00,
  DRIVER_BUSY: 0x01,
  DRIVER_SOFT: 0x02,
  DRIVER_MEDIA: 0x03,
  DRIVER_ERROR: 0x04,
  DRIVER_INVALID: 0x05,
  DRIVER_TIMEOUT: 0x06,
  DRIVER_HARD: 0x07,
  DRIVER_SENSE: 0x08,
};

module.exports = { SgDevice, SgError, probe, supported, unsupportedReason, HOST_STATUS, DRIVER_STATUS };
