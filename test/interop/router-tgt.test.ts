// End to end through the router mover (`xcopyctl mover serve`'s service) with tgt (tgtd) as a
// backend: the copy manager LU on our target copies between LUs of tgt and of our SAN over our
// iSCSI initiator.
//   (a) a tgt disk LU -> a tape LU on our SAN (TapeDevice on a fresh cartridge);
//   (b) a tgt disk LU -> a tgt tape LU (tgtimg cartridge);
// each with ONE EXTENDED COPY of 04h (inline header) + 00h (data) + 10h (filemark), the tape read
// back with plain READ(6) through our initiator, then a restore with 11h + 01h into another tgt disk
// LU compared byte for byte with the source. Then a tgt backend whose connection drops mid-copy:
// tgtadm's connection delete is a blip the initiator's reconnection absorbs; a killed tgtd is
// COPY ABORTED 0D/02 with the segment number, and exactly the counted bytes are on the tape.
// tgt missing: the suite FAILS when CI=true, is skipped with a message otherwise.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { open, readFile, truncate } from 'node:fs/promises';
import * as path from 'node:path';
import type { TapeDevice } from '../../emulator/devices/tape';
import { FaultInjectingLu } from '../../emulator/faults/fault-lu';
import type { IscsiTargetServer } from '../../emulator/iscsi/server';
import { setLogLevel } from '../../emulator/log';
import { parseRouterConfig, startRouterMover, type RunningRouter } from '../../emulator/router';
import { createTapeImage, Tgtd } from '../../emulator/tgt/harness';
import { IscsiTransport } from '../../targets/iscsi/initiator-transport';
import type { ScsiTransport } from '../../targets/transport';
import {
  blockToStream,
  clearUnitAttentions,
  copyAbortedOf,
  CopyManagerClient,
  e4,
  expectGood,
  inlineToStream,
  MiB,
  parameterList,
  readTapeBlock,
  readTapeFile,
  rewind,
  serveLus,
  spaceBlocks,
  streamToBlock,
  tapeDrive,
  tempDir,
  writeFilemarks,
} from '../integration/router-support';
import { describeWithTgt } from './tools';

const DISKS_IQN = 'iqn.2024-01.test.router-tgt:disks';
const TAPE_IQN = 'iqn.2024-01.test.router-tgt:tape';
const LOSS_IQN = 'iqn.2024-01.test.router-tgt:loss';
const SAN_IQN = 'iqn.2024-01.test.router-tgt:san';
const HOST = 'iqn.2024-01.test.router-tgt:backup-host';
const MOVER_CHAP = { user: 'mover', password: 'mover-secret-01' };
const TGT_MUTUAL = { user: 'tgtdisks', password: 'tgt-target-secret' };
const BLOCK = 512;
const STREAM_BLOCK = 65536;
const DATA_BYTES = 8 * MiB;
const LOSS_BYTES = 24 * MiB;

setLogLevel('error');

const suite = describeWithTgt('router-tgt interop tests');

/** tgt's NAA 6h designator of LUN `lun` of target `tid` (tgt derives it from both, spc.c). */
async function tgtNaa(t: ScsiTransport): Promise<string> {
  const r = await t.execute({ cdb: Buffer.from([0x12, 0x01, 0x83, 0x01, 0x00, 0x00]), dataInLength: 256 });
  expectGood(r, 'INQUIRY VPD 83h');
  const end = 4 + r.dataIn.readUInt16BE(2);
  let best = '';
  for (let off = 4; off + 4 <= end; off += 4 + r.dataIn[off + 3]) {
    const type = r.dataIn[off + 1] & 0x0f;
    const assoc = (r.dataIn[off + 1] >> 4) & 0x03;
    const d = r.dataIn.subarray(off + 4, off + 4 + r.dataIn[off + 3]);
    if (type === 3 && assoc === 0 && d.length * 2 >= best.length) best = d.toString('hex');
  }
  return best;
}

async function makeDisk(file: string, bytes: number, content?: Buffer): Promise<void> {
  const fh = await open(file, 'w');
  if (content !== undefined) await fh.write(content, 0, content.length, 0);
  await fh.close();
  await truncate(file, bytes);
}

