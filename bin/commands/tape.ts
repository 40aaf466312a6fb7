// `xcopyctl tape ADDRESS ACTION [N]`: operate a tape drive over any transport (iscsi:// URL or
// /dev/sgN), like mt(1): status, rewind, load, unload, position, locate N, space blocks|filemarks|eod
// [N], write-filemarks [N], erase, attributes. --json prints one JSON object. Bad input exits 2; a
// command the drive refuses exits 1 with its sense in one line (SPACE and LOCATE also report where
// they stopped: a filemark, end of data, the residue).
import type { Argv, CommandModule } from 'yargs';
import { decodeSense, type SenseData } from '../../cdb/spc/sense';
import { ascText } from '../../cdb/spc/asc';
import { senseKeyName } from '../../cdb/spc/status';
import {
  attributeName,
  decodeAttributeValuesData,
  encodeReadAttribute,
  READ_ATTRIBUTE_SERVICE_ACTION,
} from '../../cdb/spc/read-attribute';
import { encodeModeSense6 } from '../../cdb/spc/mode-sense';
import { decodeModeParameterHeader6, decodeTapeDeviceSpecificParameter } from '../../cdb/spc/mode-parameters';
import {
  decodeReadBlockLimitsData,
  decodeReadPositionLong,
  encodeErase6,
  encodeLoadUnload,
  encodeLocate10,
  encodeLocate16,
  encodeReadBlockLimits,
  encodeReadPosition,
  encodeRewind,
  encodeSpace16,
  encodeSpace6,
  encodeWriteFilemarks6,
  INT24_MAX,
  INT24_MIN,
  LocateDestType,
  ReadPositionForm,
  READ_POSITION_LONG_LENGTH,
  SpaceCode,
} from '../../cdb/ssc';
import { runCommand, ScsiStatusError } from '../../targets/command';
import type { ScsiCommand, ScsiTransport } from '../../targets/transport';
import { printTree } from '../print';
import { type Io, toJson, UsageError } from '../usage';
import { withTransport } from './device-common';

export const TAPE_ACTIONS = [
  'status',
  'rewind',
  'load',
  'unload',
  'position',
  'locate',
  'space',
  'write-filemarks',
  'erase',
  'attributes',
] as const;
type TapeAction = (typeof TAPE_ACTIONS)[number];

interface TapeArgs {
  address: string;
  action: string;
  args: (string | number)[];
  json?: boolean;
  long?: boolean;
}

const LONG_TIMEOUT = 600000;

/** A whole number from the command line (decimal or 0x hex), within [min, max]. */
export function parseCount(v: string | number | undefined, what: string, min: number, max: number): number {
  if (v === undefined) throw new UsageError(`${what} is missing`);
  const s = String(v).trim();
  const n = /^-?0x[0-9a-f]+$/i.test(s)
    ? s.startsWith('-')
      ? -parseInt(s.slice(3), 16)
      : parseInt(s, 16)
    : /^-?\d+$/.test(s)
      ? Number(s)
      : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`${what} must be a whole number from ${min} to ${max}, not "${s}"`);
  return n;
}

/** "NO SENSE, FILEMARK DETECTED (00/00/01), filemark, information 3" */
export function describeSense(s: SenseData): string {
  const hex = (n: number): string => n.toString(16).padStart(2, '0');
  const parts = [
    `${senseKeyName(s.senseKey)}, ${ascText(s.asc, s.ascq)} (${hex(s.senseKey)}/${hex(s.asc)}/${hex(s.ascq)})`,
  ];
  if (s.filemark) parts.push('filemark');
  if (s.eom) parts.push('end of medium');
  if (s.ili) parts.push('incorrect length');
  if (s.information !== undefined) parts.push(`information ${BigInt.asIntN(32, s.information)}`);
  return parts.join(', ');
}

/** A drive command that ended in CHECK CONDITION, described with FM/EOM/ILI and INFORMATION. */
export class TapeCommandError extends ScsiStatusError {
  constructor(address: string, cdb: Buffer, status: number, sense: Buffer, what: string, s: SenseData) {
    super(address, cdb, status, sense);
    this.name = 'TapeCommandError';
    this.message = `${address}: ${what} failed: ${describeSense(s)}`;
  }
}

async function run(t: ScsiTransport, cmd: ScsiCommand, what: string): Promise<Buffer> {
  try {
    return (await runCommand(t, { timeoutMs: LONG_TIMEOUT, ...cmd })).dataIn;
  } catch (e) {
    if (e instanceof ScsiStatusError && e.senseData !== undefined)
      throw new TapeCommandError(t.address, cmd.cdb, e.status, e.sense, what, e.senseData);
    throw e;
  }
}

export interface TapePosition {
  partition: number;
  objectNumber: number;
  fileNumber: number;
  bop: boolean;
  eop: boolean;
  positionUnknown: boolean;
}

