// A standalone copy manager LU: peripheral device type 03h (processor device, SPC-4 table 49),
// the way storage arrays and SAN data movers expose EXTENDED COPY without a medium of their own.
// It answers the SPC commands every ScsiDevice has plus EXTENDED COPY(LID1) and RECEIVE COPY
// RESULTS from its CopyManager; INQUIRY reports 3PC=1 and VPD page 8Fh.
import type { ItNexus } from '../lu';
import { CopyManager } from '../mover/copy-manager';
import type { MoverConfig, MoverConfigOverrides } from '../mover/config';
import type { CscdResolver } from '../mover/resolver';
import { ScsiDevice, type ScsiDeviceOptions, type VpdBuilder } from './device';
import { VersionDescriptor } from './inquiry';
import { controlModePage } from './mode-pages';

export const PROCESSOR_DEVICE = 0x03;

export interface ProcessorOptions extends ScsiDeviceOptions {
  /** Finds the CSCDs named in a parameter list (the SAN's LocalLuResolver). */
  resolver: CscdResolver;
  mover?: MoverConfig | MoverConfigOverrides;
}

export class ProcessorDevice extends ScsiDevice {
  readonly deviceType = PROCESSOR_DEVICE;
  readonly copyManager: CopyManager;

  constructor(opts: ProcessorOptions) {
    super(opts, { product: 'COPY MANAGER' }, [controlModePage()]);
    this.copyManager = new CopyManager({
      self: this,
      resolver: opts.resolver,
      config: opts.mover,
      descriptorSense: () => this.descriptorSense(),
    });
    for (const e of this.copyManager.opcodeEntries()) this.table.add(e);
  }

  protected versionDescriptors(): number[] {
    return [VersionDescriptor.SAM5, VersionDescriptor.ISCSI, VersionDescriptor.SPC4];
  }

  protected thirdPartyCopy(): boolean {
    return true;
  }

  protected extraVpdPages(): Map<number, VpdBuilder> {
    const pages = super.extraVpdPages();
    pages.set(0x8f, () => this.copyManager.vpdPage8f(this.deviceType));
    return pages;
  }

  protected onReset(): void {
    this.copyManager.reset();
  }

  nexusLost(nexus: ItNexus): void {
    super.nexusLost(nexus);
    this.copyManager.nexusLost(nexus);
  }
}
