// Shared helpers of the mover tests: real RAM-disk LUs, EXTENDED COPY parameter lists and CDBs built
// with cdb/xcopy/build.ts (under the short names the tests use), and sense decoding.
import { decodeSense, type SenseData } from '../../../cdb/spc/sense';
import {
  extendedCopyCdb,
  naaBlockTarget,
  naaStreamTarget,
  receiveCopyResultsCdb,
} from '../../../cdb/xcopy/build';
import type { RcrServiceAction } from '../../../cdb/xcopy/receive-copy-results';
import type { TargetDescriptor } from '../../../cdb/xcopy/target-descriptor';
import { createRamDisk, type DiskDevice } from '../../../emulator/devices/disk';
import type { ItNexus, LogicalUnit, LuResponse } from '../../../emulator/lu';
import type { CopyCommandContext } from '../../../emulator/mover/copy-manager';
import { LocalLuResolver } from '../../../emulator/mover/local-resolver';
import { DEFAULT_MOVER_NEXUS } from '../../../emulator/mover/config';

export function nexus(n = 1): ItNexus {
  return {
    initiatorPort: `iqn.2024-01.test:init${n},i,0x00023d00000${n}`,
    initiatorName: `iqn.2024-01.test:init${n}`,
    targetPort: 'iqn.2024-01.test:target,t,0x0001',
    relativeTargetPort: 1,
  };
}

export function ramDisk(id: string, sizeBytes = 4 * 1024 * 1024, blockSize = 512): DiskDevice {
  return createRamDisk({ identity: { id }, sizeBytes, blockSize });
}

/** E4h descriptor naming an LU by its NAA designator (binary, LU association, type 3). */
export function naaTarget(
  naa: Buffer,
  o: {
    pdt?: 0 | 1;
    diskBlockLength?: number;
    pad?: boolean;
    fixed?: boolean;
    streamBlockLength?: number;
  } = {},
): TargetDescriptor {
  return o.pdt === 1 ? naaStreamTarget(naa, o) : naaBlockTarget(naa, o);
}

export function diskTarget(
  d: DiskDevice,
  o: { diskBlockLength?: number; pad?: boolean } = {},
): TargetDescriptor {
  return naaBlockTarget(d.identity.naa, o);
}

export {
  blockToBlock as b2b,
  extendedCopyCdb as xcopyCdb,
  extendedCopyParameterList as paramList,
} from '../../../cdb/xcopy/build';

export function rcrCdb(
  serviceAction: RcrServiceAction,
  listIdentifier: number,
  allocationLength = 0x10000,
): Buffer {
  return receiveCopyResultsCdb(serviceAction, listIdentifier, allocationLength);
}

export function ctx(
  cdb: Buffer,
  dataOut: Buffer,
  n: ItNexus = nexus(),
  signal = new AbortController().signal,
): CopyCommandContext {
  return { cdb, dataOut, nexus: n, signal };
}

/** EXTENDED COPY context for a parameter list. */
export function xcopy(list: Buffer, n: ItNexus = nexus(), signal?: AbortSignal): CopyCommandContext {
  return ctx(extendedCopyCdb(list.length), list, n, signal);
}

let tag = 1000;

/** Run a CDB on an LU (power-on unit attentions of a fresh nexus are retried). */
export async function run(
  lu: LogicalUnit,
  cdb: Buffer,
  o: { dataOut?: Buffer; nexus?: ItNexus; dataInLength?: number } = {},
): Promise<LuResponse> {
  for (let i = 0; ; i++) {
    const r = await lu.execute({
      cdb,
      dataOut: o.dataOut,
      dataInLength: o.dataInLength ?? 0x100000,
      nexus: o.nexus ?? nexus(99),
      signal: new AbortController().signal,
      taskTag: tag++,
    });
    if (r.status === 2 && r.sense !== undefined && (r.sense[2] & 0x0f) === 0x06 && i < 4) continue;
    return r;
  }
}

export async function writeBlocks(
  lu: LogicalUnit,
  lba: bigint,
  data: Buffer,
  blockSize = 512,
): Promise<void> {
  const cdb = Buffer.alloc(16);
  cdb[0] = 0x8a;
  cdb.writeBigUInt64BE(lba, 2);
  cdb.writeUInt32BE(data.length / blockSize, 10);
  const r = await run(lu, cdb, { dataOut: data });
  if (r.status !== 0) throw new Error(`WRITE(16) failed: ${r.sense?.toString('hex')}`);
}

export async function readBlocks(
  lu: LogicalUnit,
  lba: bigint,
  blocks: number,
  blockSize = 512,
): Promise<Buffer> {
  const cdb = Buffer.alloc(16);
  cdb[0] = 0x88;
  cdb.writeBigUInt64BE(lba, 2);
  cdb.writeUInt32BE(blocks, 10);
  const r = await run(lu, cdb, { dataInLength: blocks * blockSize });
  if (r.status !== 0 || r.dataIn === undefined)
    throw new Error(`READ(16) failed: ${r.sense?.toString('hex')}`);
  return r.dataIn;
}

/** Deterministic test pattern: every 4-byte word holds its byte offset plus a seed. */
export function pattern(bytes: number, seed = 0): Buffer {
  const b = Buffer.alloc(bytes);
  for (let i = 0; i + 4 <= bytes; i += 4) b.writeUInt32BE((i + seed * 0x9e3779b1) >>> 0, i);
  return b;
}

export function senseOf(r: LuResponse): SenseData {
  expect(r.status).toBe(0x02);
  if (r.sense === undefined) throw new Error('CHECK CONDITION without sense');
  return decodeSense(r.sense);
}

/** Key/ASC/ASCQ of a CHECK CONDITION response as a "kk/aa/qq" string. */
export function kcq(r: LuResponse): string {
  const s = senseOf(r);
  const h = (n: number): string => n.toString(16).padStart(2, '0');
  return `${h(s.senseKey)}/${h(s.asc)}/${h(s.ascq)}`;
}

/** A resolver over named LUs; everyone may access everything unless `mayAccess` says otherwise. */
export function resolverFor(
  lus: Record<string, LogicalUnit>,
  mayAccess?: (n: ItNexus, name: string) => boolean,
): LocalLuResolver {
  const r = new LocalLuResolver({
    moverNexus: DEFAULT_MOVER_NEXUS,
    mayAccess: (n, e) => (mayAccess === undefined ? true : mayAccess(n, e.name)),
  });
  for (const [name, lu] of Object.entries(lus)) r.register(name, lu);
  return r;
}
