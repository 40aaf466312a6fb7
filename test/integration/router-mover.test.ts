// The router mover against backends served by our own iSCSI target (no tgt needed): discovery of
// LUs behind CHAP and mutual CHAP, the ready line, a disk -> tape backup (04h header, 00h data, 10h
// filemark) and the restore (11h, 01h) through the copy manager LU, the front end's ACL, each
// backend's `allow` list, unreachable backends, and a backend whose connection drops mid-copy:
// a blip is absorbed by the initiator's reconnection, a backend that stays away is COPY ABORTED
// 0D/02 with the segment number and a transfer count that is exactly what reached the tape.
import fs from 'node:fs';
import { encodeRead16, encodeWrite16 } from '../../cdb/sbc/read-write16';
import { createRamDisk, type DiskDevice } from '../../emulator/devices/disk';
import type { TapeDevice } from '../../emulator/devices/tape';
import { FaultInjectingLu } from '../../emulator/faults/fault-lu';
import type { IscsiTargetServer } from '../../emulator/iscsi/server';
import { setLogLevel } from '../../emulator/log';
import { parseRouterConfig, startRouterMover, type RunningRouter } from '../../emulator/router';
import { InProcessTransport } from '../../targets/inprocess-transport';
import { LoginError } from '../../targets/iscsi/login';
import { IscsiTransport } from '../../targets/iscsi/initiator-transport';
import {
  blockToBlock,
  blockToStream,
  clearUnitAttentions,
  copyAbortedOf,
  CopyManagerClient,
  e4,
  expectGood,
  inlineToStream,
  MiB,
  parameterList,
  pattern,
  readTapeBlock,
  readTapeFile,
  rewind,
  serveLus,
  spaceBlocks,
  streamToBlock,
  tapeDrive,
  TcpProxy,
  tempDir,
  writeFilemarks,
} from './router-support';

const BACKUP = 'iqn.2024-01.test.router:backup';
const OTHER = 'iqn.2024-01.test.router:other';
const STRANGER = 'iqn.2024-01.test.router:stranger';
const MOVER_TARGET = 'iqn.2024-01.test.router:mover';
const DISKS = 'iqn.2024-01.test.router:disks';
const TAPES = 'iqn.2024-01.test.router:tapes';
const DISK_CHAP = { user: 'mover', secret: 'mover-secret-01' };
const DISK_MUTUAL = { user: 'disks', secret: 'disks-target-secret' };
const BLOCK = 512;
const STREAM_BLOCK = 65536;

setLogLevel('error');

const nexusOf = (n: string): InProcessTransport['nexus'] => ({
  initiatorPort: `${n},i,0x00023d000001`,
  initiatorName: n,
  targetPort: 'iqn.2024-01.test.router:local,t,0x0001',
  relativeTargetPort: 1,
});

async function writeDisk(lu: DiskDevice, lba: bigint, data: Buffer): Promise<void> {
  const t = new InProcessTransport(lu, { nexus: nexusOf('iqn.2024-01.test.router:writer') });
  await clearUnitAttentions(t);
  for (let off = 0; off < data.length; off += MiB) {
    const piece = data.subarray(off, Math.min(data.length, off + MiB));
    const cdb = encodeWrite16({
      wrprotect: 0,
      dpo: false,
      fua: false,
      logicalBlockAddress: lba + BigInt(off / BLOCK),
      transferLength: piece.length / BLOCK,
      groupNumber: 0,
      control: 0,
    });
    expectGood(await t.execute({ cdb, dataOut: piece }), 'WRITE(16)');
  }
  await t.close();
}

async function readDisk(lu: DiskDevice, lba: bigint, blocks: number): Promise<Buffer> {
  const t = new InProcessTransport(lu, { nexus: nexusOf('iqn.2024-01.test.router:reader') });
  await clearUnitAttentions(t);
  const cdb = encodeRead16({
    rdprotect: 0,
    dpo: false,
    fua: false,
    rarc: false,
    logicalBlockAddress: lba,
    transferLength: blocks,
    groupNumber: 0,
    control: 0,
  });
  const r = await t.execute({ cdb, dataInLength: blocks * BLOCK });
  expectGood(r, 'READ(16)');
  await t.close();
  return r.dataIn;
}

