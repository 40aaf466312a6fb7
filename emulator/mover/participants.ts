// The copy sources and destinations of one EXTENDED COPY command: CSCD descriptor IDs turned into open
// block or stream devices, resolved on first use and kept for the rest of the list.
//   0000h-07FFh  the CSCD descriptor at that position (E4h), resolved through the CscdResolver
//   C000h/C001h  null block / null stream device (SPC-4 6.4.6.1)
//   FFFFh        the LU that received EXTENDED COPY
// Failures here are COPY ABORTED conditions of the segment being processed:
//   08/04 UNREACHABLE COPY TARGET      the resolver found no LU the requester may access, or the ID
//                                      is past the end of the CSCD descriptor list
//   0D/03 INCORRECT COPY TARGET DEVICE TYPE   the LU is not of the descriptor's device type
//   26/0C INVALID OPERATION FOR COPY SOURCE OR DESTINATION   a block role given to a stream etc.
//   26/00 INVALID FIELD IN PARAMETER LIST     DISK BLOCK LENGTH differs from the LU's block length
import {
  cscdIdKind,
  CSCD_ID_COPY_MANAGER,
  CSCD_ID_NULL_BLOCK,
  CSCD_ID_NULL_STREAM,
} from '../../cdb/xcopy/descriptor-codes';
import type { ExtendedCopyParameterList } from '../../cdb/xcopy/parameter-list';
import { deviceTypeParametersKind, type IdentificationDescriptor } from '../../cdb/xcopy/target-descriptor';
import { TransportError } from '../../targets/transport';
import type { ItNexus } from '../lu';
import { Backend } from './backend';
import { type BlockIo, NullBlockDevice, ScsiBlockDevice } from './block-io';
import type { MoverConfig } from './config';
import { CopyAborted, type Role, withRole } from './errors';
import { type CscdBackend, type CscdResolver, CscdResolutionError } from './resolver';
import { driveBlockLength, NullStreamDevice, ScsiStreamDevice, type StreamIo } from './stream-io';

export type ParticipantKind = 'block' | 'stream';

export interface Participant {
  id: number;
  kind: ParticipantKind;
  /** PAD bit of the CSCD descriptor (false for IDs without a descriptor). */
  pad: boolean;
  /** Offset of the CSCD descriptor in the parameter list (segment pointers with SD=0). */
  descriptorOffset?: number;
  block?: BlockIo;
  stream?: StreamIo;
  /** Command path for commands that are neither reads nor writes (PR OUT); absent for null devices. */
  backend?: Backend;
  /** Something was written: flushed before EXTENDED COPY completes. */
  written: boolean;
}

export interface ParticipantDeps {
  config: MoverConfig;
  resolver: CscdResolver;
  /** Peripheral device type of the LU holding the copy manager (CSCD ID FFFFh). */
  selfDeviceType: number;
  /** A backend for CSCD ID FFFFh. */
  openSelf: () => CscdBackend;
  requester: ItNexus;
  signal: AbortSignal;
}

export class Participants {
  private readonly opened = new Map<number, Participant>();
  private readonly pending = new Map<number, Promise<Participant>>();
  private readonly backends: CscdBackend[] = [];

  constructor(
    private readonly list: ExtendedCopyParameterList,
    private readonly descriptorOffsets: readonly number[],
    private readonly deps: ParticipantDeps,
  ) {}

  all(): Participant[] {
    return [...this.opened.values()];
  }

  /** Which kind of device an ID names, without resolving it. */
  kindOf(id: number): ParticipantKind | 'other' {
    const k = cscdIdKind(id);
    if (k === 'null-block') return 'block';
    if (k === 'null-stream') return 'stream';
    if (k === 'copy-manager') return kindOfDeviceType(this.deps.selfDeviceType);
    const d = this.descriptor(id);
    return d === undefined ? 'other' : kindOfDeviceType(d.peripheralDeviceType);
  }

  /**
   * The open device for `id` in `role`, which must be of `need` kind ('any' for 07h and 14h).
   * `field` is the offset of the ID field in the segment descriptor (segment pointer on 26/0C).
   */
  async get(id: number, role: Role, need: ParticipantKind | 'any', field: number): Promise<Participant> {
    if (cscdIdKind(id) === 'list' && id >= this.list.targetDescriptors.length) {
      throw new CopyAborted(
        0x08,
        0x04,
        `CSCD ${id.toString(16)}h: the list has ${this.list.targetDescriptors.length} CSCD descriptors`,
        { segmentDescriptor: true, field },
      );
    }
    const kind = this.kindOf(id);
    if (kind === 'other' || (need !== 'any' && kind !== need)) {
      throw new CopyAborted(
        0x26,
        0x0c,
        `CSCD ${id.toString(16)}h is not a ${need === 'any' ? 'block or stream' : need} device`,
        { segmentDescriptor: true, field },
      );
    }
    const ready = this.opened.get(id);
    if (ready !== undefined) return ready;
    let p = this.pending.get(id);
    if (p === undefined) {
      p = this.open(id, kind);
      this.pending.set(id, p);
    }
    try {
      const opened = await p;
      this.opened.set(id, opened);
      return opened;
    } catch (e) {
      this.pending.delete(id);
      throw withRole(e, role);
    }
  }

  /** Release every resolved backend (end of the command). */
  async release(): Promise<void> {
    const all = this.backends.splice(0);
    await Promise.allSettled(all.map((b) => b.release?.() ?? Promise.resolve()));
  }

