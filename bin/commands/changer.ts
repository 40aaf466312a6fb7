// `xcopyctl changer ADDRESS ACTION ...`: operate a media changer over any transport, like mtx(1):
//   status                 READ ELEMENT STATUS (volume tags): every element and what it holds
//   move FROM TO           MOVE MEDIUM between element addresses (decimal or 0x hex)
//   load BARCODE [DRIVE]   find the cartridge by volume tag and move it into a drive (DRIVE: the
//                          drive number 0, 1... or its element address; default the first empty one)
//   unload DRIVE           move the drive's cartridge back to the slot it came from (SVALID source),
//                          else to the first empty slot
// --json prints one JSON object. Bad input exits 2; a refused command exits 1 with its sense.
import type { Argv, CommandModule } from 'yargs';
import {
  decodeElementStatusData,
  ELEMENT_TYPE,
  encodeMoveMedium,
  encodeReadElementStatus,
  type ElementDescriptor,
} from '../../cdb/smc';
import { runCommand, ScsiStatusError } from '../../targets/command';
import type { ScsiTransport } from '../../targets/transport';
import { printTree } from '../print';
import { type Io, toJson, UsageError } from '../usage';
import { withTransport } from './device-common';
import { parseCount, TapeCommandError } from './tape';

export const CHANGER_ACTIONS = ['status', 'move', 'load', 'unload'] as const;
type ChangerAction = (typeof CHANGER_ACTIONS)[number];

const TYPE_NAMES: Record<number, string> = {
  [ELEMENT_TYPE.mediumTransport]: 'medium-transport',
  [ELEMENT_TYPE.storage]: 'storage',
  [ELEMENT_TYPE.importExport]: 'import-export',
  [ELEMENT_TYPE.dataTransfer]: 'data-transfer',
};

export interface ElementStatus {
  address: number;
  type: string;
  full: boolean;
  barcode?: string;
  /** SVALID: the storage element the medium was last moved from. */
  source?: number;
  except?: boolean;
}

interface ChangerArgs {
  address: string;
  action: string;
  args: (string | number)[];
  json?: boolean;
}

const ALLOCATION = 0xffff;
const MOVE_TIMEOUT = 600000;

async function run(t: ScsiTransport, cdb: Buffer, what: string, dataInLength = 0): Promise<Buffer> {
  try {
    return (await runCommand(t, { cdb, dataInLength, timeoutMs: MOVE_TIMEOUT })).dataIn;
  } catch (e) {
    if (e instanceof ScsiStatusError && e.senseData !== undefined)
      throw new TapeCommandError(t.address, cdb, e.status, e.sense, what, e.senseData);
    throw e;
  }
}

/** Every element with its volume tag, in address order. */
export async function readElements(t: ScsiTransport): Promise<ElementStatus[]> {
  const data = await run(
    t,
    encodeReadElementStatus({
      voltag: true,
      elementTypeCode: ELEMENT_TYPE.all,
      startingElementAddress: 0,
      numberOfElements: 0xffff,
      curdata: true,
      dvcid: false,
      allocationLength: ALLOCATION,
      control: 0,
    }),
    'READ ELEMENT STATUS',
    ALLOCATION,
  );
  const out: ElementStatus[] = [];
  for (const page of decodeElementStatusData(data).pages) {
    for (const d of page.descriptors) out.push(element(page.elementTypeCode, d));
  }
  return out.sort((a, b) => a.address - b.address);
}

function element(type: number, d: ElementDescriptor): ElementStatus {
  const e: ElementStatus = {
    address: d.elementAddress,
    type: TYPE_NAMES[type] ?? `type ${type}`,
    full: d.full,
  };
  const tag = d.primaryVolumeTag?.volumeIdentifier;
  if (d.full && tag !== undefined && tag.length > 0) e.barcode = tag;
  if (d.svalid) e.source = d.sourceStorageElementAddress;
  if (d.except) e.except = true;
  return e;
}

