// The copy manager (SPC-4 6.4, 6.18): EXTENDED COPY(LID1) and RECEIVE COPY RESULTS handlers that any
// device can put in its opcode table to become a copy manager (3PC=1). Independent of the transport
// that delivered the command: a handler gets the CDB, the data-out, the I_T nexus and the task's
// AbortSignal and returns status, sense and data-in.
//
// EXTENDED COPY: the parameter list is decoded and validated (lengths, counts, codes, fields, then
// the checks in precheck.ts) and answered with ILLEGAL REQUEST when it is wrong; a list identifier
// still active on the same I_T nexus is ILLEGAL REQUEST, OPERATION IN PROGRESS (00/16, SPC-4
// 6.4.3.2); then the segments run (executor.ts) and the command completes with GOOD, COPY ABORTED
// (segment number, segment pointer, forwarded sense), or TASK ABORTED when its task was aborted.
import { SenseError, invalidCdbField, illegalRequest } from '../../cdb/errors';
import { senseFromError } from '../../cdb/spc/sense';
import {
  SENSE_KEY_HARDWARE_ERROR,
  STATUS_CHECK_CONDITION,
  STATUS_GOOD,
  STATUS_TASK_ABORTED,
} from '../../cdb/spc/status';
import { encodeCopyStatus } from '../../cdb/xcopy/copy-status';
import { decodeExtendedCopy, EXTENDED_COPY, EXTENDED_COPY_LID1 } from '../../cdb/xcopy/extended-copy';
import { encodeFailedSegmentDetails } from '../../cdb/xcopy/failed-segment-details';
import type { OperatingParameters } from '../../cdb/xcopy/operating-parameters';
import { decodeExtendedCopyParameterList, parameterListLayout } from '../../cdb/xcopy/parameter-list';
import {
  decodeReceiveCopyResults,
  RCR_SERVICE_ACTION,
  RECEIVE_COPY_RESULTS,
} from '../../cdb/xcopy/receive-copy-results';
import { encodeReceiveData } from '../../cdb/xcopy/receive-data';
import { InProcessTransport } from '../../targets/inprocess-transport';
import { type BufferPool, readBufferPool } from '../disk/buffer-pool';
import type { CommandContext, OpcodeEntry } from '../devices/command-table';
import { getLogger, type Logger } from '../log';
import type { ItNexus, LogicalUnit, LuResponse } from '../lu';
import {
  decoderLimits,
  encodeMoverOperatingParameters,
  encodeThirdPartyCopyPage,
  operatingParameters,
} from './capabilities';
import { type MoverConfig, type MoverConfigOverrides, moverConfig } from './config';
import { CopyList, ListRegistry, nexusKey } from './copy-list';
import { copyAbortedSense } from './copy-sense';
import { CopyCancelled } from './errors';
import { ListExecutor, SegmentFailure } from './executor';
import { precheckParameterList } from './precheck';
import type { CscdBackend, CscdResolver } from './resolver';

/** What a handler needs from the command, whatever transport delivered it. */
export interface CopyCommandContext {
  cdb: Buffer;
  dataOut: Buffer;
  nexus: ItNexus;
  signal: AbortSignal;
}

export interface CopyManagerOptions {
  /** The LU this copy manager belongs to: CSCD ID FFFFh, reached through an InProcessTransport. */
  self: LogicalUnit;
  resolver: CscdResolver;
  config?: MoverConfig | MoverConfigOverrides;
  /** The device's D_SENSE (control mode page): sense in descriptor format. */
  descriptorSense?: () => boolean;
  /** Clock for result retention (tests). */
  now?: () => number;
  logger?: Logger;
}

function good(data: Buffer, allocationLength: number): LuResponse {
  return {
    status: STATUS_GOOD,
    dataIn: data.length > allocationLength ? data.subarray(0, allocationLength) : data,
  };
}

export class CopyManager {
  readonly config: MoverConfig;
  /**
   * Read buffers of the data pipelines: the process-wide pool block stores read into, so that a
   * read of a disk in this process (whose data-in is a lease of that pool) goes back to it once
   * its WRITE completed, like one whose data-in our initiator placed into a lease.
   */
  private readonly pool: BufferPool = readBufferPool;
  private readonly registry: ListRegistry;
  private readonly log: Logger;

  constructor(private readonly opts: CopyManagerOptions) {
    this.config = moverConfig(opts.config);
    this.registry = new ListRegistry(this.config.retention, opts.now ?? Date.now);
    this.log = opts.logger ?? getLogger('copy-manager');
  }

  private descriptorFormat(): boolean {
    return this.opts.descriptorSense?.() ?? false;
  }

