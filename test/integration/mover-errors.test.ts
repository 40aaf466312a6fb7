// Copy failures on real RAM disks made faulty by FaultInjectingLu: source MEDIUM ERROR, destination
// write errors, lost connections, plus abort through the task's AbortSignal and LU reset. Checks the
// COPY ABORTED sense byte by byte (fixed and descriptor format), FAILED SEGMENT DETAILS, and that the
// transfer count never covers data that is not on the destination.
import { decodeSense, encodeSense, makeSense } from '../../cdb/spc/sense';
import { decodeCopyStatus } from '../../cdb/xcopy/copy-status';
import { decodeFailedSegmentDetails } from '../../cdb/xcopy/failed-segment-details';
import { createRamDisk } from '../../emulator/devices/disk';
import { type Fault, FaultInjectingLu } from '../../emulator/faults/fault-lu';
import type { LogicalUnit } from '../../emulator/lu';
import { CopyManager } from '../../emulator/mover/copy-manager';
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
  writeBlocks,
  xcopy,
  xcopyCdb,
} from '../unit/mover/helpers';
import { XcopyDisk } from '../unit/mover/xcopy-disk';

const MiB = 1024 * 1024;
const I1 = nexus(1);

function setup(o: { srcFaults?: Fault[]; dstFaults?: Fault[]; writeBehind?: number } = {}) {
  const srcDisk = createRamDisk({ identity: { id: 'err-src' }, sizeBytes: 4 * MiB });
  const dstDisk = createRamDisk({ identity: { id: 'err-dst' }, sizeBytes: 4 * MiB });
  const src = new FaultInjectingLu(srcDisk, o.srcFaults);
  const dst = new FaultInjectingLu(dstDisk, o.dstFaults);
  const cm = new XcopyDisk({
    id: 'err-cm',
    sizeBytes: MiB,
    resolver: () => resolverFor({ src, dst }),
    config: { pipeline: { maxTransferBytes: 4096, writeBehind: o.writeBehind ?? 1, readAhead: 4 } },
  });
  return { srcDisk, dstDisk, src, dst, cm };
}

async function rcr(cm: LogicalUnit, sa: 0 | 1 | 4, id: number) {
  const r = await run(cm, rcrCdb(sa, id), { nexus: I1 });
  expect(r.status).toBe(0);
  return r.dataIn as Buffer;
}

function list(
  id: number,
  srcDisk: { identity: { naa: Buffer } },
  dstDisk: { identity: { naa: Buffer } },
  segments: ReturnType<typeof b2b>[],
) {
  return paramList({
    listIdentifier: id,
    targets: [diskTarget(srcDisk as never), diskTarget(dstDisk as never)],
    segments,
  });
}

describe('source MEDIUM ERROR', () => {
  it('ends the copy with 0A/0D/01, the segment number, and the source sense forwarded (fixed format)', async () => {
    const { srcDisk, dstDisk, cm } = setup({
      srcFaults: [{ kind: 'medium-error', operation: 'read', lba: 50n }],
    });
    const data = pattern(200 * 512, 1);
    await writeBlocks(srcDisk, 0n, data);
    const l = list(1, srcDisk, dstDisk, [b2b(0, 1, 10, 0n, 0n), b2b(0, 1, 100, 40n, 100n)]);
    const r = await run(cm, xcopyCdb(l.length), { dataOut: l, nexus: I1 });
    expect(kcq(r)).toBe('0a/0d/01');
    const sense = r.sense as Buffer;
    const backend = encodeSense(makeSense({ senseKey: 0x03, asc: 0x11, ascq: 0x00, information: 50n }));
    // Fixed format: CSI = source offset 18, destination offset 0, segment number 1; SKS segment
    // pointer SD=0 at the source CSCD descriptor (byte 16); status + sense of the source from byte 18.
    expect([...sense.subarray(0, 18)]).toEqual([
      0x70,
      0,
      0x0a,
      0,
      0,
      0,
      0,
      10 + 1 + backend.length,
      18,
      0,
      0,
      1,
      0x0d,
      0x01,
      0,
      0x80,
      0x00,
      16,
    ]);
    expect(sense[18]).toBe(0x02);
    expect(sense.subarray(19).equals(backend)).toBe(true);
    const details = decodeFailedSegmentDetails(await rcr(cm, 4, 1));
    expect(details).toEqual({ detailsAvailable: true, copyCommandStatus: 0x02, senseData: sense });
    expect(decodeCopyStatus(await rcr(cm, 0, 1))).toEqual({
      hdd: false,
      copyManagerStatus: 2,
      segmentsProcessed: 1,
      transferCountUnits: 0,
      transferCount: 10 * 512, // segment 1's first 8-block read succeeded but the failing read came with it
    });
    expect((await readBlocks(dstDisk, 0n, 10)).equals(data.subarray(0, 10 * 512))).toBe(true);
  });

  it('uses descriptor format with a forwarded sense data descriptor when the device asks for it', async () => {
    const srcDisk = createRamDisk({ identity: { id: 'd-src' }, sizeBytes: MiB });
    const dstDisk = createRamDisk({ identity: { id: 'd-dst' }, sizeBytes: MiB });
    const src = new FaultInjectingLu(srcDisk, [{ kind: 'medium-error', operation: 'read', lba: 3n }]);
    const cm = new CopyManager({
      self: dstDisk,
      resolver: resolverFor({ src, dstDisk }),
      descriptorSense: () => true,
    });
    const r = await cm.extendedCopy(xcopy(list(2, srcDisk, dstDisk, [b2b(0, 1, 8, 0n, 0n)])));
    expect(r.status).toBe(2);
    const s = decodeSense(r.sense as Buffer);
    expect(s.responseCode).toBe(0x72);
    expect(s.senseKey).toBe(0x0a);
    expect([s.asc, s.ascq]).toEqual([0x0d, 0x01]);
    if (s.responseCode !== 0x72) throw new Error('descriptor format expected');
    expect(s.descriptors).toEqual([
      { kind: 'commandSpecificInformation', commandSpecificInformation: 0n },
      {
        kind: 'senseKeySpecific',
        senseKeySpecific: { kind: 'segmentPointer', segmentDescriptor: false, fieldPointer: 16 },
      },
      {
        kind: 'forwardedSenseData',
        forwardedSenseDataTruncated: false,
        senseDataSource: 1,
        forwardedStatus: 2,
        senseData: encodeSense(makeSense({ senseKey: 0x03, asc: 0x11, ascq: 0x00, information: 3n })),
      },
    ]);
  });
});

