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

/** LUN, Initiator Task Tag and Target Transfer Tag (BHS bytes 8..23, RFC 7143 11.2.1). */
interface TaskTags {
  lun: bigint;
  itt: number;
  ttt: number;
}

/** CmdSN and ExpStatSN of an initiator PDU (bytes 24..31). */
interface CommandSNs {
  cmdSN: number;
  expStatSN: number;
}

/** StatSN, ExpCmdSN and MaxCmdSN of a target PDU (bytes 24..35). */
interface StatusSNs {
  statSN: number;
  expCmdSN: number;
  maxCmdSN: number;
}

/** The header fields a Login Request and a Login Response share (RFC 7143 11.12, 11.13). */
interface LoginHeader {
  /** T bit. */
  transit: boolean;
  /** C bit. */
  continue: boolean;
  /** Current stage (LoginStage). */
  csg: number;
  /** Next stage, meaningful when transit is set. */
  nsg: number;
  versionMax: number;
  /** 48-bit ISID. */
  isid: number;
  tsih: number;
  itt: number;
  data: Buffer;
}

export interface NopOut extends TaskTags, CommandSNs {
  kind: 'nop-out';
  immediate: boolean;
  /** Ping data. */
  data: Buffer;
}

export interface ScsiCommand extends CommandSNs {
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
  /** CDB: 16 bytes from the BHS plus the Extended CDB AHS bytes, if any (shorter CDBs are zero-padded). */
  cdb: Buffer;
  /** Bidirectional Read Expected Data Transfer Length AHS (RFC 7143 11.3.1.5), when present. */
  bidiReadExpectedDataTransferLength?: number;
  /** Immediate data. */
  data: Buffer;
}

export interface ScsiResponse extends StatusSNs {
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
  expDataSN: number;
  bidiReadResidualCount: number;
  residualCount: number;
  /** Sense data (without the 2-byte SenseLength prefix). */
  senseData: Buffer;
  /** Response data following the sense data. */
  responseData: Buffer;
}

export interface TaskManagementRequest extends CommandSNs {
  kind: 'task-management-request';
  immediate: boolean;
  /** TmfFunction code. */
  function: number;
  lun: bigint;
  itt: number;
  referencedTaskTag: number;
  refCmdSN: number;
  expDataSN: number;
}

export interface TaskManagementResponse extends StatusSNs {
  kind: 'task-management-response';
  /** TmfResponse code. */
  response: number;
  itt: number;
}

export interface LoginRequest extends LoginHeader, CommandSNs {
  kind: 'login-request';
  versionMin: number;
  cid: number;
}

export interface LoginResponse extends LoginHeader, StatusSNs {
  kind: 'login-response';
  versionActive: number;
  statusClass: number;
  statusDetail: number;
}

export interface TextRequest extends TaskTags, CommandSNs {
  kind: 'text-request';
  immediate: boolean;
  final: boolean;
  continue: boolean;
  data: Buffer;
}

export interface TextResponse extends TaskTags, StatusSNs {
  kind: 'text-response';
  final: boolean;
  continue: boolean;
  data: Buffer;
}

export interface DataOut extends TaskTags {
  kind: 'data-out';
  final: boolean;
  expStatSN: number;
  dataSN: number;
  bufferOffset: number;
  data: Buffer;
}

export interface DataIn extends TaskTags, StatusSNs {
  kind: 'data-in';
  final: boolean;
  /** A: acknowledge requested (ERL > 0). */
  acknowledge: boolean;
  residualOverflow: boolean;
  residualUnderflow: boolean;
  /** S: status is present in this PDU. */
  statusPresent: boolean;
  status: number;
  dataSN: number;
  bufferOffset: number;
  residualCount: number;
  data: Buffer;
}

export interface LogoutRequest extends CommandSNs {
  kind: 'logout-request';
  immediate: boolean;
  /** LogoutReason code. */
  reasonCode: number;
  itt: number;
  cid: number;
}

