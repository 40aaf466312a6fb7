// The CopyManager a LU hosts (ScsiDeviceOptions.hostCopyManager): built for the LU as its `self`
// (CSCD ID FFFFh), with the LU's D_SENSE for its sense data.
import type { MoverConfig, MoverConfigOverrides } from '../mover/config';
import { CopyManager } from '../mover/copy-manager';
import type { CscdResolver } from '../mover/resolver';
import type { ScsiDevice } from './device';

export interface CopyHosting {
  /** Finds the CSCDs named in a parameter list (the SAN's LocalLuResolver, the router's remote one). */
  resolver: CscdResolver;
  mover?: MoverConfig | MoverConfigOverrides;
}

/** The hostCopyManager option of a LU that hosts a copy manager with these settings. */
export function copyManagerFor(h: CopyHosting): (lu: ScsiDevice) => CopyManager {
  return (lu) =>
    new CopyManager({
      self: lu,
      resolver: h.resolver,
      config: h.mover,
      descriptorSense: () => lu.descriptorSense(),
    });
}
