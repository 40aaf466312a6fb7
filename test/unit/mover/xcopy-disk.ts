// A RAM disk that hosts a CopyManager, wired exactly the way the report tells the lead to wire
// ScsiDevice: opcode entries added to the table, 3PC=1, VPD page 8Fh, resets and lost nexuses
// forwarded. Tests drive it through LogicalUnit.execute(), like the iSCSI target would.
import { SparseRamStore } from '../../../emulator/devices/block-store';
import type { VpdBuilder } from '../../../emulator/devices/device';
import { DiskDevice } from '../../../emulator/devices/disk';
import type { ItNexus } from '../../../emulator/lu';
import type { MoverConfigOverrides } from '../../../emulator/mover/config';
import { CopyManager } from '../../../emulator/mover/copy-manager';
import type { CscdResolver } from '../../../emulator/mover/resolver';

export class XcopyDisk extends DiskDevice {
  readonly copyManager: CopyManager;

  constructor(o: {
    id: string;
    sizeBytes: number;
    blockSize?: number;
    resolver: () => CscdResolver;
    config?: MoverConfigOverrides;
    now?: () => number;
  }) {
    const blockSize = o.blockSize ?? 512;
    super({ identity: { id: o.id }, store: new SparseRamStore(blockSize, BigInt(o.sizeBytes / blockSize)) });
    let resolver: CscdResolver | undefined;
    this.copyManager = new CopyManager({
      self: this,
      resolver: { resolve: (id, n, s) => (resolver ??= o.resolver()).resolve(id, n, s) },
      config: o.config,
      descriptorSense: () => this.descriptorSense(),
      now: o.now,
    });
    for (const e of this.copyManager.opcodeEntries()) this.table.add(e);
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
