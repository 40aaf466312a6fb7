// Shared pieces of the router mover tests (test/integration/router-*.test.ts and
// test/interop/router-*.test.ts): EXTENDED COPY parameter lists built with cdb/xcopy/build.ts,
// a front-end client that sends them to the router's copy manager LU over our initiator and reads
// RECEIVE COPY RESULTS, COPY ABORTED sense decoding, plain tape I/O (REWIND, READ(6)), a backend
// target server with a tape drive on a fresh cartridge, and a TCP proxy whose connections a test can
// cut (a backend that goes away mid-copy).
import fs from 'node:fs';
import * as net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { decodeSense, isFixedSense, type SenseData } from '../../cdb/spc/sense';
import { decodeCopyAbortedSense } from '../../cdb/xcopy/copy-aborted';
import { encodeRead6 } from '../../cdb/ssc/read6';
import { encodeRewind } from '../../cdb/ssc/rewind';
import { decodeCopyStatus, transferCountBytes, type CopyStatus } from '../../cdb/xcopy/copy-status';
import {
  extendedCopyCdb,
  naaBlockTarget,
  naaStreamTarget,
  receiveCopyResultsCdb,
  space,
} from '../../cdb/xcopy/build';
import { RCR_SERVICE_ACTION } from '../../cdb/xcopy/receive-copy-results';
import type { SegmentDescriptor } from '../../cdb/xcopy/segment-descriptor';
import type { TargetDescriptor } from '../../cdb/xcopy/target-descriptor';
import { TapeDevice } from '../../emulator/devices/tape';
import { IscsiTargetServer } from '../../emulator/iscsi/server';
import type { ChapConfig } from '../../emulator/iscsi/config';
import type { LogicalUnit } from '../../emulator/lu';
import { Cartridge } from '../../emulator/tape';
import { IscsiTransport } from '../../targets/iscsi/initiator-transport';
import type { ScsiResult, ScsiTransport } from '../../targets/transport';

export const MiB = 1024 * 1024;
export const GOOD = 0x00;
export const CHECK_CONDITION = 0x02;

// ---- descriptors ---------------------------------------------------------------------------------

export {
  blockToBlock,
  blockToStream,
  extendedCopyParameterList as parameterList,
  inlineToStream,
  streamToBlock,
  writeFilemarks,
} from '../../cdb/xcopy/build';

/** E4h identification descriptor naming an LU by an NAA designator (hex), LU association. */
export function e4(
  naaHex: string,
  pdt: 0 | 1,
  o: { pad?: boolean; fixed?: boolean; streamBlockLength?: number } = {},
): TargetDescriptor {
  const naa = Buffer.from(naaHex, 'hex');
  return pdt === 1 ? naaStreamTarget(naa, o) : naaBlockTarget(naa, { pad: o.pad });
}

/** 11h SPACE, code 0 (logical blocks). */
export function spaceBlocks(dst: number, count: number): SegmentDescriptor {
  return space(dst, 0, count);
}

// ---- the front end ---------------------------------------------------------------------------------

/** The copy manager LU of a router mover, reached through our initiator. */
export class CopyManagerClient {
  private constructor(readonly t: IscsiTransport) {}

  static async open(url: string, initiatorName: string): Promise<CopyManagerClient> {
    const t = await IscsiTransport.open(url, { initiatorName, queueDepth: 8 });
    const c = new CopyManagerClient(t);
    await clearUnitAttentions(t);
    return c;
  }

  extendedCopy(list: Buffer, timeoutMs = 120000): Promise<ScsiResult> {
    return this.t.execute({
      cdb: extendedCopyCdb(list.length),
      dataOut: list,
      timeoutMs,
    });
  }

  async copyStatus(listIdentifier: number): Promise<CopyStatus & { bytes: bigint }> {
    const r = await this.t.execute({
      cdb: receiveCopyResultsCdb(RCR_SERVICE_ACTION.copyStatus, listIdentifier, 64),
      dataInLength: 64,
      timeoutMs: 10000,
    });
    if (r.status !== GOOD)
      throw new Error(`RECEIVE COPY STATUS: status ${r.status} sense ${r.sense.toString('hex')}`);
    const s = decodeCopyStatus(r.dataIn);
    const bytes = transferCountBytes(s);
    if (bytes === undefined) throw new Error(`transfer count in units ${s.transferCountUnits}`);
    return { ...s, bytes };
  }

