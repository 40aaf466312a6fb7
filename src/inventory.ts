// What a LU says about itself: standard INQUIRY, VPD pages, capacity. Used by the CLI's
// inquiry/readcap/discover verbs and by the backup server's discovery.
import {
  decodeStandardInquiry,
  encodeInquiryCdb,
  standardInquiryLength,
  vpdPageLength,
  type StandardInquiryData,
} from '../cdb/spc/inquiry';
import {
  decodeDeviceIdentification,
  preferredLuDesignator,
  type DesignationDescriptor,
} from '../cdb/spc/vpd-83';
import { decodeUnitSerialNumber } from '../cdb/spc/vpd-80';
import {
  decodeReportLunsData,
  decodeLun,
  encodeReportLunsCdb,
  reportLunsDataLength,
} from '../cdb/spc/report-luns';
import { encodeReadCapacity10, decodeReadCapacity10Data } from '../cdb/sbc/read-capacity10';
import { encodeReadCapacity16, decodeReadCapacity16Data } from '../cdb/sbc/read-capacity16';
import { encodeDesignator } from '../cdb/spc/vpd-83';
import { runCommand, ScsiStatusError } from '../targets/command';
import type { ScsiTransport } from '../targets/transport';

const TIMEOUT_MS = 30_000;

export const DEVICE_TYPE_NAMES: Record<number, string> = {
  0x00: 'disk',
  0x01: 'tape',
  0x02: 'printer',
  0x03: 'processor',
  0x04: 'write-once',
  0x05: 'cd/dvd',
  0x07: 'optical',
  0x08: 'changer',
  0x0c: 'raid',
  0x0d: 'enclosure',
  0x0e: 'rbc',
  0x1f: 'unknown',
};

export function deviceTypeName(t: number): string {
  return DEVICE_TYPE_NAMES[t] ?? `type ${t.toString(16).padStart(2, '0')}h`;
}

/** Standard INQUIRY data, asking again with the full length when 96 bytes were not enough. */
export async function inquiryRaw(t: ScsiTransport, page?: number): Promise<Buffer> {
  const ask = async (len: number): Promise<Buffer> =>
    (
      await runCommand(t, {
        cdb: encodeInquiryCdb({
          evpd: page !== undefined,
          pageCode: page ?? 0,
          allocationLength: len,
          control: 0,
        }),
        dataInLength: len,
        timeoutMs: TIMEOUT_MS,
      })
    ).dataIn;
  const first = await ask(page === undefined ? 96 : 255);
  const full =
    page === undefined
      ? first.length >= 5
        ? standardInquiryLength(first)
        : 0
      : first.length >= 4
        ? vpdPageLength(first)
        : 0;
  if (full > first.length && full <= 0xffff) return ask(full);
  return first;
}

export async function inquiry(t: ScsiTransport): Promise<StandardInquiryData> {
  return decodeStandardInquiry(await inquiryRaw(t));
}

export interface Capacity {
  /** Number of logical blocks (RETURNED LOGICAL BLOCK ADDRESS + 1). */
  blocks: bigint;
  blockLength: number;
  bytes: bigint;
  /** Thin provisioning enabled (READ CAPACITY(16) LBPME). */
  lbpme?: boolean;
  lbprz?: boolean;
  via: 'READ CAPACITY(16)' | 'READ CAPACITY(10)';
}

/** READ CAPACITY(16), falling back to (10) on devices that do not support it. */
export async function readCapacity(t: ScsiTransport): Promise<Capacity> {
  try {
    const r = await runCommand(t, {
      cdb: encodeReadCapacity16({ logicalBlockAddress: 0n, allocationLength: 32, pmi: false, control: 0 }),
      dataInLength: 32,
      timeoutMs: TIMEOUT_MS,
    });
    const d = decodeReadCapacity16Data(r.dataIn);
    const blocks = d.returnedLogicalBlockAddress + 1n;
    return {
      blocks,
      blockLength: d.logicalBlockLengthInBytes,
      bytes: blocks * BigInt(d.logicalBlockLengthInBytes),
      lbpme: d.lbpme,
      lbprz: d.lbprz,
      via: 'READ CAPACITY(16)',
    };
  } catch (e) {
    // ILLEGAL REQUEST (invalid opcode / field): an SBC-2 device without READ CAPACITY(16).
    if (!(e instanceof ScsiStatusError) || e.senseKey !== 0x05) throw e;
  }
  const r = await runCommand(t, {
    cdb: encodeReadCapacity10({ logicalBlockAddress: 0, pmi: false, control: 0 }),
    dataInLength: 8,
    timeoutMs: TIMEOUT_MS,
  });
  const d = decodeReadCapacity10Data(r.dataIn);
  const blocks = BigInt(d.returnedLogicalBlockAddress) + 1n;
  return {
    blocks,
    blockLength: d.logicalBlockLengthInBytes,
    bytes: blocks * BigInt(d.logicalBlockLengthInBytes),
    via: 'READ CAPACITY(10)',
  };
}

/** LUN numbers from REPORT LUNS (all LUNs, SELECT REPORT 00h). */
export async function reportLuns(t: ScsiTransport): Promise<number[]> {
  const ask = async (len: number): Promise<Buffer> =>
    (
      await runCommand(t, {
        cdb: encodeReportLunsCdb({ selectReport: 0, allocationLength: len, control: 0 }),
        dataInLength: len,
        timeoutMs: TIMEOUT_MS,
      })
    ).dataIn;
  let data = await ask(4096);
  const full = reportLunsDataLength(data);
  if (full > data.length) data = await ask(full);
  return decodeReportLunsData(data).luns.map((l) => decodeLun(l));
}

export interface LuSummary {
  deviceType: number;
  deviceTypeName: string;
  vendor: string;
  product: string;
  revision: string;
  /** SPC VERSION (6 = SPC-4). */
  version: number;
  /** The LU contains a copy manager (EXTENDED COPY). */
  threePc: boolean;
  /** Preferred LU designator from VPD 83h, as hex of the designator bytes. */
  designator?: string;
  designatorType?: number;
  serial?: string;
}

function designatorHex(d: DesignationDescriptor): string {
  return encodeDesignator(d).toString('hex');
}

/** INQUIRY + VPD 80h/83h in one summary; optional pages that fail are left out. */
export async function summarizeLu(t: ScsiTransport): Promise<LuSummary> {
  const std = await inquiry(t);
  const s: LuSummary = {
    deviceType: std.peripheralDeviceType,
    deviceTypeName: deviceTypeName(std.peripheralDeviceType),
    vendor: std.t10VendorIdentification,
    product: std.productIdentification,
    revision: std.productRevisionLevel,
    version: std.version,
    threePc: std.threePc,
  };
  try {
    const page = decodeDeviceIdentification(await inquiryRaw(t, 0x83));
    const d = preferredLuDesignator(page.designationDescriptors);
    if (d) {
      s.designator = designatorHex(d);
      s.designatorType = d.designatorType;
    }
  } catch (e) {
    if (!(e instanceof ScsiStatusError)) throw e;
  }
  try {
    s.serial = decodeUnitSerialNumber(await inquiryRaw(t, 0x80)).productSerialNumber;
  } catch (e) {
    if (!(e instanceof ScsiStatusError)) throw e;
  }
  return s;
}
