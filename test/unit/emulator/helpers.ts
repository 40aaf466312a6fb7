// Test helpers: call an LU with CDB bytes and pick the sense fields out of the response.
import type { ItNexus, LogicalUnit, LuResponse } from '../../../emulator/lu';

export function nexus(n = 1, targetPort = 'iqn.2024-01.test:t1,t,0x0001'): ItNexus {
  return {
    initiatorPort: `iqn.2024-01.test:init${n},i,0x00023d00000${n}`,
    initiatorName: `iqn.2024-01.test:init${n}`,
    targetPort,
    relativeTargetPort: 1,
  };
}

export function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ''), 'hex');
}

export async function exec(
  lu: LogicalUnit,
  cdb: Buffer | string,
  opts: { dataOut?: Buffer; nexus?: ItNexus; dataInLength?: number } = {},
): Promise<LuResponse> {
  return lu.execute({
    cdb: typeof cdb === 'string' ? hex(cdb) : cdb,
    dataOut: opts.dataOut,
    dataInLength: opts.dataInLength ?? 0x10000,
    nexus: opts.nexus ?? nexus(),
    signal: new AbortController().signal,
    taskTag: 1,
  });
}

export interface SenseFields {
  responseCode: number;
  key: number;
  asc: number;
  ascq: number;
  /** Sense-key specific bytes 15-17 of fixed sense, or undefined when SKSV=0. */
  sks?: number[];
  information?: number;
}

/** Fields of fixed-format sense (the tests expect fixed format unless D_SENSE is set). */
export function sense(r: LuResponse): SenseFields {
  expect(r.status).toBe(0x02);
  const s = r.sense;
  if (s === undefined) throw new Error('CHECK CONDITION without sense');
  expect(s[0] & 0x7f).toBe(0x70);
  const out: SenseFields = { responseCode: s[0] & 0x7f, key: s[2] & 0x0f, asc: s[12], ascq: s[13] };
  if ((s[15] & 0x80) !== 0) out.sks = [s[15], s[16], s[17]];
  if ((s[0] & 0x80) !== 0) out.information = s.readUInt32BE(3);
  return out;
}

/** Run until the power-on unit attention of a fresh nexus has been consumed. */
export async function clearUa(lu: LogicalUnit, n = nexus()): Promise<void> {
  for (let i = 0; i < 8; i++) {
    const r = await exec(lu, '00 00 00 00 00 00', { nexus: n });
    if (r.status === 0) return;
  }
  throw new Error('unit attentions do not clear');
}
