// iSCSI PDU codec (RFC 7143 section 11): Basic Header Segment, Additional Header Segments and the
// data segment of every PDU type, as typed objects with a symmetric encoder/decoder pair.
// Digests and stream framing live in framing.ts; this module handles one PDU at a time.
//
// Decoders throw only PduError (carrying the Reject reason a target answers with); encoders
// throw RangeError for values that do not fit their fields.

/** BHS length in bytes (RFC 7143 11.2.1). */
export const BHS_LENGTH = 48;
/** ITT / TTT value meaning "none" (RFC 7143 11.2.1.8). */
export const RESERVED_TAG = 0xffffffff;
/** Largest DataSegmentLength the 24-bit field can carry. */
export const MAX_DATA_SEGMENT_LENGTH = 0xffffff;

/** Opcodes (RFC 7143 11.2.1.2). */
export const Opcode = {
  NopOut: 0x00,
  ScsiCommand: 0x01,
  TaskManagementRequest: 0x02,
  LoginRequest: 0x03,
  TextRequest: 0x04,
  DataOut: 0x05,
  LogoutRequest: 0x06,
  SnackRequest: 0x10,
  NopIn: 0x20,
  ScsiResponse: 0x21,
  TaskManagementResponse: 0x22,
  LoginResponse: 0x23,
  TextResponse: 0x24,
  DataIn: 0x25,
  LogoutResponse: 0x26,
  R2T: 0x31,
  AsyncMessage: 0x32,
  Reject: 0x3f,
} as const;

/** Reject reason codes (RFC 7143 11.17.1). */
export const RejectReason = {
  DataDigestError: 0x02,
  SnackReject: 0x03,
  ProtocolError: 0x04,
  CommandNotSupported: 0x05,
  ImmediateCommandReject: 0x06,
  TaskInProgress: 0x07,
  InvalidDataAck: 0x08,
  InvalidPduField: 0x09,
  LongOpReject: 0x0a,
  WaitingForLogout: 0x0c,
} as const;

/** Task management function codes (RFC 7143 11.5.1). */
export const TmfFunction = {
  AbortTask: 1,
  AbortTaskSet: 2,
  ClearAca: 3,
  ClearTaskSet: 4,
  LogicalUnitReset: 5,
  TargetWarmReset: 6,
  TargetColdReset: 7,
  TaskReassign: 8,
} as const;

/** Task management response codes (RFC 7143 11.6.1). */
export const TmfResponse = {
  FunctionComplete: 0,
  TaskDoesNotExist: 1,
  LunDoesNotExist: 2,
  TaskStillAllegiant: 3,
  TaskAllegianceReassignmentNotSupported: 4,
  TmfNotSupported: 5,
  FunctionAuthorizationFailed: 6,
  FunctionRejected: 255,
} as const;

/** SCSI Command task attributes (RFC 7143 11.3.1.1, ATTR field). */
export const TaskAttribute = { Untagged: 0, Simple: 1, Ordered: 2, HeadOfQueue: 3, Aca: 4 } as const;

/** Login stages (CSG/NSG, RFC 7143 11.12.3). */
export const LoginStage = { Security: 0, Operational: 1, FullFeature: 3 } as const;

/** Async event codes (RFC 7143 11.9.1). */
export const AsyncEvent = {
  ScsiAsyncEvent: 0,
  LogoutRequest: 1,
  ConnectionDrop: 2,
  SessionDrop: 3,
  Renegotiate: 4,
  Vendor: 255,
} as const;

/** Logout reason codes (RFC 7143 11.14.1). */
export const LogoutReason = { CloseSession: 0, CloseConnection: 1, RemoveConnectionForRecovery: 2 } as const;

/** Logout response codes (RFC 7143 11.15.1). */
export const LogoutResponseCode = {
  Success: 0,
  CidNotFound: 1,
  RecoveryNotSupported: 2,
  CleanupFailed: 3,
} as const;

/** A malformed or unsupported PDU. `reason` is the Reject reason to answer with. */
export class PduError extends Error {
  constructor(
    /** RejectReason code. */
    readonly reason: number,
    message: string,
    /** Copy of the offending BHS (the data segment of a Reject), when one was read. */
    readonly header?: Buffer,
    /** True when the byte stream can no longer be trusted (the connection must be dropped). */
    readonly fatal = false,
  ) {
    super(message);
    this.name = 'PduError';
  }

  /** Initiator Task Tag of the offending PDU, when a header was read. */
  get itt(): number | undefined {
    return this.header && this.header.length >= 20 ? this.header.readUInt32BE(16) : undefined;
  }

