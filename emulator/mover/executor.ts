// Processing of one EXTENDED COPY parameter list, segment by segment (SPC-4 6.4.6).
//
// Data segments move a byte stream from a source to a destination through the pipeline (flow.ts).
// Each one either processes a fixed amount of source data ("source" mode: 00h, 02h DC=0, 03h, 04h,
// 05h, 06h, 08h and their holding forms), writes a fixed amount to the destination ("destination"
// mode: 01h, 02h DC=1, 09h) or both (0Ah). What is left at the end of a segment is residue
// (SPC-4 6.4.6.1, table "PAD and CAT bit definitions"):
//   residual destination data  processed bytes that do not fill a destination block
//   residual source data       bytes read from the source beyond what the segment processes (a
//                              stream block or disk block read whole, or carried-in residue a
//                              fixed-size destination had no room for)
// CAT=1: the residue is processed first by the next data segment. CAT=0, or CAT=1 when no data
// segment follows before a control segment or the end of the list: residual destination data is
// padded with zeros to a whole block when the destination's PAD bit is set, residual source data is
// discarded when the source's PAD bit is set; any other residue is COPY ABORTED, UNEXPECTED INEXACT
// SEGMENT (26/0A). Inline and embedded data (04h, 05h) count as PAD=0 sources, the discard of
// 06h/0Fh as a PAD=0 destination that takes any length.
//
// Progress for RECEIVE COPY STATUS: SEGMENTS PROCESSED counts completed segments, TRANSFER COUNT the
// bytes written to destinations, counted in order and only after the WRITE completed. Destinations
// written to are flushed (SYNCHRONIZE CACHE, WRITE FILEMARKS 0) before EXTENDED COPY returns GOOD.
import { createHash } from 'node:crypto';
import {
  encodePersistentReserveOut,
  encodePersistentReserveOutParameterList,
  BASIC_PARAMETER_LIST_LENGTH,
  PR_OUT_SERVICE_ACTION,
} from '../../cdb/spc/persistent-reserve-out';
import { SENSE_KEY_ILLEGAL_REQUEST } from '../../cdb/spc/status';
import { cscdIdKind, isHeldDataSegmentType } from '../../cdb/xcopy/descriptor-codes';
import type { ExtendedCopyParameterList } from '../../cdb/xcopy/parameter-list';
import type { BufferPool } from '../disk/buffer-pool';
import type { CopySegment, InlineToStreamSegment } from '../../cdb/xcopy/segment-copy';
import { type ControlSegment, isControlSegment } from '../../cdb/xcopy/segment-control';
import type { SegmentDescriptor } from '../../cdb/xcopy/segment-descriptor';
import { summarizeSense } from './backend';
import { ByteQueue } from './byte-queue';
import { DIGEST_SEGMENT_TYPE } from './capabilities';
import type { MoverConfig } from './config';
import type { CopyList } from './copy-list';
import { decodeDigestSegment, type DigestSegment } from './digest-segment';
import {
  BlockBytesSink,
  BlockRangeSource,
  BlockSink,
  BufferSource,
  DiscardSink,
  StreamSink,
  StreamSource,
} from './endpoints';
import {
  CopyAborted,
  CopyCancelled,
  DEVICE_CONDITION_ASC,
  DeviceCondition,
  type ForwardedSense,
  type Role,
  withRole,
} from './errors';
import { type ChunkSink, type ChunkSource, type FlowOptions, runFlow } from './flow';
import { type Participant, type ParticipantDeps, type ParticipantKind, Participants } from './participants';
import { type StreamIo, transferBytes } from './stream-io';
import type { BlockIo } from './block-io';

/** EXTENDED COPY failed while processing segment `segmentNumber`. */
export class SegmentFailure extends Error {
  constructor(
    readonly segmentNumber: number,
    readonly aborted: CopyAborted,
  ) {
    super(`segment ${segmentNumber}: ${aborted.message}`);
    this.name = 'SegmentFailure';
  }
}

type DataSegment = CopySegment;
type Mode = 'source' | 'destination' | 'both';