export interface LogoutResponse extends StatusSNs {
  kind: 'logout-response';
  /** LogoutResponseCode. */
  response: number;
  itt: number;
  time2Wait: number;
  time2Retain: number;
}

export interface SnackRequest extends TaskTags {
  kind: 'snack-request';
  /** SNACK type (0 Data/R2T, 1 Status, 2 DataACK, 3 R-Data). */
  type: number;
  /** TTT or SNACK Tag. */
  ttt: number;
  expStatSN: number;
  begRun: number;
  runLength: number;
}

export interface NopIn extends TaskTags, StatusSNs {
  kind: 'nop-in';
  data: Buffer;
}

export interface R2T extends TaskTags, StatusSNs {
  kind: 'r2t';
  r2tSN: number;
  bufferOffset: number;
  desiredDataTransferLength: number;
}

export interface AsyncMessage extends StatusSNs {
  kind: 'async-message';
  lun: bigint;
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

export interface Reject extends StatusSNs {
  kind: 'reject';
  /** RejectReason code. */
  reason: number;
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
// BHS words shared by the encoders

interface Encoded {
  /** BHS followed by the AHS, if any. */
  header: Buffer;
  /** Data segment without padding. */
  data: Buffer;
}

/** A zeroed BHS with the opcode, the I bit and DataSegmentLength set (RFC 7143 11.2.1). */
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

function put8(h: Buffer, off: number, v: number, what: string): void {
  checkUint(v, 8, what);
  h[off] = v;
}

function putLun(h: Buffer, lun: bigint): void {
  checkUint64(lun, 'lun');
  h.writeBigUInt64BE(lun, 8);
}

/** LUN, Initiator Task Tag and Target Transfer Tag (bytes 8..23). */
function putTags(h: Buffer, lun: bigint, itt: number, ttt: number): void {
  putLun(h, lun);
  put32(h, 16, itt, 'itt');
  put32(h, 20, ttt, 'ttt');
}

/** StatSN, ExpCmdSN and MaxCmdSN (bytes 24..35) of a target PDU. */
function putSNs(h: Buffer, p: { statSN: number; expCmdSN: number; maxCmdSN: number }): void {
  put32(h, 24, p.statSN, 'statSN');
  put32(h, 28, p.expCmdSN, 'expCmdSN');
  put32(h, 32, p.maxCmdSN, 'maxCmdSN');
}

// ---------------------------------------------------------------------------------------------
// BHS layouts (RFC 7143 11.2.1): where each field of a PDU object sits in the header. One table
// drives the encoder and the decoder of every PDU but the four of the data path (SCSI Command,
// SCSI Response, Data-Out, Data-In), whose codecs further down are written out for speed.

/** Keys of T whose values are of type V. */
type KeysOf<T, V> = { [K in keyof T]-?: T[K] extends V ? K : never }[keyof T];

/** A flag bit of byte 0 (I) or byte 1 (F, T, C). */
interface FlagField<N> {
  readonly type: 'flag';
  readonly name: N;
  readonly offset: 0 | 1;
  readonly mask: number;
}

/** An unsigned number of `bits` bits at bit `shift` of byte 1 (function, reason code, CSG, NSG). */
interface BitsField<N> {
  readonly type: 'bits';
  readonly name: N;
  readonly bits: number;
  readonly shift: number;
}

/** A big-endian unsigned number of `size` bytes at `offset`. */
interface UintField<N> {
  readonly type: 'uint';
  readonly name: N;
  readonly offset: number;
  readonly size: 1 | 2 | 4 | 6;
}

/** The 8-byte LUN field, a bigint (bytes 8..15). */
interface LunField {
  readonly type: 'lun';
  readonly name: 'lun';
}

type Field<T> =
  | FlagField<KeysOf<T, boolean>>
  | BitsField<KeysOf<T, number>>
  | UintField<KeysOf<T, number>>
  | (T extends { lun: bigint } ? LunField : never);

type DataMode = 'data' | 'sense' | 'none';

interface Layout<F, D extends DataMode = DataMode> {
  /** The I bit is always 1 (Login Request, RFC 7143 11.12). */
  readonly alwaysImmediate?: true;
  /** The F bit is always 1 (a PDU that is never part of a sequence). */
  readonly alwaysFinal?: true;
  /** The ITT is always the reserved tag (Async Message, Reject). */
  readonly reservedItt?: true;
  /** Fields in the order of the decoded object, which is also the order the encoder checks them in. */
  readonly fields: readonly F[];
  /**
   * The data segment: `data` as is, SenseLength-prefixed `senseData` then `eventData` (Async
   * Message, RFC 7143 11.9.4), or none (a data segment is then an invalid PDU field).
   */
  readonly data: D;
}

/** The layout of a PDU type: field names and data segment checked against its interface. */
type LayoutOf<T> = Layout<
  Field<T>,
  T extends { data: Buffer } ? 'data' : T extends { eventData: Buffer } ? 'sense' : 'none'
>;

function flag<N extends string>(name: N, mask: number, offset: 0 | 1 = 1): FlagField<N> {
  return { type: 'flag', name, offset, mask };
}

function bits<N extends string>(name: N, bits: number, shift = 0): BitsField<N> {
  return { type: 'bits', name, bits, shift };
}

function uint<N extends string>(name: N, offset: number, size: 1 | 2 | 4 | 6): UintField<N> {
  return { type: 'uint', name, offset, size };
}

// The common header words (RFC 7143 11.2.1).
const IMMEDIATE = flag('immediate', 0x40, 0);
const FINAL = flag('final', 0x80);
const CONTINUE = flag('continue', 0x40);
const LUN: LunField = { type: 'lun', name: 'lun' };
const ITT = uint('itt', 16, 4);
const TTT = uint('ttt', 20, 4);
/** CmdSN and ExpStatSN of an initiator PDU. */
const COMMAND_SNS = [uint('cmdSN', 24, 4), uint('expStatSN', 28, 4)] as const;
/** StatSN, ExpCmdSN and MaxCmdSN of a target PDU. */
const STATUS_SNS = [uint('statSN', 24, 4), uint('expCmdSN', 28, 4), uint('maxCmdSN', 32, 4)] as const;
/** T, C, CSG and NSG of the Login PDUs (RFC 7143 11.12.1-11.12.3). */
const LOGIN_STAGES = [flag('transit', 0x80), CONTINUE, bits('csg', 2, 2), bits('nsg', 2)] as const;
/** ISID and TSIH (RFC 7143 11.12.5, 11.12.6). */
const ISID_TSIH = [uint('isid', 8, 6), uint('tsih', 14, 2)] as const;

type DirectKind = 'scsi-command' | 'scsi-response' | 'data-out' | 'data-in';

const LAYOUTS: { readonly [K in Exclude<PduKind, DirectKind>]: LayoutOf<Extract<Pdu, { kind: K }>> } = {
  'nop-out': { alwaysFinal: true, fields: [IMMEDIATE, LUN, ITT, TTT, ...COMMAND_SNS], data: 'data' },
  'task-management-request': {
    alwaysFinal: true,
    fields: [
      IMMEDIATE,
      bits('function', 7),
      LUN,
      ITT,
      uint('referencedTaskTag', 20, 4),
      ...COMMAND_SNS,
      uint('refCmdSN', 32, 4),
      uint('expDataSN', 36, 4),
    ],
    data: 'none',
  },
  'login-request': {
    alwaysImmediate: true,
    fields: [
      ...LOGIN_STAGES,
      uint('versionMax', 2, 1),
      uint('versionMin', 3, 1),
      ...ISID_TSIH,
      ITT,
      uint('cid', 20, 2),
      ...COMMAND_SNS,
    ],
    data: 'data',
  },
  'text-request': { fields: [IMMEDIATE, FINAL, CONTINUE, LUN, ITT, TTT, ...COMMAND_SNS], data: 'data' },
  'logout-request': {
    alwaysFinal: true,
    fields: [IMMEDIATE, bits('reasonCode', 7), ITT, uint('cid', 20, 2), ...COMMAND_SNS],
    data: 'none',
  },
  'snack-request': {
    alwaysFinal: true,
    fields: [
      bits('type', 4),
      LUN,
      ITT,
      TTT,
      uint('expStatSN', 28, 4),
      uint('begRun', 40, 4),
      uint('runLength', 44, 4),
    ],
    data: 'none',
  },
  'nop-in': { alwaysFinal: true, fields: [LUN, ITT, TTT, ...STATUS_SNS], data: 'data' },
  'task-management-response': {
    alwaysFinal: true,
    fields: [uint('response', 2, 1), ITT, ...STATUS_SNS],
    data: 'none',
  },
  'login-response': {
    fields: [
      ...LOGIN_STAGES,
      uint('versionMax', 2, 1),
      uint('versionActive', 3, 1),
      ...ISID_TSIH,
      ITT,
      ...STATUS_SNS,
      uint('statusClass', 36, 1),
      uint('statusDetail', 37, 1),
    ],
    data: 'data',
  },
  'text-response': { fields: [FINAL, CONTINUE, LUN, ITT, TTT, ...STATUS_SNS], data: 'data' },
  'logout-response': {
    alwaysFinal: true,
    fields: [
      uint('response', 2, 1),
      ITT,
      ...STATUS_SNS,
      uint('time2Wait', 40, 2),
      uint('time2Retain', 42, 2),
    ],
    data: 'none',
  },
  r2t: {
    alwaysFinal: true,
    fields: [
      LUN,
      ITT,
      TTT,
      ...STATUS_SNS,
      uint('r2tSN', 36, 4),
      uint('bufferOffset', 40, 4),
      uint('desiredDataTransferLength', 44, 4),
    ],
    data: 'none',
  },
  'async-message': {
    alwaysFinal: true,
    reservedItt: true,
    fields: [
      LUN,
      ...STATUS_SNS,
      uint('asyncEvent', 36, 1),
      uint('asyncVCode', 37, 1),
      uint('parameter1', 38, 2),
      uint('parameter2', 40, 2),
      uint('parameter3', 42, 2),
    ],
    data: 'sense',
  },
  reject: {
    alwaysFinal: true,
    reservedItt: true,
    fields: [uint('reason', 2, 1), ...STATUS_SNS, uint('dataSN', 36, 4)],
    data: 'data',
  },
};

type AnyLayout = Layout<FlagField<string> | BitsField<string> | UintField<string> | LunField>;
/** A PDU object as the layout walkers see it. */
type PduFields = Readonly<Record<string, unknown>>;

/** Encode a PDU by its layout; fields are range-checked in layout order (RangeError). */
function encodeLayout(layout: AnyLayout, opcode: number, p: PduFields): Encoded {
  const data =
    layout.data === 'data'
      ? (p.data as Buffer)
      : layout.data === 'sense'
        ? encodeSenseSegment(p.senseData as Buffer, p.eventData as Buffer)
        : Buffer.alloc(0);
  const h = bhs(opcode, layout.alwaysImmediate === true, data);
  if (layout.alwaysFinal) h[1] = 0x80;
  if (layout.reservedItt) h.writeUInt32BE(RESERVED_TAG, 16);
  for (const f of layout.fields) {
    const v = p[f.name];
    switch (f.type) {
      case 'flag':
        if (v) h[f.offset] |= f.mask;
        break;
      case 'bits':
        checkUint(v as number, f.bits, f.name);
        h[1] |= (v as number) << f.shift;
        break;
      case 'uint':
        checkUint(v as number, f.size * 8, f.name);
        h.writeUIntBE(v as number, f.offset, f.size);
        break;
      case 'lun':
        putLun(h, v as bigint);
    }
  }
  return { header: h, data };
}

/** Decode a PDU by its layout: a plain object with its fields in layout order, then the data. */
function decodeLayout(layout: AnyLayout, kind: PduKind, h: Buffer, data: Buffer): Pdu {
  if (layout.data === 'none' && data.length !== 0) {
    throw new PduError(RejectReason.InvalidPduField, `${kind} PDU must not carry a data segment`, h);
  }
  const sense = layout.data === 'sense' ? decodeSenseSegment(data, h) : undefined;
  const p: Record<string, unknown> = { kind };
  for (const f of layout.fields) {
    switch (f.type) {
      case 'flag':
        p[f.name] = (h[f.offset] & f.mask) !== 0;
        break;
      case 'bits':
        p[f.name] = (h[1] >> f.shift) & ((1 << f.bits) - 1);
        break;
      case 'uint':
        p[f.name] = h.readUIntBE(f.offset, f.size);
        break;
      case 'lun':
        p[f.name] = h.readBigUInt64BE(8);
    }
  }
  if (layout.data === 'data') p.data = data;
  if (sense) {
    p.senseData = sense.senseData;
    p.eventData = sense.trailing;
  }
  return p as unknown as Pdu;
}

// ---------------------------------------------------------------------------------------------
// The data path: SCSI Command, SCSI Response, Data-Out and Data-In, coded field by field (no table
// walk, no closures, one object literal per decoded PDU).

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

function decodeScsiCommand(header: Buffer, data: Buffer, h: Buffer): ScsiCommand {
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
  const b1 = h[1];
  const cmd: ScsiCommand = {
    kind: 'scsi-command',
    immediate: (h[0] & 0x40) !== 0,
    final: (b1 & 0x80) !== 0,
    read: (b1 & 0x40) !== 0,
    write: (b1 & 0x20) !== 0,
    attr: b1 & 0x07,
    lun: h.readBigUInt64BE(8),
    itt: h.readUInt32BE(16),
    expectedDataTransferLength: h.readUInt32BE(20),
    cmdSN: h.readUInt32BE(24),
    expStatSN: h.readUInt32BE(28),
    cdb,
    data,
  };
  if (bidi !== undefined) cmd.bidiReadExpectedDataTransferLength = bidi;
  return cmd;
}

function encodeScsiResponse(p: ScsiResponse): Encoded {
  const data = encodeSenseSegment(p.senseData, p.responseData);
  const h = bhs(Opcode.ScsiResponse, false, data);
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

function decodeScsiResponse(h: Buffer, data: Buffer): ScsiResponse {
  const { senseData, trailing } = decodeSenseSegment(data, h);
  const b1 = h[1];
  return {
    kind: 'scsi-response',
    bidiReadResidualOverflow: (b1 & 0x10) !== 0,
    bidiReadResidualUnderflow: (b1 & 0x08) !== 0,
    residualOverflow: (b1 & 0x04) !== 0,
    residualUnderflow: (b1 & 0x02) !== 0,
    response: h[2],
    status: h[3],
    itt: h.readUInt32BE(16),
    snackTag: h.readUInt32BE(20),
    statSN: h.readUInt32BE(24),
    expCmdSN: h.readUInt32BE(28),
    maxCmdSN: h.readUInt32BE(32),
    expDataSN: h.readUInt32BE(36),
    bidiReadResidualCount: h.readUInt32BE(40),
    residualCount: h.readUInt32BE(44),
    senseData,
    responseData: trailing,
  };
}

function encodeDataOut(p: DataOut): Encoded {
  const h = bhs(Opcode.DataOut, false, p.data);
  h[1] = p.final ? 0x80 : 0;
  putTags(h, p.lun, p.itt, p.ttt);
  put32(h, 28, p.expStatSN, 'expStatSN');
  put32(h, 36, p.dataSN, 'dataSN');
  put32(h, 40, p.bufferOffset, 'bufferOffset');
  return { header: h, data: p.data };
}

function decodeDataOut(h: Buffer, data: Buffer): DataOut {
  return {
    kind: 'data-out',
    final: (h[1] & 0x80) !== 0,
    lun: h.readBigUInt64BE(8),
    itt: h.readUInt32BE(16),
    ttt: h.readUInt32BE(20),
    expStatSN: h.readUInt32BE(28),
    dataSN: h.readUInt32BE(36),
    bufferOffset: h.readUInt32BE(40),
    data,
  };
}

function encodeDataIn(p: DataIn): Encoded {
  const h = bhs(Opcode.DataIn, false, p.data);
  h[1] =
    (p.final ? 0x80 : 0) |
    (p.acknowledge ? 0x40 : 0) |
    (p.residualOverflow ? 0x04 : 0) |
    (p.residualUnderflow ? 0x02 : 0) |
    (p.statusPresent ? 0x01 : 0);
  put8(h, 3, p.status, 'status');
  putTags(h, p.lun, p.itt, p.ttt);
  putSNs(h, p);
  put32(h, 36, p.dataSN, 'dataSN');
  put32(h, 40, p.bufferOffset, 'bufferOffset');
  put32(h, 44, p.residualCount, 'residualCount');
  return { header: h, data: p.data };
}

function decodeDataIn(h: Buffer, data: Buffer): DataIn {
  const b1 = h[1];
  return {
    kind: 'data-in',
    final: (b1 & 0x80) !== 0,
    acknowledge: (b1 & 0x40) !== 0,
    residualOverflow: (b1 & 0x04) !== 0,
    residualUnderflow: (b1 & 0x02) !== 0,
    statusPresent: (b1 & 0x01) !== 0,
    status: h[3],
    lun: h.readBigUInt64BE(8),
    itt: h.readUInt32BE(16),
    ttt: h.readUInt32BE(20),
    statSN: h.readUInt32BE(24),
    expCmdSN: h.readUInt32BE(28),
    maxCmdSN: h.readUInt32BE(32),
    dataSN: h.readUInt32BE(36),
    bufferOffset: h.readUInt32BE(40),
    residualCount: h.readUInt32BE(44),
    data,
  };
}

// ---------------------------------------------------------------------------------------------
// Entry points

/** Encode a PDU: header (BHS + AHS) and unpadded data segment. */
export function encodePdu(p: Pdu): Encoded {
  switch (p.kind) {
    case 'scsi-command':
      return encodeScsiCommand(p);
    case 'scsi-response':
      return encodeScsiResponse(p);
    case 'data-out':
      return encodeDataOut(p);
    case 'data-in':
      return encodeDataIn(p);
    default:
      return encodeLayout(LAYOUTS[p.kind], OPCODE_OF_KIND[p.kind], p as unknown as PduFields);
  }
}

/** Encode a PDU into one buffer: header, data segment and padding (no digests). */
export function serializePdu(p: Pdu): Buffer {
  const { header, data } = encodePdu(p);
  const pad = padLength(data.length);
  return Buffer.concat([header, data, Buffer.alloc(pad)]);
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
  if (totalAhsLength > 0 && kind !== 'scsi-command') {
    throw new PduError(RejectReason.ProtocolError, `${kind} PDU must not carry an AHS`, h);
  }
  switch (kind) {
    case 'scsi-command':
      return decodeScsiCommand(header, data, h);
    case 'scsi-response':
      return decodeScsiResponse(h, data);
    case 'data-out':
      return decodeDataOut(h, data);
    case 'data-in':
      return decodeDataIn(h, data);
    default:
      return decodeLayout(LAYOUTS[kind], kind, h, data);
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
