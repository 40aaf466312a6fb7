// What the conformance run learns before it copies anything: the copy manager's standard INQUIRY
// (3PC), its Third-party Copy VPD page (8Fh) and RECEIVE COPY RESULTS OPERATING PARAMETERS (03h);
// and for each LU the copies use, its device type and the VPD 83h designator an E4h descriptor
// names it by.
import { decodeStandardInquiry, encodeInquiryCdb, type StandardInquiryData } from '../../cdb/spc/inquiry';
import { SenseError } from '../../cdb/errors';
import { decodeSupportedVpdPages } from '../../cdb/spc/vpd-00';
import {
  decodeDeviceIdentification,
  encodeDesignator,
  preferredLuDesignator,
  type DesignationDescriptor,
} from '../../cdb/spc/vpd-83';
import {
  decodeThirdPartyCopy,
  findThirdPartyCopyDescriptor,
  type ThirdPartyCopyPage,
} from '../../cdb/spc/vpd-8f';
import { decodeReadCapacity10Data, encodeReadCapacity10 } from '../../cdb/sbc/read-capacity10';
import { decodeReadCapacity16Data, encodeReadCapacity16 } from '../../cdb/sbc/read-capacity16';
import { decodeOperatingParameters, type OperatingParameters } from '../../cdb/xcopy/operating-parameters';
import { EXTENDED_COPY, EXTENDED_COPY_LID1 } from '../../cdb/xcopy/extended-copy';
import {
  encodeReceiveCopyResults,
  RCR_SERVICE_ACTION,
  RECEIVE_COPY_RESULTS,
} from '../../cdb/xcopy/receive-copy-results';
import type { ScsiTransport } from '../../targets/transport';
import { type Answer, DiskIo, exec, GOOD, statusText, TapeIo } from './scsi';
import { CheckFailure } from './types';

export interface VpdAnswer<T> {
  listed: boolean;
  page?: T;
  answer?: Answer;
  error?: string;
}

export interface MoverCapabilities {
  inquiry?: StandardInquiryData;
  inquiryAnswer?: Answer;
  vpdPages?: number[];
  vpd8f: VpdAnswer<ThirdPartyCopyPage>;
  operatingParameters?: OperatingParameters;
  operatingParametersRaw?: Buffer;
  operatingParametersAnswer?: Answer;
  operatingParametersError?: string;
  /** Advertised segment + CSCD descriptor type codes (RCR 03h and VPD 8Fh); undefined = not said. */
  codes?: ReadonlySet<number>;
  /** CSCD IDs above 07FFh from VPD 8Fh (C000h, C001h, FFFFh); undefined = not said. */
  cscdIds?: ReadonlySet<number>;
  /** RECEIVE COPY RESULTS service actions from VPD 8Fh; undefined = not said. */
  rcrServiceActions?: ReadonlySet<number>;
}

