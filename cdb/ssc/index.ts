// SSC command set: registry of CDB codecs and table of all decoders.
import type { CommandCodec, DecoderTable } from '../command';
import { decodeDensitySupportData } from './density-support-data';
import { decodeErase6, ERASE6_CDB_LENGTH, ERASE6_OPCODE } from './erase6';
import { decodeLoadUnload, LOAD_UNLOAD_CDB_LENGTH, LOAD_UNLOAD_OPCODE } from './load-unload';
import { decodeLocate10, LOCATE10_CDB_LENGTH, LOCATE10_OPCODE } from './locate10';
import { decodeLocate16, LOCATE16_CDB_LENGTH, LOCATE16_OPCODE } from './locate16';
import { decodeMediumTypeData } from './medium-type-data';
import { decodeRead6, READ6_CDB_LENGTH, READ6_OPCODE } from './read6';
import {
  decodeReadBlockLimits,
  READ_BLOCK_LIMITS_CDB_LENGTH,
  READ_BLOCK_LIMITS_OPCODE,
} from './read-block-limits';
import { decodeReadBlockLimitsData } from './read-block-limits-data';
import { decodeReadBlockLimitsMloiData } from './read-block-limits-mloi-data';
import { decodeReadPosition, READ_POSITION_CDB_LENGTH, READ_POSITION_OPCODE } from './read-position';
import { decodeReadPositionExtended } from './read-position-extended';
import { decodeReadPositionLong } from './read-position-long';
import { decodeReadPositionShort } from './read-position-short';
import {
  decodeReportDensitySupport,
  REPORT_DENSITY_SUPPORT_CDB_LENGTH,
  REPORT_DENSITY_SUPPORT_OPCODE,
} from './report-density-support';
import { decodeRewind, REWIND_CDB_LENGTH, REWIND_OPCODE } from './rewind';
import { decodeSpace16, SPACE16_CDB_LENGTH, SPACE16_OPCODE } from './space16';
import { decodeSpace6, SPACE6_CDB_LENGTH, SPACE6_OPCODE } from './space6';
import { decodeWrite6, WRITE6_CDB_LENGTH, WRITE6_OPCODE } from './write6';
import {
  decodeWriteFilemarks6,
  WRITE_FILEMARKS6_CDB_LENGTH,
  WRITE_FILEMARKS6_OPCODE,
} from './write-filemarks6';

export * from './common';
export * from './density-support-data';
export * from './density-support-header';
export * from './erase6';
export * from './load-unload';
export * from './locate10';
export * from './locate16';
export * from './medium-type-data';
export * from './read6';
export * from './read-block-limits';
export * from './read-block-limits-data';
export * from './read-block-limits-mloi-data';
export * from './read-position';
export * from './read-position-extended';
export * from './read-position-long';
export * from './read-position-short';
export * from './report-density-support';
export * from './rewind';
export * from './space-code';
export * from './space16';
export * from './space6';
export * from './write6';
export * from './write-filemarks6';

const TAPE = [1];

/**
 * READ POSITION is registered once, without a service action: its decoder accepts 00h/01h/06h/08h
 * and answers INVALID FIELD IN CDB (byte 1) for the reserved ones.
 */
export const COMMANDS: CommandCodec[] = [
  {
    opcode: REWIND_OPCODE,
    name: 'REWIND',
    deviceTypes: TAPE,
    cdbLength: REWIND_CDB_LENGTH,
    decode: decodeRewind,
  },
  {
    opcode: READ_BLOCK_LIMITS_OPCODE,
    name: 'READ BLOCK LIMITS',
    deviceTypes: TAPE,
    cdbLength: READ_BLOCK_LIMITS_CDB_LENGTH,
    decode: decodeReadBlockLimits,
  },
  {
    opcode: READ6_OPCODE,
    name: 'READ(6)',
    deviceTypes: TAPE,
    cdbLength: READ6_CDB_LENGTH,
    decode: decodeRead6,
  },
  {
    opcode: WRITE6_OPCODE,
    name: 'WRITE(6)',
    deviceTypes: TAPE,
    cdbLength: WRITE6_CDB_LENGTH,
    decode: decodeWrite6,
  },
  {
    opcode: WRITE_FILEMARKS6_OPCODE,
    name: 'WRITE FILEMARKS(6)',
    deviceTypes: TAPE,
    cdbLength: WRITE_FILEMARKS6_CDB_LENGTH,
    decode: decodeWriteFilemarks6,
  },
  {
    opcode: SPACE6_OPCODE,
    name: 'SPACE(6)',
    deviceTypes: TAPE,
    cdbLength: SPACE6_CDB_LENGTH,
    decode: decodeSpace6,
  },
  {
    opcode: ERASE6_OPCODE,
    name: 'ERASE(6)',
    deviceTypes: TAPE,
    cdbLength: ERASE6_CDB_LENGTH,
    decode: decodeErase6,
  },
  {
    opcode: LOAD_UNLOAD_OPCODE,
    name: 'LOAD UNLOAD',
    deviceTypes: TAPE,
    cdbLength: LOAD_UNLOAD_CDB_LENGTH,
    decode: decodeLoadUnload,
  },
  {
    opcode: LOCATE10_OPCODE,
    name: 'LOCATE(10)',
    deviceTypes: TAPE,
    cdbLength: LOCATE10_CDB_LENGTH,
    decode: decodeLocate10,
  },
  {
    opcode: READ_POSITION_OPCODE,
    name: 'READ POSITION',
    deviceTypes: TAPE,
    cdbLength: READ_POSITION_CDB_LENGTH,
    decode: decodeReadPosition,
  },
  {
    opcode: REPORT_DENSITY_SUPPORT_OPCODE,
    name: 'REPORT DENSITY SUPPORT',
    deviceTypes: TAPE,
    cdbLength: REPORT_DENSITY_SUPPORT_CDB_LENGTH,
    decode: decodeReportDensitySupport,
  },
  {
    opcode: SPACE16_OPCODE,
    name: 'SPACE(16)',
    deviceTypes: TAPE,
    cdbLength: SPACE16_CDB_LENGTH,
    decode: decodeSpace16,
  },
  {
    opcode: LOCATE16_OPCODE,
    name: 'LOCATE(16)',
    deviceTypes: TAPE,
    cdbLength: LOCATE16_CDB_LENGTH,
    decode: decodeLocate16,
  },
];

export const DECODERS: DecoderTable = {
  'ssc.rewind': decodeRewind,
  'ssc.readBlockLimits': decodeReadBlockLimits,
  'ssc.readBlockLimits.data': decodeReadBlockLimitsData,
  'ssc.readBlockLimits.mloiData': decodeReadBlockLimitsMloiData,
  'ssc.read6': decodeRead6,
  'ssc.write6': decodeWrite6,
  'ssc.writeFilemarks6': decodeWriteFilemarks6,
  'ssc.space6': decodeSpace6,
  'ssc.erase6': decodeErase6,
  'ssc.loadUnload': decodeLoadUnload,
  'ssc.locate10': decodeLocate10,
  'ssc.readPosition': decodeReadPosition,
  'ssc.readPosition.short': decodeReadPositionShort,
  'ssc.readPosition.long': decodeReadPositionLong,
  'ssc.readPosition.extended': decodeReadPositionExtended,
  'ssc.reportDensitySupport': decodeReportDensitySupport,
  'ssc.reportDensitySupport.densities': decodeDensitySupportData,
  'ssc.reportDensitySupport.mediumTypes': decodeMediumTypeData,
  'ssc.space16': decodeSpace16,
  'ssc.locate16': decodeLocate16,
};