interface DataPlan {
  mode: Mode;
  /** Source bytes ("source", "both") or destination bytes ("destination"). */
  bytes: number;
  /** Source reading at least `request` bytes. */
  source: (request: number) => ChunkSource;
  sink: ChunkSink;
  /** PAD bits come from these; inline and embedded data (no src) and the discard (no dst) count as PAD=0. */
  src?: Participant;
  dst?: Participant;
  hold: boolean;
}

/** Residue a CAT=1 segment left for the next data segment. */
interface Carry {
  queue: ByteQueue;
  destResidue: number;
  plan: DataPlan;
  segmentNumber: number;
}

/** Offset of the SOURCE / DESTINATION CSCD DESCRIPTOR ID field in every segment type that has it. */
const CSCD_ID_FIELD: Readonly<Record<Role, number>> = { source: 4, destination: 6 };

/** Offset of STREAM DEVICE TRANSFER LENGTH (SOURCE STREAM DEVICE TRANSFER LENGTH in 03h). */
const STREAM_TRANSFER_LENGTH_FIELD = 9;

type DeviceIo<K extends ParticipantKind> = K extends 'block' ? BlockIo : StreamIo;

interface Ends<S extends ParticipantKind, D extends ParticipantKind> {
  src: Participant;
  dst: Participant;
  s: DeviceIo<S>;
  d: DeviceIo<D>;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function isDataSegment(s: SegmentDescriptor): s is DataSegment {
  return s.kind !== 'opaque' && !isControlSegment(s);
}

/** Byte `byteOffset` of logical block `lba`, counted from LBA 0. */
function bytePosition(io: BlockIo, lba: bigint, byteOffset = 0): bigint {
  return lba * BigInt(io.blockLength) + BigInt(byteOffset);
}

function unsupportedSegment(descriptorTypeCode: number): CopyAborted {
  return new CopyAborted(0x26, 0x09, `segment type ${descriptorTypeCode.toString(16)}h is not supported`, {
    segmentDescriptor: true,
    field: 0,
  });
}

export interface ExecutorOptions extends Omit<ParticipantDeps, 'signal'> {
  list: ExtendedCopyParameterList;
  /** Offsets of the CSCD descriptors and segment descriptors in the parameter list. */
  cscdDescriptorOffsets: readonly number[];
  segmentDescriptorOffsets: readonly number[];
  state: CopyList;
  signal: AbortSignal;
  config: MoverConfig;
  /** Read buffers shared by the copy manager's lists (absent: every read allocates). */
  pool?: BufferPool;
}

export class ListExecutor {
  private readonly participants: Participants;
  private carry?: Carry;
  /** While a carried residue is settled, failures belong to the segment that left it. */
  private carryFailureSegment?: number;
  private readonly cfg: MoverConfig;

  constructor(private readonly o: ExecutorOptions) {
    this.cfg = o.config;
    this.participants = new Participants(o.list, o.cscdDescriptorOffsets, o);
  }

  /** Process every segment; throws SegmentFailure or CopyCancelled. */
  async run(): Promise<void> {
    const segments = this.o.list.segmentDescriptors;
    let current = 0;
    try {
      for (let i = 0; i < segments.length; i++) {
        current = i;
        if (this.o.signal.aborted) throw new CopyCancelled();
        const seg = segments[i];
        if (this.carry !== undefined && !isDataSegment(seg)) await this.settleCarry();
        current = i;
        await this.segment(i, seg, i === segments.length - 1);
        this.o.state.segmentsProcessed = i + 1;
      }
      if (this.carry !== undefined) await this.settleCarry();
      current = Math.max(0, segments.length - 1);
      await this.flushAll();
    } catch (e) {
      if (e instanceof CopyCancelled) throw e;
      const segmentNumber = this.carryFailureSegment ?? current;
      // What was written is made durable before the failure is reported.
      await this.flushAll(true);
      if (e instanceof CopyAborted) throw new SegmentFailure(segmentNumber, e);
      if (e instanceof DeviceCondition)
        throw new SegmentFailure(segmentNumber, this.toAborted(e, segmentNumber));
      throw e;
    } finally {
      await this.participants.release();
    }
  }

