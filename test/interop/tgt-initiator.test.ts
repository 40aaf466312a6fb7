// The iSCSI initiator against tgt (Linux SCSI target framework) started privately by the test:
// discovery, plain/CHAP/mutual-CHAP login, digests, disk I/O compared with the backing file, tape
// round trip on a tgtimg cartridge, queue depth, task management and reconnection.
import { randomBytes } from 'node:crypto';
import { open, readFile, truncate } from 'node:fs/promises';
import * as path from 'node:path';
import { encodeRead16, encodeWrite16 } from '../../cdb/sbc/read-write16';
import { decodeReadCapacity16Data, encodeReadCapacity16 } from '../../cdb/sbc/read-capacity16';
import { decodeStandardInquiry, encodeInquiryCdb } from '../../cdb/spc/inquiry';
import { decodeSense, isFixedSense } from '../../cdb/spc/sense';
import { encodeRead6 } from '../../cdb/ssc/read6';
import { encodeRewind } from '../../cdb/ssc/rewind';
import { encodeWrite6 } from '../../cdb/ssc/write6';
import { encodeWriteFilemarks6 } from '../../cdb/ssc/write-filemarks6';
import { createTapeImage, Tgtd } from '../../emulator/tgt/harness';
import { IscsiTransport } from '../../targets/iscsi/initiator-transport';
import { LoginError } from '../../targets/iscsi/login';
import { discoverTargets, IscsiSession } from '../../targets/iscsi/session';
import { TransportError, type ScsiResult, type ScsiTransport } from '../../targets/transport';
import { describeWithTgt } from './tools';

const DISK_IQN = 'iqn.2024-01.dev.xcopy-backup:tgt-disk';
const TAPE_IQN = 'iqn.2024-01.dev.xcopy-backup:tgt-tape';
const CHAP_IQN = 'iqn.2024-01.dev.xcopy-backup:tgt-chap';
const MUTUAL_IQN = 'iqn.2024-01.dev.xcopy-backup:tgt-mutual';
const DISK_BYTES = 32 * 1024 * 1024;
const BLOCK = 512;

const suite = describeWithTgt('tgt-initiator interop tests');

function read16(lba: number, blocks: number): Buffer {
  return encodeRead16({
    rdprotect: 0,
    dpo: false,
    fua: false,
    rarc: false,
    logicalBlockAddress: BigInt(lba),
    transferLength: blocks,
    groupNumber: 0,
    control: 0,
  });
}

function write16(lba: number, blocks: number): Buffer {
  return encodeWrite16({
    wrprotect: 0,
    dpo: false,
    fua: false,
    logicalBlockAddress: BigInt(lba),
    transferLength: blocks,
    groupNumber: 0,
    control: 0,
  });
}

/** Repeat TEST UNIT READY until the power-on/reset unit attentions are consumed. */
async function clearUnitAttention(t: ScsiTransport): Promise<void> {
  for (let i = 0; i < 5; i++) {
    const r = await t.execute({ cdb: Buffer.from([0, 0, 0, 0, 0, 0]) });
    if (r.status === 0) return;
  }
  throw new Error('unit attention did not clear');
}

function expectGood(r: ScsiResult): void {
  if (r.status !== 0) throw new Error(`status 0x${r.status.toString(16)} sense ${r.sense.toString('hex')}`);
}