async function inquiryPage(t: ScsiTransport, page?: number): Promise<Answer> {
  const len = page === undefined ? 96 : 0xff0;
  return exec(t, {
    cdb: encodeInquiryCdb({
      evpd: page !== undefined,
      pageCode: page ?? 0,
      allocationLength: len,
      control: 0,
    }),
    dataInLength: len,
  });
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function probeMover(t: ScsiTransport): Promise<MoverCapabilities> {
  const caps: MoverCapabilities = { vpd8f: { listed: false } };
  const inq = await inquiryPage(t);
  caps.inquiryAnswer = inq;
  if (inq.status === GOOD) {
    try {
      caps.inquiry = decodeStandardInquiry(inq.dataIn);
    } catch (e) {
      if (!(e instanceof SenseError)) throw e;
    }
  }
  const pages = await inquiryPage(t, 0x00);
  if (pages.status === GOOD) {
    try {
      caps.vpdPages = decodeSupportedVpdPages(pages.dataIn).supportedPages;
    } catch (e) {
      if (!(e instanceof SenseError)) throw e;
    }
  }
  caps.vpd8f.listed = caps.vpdPages?.includes(0x8f) ?? false;
  if (caps.vpd8f.listed) {
    const a = await inquiryPage(t, 0x8f);
    caps.vpd8f.answer = a;
    if (a.status === GOOD) {
      try {
        caps.vpd8f.page = decodeThirdPartyCopy(a.dataIn);
      } catch (e) {
        if (!(e instanceof SenseError)) throw e;
        caps.vpd8f.error = message(e);
      }
    } else caps.vpd8f.error = statusText(a);
  }
  const len = 0x1000;
  const op = await exec(t, {
    cdb: encodeReceiveCopyResults({
      serviceAction: RCR_SERVICE_ACTION.operatingParameters,
      listIdentifier: 0,
      allocationLength: len,
      control: 0,
    }),
    dataInLength: len,
  });
  caps.operatingParametersAnswer = op;
  if (op.status === GOOD) {
    caps.operatingParametersRaw = op.dataIn;
    try {
      caps.operatingParameters = decodeOperatingParameters(op.dataIn);
    } catch (e) {
      if (!(e instanceof SenseError)) throw e;
      caps.operatingParametersError = message(e);
    }
  } else caps.operatingParametersError = statusText(op);

  const codes = new Set<number>();
  let said = false;
  if (caps.operatingParameters !== undefined) {
    said = true;
    for (const c of caps.operatingParameters.implementedDescriptorTypeCodes) codes.add(c);
  }
  const page = caps.vpd8f.page;
  if (page !== undefined) {
    const sd = findThirdPartyCopyDescriptor(page, 0x0008);
    if (sd !== undefined) {
      said = true;
      for (const c of sd.descriptorTypeCodes) codes.add(c);
    }
    const ids = findThirdPartyCopyDescriptor(page, 0x000c);
    if (ids !== undefined) caps.cscdIds = new Set(ids.cscdDescriptorIds);
    const cmds = findThirdPartyCopyDescriptor(page, 0x0001);
    if (cmds !== undefined) {
      const rcr = cmds.commands.find((c) => c.operationCode === RECEIVE_COPY_RESULTS);
      caps.rcrServiceActions = new Set(rcr?.serviceActions ?? []);
      const xc = cmds.commands.find((c) => c.operationCode === EXTENDED_COPY);
      // A copy manager listing its commands but not EXTENDED COPY(LID1) advertises no segments.
      if (xc !== undefined && !xc.serviceActions.includes(EXTENDED_COPY_LID1)) codes.clear();
    }
  }
  if (said) caps.codes = codes;
  return caps;
}

// ---- the LUs the copies use ----------------------------------------------------------------------------

export interface LuIdentity {
  address: string;
  deviceType: number;
  vendor: string;
  /** The LU designator an E4h descriptor uses (association 0, at most 20 bytes). */
  designator: DesignationDescriptor;
  designatorBytes: Buffer;
}

export interface DiskLu extends LuIdentity {
  io: DiskIo;
}

export interface TapeLu extends LuIdentity {
  io: TapeIo;
}

/** INQUIRY and VPD 83h of a LU; fails the calling check when it cannot be named in an E4h descriptor. */
export async function identify(t: ScsiTransport, expectedType: number, role: string): Promise<LuIdentity> {
  const inq = await inquiryPage(t);
  if (inq.status !== GOOD)
    throw new CheckFailure(`${role} ${t.address}: INQUIRY ${statusText(inq)}`, inq.kcq ?? null);
  let std: StandardInquiryData;
  try {
    std = decodeStandardInquiry(inq.dataIn);
  } catch (e) {
    throw new CheckFailure(`${role} ${t.address}: standard INQUIRY data does not decode: ${message(e)}`);
  }
  if (std.peripheralQualifier !== 0 || std.peripheralDeviceType !== expectedType) {
    throw new CheckFailure(
      `${role} ${t.address}: peripheral device type ${std.peripheralDeviceType} (qualifier ${std.peripheralQualifier}), expected ${expectedType}`,
    );
  }
  const vpd = await inquiryPage(t, 0x83);
  if (vpd.status !== GOOD)
    throw new CheckFailure(`${role} ${t.address}: VPD page 83h ${statusText(vpd)}`, vpd.kcq ?? null);
  let designator: DesignationDescriptor | undefined;
  try {
    designator = preferredLuDesignator(decodeDeviceIdentification(vpd.dataIn).designationDescriptors, 20);
  } catch (e) {
    throw new CheckFailure(`${role} ${t.address}: VPD page 83h does not decode: ${message(e)}`);
  }
  if (designator === undefined) {
    throw new CheckFailure(
      `${role} ${t.address}: VPD page 83h has no logical unit designator of at most 20 bytes`,
    );
  }
  return {
    address: t.address,
    deviceType: std.peripheralDeviceType,
    vendor: std.t10VendorIdentification,
    designator,
    designatorBytes: encodeDesignator(designator),
  };
}

export async function identifyDisk(t: ScsiTransport, role: string, minimumBytes: number): Promise<DiskLu> {
  const id = await identify(t, 0x00, role);
  const cap = await readCapacity(t, role);
  if (cap.blocks * BigInt(cap.blockLength) < BigInt(minimumBytes)) {
    throw new CheckFailure(
      `${role} ${t.address}: ${cap.blocks * BigInt(cap.blockLength)} bytes, the run needs at least ${minimumBytes}`,
    );
  }
  return { ...id, io: new DiskIo(t, cap.blockLength, cap.blocks) };
}

async function readCapacity(
  t: ScsiTransport,
  role: string,
): Promise<{ blocks: bigint; blockLength: number }> {
  const r16 = await exec(t, {
    cdb: encodeReadCapacity16({ logicalBlockAddress: 0n, allocationLength: 32, pmi: false, control: 0 }),
    dataInLength: 32,
  });
  if (r16.status === GOOD && r16.dataIn.length >= 12) {
    const d = decodeReadCapacity16Data(r16.dataIn);
    return { blocks: d.returnedLogicalBlockAddress + 1n, blockLength: d.logicalBlockLengthInBytes };
  }
  const r10 = await exec(t, {
    cdb: encodeReadCapacity10({ logicalBlockAddress: 0, pmi: false, control: 0 }),
    dataInLength: 8,
  });
  if (r10.status !== GOOD || r10.dataIn.length < 8)
    throw new CheckFailure(`${role} ${t.address}: READ CAPACITY ${statusText(r10)}`, r10.kcq ?? null);
  const d = decodeReadCapacity10Data(r10.dataIn);
  return { blocks: BigInt(d.returnedLogicalBlockAddress) + 1n, blockLength: d.logicalBlockLengthInBytes };
}

export async function identifyTape(t: ScsiTransport, role: string): Promise<TapeLu> {
  const id = await identify(t, 0x01, role);
  const io = new TapeIo(t);
  const tur = await exec(t, { cdb: Buffer.alloc(6) });
  if (tur.status !== GOOD)
    throw new CheckFailure(`${role} ${t.address}: TEST UNIT READY ${statusText(tur)}`, tur.kcq ?? null);
  // Variable-block mode, at the beginning: the state every tape check starts from.
  await io.setBlockLength(0);
  await io.rewind();
  return { ...id, io };
}
