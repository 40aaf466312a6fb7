// Tunables of the copy manager: the limits it advertises (RECEIVE COPY OPERATING PARAMETERS and
// VPD page 8Fh report exactly these), the data pipeline's bounds, and how long results are kept.
import type { ItNexus } from '../lu';
import { IMPLEMENTED_SEGMENT_TYPES } from './capabilities';

export interface MoverLimits {
  /** MAXIMUM CSCD DESCRIPTOR COUNT. */
  maximumCscdDescriptorCount: number;
  /** MAXIMUM SEGMENT DESCRIPTOR COUNT. */
  maximumSegmentDescriptorCount: number;
  /**
   * MAXIMUM DESCRIPTOR LIST LENGTH (CSCD + segment descriptor bytes). libiscsi's DescrLimits test
   * needs at least 32 x (max CSCD + 1) + 28 x (max segments + 1) so its "one too many" lists get
   * 26/06 and 26/08 instead of 1A/00.
   */
  maximumDescriptorListLength: number;
  /** MAXIMUM INLINE DATA LENGTH (inline data after the segment descriptors). */
  maximumInlineDataLength: number;
  /** HELD DATA LIMIT: bytes of held data kept per list (0Bh-0Fh, C0h). */
  heldDataLimit: number;
  /** MAXIMUM STREAM DEVICE TRANSFER SIZE: bytes one READ(6)/WRITE(6) may move. */
  maximumStreamDeviceTransferSize: number;
  /** TOTAL CONCURRENT COPIES: EXTENDED COPY commands processed at once, all nexuses together. */
  totalConcurrentCopies: number;
  /** MAXIMUM CONCURRENT COPIES: those with a list identifier (LIST ID USAGE 00b/10b), at most 255. */
  maximumConcurrentCopies: number;
}

export interface PipelineTuning {
  /** Largest READ or WRITE the mover issues to a block device, in bytes (also capped by VPD B0h). */
  maxTransferBytes: number;
  /** READ commands in flight per segment (block sources; stream sources always use 1). */
  readAhead: number;
  /** WRITE commands in flight per segment (block destinations; streams always use 1). */
  writeBehind: number;
  /** Bytes a running copy may hold in buffers (reads issued but not yet written). */
  maxBufferedBytes: number;
}

export interface RetentionPolicy {
  /** Completed lists kept per I_T nexus; the oldest goes first. */
  maxListsPerNexus: number;
  /** Milliseconds a completed list stays available to RECEIVE COPY RESULTS. */
  ttlMs: number;
}

export interface MoverConfig {
  limits: MoverLimits;
  pipeline: PipelineTuning;
  retention: RetentionPolicy;
  /** Block length of the null block device C000h when the segment has no block device to copy it from. */
  nullBlockLength: number;
  /** Retries of a backend command that answers UNIT ATTENTION or BUSY/TASK SET FULL. */
  backendRetries: number;
  /** Per-command timeout for backend commands, milliseconds (0 = none). */
  backendTimeoutMs: number;
  /** The I_T nexus the mover's own commands use when it reaches LUs in this process. */
  moverNexus: ItNexus;
  /**
   * Segment descriptor type codes this copy manager offers (a subset of IMPLEMENTED_SEGMENT_TYPES);
   * absent = all of them. Others are UNSUPPORTED SEGMENT DESCRIPTOR TYPE CODE (05/26/09) and are left
   * out of RECEIVE COPY OPERATING PARAMETERS and VPD page 8Fh (e.g. BLOCK_SEGMENT_TYPES for a copy
   * manager that only ever reaches disks).
   */
  segmentTypes?: readonly number[];
}

export const DEFAULT_MOVER_NEXUS: ItNexus = Object.freeze({
  initiatorPort: 'iqn.2024-01.xcopy-backup:mover,i,0x800000000001',
  initiatorName: 'iqn.2024-01.xcopy-backup:mover',
  targetPort: 'iqn.2024-01.xcopy-backup:mover-internal,t,0x0001',
  relativeTargetPort: 1,
});

