// SBC command set: registry of CDB codecs and table of all decoders.
import type { CommandCodec, DecoderTable } from '../command';
import { decodeLbaStatusData, decodeGetLbaStatus, GET_LBA_STATUS_SERVICE_ACTION } from './get-lba-status';
import { decodeReadCapacity10, decodeReadCapacity10Data, READ_CAPACITY10_OPCODE } from './read-capacity10';
import {
  decodeReadCapacity16,
  decodeReadCapacity16Data,
  READ_CAPACITY16_SERVICE_ACTION,
  SERVICE_ACTION_IN_16_OPCODE,
} from './read-capacity16';
import { decodeRead6, decodeWrite6, READ6_OPCODE, WRITE6_OPCODE } from './read-write6';
import { decodeRead10, decodeWrite10, READ10_OPCODE, WRITE10_OPCODE } from './read-write10';
import { decodeRead12, decodeWrite12, READ12_OPCODE, WRITE12_OPCODE } from './read-write12';
import { decodeRead16, decodeWrite16, READ16_OPCODE, WRITE16_OPCODE } from './read-write16';
import {
  decodeSynchronizeCache10,
  decodeSynchronizeCache16,
  SYNCHRONIZE_CACHE10_OPCODE,
  SYNCHRONIZE_CACHE16_OPCODE,
} from './synchronize-cache';
import { decodeUnmap, decodeUnmapParameterList, UNMAP_OPCODE } from './unmap';
import { decodeVerify10, decodeVerify16, VERIFY10_OPCODE, VERIFY16_OPCODE } from './verify';
import { decodeWriteSame10, decodeWriteSame16, WRITE_SAME10_OPCODE, WRITE_SAME16_OPCODE } from './write-same';

export * from './get-lba-status';
export * from './read-capacity10';
export * from './read-capacity16';
export * from './read-write6';
export * from './read-write10';
export * from './read-write12';
export * from './read-write16';
export * from './synchronize-cache';
export * from './unmap';
export * from './verify';
export * from './write-same';

/** Direct-access block device (SPC-4 peripheral device type 00h). */
const DISK = [0];

export const COMMANDS: CommandCodec[] = [
  // 08h/0Ah are shared with SSC: the tape forms are registered by cdb/ssc with deviceTypes [1].
  { opcode: READ6_OPCODE, name: 'READ(6)', deviceTypes: DISK, cdbLength: 6, decode: decodeRead6 },
  { opcode: WRITE6_OPCODE, name: 'WRITE(6)', deviceTypes: DISK, cdbLength: 6, decode: decodeWrite6 },
  { opcode: READ10_OPCODE, name: 'READ(10)', deviceTypes: DISK, cdbLength: 10, decode: decodeRead10 },
  { opcode: WRITE10_OPCODE, name: 'WRITE(10)', deviceTypes: DISK, cdbLength: 10, decode: decodeWrite10 },
  { opcode: READ12_OPCODE, name: 'READ(12)', deviceTypes: DISK, cdbLength: 12, decode: decodeRead12 },
  { opcode: WRITE12_OPCODE, name: 'WRITE(12)', deviceTypes: DISK, cdbLength: 12, decode: decodeWrite12 },
  { opcode: READ16_OPCODE, name: 'READ(16)', deviceTypes: DISK, cdbLength: 16, decode: decodeRead16 },
  { opcode: WRITE16_OPCODE, name: 'WRITE(16)', deviceTypes: DISK, cdbLength: 16, decode: decodeWrite16 },
  { opcode: VERIFY10_OPCODE, name: 'VERIFY(10)', deviceTypes: DISK, cdbLength: 10, decode: decodeVerify10 },
  { opcode: VERIFY16_OPCODE, name: 'VERIFY(16)', deviceTypes: DISK, cdbLength: 16, decode: decodeVerify16 },
  {
    opcode: SYNCHRONIZE_CACHE10_OPCODE,
    name: 'SYNCHRONIZE CACHE(10)',
    deviceTypes: DISK,
    cdbLength: 10,
    decode: decodeSynchronizeCache10,
  },
  {
    opcode: SYNCHRONIZE_CACHE16_OPCODE,
    name: 'SYNCHRONIZE CACHE(16)',
    deviceTypes: DISK,
    cdbLength: 16,
    decode: decodeSynchronizeCache16,
  },
  {
    opcode: WRITE_SAME10_OPCODE,
    name: 'WRITE SAME(10)',
    deviceTypes: DISK,
    cdbLength: 10,
    decode: decodeWriteSame10,
  },
  {
    opcode: WRITE_SAME16_OPCODE,
    name: 'WRITE SAME(16)',
    deviceTypes: DISK,
    cdbLength: 16,
    decode: decodeWriteSame16,
  },
  { opcode: UNMAP_OPCODE, name: 'UNMAP', deviceTypes: DISK, cdbLength: 10, decode: decodeUnmap },
  {
    opcode: READ_CAPACITY10_OPCODE,
    name: 'READ CAPACITY(10)',
    deviceTypes: DISK,
    cdbLength: 10,
    decode: decodeReadCapacity10,
  },
  {
    opcode: SERVICE_ACTION_IN_16_OPCODE,
    serviceAction: READ_CAPACITY16_SERVICE_ACTION,
    name: 'READ CAPACITY(16)',
    deviceTypes: DISK,
    cdbLength: 16,
    decode: decodeReadCapacity16,
  },
  {
    opcode: SERVICE_ACTION_IN_16_OPCODE,
    serviceAction: GET_LBA_STATUS_SERVICE_ACTION,
    name: 'GET LBA STATUS',
    deviceTypes: DISK,
    cdbLength: 16,
    decode: decodeGetLbaStatus,
  },
];

export const DECODERS: DecoderTable = {
  'sbc.read6': decodeRead6,
  'sbc.write6': decodeWrite6,
  'sbc.read10': decodeRead10,
  'sbc.write10': decodeWrite10,
  'sbc.read12': decodeRead12,
  'sbc.write12': decodeWrite12,
  'sbc.read16': decodeRead16,
  'sbc.write16': decodeWrite16,
  'sbc.verify10': decodeVerify10,
  'sbc.verify16': decodeVerify16,
  'sbc.synchronizeCache10': decodeSynchronizeCache10,
  'sbc.synchronizeCache16': decodeSynchronizeCache16,
  'sbc.writeSame10': decodeWriteSame10,
  'sbc.writeSame16': decodeWriteSame16,
  'sbc.unmap': decodeUnmap,
  'sbc.unmap.param': decodeUnmapParameterList,
  'sbc.readCapacity10': decodeReadCapacity10,
  'sbc.readCapacity10.data': decodeReadCapacity10Data,
  'sbc.readCapacity16': decodeReadCapacity16,
  'sbc.readCapacity16.data': decodeReadCapacity16Data,
  'sbc.getLbaStatus': decodeGetLbaStatus,
  'sbc.getLbaStatus.data': decodeLbaStatusData,
};