describe('destination failures', () => {
  it('a WRITE error mid-copy: the transfer count is exactly the data durably on the destination', async () => {
    const { srcDisk, dstDisk, cm } = setup({
      dstFaults: [{ kind: 'medium-error', operation: 'write', lba: 1037n }],
      writeBehind: 4,
    });
    const data = pattern(100 * 512, 2);
    await writeBlocks(srcDisk, 0n, data);
    const r = await run(cm, xcopyCdb(0), { nexus: I1 }); // PARAMETER LIST LENGTH 0: nothing happens
    expect(r).toEqual({ status: 0, dataOutLength: 0 });
    const l = list(3, srcDisk, dstDisk, [b2b(0, 1, 100, 0n, 1000n)]);
    const f = await run(cm, xcopyCdb(l.length), { dataOut: l, nexus: I1 });
    expect(kcq(f)).toBe('0a/0d/01');
    const sense = f.sense as Buffer;
    expect(sense.readUInt32BE(8)).toBe(18 << 16); // destination sense at 18, segment 0
    expect([sense[15], sense.readUInt16BE(16)]).toEqual([0x80, 48]); // SKS: destination CSCD descriptor
    expect(decodeSense(sense.subarray(19))).toMatchObject({
      senseKey: 0x03,
      asc: 0x0c,
      ascq: 0x00,
      information: 1037n,
    });
    const st = decodeCopyStatus(await rcr(cm, 0, 3));
    expect(st.copyManagerStatus).toBe(2);
    // Writes of 8 blocks: 1000-1031 completed before the failing one (1032-1039).
    expect(st.transferCount).toBe(32 * 512);
    const copied = await readBlocks(dstDisk, 1000n, st.transferCount / 512);
    expect(copied.equals(data.subarray(0, st.transferCount))).toBe(true);
  });

  it('a lost connection to the destination is 0A/0D/02 without forwarded sense', async () => {
    const { srcDisk, dstDisk, cm } = setup({
      dstFaults: [{ kind: 'connection-loss', opcodes: [0x2a, 0x8a], skip: 2 }],
    });
    const data = pattern(64 * 512, 3);
    await writeBlocks(srcDisk, 0n, data);
    const l = list(4, srcDisk, dstDisk, [b2b(0, 1, 64, 0n, 0n)]);
    const f = await run(cm, xcopyCdb(l.length), { dataOut: l, nexus: I1 });
    expect(kcq(f)).toBe('0a/0d/02');
    const sense = f.sense as Buffer;
    expect(sense.length).toBe(18);
    expect(sense.readUInt32BE(8)).toBe(0);
    expect(decodeCopyStatus(await rcr(cm, 0, 4)).transferCount).toBe(2 * 4096);
    expect((await readBlocks(dstDisk, 0n, 16)).equals(data.subarray(0, 16 * 512))).toBe(true);
  });

  it('a write whose response is lost after it executed is not counted', async () => {
    const { srcDisk, dstDisk, cm } = setup({
      dstFaults: [{ kind: 'connection-loss', opcodes: [0x2a, 0x8a], skip: 1, afterExecute: true }],
    });
    await writeBlocks(srcDisk, 0n, pattern(32 * 512, 4));
    const l = list(5, srcDisk, dstDisk, [b2b(0, 1, 32, 0n, 0n)]);
    expect(kcq(await run(cm, xcopyCdb(l.length), { dataOut: l, nexus: I1 }))).toBe('0a/0d/02');
    expect(decodeCopyStatus(await rcr(cm, 0, 5)).transferCount).toBe(4096);
  });

  it('BUSY and UNIT ATTENTION from a backend are retried, not reported', async () => {
    const { srcDisk, dstDisk, cm } = setup({
      srcFaults: [{ kind: 'status', opcodes: [0x28], status: 0x08, times: 2 }],
      dstFaults: [{ kind: 'sense', opcodes: [0x2a], senseKey: 0x06, asc: 0x2a, ascq: 0x09, times: 1 }],
    });
    const data = pattern(16 * 512, 5);
    await writeBlocks(srcDisk, 0n, data);
    const l = list(6, srcDisk, dstDisk, [b2b(0, 1, 16, 0n, 0n)]);
    expect((await run(cm, xcopyCdb(l.length), { dataOut: l, nexus: I1 })).status).toBe(0);
    expect((await readBlocks(dstDisk, 0n, 16)).equals(data)).toBe(true);
  });
});