  // ---- segments ---------------------------------------------------------------------------------

  private async segment(i: number, seg: SegmentDescriptor, last: boolean): Promise<void> {
    if (seg.kind === 'opaque') {
      if (seg.descriptorTypeCode === DIGEST_SEGMENT_TYPE) {
        await this.digest(decodeDigestSegment(seg.bytes, this.o.segmentDescriptorOffsets[i]));
        return;
      }
      throw unsupportedSegment(seg.descriptorTypeCode);
    }
    if (isDataSegment(seg)) {
      await this.dataSegment(i, seg, last);
      return;
    }
    await this.controlSegment(seg);
  }

  private async dataSegment(i: number, seg: DataSegment, last: boolean): Promise<void> {
    const plan = await this.plan(seg);
    const queue = this.carry?.queue ?? new ByteQueue();
    this.carry = undefined;
    const carried = queue.length;
    let request: number;
    let writeBytes: number;
    let destResidue = 0;
    switch (plan.mode) {
      case 'source': {
        request = plan.bytes;
        const processed = carried + plan.bytes;
        destResidue = processed % plan.sink.unit;
        writeBytes = processed - destResidue;
        break;
      }
      case 'destination':
        request = Math.max(0, plan.bytes - carried);
        writeBytes = plan.bytes;
        break;
      case 'both':
        request = plan.bytes;
        writeBytes = plan.bytes;
        break;
    }
    await runFlow({
      source: plan.source(request),
      sink: plan.sink,
      queue,
      writeBytes,
      ...this.pipeline(),
      tap: plan.hold ? (d) => this.o.state.held.append(d) : undefined,
      onDurable: (n) => this.durable(plan, n),
    });
    const carry: Carry = { queue, destResidue, plan, segmentNumber: i };
    if (seg.cat && !last) this.carry = carry;
    else await this.settle(carry);
  }

  private durable(plan: DataPlan, bytes: number): void {
    if (!plan.sink.counts) return;
    this.o.state.bytesWritten += bytes;
    if (plan.dst !== undefined) plan.dst.written = true;
  }

  /** Residue of a CAT=1 segment that no data segment took: handled as CAT=0 for that segment. */
  private async settleCarry(): Promise<void> {
    const c = this.carry;
    this.carry = undefined;
    if (c === undefined) return;
    this.carryFailureSegment = c.segmentNumber;
    await this.settle(c);
    this.carryFailureSegment = undefined;
  }

  /** SPC-4 6.4.6.1 PAD and CAT = 0: pad residual destination data, discard residual source data, or fail. */
  private async settle(c: Carry): Promise<void> {
    const sourceResidue = c.queue.length - c.destResidue;
    const srcPad = c.plan.src?.pad ?? false;
    const dstPad = c.plan.dst?.pad ?? false;
    if ((c.destResidue > 0 && !dstPad) || (sourceResidue > 0 && !srcPad)) {
      throw new CopyAborted(
        0x26,
        0x0a,
        `inexact segment: ${c.destResidue} bytes short of a destination block, ${sourceResidue} source bytes left over`,
      );
    }
    if (c.destResidue > 0) {
      const data = c.queue.take(c.destResidue);
      if (c.plan.hold) this.o.state.held.append(data);
      const padded = Buffer.alloc(c.plan.sink.unit);
      data.copy(padded);
      try {
        await c.plan.sink.write(padded);
      } catch (e) {
        if (e instanceof DeviceCondition && e.transferred > 0) this.durable(c.plan, e.transferred);
        throw withRole(e, 'destination');
      }
      this.durable(c.plan, padded.length);
    }
    c.queue.clear();
  }

  // ---- plans for the data segment types ---------------------------------------------------------

