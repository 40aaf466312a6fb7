// `xcopyctl san up` in-process: the ready line, a working RAM disk LUN behind it, and a clean
// stop on SIGTERM / SIGINT.
import { main } from '../../bin/cli';
import { DEFAULT_TARGET, parsePortal, parseSize } from '../../bin/commands/san';
import { RawIscsiClient } from './iscsi-raw-client';

interface Ready {
  portal: string;
  luns: Array<{ name: string; type: string; url: string }>;
}

function startCli(args: string[]): { done: Promise<number>; ready: Promise<Ready>; err: string[] } {
  const err: string[] = [];
  let resolveReady: (r: Ready) => void = () => undefined;
  const ready = new Promise<Ready>((resolve) => {
    resolveReady = resolve;
  });
  const done = main(['san', 'up', ...args], {
    out: (line) => resolveReady(JSON.parse(line) as Ready),
    err: (line) => err.push(line),
  });
  return { done, ready, err };
}

describe('xcopyctl san up', () => {
  it('prints one JSON line, serves the RAM disk, and stops cleanly on SIGTERM', async () => {
    const cli = startCli(['--portal', '127.0.0.1:0', '--size', '2M', '--log-level', 'silent']);
    const ready = await cli.ready;
    expect(ready.portal).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(ready.luns).toEqual([
      {
        name: 'disk0',
        type: 'disk',
        url: `iscsi://${ready.portal}/${DEFAULT_TARGET}/0`,
        naa: expect.stringMatching(/^6[0-9a-f]{31}$/) as unknown,
      },
    ]);
    const port = Number(ready.portal.split(':')[1]);
    const c = await RawIscsiClient.connect(port);
    expect((await c.login({ targetName: DEFAULT_TARGET })).status).toBe(0);
    await c.clearUnitAttention();
    const cap = await c.scsi({ cdb: '25 00 00 00 00 00 00 00 00 00', read: 8 });
    expect(cap.data).toEqual(Buffer.from('00000fff00000200', 'hex'));
    process.emit('SIGTERM');
    expect(await cli.done).toBe(0);
    await c.closedPromise;
  });

  it('requires CHAP when --chap-user/--chap-secret are given and stops on SIGINT', async () => {
    const cli = startCli([
      '--portal',
      '127.0.0.1',
      '--size',
      '1M',
      '--chap-user',
      'u1',
      '--chap-secret',
      'secret-one-1',
      '--log-level',
      'silent',
    ]);
    const ready = await cli.ready;
    const port = Number(ready.portal.split(':')[1]);
    const bad = await RawIscsiClient.connect(port);
    expect((await bad.login({ targetName: DEFAULT_TARGET })).status).toBe(0x0201);
    const good = await RawIscsiClient.connect(port);
    expect(
      (await good.login({ targetName: DEFAULT_TARGET, chap: { user: 'u1', secret: 'secret-one-1' } })).status,
    ).toBe(0);
    good.close();
    process.emit('SIGINT');
    expect(await cli.done).toBe(0);
  });

  it('bad options are usage errors (exit code 2)', async () => {
    for (const args of [
      ['--size', 'lots'],
      ['--portal', 'a:b:c'],
      ['--chap-user', 'x'],
      ['--block-size', '1000'],
    ]) {
      const cli = startCli([...args, '--log-level', 'silent']);
      expect(await cli.done).toBe(2);
      expect(cli.err[0]).toMatch(/^xcopyctl: /);
    }
  });
});

describe('san option parsing', () => {
  it('parseSize understands K/M/G/T suffixes', () => {
    expect(parseSize('64M')).toBe(64 * 2 ** 20);
    expect(parseSize('1GiB')).toBe(2 ** 30);
    expect(parseSize('4096')).toBe(4096);
    expect(() => parseSize('0')).toThrow(/bad size/);
    expect(() => parseSize('1X')).toThrow(/bad size/);
  });

  it('parsePortal takes HOST, HOST:PORT and [v6]:PORT', () => {
    expect(parsePortal('127.0.0.1')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parsePortal('127.0.0.1:3260')).toEqual({ host: '127.0.0.1', port: 3260 });
    expect(parsePortal('[::1]:3261')).toEqual({ host: '::1', port: 3261 });
    expect(() => parsePortal('h:99999')).toThrow(/bad port/);
  });
});
