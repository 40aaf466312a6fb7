// `xcopyctl cdb HEX...`: name the command a CDB carries and decode its fields with the registry.
import type { Argv, CommandModule } from 'yargs';
import type { CommandCodec, Fields } from '../../cdb/command';
import { lookupCommand } from '../../cdb/commands';
import { SenseError } from '../../cdb/errors';
import { type Io, parseHex, toHex, toJson, UsageError } from '../usage';

interface CdbArgs {
  hex: string[];
  json: boolean;
  type?: number;
}

interface Decoded {
  name: string;
  opcode: number;
  serviceAction?: number;
  deviceTypes: number[];
  fields?: Fields;
  error?: string;
}

function decodeWith(codec: CommandCodec, cdb: Buffer): Decoded {
  const d: Decoded = { name: codec.name, opcode: codec.opcode, deviceTypes: codec.deviceTypes };
  if (codec.serviceAction !== undefined) d.serviceAction = codec.serviceAction;
  try {
    d.fields = codec.decode(cdb);
  } catch (e) {
    if (!(e instanceof SenseError)) throw e;
    d.error = e.message;
  }
  return d;
}

function h2(n: number): string {
  return `${n.toString(16).toUpperCase().padStart(2, '0')}h`;
}

function scalar(v: unknown): string {
  if (typeof v === 'bigint') return `${v} (0x${v.toString(16).toUpperCase()})`;
  if (typeof v === 'number')
    return v > 9 && Number.isInteger(v) ? `${v} (0x${v.toString(16).toUpperCase()})` : `${v}`;
  if (Buffer.isBuffer(v)) return v.length === 0 ? '(empty)' : toHex(v);
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

/** Field lines, nested objects and arrays indented under their key. */
export function fieldLines(value: unknown, indent: string): string[] {
  const lines: string[] = [];
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((v, i): [string, unknown] => [`[${i}]`, v])
    : Object.entries(value as object);
  for (const [k, v] of entries) {
    if (v === undefined) continue;
    if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v)) {
      lines.push(`${indent}${k}:`, ...fieldLines(v, `${indent}  `));
    } else {
      lines.push(`${indent}${k}: ${scalar(v)}`);
    }
  }
  return lines;
}

function typeText(types: number[]): string {
  return types.length === 0 ? 'all device types' : `device type ${types.map(h2).join(', ')}`;
}

export function cdbVerb(io: Io): CommandModule {
  const verb: CommandModule<object, CdbArgs> = {
    command: 'cdb <hex..>',
    describe: 'name and decode a SCSI CDB given as hex bytes (spaces optional)',
    builder: (y: Argv<object>): Argv<CdbArgs> =>
      y
        .positional('hex', { type: 'string', array: true, demandOption: true, describe: 'CDB bytes in hex' })
        .option('json', { type: 'boolean', default: false, describe: 'print the decoded fields as JSON' })
        .option('type', {
          type: 'number',
          describe: 'peripheral device type (0 disk, 1 tape, 8 changer) to pick among shared opcodes',
        })
        .example('$0 cdb 03 00 00 00 fc 00', 'REQUEST SENSE'),
    handler: (argv) => {
      const type = argv.type;
      if (type !== undefined && (!Number.isInteger(type) || type < 0 || type > 0x1f)) {
        throw new UsageError(`--type must be a peripheral device type 0-31, got ${type}`);
      }
      const cdb = parseHex(argv.hex);
      const results = lookupCommand(cdb, type).map((c) => decodeWith(c, cdb));
      const failed = results.filter((r) => r.error !== undefined);
      if (failed.length === results.length) {
        // Not one reading decodes: bad input (exit code 2).
        throw new UsageError(failed.map((r) => `${r.name}: ${r.error}`).join('; '));
      }
      if (argv.json) {
        io.out(toJson(results));
        return;
      }
      results.forEach((r, i) => {
        if (i > 0) io.out('');
        const sa = r.serviceAction === undefined ? '' : ` service action ${h2(r.serviceAction)}`;
        io.out(`${r.name} (opcode ${h2(r.opcode)}${sa}, ${typeText(r.deviceTypes)})`);
        const lines = r.error !== undefined ? [`  does not decode: ${r.error}`] : fieldLines(r.fields, '  ');
        for (const line of lines) io.out(line);
      });
    },
  };
  // VERBS holds untyped modules; the builder above gives the handler its typed arguments.
  return verb as CommandModule;
}