  /** Opcode of the offending PDU, when a header was read. */
  get opcode(): number | undefined {
    return this.header && this.header.length >= 1 ? this.header[0] & 0x3f : undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// PDU object types. Every field is a T10/RFC field in camelCase; reserved fields are not kept.

export interface NopOut {
  kind: 'nop-out';
  immediate: boolean;
  lun: bigint;
  itt: number;
  ttt: number;
  cmdSN: number;
  expStatSN: number;
  /** Ping data. */
  data: Buffer;
}

export interface ScsiCommand {
  kind: 'scsi-command';
  immediate: boolean;
  /** F: no unsolicited Data-Out PDUs follow. */
  final: boolean;
  read: boolean;
  write: boolean;
  /** ATTR (TaskAttribute). */
  attr: number;
  lun: bigint;
  itt: number;
  expectedDataTransferLength: number;
  cmdSN: number;
  expStatSN: number;
  /** CDB: 16 bytes from the BHS plus the Extended CDB AHS bytes, if any (shorter CDBs are zero-padded). */
  cdb: Buffer;
  /** Bidirectional Read Expected Data Transfer Length AHS (RFC 7143 11.3.1.5), when present. */
  bidiReadExpectedDataTransferLength?: number;
  /** Immediate data. */
  data: Buffer;
}

export interface ScsiResponse {
  kind: 'scsi-response';
  /** o: bidirectional read residual overflow. */
  bidiReadResidualOverflow: boolean;
  /** u: bidirectional read residual underflow. */
  bidiReadResidualUnderflow: boolean;
  /** O: residual overflow. */
  residualOverflow: boolean;
  /** U: residual underflow. */
  residualUnderflow: boolean;
  /** iSCSI response (0 = command completed at target). */
  response: number;
  /** SAM status, valid when response is 0. */
  status: number;
  itt: number;
  snackTag: number;
  statSN: number;
  expCmdSN: number;
  maxCmdSN: number;
  expDataSN: number;
  bidiReadResidualCount: number;
  residualCount: number;
  /** Sense data (without the 2-byte SenseLength prefix). */
  senseData: Buffer;
  /** Response data following the sense data. */
  responseData: Buffer;
}

export interface TaskManagementRequest {
  kind: 'task-management-request';
  immediate: boolean;
  /** TmfFunction code. */
  function: number;
  lun: bigint;
  itt: number;
  referencedTaskTag: number;
  cmdSN: number;
  expStatSN: number;
  refCmdSN: number;
  expDataSN: number;
}

export interface TaskManagementResponse {
  kind: 'task-management-response';
  /** TmfResponse code. */
  response: number;
  itt: number;
  statSN: number;
  expCmdSN: number;
  maxCmdSN: number;
}

export interface LoginRequest {
  kind: 'login-request';
  /** T bit. */
  transit: boolean;
  /** C bit. */
  continue: boolean;
  /** Current stage (LoginStage). */
  csg: number;
  /** Next stage, meaningful when transit is set. */
  nsg: number;
  versionMax: number;
  versionMin: number;
  /** 48-bit ISID. */
  isid: number;
  tsih: number;
  itt: number;
  cid: number;
  cmdSN: number;
  expStatSN: number;
  data: Buffer;
}

export interface LoginResponse {
  kind: 'login-response';
  transit: boolean;
  continue: boolean;
  csg: number;
  nsg: number;
  versionMax: number;
  versionActive: number;
  isid: number;
  tsih: number;
  itt: number;
  statSN: number;
  expCmdSN: number;
  maxCmdSN: number;
  statusClass: number;
  statusDetail: number;
  data: Buffer;
}

export interface TextRequest {
  kind: 'text-request';
  immediate: boolean;
  final: boolean;
  continue: boolean;
  lun: bigint;
  itt: number;
  ttt: number;
  cmdSN: number;
  expStatSN: number;
  data: Buffer;
}

export interface TextResponse {
  kind: 'text-response';
  final: boolean;
  continue: boolean;
  lun: bigint;
  itt: number;
  ttt: number;
  statSN: number;
  expCmdSN: number;
  maxCmdSN: number;
  data: Buffer;
}

export interface DataOut {
  kind: 'data-out';
  final: boolean;
  lun: bigint;
  itt: number;
  ttt: number;
  expStatSN: number;
  dataSN: number;
  bufferOffset: number;
  data: Buffer;
}

export interface DataIn {
  kind: 'data-in';
  final: boolean;
  /** A: acknowledge requested (ERL > 0). */
  acknowledge: boolean;
  residualOverflow: boolean;
  residualUnderflow: boolean;
  /** S: status is present in this PDU. */
  statusPresent: boolean;
  status: number;
  lun: bigint;
  itt: number;
  ttt: number;
  statSN: number;
  expCmdSN: number;
  maxCmdSN: number;
  dataSN: number;
  bufferOffset: number;
  residualCount: number;
  data: Buffer;
}

export interface LogoutRequest {
  kind: 'logout-request';
  immediate: boolean;
  /** LogoutReason code. */
  reasonCode: number;
  itt: number;
  cid: number;
  cmdSN: number;
  expStatSN: number;
}

export interface LogoutResponse {
  kind: 'logout-response';
  /** LogoutResponseCode. */
  response: number;
  itt: number;
  statSN: number;
  expCmdSN: number;
  maxCmdSN: number;
  time2Wait: number;
  time2Retain: number;
}

export interface SnackRequest {
  kind: 'snack-request';
  /** SNACK type (0 Data/R2T, 1 Status, 2 DataACK, 3 R-Data). */
  type: number;
  lun: bigint;
  itt: number;
  /** TTT or SNACK Tag. */
  ttt: number;
  expStatSN: number;
  begRun: number;
  runLength: number;
}

export interface NopIn {
  kind: 'nop-in';
  lun: bigint;
  itt: number;
  ttt: number;
  statSN: number;
  expCmdSN: number;
  maxCmdSN: number;
  data: Buffer;
}

export interface R2T {
  kind: 'r2t';
  lun: bigint;
  itt: number;
  ttt: number;
  statSN: number;
  expCmdSN: number;
  maxCmdSN: number;
  r2tSN: number;
  bufferOffset: number;
  desiredDataTransferLength: number;
}

export interface AsyncMessage {
  kind: 'async-message';
  lun: bigint;
  statSN: number;
  expCmdSN: number;
  maxCmdSN: number;
  /** AsyncEvent code. */
  asyncEvent: number;
  asyncVCode: number;
  parameter1: number;
  parameter2: number;
  parameter3: number;
  /** Sense data (for AsyncEvent 0), without the SenseLength prefix. */
  senseData: Buffer;
  /** iSCSI event data following the sense data. */
  eventData: Buffer;
}

export interface Reject {
  kind: 'reject';
  /** RejectReason code. */
  reason: number;
  statSN: number;
  expCmdSN: number;
  maxCmdSN: number;
  /** DataSN/R2TSN (for a rejected SNACK), else 0. */
  dataSN: number;
  /** Complete header of the rejected PDU. */
  data: Buffer;
}

export type InitiatorPdu =
  | NopOut
  | ScsiCommand
  | TaskManagementRequest
  | LoginRequest
  | TextRequest
  | DataOut
  | LogoutRequest
  | SnackRequest;

export type TargetPdu =
  | NopIn
  | ScsiResponse
  | TaskManagementResponse
  | LoginResponse
  | TextResponse
  | DataIn
  | LogoutResponse
  | R2T
  | AsyncMessage
  | Reject;

export type Pdu = InitiatorPdu | TargetPdu;
export type PduKind = Pdu['kind'];

export const OPCODE_OF_KIND: Readonly<Record<PduKind, number>> = {
  'nop-out': Opcode.NopOut,
  'scsi-command': Opcode.ScsiCommand,
  'task-management-request': Opcode.TaskManagementRequest,
  'login-request': Opcode.LoginRequest,
  'text-request': Opcode.TextRequest,
  'data-out': Opcode.DataOut,
  'logout-request': Opcode.LogoutRequest,
  'snack-request': Opcode.SnackRequest,
  'nop-in': Opcode.NopIn,
  'scsi-response': Opcode.ScsiResponse,
  'task-management-response': Opcode.TaskManagementResponse,
  'login-response': Opcode.LoginResponse,
  'text-response': Opcode.TextResponse,
  'data-in': Opcode.DataIn,
  'logout-response': Opcode.LogoutResponse,
  r2t: Opcode.R2T,
  'async-message': Opcode.AsyncMessage,
  reject: Opcode.Reject,
};

const KIND_OF_OPCODE = new Map<number, PduKind>(
  Object.entries(OPCODE_OF_KIND).map(([k, op]) => [op, k as PduKind]),
);

/** Whether a PDU kind travels from initiator to target. */
export function isInitiatorPdu(pdu: Pdu): pdu is InitiatorPdu {
  return OPCODE_OF_KIND[pdu.kind] < 0x20;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/** Bytes of padding after a data segment of length n (RFC 7143 11.2.3). */
export function padLength(n: number): number {
  return (4 - (n & 3)) & 3;
}

function checkUint(v: number, bits: number, what: string): void {
  const max = bits === 32 ? 0xffffffff : 2 ** bits - 1;
  if (!Number.isInteger(v) || v < 0 || v > max)
    throw new RangeError(`${what}: ${v} does not fit in ${bits} bits`);
}

function checkUint64(v: bigint, what: string): void {
  if (v < 0n || v > 0xffffffffffffffffn) throw new RangeError(`${what}: ${v} does not fit in 64 bits`);
}

/** Length fields of a BHS: how many AHS and data bytes follow it. */
export interface BhsLengths {
  opcode: number;
  /** Bytes of AHS (TotalAHSLength x 4). */
  totalAhsLength: number;
  dataSegmentLength: number;
}

/** Read the length fields of a BHS (at least 48 bytes). */
export function parseBhsLengths(bhs: Buffer): BhsLengths {
  if (bhs.length < BHS_LENGTH) {
    throw new PduError(RejectReason.ProtocolError, `BHS needs ${BHS_LENGTH} bytes, have ${bhs.length}`);
  }
  return { opcode: bhs[0] & 0x3f, totalAhsLength: bhs[4] * 4, dataSegmentLength: bhs.readUIntBE(5, 3) };
}

// ---------------------------------------------------------------------------------------------
// SenseLength-prefixed data (SCSI Response, Async Message; RFC 7143 11.4.7.2)

/** Build a SCSI Response / Async data segment: 2-byte SenseLength, sense, then response data. */
export function encodeSenseSegment(senseData: Buffer, trailing: Buffer): Buffer {
  if (senseData.length === 0 && trailing.length === 0) return Buffer.alloc(0);
  if (senseData.length > 0xffff)
    throw new RangeError(`sense data of ${senseData.length} bytes exceeds SenseLength`);
  const out = Buffer.alloc(2 + senseData.length + trailing.length);
  out.writeUInt16BE(senseData.length, 0);
  senseData.copy(out, 2);
  trailing.copy(out, 2 + senseData.length);
  return out;
}

/** Split a SenseLength-prefixed data segment. */
export function decodeSenseSegment(data: Buffer, header?: Buffer): { senseData: Buffer; trailing: Buffer } {
  if (data.length === 0) return { senseData: Buffer.alloc(0), trailing: Buffer.alloc(0) };
  if (data.length < 2) {
    throw new PduError(RejectReason.ProtocolError, 'data segment too short for SenseLength', header);
  }
  const senseLength = data.readUInt16BE(0);
  if (2 + senseLength > data.length) {
    throw new PduError(
      RejectReason.ProtocolError,
      `SenseLength ${senseLength} exceeds the data segment (${data.length - 2} bytes)`,
      header,
    );
  }
  return { senseData: data.subarray(2, 2 + senseLength), trailing: data.subarray(2 + senseLength) };
}

// ---------------------------------------------------------------------------------------------
// Logical unit numbers (SAM-5 4.7; single-level peripheral and flat addressing)

/** Encode a LUN number as the 8-byte LUN field: peripheral device addressing below 256, flat space up to 16383. */
export function lunFromNumber(n: number): bigint {
  if (!Number.isInteger(n) || n < 0 || n > 0x3fff) throw new RangeError(`LUN ${n} is outside 0..16383`);
  if (n < 256) return BigInt(n) << 48n;
  return BigInt(0x4000 | n) << 48n;
}

/** Decode a single-level LUN field to its number; -1 when it uses another addressing method or levels. */
export function lunToNumber(lun: bigint): number {
  if ((lun & 0xffffffffffffn) !== 0n) return -1;
  const first = Number(lun >> 48n);
  const method = first >> 14;
  if (method === 0) return first >> 8 === 0 ? first & 0xff : -1;
  if (method === 1) return first & 0x3fff;
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Encoding

interface Encoded {
  /** BHS followed by the AHS, if any. */
  header: Buffer;
  /** Data segment without padding. */
  data: Buffer;
}

function bhs(opcode: number, immediate: boolean, data: Buffer): Buffer {
  const h = Buffer.alloc(BHS_LENGTH);
  h[0] = (immediate ? 0x40 : 0) | opcode;
  if (data.length > MAX_DATA_SEGMENT_LENGTH)
    throw new RangeError(`data segment of ${data.length} bytes is too long`);
  h.writeUIntBE(data.length, 5, 3);
  return h;
}

function put32(h: Buffer, off: number, v: number, what: string): void {
  checkUint(v, 32, what);
  h.writeUInt32BE(v, off);
}

function put16(h: Buffer, off: number, v: number, what: string): void {
  checkUint(v, 16, what);
  h.writeUInt16BE(v, off);
}

function put8(h: Buffer, off: number, v: number, what: string): void {
  checkUint(v, 8, what);
  h[off] = v;
}

function putLun(h: Buffer, lun: bigint): void {
  checkUint64(lun, 'lun');
  h.writeBigUInt64BE(lun, 8);
}

function stageBits(transit: boolean, cont: boolean, csg: number, nsg: number): number {
  checkUint(csg, 2, 'csg');
  checkUint(nsg, 2, 'nsg');
  return (transit ? 0x80 : 0) | (cont ? 0x40 : 0) | (csg << 2) | nsg;
}

function put48(h: Buffer, off: number, v: number, what: string): void {
  checkUint(v, 48, what);
  h.writeUIntBE(v, off, 6);
}

function encodeScsiCommand(p: ScsiCommand): Encoded {
  const h = bhs(Opcode.ScsiCommand, p.immediate, p.data);
  checkUint(p.attr, 3, 'attr');
  h[1] = (p.final ? 0x80 : 0) | (p.read ? 0x40 : 0) | (p.write ? 0x20 : 0) | p.attr;
  putLun(h, p.lun);
  put32(h, 16, p.itt, 'itt');
  put32(h, 20, p.expectedDataTransferLength, 'expectedDataTransferLength');
  put32(h, 24, p.cmdSN, 'cmdSN');
  put32(h, 28, p.expStatSN, 'expStatSN');
  p.cdb.copy(h, 32, 0, Math.min(16, p.cdb.length));
  const ahs: Buffer[] = [];
  if (p.cdb.length > 16) {
    // RFC 7143 11.3.1.4: AHSLength = CDB length - 15 (the reserved byte plus CDB bytes 16..).
    const extra = p.cdb.length - 16;
    if (extra + 1 > 0xffff) throw new RangeError(`CDB of ${p.cdb.length} bytes is too long`);
    const a = Buffer.alloc(4 + extra + padLength(extra));
    a.writeUInt16BE(extra + 1, 0);
    a[2] = 1;
    p.cdb.copy(a, 4, 16);
    ahs.push(a);
  }
  if (p.bidiReadExpectedDataTransferLength !== undefined) {
    const a = Buffer.alloc(8);
    a.writeUInt16BE(5, 0);
    a[2] = 2;
    put32(a, 4, p.bidiReadExpectedDataTransferLength, 'bidiReadExpectedDataTransferLength');
    ahs.push(a);
  }
  if (ahs.length === 0) return { header: h, data: p.data };
  const total = ahs.reduce((n, a) => n + a.length, 0);
  if (total / 4 > 0xff) throw new RangeError(`AHS of ${total} bytes exceeds TotalAHSLength`);
  h[4] = total / 4;
  return { header: Buffer.concat([h, ...ahs]), data: p.data };
}

/** Encode a PDU: header (BHS + AHS) and unpadded data segment. */
export function encodePdu(p: Pdu): Encoded {
  const none = Buffer.alloc(0);
  let h: Buffer;
  switch (p.kind) {
    case 'scsi-command':
      return encodeScsiCommand(p);
    case 'nop-out':
      h = bhs(Opcode.NopOut, p.immediate, p.data);
      h[1] = 0x80;
      putLun(h, p.lun);
      put32(h, 16, p.itt, 'itt');
      put32(h, 20, p.ttt, 'ttt');
      put32(h, 24, p.cmdSN, 'cmdSN');
      put32(h, 28, p.expStatSN, 'expStatSN');
      return { header: h, data: p.data };
    case 'task-management-request':
      h = bhs(Opcode.TaskManagementRequest, p.immediate, none);
      checkUint(p.function, 7, 'function');
      h[1] = 0x80 | p.function;
      putLun(h, p.lun);
      put32(h, 16, p.itt, 'itt');
      put32(h, 20, p.referencedTaskTag, 'referencedTaskTag');
      put32(h, 24, p.cmdSN, 'cmdSN');
      put32(h, 28, p.expStatSN, 'expStatSN');
      put32(h, 32, p.refCmdSN, 'refCmdSN');
      put32(h, 36, p.expDataSN, 'expDataSN');
      return { header: h, data: none };
    case 'login-request':
      // RFC 7143 11.12: the I bit is always 1 for a Login Request.
      h = bhs(Opcode.LoginRequest, true, p.data);
      h[1] = stageBits(p.transit, p.continue, p.csg, p.nsg);
      put8(h, 2, p.versionMax, 'versionMax');
      put8(h, 3, p.versionMin, 'versionMin');
      put48(h, 8, p.isid, 'isid');
      put16(h, 14, p.tsih, 'tsih');
      put32(h, 16, p.itt, 'itt');
      put16(h, 20, p.cid, 'cid');
      put32(h, 24, p.cmdSN, 'cmdSN');
      put32(h, 28, p.expStatSN, 'expStatSN');
      return { header: h, data: p.data };
    case 'text-request':
      h = bhs(Opcode.TextRequest, p.immediate, p.data);
      h[1] = (p.final ? 0x80 : 0) | (p.continue ? 0x40 : 0);
      putLun(h, p.lun);
      put32(h, 16, p.itt, 'itt');
      put32(h, 20, p.ttt, 'ttt');
      put32(h, 24, p.cmdSN, 'cmdSN');
      put32(h, 28, p.expStatSN, 'expStatSN');
      return { header: h, data: p.data };
    case 'data-out':
      h = bhs(Opcode.DataOut, false, p.data);
      h[1] = p.final ? 0x80 : 0;
      putLun(h, p.lun);
      put32(h, 16, p.itt, 'itt');
      put32(h, 20, p.ttt, 'ttt');
      put32(h, 28, p.expStatSN, 'expStatSN');
      put32(h, 36, p.dataSN, 'dataSN');
      put32(h, 40, p.bufferOffset, 'bufferOffset');
      return { header: h, data: p.data };
    case 'logout-request':
      h = bhs(Opcode.LogoutRequest, p.immediate, none);
      checkUint(p.reasonCode, 7, 'reasonCode');
      h[1] = 0x80 | p.reasonCode;
      put32(h, 16, p.itt, 'itt');
      put16(h, 20, p.cid, 'cid');
      put32(h, 24, p.cmdSN, 'cmdSN');
      put32(h, 28, p.expStatSN, 'expStatSN');
      return { header: h, data: none };
    case 'snack-request':
      h = bhs(Opcode.SnackRequest, false, none);
      checkUint(p.type, 4, 'type');
      h[1] = 0x80 | p.type;
      putLun(h, p.lun);
      put32(h, 16, p.itt, 'itt');
      put32(h, 20, p.ttt, 'ttt');
      put32(h, 28, p.expStatSN, 'expStatSN');
      put32(h, 40, p.begRun, 'begRun');
      put32(h, 44, p.runLength, 'runLength');
      return { header: h, data: none };
    case 'nop-in':
      h = bhs(Opcode.NopIn, false, p.data);
      h[1] = 0x80;
      putLun(h, p.lun);
      put32(h, 16, p.itt, 'itt');
      put32(h, 20, p.ttt, 'ttt');
      putSNs(h, p);
      return { header: h, data: p.data };
    case 'scsi-response': {
      const data = encodeSenseSegment(p.senseData, p.responseData);
      h = bhs(Opcode.ScsiResponse, false, data);
      h[1] =
        0x80 |
        (p.bidiReadResidualOverflow ? 0x10 : 0) |
        (p.bidiReadResidualUnderflow ? 0x08 : 0) |
        (p.residualOverflow ? 0x04 : 0) |
        (p.residualUnderflow ? 0x02 : 0);
      put8(h, 2, p.response, 'response');
      put8(h, 3, p.status, 'status');
      put32(h, 16, p.itt, 'itt');
      put32(h, 20, p.snackTag, 'snackTag');
      putSNs(h, p);
      put32(h, 36, p.expDataSN, 'expDataSN');
      put32(h, 40, p.bidiReadResidualCount, 'bidiReadResidualCount');
      put32(h, 44, p.residualCount, 'residualCount');
      return { header: h, data };
    }
    case 'task-management-response':
      h = bhs(Opcode.TaskManagementResponse, false, none);
      h[1] = 0x80;
      put8(h, 2, p.response, 'response');
      put32(h, 16, p.itt, 'itt');
      putSNs(h, p);
      return { header: h, data: none };
    case 'login-response':
      h = bhs(Opcode.LoginResponse, false, p.data);
      h[1] = stageBits(p.transit, p.continue, p.csg, p.nsg);
      put8(h, 2, p.versionMax, 'versionMax');
      put8(h, 3, p.versionActive, 'versionActive');
      put48(h, 8, p.isid, 'isid');
      put16(h, 14, p.tsih, 'tsih');
      put32(h, 16, p.itt, 'itt');
      putSNs(h, p);
      put8(h, 36, p.statusClass, 'statusClass');
      put8(h, 37, p.statusDetail, 'statusDetail');
      return { header: h, data: p.data };
    case 'text-response':
      h = bhs(Opcode.TextResponse, false, p.data);
      h[1] = (p.final ? 0x80 : 0) | (p.continue ? 0x40 : 0);
      putLun(h, p.lun);
      put32(h, 16, p.itt, 'itt');
      put32(h, 20, p.ttt, 'ttt');
      putSNs(h, p);
      return { header: h, data: p.data };
    case 'data-in':
      h = bhs(Opcode.DataIn, false, p.data);
      h[1] =
        (p.final ? 0x80 : 0) |
        (p.acknowledge ? 0x40 : 0) |
        (p.residualOverflow ? 0x04 : 0) |
        (p.residualUnderflow ? 0x02 : 0) |
        (p.statusPresent ? 0x01 : 0);
      put8(h, 3, p.status, 'status');
      putLun(h, p.lun);
      put32(h, 16, p.itt, 'itt');
      put32(h, 20, p.ttt, 'ttt');
      putSNs(h, p);
      put32(h, 36, p.dataSN, 'dataSN');
      put32(h, 40, p.bufferOffset, 'bufferOffset');
      put32(h, 44, p.residualCount, 'residualCount');
      return { header: h, data: p.data };
    case 'logout-response':
      h = bhs(Opcode.LogoutResponse, false, none);
      h[1] = 0x80;
      put8(h, 2, p.response, 'response');
      put32(h, 16, p.itt, 'itt');
      putSNs(h, p);
      put16(h, 40, p.time2Wait, 'time2Wait');
      put16(h, 42, p.time2Retain, 'time2Retain');
      return { header: h, data: none };
    case 'r2t':
      h = bhs(Opcode.R2T, false, none);
      h[1] = 0x80;
      putLun(h, p.lun);
      put32(h, 16, p.itt, 'itt');
      put32(h, 20, p.ttt, 'ttt');
      putSNs(h, p);
      put32(h, 36, p.r2tSN, 'r2tSN');
      put32(h, 40, p.bufferOffset, 'bufferOffset');
      put32(h, 44, p.desiredDataTransferLength, 'desiredDataTransferLength');
      return { header: h, data: none };
    case 'async-message': {
      const data = encodeSenseSegment(p.senseData, p.eventData);
      h = bhs(Opcode.AsyncMessage, false, data);
      h[1] = 0x80;
      putLun(h, p.lun);
      h.writeUInt32BE(RESERVED_TAG, 16);
      putSNs(h, p);
      put8(h, 36, p.asyncEvent, 'asyncEvent');
      put8(h, 37, p.asyncVCode, 'asyncVCode');
      put16(h, 38, p.parameter1, 'parameter1');
      put16(h, 40, p.parameter2, 'parameter2');
      put16(h, 42, p.parameter3, 'parameter3');
      return { header: h, data };
    }
    case 'reject':
      h = bhs(Opcode.Reject, false, p.data);
      h[1] = 0x80;
      put8(h, 2, p.reason, 'reason');
      h.writeUInt32BE(RESERVED_TAG, 16);
      putSNs(h, p);
      put32(h, 36, p.dataSN, 'dataSN');
      return { header: h, data: p.data };
  }
}

function putSNs(h: Buffer, p: { statSN: number; expCmdSN: number; maxCmdSN: number }): void {
  put32(h, 24, p.statSN, 'statSN');
  put32(h, 28, p.expCmdSN, 'expCmdSN');
  put32(h, 32, p.maxCmdSN, 'maxCmdSN');
}

/** Encode a PDU into one buffer: header, data segment and padding (no digests). */
export function serializePdu(p: Pdu): Buffer {
  const { header, data } = encodePdu(p);
  const pad = padLength(data.length);
  return Buffer.concat([header, data, Buffer.alloc(pad)]);
}

// ---------------------------------------------------------------------------------------------
// Decoding

interface Ahs {
  type: number;
  /** AHS-specific bytes (starting with the AHS-specific byte at offset 3). */
  body: Buffer;
}

function parseAhs(ahs: Buffer, bhsCopy: Buffer): Ahs[] {
  const out: Ahs[] = [];
  let off = 0;
  while (off < ahs.length) {
    if (off + 4 > ahs.length) {
      throw new PduError(RejectReason.ProtocolError, 'truncated AHS header', bhsCopy);
    }
    const len = ahs.readUInt16BE(off);
    const type = ahs[off + 2];
    if (len === 0 || off + 3 + len > ahs.length) {
      throw new PduError(RejectReason.ProtocolError, `AHS of type ${type} has bad AHSLength ${len}`, bhsCopy);
    }
    out.push({ type, body: ahs.subarray(off + 3, off + 3 + len) });
    off += 3 + len + padLength(3 + len);
  }
  return out;
}

/**
 * Decode one PDU from its header (BHS plus exactly TotalAHSLength bytes of AHS) and its data
 * segment (exactly DataSegmentLength bytes, padding and digests removed).
 */
export function decodePdu(header: Buffer, data: Buffer): Pdu {
  const h = header.subarray(0, BHS_LENGTH);
  try {
    return decodeBhsView(header, data, h);
  } catch (e) {
    // The error's header must be a copy: the caller may reuse its buffer. Copied only on error.
    if (e instanceof PduError && e.header === h)
      throw new PduError(e.reason, e.message, Buffer.from(h), e.fatal);
    throw e;
  }
}

function decodeBhsView(header: Buffer, data: Buffer, h: Buffer): Pdu {
  const { opcode, totalAhsLength, dataSegmentLength } = parseBhsLengths(header);
  if (header.length !== BHS_LENGTH + totalAhsLength) {
    throw new PduError(
      RejectReason.ProtocolError,
      `header has ${header.length} bytes, BHS + TotalAHSLength is ${BHS_LENGTH + totalAhsLength}`,
      h,
    );
  }
  if (data.length !== dataSegmentLength) {
    throw new PduError(
      RejectReason.ProtocolError,
      `data segment has ${data.length} bytes, DataSegmentLength is ${dataSegmentLength}`,
      h,
    );
  }
  const kind = KIND_OF_OPCODE.get(opcode);
  if (kind === undefined) {
    throw new PduError(
      RejectReason.CommandNotSupported,
      `opcode 0x${opcode.toString(16)} is not supported`,
      h,
    );
  }
  const immediate = (h[0] & 0x40) !== 0;
  const b1 = h[1];
  const u32 = (off: number): number => h.readUInt32BE(off);
  const lun = (): bigint => h.readBigUInt64BE(8);
  const noData = (): void => {
    if (dataSegmentLength !== 0) {
      throw new PduError(RejectReason.InvalidPduField, `${kind} PDU must not carry a data segment`, h);
    }
  };
  if (totalAhsLength > 0 && kind !== 'scsi-command') {
    throw new PduError(RejectReason.ProtocolError, `${kind} PDU must not carry an AHS`, h);
  }

  switch (kind) {
    case 'scsi-command': {
      let cdb: Buffer = Buffer.from(h.subarray(32, 48));
      let bidi: number | undefined;
      let sawCdb = false;
      for (const a of parseAhs(header.subarray(BHS_LENGTH), h)) {
        if (a.type === 1 && !sawCdb) {
          sawCdb = true;
          cdb = Buffer.concat([cdb, a.body.subarray(1)]);
        } else if (a.type === 2 && bidi === undefined && a.body.length === 5) {
          bidi = a.body.readUInt32BE(1);
        } else {
          throw new PduError(RejectReason.ProtocolError, `unexpected AHS type ${a.type}`, h);
        }
      }
      const cmd: ScsiCommand = {
        kind,
        immediate,
        final: (b1 & 0x80) !== 0,
        read: (b1 & 0x40) !== 0,
        write: (b1 & 0x20) !== 0,
        attr: b1 & 0x07,
        lun: lun(),
        itt: u32(16),
        expectedDataTransferLength: u32(20),
        cmdSN: u32(24),
        expStatSN: u32(28),
        cdb,
        data,
      };
      if (bidi !== undefined) cmd.bidiReadExpectedDataTransferLength = bidi;
      return cmd;
    }
    case 'nop-out':
      return {
        kind,
        immediate,
        lun: lun(),
        itt: u32(16),
        ttt: u32(20),
        cmdSN: u32(24),
        expStatSN: u32(28),
        data,
      };
    case 'task-management-request':
      noData();
      return {
        kind,
        immediate,
        function: b1 & 0x7f,
        lun: lun(),
        itt: u32(16),
        referencedTaskTag: u32(20),
        cmdSN: u32(24),
        expStatSN: u32(28),
        refCmdSN: u32(32),
        expDataSN: u32(36),
      };
    case 'login-request':
      return {
        kind,
        transit: (b1 & 0x80) !== 0,
        continue: (b1 & 0x40) !== 0,
        csg: (b1 >> 2) & 3,
        nsg: b1 & 3,
        versionMax: h[2],
        versionMin: h[3],
        isid: h.readUIntBE(8, 6),
        tsih: h.readUInt16BE(14),
        itt: u32(16),
        cid: h.readUInt16BE(20),
        cmdSN: u32(24),
        expStatSN: u32(28),
        data,
      };
    case 'text-request':
      return {
        kind,
        immediate,
        final: (b1 & 0x80) !== 0,
        continue: (b1 & 0x40) !== 0,
        lun: lun(),
        itt: u32(16),
        ttt: u32(20),
        cmdSN: u32(24),
        expStatSN: u32(28),
        data,
      };
    case 'data-out':
      return {
        kind,
        final: (b1 & 0x80) !== 0,
        lun: lun(),
        itt: u32(16),
        ttt: u32(20),
        expStatSN: u32(28),
        dataSN: u32(36),
        bufferOffset: u32(40),
        data,
      };
    case 'logout-request':
      noData();
      return {
        kind,
        immediate,
        reasonCode: b1 & 0x7f,
        itt: u32(16),
        cid: h.readUInt16BE(20),
        cmdSN: u32(24),
        expStatSN: u32(28),
      };
    case 'snack-request':
      noData();
      return {
        kind,
        type: b1 & 0x0f,
        lun: lun(),
        itt: u32(16),
        ttt: u32(20),
        expStatSN: u32(28),
        begRun: u32(40),
        runLength: u32(44),
      };
    case 'nop-in':
      return {
        kind,
        lun: lun(),
        itt: u32(16),
        ttt: u32(20),
        statSN: u32(24),
        expCmdSN: u32(28),
        maxCmdSN: u32(32),
        data,
      };
    case 'scsi-response': {
      const { senseData, trailing } = decodeSenseSegment(data, h);
      return {
        kind,
        bidiReadResidualOverflow: (b1 & 0x10) !== 0,
        bidiReadResidualUnderflow: (b1 & 0x08) !== 0,
        residualOverflow: (b1 & 0x04) !== 0,
        residualUnderflow: (b1 & 0x02) !== 0,
        response: h[2],
        status: h[3],
        itt: u32(16),
        snackTag: u32(20),
        statSN: u32(24),
        expCmdSN: u32(28),
        maxCmdSN: u32(32),
        expDataSN: u32(36),
        bidiReadResidualCount: u32(40),
        residualCount: u32(44),
        senseData,
        responseData: trailing,
      };
    }
    case 'task-management-response':
      noData();
      return { kind, response: h[2], itt: u32(16), statSN: u32(24), expCmdSN: u32(28), maxCmdSN: u32(32) };
    case 'login-response':
      return {
        kind,
        transit: (b1 & 0x80) !== 0,
        continue: (b1 & 0x40) !== 0,
        csg: (b1 >> 2) & 3,
        nsg: b1 & 3,
        versionMax: h[2],
        versionActive: h[3],
        isid: h.readUIntBE(8, 6),
        tsih: h.readUInt16BE(14),
        itt: u32(16),
        statSN: u32(24),
        expCmdSN: u32(28),
        maxCmdSN: u32(32),
        statusClass: h[36],
        statusDetail: h[37],
        data,
      };
    case 'text-response':
      return {
        kind,
        final: (b1 & 0x80) !== 0,
        continue: (b1 & 0x40) !== 0,
        lun: lun(),
        itt: u32(16),
        ttt: u32(20),
        statSN: u32(24),
        expCmdSN: u32(28),
        maxCmdSN: u32(32),
        data,
      };
    case 'data-in':
      return {
        kind,
        final: (b1 & 0x80) !== 0,
        acknowledge: (b1 & 0x40) !== 0,
        residualOverflow: (b1 & 0x04) !== 0,
        residualUnderflow: (b1 & 0x02) !== 0,
        statusPresent: (b1 & 0x01) !== 0,
        status: h[3],
        lun: lun(),
        itt: u32(16),
        ttt: u32(20),
        statSN: u32(24),
        expCmdSN: u32(28),
        maxCmdSN: u32(32),
        dataSN: u32(36),
        bufferOffset: u32(40),
        residualCount: u32(44),
        data,
      };
    case 'logout-response':
      noData();
      return {
        kind,
        response: h[2],
        itt: u32(16),
        statSN: u32(24),
        expCmdSN: u32(28),
        maxCmdSN: u32(32),
        time2Wait: h.readUInt16BE(40),
        time2Retain: h.readUInt16BE(42),
      };
    case 'r2t':
      noData();
      return {
        kind,
        lun: lun(),
        itt: u32(16),
        ttt: u32(20),
        statSN: u32(24),
        expCmdSN: u32(28),
        maxCmdSN: u32(32),
        r2tSN: u32(36),
        bufferOffset: u32(40),
        desiredDataTransferLength: u32(44),
      };
    case 'async-message': {
      const { senseData, trailing } = decodeSenseSegment(data, h);
      return {
        kind,
        lun: lun(),
        statSN: u32(24),
        expCmdSN: u32(28),
        maxCmdSN: u32(32),
        asyncEvent: h[36],
        asyncVCode: h[37],
        parameter1: h.readUInt16BE(38),
        parameter2: h.readUInt16BE(40),
        parameter3: h.readUInt16BE(42),
        senseData,
        eventData: trailing,
      };
    }
    case 'reject':
      return {
        kind,
        reason: h[2],
        statSN: u32(24),
        expCmdSN: u32(28),
        maxCmdSN: u32(32),
        dataSN: u32(36),
        data,
      };
  }
}

/** Decode one complete PDU (header, data segment and padding; no digests) from a buffer. */
export function parsePdu(buf: Buffer): Pdu {
  const { totalAhsLength, dataSegmentLength } = parseBhsLengths(buf);
  const headerLength = BHS_LENGTH + totalAhsLength;
  const need = headerLength + dataSegmentLength + padLength(dataSegmentLength);
  if (buf.length < need) {
    throw new PduError(
      RejectReason.ProtocolError,
      `PDU needs ${need} bytes, have ${buf.length}`,
      Buffer.from(buf.subarray(0, BHS_LENGTH)),
    );
  }
  return decodePdu(
    buf.subarray(0, headerLength),
    buf.subarray(headerLength, headerLength + dataSegmentLength),
  );
}

/** Length of the CDB in a 16-byte-padded CDB field, from the group code (SPC-4 4.2.5.1); 16 when unknown. */
export function cdbLength(cdb: Buffer): number {
  if (cdb.length === 0) return 0;
  const group = cdb[0] >> 5;
  switch (group) {
    case 0:
      return 6;
    case 1:
    case 2:
      return 10;
    case 4:
      return 16;
    case 5:
      return 12;
    case 3:
      // Variable-length CDB: ADDITIONAL CDB LENGTH in byte 7 (SPC-4 4.2.5.3).
      return cdb.length >= 8 && cdb[0] === 0x7f ? 8 + cdb[7] : cdb.length;
    default:
      return cdb.length;
  }
}

/** The CDB cut to the length its operation code implies (never longer than the bytes present). */
export function trimCdb(cdb: Buffer): Buffer {
  return cdb.subarray(0, Math.min(cdb.length, cdbLength(cdb)));
}