suite('router mover with tgt backends', () => {
  let tgtd: Tgtd;
  let lossTgtd: Tgtd;
  let dir: string;
  let sanTape: TapeDevice;
  let sanTapeLu: FaultInjectingLu;
  let san: { server: IscsiTargetServer; portal: string };
  let router: RunningRouter;
  let cm: CopyManagerClient;
  const files: Record<string, string> = {};
  const naa: Record<string, string> = {};
  const data = randomBytes(DATA_BYTES);
  const lossData = randomBytes(LOSS_BYTES);
  const header = Buffer.concat([Buffer.from('XCOPY BACKUP HEADER: router mover e2e\n'), Buffer.alloc(474)]);

  beforeAll(async () => {
    tgtd = await Tgtd.start();
    lossTgtd = await Tgtd.start();
    dir = tempDir('router-tgt-');
    files.src = path.join(tgtd.workDir, 'src.img');
    files.restoreA = path.join(tgtd.workDir, 'restore-a.img');
    files.restoreB = path.join(tgtd.workDir, 'restore-b.img');
    files.tape = path.join(tgtd.workDir, 'tape.img');
    files.lossSrc = path.join(lossTgtd.workDir, 'loss-src.img');
    await makeDisk(files.src, 32 * MiB, data);
    await makeDisk(files.restoreA, 32 * MiB);
    await makeDisk(files.restoreB, 32 * MiB);
    await makeDisk(files.lossSrc, LOSS_BYTES, lossData);
    await createTapeImage(files.tape, { barcode: 'RTGT01', sizeMb: 64 });
    await tgtd.addTarget({
      tid: 1,
      iqn: DISKS_IQN,
      luns: [
        { lun: 1, backingStore: files.src },
        { lun: 2, backingStore: files.restoreA },
        { lun: 3, backingStore: files.restoreB },
      ],
      chap: [MOVER_CHAP],
      mutualChap: TGT_MUTUAL,
    });
    await tgtd.addTarget({
      tid: 2,
      iqn: TAPE_IQN,
      luns: [{ lun: 1, backingStore: files.tape, deviceType: 'tape' }],
    });
    // Another tgtd, another target id: tgt's designators depend on target id and LUN only.
    await lossTgtd.addTarget({ tid: 7, iqn: LOSS_IQN, luns: [{ lun: 1, backingStore: files.lossSrc }] });

    sanTape = tapeDrive(dir, 'router-tgt-tape', 256 * MiB);
    sanTapeLu = new FaultInjectingLu(sanTape);
    san = await serveLus(SAN_IQN, [sanTapeLu]);

    router = await startRouterMover(
      parseRouterConfig({
        portal: '127.0.0.1:0',
        acl: [HOST],
        mover: { pipeline: { maxBufferedBytes: 4 * MiB } },
        backends: [
          {
            name: 'tgt-disks',
            portal: tgtd.portal,
            targets: [DISKS_IQN],
            chap: { user: MOVER_CHAP.user, secret: MOVER_CHAP.password },
            mutualChap: { user: TGT_MUTUAL.user, secret: TGT_MUTUAL.password },
          },
          { name: 'tgt-tape', portal: tgtd.portal, targets: [TAPE_IQN] },
          { name: 'san', portal: san.portal },
          { name: 'tgt-loss', portal: lossTgtd.portal, reconnectAttempts: 2, reconnectDelayMs: 100 },
        ],
      }),
    );
    const byUrl = (backend: string, iqn: string, lun: number): string => {
      const found = router.ready.backends.find(
        (b) => b.backend === backend && b.url.endsWith(`/${iqn}/${lun}`),
      );
      if (found?.naa == null)
        throw new Error(`${iqn}/${lun} not discovered: ${JSON.stringify(router.ready)}`);
      return found.naa;
    };
    naa.src = byUrl('tgt-disks', DISKS_IQN, 1);
    naa.restoreA = byUrl('tgt-disks', DISKS_IQN, 2);
    naa.restoreB = byUrl('tgt-disks', DISKS_IQN, 3);
    naa.tgtTape = byUrl('tgt-tape', TAPE_IQN, 1);
    naa.sanTape = byUrl('san', SAN_IQN, 0);
    naa.lossSrc = byUrl('tgt-loss', LOSS_IQN, 1);
    cm = await CopyManagerClient.open(`iscsi://${router.ready.portal}/${router.ready.target}/0`, HOST);
  }, 120000);

  afterAll(async () => {
    await cm?.close();
    await router?.stop({ graceMs: 200 });
    await san?.server.close({ graceMs: 100 });
    await sanTape?.close();
    await tgtd?.stop();
    await lossTgtd?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }, 60000);

  it("discovers tgt LUs behind CHAP + mutual CHAP, skipping tgt's controller LUN 0", async () => {
    const tgtLus = router.ready.backends.filter((b) => b.backend.startsWith('tgt'));
    expect(
      tgtLus.map((b) => `${b.type} ${b.url.slice(b.url.lastIndexOf('/', b.url.lastIndexOf('/') - 1))}`),
    ).toEqual([
      `disk /${DISKS_IQN}/1`,
      `disk /${DISKS_IQN}/2`,
      `disk /${DISKS_IQN}/3`,
      `tape /${TAPE_IQN}/1`,
      `disk /${LOSS_IQN}/1`,
    ]);
    // The NAA in the ready line is the one tgt reports in VPD 83h (checked over a session of our own).
    const t = await IscsiTransport.open(
      `iscsi://${MOVER_CHAP.user}%${MOVER_CHAP.password}@${tgtd.portal}/${DISKS_IQN}/1?target_user=${TGT_MUTUAL.user}&target_password=${TGT_MUTUAL.password}`,
    );
    await clearUnitAttentions(t);
    expect(await tgtNaa(t)).toBe(naa.src);
    await t.close();
  });

  /** Back up with one EXTENDED COPY, read the tape back, restore, compare. */
  async function backupAndRestore(o: {
    id: number;
    tape: string;
    tapeReader: () => Promise<ScsiTransport>;
    restore: string;
    restoreFile: string;
  }): Promise<void> {
    const reader = await o.tapeReader();
    await rewind(reader);
    const blocks = DATA_BYTES / BLOCK;
    const backup = parameterList({
      listIdentifier: o.id,
      targets: [e4(naa.src, 0), e4(o.tape, 1)],
      segments: [
        inlineToStream(1, header.length, 0, header.length),
        blockToStream(0, 1, blocks, 0n, STREAM_BLOCK),
        writeFilemarks(1, 1),
      ],
      inline: header,
    });
    expectGood(await cm.extendedCopy(backup), 'EXTENDED COPY (backup)');
    expect(await cm.copyStatus(o.id)).toMatchObject({
      copyManagerStatus: 1,
      segmentsProcessed: 3,
      bytes: BigInt(header.length + DATA_BYTES),
    });

    // Plain READ(6) through our initiator: header block, data blocks, filemark, end of data.
    await rewind(reader);
    const headerBlock = await readTapeBlock(reader, STREAM_BLOCK);
    expect(headerBlock.data.equals(header)).toBe(true);
    const file = await readTapeFile(reader, STREAM_BLOCK);
    expect(file.end).toBe('filemark');
    expect(file.blocks.length).toBe(DATA_BYTES / STREAM_BLOCK);
    expect(Buffer.concat(file.blocks).equals(data)).toBe(true);
    expect((await readTapeBlock(reader, STREAM_BLOCK)).blankCheck).toBe(true);

    await rewind(reader);
    await reader.close();
    const restore = parameterList({
      listIdentifier: o.id + 1,
      targets: [e4(o.tape, 1), e4(o.restore, 0)],
      segments: [spaceBlocks(0, 1), streamToBlock(0, 1, blocks, 8n, STREAM_BLOCK)],
    });
    expectGood(await cm.extendedCopy(restore), 'EXTENDED COPY (restore)');
    const restored = await readFile(o.restoreFile);
    expect(restored.subarray(8 * BLOCK, 8 * BLOCK + DATA_BYTES).equals(data)).toBe(true);
    expect(restored.subarray(0, 8 * BLOCK).equals(Buffer.alloc(8 * BLOCK))).toBe(true);
  }

  it('(a) tgt disk -> tape LU on our SAN, read back with READ(6), restored into a tgt disk', async () => {
    await backupAndRestore({
      id: 10,
      tape: naa.sanTape,
      tapeReader: async () => {
        const t = await IscsiTransport.open(`iscsi://${san.portal}/${SAN_IQN}/0`, { initiatorName: HOST });
        await clearUnitAttentions(t);
        return t;
      },
      restore: naa.restoreA,
      restoreFile: files.restoreA,
    });
  }, 120000);

  it('(b) tgt disk -> tgt tape LU, read back with READ(6), restored into another tgt disk', async () => {
    await backupAndRestore({
      id: 20,
      tape: naa.tgtTape,
      tapeReader: async () => {
        const t = await IscsiTransport.open(`iscsi://${tgtd.portal}/${TAPE_IQN}/1`, { initiatorName: HOST });
        await clearUnitAttentions(t);
        return t;
      },
      restore: naa.restoreB,
      restoreFile: files.restoreB,
    });
  }, 120000);

  const lossList = (id: number): Buffer =>
    parameterList({
      listIdentifier: id,
      targets: [e4(naa.lossSrc, 0), e4(naa.sanTape, 1)],
      segments: [
        inlineToStream(1, header.length, 0, header.length),
        blockToStream(0, 1, LOSS_BYTES / BLOCK, 0n, STREAM_BLOCK),
        writeFilemarks(1, 1),
      ],
      inline: header,
    });

  async function sanTapeReader(): Promise<ScsiTransport> {
    const t = await IscsiTransport.open(`iscsi://${san.portal}/${SAN_IQN}/0`, { initiatorName: HOST });
    await clearUnitAttentions(t);
    return t;
  }

  /** Run the copy with slow tape writes; `fault` runs once `bytes` are counted. */
  async function copyWithFault(id: number, bytes: bigint, fault: () => Promise<void>) {
    const slow = sanTapeLu.addFault({ kind: 'delay', opcodes: [0x0a], ms: 4 });
    try {
      const pending = cm.extendedCopy(lossList(id));
      for (;;) {
        if ((await cm.copyStatus(id)).bytes >= bytes) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      await fault();
      return await pending;
    } finally {
      sanTapeLu.removeFault(slow);
    }
  }

  it('a dropped tgt connection (tgtadm conn delete) is absorbed: the session logs in again, READs are resent', async () => {
    const reader = await sanTapeReader();
    await rewind(reader);
    const r = await copyWithFault(30, BigInt(2 * MiB), async () => {
      const sessions = await lossTgtd.sessions(7);
      expect(sessions.length).toBe(1);
      await lossTgtd.dropConnection(7, sessions[0].sid, sessions[0].cid);
    });
    expectGood(r, 'EXTENDED COPY across a dropped tgt connection');
    await rewind(reader);
    expect((await readTapeBlock(reader, STREAM_BLOCK)).data.equals(header)).toBe(true);
    const file = await readTapeFile(reader, STREAM_BLOCK);
    expect(file.end).toBe('filemark');
    expect(Buffer.concat(file.blocks).equals(lossData)).toBe(true);
    await reader.close();
  }, 120000);

  it('a killed tgtd is COPY ABORTED 0D/02 at the data segment; every counted byte is on the tape', async () => {
    const reader = await sanTapeReader();
    await rewind(reader);
    const r = await copyWithFault(40, BigInt(2 * MiB), () => {
      process.kill(lossTgtd.pid ?? -1, 'SIGKILL');
      return Promise.resolve();
    });
    // The source gave no SCSI status (its connection is gone): no forwarded sense, segment 1.
    expect(copyAbortedOf(r)).toEqual({ kcq: '0a/0d/02', segment: 1 });
    const s = await cm.copyStatus(40);
    expect(s).toMatchObject({ copyManagerStatus: 2, segmentsProcessed: 1 });
    expect(s.bytes).toBeGreaterThanOrEqual(BigInt(2 * MiB));
    expect(s.bytes).toBeLessThan(BigInt(header.length + LOSS_BYTES));
    await rewind(reader);
    expect((await readTapeBlock(reader, STREAM_BLOCK)).data.equals(header)).toBe(true);
    const file = await readTapeFile(reader, STREAM_BLOCK);
    expect(file.end).toBe('eod');
    const onTape = Buffer.concat(file.blocks);
    expect(BigInt(header.length + onTape.length)).toBe(s.bytes);
    expect(onTape.equals(lossData.subarray(0, onTape.length))).toBe(true);
    await reader.close();
  }, 120000);
});