export async function readPosition(t: ScsiTransport): Promise<TapePosition> {
  const data = await run(
    t,
    {
      cdb: encodeReadPosition({ serviceAction: ReadPositionForm.LONG, allocationLength: 0, control: 0 }),
      dataInLength: READ_POSITION_LONG_LENGTH,
    },
    'READ POSITION',
  );
  const p = decodeReadPositionLong(data);
  return {
    partition: p.partitionNumber,
    objectNumber: Number(p.logicalObjectNumber),
    fileNumber: Number(p.logicalFileIdentifier),
    bop: p.bop,
    eop: p.eop,
    positionUnknown: p.lonu || p.mpu,
  };
}

/** TEST UNIT READY without absorbing anything: "ready", or why not. */
async function readiness(t: ScsiTransport): Promise<{ ready: boolean; reason?: string }> {
  for (let i = 0; i < 4; i++) {
    const r = await t.execute({ cdb: Buffer.alloc(6), timeoutMs: 30000 });
    if (r.status === 0) return { ready: true };
    if (r.status !== 2 || r.sense.length === 0)
      return { ready: false, reason: `status ${r.status.toString(16)}h` };
    const s = decodeSense(r.sense);
    if (s.senseKey === 0x06) continue; // unit attention: reported once, then the real state
    return { ready: false, reason: describeSense(s) };
  }
  return { ready: false, reason: 'unit attentions do not clear' };
}

async function status(t: ScsiTransport): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const rd = await readiness(t);
  out.ready = rd.ready;
  if (rd.reason !== undefined) out.notReady = rd.reason;
  const limits = decodeReadBlockLimitsData(
    await run(
      t,
      { cdb: encodeReadBlockLimits({ mloi: false, control: 0 }), dataInLength: 6 },
      'READ BLOCK LIMITS',
    ),
  );
  out.blockLimits = {
    minimum: limits.minimumBlockLengthLimit,
    maximum: limits.maximumBlockLengthLimit,
    granularity: limits.granularity,
  };
  const mode = await run(
    t,
    {
      cdb: encodeModeSense6({
        dbd: false,
        pc: 0,
        pageCode: 0x3f,
        subpageCode: 0,
        allocationLength: 255,
        control: 0,
      }),
      dataInLength: 255,
    },
    'MODE SENSE(6)',
  );
  const h = decodeModeParameterHeader6(mode);
  const dsp = decodeTapeDeviceSpecificParameter(h.deviceSpecificParameter);
  out.writeProtected = dsp.wp;
  out.bufferedMode = dsp.bufferedMode;
  if (h.blockDescriptorLength >= 8 && mode.length >= 12) {
    // SSC-4 8.3.2 block descriptor: DENSITY CODE, NUMBER OF BLOCKS, BLOCK LENGTH (0 = variable).
    out.densityCode = mode[4];
    out.blockLength = mode.readUIntBE(9, 3);
    out.blockMode = out.blockLength === 0 ? 'variable' : 'fixed';
  }
  if (rd.ready) out.position = await readPosition(t);
  return out;
}

async function attributes(t: ScsiTransport): Promise<Record<string, unknown>[]> {
  const alloc = 64 * 1024;
  const data = await run(
    t,
    {
      cdb: encodeReadAttribute({
        serviceAction: READ_ATTRIBUTE_SERVICE_ACTION.attributeValues,
        elementAddress: 0,
        logicalVolumeNumber: 0,
        partitionNumber: 0,
        firstAttributeIdentifier: 0,
        allocationLength: alloc,
        cache: false,
        control: 0,
      }),
      dataInLength: alloc,
    },
    'READ ATTRIBUTE',
  );
  return decodeAttributeValuesData(data).attributes.map((a) => ({
    id: `${a.attributeIdentifier.toString(16).padStart(4, '0')}h`,
    name: attributeName(a.attributeIdentifier),
    readOnly: a.readOnly,
    format: a.format,
    value:
      typeof a.value === 'bigint'
        ? a.value.toString()
        : Buffer.isBuffer(a.value)
          ? a.value.toString('hex')
          : a.value,
  }));
}

const SPACE_CODES: Record<string, SpaceCode> = {
  blocks: SpaceCode.LOGICAL_BLOCKS,
  filemarks: SpaceCode.FILEMARKS,
  eod: SpaceCode.END_OF_DATA,
};

