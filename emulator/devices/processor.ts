// A standalone copy manager LU: peripheral device type 03h (processor device, SPC-4 table 49),
// the way storage arrays and SAN data movers expose EXTENDED COPY without a medium of their own.
// It answers the SPC commands every ScsiDevice has plus EXTENDED COPY(LID1) and RECEIVE COPY
// RESULTS from the CopyManager it hosts; INQUIRY reports 3PC=1 and VPD page 8Fh.
import type { CopyManager } from '../mover/copy-manager';
import { copyManagerFor, type CopyHosting } from './copy-hosting';
import { ScsiDevice, type ScsiDeviceOptions } from './device';
import { VersionDescriptor } from './inquiry';
import { controlModePage } from './mode-pages';

export const PROCESSOR_DEVICE = 0x03;

export interface ProcessorOptions extends Omit<ScsiDeviceOptions, 'hostCopyManager'>, CopyHosting {}

export class ProcessorDevice extends ScsiDevice {
  readonly deviceType = PROCESSOR_DEVICE;
  /** Always hosted: a processor LU is nothing but its copy manager. */
  declare readonly copyManager: CopyManager;

  constructor(opts: ProcessorOptions) {
    super({ identity: opts.identity, hostCopyManager: copyManagerFor(opts) }, { product: 'COPY MANAGER' }, [
      controlModePage(),
    ]);
  }

  protected versionDescriptors(): number[] {
    return [VersionDescriptor.SAM5, VersionDescriptor.ISCSI, VersionDescriptor.SPC4];
  }
}