export const DEFAULT_MOVER_CONFIG: MoverConfig = Object.freeze({
  limits: Object.freeze({
    maximumCscdDescriptorCount: 64,
    maximumSegmentDescriptorCount: 256,
    // 32 x 65 + 28 x 257 = 9276 bytes at least; 64 KiB leaves room for embedded data (05h).
    maximumDescriptorListLength: 65536,
    maximumInlineDataLength: 1024 * 1024,
    heldDataLimit: 1024 * 1024,
    maximumStreamDeviceTransferSize: 8 * 1024 * 1024,
    totalConcurrentCopies: 64,
    maximumConcurrentCopies: 64,
  }),
  pipeline: Object.freeze({
    maxTransferBytes: 1024 * 1024,
    readAhead: 4,
    writeBehind: 4,
    maxBufferedBytes: 16 * 1024 * 1024,
  }),
  retention: Object.freeze({ maxListsPerNexus: 32, ttlMs: 10 * 60 * 1000 }),
  nullBlockLength: 512,
  backendRetries: 3,
  backendTimeoutMs: 0,
  moverNexus: DEFAULT_MOVER_NEXUS,
});

export interface MoverConfigOverrides {
  limits?: Partial<MoverLimits>;
  pipeline?: Partial<PipelineTuning>;
  retention?: Partial<RetentionPolicy>;
  nullBlockLength?: number;
  backendRetries?: number;
  backendTimeoutMs?: number;
  moverNexus?: ItNexus;
  segmentTypes?: readonly number[];
}

function positive(v: number, name: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(v) || v < 1 || v > max)
    throw new RangeError(`${name} must be an integer in 1..${max}, got ${v}`);
  return v;
}

/** Defaults with overrides applied and checked. */
export function moverConfig(o: MoverConfigOverrides = {}): MoverConfig {
  const limits = { ...DEFAULT_MOVER_CONFIG.limits, ...o.limits };
  const pipeline = { ...DEFAULT_MOVER_CONFIG.pipeline, ...o.pipeline };
  const retention = { ...DEFAULT_MOVER_CONFIG.retention, ...o.retention };
  positive(limits.maximumCscdDescriptorCount, 'maximumCscdDescriptorCount', 0x800);
  positive(limits.maximumSegmentDescriptorCount, 'maximumSegmentDescriptorCount', 0xffff);
  positive(limits.maximumDescriptorListLength, 'maximumDescriptorListLength', 0xffffffff);
  if (!Number.isInteger(limits.maximumInlineDataLength) || limits.maximumInlineDataLength < 0) {
    throw new RangeError('maximumInlineDataLength must be a non-negative integer');
  }
  positive(limits.heldDataLimit, 'heldDataLimit', 0xffffffff);
  positive(limits.maximumStreamDeviceTransferSize, 'maximumStreamDeviceTransferSize', 0xffffff);
  positive(limits.totalConcurrentCopies, 'totalConcurrentCopies', 0xffff);
  positive(limits.maximumConcurrentCopies, 'maximumConcurrentCopies', 0xff);
  positive(pipeline.maxTransferBytes, 'maxTransferBytes');
  positive(pipeline.readAhead, 'readAhead', 64);
  positive(pipeline.writeBehind, 'writeBehind', 64);
  positive(pipeline.maxBufferedBytes, 'maxBufferedBytes');
  positive(retention.maxListsPerNexus, 'maxListsPerNexus');
  positive(retention.ttlMs, 'ttlMs');
  const nullBlockLength = positive(
    o.nullBlockLength ?? DEFAULT_MOVER_CONFIG.nullBlockLength,
    'nullBlockLength',
    0xffffff,
  );
  const backendRetries = o.backendRetries ?? DEFAULT_MOVER_CONFIG.backendRetries;
  if (!Number.isInteger(backendRetries) || backendRetries < 0)
    throw new RangeError('backendRetries must be >= 0');
  const backendTimeoutMs = o.backendTimeoutMs ?? DEFAULT_MOVER_CONFIG.backendTimeoutMs;
  if (!Number.isInteger(backendTimeoutMs) || backendTimeoutMs < 0)
    throw new RangeError('backendTimeoutMs must be >= 0');
  const segmentTypes = o.segmentTypes;
  for (const code of segmentTypes ?? []) {
    if (!IMPLEMENTED_SEGMENT_TYPES.includes(code))
      throw new RangeError(`segment type ${code.toString(16)}h is not one the mover executes`);
  }
  return {
    limits,
    pipeline,
    retention,
    nullBlockLength,
    backendRetries,
    backendTimeoutMs,
    moverNexus: o.moverNexus ?? DEFAULT_MOVER_NEXUS,
    ...(segmentTypes === undefined ? {} : { segmentTypes: [...new Set(segmentTypes)].sort((a, b) => a - b) }),
  };
}
