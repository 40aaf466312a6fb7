// fast-check generators of valid PDU objects (every field in range, CDBs of 16 bytes or more).
import fc from 'fast-check';
import type { Pdu } from '../../../targets/iscsi/pdu';

const u32 = fc.nat({ max: 0xffffffff });
const u16 = fc.nat({ max: 0xffff });
const u8 = fc.nat({ max: 0xff });
const lun = fc.bigInt({ min: 0n, max: 0xffffffffffffffffn });
const data = (max = 64): fc.Arbitrary<Buffer> => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));
const sns = { statSN: u32, expCmdSN: u32, maxCmdSN: u32 };
const stage = fc.constantFrom(0, 1, 3);

export const nopOut = fc.record({
  kind: fc.constant('nop-out' as const),
  immediate: fc.boolean(),
  lun,
  itt: u32,
  ttt: u32,
  cmdSN: u32,
  expStatSN: u32,
  data: data(),
});

export const scsiCommand = fc
  .record({
    kind: fc.constant('scsi-command' as const),
    immediate: fc.boolean(),
    final: fc.boolean(),
    read: fc.boolean(),
    write: fc.boolean(),
    attr: fc.nat({ max: 7 }),
    lun,
    itt: u32,
    expectedDataTransferLength: u32,
    cmdSN: u32,
    expStatSN: u32,
    cdb: fc.uint8Array({ minLength: 16, maxLength: 260 }).map((a) => Buffer.from(a)),
    bidi: fc.option(u32, { nil: undefined }),
    data: data(),
  })
  .map(({ bidi, ...rest }) =>
    bidi === undefined ? rest : { ...rest, bidiReadExpectedDataTransferLength: bidi },
  );

export const scsiResponse = fc.record({
  kind: fc.constant('scsi-response' as const),
  bidiReadResidualOverflow: fc.boolean(),
  bidiReadResidualUnderflow: fc.boolean(),
  residualOverflow: fc.boolean(),
  residualUnderflow: fc.boolean(),
  response: u8,
  status: u8,
  itt: u32,
  snackTag: u32,
  ...sns,
  expDataSN: u32,
  bidiReadResidualCount: u32,
  residualCount: u32,
  senseData: data(40),
  responseData: data(8),
});

export const tmfRequest = fc.record({
  kind: fc.constant('task-management-request' as const),
  immediate: fc.boolean(),
  function: fc.nat({ max: 127 }),
  lun,
  itt: u32,
  referencedTaskTag: u32,
  cmdSN: u32,
  expStatSN: u32,
  refCmdSN: u32,
  expDataSN: u32,
});

export const tmfResponse = fc.record({
  kind: fc.constant('task-management-response' as const),
  response: u8,
  itt: u32,
  ...sns,
});

export const loginRequest = fc.record({
  kind: fc.constant('login-request' as const),
  transit: fc.boolean(),
  continue: fc.boolean(),
  csg: stage,
  nsg: stage,
  versionMax: u8,
  versionMin: u8,
  isid: fc.nat({ max: 2 ** 48 - 1 }),
  tsih: u16,
  itt: u32,
  cid: u16,
  cmdSN: u32,
  expStatSN: u32,
  data: data(),
});

export const loginResponse = fc.record({
  kind: fc.constant('login-response' as const),
  transit: fc.boolean(),
  continue: fc.boolean(),
  csg: stage,
  nsg: stage,
  versionMax: u8,
  versionActive: u8,
  isid: fc.nat({ max: 2 ** 48 - 1 }),
  tsih: u16,
  itt: u32,
  ...sns,
  statusClass: u8,
  statusDetail: u8,
  data: data(),
});

export const textRequest = fc.record({
  kind: fc.constant('text-request' as const),
  immediate: fc.boolean(),
  final: fc.boolean(),
  continue: fc.boolean(),
  lun,
  itt: u32,
  ttt: u32,
  cmdSN: u32,
  expStatSN: u32,
  data: data(),
});

export const textResponse = fc.record({
  kind: fc.constant('text-response' as const),
  final: fc.boolean(),
  continue: fc.boolean(),
  lun,
  itt: u32,
  ttt: u32,
  ...sns,
  data: data(),
});

export const dataOut = fc.record({
  kind: fc.constant('data-out' as const),
  final: fc.boolean(),
  lun,
  itt: u32,
  ttt: u32,
  expStatSN: u32,
  dataSN: u32,
  bufferOffset: u32,
  data: data(),
});

export const dataIn = fc.record({
  kind: fc.constant('data-in' as const),
  final: fc.boolean(),
  acknowledge: fc.boolean(),
  residualOverflow: fc.boolean(),
  residualUnderflow: fc.boolean(),
  statusPresent: fc.boolean(),
  status: u8,
  lun,
  itt: u32,
  ttt: u32,
  ...sns,
  dataSN: u32,
  bufferOffset: u32,
  residualCount: u32,
  data: data(),
});

export const logoutRequest = fc.record({
  kind: fc.constant('logout-request' as const),
  immediate: fc.boolean(),
  reasonCode: fc.nat({ max: 127 }),
  itt: u32,
  cid: u16,
  cmdSN: u32,
  expStatSN: u32,
});

export const logoutResponse = fc.record({
  kind: fc.constant('logout-response' as const),
  response: u8,
  itt: u32,
  ...sns,
  time2Wait: u16,
  time2Retain: u16,
});

export const snack = fc.record({
  kind: fc.constant('snack-request' as const),
  type: fc.nat({ max: 15 }),
  lun,
  itt: u32,
  ttt: u32,
  expStatSN: u32,
  begRun: u32,
  runLength: u32,
});

export const nopIn = fc.record({
  kind: fc.constant('nop-in' as const),
  lun,
  itt: u32,
  ttt: u32,
  ...sns,
  data: data(),
});

export const r2t = fc.record({
  kind: fc.constant('r2t' as const),
  lun,
  itt: u32,
  ttt: u32,
  ...sns,
  r2tSN: u32,
  bufferOffset: u32,
  desiredDataTransferLength: u32,
});

export const asyncMessage = fc.record({
  kind: fc.constant('async-message' as const),
  lun,
  ...sns,
  asyncEvent: u8,
  asyncVCode: u8,
  parameter1: u16,
  parameter2: u16,
  parameter3: u16,
  senseData: data(20),
  eventData: data(8),
});

export const reject = fc.record({
  kind: fc.constant('reject' as const),
  reason: u8,
  ...sns,
  dataSN: u32,
  data: data(48),
});

export const anyPdu: fc.Arbitrary<Pdu> = fc.oneof(
  nopOut,
  scsiCommand,
  scsiResponse,
  tmfRequest,
  tmfResponse,
  loginRequest,
  loginResponse,
  textRequest,
  textResponse,
  dataOut,
  dataIn,
  logoutRequest,
  logoutResponse,
  snack,
  nopIn,
  r2t,
  asyncMessage,
  reject,
);
