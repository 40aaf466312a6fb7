// Failure types inside the mover. Backend I/O reports DeviceCondition (what went wrong with which
// device role); segment processing turns those, and its own checks, into CopyAborted, which the copy
// manager answers as CHECK CONDITION / COPY ABORTED (SPC-4 6.4.3.x "errors detected during processing
// of segment descriptors"). CopyCancelled is the handler's AbortSignal firing (ABORT TASK, LU reset).
import type { ScsiResult } from '../../targets/transport';

/** Which side of a segment a device was on. */
export type Role = 'source' | 'destination';

/**
 * failure     the device answered a non-GOOD status            -> 0D/01 THIRD PARTY DEVICE FAILURE
 * unreachable the transport failed (connection lost, timeout) -> 0D/02 COPY TARGET DEVICE NOT REACHABLE
 * underrun    a stream source ended (filemark, EOD) too early  -> 0D/04 COPY TARGET DEVICE DATA UNDERRUN
 * overrun     the destination cannot take more (early warning, VOLUME OVERFLOW) or a source block
 *             was longer than the transfer length              -> 0D/05 COPY TARGET DEVICE DATA OVERRUN
 */
export type DeviceConditionKind = 'failure' | 'unreachable' | 'underrun' | 'overrun';

export const DEVICE_CONDITION_ASC: Readonly<Record<DeviceConditionKind, readonly [number, number]>> = {
  failure: [0x0d, 0x01],
  unreachable: [0x0d, 0x02],
  underrun: [0x0d, 0x04],
  overrun: [0x0d, 0x05],
};

export class DeviceCondition extends Error {
  /** Filled in by the layer that knows which side of the segment the device is on. */
  role?: Role;

  constructor(
    readonly kind: DeviceConditionKind,
    message: string,
    /** The backend's response, forwarded in the copy's sense (absent when there was none). */
    readonly result?: ScsiResult,
    /** Bytes of this command that did reach the medium (tape VOLUME OVERFLOW in fixed mode, early warning). */
    readonly transferred = 0,
  ) {
    super(message);
    this.name = 'DeviceCondition';
  }
}

/** Name the side of the segment a DeviceCondition came from, unless a lower layer already did. */
export function withRole(e: unknown, role: Role): unknown {
  if (e instanceof DeviceCondition && e.role === undefined) e.role = role;
  return e;
}

/** SPC-4 4.5.2.4.5 segment pointer: SD=1 relative to the segment descriptor, SD=0 to the parameter list. */
export interface SegmentPointer {
  segmentDescriptor: boolean;
  field: number;
  bit?: number;
}

/** Sense a backend returned, forwarded inside the COPY ABORTED sense (SPC-4 4.5.2.7). */
export interface ForwardedSense {
  role: Role;
  status: number;
  sense: Buffer;
}

/** A copy failure detected while processing segment descriptors: COPY ABORTED + ASC/ASCQ. */
export class CopyAborted extends Error {
  constructor(
    readonly asc: number,
    readonly ascq: number,
    message: string,
    readonly pointer?: SegmentPointer,
    readonly forwarded?: ForwardedSense,
  ) {
    super(message);
    this.name = 'CopyAborted';
  }
}

/** The EXTENDED COPY task was aborted (its AbortSignal fired). */
export class CopyCancelled extends Error {
  constructor(message = 'copy aborted by task management') {
    super(message);
    this.name = 'CopyCancelled';
  }
}

export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new CopyCancelled();
}
