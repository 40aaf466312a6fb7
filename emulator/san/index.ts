// The emulated SAN: configuration, composition, admin API. startSan() is what `xcopyctl san up`
// runs; tests use it in-process the same way.
import { AdminServer } from './admin-server';
import type { SanConfig } from './config';
import { EmulatedSan, type ReadyInfo, type SanStartOptions } from './san';

export * from './config';
export {
  defaultSanConfig,
  defaultSanConfigJson,
  DEFAULT_BARCODES,
  DEFAULT_TARGET_IQN,
} from './default-config';
export {
  EmulatedSan,
  type CartridgeStatus,
  type LuInfo,
  type LuSummary,
  type ReadyInfo,
  type SanStartOptions,
} from './san';
export { AdminServer } from './admin-server';
export { parseFaultSpec, type FaultSpec } from './fault-spec';
export { SanOperationError } from './errors';

export interface RunningSan {
  san: EmulatedSan;
  admin: AdminServer;
  /** The ready line's content. */
  ready: ReadyInfo;
  /** Stop the admin API and the SAN (flushes stores and cartridges). Idempotent. */
  stop(): Promise<void>;
}

/** Build the SAN, listen on its portal and start the admin API. */
export async function startSan(config: SanConfig, opts: SanStartOptions = {}): Promise<RunningSan> {
  const san = await EmulatedSan.start(config, opts);
  const admin = new AdminServer(san);
  try {
    await admin.listen(config.admin);
  } catch (e) {
    await san.stop();
    throw e;
  }
  let stopping: Promise<void> | undefined;
  return {
    san,
    admin,
    ready: san.readyInfo(),
    stop: () => {
      stopping ??= (async () => {
        await admin.close();
        await san.stop();
      })();
      return stopping;
    },
  };
}
