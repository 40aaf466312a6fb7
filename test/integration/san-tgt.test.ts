// tgt from the SAN configuration (emulator/tgt/config.ts): disk LUs (the pattern volume as a raw
// image, a plain sparse disk) and a tape LU with its cartridge behind CHAP, an ACL'd target, LUNs
// moved up by one past tgt's controller LUN 0, unsupported LU types listed, tgtd stopped cleanly.
import fs from 'node:fs';
import { patternVolumeSpec, verifyPatternVolume } from '../../emulator/disk/vol1';
import { parseSanConfig } from '../../emulator/san';
import { startTgtFromConfig, type TgtSan } from '../../emulator/tgt/config';
import { runCommand } from '../../targets/command';
import {
  drainUnitAttentions,
  openLu,
  read16,
  REWIND,
  streamBlock,
  tapeRead,
  tapeWrite,
} from '../unit/san/helpers';

jest.setTimeout(120000);

const IQN = 'iqn.2024-01.test.tgt-san:main';
const ACL_IQN = 'iqn.2024-01.test.tgt-san:acl';
const ALLOWED = 'iqn.2024-01.test.tgt-san:allowed-host';

function withCred(url: string): string {
  return url.replace('iscsi://', 'iscsi://alice%alice-secret-12@');
}

describe('tgt serving a SAN configuration', () => {
  let tgt: TgtSan;
  const config = parseSanConfig({
    cartridges: [{ barcode: 'TGT001', capacity: '8M' }],
    targets: [
      {
        iqn: IQN,
        chap: { users: [{ user: 'alice', secret: 'alice-secret-12' }] },
        luns: [
          { name: 'pat', type: 'disk', size: '1M', pattern: 'tgtvol', chunkSize: '4K' },
          { name: 'plain', type: 'disk', size: '2M', blockSize: 4096 },
          { name: 'tape', type: 'tape', cartridge: 'TGT001' },
          { name: 'cm', type: 'processor' },
        ],
      },
      { iqn: ACL_IQN, acl: [ALLOWED], luns: [{ name: 'acl-disk', type: 'disk', size: '1M', memory: true }] },
    ],
  });

  beforeAll(async () => {
    tgt = await startTgtFromConfig(config, { skipUnsupported: true });
  }, 120000);

  afterAll(async () => {
    await tgt?.stop();
  }, 60000);

  it('maps disk and tape LUs one LUN up and lists what tgt cannot serve', async () => {
    expect(tgt.luns.map((l) => [l.name, l.type, l.target, l.lun, l.url])).toEqual([
      ['pat', 'disk', IQN, 1, `iscsi://${tgt.portal}/${IQN}/1`],
      ['plain', 'disk', IQN, 2, `iscsi://${tgt.portal}/${IQN}/2`],
      ['tape', 'tape', IQN, 3, `iscsi://${tgt.portal}/${IQN}/3`],
      ['acl-disk', 'disk', ACL_IQN, 1, `iscsi://${tgt.portal}/${ACL_IQN}/1`],
    ]);
    expect(tgt.skipped).toEqual([{ name: 'cm', type: 'processor', why: 'tgt has no copy manager LU' }]);
    await expect(startTgtFromConfig(config)).rejects.toThrow(/cm: tgt has no copy manager LU/);
  });

  it('disk LUs: INQUIRY, capacity, the pattern; CHAP is required', async () => {
    const pat = await openLu(withCred(tgt.luns[0].url));
    await drainUnitAttentions(pat);
    const inq = await runCommand(pat, { cdb: Buffer.from([0x12, 0, 0, 0, 36, 0]), dataInLength: 36 });
    expect(inq.dataIn[0] & 0x1f).toBe(0);
    const cap = await runCommand(pat, { cdb: Buffer.from('25000000000000000000', 'hex'), dataInLength: 8 });
    expect([cap.dataIn.readUInt32BE(0), cap.dataIn.readUInt32BE(4)]).toEqual([2047, 512]);
    const spec = patternVolumeSpec('tgtvol', 512, 2048n, 4096);
    for (const lba of [0, 760, 1600, 1925]) {
      const r = await runCommand(pat, { cdb: read16(lba, 32), dataInLength: 32 * 512 });
      expect(verifyPatternVolume(spec, BigInt(lba), r.dataIn)).toBeUndefined();
    }
    await pat.close();
    const plain = await openLu(withCred(tgt.luns[1].url));
    await drainUnitAttentions(plain);
    const cap2 = await runCommand(plain, {
      cdb: Buffer.from('25000000000000000000', 'hex'),
      dataInLength: 8,
    });
    expect([cap2.dataIn.readUInt32BE(0), cap2.dataIn.readUInt32BE(4)]).toEqual([511, 4096]);
    await plain.close();
    await expect(openLu(tgt.luns[0].url, { reconnectAttempts: 0 })).rejects.toThrow(
      /authentication failure \(status 0x0201\)/,
    );
  });

  it('the tape LU holds the configured cartridge: write, rewind, read back', async () => {
    const t = await openLu(withCred(tgt.luns[2].url));
    await drainUnitAttentions(t);
    const inq = await runCommand(t, { cdb: Buffer.from([0x12, 0, 0, 0, 36, 0]), dataInLength: 36 });
    expect(inq.dataIn[0] & 0x1f).toBe(1);
    for (let i = 0; i < 3; i++)
      await runCommand(t, { cdb: tapeWrite(8192), dataOut: streamBlock(i, 8192, 9) });
    await runCommand(t, { cdb: REWIND });
    for (let i = 0; i < 3; i++) {
      const r = await runCommand(t, { cdb: tapeRead(8192), dataInLength: 8192 });
      expect(r.dataIn.equals(streamBlock(i, 8192, 9))).toBe(true);
    }
    await t.close();
    expect(fs.existsSync(tgt.luns[2].backingStore)).toBe(true);
  });

  it('the ACL admits only the named initiator', async () => {
    const ok = await openLu(tgt.luns[3].url, { initiatorName: ALLOWED });
    await ok.close();
    await expect(
      openLu(tgt.luns[3].url, { initiatorName: 'iqn.2024-01.test.tgt-san:intruder', reconnectAttempts: 0 }),
    ).rejects.toThrow(/status 0x0203/); // tgt hides the target from initiators outside its ACL
  });
});
