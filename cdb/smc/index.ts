// SMC command set: registry of CDB codecs and table of all decoders (filled in per command file).
import type { CommandCodec, DecoderTable } from '../command';

export const COMMANDS: CommandCodec[] = [];
export const DECODERS: DecoderTable = {};
