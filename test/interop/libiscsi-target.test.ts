// The real libiscsi tools against the emulated iSCSI target on 127.0.0.1: iscsi-ls, iscsi-inq,
// iscsi-readcapacity16 without CHAP, with CHAP and with mutual CHAP, and iscsi-test-cu for the
// iSCSI family and the core SCSI suites (every test must pass, nothing may be skipped).
// Missing tools: the tests fail when CI=true, and are skipped with a message otherwise.
import { createRamDisk } from '../../emulator/devices/disk';
import type { ChapConfig } from '../../emulator/iscsi/config';
import { IscsiTargetServer } from '../../emulator/iscsi/server';
import type { LogicalUnit } from '../../emulator/lu';
import { describeWithTools, findTool, runTool as run } from './tools';

const TOOLS = ['iscsi-ls', 'iscsi-inq', 'iscsi-readcapacity16', 'iscsi-test-cu'];
const IQN = 'iqn.2024-01.io.xcopy:interop';

const missing = TOOLS.filter((t) => findTool(t) === undefined);
const describeInterop = describeWithTools(TOOLS, 'libiscsi interop tests');

interface Served {
  server: IscsiTargetServer;
  port: number;
}

async function serve(chap?: ChapConfig): Promise<Served> {
  const disk = createRamDisk({
    identity: { id: `interop-${chap ? 'chap' : 'open'}` },
    sizeBytes: 64 * 1024 * 1024,
  });
  const server = new IscsiTargetServer({
    host: '127.0.0.1',
    port: 0,
    targets: [{ name: IQN, luns: new Map<number, LogicalUnit>([[0, disk]]), chap }],
    // Discovery asks for the same CHAP: libiscsi authenticates the discovery session too.
    discoveryChap: chap,
  });
  const { port } = await server.listen();
  return { server, port };
}

interface RunSummary {
  tests: { total: number; ran: number; passed: number; failed: number };
  text: string;
}

function runSummary(out: string): RunSummary {
  const i = out.indexOf('Run Summary');
  expect(i).toBeGreaterThanOrEqual(0);
  const text = out.slice(i, out.indexOf('\n', out.indexOf('asserts', i)));
  const m = /tests\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/.exec(text);
  if (m === null) throw new Error(`no tests line in:\n${text}`);
  return { tests: { total: +m[1], ran: +m[2], passed: +m[3], failed: +m[4] }, text };
}

describeInterop('libiscsi tools against the emulated target', () => {
  const servers: Served[] = [];
  let open: Served;
  let chap: Served;
  let mutual: Served;
  const USER = 'initiator-user';
  const SECRET = 'initiator-secret-1';
  const TUSER = 'target-user';
  const TSECRET = 'target-secret-22';

  beforeAll(async () => {
    open = await serve();
    chap = await serve({ users: [{ user: USER, secret: SECRET }] });
    mutual = await serve({
      users: [{ user: USER, secret: SECRET }],
      mutual: { user: TUSER, secret: TSECRET },
    });
    servers.push(open, chap, mutual);
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.server.close({ graceMs: 200 })));
  });

  it('has the libiscsi tools installed', () => {
    expect(missing).toEqual([]);
  });

  const modes = [
    { name: 'without CHAP', served: () => open, auth: '', query: '' },
    { name: 'with CHAP', served: () => chap, auth: `${USER}%${SECRET}@`, query: '' },
    {
      name: 'with mutual CHAP',
      served: () => mutual,
      auth: `${USER}%${SECRET}@`,
      query: `?target_user=${TUSER}&target_password=${TSECRET}`,
    },
  ];

  describe.each(modes)('$name', (mode) => {
    const portal = (): string => `iscsi://${mode.auth}127.0.0.1:${mode.served().port}`;
    const lunUrl = (): string => `${portal()}/${IQN}/0${mode.query}`;

    it('iscsi-ls -s discovers the target and its LUN', async () => {
      const r = await run('iscsi-ls', ['-s', `${portal()}${mode.query}`]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Target:${IQN} Portal:127.0.0.1:${mode.served().port},1`);
      expect(r.stdout).toMatch(/Lun:0\s+Type:DIRECT_ACCESS \(Size:63M\)/);
    });

    it('iscsi-inq reads the standard INQUIRY data', async () => {
      const r = await run('iscsi-inq', [lunUrl()]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Peripheral Device Type:DIRECT_ACCESS');
      expect(r.stdout).toContain('Vendor:XCOPYEMU');
      expect(r.stdout).toContain('Version Descriptor:04c0 SBC-3');
    });

    it('iscsi-inq -e 1 -c 0x83 (given as 131: the tool parses decimal) reads the device identification', async () => {
      const r = await run('iscsi-inq', ['-e', '1', '-c', '131', lunUrl()]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Page Code:(0x83) DEVICE_IDENTIFICATION');
      expect(r.stdout).toContain('Designator Type:(3) NAA');
      expect(r.stdout).toContain('Designator Type:(4) RELATIVE_TARGET_PORT');
      expect(r.stdout).toContain(`Designator:[${IQN},t,0x0001]`);
      expect(r.stdout.match(/Association:\(0\) LOGICAL_UNIT/g)).toHaveLength(1);
    });

    it('iscsi-readcapacity16 reports 64 MiB of 512-byte blocks, thin provisioned', async () => {
      const r = await run('iscsi-readcapacity16', [lunUrl()]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('RETURNED LOGICAL BLOCK ADDRESS:131071');
      expect(r.stdout).toContain('LOGICAL BLOCK LENGTH IN BYTES:512');
      expect(r.stdout).toContain('LBPME:1 LBPRZ:1');
      expect(r.stdout).toContain('Total size:67108864');
    });
  });

  it('a wrong CHAP secret is refused', async () => {
    const r = await run('iscsi-inq', [`iscsi://${USER}%wrong-secret-0@127.0.0.1:${chap.port}/${IQN}/0`]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Authentication failure/);
  });

  it('a CHAP target refuses an initiator without credentials', async () => {
    const r = await run('iscsi-inq', [`iscsi://127.0.0.1:${chap.port}/${IQN}/0`]);
    expect(r.code).not.toBe(0);
  });

  it('mutual CHAP fails when the target secret the initiator expects is wrong', async () => {
    const r = await run('iscsi-inq', [
      `iscsi://${USER}%${SECRET}@127.0.0.1:${mutual.port}/${IQN}/0?target_user=${TUSER}&target_password=not-the-secret`,
    ]);
    expect(r.code).not.toBe(0);
  });

  const SUITES = [
    'iSCSI',
    'SCSI.TestUnitReady',
    'SCSI.Inquiry',
    'SCSI.ReadCapacity10',
    'SCSI.ReadCapacity16',
    'SCSI.Read10',
    'SCSI.Write10',
    'SCSI.Read16',
    'SCSI.Write16',
    'SCSI.ModeSense6',
  ];

  it.each(SUITES)(
    'iscsi-test-cu -d -t %s: every test passes, none skipped',
    async (suite) => {
      const r = await run(
        'iscsi-test-cu',
        ['-d', '-v', '-t', suite, `iscsi://127.0.0.1:${open.port}/${IQN}/0`],
        240000,
      );
      const summary = runSummary(r.stdout);

      console.log(`iscsi-test-cu -t ${suite}\n${summary.text}`);
      expect(r.code).toBe(0);
      expect(summary.tests.failed).toBe(0);
      expect(summary.tests.ran).toBe(summary.tests.total);
      expect(summary.tests.total).toBeGreaterThan(0);
      expect(r.stdout).not.toContain('[SKIPPED]');
    },
    300000,
  );
});
