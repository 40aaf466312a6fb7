// SMC command set: registry of CDB codecs and table of all decoders.
import type { CommandCodec, DecoderTable } from '../command';
import { decodeElementStatusData } from './element-status-data';
import {
  decodeInitializeElementStatus,
  decodeInitializeElementStatusWithRange,
  INITIALIZE_ELEMENT_STATUS_OPCODE,
  INITIALIZE_ELEMENT_STATUS_WITH_RANGE_OPCODE,
} from './initialize-element-status';
import { decodeMoveMedium, MOVE_MEDIUM_OPCODE } from './move-medium';
import { decodeReadElementStatus, READ_ELEMENT_STATUS_OPCODE } from './read-element-status';

export * from './element-status-data';
export * from './initialize-element-status';
export * from './move-medium';
export * from './read-element-status';

/** Medium changer device (SPC-4 peripheral device type 08h). */
const CHANGER = [8];

export const COMMANDS: CommandCodec[] = [
  {
    opcode: READ_ELEMENT_STATUS_OPCODE,
    name: 'READ ELEMENT STATUS',
    deviceTypes: CHANGER,
    cdbLength: 12,
    decode: decodeReadElementStatus,
  },
  {
    opcode: MOVE_MEDIUM_OPCODE,
    name: 'MOVE MEDIUM',
    deviceTypes: CHANGER,
    cdbLength: 12,
    decode: decodeMoveMedium,
  },
  {
    opcode: INITIALIZE_ELEMENT_STATUS_OPCODE,
    name: 'INITIALIZE ELEMENT STATUS',
    deviceTypes: CHANGER,
    cdbLength: 6,
    decode: decodeInitializeElementStatus,
  },
  {
    opcode: INITIALIZE_ELEMENT_STATUS_WITH_RANGE_OPCODE,
    name: 'INITIALIZE ELEMENT STATUS WITH RANGE',
    deviceTypes: CHANGER,
    cdbLength: 10,
    decode: decodeInitializeElementStatusWithRange,
  },
];

export const DECODERS: DecoderTable = {
  'smc.readElementStatus': decodeReadElementStatus,
  'smc.readElementStatus.data': decodeElementStatusData,
  'smc.moveMedium': decodeMoveMedium,
  'smc.initializeElementStatus': decodeInitializeElementStatus,
  'smc.initializeElementStatusWithRange': decodeInitializeElementStatusWithRange,
};
