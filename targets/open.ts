// One entry point from an address to a ScsiTransport: iSCSI URLs (libiscsi syntax) and SCSI
// generic device paths (/dev/sg3). Bad addresses raise AddressError, which the CLI reports as bad
// input (exit code 2).
import { IscsiTransport, type IscsiTransportOptions } from './iscsi/initiator-transport';
import { IscsiUrlError } from './iscsi/url';
import { SgError, SgioTransport } from './sgio-transport';
import type { ScsiTransport } from './transport';

export class AddressError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'AddressError';
  }
}

export function isIscsiUrl(address: string): boolean {
  return /^iscsi:\/\//i.test(address);
}

export function isDevicePath(address: string): boolean {
  return address.startsWith('/') || address.startsWith('./') || address.startsWith('../');
}

/** Codes that mean "this address does not name a usable SCSI generic device". */
const BAD_DEVICE_CODES = new Set(['ENOTTY', 'ENOENT', 'ENODEV', 'ENXIO', 'ENOSYS', 'EISDIR']);

export interface OpenOptions {
  readOnly?: boolean;
  iscsi?: IscsiTransportOptions;
}

export async function openTransport(address: string, opts: OpenOptions = {}): Promise<ScsiTransport> {
  if (isIscsiUrl(address)) {
    try {
      return await IscsiTransport.open(address, opts.iscsi);
    } catch (e) {
      if (e instanceof IscsiUrlError) throw new AddressError(e.message);
      throw e;
    }
  }
  if (isDevicePath(address)) {
    try {
      return await SgioTransport.open(address, { readOnly: opts.readOnly });
    } catch (e) {
      if (e instanceof SgError && BAD_DEVICE_CODES.has(e.code)) throw new AddressError(e.message);
      throw e;
    }
  }
  throw new AddressError(
    `${JSON.stringify(address)} is neither an iSCSI URL (iscsi://host[:port]/iqn/lun) nor a device path (/dev/sgN)`,
  );
}