/** A transport to the tape LU in this process (its own I_T nexus). */
async function tapeTransport(lu: TapeDevice | FaultInjectingLu, who: string): Promise<InProcessTransport> {
  const t = new InProcessTransport(lu, { nexus: nexusOf(`iqn.2024-01.test.router:${who}`) });
  await clearUnitAttentions(t);
  return t;
}

describe('router mover over our own iSCSI targets', () => {
  let dir: string;
  let src: DiskDevice;
  let restore: DiskDevice;
  let tape: TapeDevice;
  let disks: { server: IscsiTargetServer; portal: string };
  let tapes: { server: IscsiTargetServer; portal: string };
  let router: RunningRouter;
  const data = pattern(4 * MiB, 1);
  const header = Buffer.concat([Buffer.from('XCOPY-BACKUP-HEADER v1 router test\n'), Buffer.alloc(512 - 35)]);
  const url = (): string => `iscsi://${router.ready.portal}/${MOVER_TARGET}/0`;
  const naa = (lu: { identity: { naa: Buffer } }): string => lu.identity.naa.toString('hex');

  beforeAll(async () => {
    dir = tempDir('router-mover-');
    src = createRamDisk({ identity: { id: 'router-src' }, sizeBytes: 8 * MiB });
    restore = createRamDisk({ identity: { id: 'router-restore' }, sizeBytes: 8 * MiB });
    await writeDisk(src, 0n, data);
    disks = await serveLus(DISKS, [src, restore], { chap: { users: [DISK_CHAP], mutual: DISK_MUTUAL } });
    tape = tapeDrive(dir, 'router-tape0');
    tapes = await serveLus(TAPES, [tape]);
    router = await startRouterMover(
      parseRouterConfig({
        portal: '127.0.0.1:0',
        target: MOVER_TARGET,
        acl: [BACKUP, OTHER],
        backends: [
          { name: 'disks', portal: disks.portal, chap: DISK_CHAP, mutualChap: DISK_MUTUAL },
          { name: 'tapes', portal: tapes.portal, targets: [TAPES], allow: [BACKUP] },
        ],
      }),
    );
  });

  afterAll(async () => {
    await router?.stop({ graceMs: 200 });
    await disks?.server.close({ graceMs: 100 });
    await tapes?.server.close({ graceMs: 100 });
    await tape?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists the backend LUs it discovered (REPORT LUNS, INQUIRY, VPD 83h) in the ready line', () => {
    const r = router.ready;
    expect(r.portal).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(r.target).toBe(MOVER_TARGET);
    expect(r.luns).toEqual([
      { lun: 0, type: 'processor', naa: router.copyManagerLu.identity.naa.toString('hex') },
    ]);
    expect(r.unreachable).toBeUndefined();
    expect(r.backends).toEqual([
      { url: `iscsi://${disks.portal}/${DISKS}/0`, naa: naa(src), type: 'disk', backend: 'disks' },
      { url: `iscsi://${disks.portal}/${DISKS}/1`, naa: naa(restore), type: 'disk', backend: 'disks' },
      { url: `iscsi://${tapes.portal}/${TAPES}/0`, naa: naa(tape), type: 'tape', backend: 'tapes' },
    ]);
    expect(r.unreachable).toBeUndefined();
    const lus = router.directory.list();
    expect(lus[0]).toMatchObject({ blockLength: 512, blocks: BigInt((8 * MiB) / 512), vendor: 'XCOPYEMU' });
    expect(lus[2].blockLimits?.maximumBlockLength).toBeGreaterThanOrEqual(STREAM_BLOCK);
  });

  it('backs a disk up to a tape on another target with one EXTENDED COPY, and restores it', async () => {
    const cm = await CopyManagerClient.open(url(), BACKUP);
    try {
      const blocks = data.length / BLOCK;
      const backup = parameterList({
        listIdentifier: 1,
        targets: [e4(naa(src), 0), e4(naa(tape), 1)],
        segments: [
          inlineToStream(1, header.length, 0, header.length),
          blockToStream(0, 1, blocks, 0n, STREAM_BLOCK),
          writeFilemarks(1, 1),
        ],
        inline: header,
      });
      expectGood(await cm.extendedCopy(backup), 'EXTENDED COPY (backup)');
      expect(await cm.copyStatus(1)).toMatchObject({
        copyManagerStatus: 1,
        segmentsProcessed: 3,
        bytes: BigInt(header.length + data.length),
      });

      // The tape read with plain READ(6): header block, data blocks, filemark, end of data.
      const t = await tapeTransport(tape, 'tape-reader');
      await rewind(t);
      const first = await readTapeFile(t, STREAM_BLOCK);
      expect(first.end).toBe('filemark');
      expect(first.blocks[0].equals(header)).toBe(true);
      expect(first.blocks.slice(1).map((b) => b.length)).toEqual(
        new Array(data.length / STREAM_BLOCK).fill(STREAM_BLOCK),
      );
      expect(Buffer.concat(first.blocks.slice(1)).equals(data)).toBe(true);
      expect((await readTapeBlock(t, STREAM_BLOCK)).blankCheck).toBe(true);

      // Restore: past the header block (11h), then the data file into the other disk (01h).
      await rewind(t);
      await t.close();
      const restoreList = parameterList({
        listIdentifier: 2,
        targets: [e4(naa(tape), 1), e4(naa(restore), 0)],
        segments: [spaceBlocks(0, 1), streamToBlock(0, 1, blocks, 16n, STREAM_BLOCK)],
      });
      expectGood(await cm.extendedCopy(restoreList), 'EXTENDED COPY (restore)');
      expect((await readDisk(restore, 16n, blocks)).equals(data)).toBe(true);
      expect(await cm.copyStatus(2)).toMatchObject({ segmentsProcessed: 2, bytes: BigInt(data.length) });
    } finally {
      await cm.close();
    }
  });

  it('a backend `allow` list keeps other initiators away from its LUs (08/04), the others still work', async () => {
    const cm = await CopyManagerClient.open(url(), OTHER);
    try {
      const toTape = parameterList({
        listIdentifier: 3,
        targets: [e4(naa(src), 0), e4(naa(tape), 1)],
        segments: [blockToStream(0, 1, 8, 0n, 4096)],
      });
      const denied = copyAbortedOf(await cm.extendedCopy(toTape));
      expect(denied).toEqual({ kcq: '0a/08/04', segment: 0 });
      const diskToDisk = parameterList({
        listIdentifier: 4,
        targets: [e4(naa(src), 0), e4(naa(restore), 0)],
        segments: [blockToBlock(0, 1, 64, 100n, 9000n)],
      });
      expectGood(await cm.extendedCopy(diskToDisk), 'EXTENDED COPY (disk to disk)');
      expect((await readDisk(restore, 9000n, 64)).equals(data.subarray(100 * BLOCK, 164 * BLOCK))).toBe(true);
    } finally {
      await cm.close();
    }
  });

  it('an LU no backend has is UNREACHABLE COPY TARGET', async () => {
    const cm = await CopyManagerClient.open(url(), BACKUP);
    try {
      const r = await cm.extendedCopy(
        parameterList({
          listIdentifier: 5,
          targets: [e4('60' + 'ab'.repeat(15), 0), e4(naa(restore), 0)],
          segments: [blockToBlock(0, 1, 1, 0n, 0n)],
        }),
      );
      expect(copyAbortedOf(r)).toEqual({ kcq: '0a/08/04', segment: 0 });
    } finally {
      await cm.close();
    }
  });

  it('the front end admits only the initiators of its ACL', async () => {
    await expect(IscsiTransport.open(url(), { initiatorName: STRANGER })).rejects.toBeInstanceOf(LoginError);
  });

  it('front-end CHAP: the CHAP identity is what a backend `allow` entry "chap:<user>" admits', async () => {
    const chapped = await startRouterMover(
      parseRouterConfig({
        portal: '127.0.0.1:0',
        chap: {
          users: [
            { user: 'backup', secret: 'backup-secret-1' },
            { user: 'guest', secret: 'guest-secret-1' },
          ],
        },
        backends: [
          { name: 'disks', portal: disks.portal, targets: [DISKS], chap: DISK_CHAP },
          { name: 'tapes', portal: tapes.portal, allow: ['chap:backup'] },
        ],
      }),
    );
    const base = `iscsi://${chapped.ready.portal}/iqn.2024-01.io.xcopy:mover/0`;
    const withUser = (u: string, s: string): string => base.replace('iscsi://', `iscsi://${u}%${s}@`);
    try {
      await expect(IscsiTransport.open(base, { initiatorName: STRANGER })).rejects.toBeInstanceOf(LoginError);
      const list = (id: number): Buffer =>
        parameterList({
          listIdentifier: id,
          targets: [e4(naa(src), 0), e4(naa(tape), 1)],
          segments: [blockToStream(0, 1, 16, 0n, 8192)],
        });
      const guest = await CopyManagerClient.open(withUser('guest', 'guest-secret-1'), STRANGER);
      expect(copyAbortedOf(await guest.extendedCopy(list(1)))).toEqual({ kcq: '0a/08/04', segment: 0 });
      await guest.close();
      const backup = await CopyManagerClient.open(withUser('backup', 'backup-secret-1'), STRANGER);
      const t = await tapeTransport(tape, 'chap-reader');
      await rewind(t);
      expectGood(await backup.extendedCopy(list(2)), 'EXTENDED COPY as chap:backup');
      await rewind(t);
      const file = await readTapeFile(t, 8192);
      expect(file.end).toBe('eod');
      expect(Buffer.concat(file.blocks).equals(data.subarray(0, 16 * BLOCK))).toBe(true);
      await rewind(t);
      await t.close();
      await backup.close();
    } finally {
      await chapped.stop({ graceMs: 100 });
    }
  });

  it('reports backends whose CHAP fails as unreachable, and a bad mutual CHAP secret too', async () => {
    const wrong = await startRouterMover(
      parseRouterConfig({
        portal: '127.0.0.1:0',
        backends: [
          { name: 'bad-secret', portal: disks.portal, chap: { user: 'mover', secret: 'not-the-secret' } },
          {
            name: 'bad-mutual',
            portal: disks.portal,
            chap: DISK_CHAP,
            mutualChap: { user: 'disks', secret: 'an-impostor-secret' },
          },
          { name: 'tapes', portal: tapes.portal },
        ],
      }),
    );
    try {
      expect(wrong.ready.backends.map((b) => b.backend)).toEqual(['tapes']);
      expect(wrong.ready.unreachable?.map((u) => u.name)).toEqual(['bad-secret', 'bad-mutual']);
    } finally {
      await wrong.stop({ graceMs: 100 });
    }
  });
});