/** Run one action; returns what to print. */
export async function tapeAction(
  t: ScsiTransport,
  action: TapeAction,
  args: (string | number)[],
  opts: { long?: boolean } = {},
): Promise<Record<string, unknown> | Record<string, unknown>[]> {
  const simple = async (cdb: Buffer, what: string): Promise<Record<string, unknown>> => {
    await run(t, { cdb }, what);
    return { [action]: 'done' };
  };
  switch (action) {
    case 'status':
      return status(t);
    case 'position':
      return { ...(await readPosition(t)) };
    case 'rewind':
      return simple(encodeRewind({ immed: false, control: 0 }), 'REWIND');
    case 'load':
    case 'unload':
      return simple(
        encodeLoadUnload({
          immed: false,
          hold: false,
          eot: false,
          reten: false,
          load: action === 'load',
          control: 0,
        }),
        'LOAD UNLOAD',
      );
    case 'erase':
      return simple(encodeErase6({ immed: false, long: opts.long === true, control: 0 }), 'ERASE');
    case 'write-filemarks': {
      const n = args.length === 0 ? 1 : parseCount(args[0], 'the filemark count', 0, 0xffffff);
      await run(
        t,
        { cdb: encodeWriteFilemarks6({ wsmk: false, immed: false, filemarkCount: n, control: 0 }) },
        'WRITE FILEMARKS',
      );
      return { filemarksWritten: n, position: await readPosition(t) };
    }
    case 'locate': {
      const n = parseCount(args[0], 'the logical object number', 0, Number.MAX_SAFE_INTEGER);
      const cdb =
        n <= 0xffffffff
          ? encodeLocate10({
              bt: false,
              cp: false,
              immed: false,
              logicalObjectIdentifier: n,
              partition: 0,
              control: 0,
            })
          : encodeLocate16({
              destType: LocateDestType.LOGICAL_OBJECT,
              cp: false,
              immed: false,
              bam: false,
              partition: 0,
              logicalIdentifier: BigInt(n),
              control: 0,
            });
      await run(t, { cdb }, `LOCATE to ${n}`);
      return { position: await readPosition(t) };
    }
    case 'space': {
      const kind = String(args[0] ?? '');
      const code = SPACE_CODES[kind];
      if (code === undefined) throw new UsageError(`space what? blocks, filemarks or eod, not "${kind}"`);
      const n =
        code === SpaceCode.END_OF_DATA
          ? 0
          : args.length < 2
            ? 1
            : parseCount(args[1], 'the count', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
      if (code === SpaceCode.END_OF_DATA && args.length > 1) throw new UsageError('space eod takes no count');
      const cdb =
        n >= INT24_MIN && n <= INT24_MAX
          ? encodeSpace6({ code, count: n, control: 0 })
          : encodeSpace16({ code, count: BigInt(n), parameterLength: 0, control: 0 });
      await run(t, { cdb }, `SPACE ${kind}${code === SpaceCode.END_OF_DATA ? '' : ` ${n}`}`);
      return { spaced: kind, count: n, position: await readPosition(t) };
    }
    case 'attributes':
      return attributes(t);
  }
}

export function tapeVerb(io: Io): CommandModule {
  const verb: CommandModule<object, TapeArgs> = {
    command: 'tape <address> <action> [args..]',
    describe: `operate a tape drive: ${TAPE_ACTIONS.join(', ')}`,
    builder: (y: Argv<object>): Argv<TapeArgs> =>
      y
        .positional('address', {
          type: 'string',
          demandOption: true,
          describe: 'iscsi://host[:port]/iqn/lun or /dev/sgN',
        })
        .positional('action', { type: 'string', demandOption: true, describe: TAPE_ACTIONS.join('|') })
        .positional('args', {
          type: 'string',
          array: true,
          default: [],
          describe: 'N for locate/write-filemarks; blocks|filemarks|eod [N] for space',
        })
        .option('json', { type: 'boolean', describe: 'print JSON' })
        .option('long', { type: 'boolean', describe: 'erase: LONG=1 (erase to the end of the partition)' })
        .example('$0 tape iscsi://127.0.0.1:3260/iqn.2024-01.io.xcopy:san/2 status', 'drive and medium state')
        .example('$0 tape /dev/sg3 space filemarks 2', 'forward over two filemarks')
        .example('$0 tape /dev/sg3 locate 1200 --json', 'position at logical object 1200'),
    handler: async (argv) => {
      const action = argv.action as TapeAction;
      if (!(TAPE_ACTIONS as readonly string[]).includes(argv.action))
        throw new UsageError(`unknown tape action "${argv.action}" (${TAPE_ACTIONS.join(', ')})`);
      const takesArgs: readonly string[] = ['locate', 'space', 'write-filemarks'];
      if (!takesArgs.includes(action) && argv.args.length > 0)
        throw new UsageError(`${action} takes no arguments`);
      if (action === 'locate' && argv.args.length !== 1)
        throw new UsageError('locate needs one logical object number');
      if (action === 'write-filemarks' && argv.args.length > 1)
        throw new UsageError('write-filemarks takes one count');
      if (action === 'space' && (argv.args.length < 1 || argv.args.length > 2))
        throw new UsageError('space needs blocks|filemarks|eod and an optional count');
      // Argument errors before the drive is touched.
      if (action === 'locate')
        parseCount(argv.args[0], 'the logical object number', 0, Number.MAX_SAFE_INTEGER);
      if (action === 'write-filemarks' && argv.args.length === 1)
        parseCount(argv.args[0], 'the filemark count', 0, 0xffffff);
      if (action === 'space') {
        if (SPACE_CODES[String(argv.args[0])] === undefined)
          throw new UsageError(`space what? blocks, filemarks or eod, not "${String(argv.args[0])}"`);
        if (argv.args.length === 2)
          parseCount(argv.args[1], 'the count', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
      }
      const result = await withTransport(argv.address, (t) =>
        tapeAction(t, action, argv.args, { long: argv.long }),
      );
      if (argv.json) io.out(toJson(result));
      else printTree(io, result);
    },
  };
  return verb as CommandModule;
}