  /** The pipeline bounds every flow of this list runs with. */
  private pipeline(): Pick<
    FlowOptions,
    'readAhead' | 'writeBehind' | 'maxBufferedBytes' | 'signal' | 'pool'
  > {
    const p = this.cfg.pipeline;
    return {
      readAhead: p.readAhead,
      writeBehind: p.writeBehind,
      maxBufferedBytes: p.maxBufferedBytes,
      signal: this.o.signal,
      ...(this.o.pool === undefined ? {} : { pool: this.o.pool }),
    };
  }

  private chunkFor(a: BlockIo, b?: BlockIo): number {
    const cfg = this.cfg.pipeline.maxTransferBytes;
    if (b === undefined) return Math.max(a.blockLength, Math.min(cfg, a.maxTransferBytes));
    // Reads and writes of the same size (a multiple of both block lengths): buffers pass unchanged.
    const lcm = (a.blockLength / gcd(a.blockLength, b.blockLength)) * b.blockLength;
    const limit = Math.min(cfg, a.maxTransferBytes, b.maxTransferBytes);
    return Math.max(lcm, Math.floor(limit / lcm) * lcm);
  }

  private streamTransfer(io: StreamIo, transferLength: number, field: number): number {
    const bytes = transferBytes(io, transferLength);
    if (transferLength === 0 || bytes > this.cfg.limits.maximumStreamDeviceTransferSize) {
      throw new CopyAborted(
        0x26,
        0x00,
        `STREAM DEVICE TRANSFER LENGTH ${transferLength} gives ${bytes} bytes per command (1..${this.cfg.limits.maximumStreamDeviceTransferSize})`,
        { segmentDescriptor: true, field },
      );
    }
    return transferLength;
  }

  /** The open device `id` names, of the kind the segment type requires in that role. */
  private cscd(id: number, role: Role, kind: ParticipantKind | 'any'): Promise<Participant> {
    return this.participants.get(id, role, kind, CSCD_ID_FIELD[role]);
  }

  /** One side of a segment: the participant and its block or stream device. */
  private async end<K extends ParticipantKind>(
    id: number,
    role: Role,
    kind: K,
  ): Promise<[Participant, DeviceIo<K>]> {
    const p = await this.cscd(id, role, kind);
    return [p, need(kind === 'block' ? p.block : p.stream) as DeviceIo<K>];
  }

  /** Source, then destination: the one resolved first is the one whose failure is reported. */
  private async ends<S extends ParticipantKind, D extends ParticipantKind>(
    seg: { sourceCscdDescriptorId: number; destinationCscdDescriptorId: number },
    sourceKind: S,
    destinationKind: D,
  ): Promise<Ends<S, D>> {
    const [src, s] = await this.end(seg.sourceCscdDescriptorId, 'source', sourceKind);
    const [dst, d] = await this.end(seg.destinationCscdDescriptorId, 'destination', destinationKind);
    return { src, dst, s, d };
  }

  /** Reads of the bytes from `start` on, whole blocks of at most `chunk` bytes. */
  private blockSource(io: BlockIo, start: bigint, chunk = this.chunkFor(io)): DataPlan['source'] {
    return (n) => new BlockRangeSource(io, start, n, chunk);
  }

  /** READ(6)s of TRANSFER LENGTH `transferLength`, checked before anything moves. */
  private streamSource(
    io: StreamIo,
    transferLength: number,
    field = STREAM_TRANSFER_LENGTH_FIELD,
  ): DataPlan['source'] {
    const tl = this.streamTransfer(io, transferLength, field);
    return (n) => new StreamSource(io, tl, n);
  }

  /** WRITE(6)s of TRANSFER LENGTH `transferLength`, checked before anything moves. */
  private streamSink(io: StreamIo, transferLength: number, field = STREAM_TRANSFER_LENGTH_FIELD): StreamSink {
    return new StreamSink(io, this.streamTransfer(io, transferLength, field));
  }