  private descriptor(id: number): IdentificationDescriptor | undefined {
    const d = this.list.targetDescriptors[id];
    return d?.kind === 'identification' ? d : undefined;
  }

  private backendOf(cscd: CscdBackend): Backend {
    return new Backend(cscd.transport, {
      retries: this.deps.config.backendRetries,
      timeoutMs: this.deps.config.backendTimeoutMs,
      signal: this.deps.signal,
    });
  }

  private nullParticipant(
    id: number,
    kind: ParticipantKind,
    descriptorOffset?: number,
    pad = false,
  ): Participant {
    const bl = this.deps.config.nullBlockLength;
    const max = Math.max(1, Math.floor(this.deps.config.pipeline.maxTransferBytes / bl)) * bl;
    return {
      id,
      kind,
      pad,
      ...(descriptorOffset === undefined ? {} : { descriptorOffset }),
      ...(kind === 'block' ? { block: new NullBlockDevice(bl, max) } : { stream: new NullStreamDevice() }),
      written: false,
    };
  }

  private async open(id: number, kind: ParticipantKind): Promise<Participant> {
    if (id === CSCD_ID_NULL_BLOCK || id === CSCD_ID_NULL_STREAM) return this.nullParticipant(id, kind);
    if (id === CSCD_ID_COPY_MANAGER) {
      const self = this.deps.openSelf();
      this.backends.push(self);
      return this.openDevice(id, kind, this.backendOf(self), {
        pad: false,
        diskBlockLength: 0,
        fixed: false,
        streamBlockLength: 0,
      });
    }
    const d = this.descriptor(id);
    const offset = this.descriptorOffsets[id];
    if (d === undefined) throw new RangeError(`CSCD descriptor ${id} missing (pre-check passed it)`);
    const params = d.deviceTypeParameters;
    const pad = params.kind === 'block' || params.kind === 'stream' ? params.pad : false;
    // SPC-3 NUL bit (obsolete in SPC-4): the descriptor names a null device of its type.
    if (d.nul) return this.nullParticipant(id, kind, offset, pad);
    let cscd: CscdBackend;
    try {
      cscd = await this.deps.resolver.resolve(
        {
          peripheralDeviceType: d.peripheralDeviceType,
          codeSet: d.codeSet,
          association: d.association,
          designatorType: d.designatorType,
          designator: d.designator,
          relativeInitiatorPortIdentifier: d.relativeInitiatorPortIdentifier,
        },
        this.deps.requester,
        this.deps.signal,
      );
    } catch (e) {
      if (e instanceof CscdResolutionError || e instanceof TransportError) {
        throw new CopyAborted(0x08, 0x04, `CSCD descriptor ${id}: ${e.message}`, {
          segmentDescriptor: false,
          field: offset,
        });
      }
      throw e;
    }
    this.backends.push(cscd);
    if (cscd.deviceType !== d.peripheralDeviceType) {
      throw new CopyAborted(
        0x0d,
        0x03,
        `CSCD descriptor ${id} says device type ${d.peripheralDeviceType}, the LU is type ${cscd.deviceType}`,
        { segmentDescriptor: false, field: offset + 1 },
      );
    }
    return this.openDevice(id, kind, this.backendOf(cscd), {
      pad,
      diskBlockLength: params.kind === 'block' ? params.diskBlockLength : 0,
      fixed: params.kind === 'stream' ? params.fixed : false,
      streamBlockLength: params.kind === 'stream' ? params.streamBlockLength : 0,
      offset,
    });
  }

  private async openDevice(
    id: number,
    kind: ParticipantKind,
    backend: Backend,
    p: { pad: boolean; diskBlockLength: number; fixed: boolean; streamBlockLength: number; offset?: number },
  ): Promise<Participant> {
    const base = {
      id,
      kind,
      pad: p.pad,
      backend,
      written: false,
      ...(p.offset === undefined ? {} : { descriptorOffset: p.offset }),
    };
    if (kind === 'stream') {
      if (p.fixed) {
        // Fixed-mode transfers count blocks of the DRIVE's block length: a different STREAM BLOCK
        // LENGTH would cut or split every block, so it is refused before anything moves.
        const current = await driveBlockLength(backend);
        if (current !== undefined && current !== p.streamBlockLength) {
          throw new CopyAborted(
            0x26,
            0x00,
            `STREAM BLOCK LENGTH ${p.streamBlockLength} differs from the drive's block length ${current}${current === 0 ? ' (variable)' : ''}`,
            p.offset === undefined ? undefined : { segmentDescriptor: false, field: p.offset + 29 },
          );
        }
      }
      return {
        ...base,
        stream: new ScsiStreamDevice(backend, { fixed: p.fixed, blockLength: p.streamBlockLength }),
      };
    }
    const { device, capacity } = await ScsiBlockDevice.open(
      backend,
      p.diskBlockLength,
      this.deps.config.pipeline.maxTransferBytes,
    );
    if (p.diskBlockLength !== 0 && p.diskBlockLength !== capacity.blockLength) {
      throw new CopyAborted(
        0x26,
        0x00,
        `DISK BLOCK LENGTH ${p.diskBlockLength} differs from the LU's block length ${capacity.blockLength}`,
        p.offset === undefined ? undefined : { segmentDescriptor: false, field: p.offset + 29 },
      );
    }
    return { ...base, block: device };
  }
}

export function kindOfDeviceType(deviceType: number): ParticipantKind | 'other' {
  const k = deviceTypeParametersKind(deviceType);
  return k === 'block' || k === 'stream' ? k : 'other';
}
