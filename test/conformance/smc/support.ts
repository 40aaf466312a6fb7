// SMC conformance suite support: a media changer with two tape drives and four storage slots (three
// cartridges with barcodes), reached through ScsiTransports; CDB builders from cdb/smc.
import fs from 'node:fs';
import path from 'node:path';
import {
  decodeElementStatusData,
  encodeInitializeElementStatusWithRange,
  encodeMoveMedium,
  encodeReadElementStatus,
  type ElementStatusData,
} from '../../../cdb/smc';
import { MediaChanger } from '../../../emulator/devices/changer';
import { TapeDevice } from '../../../emulator/devices/tape';
import { Cartridge } from '../../../emulator/tape';
import { InProcessTransport } from '../../../targets/inprocess-transport';
import type { ScsiResult, ScsiTransport } from '../../../targets/transport';
import { CARTRIDGE, drainUnitAttentions, expectGood, nexus, tempDir } from '../ssc/support';

export const SLOT0 = 0x1000;
export const IE = 0x0010;
export const DRIVE0 = 0x0100;
export const DRIVE1 = 0x0101;
export const TRANSPORT = 0x0000;
export const BARCODES = ['VOL001L8', 'VOL002L8', undefined, 'VOL004L8'] as const;

export interface Library {
  dir: string;
  changer: MediaChanger;
  drives: TapeDevice[];
  /** The changer LU. */
  robot: ScsiTransport;
  /** The drive LUs, same initiator. */
  drive: ScsiTransport[];
  /** A second initiator on the first drive. */
  drive0Other: ScsiTransport;
  /** Path of a cartridge file not in the library yet. */
  spare: string;
  close(): Promise<void>;
}

export async function openLibrary(): Promise<Library> {
  const dir = tempDir('smc-conf-');
  const make = (barcode: string, n: number): string => {
    const p = path.join(dir, `${barcode}.vtape`);
    Cartridge.create(p, { ...CARTRIDGE, barcode, mediumSerial: `SER${n}` }).close();
    return p;
  };
  const slots = BARCODES.map((b, i) => (b === undefined ? undefined : make(b, i)));
  const spare = make('SPARE9L8', 9);
  const drives = [0, 1].map(
    (i) => new TapeDevice({ identity: { id: `smc-drive-${i}`, serial: `DRIVESERIAL${i}` } }),
  );
  const changer = new MediaChanger({ identity: { id: 'smc-changer' }, drives, slots });
  const robot = new InProcessTransport(changer, { nexus: nexus(1) });
  const drive = drives.map((d) => new InProcessTransport(d, { nexus: nexus(1) }));
  const drive0Other = new InProcessTransport(drives[0], { nexus: nexus(2) });
  for (const t of [robot, ...drive, drive0Other]) await drainUnitAttentions(t);
  const transports = [robot, ...drive, drive0Other];
  return {
    dir,
    changer,
    drives,
    robot,
    drive,
    drive0Other,
    spare,
    close: async () => {
      for (const t of transports) await t.close();
      for (const d of drives) await d.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function moveMedium(
  t: ScsiTransport,
  source: number,
  destination: number,
  o: { transport?: number; invert?: boolean } = {},
): Promise<ScsiResult> {
  return t.execute({
    cdb: encodeMoveMedium({
      mediumTransportAddress: o.transport ?? TRANSPORT,
      sourceAddress: source,
      destinationAddress: destination,
      invert: o.invert ?? false,
      control: 0,
    }),
  });
}

export function readElementStatusRaw(
  t: ScsiTransport,
  o: {
    type?: number;
    start?: number;
    count?: number;
    voltag?: boolean;
    dvcid?: boolean;
    allocationLength?: number;
  } = {},
): Promise<ScsiResult> {
  const allocationLength = o.allocationLength ?? 0xffff;
  return t.execute({
    cdb: encodeReadElementStatus({
      voltag: o.voltag ?? true,
      elementTypeCode: o.type ?? 0,
      startingElementAddress: o.start ?? 0,
      numberOfElements: o.count ?? 0xffff,
      curdata: false,
      dvcid: o.dvcid ?? false,
      allocationLength,
      control: 0,
    }),
    dataInLength: allocationLength,
  });
}

export async function readElementStatus(
  t: ScsiTransport,
  o: { type?: number; start?: number; count?: number; voltag?: boolean; dvcid?: boolean } = {},
): Promise<ElementStatusData> {
  const r = await readElementStatusRaw(t, o);
  expectGood(r);
  return decodeElementStatusData(r.dataIn);
}

/** Barcode (or undefined when empty) of every element, keyed by address. */
export async function barcodes(t: ScsiTransport): Promise<Map<number, string | undefined>> {
  const s = await readElementStatus(t);
  const m = new Map<number, string | undefined>();
  for (const p of s.pages)
    for (const d of p.descriptors)
      m.set(d.elementAddress, d.full ? d.primaryVolumeTag?.volumeIdentifier : undefined);
  return m;
}

/** Address of the storage element holding `barcode`. */
export async function slotOf(t: ScsiTransport, barcode: string): Promise<number> {
  const s = await readElementStatus(t, { type: 2 });
  const d = s.pages
    .flatMap((p) => p.descriptors)
    .find((x) => x.full && x.primaryVolumeTag?.volumeIdentifier === barcode);
  if (d === undefined) throw new Error(`${barcode} is not in a slot`);
  return d.elementAddress;
}

export function initializeElementStatusWithRange(
  t: ScsiTransport,
  start: number,
  count: number,
): Promise<ScsiResult> {
  return t.execute({
    cdb: encodeInitializeElementStatusWithRange({
      fast: false,
      range: true,
      startingElementAddress: start,
      numberOfElements: count,
      control: 0,
    }),
  });
}