async function move(t: ScsiTransport, from: number, to: number): Promise<void> {
  await run(
    t,
    encodeMoveMedium({
      mediumTransportAddress: 0,
      sourceAddress: from,
      destinationAddress: to,
      invert: false,
      control: 0,
    }),
    `MOVE MEDIUM ${hex(from)} -> ${hex(to)}`,
  );
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(4, '0')}`;
}

/** DRIVE as a drive number (0..n-1) or a data transfer element address. */
function pickDrive(elements: ElementStatus[], spec: string | number): ElementStatus {
  const drives = elements.filter((e) => e.type === 'data-transfer');
  const n = parseCount(spec, 'the drive', 0, 0xffff);
  const drive = n < drives.length ? drives[n] : drives.find((d) => d.address === n);
  if (drive === undefined)
    throw new UsageError(
      `no drive ${String(spec)} (drives: 0-${drives.length - 1} or addresses ${drives.map((d) => hex(d.address)).join(', ')})`,
    );
  return drive;
}

export async function changerAction(
  t: ScsiTransport,
  action: ChangerAction,
  args: (string | number)[],
): Promise<Record<string, unknown>> {
  const elements = await readElements(t);
  switch (action) {
    case 'status':
      return { elements };
    case 'move': {
      const from = parseCount(args[0], 'FROM', 0, 0xffff);
      const to = parseCount(args[1], 'TO', 0, 0xffff);
      await move(t, from, to);
      return { moved: { from, to }, elements: await readElements(t) };
    }
    case 'load': {
      const barcode = String(args[0]);
      const src = elements.find(
        (e) => e.barcode === barcode && (e.type === 'storage' || e.type === 'import-export'),
      );
      if (src === undefined) {
        const inDrive = elements.find((e) => e.barcode === barcode);
        throw new UsageError(
          inDrive !== undefined
            ? `${barcode} is already in the ${inDrive.type} element ${hex(inDrive.address)}`
            : `no cartridge ${barcode} in the library`,
        );
      }
      const drive =
        args.length > 1
          ? pickDrive(elements, args[1])
          : elements.find((e) => e.type === 'data-transfer' && !e.full);
      if (drive === undefined) throw new UsageError('every drive is full: name one after unloading it');
      if (drive.full)
        throw new UsageError(`drive ${hex(drive.address)} holds ${drive.barcode ?? 'a cartridge'}`);
      await move(t, src.address, drive.address);
      return { loaded: barcode, from: src.address, drive: drive.address };
    }
    case 'unload': {
      const drive = pickDrive(elements, args[0]);
      if (!drive.full) throw new UsageError(`drive ${hex(drive.address)} is empty`);
      const slots = elements.filter((e) => e.type === 'storage');
      const home = slots.find((s) => s.address === drive.source && !s.full) ?? slots.find((s) => !s.full);
      if (home === undefined) throw new UsageError('no empty slot to unload into');
      await move(t, drive.address, home.address);
      const out: Record<string, unknown> = { unloaded: drive.address, to: home.address };
      if (drive.barcode !== undefined) out.barcode = drive.barcode;
      return out;
    }
  }
}

export function changerVerb(io: Io): CommandModule {
  const verb: CommandModule<object, ChangerArgs> = {
    command: 'changer <address> <action> [args..]',
    describe: `operate a media changer: ${CHANGER_ACTIONS.join(', ')}`,
    builder: (y: Argv<object>): Argv<ChangerArgs> =>
      y
        .positional('address', {
          type: 'string',
          demandOption: true,
          describe: 'iscsi://host[:port]/iqn/lun or /dev/sgN',
        })
        .positional('action', { type: 'string', demandOption: true, describe: CHANGER_ACTIONS.join('|') })
        .positional('args', {
          type: 'string',
          array: true,
          default: [],
          describe: 'FROM TO | BARCODE [DRIVE] | DRIVE',
        })
        .option('json', { type: 'boolean', describe: 'print JSON' })
        .example(
          '$0 changer iscsi://127.0.0.1:3260/iqn.2024-01.io.xcopy:san/3 status',
          'slots, drives, barcodes',
        )
        .example('$0 changer /dev/sg4 load XC0002L5 0', 'cartridge XC0002L5 into drive 0')
        .example('$0 changer /dev/sg4 unload 0', 'drive 0 back to its slot'),
    handler: async (argv) => {
      if (!(CHANGER_ACTIONS as readonly string[]).includes(argv.action))
        throw new UsageError(`unknown changer action "${argv.action}" (${CHANGER_ACTIONS.join(', ')})`);
      const action = argv.action as ChangerAction;
      const n = argv.args.length;
      const ok =
        action === 'status'
          ? n === 0
          : action === 'move'
            ? n === 2
            : action === 'load'
              ? n === 1 || n === 2
              : n === 1;
      if (!ok) {
        const usage = {
          status: 'status',
          move: 'move FROM TO',
          load: 'load BARCODE [DRIVE]',
          unload: 'unload DRIVE',
        };
        throw new UsageError(`usage: changer ADDRESS ${usage[action]}`);
      }
      if (action === 'move') {
        parseCount(argv.args[0], 'FROM', 0, 0xffff);
        parseCount(argv.args[1], 'TO', 0, 0xffff);
      }
      if (action === 'unload' || (action === 'load' && n === 2))
        parseCount(argv.args[n - 1], 'the drive', 0, 0xffff);
      const result = await withTransport(argv.address, (t) => changerAction(t, action, argv.args));
      if (argv.json) io.out(toJson(result));
      else printTree(io, result);
    },
  };
  return verb as CommandModule;
}
