// INQUIRY data (SPC-4 6.6): the standard data and the VPD pages every device type shares
// (00h supported pages, 80h unit serial number, 83h device identification).
import { putAscii } from '../../cdb/bytes';
import { invalidCdbField } from '../../cdb/errors';
import type { ItNexus } from '../lu';
import type { LuIdentity } from './identity';

/** SPC-4 version descriptors (SPC-4 Table 141 ff.). */
export const VersionDescriptor = {
  SAM5: 0x00a0,
  SPC4: 0x0460,
  SBC3: 0x04c0,
  SSC4: 0x0520,
  SMC3: 0x0480,
  ISCSI: 0x0960,
} as const;

export interface StandardInquiryOptions {
  deviceType: number;
  removable: boolean;
  identity: LuIdentity;
  versionDescriptors: number[];
  /** 3PC: the LU is (or fronts) a copy manager (SPC-4 6.6.2). */
  thirdPartyCopy?: boolean;
  /** PROTECT: protection information supported. */
  protect?: boolean;
}

/** 96 bytes of standard INQUIRY data (SPC-4 6.6.2). */
export function standardInquiry(o: StandardInquiryOptions): Buffer {
  const b = Buffer.alloc(96);
  b[0] = o.deviceType & 0x1f; // PERIPHERAL QUALIFIER 000b: connected
  b[1] = o.removable ? 0x80 : 0x00;
  b[2] = 0x06; // VERSION: SPC-4
  b[3] = 0x10 | 0x02; // HISUP, RESPONSE DATA FORMAT 2
  b[4] = b.length - 5; // ADDITIONAL LENGTH
  b[5] = (o.thirdPartyCopy ? 0x08 : 0) | (o.protect ? 0x01 : 0);
  b[6] = 0x00;
  b[7] = 0x02; // CMDQUE
  putAscii(b, o.identity.vendor, 8, 8);
  putAscii(b, o.identity.product, 16, 16);
  putAscii(b, o.identity.revision, 32, 4);
  o.versionDescriptors.slice(0, 8).forEach((v, i) => b.writeUInt16BE(v, 58 + 2 * i));
  return b;
}

/** A VPD page: 4-byte header (device type, page code, PAGE LENGTH) + body. */
export function vpdPage(deviceType: number, pageCode: number, body: Buffer): Buffer {
  if (body.length > 0xffff) throw new RangeError(`VPD page ${pageCode.toString(16)}h too long`);
  const h = Buffer.alloc(4);
  h[0] = deviceType & 0x1f;
  h[1] = pageCode;
  h.writeUInt16BE(body.length, 2);
  return Buffer.concat([h, body]);
}

/** Page 00h body: the supported page codes in ascending order. */
export function supportedVpdPages(codes: number[]): Buffer {
  return Buffer.from([...new Set([0x00, ...codes])].sort((a, b) => a - b));
}

/** Page 80h body: PRODUCT SERIAL NUMBER. */
export function unitSerialNumber(identity: LuIdentity): Buffer {
  return Buffer.from(identity.serial, 'latin1');
}

const PROTOCOL_ISCSI = 0x5;

function designator(opts: {
  codeSet: number;
  piv: boolean;
  association: number;
  type: number;
  value: Buffer;
}): Buffer {
  // SPC-4 7.8.6.1 designation descriptor.
  const h = Buffer.alloc(4);
  h[0] = ((opts.piv ? PROTOCOL_ISCSI : 0) << 4) | (opts.codeSet & 0x0f);
  h[1] = (opts.piv ? 0x80 : 0) | ((opts.association & 3) << 4) | (opts.type & 0x0f);
  h[3] = opts.value.length;
  return Buffer.concat([h, opts.value]);
}

/** SCSI name string value: UTF-8, null-terminated, padded to a multiple of 4 (SPC-4 7.8.6.11). */
function scsiNameString(name: string): Buffer {
  const raw = Buffer.from(name, 'utf8');
  const len = (raw.length + 1 + 3) & ~3;
  const b = Buffer.alloc(len);
  raw.copy(b);
  return b;
}

/**
 * Page 83h body: exactly one logical-unit NAA designator, then the target port designators
 * of the port the command came through (relative target port, SCSI name string "iqn,t,0x.."),
 * which SPC-4 7.8.6.1 requires for iSCSI target ports. The page stays under 255 bytes: a
 * target port name too long for that is left out.
 */
export function deviceIdentification(identity: LuIdentity, nexus: ItNexus | undefined): Buffer {
  const parts: Buffer[] = [
    designator({ codeSet: 1, piv: false, association: 0, type: 3, value: identity.naa }),
  ];
  if (nexus !== undefined) {
    const rtp = Buffer.alloc(4);
    rtp.writeUInt16BE(nexus.relativeTargetPort & 0xffff, 2);
    parts.push(designator({ codeSet: 1, piv: true, association: 1, type: 4, value: rtp }));
    const name = designator({
      codeSet: 3,
      piv: true,
      association: 1,
      type: 8,
      value: scsiNameString(nexus.targetPort),
    });
    const used = 4 + parts.reduce((n, p) => n + p.length, 0);
    if (used + name.length < 255 && name.length - 4 <= 255) parts.push(name);
  }
  return Buffer.concat(parts);
}

/** Apply the INQUIRY CDB rules shared by all devices; returns EVPD, page code, allocation length. */
export function decodeInquiryCdb(cdb: Buffer): { evpd: boolean; pageCode: number; allocationLength: number } {
  if (cdb.length < 6) throw invalidCdbField(cdb.length - 1, 'INQUIRY CDB is 6 bytes');
  const evpd = (cdb[1] & 0x01) !== 0;
  if ((cdb[1] & 0x02) !== 0) throw invalidCdbField(1, 'CMDDT is obsolete', 1);
  const pageCode = cdb[2];
  // SPC-4 6.6.1: PAGE CODE must be zero when EVPD is zero.
  if (!evpd && pageCode !== 0) throw invalidCdbField(2, 'PAGE CODE set with EVPD=0');
  return { evpd, pageCode, allocationLength: cdb.readUInt16BE(3) };
}
