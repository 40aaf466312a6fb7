// The emulated iSCSI target over TCP with raw PDUs: login phases, negotiation, ACL, CHAP,
// discovery, logout, session reinstatement, NOP-In pings and shutdown.
import { createRamDisk } from '../../emulator/devices/disk';
import { IscsiTargetServer } from '../../emulator/iscsi/server';
import type { LogicalUnit } from '../../emulator/lu';
import { serializeText, parseText, textValue } from '../../targets/iscsi/text';
import { ALLOWED, startTestTarget, T1, T_ACL, T_CHAP } from './iscsi-raw-client';
import { useTestTarget } from './iscsi-test-target';

const shared = useTestTarget();
const client = (port?: number) => shared.connect(port);

describe('login', () => {
  it('logs in: TPGT in the first response, TSIH assigned, target MaxRecvDataSegmentLength declared', async () => {
    const c = await client();
    const r = await c.login({ targetName: T1, settings: { maxRecvDataSegmentLength: 16384 } });
    expect(r.status).toBe(0);
    expect(textValue(parseText(r.responses[0].data), 'TargetPortalGroupTag')).toBe('1');
    const last = r.responses[r.responses.length - 1];
    expect(last.transit).toBe(true);
    expect(last.nsg).toBe(3);
    expect(last.tsih).toBeGreaterThan(0);
    expect(r.params?.targetMaxRecvDataSegmentLength).toBe(262144);
    expect(r.params?.initiatorMaxRecvDataSegmentLength).toBe(16384);
    // StatSN advances by one per Login Response; ExpCmdSN is the login CmdSN.
    for (let i = 1; i < r.responses.length; i++) {
      expect(r.responses[i].statSN).toBe((r.responses[i - 1].statSN + 1) >>> 0);
    }
    expect(last.expCmdSN).toBe(1);
    expect(last.maxCmdSN).toBe(128);
  });

  it('answers unknown keys NotUnderstood and accepts the old marker keys', async () => {
    const c = await client();
    const r = await c.login({
      targetName: T1,
      skipSecurity: true,
      extra: [
        ['X-com.example.Foo', 'bar'],
        ['IFMarker', 'No'],
        ['OFMarker', 'No'],
      ],
    });
    expect(r.status).toBe(0);
    const answers = r.responses.flatMap((x) => parseText(x.data));
    expect(answers).toContainEqual(['X-com.example.Foo', 'NotUnderstood']);
    expect(answers).toContainEqual(['IFMarker', 'No']);
  });

  it('negotiates CRC32C header and data digests and uses them', async () => {
    const c = await client();
    const r = await c.login({
      targetName: T1,
      settings: { headerDigest: ['CRC32C'], dataDigest: ['CRC32C'] },
    });
    expect(r.params?.headerDigest).toBe('CRC32C');
    expect(r.params?.dataDigest).toBe('CRC32C');
    await c.clearUnitAttention();
    const w = await c.scsi({ cdb: '2a 00 00000010 00 0002 00', write: Buffer.alloc(1024, 0x5a) });
    expect(w.status).toBe(0);
    const rd = await c.scsi({ cdb: '28 00 00000010 00 0002 00', read: 1024 });
    expect(rd.data).toEqual(Buffer.alloc(1024, 0x5a));
  });

  it('an unknown target is NOT FOUND (0203h) and the connection closes', async () => {
    const c = await client();
    const r = await c.login({ targetName: 'iqn.2024-01.test:nope' });
    expect(r.status).toBe(0x0203);
    await c.closedPromise;
  });

  it('an initiator outside the ACL is AUTHORIZATION FAILURE (0202h); one inside logs in', async () => {
    expect((await (await client()).login({ targetName: T_ACL })).status).toBe(0x0202);
    expect((await (await client()).login({ targetName: T_ACL, initiatorName: ALLOWED })).status).toBe(0);
  });

  it('a missing InitiatorName is MISSING PARAMETER (0207h); version-min 1 is UNSUPPORTED VERSION (0205h)', async () => {
    const c = await client();
    const req = {
      kind: 'login-request' as const,
      transit: true,
      continue: false,
      csg: 0,
      nsg: 1,
      versionMax: 0,
      versionMin: 0,
      isid: 0x400001,
      tsih: 0,
      itt: 1,
      cid: 0,
      cmdSN: 1,
      expStatSN: 0,
      data: serializeText([['TargetName', T1]]),
    };
    c.send(req);
    const r = await c.next('login-response');
    expect((r.statusClass << 8) | r.statusDetail).toBe(0x0207);
    const c2 = await client();
    c2.send({
      ...req,
      versionMax: 1,
      versionMin: 1,
      data: serializeText([['InitiatorName', 'iqn.2024-01.test:x']]),
    });
    const r2 = await c2.next('login-response');
    expect((r2.statusClass << 8) | r2.statusDetail).toBe(0x0205);
  });

  it('a non-login PDU before login drops the connection', async () => {
    const c = await client();
    c.send({
      kind: 'nop-out',
      immediate: true,
      lun: 0n,
      itt: 1,
      ttt: 0xffffffff,
      cmdSN: 1,
      expStatSN: 0,
      data: Buffer.alloc(0),
    });
    await c.closedPromise;
  });
});

