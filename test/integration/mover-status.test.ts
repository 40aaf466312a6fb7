// RECEIVE COPY STATUS while copies run (asked from other tasks), concurrent copies with different
// list identifiers, and the duplicate-list-identifier rule (SPC-4 6.4.3.2: OPERATION IN PROGRESS).
// Copies are slowed by a FaultInjectingLu delaying every WRITE of a real RAM disk.
import { decodeCopyStatus } from '../../cdb/xcopy/copy-status';
import { RCR_SERVICE_ACTION } from '../../cdb/xcopy/receive-copy-results';
import { createRamDisk } from '../../emulator/devices/disk';
import { FaultInjectingLu } from '../../emulator/faults/fault-lu';
import type { ItNexus, LogicalUnit, LuResponse } from '../../emulator/lu';
import {
  b2b,
  diskTarget,
  kcq,
  nexus,
  paramList,
  pattern,
  rcrCdb,
  readBlocks,
  resolverFor,
  run,
  senseOf,
  writeBlocks,
  xcopyCdb,
} from '../unit/mover/helpers';
import { XcopyDisk } from '../unit/mover/xcopy-disk';

const MiB = 1024 * 1024;

function setup(writeDelayMs: number) {
  const src = createRamDisk({ identity: { id: 'status-src' }, sizeBytes: 8 * MiB });
  const dstDisk = createRamDisk({ identity: { id: 'status-dst' }, sizeBytes: 8 * MiB });
  const dst = new FaultInjectingLu(dstDisk, [{ kind: 'delay', opcodes: [0x2a, 0x8a], ms: writeDelayMs }]);
  const cm = new XcopyDisk({
    id: 'status-cm',
    sizeBytes: MiB,
    resolver: () => resolverFor({ src, dst }),
    config: { pipeline: { maxTransferBytes: 32 * 1024, writeBehind: 1, readAhead: 2 } },
  });
  return { src, dst, dstDisk, cm };
}

function copyList(
  listIdentifier: number,
  src: { identity: { naa: Buffer } },
  dst: { identity: { naa: Buffer } },
  blocks: number,
  srcLba: bigint,
  dstLba: bigint,
): Buffer {
  return paramList({
    listIdentifier,
    targets: [diskTarget(src as never), diskTarget(dst as never)],
    segments: [b2b(0, 1, blocks, srcLba, dstLba)],
  });
}

function start(cm: LogicalUnit, list: Buffer, n: ItNexus): Promise<LuResponse> {
  return run(cm, xcopyCdb(list.length), { dataOut: list, nexus: n });
}

