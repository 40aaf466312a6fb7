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

/** `ours` over `baseline` with whether it reaches `goal`, e.g. "1.42x (goal >= 1.2x: met)". */
export function goalRatio(ours: Throughput, baseline: Throughput, goal: number): string {
  const r = ours.mibPerSecond / baseline.mibPerSecond;
  return `${r.toFixed(2)}x (goal >= ${goal.toFixed(1)}x: ${r >= goal ? 'met' : 'NOT met'})`;
}

/** A positive number from the environment variable `name`, or `fallback` when it is unset or empty. */
export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new RangeError(`${name}=${raw} is not a positive number`);
  return n;
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

/** SIGTERM a child (SIGKILL after 15 s) and wait until it has exited. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 15000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
