// `xcopyctl xcopy-decode HEX... | --file F [--json]`: decode an EXTENDED COPY(LID1) parameter list
// under the spec maxima (any well-formed list) and print its header, CSCD descriptors, segment
// descriptors and inline data. `--json` prints the decoded structure; `--encode-json F` turns such
// JSON back into the parameter list bytes (hex), so the two round-trip.
import type { Argv, CommandModule } from 'yargs';
import {
  type ExtendedCopyParameterList,
  type SegmentDescriptor,
  type TargetDescriptor,
  SPEC_MAXIMUM_LIMITS,
  cscdIdKind,
  decodeExtendedCopyParameterList,
  descriptorTypeName,
  encodeExtendedCopyParameterList,
  parameterListLayout,
} from '../../cdb/xcopy/index';
import { type Io, parseHex, readInputFile, toHex, toJson, UsageError } from '../usage';

interface XcopyDecodeArgs {
  hex?: string[];
  file?: string;
  json: boolean;
  'encode-json'?: string;
}

/** Decoded fields holding 64-bit values (JSON carries them as decimal strings). */
const BIGINT_FIELDS = new Set([
  'blockDeviceLogicalBlockAddress',
  'sourceBlockDeviceLogicalBlockAddress',
  'destinationBlockDeviceLogicalBlockAddress',
  'reservationKey',
  'serviceActionReservationKey',
  'startingSourceLogicalBlockAddress',
  'startingDestinationLogicalBlockAddress',
]);
/** Decoded fields holding bytes (JSON carries them as hex strings). */
const BUFFER_FIELDS = new Set(['designator', 'bytes', 'embeddedData', 'inlineData']);

function revive(value: unknown, key: string): unknown {
  if (BIGINT_FIELDS.has(key)) {
    if (
      (typeof value === 'string' && /^\d+$/.test(value)) ||
      (typeof value === 'number' && Number.isSafeInteger(value))
    ) {
      return BigInt(value);
    }
    throw new UsageError(`${key} must be a decimal integer, got ${JSON.stringify(value)}`);
  }
  if (BUFFER_FIELDS.has(key)) {
    if (typeof value === 'string' && /^([0-9a-fA-F]{2})*$/.test(value)) return Buffer.from(value, 'hex');
    throw new UsageError(`${key} must be a hex string, got ${JSON.stringify(value)}`);
  }
  if (Array.isArray(value)) return value.map((v) => revive(v, ''));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v, k)]));
  }
  return value;
}

/**
 * Encode the JSON form `xcopy-decode --json` prints (64-bit fields as decimal strings, byte fields
 * as hex) back into parameter list bytes. Bad shapes or values are a UsageError.
 */
