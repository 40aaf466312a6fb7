// Shared plumbing of the verbs that talk to a device: open the address, always close it.
import { openTransport } from '../../targets/open';
import type { ScsiTransport } from '../../targets/transport';

export async function withTransport<T>(address: string, fn: (t: ScsiTransport) => Promise<T>): Promise<T> {
  const t = await openTransport(address);
  try {
    return await fn(t);
  } finally {
    await t.close().catch(() => undefined);
  }
}

/** VPD page numbers by name (sg_inq style) or number: "0x83", "83h", "131", "di". */
const VPD_NAMES: Record<string, number> = {
  sv: 0x00,
  sn: 0x80,
  di: 0x83,
  tpc: 0x8f,
  bl: 0xb0,
  bdc: 0xb1,
  lbp: 0xb2,
};

export function parseVpdPage(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t in VPD_NAMES) return VPD_NAMES[t];
  let n: number;
  if (/^0x[0-9a-f]{1,2}$/.test(t)) n = parseInt(t.slice(2), 16);
  else if (/^[0-9a-f]{1,2}h$/.test(t)) n = parseInt(t.slice(0, -1), 16);
  else if (/^[0-9]{1,3}$/.test(t)) n = parseInt(t, 10);
  else return undefined;
  return n <= 0xff ? n : undefined;
}