  /** SPC-4 6.4.6.6: data past the end of the inline data is INLINE DATA LENGTH EXCEEDED. */
  private inlineData(seg: InlineToStreamSegment): Buffer {
    const inline = this.o.list.inlineData;
    const end = seg.inlineDataOffset + seg.inlineDataNumberOfBytes;
    if (end > inline.length) {
      throw new CopyAborted(
        0x26,
        0x0b,
        `inline data ${seg.inlineDataOffset}+${seg.inlineDataNumberOfBytes} exceeds INLINE DATA LENGTH ${inline.length}`,
        { segmentDescriptor: true, field: 16 },
      );
    }
    return inline.subarray(seg.inlineDataOffset, end);
  }

  private async plan(seg: DataSegment): Promise<DataPlan> {
    const plan = await this.flowPlan(seg);
    return { ...plan, hold: isHeldDataSegmentType(seg.descriptorTypeCode) };
  }

  /**
   * Devices, source and sink of each data segment type. Everything that can fail (resolving the
   * source, then the destination, then transfer length and inline data checks) happens here, in
   * that order, before any data moves.
   */
  private async flowPlan(seg: DataSegment): Promise<Omit<DataPlan, 'hold'>> {
    switch (seg.kind) {
      case 'blockToStream': {
        const { src, dst, s, d } = await this.ends(seg, 'block', 'stream');
        const source = this.blockSource(s, bytePosition(s, seg.blockDeviceLogicalBlockAddress));
        const sink = this.streamSink(d, seg.streamDeviceTransferLength);
        const bytes = seg.blockDeviceNumberOfBlocks * s.blockLength;
        return { mode: 'source', bytes, source, sink, src, dst };
      }
      case 'streamToBlock': {
        const { src, dst, s, d } = await this.ends(seg, 'stream', 'block');
        const source = this.streamSource(s, seg.streamDeviceTransferLength);
        const sink = new BlockSink(d, seg.blockDeviceLogicalBlockAddress, this.chunkFor(d));
        const bytes = seg.blockDeviceNumberOfBlocks * d.blockLength;
        return { mode: 'destination', bytes, source, sink, src, dst };
      }
      case 'blockToBlock': {
        const { src, dst, s, d } = await this.ends(seg, 'block', 'block');
        const chunk = this.chunkFor(s, d);
        const start = bytePosition(s, seg.sourceBlockDeviceLogicalBlockAddress);
        // Whole source blocks, also when a DC=1 count ends inside one (the rest is residue).
        const source = (n: number) =>
          new BlockRangeSource(s, start, Math.ceil(n / s.blockLength) * s.blockLength, chunk);
        const sink = new BlockSink(d, seg.destinationBlockDeviceLogicalBlockAddress, chunk);
        // DC=0: the count is of source blocks; DC=1: of destination blocks (SPC-4 6.4.6.4).
        const bytes = seg.blockDeviceNumberOfBlocks * (seg.dc ? d.blockLength : s.blockLength);
        return { mode: seg.dc ? 'destination' : 'source', bytes, source, sink, src, dst };
      }
      case 'streamToStream': {
        const { src, dst, s, d } = await this.ends(seg, 'stream', 'stream');
        const source = this.streamSource(s, seg.sourceStreamDeviceTransferLength);
        const sink = this.streamSink(d, seg.destinationStreamDeviceTransferLength, 13);
        return { mode: 'source', bytes: seg.byteCount, source, sink, src, dst };
      }
      case 'inlineToStream':
      case 'embeddedToStream': {
        const [dst, d] = await this.end(seg.destinationCscdDescriptorId, 'destination', 'stream');
        const sink = this.streamSink(d, seg.streamDeviceTransferLength);
        const data = seg.kind === 'inlineToStream' ? this.inlineData(seg) : seg.embeddedData;
        const source = () => new BufferSource(data, Math.max(1, this.cfg.pipeline.maxTransferBytes));
        return { mode: 'source', bytes: data.length, source, sink, dst };
      }
      case 'streamToDiscard': {
        const [src, s] = await this.end(seg.sourceCscdDescriptorId, 'source', 'stream');
        const source = this.streamSource(s, seg.streamDeviceTransferLength);
        const sink = new DiscardSink(this.cfg.pipeline.maxTransferBytes);
        return { mode: 'source', bytes: seg.numberOfBytes, source, sink, src };
      }
      case 'blockOffsetToStream': {
        const { src, dst, s, d } = await this.ends(seg, 'block', 'stream');
        const from = bytePosition(s, seg.blockDeviceLogicalBlockAddress, seg.blockDeviceByteOffset);
        const source = this.blockSource(s, from);
        const sink = this.streamSink(d, seg.streamDeviceTransferLength);
        return { mode: 'source', bytes: seg.numberOfBytes, source, sink, src, dst };
      }
      case 'streamToBlockOffset': {
        const { src, dst, s, d } = await this.ends(seg, 'stream', 'block');
        const source = this.streamSource(s, seg.streamDeviceTransferLength);
        const to = bytePosition(d, seg.blockDeviceLogicalBlockAddress, seg.blockDeviceByteOffset);
        const sink = new BlockBytesSink(d, to);
        return { mode: 'destination', bytes: seg.numberOfBytes, source, sink, src, dst };
      }
      case 'blockOffsetToBlockOffset': {
        const { src, dst, s, d } = await this.ends(seg, 'block', 'block');
        const from = bytePosition(
          s,
          seg.sourceBlockDeviceLogicalBlockAddress,
          seg.sourceBlockDeviceByteOffset,
        );
        const to = bytePosition(
          d,
          seg.destinationBlockDeviceLogicalBlockAddress,
          seg.destinationBlockDeviceByteOffset,
        );
        const source = this.blockSource(s, from, this.chunkFor(s, d));
        const sink = new BlockBytesSink(d, to);
        return { mode: 'both', bytes: seg.numberOfBytes, source, sink, src, dst };
      }
    }
  }