describe('abort', () => {
  it('the task AbortSignal stops a running copy promptly with TASK ABORTED', async () => {
    const srcDisk = createRamDisk({ identity: { id: 'ab-src' }, sizeBytes: 4 * MiB });
    const dstDisk = createRamDisk({ identity: { id: 'ab-dst' }, sizeBytes: 4 * MiB });
    const dst = new FaultInjectingLu(dstDisk, [{ kind: 'delay', opcodes: [0x2a, 0x8a], ms: 30 }]);
    const cm = new CopyManager({
      self: srcDisk,
      resolver: resolverFor({ srcDisk, dst }),
      config: { pipeline: { maxTransferBytes: 4096, writeBehind: 1 } },
    });
    const ac = new AbortController();
    const started = Date.now();
    const copy = cm.extendedCopy(xcopy(list(7, srcDisk, dstDisk, [b2b(0, 1, 2048, 0n, 0n)]), I1, ac.signal));
    await new Promise((r) => setTimeout(r, 100));
    const abortedAt = Date.now();
    ac.abort();
    const r = await copy;
    expect(r).toEqual({ status: 0x40 });
    expect(Date.now() - abortedAt).toBeLessThan(60);
    expect(Date.now() - started).toBeLessThan(1000);
    const st = cm.receiveCopyResults({
      cdb: rcrCdb(0, 7),
      dataOut: Buffer.alloc(0),
      nexus: I1,
      signal: ac.signal,
    });
    const status = decodeCopyStatus(st.dataIn as Buffer);
    expect(status.copyManagerStatus).toBe(2);
    expect(status.transferCount).toBeGreaterThan(0);
    expect(status.transferCount).toBeLessThan(2048 * 512);
  });

  it('LOGICAL UNIT RESET of the copy manager LU stops its copies and drops their results', async () => {
    const srcDisk = createRamDisk({ identity: { id: 'rs-src' }, sizeBytes: 4 * MiB });
    const dstDisk = createRamDisk({ identity: { id: 'rs-dst' }, sizeBytes: 4 * MiB });
    const dst = new FaultInjectingLu(dstDisk, [{ kind: 'delay', opcodes: [0x2a, 0x8a], ms: 20 }]);
    const cm = new XcopyDisk({
      id: 'rs-cm',
      sizeBytes: MiB,
      resolver: () => resolverFor({ srcDisk, dst }),
      config: { pipeline: { maxTransferBytes: 4096, writeBehind: 1 } },
    });
    const l = list(8, srcDisk, dstDisk, [b2b(0, 1, 2048, 0n, 0n)]);
    const copy = run(cm, xcopyCdb(l.length), { dataOut: l, nexus: I1 });
    await new Promise((r) => setTimeout(r, 60));
    cm.reset('lu-reset');
    expect(await copy).toEqual({ status: 0x40 });
    // The reset's unit attention comes first, then the list is gone.
    const ua = await cm.execute({
      cdb: rcrCdb(0, 8),
      dataInLength: 64,
      nexus: I1,
      signal: new AbortController().signal,
      taskTag: 1,
    });
    expect(kcq(ua)).toBe('06/29/03');
    expect(kcq(await run(cm, rcrCdb(0, 8), { nexus: I1 }))).toBe('05/24/00');
  });
});
