// Shared plumbing of the interop suites: find peer tools on PATH, decide whether a suite runs (a
// missing tool skips it with a message, except with CI=true, where the suite runs and fails), and
// run a tool without blocking the event loop (our target may be serving it from this process).
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';

export const CI = process.env.CI === 'true';

/** The executable `name` on PATH, or undefined. */
export function findTool(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * `describe` when every tool is installed or CI=true (then a missing tool fails the suite's own
 * "installed" test), `describe.skip` with a console warning otherwise.
 */
export function describeWithTools(tools: readonly string[], suite: string): jest.Describe {
  const missing = tools.filter((t) => findTool(t) === undefined);
  if (missing.length === 0 || CI) return describe;
  console.warn(`${suite} skipped: ${missing.join(', ')} not installed (apt-get install libiscsi-bin)`);
  return describe.skip;
}

export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a tool asynchronously; a non-zero exit is a result, not an error. */
export function runTool(cmd: string, args: string[], timeoutMs = 60000): Promise<ToolRun> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}
