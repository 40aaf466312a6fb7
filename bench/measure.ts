// Small measuring helpers shared by the benchmark suites.

export interface Throughput {
  bytes: number;
  seconds: number;
  mibPerSecond: number;
}

export async function timeIt(bytes: number, fn: () => Promise<void>): Promise<Throughput> {
  const start = process.hrtime.bigint();
  await fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { bytes, seconds, mibPerSecond: bytes / 1048576 / seconds };
}

export function fmt(t: Throughput): string {
  return `${t.mibPerSecond.toFixed(1)} MiB/s (${(t.bytes / 1048576).toFixed(0)} MiB in ${t.seconds.toFixed(2)} s)`;
}

export function ratio(ours: Throughput, baseline: Throughput): string {
  return `${(ours.mibPerSecond / baseline.mibPerSecond).toFixed(2)}x`;
}

/** Median of several runs, by throughput. */
export async function median(runs: number, once: () => Promise<Throughput>): Promise<Throughput> {
  const all: Throughput[] = [];
  for (let i = 0; i < runs; i++) all.push(await once());
  all.sort((a, b) => a.mibPerSecond - b.mibPerSecond);
  return all[Math.floor(all.length / 2)];
}

export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
