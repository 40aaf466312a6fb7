// Run a command and insist on GOOD status: the common case for every caller that is not itself
// interpreting CHECK CONDITION (tape reads that expect FILEMARK/ILI use execute() directly).
import { decodeSense, type SenseData } from '../cdb/spc/sense';
import { ascText } from '../cdb/spc/asc';
import { senseKeyName, statusName } from '../cdb/spc/status';
import { SenseError } from '../cdb/errors';
import type { ScsiCommand, ScsiResult, ScsiTransport } from './transport';

/** A command completed with a status other than GOOD. */
export class ScsiStatusError extends Error {
  readonly senseData?: SenseData;
  constructor(
    readonly address: string,
    readonly cdb: Buffer,
    readonly status: number,
    readonly sense: Buffer,
  ) {
    let senseData: SenseData | undefined;
    try {
      senseData = sense.length > 0 ? decodeSense(sense) : undefined;
    } catch (e) {
      if (!(e instanceof SenseError)) throw e;
    }
    const what = senseData
      ? `${senseKeyName(senseData.senseKey)}, ${ascText(senseData.asc, senseData.ascq)} (${hex(senseData.senseKey)}/${hex(senseData.asc)}/${hex(senseData.ascq)})`
      : sense.length > 0
        ? `undecodable sense ${sense.toString('hex')}`
        : 'no sense data';
    super(`${address}: opcode ${hex(cdb[0] ?? 0)}h failed with ${statusName(status)}: ${what}`);
    this.name = 'ScsiStatusError';
    this.senseData = senseData;
  }

  get senseKey(): number | undefined {
    return this.senseData?.senseKey;
  }
  get asc(): number | undefined {
    return this.senseData?.asc;
  }
  get ascq(): number | undefined {
    return this.senseData?.ascq;
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}

export interface RunOptions {
  /**
   * How many UNIT ATTENTION conditions (sense key 6: power on, reset, parameters changed...) to
   * absorb by re-issuing the command. A UA reports an event, not a failure of this command (SAM-5
   * 5.14); callers that must react to one (a medium change on a tape) pass 0.
   */
  unitAttentionRetries?: number;
}

/** SENSE KEY of fixed or descriptor sense data without decoding the rest; undefined when not sense. */
export function senseKeyOf(sense: Buffer): number | undefined {
  if (sense.length < 3) return undefined;
  const code = sense[0] & 0x7f;
  if (code === 0x70 || code === 0x71) return sense[2] & 0x0f;
  if (code === 0x72 || code === 0x73) return sense[1] & 0x0f;
  return undefined;
}

const CHECK_CONDITION = 0x02;
const UNIT_ATTENTION = 0x06;

/**
 * Send a command again while it answers UNIT ATTENTION (a fresh I_T nexus starts with one), at most
 * `retries` times; any other outcome, whatever its status, is returned as it is.
 */
export async function executeAbsorbingUnitAttention(
  execute: (cmd: ScsiCommand) => Promise<ScsiResult>,
  cmd: ScsiCommand,
  retries = 3,
): Promise<ScsiResult> {
  for (let left = retries; ; left--) {
    const r = await execute(cmd);
    if (r.status !== CHECK_CONDITION || left <= 0 || senseKeyOf(r.sense) !== UNIT_ATTENTION) return r;
  }
}

export async function runCommand(
  t: ScsiTransport,
  cmd: ScsiCommand,
  opts: RunOptions = {},
): Promise<ScsiResult> {
  const r = await executeAbsorbingUnitAttention((c) => t.execute(c), cmd, opts.unitAttentionRetries ?? 3);
  if (r.status === 0) return r;
  throw new ScsiStatusError(t.address, cmd.cdb, r.status, r.sense);
}
