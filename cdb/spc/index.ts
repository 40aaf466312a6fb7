// SPC command set: registry of CDB codecs and table of all decoders (filled in per command file).
import type { CommandCodec, DecoderTable } from '../command';
import { decodeInquiryCdb, decodeStandardInquiry, INQUIRY } from './inquiry';
import { decodeReportLunsCdb, decodeReportLunsData, decodeLun, REPORT_LUNS } from './report-luns';
import {
  decodeAllCommandsData,
  decodeOneCommandData,
  decodeReportSupportedOpcodesCdb,
  MAINTENANCE_IN,
  REPORT_SUPPORTED_OPERATION_CODES_SA,
} from './report-supported-opcodes';
import { decodeSupportedVpdPages } from './vpd-00';
import { decodeUnitSerialNumber } from './vpd-80';
import { decodeDesignationDescriptor, decodeDeviceIdentification } from './vpd-83';
import { decodeThirdPartyCopy, decodeThirdPartyCopyDescriptor } from './vpd-8f';
import { decodeBlockLimits } from './vpd-b0';
import { decodeBlockDeviceCharacteristics } from './vpd-b1';
import { decodeLogicalBlockProvisioning } from './vpd-b2';
import { decodeRequestSense, REQUEST_SENSE, REQUEST_SENSE_LENGTH } from './request-sense';
import { decodeSense } from './sense';
import { decodeTestUnitReady, TEST_UNIT_READY, TEST_UNIT_READY_LENGTH } from './test-unit-ready';
import { LOG_PAGE_DECODERS } from './log-page';
import { LOG_SENSE_COMMANDS, LOG_SENSE_DECODERS } from './log-sense';
import { MODE_PAGE_DECODERS } from './mode-pages';
import { MODE_PARAMETER_DECODERS } from './mode-parameters';
import { MODE_SELECT_COMMANDS, MODE_SELECT_DECODERS } from './mode-select';
import { MODE_SENSE_COMMANDS, MODE_SENSE_DECODERS } from './mode-sense';
import { PERSISTENT_RESERVE_IN_COMMANDS, PERSISTENT_RESERVE_IN_DECODERS } from './persistent-reserve-in';
import { PERSISTENT_RESERVE_OUT_COMMANDS, PERSISTENT_RESERVE_OUT_DECODERS } from './persistent-reserve-out';
import { READ_ATTRIBUTE_COMMANDS, READ_ATTRIBUTE_DECODERS } from './read-attribute';
import { RESERVE_RELEASE_COMMANDS, RESERVE_RELEASE_DECODERS } from './reserve-release';

export const COMMANDS: CommandCodec[] = [
  {
    opcode: TEST_UNIT_READY,
    name: 'TEST UNIT READY',
    deviceTypes: [],
    cdbLength: TEST_UNIT_READY_LENGTH,
    decode: decodeTestUnitReady,
  },
  {
    opcode: REQUEST_SENSE,
    name: 'REQUEST SENSE',
    deviceTypes: [],
    cdbLength: REQUEST_SENSE_LENGTH,
    decode: decodeRequestSense,
  },
  {
    opcode: INQUIRY,
    name: 'INQUIRY',
    deviceTypes: [],
    cdbLength: 6,
    decode: decodeInquiryCdb,
  },
  {
    opcode: REPORT_LUNS,
    name: 'REPORT LUNS',
    deviceTypes: [],
    cdbLength: 12,
    decode: decodeReportLunsCdb,
  },
  {
    opcode: MAINTENANCE_IN,
    serviceAction: REPORT_SUPPORTED_OPERATION_CODES_SA,
    name: 'REPORT SUPPORTED OPERATION CODES',
    deviceTypes: [],
    cdbLength: 12,
    decode: decodeReportSupportedOpcodesCdb,
  },
  // spc-mode helper: mode, reservations, attributes, log sense
  ...MODE_SENSE_COMMANDS,
  ...MODE_SELECT_COMMANDS,
  ...RESERVE_RELEASE_COMMANDS,
  ...PERSISTENT_RESERVE_IN_COMMANDS,
  ...PERSISTENT_RESERVE_OUT_COMMANDS,
  ...READ_ATTRIBUTE_COMMANDS,
  ...LOG_SENSE_COMMANDS,
];
export const DECODERS: DecoderTable = {
  'spc.testUnitReady': decodeTestUnitReady,
  'spc.requestSense': decodeRequestSense,
  'spc.sense': decodeSense,
  'spc.inquiry': decodeInquiryCdb,
  'spc.inquiry.standard': decodeStandardInquiry,
  'spc.inquiry.vpd00': decodeSupportedVpdPages,
  'spc.inquiry.vpd80': decodeUnitSerialNumber,
  'spc.inquiry.vpd83': decodeDeviceIdentification,
  'spc.inquiry.designationDescriptor': decodeDesignationDescriptor,
  'spc.inquiry.vpd8f': decodeThirdPartyCopy,
  'spc.inquiry.vpd8f.descriptor': decodeThirdPartyCopyDescriptor,
  'spc.inquiry.vpdb0': decodeBlockLimits,
  'spc.inquiry.vpdb1': decodeBlockDeviceCharacteristics,
  'spc.inquiry.vpdb2': decodeLogicalBlockProvisioning,
  'spc.reportLuns': decodeReportLunsCdb,
  'spc.reportLuns.data': decodeReportLunsData,
  'spc.lun': decodeLun,
  'spc.reportSupportedOpcodes': decodeReportSupportedOpcodesCdb,
  'spc.reportSupportedOpcodes.allCommands': decodeAllCommandsData,
  'spc.reportSupportedOpcodes.oneCommand': decodeOneCommandData,
  // spc-mode helper
  ...MODE_SENSE_DECODERS,
  ...MODE_SELECT_DECODERS,
  ...MODE_PARAMETER_DECODERS,
  ...MODE_PAGE_DECODERS,
  ...RESERVE_RELEASE_DECODERS,
  ...PERSISTENT_RESERVE_IN_DECODERS,
  ...PERSISTENT_RESERVE_OUT_DECODERS,
  ...READ_ATTRIBUTE_DECODERS,
  ...LOG_SENSE_DECODERS,
  ...LOG_PAGE_DECODERS,
};
