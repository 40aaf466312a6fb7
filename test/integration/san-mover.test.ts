// The SAN's copy managers over iSCSI: EXTENDED COPY sent to the standalone processor LU and to a
// disk LU (copy manager on every LU) copies between the SAN's disks, CSCDs found by their NAA
// designators; a CSCD on a target whose ACL excludes the requesting initiator is unreachable
// (COPY ABORTED, 08/04), and the copy does not touch it. Logins obey the targets' ACLs and CHAP
// (one-way and mutual), and so do copies: a CHAP target's LU is reachable only for a requester that
// authenticated as one of that target's users.
import fs from 'node:fs';
import { RCR_SERVICE_ACTION } from '../../cdb/xcopy/receive-copy-results';
import { decodeCopyStatus } from '../../cdb/xcopy/copy-status';
import { LIST_ID_USAGE } from '../../cdb/xcopy/parameter-list';
import { parseSanConfig, startSan, type RunningSan } from '../../emulator/san';
import { runCommand } from '../../targets/command';
import { b2b, naaTarget, paramList, rcrCdb, xcopyCdb } from '../unit/mover/helpers';
import { drainUnitAttentions, filled, openLu, read16, senseOf, tempDir, write16 } from '../unit/san/helpers';

jest.setTimeout(60000);

const A = 'iqn.2024-01.test.san:mover-a';
const B = 'iqn.2024-01.test.san:mover-b';
const OWNER = 'iqn.2024-01.test.san:owner-of-b';
const C = 'iqn.2024-01.test.san:mover-chap';
const BS = 512;

