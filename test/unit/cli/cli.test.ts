// The installed launcher (bin/xcopyctl.js -> dist/) as a user runs it.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { main } from '../../../bin/cli';
import { parseHex, toHex, toJson, UsageError } from '../../../bin/usage';

const launcher = path.join(__dirname, '..', '..', '..', 'bin', 'xcopyctl.js');

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [launcher, ...args], { encoding: 'utf8', timeout: 20000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('xcopyctl launcher', () => {
  it('--version prints the package version', () => {
    const r = runCli(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
  it('--help lists the commands', () => {
    const r = runCli(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('xcopyctl <command>');
  });
  it('an unknown command is a one-line error with exit code 2', () => {
    const r = runCli(['no-such-verb']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^xcopyctl: /);
  });
});

describe('main()', () => {
  it('no command is exit code 2', async () => {
    const err: string[] = [];
    const code = await main([], { out: () => undefined, err: (l) => err.push(l) });
    expect(code).toBe(2);
    expect(err).toEqual(['xcopyctl: name a command (see --help)']);
  });
});

describe('hex and json helpers', () => {
  it('parses hex with or without spaces and 0x prefixes', () => {
    expect(parseHex(['70 00', '05'])).toEqual(Buffer.from([0x70, 0, 5]));
    expect(parseHex(['0x7000', '0x05'])).toEqual(Buffer.from([0x70, 0, 5]));
    expect(parseHex(['70:00,05'])).toEqual(Buffer.from([0x70, 0, 5]));
  });
  it('rejects bad hex with a UsageError', () => {
    expect(() => parseHex(['7g'])).toThrow(UsageError);
    expect(() => parseHex(['700'])).toThrow('odd number of hex digits');
    expect(() => parseHex([])).toThrow('no hex bytes given');
  });
  it('prints hex and json', () => {
    expect(toHex(Buffer.from([1, 0xab]))).toBe('01 ab');
    expect(toJson({ a: 5n, b: Buffer.from([1, 2]) })).toBe('{"a":"5","b":"0102"}');
  });
});
