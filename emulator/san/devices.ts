// The SAN's device classes: the disk, tape and changer LUs of emulator/devices, each optionally
// hosting a copy manager (EXTENDED COPY, 3PC=1, VPD page 8Fh: the wiring of emulator/mover), plus a
// way to tell their initiators that the target's LUN inventory changed (REPORTED LUNS DATA HAS
// CHANGED, 3Fh/0Eh, SPC-4 5.14) when the admin API adds or removes a snapshot LU.
import type { BlockDevice } from '../disk/block-device';
import { MediaChanger, type ChangerOptions } from '../devices/changer';
import type { VpdBuilder } from '../devices/device';
import type { LuIdentity } from '../devices/identity';
import { DiskDevice, type DiskOptions } from '../devices/disk';
import { ProcessorDevice, type ProcessorOptions } from '../devices/processor';
import { TapeDevice, type TapeOptions } from '../devices/tape';
import { UA_REPORTED_LUNS_CHANGED } from '../devices/unit-attention';
import type { ItNexus, LogicalUnit, LuRequest, LuResponse } from '../lu';
import { CopyManager } from '../mover/copy-manager';
import type { CscdResolver } from '../mover/resolver';

/** What every SAN LU offers the composition layer. */
export interface SanDevice extends LogicalUnit {
  readonly identity: LuIdentity;
  readonly copyManager?: CopyManager;
  /** Establish REPORTED LUNS DATA HAS CHANGED for every I_T nexus. */
  reportedLunsChanged(): void;
}

export interface CopyHosting {
  resolver: CscdResolver;
}

function makeCopyManager(
  self: LogicalUnit & { descriptorSense(): boolean },
  hosting: CopyHosting | undefined,
): CopyManager | undefined {
  if (hosting === undefined) return undefined;
  return new CopyManager({
    self,
    resolver: hosting.resolver,
    descriptorSense: () => self.descriptorSense(),
  });
}

function withPage8f(
  pages: Map<number, VpdBuilder>,
  cm: CopyManager | undefined,
  deviceType: number,
): Map<number, VpdBuilder> {
  if (cm !== undefined) pages.set(0x8f, () => cm.vpdPage8f(deviceType));
  return pages;
}

export class SanDisk<S extends BlockDevice = BlockDevice> extends DiskDevice<S> implements SanDevice {
  readonly copyManager?: CopyManager;

  constructor(opts: DiskOptions<S> & { copyHosting?: CopyHosting }) {
    super(opts);
    this.copyManager = makeCopyManager(this, opts.copyHosting);
    for (const e of this.copyManager?.opcodeEntries() ?? []) this.table.add(e);
  }

  protected thirdPartyCopy(): boolean {
    return this.copyManager !== undefined;
  }

  protected extraVpdPages(): Map<number, VpdBuilder> {
    return withPage8f(super.extraVpdPages(), this.copyManager, this.deviceType);
  }

  protected onReset(kind: 'lu-reset' | 'target-warm-reset' | 'target-cold-reset'): void {
    super.onReset(kind);
    this.copyManager?.reset();
  }

  nexusLost(nexus: ItNexus): void {
    super.nexusLost(nexus);
    this.copyManager?.nexusLost(nexus);
  }

  reportedLunsChanged(): void {
    this.unitAttentions.establish(UA_REPORTED_LUNS_CHANGED);
  }
}

export class SanTape extends TapeDevice implements SanDevice {
  readonly copyManager?: CopyManager;

  constructor(opts: TapeOptions & { copyHosting?: CopyHosting }) {
    super(opts);
    this.copyManager = makeCopyManager(this, opts.copyHosting);
    for (const e of this.copyManager?.opcodeEntries() ?? []) this.table.add(e);
  }

  protected thirdPartyCopy(): boolean {
    return this.copyManager !== undefined;
  }

  protected extraVpdPages(): Map<number, VpdBuilder> {
    return withPage8f(super.extraVpdPages(), this.copyManager, this.deviceType);
  }

  protected onReset(kind: 'lu-reset' | 'target-warm-reset' | 'target-cold-reset'): void {
    super.onReset(kind);
    this.copyManager?.reset();
  }

  nexusLost(nexus: ItNexus): void {
    super.nexusLost(nexus);
    this.copyManager?.nexusLost(nexus);
  }

  reportedLunsChanged(): void {
    this.unitAttentions.establish(UA_REPORTED_LUNS_CHANGED);
  }
}

const MOVE_MEDIUM = 0xa5;

export class SanChanger extends MediaChanger implements SanDevice {
  readonly copyManager?: CopyManager;
  private readonly onMove?: () => void;

  constructor(opts: ChangerOptions & { copyHosting?: CopyHosting; onMove?: () => void }) {
    super(opts);
    this.onMove = opts.onMove;
    this.copyManager = makeCopyManager(this, opts.copyHosting);
    for (const e of this.copyManager?.opcodeEntries() ?? []) this.table.add(e);
  }

  /** Runs the command; a MOVE MEDIUM that succeeded tells the SAN to record the new inventory. */
  async execute(req: LuRequest): Promise<LuResponse> {
    const r = await super.execute(req);
    if (req.cdb[0] === MOVE_MEDIUM && r.status === 0) this.onMove?.();
    return r;
  }

  protected thirdPartyCopy(): boolean {
    return this.copyManager !== undefined;
  }

  protected extraVpdPages(): Map<number, VpdBuilder> {
    return withPage8f(super.extraVpdPages(), this.copyManager, this.deviceType);
  }

  protected onReset(kind: 'lu-reset' | 'target-warm-reset' | 'target-cold-reset'): void {
    super.onReset(kind);
    this.copyManager?.reset();
  }

  nexusLost(nexus: ItNexus): void {
    super.nexusLost(nexus);
    this.copyManager?.nexusLost(nexus);
  }

  reportedLunsChanged(): void {
    this.unitAttentions.establish(UA_REPORTED_LUNS_CHANGED);
  }
}

export class SanProcessor extends ProcessorDevice implements SanDevice {
  constructor(opts: ProcessorOptions) {
    super(opts);
  }

  reportedLunsChanged(): void {
    this.unitAttentions.establish(UA_REPORTED_LUNS_CHANGED);
  }
}