describe('EXTENDED COPY through the SAN', () => {
  let dir: string;
  let san: RunningSan;
  const naa = (name: string): Buffer =>
    Buffer.from(san.ready.luns.find((l) => l.name === name)?.naa ?? '', 'hex');
  const url = (name: string): string => san.ready.luns.find((l) => l.name === name)?.url ?? '';

  beforeAll(async () => {
    dir = tempDir('san-mover-');
    san = await startSan(
      parseSanConfig({
        targets: [
          {
            iqn: A,
            luns: [
              { name: 'src', type: 'disk', size: '4M', memory: true },
              { name: 'dst', type: 'disk', size: '4M' },
              { name: 'cm', type: 'processor' },
            ],
          },
          { iqn: B, acl: [OWNER], luns: [{ name: 'private', type: 'disk', size: '1M', memory: true }] },
          {
            iqn: C,
            chap: {
              users: [{ user: 'carol', secret: 'carol-secret-1' }],
              mutual: { user: 'arrayc', secret: 'array-secret-9' },
            },
            luns: [
              { name: 'chapdisk', type: 'disk', size: '1M', memory: true },
              { name: 'chapcm', type: 'processor' },
            ],
          },
        ],
      }),
      { dir },
    );
  });

  afterAll(async () => {
    await san.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the processor LU copies src to dst; RECEIVE COPY STATUS reports it', async () => {
    const src = await openLu(url('src'));
    await drainUnitAttentions(src);
    const data = filled(256 * BS, 42);
    await runCommand(src, { cdb: write16(64, 256), dataOut: data });
    await src.close();

    const cm = await openLu(url('cm'));
    await drainUnitAttentions(cm);
    const inq = await runCommand(cm, { cdb: Buffer.from([0x12, 0, 0, 0, 96, 0]), dataInLength: 96 });
    expect(inq.dataIn[0] & 0x1f).toBe(3);
    expect(inq.dataIn[5] & 0x08).toBe(0x08);
    const list = paramList({
      listIdentifier: 7,
      listIdUsage: LIST_ID_USAGE.hold,
      targets: [
        naaTarget(naa('src'), { diskBlockLength: BS }),
        naaTarget(naa('dst'), { diskBlockLength: BS }),
      ],
      segments: [b2b(0, 1, 256, 64n, 1000n)],
    });
    await runCommand(cm, { cdb: xcopyCdb(list.length), dataOut: list });
    const st = await runCommand(cm, { cdb: rcrCdb(RCR_SERVICE_ACTION.copyStatus, 7), dataInLength: 0x100 });
    // SPC-4 6.18.3: COPY MANAGER STATUS 1 = operation completed without errors.
    expect(decodeCopyStatus(st.dataIn)).toMatchObject({ copyManagerStatus: 1, segmentsProcessed: 1 });
    await cm.close();

    const dst = await openLu(url('dst'));
    await drainUnitAttentions(dst);
    const back = await runCommand(dst, { cdb: read16(1000, 256), dataInLength: 256 * BS });
    expect(back.dataIn.equals(data)).toBe(true);

    // The disk LU is a copy manager too: copy back from dst to src through it.
    const list2 = paramList({
      targets: [
        naaTarget(naa('dst'), { diskBlockLength: BS }),
        naaTarget(naa('src'), { diskBlockLength: BS }),
      ],
      segments: [b2b(0, 1, 16, 1000n, 2000n)],
    });
    await runCommand(dst, { cdb: xcopyCdb(list2.length), dataOut: list2 });
    await dst.close();
    const src2 = await openLu(url('src'));
    await drainUnitAttentions(src2);
    const copied = await runCommand(src2, { cdb: read16(2000, 16), dataInLength: 16 * BS });
    expect(copied.dataIn.equals(data.subarray(0, 16 * BS))).toBe(true);
    await src2.close();
  });

  it('a CSCD behind an ACL that excludes the requester is unreachable (COPY ABORTED 08/04)', async () => {
    const cm = await openLu(url('cm'));
    await drainUnitAttentions(cm);
    const list = paramList({
      targets: [
        naaTarget(naa('src'), { diskBlockLength: BS }),
        naaTarget(naa('private'), { diskBlockLength: BS }),
      ],
      segments: [b2b(0, 1, 8, 64n, 0n)],
    });
    const r = await cm.execute({ cdb: xcopyCdb(list.length), dataOut: list });
    expect(senseOf(r)).toMatchObject({ key: 0x0a, asc: 0x08, ascq: 0x04 });
    await cm.close();
    // The owner sees its disk untouched.
    const p = await openLu(url('private'), { initiatorName: OWNER });
    await drainUnitAttentions(p);
    const blocks = await runCommand(p, { cdb: read16(0, 8), dataInLength: 8 * BS });
    expect(blocks.dataIn.equals(Buffer.alloc(8 * BS))).toBe(true);
    await p.close();
  });

  it('logins obey ACLs and CHAP (one-way and mutual)', async () => {
    // ACL: anyone but the owner is refused (AUTHORIZATION FAILURE); the owner got in above.
    await expect(openLu(url('private'), { reconnectAttempts: 0 })).rejects.toThrow(/status 0x0202/);
    // CHAP: no credentials, wrong secret, right secret, mutual with the target's credentials.
    const chapUrl = url('chapdisk');
    await expect(openLu(chapUrl, { reconnectAttempts: 0 })).rejects.toThrow(/status 0x0201/);
    await expect(
      openLu(chapUrl.replace('iscsi://', 'iscsi://carol%wrong-secret-1@'), { reconnectAttempts: 0 }),
    ).rejects.toThrow(/status 0x0201/);
    const one = await openLu(chapUrl.replace('iscsi://', 'iscsi://carol%carol-secret-1@'));
    await one.close();
    const mutual = await openLu(
      `${chapUrl.replace('iscsi://', 'iscsi://carol%carol-secret-1@')}?target_user=arrayc&target_password=array-secret-9`,
    );
    await mutual.close();
    await expect(
      openLu(
        `${chapUrl.replace('iscsi://', 'iscsi://carol%carol-secret-1@')}?target_user=arrayc&target_password=forged-secret`,
        {
          reconnectAttempts: 0,
        },
      ),
    ).rejects.toThrow(/target CHAP response is wrong/);
  });

  it("a CHAP target's LU is reachable by copies only for requesters authenticated as its user", async () => {
    const data = filled(8 * BS, 77);
    const src = await openLu(url('src'));
    await drainUnitAttentions(src);
    await runCommand(src, { cdb: write16(0, 8), dataOut: data });
    await src.close();
    const list = paramList({
      targets: [
        naaTarget(naa('src'), { diskBlockLength: BS }),
        naaTarget(naa('chapdisk'), { diskBlockLength: BS }),
      ],
      segments: [b2b(0, 1, 8, 0n, 0n)],
    });
    // Through target A's copy manager (no CHAP session): unreachable.
    const cmA = await openLu(url('cm'));
    await drainUnitAttentions(cmA);
    expect(senseOf(await cmA.execute({ cdb: xcopyCdb(list.length), dataOut: list }))).toMatchObject({
      key: 0x0a,
      asc: 0x08,
      ascq: 0x04,
    });
    await cmA.close();
    // Through target C's copy manager, logged in as carol: copied.
    const cred = (u: string): string => u.replace('iscsi://', 'iscsi://carol%carol-secret-1@');
    const cmC = await openLu(cred(url('chapcm')));
    await drainUnitAttentions(cmC);
    await runCommand(cmC, { cdb: xcopyCdb(list.length), dataOut: list });
    await cmC.close();
    const d = await openLu(cred(url('chapdisk')));
    await drainUnitAttentions(d);
    expect((await runCommand(d, { cdb: read16(0, 8), dataInLength: 8 * BS })).dataIn.equals(data)).toBe(true);
    await d.close();
  });
});
