import { spawn, type ChildProcess } from 'node:child_process';
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

/**
 * Start a node child process that prints one JSON ready line on stdout when it serves; resolves
 * with the child and that line parsed. `what` names it in errors (no ready line in time, early exit).
 */
export function spawnReady<T>(
  args: string[],
  what: string,
  timeoutMs: number,
): Promise<{ child: ChildProcess; ready: T }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not start within ${timeoutMs / 1000} s: ${err.trim()}`));
    }, timeoutMs);
    child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      try {
        resolve({ child, ready: JSON.parse(out.slice(0, nl)) as T });
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}: ${err.trim()}`));
    });
  });
}
