// A real crash: a child process appends blocks to a cartridge in a loop and is killed with
// SIGKILL at a random moment (possibly inside a pwritev). Every object it reported complete must
// read back identical, EOD must follow the last intact object, and appending must resume there.
// The child runs the compiled store: this file compiles emulator/tape alone into a temporary
// directory first (plain tsc, no other part of the repository involved).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Cartridge } from '../../../emulator/tape';
import { RECORD_HEADER_SIZE, RECORDS_START } from '../../../emulator/tape/format';
import { newCartridge, removeDir, tempDir } from './helpers';

const REPO = path.resolve(__dirname, '../../..');

/** Same formula as crash-child.js. */
function crashBlock(i: number): Buffer {
  const b = Buffer.alloc(4096 + ((i * 7919) % 262144), (i * 31) & 0xff);
  b.writeUInt32BE(i, 0);
  return b;
}

let buildDir: string;
let dir: string;

beforeAll(() => {
  buildDir = tempDir();
  dir = tempDir();
  execFileSync(
    process.execPath,
    [
      require.resolve('typescript/bin/tsc'),
      '--ignoreConfig',
      '--outDir',
      buildDir,
      '--rootDir',
      REPO,
      '--module',
      'node20',
      '--moduleResolution',
      'node16',
      '--target',
      'ES2022',
      '--strict',
      '--esModuleInterop',
      '--skipLibCheck',
      '--types',
      'node',
      path.join(REPO, 'emulator/tape/index.ts'),
    ],
    { cwd: REPO, stdio: 'pipe' },
  );
}, 120_000);

afterAll(() => {
  removeDir(buildDir);
  removeDir(dir);
});

/** Start the child, wait until it reports at least `atLeast` objects, SIGKILL it. */
async function runAndKill(cartridgePath: string, atLeast: number): Promise<number> {
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(__dirname, 'crash-child.js'), path.join(buildDir, 'emulator/tape/index.js'), cartridgePath],
    {
      env: { ...process.env, NODE_PATH: path.join(REPO, 'node_modules') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let reported = 0;
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  await new Promise<void>((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) reported = Math.max(reported, Number(l));
      if (reported >= atLeast) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', () => reject(new Error(`child exited early: ${stderr}`)));
  });
  expect(await exited).toBe('SIGKILL');
  return reported;
}

test('kill -9 in the middle of streaming writes, three times over', async () => {
  const c = newCartridge(dir, { capacityBytes: 1024 * 1024 * 1024 });
  c.close();
  let verifiedUpTo = 0;
  for (let round = 1; round <= 3; round++) {
    const reported = await runAndKill(c.path, verifiedUpTo + 150 + Math.floor(Math.random() * 100));
    const r = Cartridge.open(c.path);
    try {
      // a killed process loses nothing it completed: the page cache outlives it
      expect(r.eod).toBeGreaterThanOrEqual(reported);
      // any torn record was cut off: the file ends exactly after the last intact record
      expect(fs.statSync(c.path).size).toBe(RECORDS_START + r.eod * RECORD_HEADER_SIZE + r.usedBytes);
      for (let i = 0; i < r.eod; i++) {
        const got = r.read();
        if (i % 50 === 49) expect(got).toEqual({ kind: 'filemark' });
        else {
          expect(got.kind).toBe('block');
          if (got.kind === 'block' && !got.data.equals(crashBlock(i))) throw new Error(`object ${i} differs`);
        }
      }
      expect(r.read()).toEqual({ kind: 'eod' });
      expect(r.positionInfo().fileNumber).toBe(Math.floor(r.eod / 50));
      verifiedUpTo = r.eod;
    } finally {
      r.close();
    }
  }
  const last = Cartridge.open(c.path, { readOnly: true });
  expect(last.recovery).toMatchObject({ indexedObjects: verifiedUpTo, scannedObjects: 0, discardedBytes: 0 });
  last.close();
}, 180_000);
