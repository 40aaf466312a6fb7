// Shared rig of the mover-tape / mover-stream integration tests: a RAM disk hosting the copy manager
// (test/unit/mover/xcopy-disk.ts), a second RAM disk to restore into, and two REAL tape drive LUs
// (emulator/devices/tape.ts) with cartridges in a temporary directory, all resolved by a
// LocalLuResolver. The tests send CDBs with LogicalUnit.execute() (like the iSCSI target) and read
// the tapes back with plain READ(6) through their own transports.
import fs from 'node:fs';
import path from 'node:path';
import { decodeSense, isFixedSense, type SenseData } from '../../cdb/spc/sense';
import { naaBlockTarget, naaStreamTarget } from '../../cdb/xcopy/build';
import { decodeCopyAbortedSense } from '../../cdb/xcopy/copy-aborted';
import { decodeCopyStatus, type CopyStatus } from '../../cdb/xcopy/copy-status';
import {
  decodeFailedSegmentDetails,
  type FailedSegmentDetails,
} from '../../cdb/xcopy/failed-segment-details';
import { RCR_SERVICE_ACTION } from '../../cdb/xcopy/receive-copy-results';
import { decodeReceiveData } from '../../cdb/xcopy/receive-data';
import type { SegmentDescriptor } from '../../cdb/xcopy/segment-descriptor';
import type { TargetDescriptor } from '../../cdb/xcopy/target-descriptor';
import { createRamDisk, type DiskDevice } from '../../emulator/devices/disk';
import { TapeDevice } from '../../emulator/devices/tape';
import { FaultInjectingLu } from '../../emulator/faults/fault-lu';
import type { ItNexus, LogicalUnit, LuResponse } from '../../emulator/lu';
import { Cartridge, type CreateOptions } from '../../emulator/tape';
import { InProcessTransport } from '../../targets/inprocess-transport';
import type { ScsiResult } from '../../targets/transport';
import { CARTRIDGE, drainUnitAttentions, Tape, tempDir } from '../conformance/ssc/support';
import { nexus, paramList, rcrCdb, resolverFor, run, xcopyCdb } from '../unit/mover/helpers';
import { XcopyDisk } from '../unit/mover/xcopy-disk';

export const MiB = 1024 * 1024;
export const I1 = nexus(1);

/** A tape LU with a blank cartridge, and a Tape (READ(6)/WRITE(6)/...) on its own nexus. */
export interface TapeUnit {
  lu: TapeDevice;
  /** The LU the resolver hands to the mover (the tape itself, or a fault decorator around it). */
  reachable: LogicalUnit;
  faults?: FaultInjectingLu;
  tape: Tape;
  transport: InProcessTransport;
}

export interface TapeSan {
  dir: string;
  cm: XcopyDisk;
  /** Source disk (a plain RAM disk next to the copy manager's own LU). */
  src: DiskDevice;
  /** Restore disk. */
  dst: DiskDevice;
  tape0: TapeUnit;
  tape1: TapeUnit;
  close(): Promise<void>;
}

let hostSeq = 0;

function tapeNexus(): ItNexus {
  hostSeq++;
  return {
    initiatorPort: `iqn.2024-01.test.mover-tape:reader${hostSeq},i,0x00023d1${hostSeq.toString(16).padStart(5, '0')}`,
    initiatorName: `iqn.2024-01.test.mover-tape:reader${hostSeq}`,
    targetPort: 'iqn.2024-01.test.mover-tape:tape,t,0x0001',
    relativeTargetPort: 1,
  };
}

export async function tapeUnit(
  dir: string,
  id: string,
  o: { cartridge?: Partial<CreateOptions>; faults?: boolean } = {},
): Promise<TapeUnit> {
  const lu = new TapeDevice({ identity: { id } });
  lu.loadCartridge(Cartridge.create(path.join(dir, `${id}.vtape`), { ...CARTRIDGE, ...o.cartridge }));
  const transport = new InProcessTransport(lu, { nexus: tapeNexus(), address: `inprocess://${id}` });
  await drainUnitAttentions(transport);
  const faults = o.faults === true ? new FaultInjectingLu(lu) : undefined;
  return { lu, reachable: faults ?? lu, ...(faults ? { faults } : {}), tape: new Tape(transport), transport };
}

