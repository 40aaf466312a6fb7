// The SAN `xcopyctl san up` serves without --config: one target with the pattern volume vol1,
// an empty restore disk, a tape drive with a cartridge, a media changer holding three more
// cartridges, and a standalone copy manager (processor LU). Every LU hosts a copy manager.
import { parseSanConfig, type SanConfig } from './config';

export const DEFAULT_TARGET_IQN = 'iqn.2024-01.io.xcopy:san';

/** Barcodes of the default SAN's four 1 GiB cartridges (LTO-5 style labels). */
export const DEFAULT_BARCODES = ['XC0001L5', 'XC0002L5', 'XC0003L5', 'XC0004L5'] as const;

export const DEFAULT_SLOT_COUNT = 8;

/** The default SAN as configuration JSON (what `--config` would take to build the same SAN). */
export function defaultSanConfigJson(): Record<string, unknown> {
  const [first, ...rest] = DEFAULT_BARCODES;
  const slots: (string | null)[] = [...rest];
  while (slots.length < DEFAULT_SLOT_COUNT) slots.push(null);
  return {
    portal: '127.0.0.1:0',
    admin: '127.0.0.1:0',
    mover: { copyManagerOnEveryLu: true },
    cartridges: DEFAULT_BARCODES.map((barcode) => ({ barcode, capacity: '1G', earlyWarning: '16M' })),
    targets: [
      {
        iqn: DEFAULT_TARGET_IQN,
        alias: 'xcopy emulated SAN',
        luns: [
          { name: 'vol1', type: 'disk', lun: 0, size: '256M', blockSize: 512, pattern: 'vol1' },
          { name: 'restore1', type: 'disk', lun: 1, size: '256M', blockSize: 512 },
          { name: 'tape0', type: 'tape', lun: 2, cartridge: first },
          { name: 'changer0', type: 'changer', lun: 3, drives: ['tape0'], slots },
          { name: 'copymgr0', type: 'processor', lun: 4 },
        ],
      },
    ],
  };
}

export function defaultSanConfig(): SanConfig {
  return parseSanConfig(defaultSanConfigJson());
}