  // ---- control segments ---------------------------------------------------------------------

  private async controlSegment(seg: ControlSegment): Promise<void> {
    switch (seg.kind) {
      case 'verifyCscd': {
        const p = await this.cscd(seg.sourceCscdDescriptorId, 'source', 'any');
        if (seg.tur) await this.onDevice('source', () => (p.block ?? need(p.stream)).testUnitReady());
        return;
      }
      case 'writeFilemarks':
        return this.tapeCommand(seg, (tape, p) => {
          // Flushed at the end even when the command reports a condition (filemarks written at early warning).
          p.written = true;
          return tape.writeFilemarks(seg.filemarkCount, seg.wImmed);
        });
      case 'space':
        return this.tapeCommand(seg, (tape) => tape.space(seg.code, seg.count));
      case 'locate':
        return this.tapeCommand(seg, (tape) => tape.locate(seg.logicalObjectIdentifier));
      case 'registerKey': {
        const p = await this.cscd(seg.destinationCscdDescriptorId, 'destination', 'any');
        const backend = p.backend;
        if (backend === undefined) return; // null devices have no reservations
        await this.onDevice('destination', async () => {
          await backend.sendGood(
            {
              cdb: PERSISTENT_RESERVE_OUT_REGISTER,
              dataOut: encodePersistentReserveOutParameterList({
                reservationKey: seg.reservationKey,
                serviceActionReservationKey: seg.serviceActionReservationKey,
                specIPt: false,
                allTgPt: false,
                aptpl: false,
                transportIds: [],
              }),
            },
            'PERSISTENT RESERVE OUT REGISTER',
          );
        });
        return;
      }
      default:
        throw unsupportedSegment(seg.descriptorTypeCode);
    }
  }

  /** 10h-12h: one command to the destination stream device. */
  private async tapeCommand(
    seg: { destinationCscdDescriptorId: number },
    command: (tape: StreamIo, p: Participant) => Promise<void>,
  ): Promise<void> {
    const [p, tape] = await this.end(seg.destinationCscdDescriptorId, 'destination', 'stream');
    await this.onDevice('destination', () => command(tape, p));
  }