  close(): Promise<void> {
    return this.t.close();
  }
}

export async function clearUnitAttentions(t: ScsiTransport): Promise<void> {
  for (let i = 0; i < 8; i++) {
    const r = await t.execute({ cdb: Buffer.alloc(6), timeoutMs: 10000 });
    if (r.status === GOOD) return;
    if (r.status !== CHECK_CONDITION || (r.sense[2] & 0x0f) !== 0x06) {
      throw new Error(`TEST UNIT READY: status ${r.status} sense ${r.sense.toString('hex')}`);
    }
  }
  throw new Error('unit attentions do not clear');
}

export function expectGood(r: ScsiResult, what: string): void {
  if (r.status !== GOOD) {
    throw new Error(`${what}: status ${r.status.toString(16)}h sense ${r.sense.toString('hex')}`);
  }
}

/** The parts of a COPY ABORTED sense (fixed format) the tests look at. */
export interface CopyAborted {
  kcq: string;
  segment: number;
  /** Forwarded status and sense of the copy source or destination (fixed format: bytes 8/9 offsets). */
  forwarded?: { role: 'source' | 'destination'; status: number; sense: SenseData };
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

export function copyAbortedOf(r: ScsiResult): CopyAborted {
  if (r.status !== CHECK_CONDITION) throw new Error(`expected CHECK CONDITION, got status ${r.status}`);
  const d = decodeCopyAbortedSense(r.sense);
  if (!isFixedSense(d.sense)) throw new Error('expected fixed-format sense');
  const out: CopyAborted = {
    kcq: `${hex2(d.senseKey)}/${hex2(d.asc)}/${hex2(d.ascq)}`,
    segment: d.segmentNumber ?? -1,
  };
  const f = d.forwarded[0];
  if (f !== undefined && f.source !== 'unknown')
    out.forwarded = { role: f.source, status: f.status, sense: decodeSense(f.sense) };
  return out;
}

// ---- tape I/O --------------------------------------------------------------------------------------

export interface TapeRead {
  data: Buffer;
  filemark: boolean;
  blankCheck: boolean;
}

/**
 * One variable-mode READ(6) of up to `length` bytes (SILI=0). A shorter block is CHECK CONDITION,
 * NO SENSE, ILI with INFORMATION = requested - actual (SSC-4 4.2.6): the block is the first
 * `length - INFORMATION` bytes. (tgt 1.0.85 gets the data-in residual of a short block wrong, so
 * the INFORMATION field, not the data-in length, says how long the block is.)
 */
export async function readTapeBlock(t: ScsiTransport, length: number): Promise<TapeRead> {
  const r = await t.execute({
    cdb: encodeRead6({ sili: false, fixed: false, transferLength: length, control: 0 }),
    dataInLength: length,
    timeoutMs: 30000,
  });
  if (r.status === GOOD) return { data: r.dataIn, filemark: false, blankCheck: false };
  if (r.status !== CHECK_CONDITION) throw new Error(`READ(6): status ${r.status}`);
  const s = decodeSense(r.sense);
  if (s.senseKey === 0x08) return { data: Buffer.alloc(0), filemark: false, blankCheck: true };
  if (s.filemark) return { data: Buffer.alloc(0), filemark: true, blankCheck: false };
  if (s.senseKey === 0 && s.ili && s.information !== undefined) {
    const residue = Number(BigInt.asIntN(32, s.information));
    if (residue < 0) throw new Error(`READ(6): the block is ${-residue} bytes longer than ${length}`);
    return { data: r.dataIn.subarray(0, length - residue), filemark: false, blankCheck: false };
  }
  throw new Error(`READ(6): sense ${r.sense.toString('hex')}`);
}

export async function rewind(t: ScsiTransport): Promise<void> {
  expectGood(
    await t.execute({ cdb: encodeRewind({ immed: false, control: 0 }), timeoutMs: 60000 }),
    'REWIND',
  );
}

/** Read tape blocks from the current position until a filemark or end of data. */
export async function readTapeFile(
  t: ScsiTransport,
  blockLength: number,
): Promise<{ blocks: Buffer[]; end: 'filemark' | 'eod' }> {
  const blocks: Buffer[] = [];
  for (;;) {
    const b = await readTapeBlock(t, blockLength);
    if (b.filemark) return { blocks, end: 'filemark' };
    if (b.blankCheck) return { blocks, end: 'eod' };
    blocks.push(b.data);
  }
}

// ---- backends ----------------------------------------------------------------------------------------

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** An iSCSI target in this process serving the given LUs. */
export async function serveLus(
  targetName: string,
  luns: LogicalUnit[],
  o: { chap?: ChapConfig; acl?: string[] } = {},
  port = 0,
): Promise<{ server: IscsiTargetServer; portal: string; port: number }> {
  const server = new IscsiTargetServer({
    host: '127.0.0.1',
    port,
    targets: [
      {
        name: targetName,
        luns: new Map<number, LogicalUnit>(luns.map((lu, i) => [i, lu])),
        ...(o.chap === undefined ? {} : { chap: o.chap }),
        ...(o.acl === undefined ? {} : { acl: o.acl }),
      },
    ],
  });
  const bound = (await server.listen()).port;
  return { server, portal: `127.0.0.1:${bound}`, port: bound };
}

/** A tape drive LU with a blank cartridge file in `dir` (the way test/conformance/ssc does it). */
export function tapeDrive(dir: string, id: string, capacityBytes = 256 * MiB): TapeDevice {
  const lu = new TapeDevice({ identity: { id } });
  lu.loadCartridge(
    Cartridge.create(path.join(dir, `${id}.vtape`), {
      barcode: `${id.slice(0, 6).toUpperCase().padEnd(6, 'X')}L8`,
      capacityBytes,
      earlyWarningBytes: MiB,
      mediumSerial: `SN-${id}`,
      densityCode: 0x5e,
    }),
  );
  return lu;
}

/** Deterministic, position-dependent bytes (every 4-byte word differs). */
export function pattern(bytes: number, seed: number): Buffer {
  const b = Buffer.alloc(bytes);
  let x = (seed * 2654435761) >>> 0;
  for (let i = 0; i + 4 <= bytes; i += 4) {
    x = (Math.imul(x, 1103515245) + 12345 + i) >>> 0;
    b.writeUInt32BE(x, i);
  }
  return b;
}

/** A TCP forwarder in front of a portal; cut() drops every connection and stops listening. */
export class TcpProxy {
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;
  port = 0;
  /** Connections accepted so far. */
  accepted = 0;

  private constructor(private readonly targetPort: number) {
    this.server = net.createServer((client) => this.forward(client));
  }

  static async start(targetPort: number): Promise<TcpProxy> {
    const p = new TcpProxy(targetPort);
    await new Promise<void>((resolve) => p.server.listen(0, '127.0.0.1', resolve));
    const a = p.server.address();
    p.port = typeof a === 'object' && a !== null ? a.port : 0;
    return p;
  }

  private forward(client: net.Socket): void {
    const upstream = net.connect({ host: '127.0.0.1', port: this.targetPort });
    this.accepted++;
    this.sockets.add(client);
    this.sockets.add(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    for (const sock of [client, upstream]) {
      sock.on('error', drop);
      sock.on('close', drop);
    }
  }

  /** Sockets open through the proxy (both sides of each connection). */
  get open(): number {
    return this.sockets.size;
  }

  /** Drop every connection at once; new ones are still accepted (a network blip). */
  drop(): void {
    for (const sock of [...this.sockets]) sock.destroy();
  }

  /** Drop every connection at once and refuse new ones (the backend is gone). */
  async cut(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const sock of [...this.sockets]) sock.destroy();
    await closed;
  }
}
