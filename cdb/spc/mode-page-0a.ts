// Control mode page (0Ah, subpage 00h), SPC-4 7.5.8 (SBLP from SPC-5).
import { bitsField, ByteReader, flag, putU16 } from '../bytes';
import { invalidParamField } from '../errors';
import { newFixedModePage, openFixedModePage } from './mode-page-format';

export const CONTROL_PAGE_CODE = 0x0a;
export const CONTROL_PAGE_LENGTH = 0x0a;

/** QERR codes (SPC-4 7.5.8): 10b is reserved. */
export const QERR = { continue: 0, abortAll: 1, abortSameNexus: 3 } as const;

export interface ControlModePage {
  kind: 'control';
  ps: boolean;
  /** TST task set type: 000b one task set, 001b one per I_T nexus. */
  tst: number;
  /** TMF_ONLY: only task management functions while an ACA is active. */
  tmfOnly: boolean;
  /** DPICZ: disable protection information check if protect field is zero. */
  dpicz: boolean;
  /** D_SENSE: return descriptor format sense data. */
  dSense: boolean;
  /** GLTSD: global logging target save disable. */
  gltsd: boolean;
  /** RLEC: report log exception condition. */
  rlec: boolean;
  /** QUEUE ALGORITHM MODIFIER (4 bits): 0 restricted, 1 unrestricted reordering. */
  queueAlgorithmModifier: number;
  /** NUAR: no unit attention on release. */
  nuar: boolean;
  /** QERR (2 bits), see QERR. */
  qerr: number;
  /** VS: vendor specific bit (byte 4 bit 7). */
  vs: boolean;
  /** RAC: report a check. */
  rac: boolean;
  /** UA_INTLCK_CTRL (2 bits): 01b is reserved. */
  uaIntlckCtrl: number;
  /** SWP: software write protect. */
  swp: boolean;
  /** ATO: application tag owner. */
  ato: boolean;
  /** TAS: task aborted status. */
  tas: boolean;
  /** ATMPE: application tag mode page enabled. */
  atmpe: boolean;
  /** RWWP: reject write without protection. */
  rwwp: boolean;
  /** SBLP: supported block lengths and protection information (SPC-5). */
  sblp: boolean;
  /** AUTOLOAD MODE (3 bits). */
  autoloadMode: number;
  /** BUSY TIMEOUT PERIOD in 100 ms units; FFFFh unlimited. */
  busyTimeoutPeriod: number;
  /** EXTENDED SELF-TEST COMPLETION TIME in seconds. */
  extendedSelfTestCompletionTime: number;
}

export function encodeControlModePage(p: ControlModePage): Buffer {
  const b = newFixedModePage(CONTROL_PAGE_CODE, CONTROL_PAGE_LENGTH, p.ps);
  b[2] =
    bitsField(p.tst, 3, 5, 'tst') |
    flag(p.tmfOnly, 4) |
    flag(p.dpicz, 3) |
    flag(p.dSense, 2) |
    flag(p.gltsd, 1) |
    flag(p.rlec, 0);
  b[3] =
    bitsField(p.queueAlgorithmModifier, 4, 4, 'queueAlgorithmModifier') |
    flag(p.nuar, 3) |
    bitsField(p.qerr, 2, 1, 'qerr');
  b[4] = flag(p.vs, 7) | flag(p.rac, 6) | bitsField(p.uaIntlckCtrl, 2, 4, 'uaIntlckCtrl') | flag(p.swp, 3);
  b[5] =
    flag(p.ato, 7) |
    flag(p.tas, 6) |
    flag(p.atmpe, 5) |
    flag(p.rwwp, 4) |
    flag(p.sblp, 3) |
    bitsField(p.autoloadMode, 3, 0, 'autoloadMode');
  putU16(b, p.busyTimeoutPeriod, 8, 'busyTimeoutPeriod');
  putU16(b, p.extendedSelfTestCompletionTime, 10, 'extendedSelfTestCompletionTime');
  return b;
}

export function readControlModePage(r: ByteReader, off = 0): ControlModePage {
  const { page: p, ps } = openFixedModePage(
    r,
    off,
    CONTROL_PAGE_CODE,
    CONTROL_PAGE_LENGTH,
    'Control mode page',
  );
  const tst = p.bits(2, 5, 3);
  // SPC-4 7.5.8: TST 010b..111b, QERR 10b and UA_INTLCK_CTRL 01b are reserved codes.
  if (tst > 1) throw invalidParamField(p.base + 2, `TST ${tst} is reserved`, 7);
  const qerr = p.bits(3, 1, 2);
  if (qerr === 2) throw invalidParamField(p.base + 3, 'QERR 10b is reserved', 2);
  const uaIntlckCtrl = p.bits(4, 4, 2);
  if (uaIntlckCtrl === 1) throw invalidParamField(p.base + 4, 'UA_INTLCK_CTRL 01b is reserved', 5);
  return {
    kind: 'control',
    ps,
    tst,
    tmfOnly: p.bit(2, 4),
    dpicz: p.bit(2, 3),
    dSense: p.bit(2, 2),
    gltsd: p.bit(2, 1),
    rlec: p.bit(2, 0),
    queueAlgorithmModifier: p.bits(3, 4, 4),
    nuar: p.bit(3, 3),
    qerr,
    vs: p.bit(4, 7),
    rac: p.bit(4, 6),
    uaIntlckCtrl,
    swp: p.bit(4, 3),
    ato: p.bit(5, 7),
    tas: p.bit(5, 6),
    atmpe: p.bit(5, 5),
    rwwp: p.bit(5, 4),
    sblp: p.bit(5, 3),
    autoloadMode: p.bits(5, 0, 3),
    busyTimeoutPeriod: p.u16(8),
    extendedSelfTestCompletionTime: p.u16(10),
  };
}

export function decodeControlModePage(buf: Buffer): ControlModePage {
  return readControlModePage(new ByteReader(buf, 'param'));
}
