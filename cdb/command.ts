// A CDB codec as the registry sees it: the CLI's `cdb` verb, the fuzz test and the target's
// opcode dispatch all use this shape.
export type Fields = object;

export interface CommandCodec {
  /** OPERATION CODE. */
  opcode: number;
  /** SERVICE ACTION (byte 1 bits 4-0, or bytes 8-9 for variable-length CDBs) when the opcode has them. */
  serviceAction?: number;
  /** T10 command name, e.g. "READ(16)". */
  name: string;
  /** Peripheral device types the command is defined for (0 disk, 1 tape, 8 changer, ...); empty = all. */
  deviceTypes: number[];
  /** CDB length in bytes. */
  cdbLength: number;
  decode(cdb: Buffer): Fields;
}

/** Every decoder in a command set, keyed by a unique name, for the fuzz test. */
export type DecoderTable = Record<string, (buf: Buffer) => unknown>;