export async function tapeSan(
  o: {
    config?: ConstructorParameters<typeof XcopyDisk>[0]['config'];
    cartridge?: Partial<CreateOptions>;
    tapeFaults?: boolean;
    diskFaults?: boolean;
  } = {},
): Promise<TapeSan & { dstFaults?: FaultInjectingLu }> {
  const dir = tempDir('mover-tape-');
  const src = createRamDisk({ identity: { id: 'mt-src' }, sizeBytes: 16 * MiB });
  const dst = createRamDisk({ identity: { id: 'mt-dst' }, sizeBytes: 16 * MiB });
  const dstFaults = o.diskFaults === true ? new FaultInjectingLu(dst) : undefined;
  const tape0 = await tapeUnit(dir, 'mt-tape0', { cartridge: o.cartridge, faults: o.tapeFaults });
  const tape1 = await tapeUnit(dir, 'mt-tape1', { cartridge: o.cartridge, faults: o.tapeFaults });
  const cm: XcopyDisk = new XcopyDisk({
    id: 'mt-cm',
    sizeBytes: 4 * MiB,
    resolver: () =>
      resolverFor({
        cm,
        src,
        dst: dstFaults ?? dst,
        tape0: tape0.reachable,
        tape1: tape1.reachable,
      }),
    config: o.config,
  });
  return {
    dir,
    cm,
    src,
    dst,
    tape0,
    tape1,
    ...(dstFaults ? { dstFaults } : {}),
    close: async () => {
      for (const t of [tape0, tape1]) {
        await t.transport.close();
        await t.lu.close();
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---- descriptors ------------------------------------------------------------------------------------

export {
  blockToStream,
  inlineToStream,
  locate,
  space,
  streamToBlock,
  streamToDiscard,
  writeFilemarks,
} from '../../cdb/xcopy/build';

export function tapeTarget(
  t: TapeUnit,
  o: { fixed?: boolean; streamBlockLength?: number; pad?: boolean } = {},
): TargetDescriptor {
  return naaStreamTarget(t.lu.identity.naa, o);
}

export function diskTargetOf(d: DiskDevice, o: { pad?: boolean } = {}): TargetDescriptor {
  return naaBlockTarget(d.identity.naa, o);
}

// ---- commands -----------------------------------------------------------------------------------------

export async function xcopy(
  cm: LogicalUnit,
  o: {
    id?: number;
    targets: TargetDescriptor[];
    segments: SegmentDescriptor[];
    inline?: Buffer;
    nexus?: ItNexus;
  },
): Promise<LuResponse> {
  const list = paramList({
    listIdentifier: o.id ?? 1,
    targets: o.targets,
    segments: o.segments,
    inline: o.inline,
  });
  return run(cm, xcopyCdb(list.length), { dataOut: list, nexus: o.nexus ?? I1 });
}

async function rcr(cm: LogicalUnit, sa: number, id: number, n: ItNexus): Promise<Buffer> {
  const r = await run(cm, rcrCdb(sa as 0 | 1 | 3 | 4, id), { nexus: n });
  if (r.status !== 0 || r.dataIn === undefined)
    throw new Error(`RECEIVE COPY RESULTS ${sa}: status ${r.status} ${r.sense?.toString('hex') ?? ''}`);
  return r.dataIn;
}

export async function copyStatus(cm: LogicalUnit, id = 1, n: ItNexus = I1): Promise<CopyStatus> {
  return decodeCopyStatus(await rcr(cm, RCR_SERVICE_ACTION.copyStatus, id, n));
}

export async function heldData(cm: LogicalUnit, id = 1, n: ItNexus = I1): Promise<Buffer> {
  return decodeReceiveData(await rcr(cm, RCR_SERVICE_ACTION.receiveData, id, n)).heldData;
}

export async function failedSegmentDetails(
  cm: LogicalUnit,
  id = 1,
  n: ItNexus = I1,
): Promise<FailedSegmentDetails> {
  return decodeFailedSegmentDetails(await rcr(cm, RCR_SERVICE_ACTION.failedSegmentDetails, id, n));
}

// ---- reading a tape back ------------------------------------------------------------------------------

/** One logical object read with a plain variable-mode READ(6). */
export type TapeObject = { kind: 'block'; data: Buffer } | { kind: 'filemark' } | { kind: 'eod' };

/**
 * Rewind (or not) and read every object up to end of data with READ(6) in variable-block mode,
 * asking `maxBlock` bytes each time; a block longer than that fails the test.
 */
export async function readTapeBack(
  tape: Tape,
  o: { rewind?: boolean; maxBlock?: number; limit?: number } = {},
): Promise<TapeObject[]> {
  if (o.rewind !== false) expectGoodResult(await tape.rewind());
  const max = o.maxBlock ?? 256 * 1024;
  const out: TapeObject[] = [];
  for (let i = 0; i < (o.limit ?? 100000); i++) {
    const r = await tape.read(max);
    if (r.status === 0) {
      out.push({ kind: 'block', data: r.dataIn });
      continue;
    }
    const s = senseBits(r);
    if (s.key === 0x08 && s.asc === 0x00 && s.ascq === 0x05) {
      out.push({ kind: 'eod' });
      return out;
    }
    if (s.key === 0x00 && s.filemark) {
      out.push({ kind: 'filemark' });
      continue;
    }
    if (s.key === 0x00 && s.ili && s.information !== undefined && s.information > 0n) {
      out.push({ kind: 'block', data: r.dataIn });
      continue;
    }
    throw new Error(`READ(6) while reading the tape back: ${r.sense.toString('hex')}`);
  }
  return out;
}

export function senseBits(r: ScsiResult): {
  key: number;
  asc: number;
  ascq: number;
  filemark: boolean;
  eom: boolean;
  ili: boolean;
  information?: bigint;
} {
  const fixed = r.sense;
  const valid = (fixed[0] & 0x80) !== 0;
  return {
    key: fixed[2] & 0x0f,
    asc: fixed[12],
    ascq: fixed[13],
    filemark: (fixed[2] & 0x80) !== 0,
    eom: (fixed[2] & 0x40) !== 0,
    ili: (fixed[2] & 0x20) !== 0,
    ...(valid ? { information: BigInt.asIntN(32, BigInt(fixed.readUInt32BE(3))) } : {}),
  };
}

export function expectGoodResult(r: ScsiResult): void {
  if (r.status !== 0) throw new Error(`expected GOOD, got ${r.status} ${r.sense.toString('hex')}`);
}

/** The shape of a tape: block lengths and 'F' for filemarks, 'EOD' at the end. */
export function shape(objects: TapeObject[]): (number | 'F' | 'EOD')[] {
  return objects.map((o) => (o.kind === 'block' ? o.data.length : o.kind === 'filemark' ? 'F' : 'EOD'));
}

/** The data blocks concatenated. */
export function blockBytes(objects: TapeObject[]): Buffer {
  return Buffer.concat(objects.flatMap((o) => (o.kind === 'block' ? [o.data] : [])));
}

// ---- COPY ABORTED sense ----------------------------------------------------------------------------------

export interface CopyAbortedView {
  /** "kk/aa/qq" */
  kcq: string;
  /** SEGMENT NUMBER (COMMAND-SPECIFIC INFORMATION bytes 10-11). */
  segment: number;
  /** Segment pointer: SD bit and FIELD POINTER, when SKSV=1. */
  pointer?: { segmentDescriptor: boolean; field: number };
  /** The copy source's or destination's status and sense, when forwarded. */
  forwarded?: { role: 'source' | 'destination'; status: number; sense?: SenseData };
}

/** Decode fixed-format COPY ABORTED sense the way the mover builds it (SPC-3 layout, copy-sense.ts). */
export function copyAborted(sense: Buffer): CopyAbortedView {
  const d = decodeCopyAbortedSense(sense);
  if (!isFixedSense(d.sense)) throw new Error('expected fixed-format sense');
  const h = (n: number): string => n.toString(16).padStart(2, '0');
  const view: CopyAbortedView = {
    kcq: `${h(d.senseKey)}/${h(d.asc)}/${h(d.ascq)}`,
    segment: d.segmentNumber ?? -1,
  };
  if (d.segmentPointer !== undefined) {
    view.pointer = {
      segmentDescriptor: d.segmentPointer.segmentDescriptor,
      field: d.segmentPointer.fieldPointer,
    };
  }
  const f = d.forwarded[0];
  if (f !== undefined && f.source !== 'unknown') {
    view.forwarded = {
      role: f.source,
      status: f.status,
      ...(f.sense.length > 0 ? { sense: decodeSense(f.sense) } : {}),
    };
  }
  return view;
}

export function abortedOf(r: LuResponse): CopyAbortedView {
  if (r.status !== 2 || r.sense === undefined) throw new Error(`expected CHECK CONDITION, got ${r.status}`);
  return copyAborted(r.sense);
}