describe('CHAP', () => {
  it('a CHAP target refuses a login without CHAP (0201h)', async () => {
    expect((await (await client()).login({ targetName: T_CHAP })).status).toBe(0x0201);
  });

  it('one-way CHAP with the right secret logs in; a wrong secret is 0201h', async () => {
    const ok = await (
      await client()
    ).login({ targetName: T_CHAP, chap: { user: 'alice', secret: 'alice-secret-1' } });
    expect(ok.status).toBe(0);
    const bad = await (
      await client()
    ).login({ targetName: T_CHAP, chap: { user: 'alice', secret: 'wrong-secret-9' } });
    expect(bad.status).toBe(0x0201);
    const unknown = await (
      await client()
    ).login({ targetName: T_CHAP, chap: { user: 'bob', secret: 'alice-secret-1' } });
    expect(unknown.status).toBe(0x0201);
  });

  it('mutual CHAP: the target proves its secret', async () => {
    const c = await client();
    const r = await c.login({
      targetName: T_CHAP,
      chap: { user: 'alice', secret: 'alice-secret-1', mutual: { user: 'tgt', secret: 'target-secret-2' } },
    });
    expect(r.status).toBe(0);
    const all = r.responses.flatMap((x) => parseText(x.data));
    expect(textValue(all, 'CHAP_N')).toBe('tgt');
  });

  it('mutual CHAP with a wrong expected target secret fails on the initiator side', async () => {
    const c = await client();
    await expect(
      c.login({
        targetName: T_CHAP,
        chap: { user: 'alice', secret: 'alice-secret-1', mutual: { user: 'tgt', secret: 'not-the-secret' } },
      }),
    ).rejects.toThrow(/CHAP response is wrong/);
  });
});

describe('discovery', () => {
  it('SendTargets=All lists the visible targets with TargetAddress ip:port,tpgt', async () => {
    const c = await client();
    expect((await c.login({ sessionType: 'Discovery' })).status).toBe(0);
    const pairs = await c.text([['SendTargets', 'All']]);
    const addr = `127.0.0.1:${shared.target.port},1`;
    expect(pairs).toEqual([
      ['TargetName', T1],
      ['TargetAddress', addr],
      ['TargetName', T_CHAP],
      ['TargetAddress', addr],
    ]);
    const allowed = await client();
    await allowed.login({ sessionType: 'Discovery', initiatorName: ALLOWED });
    expect((await allowed.text([['SendTargets', 'All']])).map(([, v]) => v)).toContain(T_ACL);
    expect(await c.logout()).toBe(0);
    await c.closedPromise;
  });

  it('SendTargets also works in a normal session; empty value names the session target', async () => {
    const c = await client();
    await c.login({ targetName: T1 });
    expect(await c.text([['SendTargets', '']])).toEqual([
      ['TargetName', T1],
      ['TargetAddress', `127.0.0.1:${shared.target.port},1`],
    ]);
    expect(
      await c.text([
        ['SendTargets', T_CHAP],
        ['X-unknown', 'y'],
      ]),
    ).toEqual([
      ['TargetName', T_CHAP],
      ['TargetAddress', `127.0.0.1:${shared.target.port},1`],
      ['X-unknown', 'NotUnderstood'],
    ]);
  });

  it('SCSI commands in a discovery session are rejected', async () => {
    const c = await client();
    await c.login({ sessionType: 'Discovery' });
    c.send({
      kind: 'scsi-command',
      immediate: false,
      final: true,
      read: false,
      write: false,
      attr: 1,
      lun: 0n,
      itt: 77,
      expectedDataTransferLength: 0,
      cmdSN: c.cmdSN,
      expStatSN: c.expStatSN,
      cdb: Buffer.alloc(16),
      data: Buffer.alloc(0),
    });
    const rej = await c.next('reject');
    expect(rej.reason).toBe(0x04);
    expect(rej.data[0] & 0x3f).toBe(0x01);
  });
});

