// TransportIDs (SPC-4 7.6.4): the iSCSI forms (7.6.4.6) are decoded, any other protocol is kept
// as opaque bytes. Used by PERSISTENT RESERVE IN (READ FULL STATUS) and OUT (SPEC_I_PT, REGISTER
// AND MOVE).
import { ByteReader, checkUint, putU16 } from '../bytes';
import { invalidParamField } from '../errors';

/** PROTOCOL IDENTIFIER values (SPC-4 7.6.1). */
export const PROTOCOL_IDENTIFIER = {
  fcp: 0x0,
  spi: 0x1,
  ssa: 0x2,
  sbp: 0x3,
  srp: 0x4,
  iscsi: 0x5,
  sas: 0x6,
  adt: 0x7,
  ata: 0x8,
  uas: 0x9,
  sop: 0xa,
  none: 0xf,
} as const;

/** Every non-iSCSI TransportID SPC-4 defines is 24 bytes long. */
export const FIXED_TRANSPORT_ID_LENGTH = 24;
const ISCSI_SEPARATOR = ',i,0x';

/** iSCSI, FORMAT CODE 00b: the initiator device, by iSCSI name. */
export interface IscsiNameTransportId {
  kind: 'iscsiName';
  iscsiName: string;
}

/** iSCSI, FORMAT CODE 01b: one initiator port, by iSCSI name + ",i,0x" + ISID in hex. */
export interface IscsiPortTransportId {
  kind: 'iscsiPort';
  iscsiName: string;
  /** ISCSI INITIATOR SESSION ID as hexadecimal digits (12 for a 6-byte ISID). */
  isid: string;
}

/** Any other protocol: FORMAT CODE, PROTOCOL IDENTIFIER and the bytes after byte 0. */
export interface OpaqueTransportId {
  kind: 'opaque';
  formatCode: number;
  protocolIdentifier: number;
  /** Bytes 1..n-1 (23 bytes for the 24-byte TransportIDs). */
  data: Buffer;
}

export type TransportId = IscsiNameTransportId | IscsiPortTransportId | OpaqueTransportId;

function padIscsi(text: Buffer, formatCode: number): Buffer {
  // ADDITIONAL LENGTH: at least 20 and a multiple of four; the text is null-terminated and
  // null-padded (SPC-4 7.6.4.6).
  const additionalLength = Math.max(20, Math.ceil((text.length + 1) / 4) * 4);
  const b = Buffer.alloc(4 + additionalLength);
  b[0] = (formatCode << 6) | PROTOCOL_IDENTIFIER.iscsi;
  putU16(b, additionalLength, 2, 'iSCSI TransportID additional length');
  text.copy(b, 4);
  return b;
}

export function encodeTransportId(t: TransportId): Buffer {
  switch (t.kind) {
    case 'iscsiName':
      if (t.iscsiName.includes('\0')) throw new RangeError('iscsiName contains a NUL');
      return padIscsi(Buffer.from(t.iscsiName, 'utf8'), 0);
    case 'iscsiPort':
      if (t.iscsiName.includes('\0') || t.iscsiName.includes(ISCSI_SEPARATOR)) {
        throw new RangeError(`iscsiName contains a NUL or "${ISCSI_SEPARATOR}"`);
      }
      if (!/^[0-9a-fA-F]*$/.test(t.isid)) throw new RangeError(`isid "${t.isid}" is not hexadecimal`);
      return padIscsi(Buffer.from(`${t.iscsiName}${ISCSI_SEPARATOR}${t.isid}`, 'utf8'), 1);
    case 'opaque': {
      if (t.protocolIdentifier === PROTOCOL_IDENTIFIER.iscsi && t.formatCode < 2) {
        throw new RangeError('iSCSI TransportIDs with format 00b/01b use the iscsiName/iscsiPort kinds');
      }
      const b = Buffer.alloc(1 + t.data.length);
      b[0] =
        (checkUint(t.formatCode, 2, 'formatCode') << 6) |
        checkUint(t.protocolIdentifier, 4, 'protocolIdentifier');
      t.data.copy(b, 1);
      return b;
    }
  }
}

/** Size of the TransportID at `off` as it appears in a list (iSCSI: 4 + ADDITIONAL LENGTH; else 24). */
export function transportIdSize(r: ByteReader, off: number): number {
  if ((r.u8(off, 'TransportID') & 0x0f) === PROTOCOL_IDENTIFIER.iscsi)
    return 4 + r.u16(off + 2, 'ADDITIONAL LENGTH');
  return FIXED_TRANSPORT_ID_LENGTH;
}

/** Read a TransportID occupying exactly [off, off + size) of `r`. */
export function readTransportId(r: ByteReader, off: number, size: number): TransportId {
  r.need(off, size, 'TransportID');
  const b0 = r.u8(off, 'TransportID');
  const formatCode = b0 >> 6;
  const protocolIdentifier = b0 & 0x0f;
  if (protocolIdentifier !== PROTOCOL_IDENTIFIER.iscsi) {
    return { kind: 'opaque', formatCode, protocolIdentifier, data: r.slice(off + 1, size - 1) };
  }
  if (formatCode > 1)
    throw invalidParamField(r.base + off, `iSCSI TransportID FORMAT CODE ${formatCode} is reserved`, 7);
  const additionalLength = r.u16(off + 2, 'iSCSI TransportID ADDITIONAL LENGTH');
  if (additionalLength < 20 || additionalLength % 4 !== 0 || 4 + additionalLength > size) {
    throw invalidParamField(
      r.base + off + 2,
      `iSCSI TransportID ADDITIONAL LENGTH ${additionalLength} is invalid`,
    );
  }
  const text = r.slice(off + 4, additionalLength);
  const nul = text.indexOf(0);
  const s = (nul < 0 ? text : text.subarray(0, nul)).toString('utf8');
  if (formatCode === 0) return { kind: 'iscsiName', iscsiName: s };
  const sep = s.indexOf(ISCSI_SEPARATOR);
  if (sep < 0)
    throw invalidParamField(r.base + off + 4, `iSCSI port TransportID has no "${ISCSI_SEPARATOR}" separator`);
  return { kind: 'iscsiPort', iscsiName: s.slice(0, sep), isid: s.slice(sep + ISCSI_SEPARATOR.length) };
}

/** Decode one TransportID filling the whole buffer. */
export function decodeTransportId(buf: Buffer): TransportId {
  return readTransportId(new ByteReader(buf, 'param'), 0, buf.length);
}