suite('iSCSI initiator against tgt', () => {
  let tgtd: Tgtd;
  let diskFile: string;
  let tapeFile: string;
  const pattern = randomBytes(64 * 1024);

  beforeAll(async () => {
    tgtd = await Tgtd.start();
    diskFile = path.join(tgtd.workDir, 'disk.img');
    tapeFile = path.join(tgtd.workDir, 'tape.img');
    await truncate(diskFile, 0).catch(async () => (await open(diskFile, 'w')).close());
    await truncate(diskFile, DISK_BYTES);
    // Known bytes at LBA 1000 to read back through iSCSI.
    const fh = await open(diskFile, 'r+');
    await fh.write(pattern, 0, pattern.length, 1000 * BLOCK);
    await fh.close();
    await createTapeImage(tapeFile, { barcode: 'TAPE01', sizeMb: 64 });
    await tgtd.addTarget({ tid: 1, iqn: DISK_IQN, luns: [{ lun: 1, backingStore: diskFile }] });
    await tgtd.addTarget({
      tid: 2,
      iqn: TAPE_IQN,
      luns: [{ lun: 1, backingStore: tapeFile, deviceType: 'tape' }],
    });
    await tgtd.addTarget({
      tid: 3,
      iqn: CHAP_IQN,
      luns: [{ lun: 1, backingStore: diskFile }],
      chap: [{ user: 'alice', password: 'alice-secret-1' }],
    });
    await tgtd.addTarget({
      tid: 4,
      iqn: MUTUAL_IQN,
      luns: [{ lun: 1, backingStore: diskFile }],
      chap: [{ user: 'bob', password: 'bob-secret-123' }],
      mutualChap: { user: 'tgtuser', password: 'target-secret-9' },
    });
  }, 60000);

  afterAll(async () => {
    await tgtd?.stop();
  }, 60000);

  const url = (iqn: string, lun = 1, cred = ''): string => `iscsi://${cred}${tgtd.portal}/${iqn}/${lun}`;

  /** Wait until tgt lists exactly `n` sessions of an initiator on target 1. */
  async function waitSessions(initiator: string, n: number): Promise<void> {
    let seen = -1;
    for (let i = 0; i < 100; i++) {
      seen = (await tgtd.sessions(1)).filter((x) => x.initiator === initiator).length;
      if (seen === n) return;
      await new Promise((r) => setTimeout(r, 30));
    }
    throw new Error(`${initiator}: ${seen} sessions on tgt, expected ${n}`);
  }

  it('discovers the targets with SendTargets', async () => {
    const found = await discoverTargets({ host: '127.0.0.1', port: tgtd.portalPort });
    const names = found.map((t) => t.targetName).sort();
    expect(names).toEqual([CHAP_IQN, DISK_IQN, MUTUAL_IQN, TAPE_IQN].sort());
    const disk = found.find((t) => t.targetName === DISK_IQN);
    expect(disk?.portals).toEqual([{ host: '127.0.0.1', port: tgtd.portalPort, tpgt: 1 }]);
  });

  it('logs in without authentication and runs INQUIRY / READ CAPACITY(16) / READ(16) / WRITE(16)', async () => {
    const t = await IscsiTransport.open(url(DISK_IQN));
    try {
      expect(t.deviceType).toBe(0);
      expect(t.session.tsih).toBeGreaterThan(0);
      expect(t.session.targetPortalGroupTag).toBe(1);
      await clearUnitAttention(t);

      const inq = await t.execute({
        cdb: encodeInquiryCdb({ evpd: false, pageCode: 0, allocationLength: 96, control: 0 }),
        dataInLength: 96,
      });
      expectGood(inq);
      const std = decodeStandardInquiry(inq.dataIn);
      expect(std.peripheralDeviceType).toBe(0);
      expect(std.t10VendorIdentification).toBe('IET');

      const cap = await t.execute({
        cdb: encodeReadCapacity16({ logicalBlockAddress: 0n, allocationLength: 32, pmi: false, control: 0 }),
        dataInLength: 32,
      });
      expectGood(cap);
      const c = decodeReadCapacity16Data(cap.dataIn);
      expect(c.logicalBlockLengthInBytes).toBe(BLOCK);
      expect(c.returnedLogicalBlockAddress).toBe(BigInt(DISK_BYTES / BLOCK - 1));

      // READ(16) of the pattern written into the backing file (larger than MaxRecvDataSegmentLength).
      const r = await t.execute({ cdb: read16(1000, pattern.length / BLOCK), dataInLength: pattern.length });
      expectGood(r);
      expect(r.residual).toBe(0);
      expect(r.dataIn.equals(pattern)).toBe(true);

      // WRITE(16) of 1 MiB: immediate data, unsolicited Data-Out and R2T-solicited Data-Out.
      const data = randomBytes(1024 * 1024);
      const w = await t.execute({ cdb: write16(4096, data.length / BLOCK), dataOut: data });
      expectGood(w);
      const file = await readFile(diskFile);
      expect(file.subarray(4096 * BLOCK, 4096 * BLOCK + data.length).equals(data)).toBe(true);
      const back = await t.execute({ cdb: read16(4096, data.length / BLOCK), dataInLength: data.length });
      expect(back.dataIn.equals(data)).toBe(true);

      // Allocation length larger than the transfer: underflow residual.
      const short = await t.execute({ cdb: read16(1000, 1), dataInLength: 4096 });
      expectGood(short);
      expect(short.dataIn.equals(pattern.subarray(0, BLOCK))).toBe(true);
      expect(short.residual).toBe(4096 - BLOCK);

      // A read past the end of the LU: CHECK CONDITION, ILLEGAL REQUEST / LBA OUT OF RANGE (21/00).
      const bad = await t.execute({ cdb: read16(DISK_BYTES / BLOCK, 1), dataInLength: BLOCK });
      expect(bad.status).toBe(2);
      const sense = decodeSense(bad.sense);
      expect(sense.senseKey).toBe(5);
      expect(sense.asc).toBe(0x21);
    } finally {
      await t.close();
    }
  });

  it('fails login when the target answers a digest that was not offered', async () => {
    // tgt answers HeaderDigest=None to an offer of CRC32C alone unless the target is configured for it.
    const e = await IscsiSession.open({
      host: '127.0.0.1',
      port: tgtd.portalPort,
      targetName: TAPE_IQN,
      settings: { headerDigest: ['CRC32C'] },
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(LoginError);
    expect((e as Error).message).toMatch(/HeaderDigest/);
  });

  it('negotiates header and data digests (CRC32C) and moves data with them', async () => {
    await tgtd.setTargetParam(1, 'HeaderDigest', 'CRC32C,None');
    await tgtd.setTargetParam(1, 'DataDigest', 'CRC32C,None');
    const s = await IscsiSession.open({
      host: '127.0.0.1',
      port: tgtd.portalPort,
      targetName: DISK_IQN,
      settings: { headerDigest: ['CRC32C', 'None'], dataDigest: ['CRC32C', 'None'] },
    });
    try {
      expect(s.params.headerDigest).toBe('CRC32C');
      expect(s.params.dataDigest).toBe('CRC32C');
      const data = randomBytes(300 * 1024);
      for (let i = 0; i < 3; i++) await s.execute(1, { cdb: Buffer.from([0, 0, 0, 0, 0, 0]) });
      expectGood(await s.execute(1, { cdb: write16(8192, data.length / BLOCK), dataOut: data }));
      const r = await s.execute(1, { cdb: read16(8192, data.length / BLOCK), dataInLength: data.length });
      expect(r.dataIn.equals(data)).toBe(true);
      expect(await s.ping()).toBeGreaterThanOrEqual(0);
    } finally {
      await s.close();
    }
  });

  it('keeps many commands outstanding, queueing beyond the queue depth', async () => {
    const s = await IscsiSession.open({
      host: '127.0.0.1',
      port: tgtd.portalPort,
      targetName: DISK_IQN,
      queueDepth: 4,
    });
    try {
      await clearUnitAttention(await IscsiTransport.forLun(s, 1));
      const chunk = 64 * 1024;
      const blocks = chunk / BLOCK;
      const datas = Array.from({ length: 24 }, () => randomBytes(chunk));
      const writes = datas.map((d, i) =>
        s.execute(1, { cdb: write16(16384 + i * blocks, blocks), dataOut: d }),
      );
      expect(s.outstanding.inFlight).toBeLessThanOrEqual(4);
      expect(s.outstanding.queued).toBeGreaterThan(0);
      for (const w of await Promise.all(writes)) expectGood(w);
      const reads = await Promise.all(
        datas.map((_, i) => s.execute(1, { cdb: read16(16384 + i * blocks, blocks), dataInLength: chunk })),
      );
      reads.forEach((r, i) => expect(r.dataIn.equals(datas[i])).toBe(true));
    } finally {
      await s.close();
    }
  });

  it('runs a tape round trip: REWIND, WRITE(6), WRITE FILEMARKS, READ(6) with filemark and ILI sense', async () => {
    const t = await IscsiTransport.open(url(TAPE_IQN), { nopIntervalMs: 1000 });
    try {
      expect(t.deviceType).toBe(1);
      await clearUnitAttention(t);
      expectGood(await t.execute({ cdb: encodeRewind({ immed: false, control: 0 }) }));
      const blocks = [randomBytes(1000), randomBytes(32768), randomBytes(7)];
      for (const b of blocks) {
        expectGood(
          await t.execute({
            cdb: encodeWrite6({ fixed: false, transferLength: b.length, control: 0 }),
            dataOut: b,
          }),
        );
      }
      expectGood(
        await t.execute({
          cdb: encodeWriteFilemarks6({ wsmk: false, immed: false, filemarkCount: 1, control: 0 }),
        }),
      );
      expectGood(await t.execute({ cdb: encodeRewind({ immed: false, control: 0 }) }));
      for (const b of blocks) {
        const r = await t.execute({
          cdb: encodeRead6({ sili: false, fixed: false, transferLength: b.length, control: 0 }),
          dataInLength: b.length,
        });
        expectGood(r);
        expect(r.dataIn.equals(b)).toBe(true);
      }
      // Next READ hits the filemark: CHECK CONDITION, NO SENSE, FILEMARK, 00/01.
      const fm = await t.execute({
        cdb: encodeRead6({ sili: false, fixed: false, transferLength: 1000, control: 0 }),
        dataInLength: 1000,
      });
      expect(fm.status).toBe(2);
      const fmSense = decodeSense(fm.sense);
      expect(fmSense.filemark).toBe(true);
      expect(fmSense.asc).toBe(0);
      expect(fmSense.ascq).toBe(1);

      // A READ longer than the block: data and ILI sense in one response, residual = difference.
      expectGood(await t.execute({ cdb: encodeRewind({ immed: false, control: 0 }) }));
      const long = await t.execute({
        cdb: encodeRead6({ sili: false, fixed: false, transferLength: 4000, control: 0 }),
        dataInLength: 4000,
      });
      expect(long.status).toBe(2);
      expect(long.dataIn.subarray(0, blocks[0].length).equals(blocks[0])).toBe(true);
      const ili = decodeSense(long.sense);
      expect(ili.ili).toBe(true);
      // SSC-4 4.2.23: INFORMATION = requested - actual block length. (tgt 1.0.85 reports the
      // block length as the iSCSI residual and sends 3000 bytes, so only the sense is exact.)
      expect(isFixedSense(ili) ? ili.information : undefined).toBe(3000n);
      expect(long.residual).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });

  it('logs in with CHAP and refuses a wrong secret with status 0201h', async () => {
    const t = await IscsiTransport.open(url(CHAP_IQN, 1, 'alice%alice-secret-1@'));
    try {
      await clearUnitAttention(t);
      const r = await t.execute({ cdb: read16(1000, 8), dataInLength: 8 * BLOCK });
      expect(r.dataIn.equals(pattern.subarray(0, 8 * BLOCK))).toBe(true);
    } finally {
      await t.close();
    }
    const e = await IscsiTransport.open(url(CHAP_IQN, 1, 'alice%wrong-secret-9@')).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(LoginError);
    expect((e as LoginError).status).toBe(0x0201);
    const none = await IscsiTransport.open(url(CHAP_IQN)).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(none).toBeInstanceOf(LoginError);
    expect((none as LoginError).statusClass).toBe(2);
  });

  it('logs in with mutual CHAP and refuses a target that proves the wrong secret', async () => {
    const t = await IscsiTransport.open(
      `${url(MUTUAL_IQN, 1, 'bob%bob-secret-123@')}?target_user=tgtuser&target_password=target-secret-9`,
    );
    await t.close();
    const e = await IscsiTransport.open(
      `${url(MUTUAL_IQN, 1, 'bob%bob-secret-123@')}?target_user=tgtuser&target_password=not-the-secret`,
    ).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(LoginError);
    expect((e as Error).message).toMatch(/authentication failed/);
  });

  it('serves several LUNs from one session and refuses a LUN without a device', async () => {
    const s = await IscsiSession.open({ host: '127.0.0.1', port: tgtd.portalPort, targetName: DISK_IQN });
    try {
      const lun0 = await IscsiTransport.forLun(s, 0);
      expect(lun0.deviceType).toBe(0x0c); // tgt's LUN 0 is a storage array controller
      const lun1 = await IscsiTransport.forLun(s, 1);
      expect(lun1.deviceType).toBe(0);
      await expect(IscsiTransport.forLun(s, 7)).rejects.toThrow(/no logical unit/);
      await lun1.close();
      expect(s.isOpen).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('task management: ABORT TASK SET and LOGICAL UNIT RESET complete; reset raises a unit attention', async () => {
    const t = await IscsiTransport.open(url(DISK_IQN));
    try {
      await clearUnitAttention(t);
      await t.abort();
      await t.session.logicalUnitReset(1);
      const r = await t.execute({ cdb: Buffer.from([0, 0, 0, 0, 0, 0]) });
      expect(r.status).toBe(2);
      expect(decodeSense(r.sense).senseKey).toBe(6);
      await clearUnitAttention(t);
    } finally {
      await t.close();
    }
  });

  it('reinstates the session after the target drops the connection; retry-safe reads survive', async () => {
    const t = await IscsiTransport.open(url(DISK_IQN), {
      reconnectDelayMs: 100,
      initiatorName: 'iqn.2024-01.dev.xcopy-backup:reinstate',
    });
    try {
      await clearUnitAttention(t);
      const oldTsih = t.session.tsih;
      const sessions = await tgtd.sessions(1);
      const mine = sessions.find((x) => x.initiator === t.session.initiatorName);
      expect(mine).toBeDefined();
      if (!mine) return;
      await tgtd.dropConnection(1, mine.sid, mine.cid);
      // A READ issued while the connection goes away is queued/retried and completes after reinstatement.
      const r = await t.execute({ cdb: read16(1000, 16), dataInLength: 16 * BLOCK });
      await t.session.waitForRecovery();
      if (r.status !== 0) await clearUnitAttention(t);
      const again = await t.execute({ cdb: read16(1000, 16), dataInLength: 16 * BLOCK });
      expectGood(again);
      expect(again.dataIn.equals(pattern.subarray(0, 16 * BLOCK))).toBe(true);
      expect(t.session.tsih).not.toBe(oldTsih);
      await waitSessions(t.session.initiatorName, 1);
    } finally {
      await t.close();
    }
  });

  it('closing rejects further commands with TransportError', async () => {
    const t = await IscsiTransport.open(url(DISK_IQN), {
      initiatorName: 'iqn.2024-01.dev.xcopy-backup:closer',
    });
    await waitSessions(t.session.initiatorName, 1);
    await t.close();
    await expect(t.execute({ cdb: Buffer.from([0, 0, 0, 0, 0, 0]) })).rejects.toBeInstanceOf(TransportError);
    await waitSessions(t.session.initiatorName, 0);
  });
});