export function encodeFromJson(json: unknown): Buffer {
  const list = revive(json, '');
  if (
    list === null ||
    typeof list !== 'object' ||
    !Array.isArray((list as Partial<ExtendedCopyParameterList>).targetDescriptors) ||
    !Array.isArray((list as Partial<ExtendedCopyParameterList>).segmentDescriptors) ||
    !Buffer.isBuffer((list as Partial<ExtendedCopyParameterList>).inlineData)
  ) {
    throw new UsageError(
      'JSON is not a parameter list (needs targetDescriptors, segmentDescriptors, inlineData)',
    );
  }
  try {
    return encodeExtendedCopyParameterList(list as ExtendedCopyParameterList);
  } catch (e) {
    // The encoders throw RangeError (and TypeError on values of the wrong type): bad input.
    throw new UsageError(`cannot encode the list: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function h2(n: number): string {
  return `${n.toString(16).toUpperCase().padStart(2, '0')}h`;
}

/** T10 field name from our camelCase one: sourceCscdDescriptorId -> SOURCE CSCD DESCRIPTOR ID. */
function t10Name(key: string): string {
  if (key === 'wImmed') return 'W_IMMED';
  return key.replace(/([A-Z])/g, ' $1').toUpperCase();
}

function fieldValue(key: string, v: unknown): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'bigint') return `${v} (0x${v.toString(16).toUpperCase()})`;
  if (Buffer.isBuffer(v)) return v.length === 0 ? '(none)' : toHex(v);
  if (typeof v === 'number' && key.endsWith('CscdDescriptorId')) {
    const kind = cscdIdKind(v);
    return kind === 'list' ? `${v}` : `${v} (${v.toString(16).toUpperCase()}h, ${kind})`;
  }
  if (typeof v === 'number' && (key === 'peripheralDeviceType' || key === 'descriptorCode')) return h2(v);
  return String(v);
}

function fields(obj: object, indent: string, skip: readonly string[]): string[] {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (skip.includes(k)) continue;
    if (k === 'designator' && Buffer.isBuffer(v)) lines.push(`${indent}DESIGNATOR LENGTH: ${v.length}`);
    if (k === 'embeddedData' && Buffer.isBuffer(v))
      lines.push(`${indent}EMBEDDED DATA NUMBER OF BYTES: ${v.length}`);
    if (k === 'deviceTypeParameters') {
      const p = v as { kind: string };
      lines.push(
        `${indent}DEVICE TYPE SPECIFIC PARAMETERS (${p.kind}):`,
        ...fields(p, `${indent}  `, ['kind']),
      );
      continue;
    }
    lines.push(`${indent}${t10Name(k)}: ${fieldValue(k, v)}`);
  }
  return lines;
}

function targetLines(d: TargetDescriptor, i: number, at: number): string[] {
  const code = d.kind === 'identification' ? 0xe4 : d.descriptorCode;
  const note = d.kind === 'unsupported' ? ' (kept as bytes)' : '';
  return [
    `CSCD descriptor ${i} at byte ${at}: ${h2(code)} ${descriptorTypeName(code)}${note}`,
    ...fields(d, '  ', ['kind']),
  ];
}

function segmentLines(s: SegmentDescriptor, i: number, at: number): string[] {
  const code = s.descriptorTypeCode;
  const note = s.kind === 'opaque' ? ' (kept as bytes)' : '';
  return [
    `Segment descriptor ${i} at byte ${at}: ${h2(code)} ${descriptorTypeName(code)}${note}`,
    ...fields(s, '  ', ['kind', 'descriptorTypeCode']),
  ];
}

/** The text listing of a decoded parameter list. */
export function describeParameterList(list: ExtendedCopyParameterList): string[] {
  const layout = parameterListLayout(list);
  const cscdLength = layout.segmentDescriptorOffsets[0] ?? layout.inlineDataOffset;
  return [
    `EXTENDED COPY(LID1) parameter list, ${layout.length} bytes`,
    `  LIST IDENTIFIER: ${list.listIdentifier}`,
    `  STR: ${list.str ? 1 : 0}`,
    `  LIST ID USAGE: ${list.listIdUsage.toString(2).padStart(2, '0')}b`,
    `  PRIORITY: ${list.priority}`,
    `  CSCD DESCRIPTOR LIST LENGTH: ${cscdLength - 16}`,
    `  SEGMENT DESCRIPTOR LIST LENGTH: ${layout.inlineDataOffset - cscdLength}`,
    `  INLINE DATA LENGTH: ${list.inlineData.length}`,
    ...list.targetDescriptors.flatMap((d, i) => targetLines(d, i, layout.cscdDescriptorOffsets[i])),
    ...list.segmentDescriptors.flatMap((s, i) => segmentLines(s, i, layout.segmentDescriptorOffsets[i])),
    `Inline data: ${list.inlineData.length} bytes at byte ${layout.inlineDataOffset}`,
    ...(list.inlineData.length > 0 ? [`  ${toHex(list.inlineData)}`] : []),
  ];
}

/** A file of hex text (spaces, commas, colons, 0x allowed) or else raw binary. */
export function listBytes(path: string): Buffer {
  const raw = readInputFile(path);
  const text = raw.toString('latin1');
  return /^[\s0-9a-fA-Fx,:]*[0-9a-fA-F][\s0-9a-fA-Fx,:]*$/.test(text) ? parseHex([text]) : raw;
}

export function xcopyDecodeVerb(io: Io): CommandModule {
  const verb: CommandModule<object, XcopyDecodeArgs> = {
    command: 'xcopy-decode [hex..]',
    describe: 'decode an EXTENDED COPY(LID1) parameter list given as hex, or from a file',
    builder: (y: Argv<object>): Argv<XcopyDecodeArgs> =>
      y
        .positional('hex', { type: 'string', array: true, describe: 'parameter list bytes in hex' })
        .option('file', {
          alias: 'f',
          type: 'string',
          describe: 'read the list from a binary or hex text file',
        })
        .option('json', { type: 'boolean', default: false, describe: 'print the decoded list as JSON' })
        .option('encode-json', {
          type: 'string',
          describe: 'encode a JSON list (as printed by --json) and print its bytes in hex',
        })
        .example('$0 xcopy-decode --file list.bin', 'list the descriptors of a saved parameter list')
        .example('$0 xcopy-decode --encode-json l.json', 'bytes of a list saved with --json'),
    handler: (argv) => {
      const hexArgs = argv.hex ?? [];
      const jsonFile = argv['encode-json'];
      if (jsonFile !== undefined) {
        if (hexArgs.length > 0 || argv.file !== undefined)
          throw new UsageError('--encode-json takes no other input');
        let json: unknown;
        try {
          json = JSON.parse(readInputFile(jsonFile).toString('utf8'));
        } catch (e) {
          if (e instanceof UsageError) throw e;
          throw new UsageError(`${jsonFile} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
        }
        io.out(toHex(encodeFromJson(json)));
        return;
      }
      if (hexArgs.length > 0 === (argv.file !== undefined)) {
        throw new UsageError('give the parameter list either as hex arguments or with --file');
      }
      const buf = argv.file !== undefined ? listBytes(argv.file) : parseHex(hexArgs);
      const list = decodeExtendedCopyParameterList(buf, SPEC_MAXIMUM_LIMITS);
      if (argv.json) {
        io.out(toJson(list));
        return;
      }
      for (const line of describeParameterList(list)) io.out(line);
    },
  };
  // VERBS holds untyped modules; the builder above gives the handler its typed arguments.
  return verb as CommandModule;
}
