// Shared plumbing of the interop suites: find peer tools on PATH, decide whether a suite runs (a
// missing peer skips it with a message; with CI=true it is a failing test instead), and
// run a tool without blocking the event loop (our target may be serving it from this process).
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';
import { tgtAvailable } from '../../emulator/tgt/harness';

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
 * `describe` when the peer is available. Otherwise `describe.skip`, and: with CI=true a failing
 * test in its place (CI must install its peers), without CI a console warning.
 */
export function describeWithPeer(
  available: boolean,
  suite: string,
  missing: string,
  install: string,
): jest.Describe {
  if (available) return describe;
  if (CI) {
    test(`${missing} is installed (required in CI)`, () => {
      throw new Error(`${missing} not found: CI must install it (${install})`);
    });
  } else {
    console.warn(`${suite} skipped: ${missing} not installed (${install})`);
  }
  return describe.skip;
}

/** describeWithPeer for command-line tools from libiscsi-bin. */
export function describeWithTools(tools: readonly string[], suite: string): jest.Describe {
  const missing = tools.filter((t) => findTool(t) === undefined);
  return describeWithPeer(missing.length === 0, suite, missing.join(', '), 'apt-get install libiscsi-bin');
}

/** describeWithPeer for tgt (tgtd, tgtadm, tgtimg). */
export function describeWithTgt(suite: string): jest.Describe {
  return describeWithPeer(tgtAvailable(), suite, 'tgtd/tgtadm/tgtimg', 'apt-get install tgt');
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
