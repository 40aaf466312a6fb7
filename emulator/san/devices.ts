// The SAN's device classes: the disk, tape, changer and processor LUs of emulator/devices, each
// optionally hosting a copy manager (ScsiDeviceOptions.hostCopyManager: EXTENDED COPY, 3PC=1, VPD
// page 8Fh), and able to tell their initiators that the target's LUN inventory changed (REPORTED
// LUNS DATA HAS CHANGED, 3Fh/0Eh, SPC-4 5.14) when the admin API adds or removes a snapshot LU.
import type { BlockDevice } from '../disk/block-device';
import { MediaChanger, type ChangerOptions } from '../devices/changer';
import { copyManagerFor, type CopyHosting } from '../devices/copy-hosting';
import type { ScsiDeviceOptions } from '../devices/device';
import type { LuIdentity } from '../devices/identity';
import { DiskDevice, type DiskOptions } from '../devices/disk';
import { ProcessorDevice } from '../devices/processor';
import { TapeDevice, type TapeOptions } from '../devices/tape';
import type { LogicalUnit, LuRequest, LuResponse } from '../lu';
import type { CopyManager } from '../mover/copy-manager';

export type { CopyHosting } from '../devices/copy-hosting';
export type { ProcessorOptions } from '../devices/processor';

/** What every SAN LU offers the composition layer. */
export interface SanDevice extends LogicalUnit {
  readonly identity: LuIdentity;
  readonly copyManager?: CopyManager;
  /** Establish REPORTED LUNS DATA HAS CHANGED for every I_T nexus. */
  reportedLunsChanged(): void;
}

/** Device options with the copy manager hosted when `copyHosting` is given. */
function hosted<O extends ScsiDeviceOptions>(opts: O & { copyHosting?: CopyHosting }): O {
  const h = opts.copyHosting;
  return h === undefined ? opts : { ...opts, hostCopyManager: copyManagerFor(h) };
}

export class SanDisk<S extends BlockDevice = BlockDevice> extends DiskDevice<S> implements SanDevice {
  constructor(opts: DiskOptions<S> & { copyHosting?: CopyHosting }) {
    super(hosted(opts));
  }
}

export class SanTape extends TapeDevice implements SanDevice {
  constructor(opts: TapeOptions & { copyHosting?: CopyHosting }) {
    super(hosted(opts));
  }
}

const MOVE_MEDIUM = 0xa5;

export class SanChanger extends MediaChanger implements SanDevice {
  private readonly onMove?: () => void;

  constructor(opts: ChangerOptions & { copyHosting?: CopyHosting; onMove?: () => void }) {
    super(hosted(opts));
    this.onMove = opts.onMove;
  }

  /** Runs the command; a MOVE MEDIUM that succeeded tells the SAN to record the new inventory. */
  async execute(req: LuRequest): Promise<LuResponse> {
    const r = await super.execute(req);
    if (req.cdb[0] === MOVE_MEDIUM && r.status === 0) this.onMove?.();
    return r;
  }
}

export class SanProcessor extends ProcessorDevice implements SanDevice {}