describe('long SendTargets answers', () => {
  it('are split with the C bit and continued through the TTT', async () => {
    const luns = new Map<number, LogicalUnit>([
      [0, createRamDisk({ identity: { id: 'many' }, sizeBytes: 1 << 20 })],
    ]);
    const targets = Array.from({ length: 40 }, (_, i) => ({
      name: `iqn.2024-01.test:target-number-${i}`,
      luns,
    }));
    const server = new IscsiTargetServer({ host: '127.0.0.1', port: 0, targets });
    const { port } = await server.listen();
    try {
      const c = await client(port);
      await c.login({ sessionType: 'Discovery', settings: { maxRecvDataSegmentLength: 512 } });
      const pairs = await c.text([['SendTargets', 'All']]);
      expect(pairs.filter(([k]) => k === 'TargetName')).toHaveLength(40);
      expect(pairs[79]).toEqual(['TargetAddress', `127.0.0.1:${port},1`]);
    } finally {
      await server.close({ graceMs: 50 });
    }
  });
});

describe('sessions', () => {
  it('logout closes the session and the connection', async () => {
    const c = await client();
    await c.login({ targetName: T1 });
    const before = shared.target.server.stats().sessions;
    expect(await c.logout()).toBe(0);
    await c.closedPromise;
    expect(shared.target.server.stats().sessions).toBe(before - 1);
  });

  it('a second login with the same ISID reinstates the session: the old connection closes', async () => {
    const a = await client();
    await a.login({ targetName: T1, isid: 0x400000abcdef });
    const b = await client();
    expect((await b.login({ targetName: T1, isid: 0x400000abcdef })).status).toBe(0);
    await a.closedPromise;
    await b.clearUnitAttention();
    expect((await b.scsi({ cdb: '00 00 00 00 00 00' })).status).toBe(0);
  });

  it('a login naming a TSIH that does not exist is SESSION DOES NOT EXIST (020Ah)', async () => {
    const c = await client();
    expect((await c.login({ targetName: T1, tsih: 0x7777 })).status).toBe(0x020a);
  });

  it('an idle connection gets NOP-In pings; an unanswered ping closes it', async () => {
    const s = await startTestTarget({ nopInIntervalMs: 100, nopInTimeoutMs: 300 });
    try {
      const c = await client(s.port);
      await c.login({ targetName: T1 });
      const ping = await c.next('nop-in', undefined, 2000);
      expect(ping.itt).toBe(0xffffffff);
      expect(ping.ttt).not.toBe(0xffffffff);
      c.send({
        kind: 'nop-out',
        immediate: true,
        lun: 0n,
        itt: 0xffffffff,
        ttt: ping.ttt,
        cmdSN: c.cmdSN,
        expStatSN: c.expStatSN,
        data: Buffer.alloc(0),
      });
      const ping2 = await c.next('nop-in', undefined, 2000);
      expect(ping2.ttt).not.toBe(ping.ttt);
      // Do not answer this one.
      await c.closedPromise;
    } finally {
      await s.server.close({ graceMs: 50 });
    }
  });

  it('shutdown asks initiators to log out (Async event 1), then closes the connections', async () => {
    const s = await startTestTarget();
    const c = await client(s.port);
    await c.login({ targetName: T1 });
    const closing = s.server.close({ graceMs: 200 });
    const a = await c.next('async-message');
    expect(a.asyncEvent).toBe(1);
    await closing;
    await c.closedPromise;
    expect(s.server.stats()).toMatchObject({ connections: 0, sessions: 0 });
  });
});
