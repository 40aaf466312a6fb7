// The whole CDB registry: look a CDB up by opcode (+ service action) and decode it.
import type { CommandCodec, Fields } from './command';
import { invalidCdbField, invalidOpcode } from './errors';
import * as spc from './spc/index';
import * as sbc from './sbc/index';
import * as ssc from './ssc/index';
import * as smc from './smc/index';
import * as xcopy from './xcopy/index';

export const ALL_COMMANDS: CommandCodec[] = [
  ...spc.COMMANDS,
  ...sbc.COMMANDS,
  ...ssc.COMMANDS,
  ...smc.COMMANDS,
  ...xcopy.COMMANDS,
];

export const ALL_DECODERS = {
  ...spc.DECODERS,
  ...sbc.DECODERS,
  ...ssc.DECODERS,
  ...smc.DECODERS,
  ...xcopy.DECODERS,
};

function serviceActionOf(cdb: Buffer, codec: CommandCodec): number | undefined {
  if (codec.serviceAction === undefined) return undefined;
  if (cdb[0] === 0x7f) return cdb.length >= 10 ? cdb.readUInt16BE(8) : undefined;
  return cdb.length >= 2 ? cdb[1] & 0x1f : undefined;
}

/**
 * Find the codecs for a CDB. Several device types may share an opcode (08h is READ(6) on both
 * disk and tape); `deviceType` narrows that when known.
 */
export function lookupCommand(cdb: Buffer, deviceType?: number): CommandCodec[] {
  if (cdb.length === 0) throw invalidCdbField(0, 'empty CDB');
  const byOpcode = ALL_COMMANDS.filter((c) => c.opcode === cdb[0]);
  if (byOpcode.length === 0) throw invalidOpcode(cdb[0]);
  const bySa = byOpcode.filter(
    (c) => c.serviceAction === undefined || serviceActionOf(cdb, c) === c.serviceAction,
  );
  if (bySa.length === 0) throw invalidCdbField(1, 'unsupported service action', 4);
  if (deviceType === undefined) return bySa;
  const byType = bySa.filter((c) => c.deviceTypes.length === 0 || c.deviceTypes.includes(deviceType));
  return byType.length > 0 ? byType : bySa;
}

export interface DescribedCdb {
  name: string;
  fields: Fields;
}

/** Decode a CDB with every matching codec (one per device type that defines it). */
export function describeCdb(cdb: Buffer, deviceType?: number): DescribedCdb[] {
  return lookupCommand(cdb, deviceType).map((c) => ({ name: c.name, fields: c.decode(cdb) }));
}
