// XCOPY command set: EXTENDED COPY(LID1) and the LID1 RECEIVE COPY RESULTS service actions, their
// parameter list and response codecs. Registry of CDB codecs and table of every decoder.
import type { CommandCodec, DecoderTable } from '../command';
import { decodeCopyAbortedSense } from './copy-aborted';
import { decodeCopyStatus } from './copy-status';
import {
  EXTENDED_COPY,
  EXTENDED_COPY_CDB_LENGTH,
  EXTENDED_COPY_LID1,
  decodeExtendedCopy,
} from './extended-copy';
import { decodeFailedSegmentDetails } from './failed-segment-details';
import { SPEC_MAXIMUM_LIMITS } from './limits';
import { decodeOperatingParameters } from './operating-parameters';
import { decodeExtendedCopyParameterList } from './parameter-list';
import {
  RCR_SERVICE_ACTION,
  RECEIVE_COPY_RESULTS,
  RECEIVE_COPY_RESULTS_CDB_LENGTH,
  decodeReceiveCopyResults,
} from './receive-copy-results';
import { decodeReceiveData } from './receive-data';
import { decodeSegmentDescriptor } from './segment-descriptor';
import { decodeTargetDescriptor } from './target-descriptor';

export * from './copy-aborted';
export * from './copy-status';
export * from './descriptor-codes';
export * from './extended-copy';
export * from './failed-segment-details';
export * from './limits';
export * from './operating-parameters';
export * from './parameter-list';
export * from './receive-copy-results';
export * from './receive-data';
export * from './response';
export * from './segment-control';
export * from './segment-copy';
export * from './segment-descriptor';
export * from './target-descriptor';

function rcr(serviceAction: number, name: string): CommandCodec {
  return {
    opcode: RECEIVE_COPY_RESULTS,
    serviceAction,
    name,
    deviceTypes: [],
    cdbLength: RECEIVE_COPY_RESULTS_CDB_LENGTH,
    decode: decodeReceiveCopyResults,
  };
}

export const COMMANDS: CommandCodec[] = [
  {
    opcode: EXTENDED_COPY,
    serviceAction: EXTENDED_COPY_LID1,
    name: 'EXTENDED COPY(LID1)',
    deviceTypes: [],
    cdbLength: EXTENDED_COPY_CDB_LENGTH,
    decode: decodeExtendedCopy,
  },
  rcr(RCR_SERVICE_ACTION.copyStatus, 'RECEIVE COPY STATUS(LID1)'),
  rcr(RCR_SERVICE_ACTION.receiveData, 'RECEIVE COPY DATA(LID1)'),
  rcr(RCR_SERVICE_ACTION.operatingParameters, 'RECEIVE COPY OPERATING PARAMETERS'),
  rcr(RCR_SERVICE_ACTION.failedSegmentDetails, 'RECEIVE COPY FAILURE DETAILS(LID1)'),
];

export const DECODERS: DecoderTable = {
  'xcopy.extendedCopy': decodeExtendedCopy,
  'xcopy.receiveCopyResults': decodeReceiveCopyResults,
  'xcopy.parameterList': (buf) => decodeExtendedCopyParameterList(buf, SPEC_MAXIMUM_LIMITS),
  'xcopy.targetDescriptor': decodeTargetDescriptor,
  'xcopy.segmentDescriptor': decodeSegmentDescriptor,
  'xcopy.copyStatus': decodeCopyStatus,
  'xcopy.receiveData': decodeReceiveData,
  'xcopy.operatingParameters': decodeOperatingParameters,
  'xcopy.failedSegmentDetails': decodeFailedSegmentDetails,
  'xcopy.copyAbortedSense': decodeCopyAbortedSense,
};