async function copyStatus(cm: LogicalUnit, id: number, n: ItNexus) {
  const r = await run(cm, rcrCdb(RCR_SERVICE_ACTION.copyStatus, id), { nexus: n });
  expect(r.status).toBe(0);
  return decodeCopyStatus(r.dataIn as Buffer);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('RECEIVE COPY STATUS during a copy', () => {
  it('reports "in progress" with a growing transfer count, then completion', async () => {
    const { src, dstDisk, cm } = setup(15);
    const data = pattern(1024 * 512, 1); // 512 KiB = 16 writes of 32 KiB
    await writeBlocks(src, 0n, data);
    const I = nexus(1);
    const copy = start(cm, copyList(1, src, dstDisk, 1024, 0n, 0n), I);
    const seen: { status: number; count: number; segments: number }[] = [];
    let done = false;
    void copy.then(() => (done = true));
    while (!done) {
      await sleep(20);
      const s = await copyStatus(cm, 1, I);
      seen.push({ status: s.copyManagerStatus, count: s.transferCount, segments: s.segmentsProcessed });
      expect(s.transferCountUnits).toBe(0);
    }
    expect((await copy).status).toBe(0);
    const running = seen.filter((s) => s.status === 0);
    expect(running.length).toBeGreaterThanOrEqual(3);
    // In progress: no segment completed yet, counts are whole writes and never go back.
    for (const s of running) {
      expect(s.segments).toBe(0);
      expect(s.count % (32 * 1024)).toBe(0);
      expect(s.count).toBeLessThan(data.length);
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i].count).toBeGreaterThanOrEqual(seen[i - 1].count);
    expect(running.some((s) => s.count > 0)).toBe(true);
    expect(await copyStatus(cm, 1, I)).toEqual({
      hdd: false,
      copyManagerStatus: 1,
      segmentsProcessed: 1,
      transferCountUnits: 0,
      transferCount: data.length,
    });
    expect((await readBlocks(dstDisk, 0n, 1024)).equals(data)).toBe(true);
  });

  it('runs four copies with different list identifiers at once, each with its own status', async () => {
    const { src, dstDisk, cm } = setup(5);
    const I = nexus(1);
    const datas = [0, 1, 2, 3].map((i) => pattern(256 * 512, 10 + i));
    for (let i = 0; i < 4; i++) await writeBlocks(src, BigInt(i * 1000), datas[i]);
    const copies = [0, 1, 2, 3].map((i) =>
      start(cm, copyList(20 + i, src, dstDisk, 256, BigInt(i * 1000), BigInt(i * 2000)), I),
    );
    await sleep(15);
    const during = await Promise.all([0, 1, 2, 3].map((i) => copyStatus(cm, 20 + i, I)));
    expect(during.map((s) => s.copyManagerStatus)).toEqual([0, 0, 0, 0]);
    expect(
      cm.copyManager
        .runningCopies()
        .map((c) => c.listIdentifier)
        .sort(),
    ).toEqual([20, 21, 22, 23]);
    const results = await Promise.all(copies);
    expect(results.map((r) => r.status)).toEqual([0, 0, 0, 0]);
    for (let i = 0; i < 4; i++) {
      expect((await readBlocks(dstDisk, BigInt(i * 2000), 256)).equals(datas[i])).toBe(true);
      expect(await copyStatus(cm, 20 + i, I)).toMatchObject({
        copyManagerStatus: 1,
        transferCount: 256 * 512,
      });
    }
  });

  it('refuses a list identifier still running on the same I_T nexus (05/00/16), not on another one', async () => {
    const { src, dstDisk, cm } = setup(10);
    const I1 = nexus(1);
    const I2 = nexus(2);
    const first = start(cm, copyList(5, src, dstDisk, 512, 0n, 0n), I1);
    await sleep(15);
    const dup = await start(cm, copyList(5, src, dstDisk, 8, 0n, 4000n), I1);
    expect(kcq(dup)).toBe('05/00/16');
    expect(senseOf(dup).senseKeySpecific).toEqual({
      kind: 'fieldPointer',
      commandData: false,
      fieldPointer: 0,
    });
    // The same identifier from another nexus is another list.
    expect((await start(cm, copyList(5, src, dstDisk, 8, 0n, 5000n), I2)).status).toBe(0);
    expect((await first).status).toBe(0);
    // Once completed, the identifier may be used again; its new results replace the old ones.
    expect((await start(cm, copyList(5, src, dstDisk, 4, 0n, 6000n), I1)).status).toBe(0);
    expect((await copyStatus(cm, 5, I1)).transferCount).toBe(4 * 512);
  });

  it('keeps at most maxListsPerNexus results and forgets them after the TTL', async () => {
    const src = createRamDisk({ identity: { id: 'ret-src' }, sizeBytes: MiB });
    const dst = createRamDisk({ identity: { id: 'ret-dst' }, sizeBytes: MiB });
    let now = 1_000_000;
    const cm = new XcopyDisk({
      id: 'ret-cm',
      sizeBytes: MiB,
      resolver: () => resolverFor({ src, dst }),
      config: { retention: { maxListsPerNexus: 2, ttlMs: 60_000 } },
      now: () => now,
    });
    const I = nexus(3);
    for (const id of [1, 2, 3])
      expect((await start(cm, copyList(id, src, dst, 1, 0n, 0n), I)).status).toBe(0);
    expect(kcq(await run(cm, rcrCdb(RCR_SERVICE_ACTION.copyStatus, 1), { nexus: I }))).toBe('05/24/00');
    expect((await copyStatus(cm, 2, I)).copyManagerStatus).toBe(1);
    now += 59_999;
    expect((await copyStatus(cm, 3, I)).copyManagerStatus).toBe(1);
    now += 2;
    expect(kcq(await run(cm, rcrCdb(RCR_SERVICE_ACTION.copyStatus, 3), { nexus: I }))).toBe('05/24/00');
  });
});