  private async digest(seg: DigestSegment): Promise<void> {
    const [, block] = await this.end(seg.sourceCscdDescriptorId, 'source', 'block');
    const bytes = seg.numberOfLogicalBlocks * BigInt(block.blockLength);
    if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new CopyAborted(0x26, 0x00, 'digest range too large', { segmentDescriptor: true, field: 20 });
    }
    const hash = createHash('sha256');
    const n = Number(bytes);
    await runFlow({
      source: this.blockSource(block, bytePosition(block, seg.logicalBlockAddress))(n),
      sink: new DiscardSink(this.chunkFor(block)),
      queue: new ByteQueue(),
      writeBytes: n,
      ...this.pipeline(),
      tap: (d) => hash.update(d),
    });
    this.o.state.held.append(hash.digest());
  }

  private async onDevice(role: 'source' | 'destination', op: () => Promise<void>): Promise<void> {
    try {
      await op();
    } catch (e) {
      throw withRole(e, role);
    }
  }

  // ---- end of the list ----------------------------------------------------------------------

  private async flushAll(bestEffort = false): Promise<void> {
    for (const p of this.participants.all()) {
      if (!p.written) continue;
      p.written = false;
      const io = p.block ?? p.stream;
      if (io === undefined) continue;
      try {
        await io.flush();
      } catch (e) {
        if (bestEffort || e instanceof CopyCancelled) continue;
        throw withRole(e, 'destination');
      }
    }
  }

  /** DeviceCondition -> COPY ABORTED with the forwarded status and sense. */
  toAborted(e: DeviceCondition, segmentNumber: number): CopyAborted {
    let [asc, ascq] = DEVICE_CONDITION_ASC[e.kind];
    const role = e.role ?? 'source';
    const r = e.result;
    const forwarded: ForwardedSense | undefined =
      r !== undefined && (r.status !== 0 || r.sense.length > 0)
        ? { role, status: r.status, sense: r.sense }
        : undefined;
    // A CSCD that refused the command as ILLEGAL REQUEST (an LBA past its capacity, a command it does
    // not have) did not fail: the segment asked for something it cannot do. The copy is aborted with
    // NO ADDITIONAL SENSE INFORMATION and the device's sense forwarded as the reason (SPC-4 4.5.2.7;
    // SCST does the same, libiscsi ExtendedCopy.ValidSegDescr expects it for a copy past the end).
    if (
      e.kind === 'failure' &&
      forwarded !== undefined &&
      summarizeSense(forwarded.sense)?.senseKey === SENSE_KEY_ILLEGAL_REQUEST
    ) {
      [asc, ascq] = [0x00, 0x00];
    }
    return new CopyAborted(asc, ascq, e.message, this.pointerFor(role, segmentNumber), forwarded);
  }

  /** Segment pointer (SD=0) at the CSCD descriptor of the device that failed, when it has one. */
  private pointerFor(
    role: 'source' | 'destination',
    segmentNumber: number,
  ): { segmentDescriptor: boolean; field: number } | undefined {
    const seg = this.o.list.segmentDescriptors[segmentNumber];
    let id: number | undefined;
    if (seg === undefined) return undefined;
    if (seg.kind === 'opaque') {
      id = role === 'source' && seg.bytes.length >= 6 ? seg.bytes.readUInt16BE(4) : undefined;
    } else {
      const ids = seg as { sourceCscdDescriptorId?: number; destinationCscdDescriptorId?: number };
      id = role === 'destination' ? ids.destinationCscdDescriptorId : ids.sourceCscdDescriptorId;
    }
    if (id === undefined || cscdIdKind(id) !== 'list') return undefined;
    return { segmentDescriptor: false, field: this.o.cscdDescriptorOffsets[id] };
  }
}

function need<T>(v: T | undefined): T {
  if (v === undefined) throw new RangeError('participant of the wrong kind');
  return v;
}

/** PERSISTENT RESERVE OUT, service action REGISTER, PARAMETER LIST LENGTH 24 (SPC-4 6.16). */
const PERSISTENT_RESERVE_OUT_REGISTER = encodePersistentReserveOut({
  serviceAction: PR_OUT_SERVICE_ACTION.register,
  scope: 0,
  type: 0,
  parameterListLength: BASIC_PARAMETER_LIST_LENGTH,
  control: 0,
});