  private illegal(e: SenseError): LuResponse {
    return {
      status: STATUS_CHECK_CONDITION,
      sense: senseFromError(e, { descriptor: this.descriptorFormat() }),
    };
  }

  // ---- EXTENDED COPY --------------------------------------------------------------------------

  async extendedCopy(ctx: CopyCommandContext): Promise<LuResponse> {
    let state: CopyList | undefined;
    try {
      const cdb = decodeExtendedCopy(ctx.cdb);
      const length = cdb.parameterListLength;
      // SPC-4 6.5: a PARAMETER LIST LENGTH of 0 is not an error; nothing is copied.
      if (length === 0) return { status: STATUS_GOOD, dataOutLength: 0 };
      const list = decodeExtendedCopyParameterList(
        ctx.dataOut.subarray(0, length),
        decoderLimits(this.config),
      );
      const layout = parameterListLayout(list);
      precheckParameterList(list, layout.segmentDescriptorOffsets);
      const key = nexusKey(ctx.nexus);
      state = new CopyList(
        key,
        list.listIdentifier,
        list.listIdUsage,
        list.segmentDescriptors.length,
        this.config.limits.heldDataLimit,
      );
      if (state.identified && this.registry.activeWith(key, list.listIdentifier) !== undefined) {
        throw illegalRequest(
          0x00,
          0x16,
          `list identifier ${list.listIdentifier} is in use by a running EXTENDED COPY`,
          {
            commandData: false,
            field: 0,
          },
        );
      }
      const l = this.config.limits;
      if (
        this.registry.runningCount() >= l.totalConcurrentCopies ||
        (state.identified && this.registry.runningIdentifiedCount() >= l.maximumConcurrentCopies)
      ) {
        throw illegalRequest(0x55, 0x03, 'too many concurrent EXTENDED COPY commands');
      }
      this.registry.start(state);
      const running = state;
      const signal = AbortSignal.any([ctx.signal, running.controller.signal]);
      try {
        await new ListExecutor({
          list,
          cscdDescriptorOffsets: layout.cscdDescriptorOffsets,
          segmentDescriptorOffsets: layout.segmentDescriptorOffsets,
          state: running,
          signal,
          config: this.config,
          pool: this.pool,
          resolver: this.opts.resolver,
          requester: ctx.nexus,
          selfDeviceType: this.opts.self.deviceType,
          openSelf: () => this.selfBackend(),
        }).run();
        running.state = 'completed';
        return { status: STATUS_GOOD, dataOutLength: length };
      } catch (e) {
        running.state = 'failed';
        if (e instanceof SegmentFailure) {
          const sense = copyAbortedSense({
            asc: e.aborted.asc,
            ascq: e.aborted.ascq,
            segmentNumber: e.segmentNumber,
            pointer: e.aborted.pointer,
            forwarded: e.aborted.forwarded,
            descriptorFormat: this.descriptorFormat(),
          });
          running.failure = { status: STATUS_CHECK_CONDITION, sense };
          this.log.info(
            `EXTENDED COPY list ${list.listIdentifier} from ${ctx.nexus.initiatorPort} failed: ${e.message}`,
          );
          return { status: STATUS_CHECK_CONDITION, sense, dataOutLength: length };
        }
        if (e instanceof CopyCancelled) {
          running.failure = { status: STATUS_TASK_ABORTED, sense: Buffer.alloc(0) };
          return { status: STATUS_TASK_ABORTED };
        }
        throw e;
      } finally {
        this.registry.finish(running);
      }
    } catch (e) {
      if (e instanceof SenseError) return this.illegal(e);
      this.log.error(
        `EXTENDED COPY internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      );
      // SPC-4: HARDWARE ERROR, INTERNAL TARGET FAILURE (04/44/00).
      const sense = senseFromError(
        new SenseError(
          { senseKey: SENSE_KEY_HARDWARE_ERROR, asc: 0x44, ascq: 0x00 },
          'internal target failure',
        ),
        {
          descriptor: this.descriptorFormat(),
        },
      );
      if (state !== undefined) state.failure = { status: STATUS_CHECK_CONDITION, sense };
      return { status: STATUS_CHECK_CONDITION, sense };
    }
  }

  private selfBackend(): CscdBackend {
    const transport = new InProcessTransport(this.opts.self, {
      nexus: this.config.moverNexus,
      address: 'inprocess://copy-manager-lu',
    });
    return {
      transport,
      deviceType: this.opts.self.deviceType,
      inProcess: true,
      release: () => transport.close(),
    };
  }

  // ---- RECEIVE COPY RESULTS -------------------------------------------------------------------

  receiveCopyResults(ctx: CopyCommandContext): LuResponse {
    try {
      const cdb = decodeReceiveCopyResults(ctx.cdb);
      if (cdb.serviceAction === RCR_SERVICE_ACTION.operatingParameters) {
        return good(encodeMoverOperatingParameters(this.config), cdb.allocationLength);
      }
      const list = this.registry.find(nexusKey(ctx.nexus), cdb.listIdentifier);
      // No such list from this I_T nexus (never sent, LIST ID USAGE 11b, or expired): field pointer on LIST IDENTIFIER.
      if (list === undefined)
        throw invalidCdbField(2, `no EXTENDED COPY with list identifier ${cdb.listIdentifier}`);
      switch (cdb.serviceAction) {
        case RCR_SERVICE_ACTION.copyStatus:
          return good(encodeCopyStatus(list.copyStatus()), cdb.allocationLength);
        case RCR_SERVICE_ACTION.receiveData:
          return good(encodeReceiveData({ heldData: list.held.bytes() }), cdb.allocationLength);
        default: {
          const f = list.state === 'failed' ? list.failure : undefined;
          const data =
            f === undefined
              ? encodeFailedSegmentDetails({
                  detailsAvailable: false,
                  copyCommandStatus: 0,
                  senseData: Buffer.alloc(0),
                })
              : encodeFailedSegmentDetails({
                  detailsAvailable: true,
                  copyCommandStatus: f.status,
                  senseData: f.sense,
                });
          return good(data, cdb.allocationLength);
        }
      }
    } catch (e) {
      if (e instanceof SenseError) return this.illegal(e);
      throw e;
    }
  }

  // ---- what a device needs to become a copy manager ------------------------------------------

  operatingParameters(): OperatingParameters {
    return operatingParameters(this.config);
  }

  /** VPD page 8Fh (header included) for a LU of this peripheral device type. */
  vpdPage8f(peripheralDeviceType: number): Buffer {
    return encodeThirdPartyCopyPage(this.config, peripheralDeviceType);
  }

  /** Opcode table entries: EXTENDED COPY(LID1) and RECEIVE COPY RESULTS 00h, 01h, 03h, 04h. */
  opcodeEntries(): OpcodeEntry[] {
    const fromContext = (c: CommandContext): CopyCommandContext => ({
      cdb: c.cdb,
      dataOut: c.dataOut,
      nexus: c.nexus,
      signal: c.request.signal,
    });
    const rcr = (serviceAction: number, name: string, listId: boolean): OpcodeEntry => ({
      opcode: RECEIVE_COPY_RESULTS,
      serviceAction,
      name,
      cdbLength: 16,
      usage: [
        RECEIVE_COPY_RESULTS,
        0x1f,
        listId ? 0xff : 0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0xff,
        0xff,
        0xff,
        0xff,
        0,
        0x04,
      ],
      handler: (c) => this.receiveCopyResults(fromContext(c)),
    });
    return [
      {
        opcode: EXTENDED_COPY,
        serviceAction: EXTENDED_COPY_LID1,
        name: 'EXTENDED COPY(LID1)',
        cdbLength: 16,
        usage: [EXTENDED_COPY, 0x1f, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0x04],
        timeouts: { nominal: 0, recommended: 600 },
        handler: (c) => this.extendedCopy(fromContext(c)),
      },
      rcr(RCR_SERVICE_ACTION.copyStatus, 'RECEIVE COPY STATUS(LID1)', true),
      rcr(RCR_SERVICE_ACTION.receiveData, 'RECEIVE COPY DATA(LID1)', true),
      rcr(RCR_SERVICE_ACTION.operatingParameters, 'RECEIVE COPY OPERATING PARAMETERS', false),
      rcr(RCR_SERVICE_ACTION.failedSegmentDetails, 'RECEIVE COPY FAILURE DETAILS(LID1)', true),
    ];
  }

  /** LU reset (LOGICAL UNIT RESET, target reset): running copies stop, kept results are dropped. */
  reset(): void {
    this.registry.reset();
  }

  /** The I_T nexus is gone: its copies stop and its results are dropped. */
  nexusLost(nexus: ItNexus): void {
    this.registry.forgetNexus(nexusKey(nexus));
  }

  /** Copies running now (diagnostics, admin API). */
  runningCopies(): {
    nexus: string;
    listIdentifier: number;
    segmentsProcessed: number;
    bytesWritten: number;
  }[] {
    return this.registry.runningLists().map((l) => ({
      nexus: l.key,
      listIdentifier: l.listIdentifier,
      segmentsProcessed: l.segmentsProcessed,
      bytesWritten: l.bytesWritten,
    }));
  }
}