describe('router mover: a backend connection lost during a copy', () => {
  let dir: string;
  let src: DiskDevice;
  let tape: TapeDevice;
  let slowTape: FaultInjectingLu;
  let disks: { server: IscsiTargetServer; port: number };
  let tapes: { server: IscsiTargetServer; portal: string };
  let proxy: TcpProxy;
  let router: RunningRouter;
  const data = pattern(24 * MiB, 7);
  const header = Buffer.alloc(512, 0x48);

  beforeAll(async () => {
    dir = tempDir('router-loss-');
    src = createRamDisk({ identity: { id: 'loss-src' }, sizeBytes: data.length });
    await writeDisk(src, 0n, data);
    disks = await serveLus(DISKS, [src]);
    proxy = await TcpProxy.start(disks.port);
    tape = tapeDrive(dir, 'loss-tape');
    // Each WRITE(6) takes a few ms: the copy is still running when the test pulls the plug.
    slowTape = new FaultInjectingLu(tape, [{ kind: 'delay', opcodes: [0x0a], ms: 4 }]);
    tapes = await serveLus(TAPES, [slowTape]);
    router = await startRouterMover(
      parseRouterConfig({
        portal: '127.0.0.1:0',
        mover: { pipeline: { maxBufferedBytes: 4 * MiB } },
        backends: [
          { name: 'disks', portal: `127.0.0.1:${proxy.port}`, reconnectAttempts: 2, reconnectDelayMs: 50 },
          { name: 'tapes', portal: tapes.portal },
        ],
      }),
    );
  });

  afterAll(async () => {
    await router?.stop({ graceMs: 100 });
    await disks?.server.close({ graceMs: 100 });
    await tapes?.server.close({ graceMs: 100 });
    await tape?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const url = (): string => `iscsi://${router.ready.portal}/iqn.2024-01.io.xcopy:mover/0`;
  const backupList = (id: number): Buffer =>
    parameterList({
      listIdentifier: id,
      targets: [e4(src.identity.naa.toString('hex'), 0), e4(tape.identity.naa.toString('hex'), 1)],
      segments: [
        inlineToStream(1, header.length, 0, header.length),
        blockToStream(0, 1, data.length / BLOCK, 0n, STREAM_BLOCK),
        writeFilemarks(1, 1),
      ],
      inline: header,
    });

  /** Start a copy, wait until `bytes` are counted, run `fault`, return the EXTENDED COPY result. */
  async function copyWithFault(
    cm: CopyManagerClient,
    id: number,
    bytes: bigint,
    fault: () => void | Promise<void>,
  ) {
    const pending = cm.extendedCopy(backupList(id));
    for (;;) {
      const s = await cm.copyStatus(id);
      if (s.bytes >= bytes) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await fault();
    return pending;
  }

  it('a short connection blip is absorbed: disk READs are sent again after the session reconnects', async () => {
    const cm = await CopyManagerClient.open(url(), BACKUP);
    try {
      const t = await tapeTransport(tape, 'blip-reader');
      await rewind(t);
      const before = proxy.accepted;
      const r = await copyWithFault(cm, 1, BigInt(2 * MiB), () => proxy.drop());
      expectGood(r, 'EXTENDED COPY across a connection blip');
      // The mover's session to the disk backend logged in again through the proxy.
      expect(proxy.accepted).toBeGreaterThan(before);
      await rewind(t);
      const file = await readTapeFile(t, STREAM_BLOCK);
      expect(file.end).toBe('filemark');
      expect(file.blocks[0].equals(header)).toBe(true);
      expect(Buffer.concat(file.blocks.slice(1)).equals(data)).toBe(true);
      await rewind(t);
      await t.close();
    } finally {
      await cm.close();
    }
  });

  it('a backend that stays away is COPY ABORTED 0D/02 at the data segment; what is counted is on the tape', async () => {
    const cm = await CopyManagerClient.open(url(), BACKUP);
    try {
      const r = await copyWithFault(cm, 2, BigInt(2 * MiB), () => proxy.cut());
      // No SCSI status came back from the source: nothing to forward, just the segment number.
      expect(copyAbortedOf(r)).toEqual({ kcq: '0a/0d/02', segment: 1 });
      const s = await cm.copyStatus(2);
      expect(s).toMatchObject({ copyManagerStatus: 2, segmentsProcessed: 1 });
      expect(s.bytes).toBeGreaterThanOrEqual(BigInt(2 * MiB));
      expect(s.bytes).toBeLessThan(BigInt(header.length + data.length));

      const t = await tapeTransport(tape, 'loss-reader');
      await rewind(t);
      const file = await readTapeFile(t, STREAM_BLOCK);
      // The 10h segment never ran: the data file ends at end of data, without a filemark.
      expect(file.end).toBe('eod');
      expect(file.blocks[0].equals(header)).toBe(true);
      const onTape = Buffer.concat(file.blocks.slice(1));
      expect(BigInt(header.length + onTape.length)).toBe(s.bytes);
      expect(onTape.equals(data.subarray(0, onTape.length))).toBe(true);
      await t.close();
    } finally {
      await cm.close();
    }
  });
});
