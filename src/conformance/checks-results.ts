// RECEIVE COPY RESULTS service actions (00h COPY STATUS, 01h RECEIVE DATA, 04h FAILED SEGMENT
// DETAILS, an unknown list identifier), several list identifiers at once, and COPY STATUS polled
// while a long copy runs.
import { createHash } from 'node:crypto';
import { type CopyStatus, decodeCopyStatus, transferCountBytes } from '../../cdb/xcopy/copy-status';
import { decodeFailedSegmentDetails } from '../../cdb/xcopy/failed-segment-details';
import { decodeReceiveData } from '../../cdb/xcopy/receive-data';
import { SenseError } from '../../cdb/errors';
import type { CheckSpec } from './check';
import { AREA, expectSense, MiB, PROGRESS_BYTES, type RunContext } from './context';
import { clearDestination, commonBytes, expectOnDisk, lbaAt, placeSource } from './data';
import { blockTarget, blockToBlock, naaBlockTarget } from './lists';
import { GOOD, statusText } from './scsi';
import { CheckFailure, NotAdvertised } from './types';

/** A small 02h copy with a list identifier; returns the identifier and the bytes copied. */
async function smallCopy(ctx: RunContext, seed: number): Promise<{ id: number; bytes: number }> {
  ctx.needCodes(0x02, 0xe4);
  const src = ctx.needDisk();
  const dst = ctx.needDestination();
  const bytes = commonBytes(ctx, 32 * 1024);
  const placed = await placeSource(ctx, bytes, seed);
  const dstLba = await clearDestination(ctx, bytes);
  const id = ctx.nextListId();
  await ctx.copyGood(
    {
      listIdentifier: id,
      targets: [blockTarget(src), blockTarget(dst)],
      segments: [blockToBlock(0, 1, bytes / src.io.blockLength, placed.lba, dstLba)],
    },
    '02h',
  );
  await expectOnDisk(dst, dstLba, placed.data, '02h');
  return { id, bytes };
}

function decodeOr<T>(decode: () => T, what: string): T {
  try {
    return decode();
  } catch (e) {
    if (e instanceof SenseError) throw new CheckFailure(`${what} does not decode: ${e.message}`);
    throw e;
  }
}

function strangerNaa(): Buffer {
  const b = Buffer.from(
    createHash('sha256').update('xcopy-conformance: failed copy').digest().subarray(0, 16),
  );
  b[0] = 0x6f;
  return b;
}

export const RESULT_CHECKS: CheckSpec[] = [
  {
    id: 'rcr.00-copy-status',
    title:
      'RECEIVE COPY RESULTS 00h after a copy: AVAILABLE DATA >= 8, completed, segments and transfer count right',
    run: async (ctx) => {
      ctx.needRcr(0x00);
      const { id, bytes } = await smallCopy(ctx, 0x500);
      const a = await ctx.receiveCopyResults(0, id);
      if (a.status !== GOOD) throw new CheckFailure(`COPY STATUS: ${statusText(a)}`, a.kcq ?? null);
      if (a.dataIn.length < 4 || a.dataIn.readUInt32BE(0) < 8)
        throw new CheckFailure(
          `AVAILABLE DATA ${a.dataIn.length < 4 ? 'missing' : a.dataIn.readUInt32BE(0)} < 8`,
        );
      await ctx.expectCompleted(id, 1, bytes);
      return `list ${id}: completed, 1 segment, ${bytes} bytes`;
    },
  },
  {
    id: 'rcr.01-receive-data',
    title: 'RECEIVE COPY RESULTS 01h RECEIVE DATA after a copy that held nothing: GOOD, no held data',
    run: async (ctx) => {
      ctx.needRcr(0x01);
      const { id } = await smallCopy(ctx, 0x501);
      const a = await ctx.receiveCopyResults(1, id);
      if (a.status !== GOOD) throw new CheckFailure(`RECEIVE DATA: ${statusText(a)}`, a.kcq ?? null);
      const held = decodeOr(() => decodeReceiveData(a.dataIn), 'RECEIVE DATA').heldData;
      if (held.length !== 0) throw new CheckFailure(`${held.length} bytes of held data after a 02h segment`);
      return 'GOOD, 0 bytes held';
    },
  },
  {
    id: 'rcr.04-failed-segment-details',
    title:
      'RECEIVE COPY RESULTS 04h after a failed copy: COPY COMMAND STATUS 02h and the sense EXTENDED COPY returned',
    run: async (ctx) => {
      ctx.needRcr(0x04);
      ctx.needCodes(0x02, 0xe4);
      const dst = ctx.needDestination();
      const id = ctx.nextListId();
      const failed = await ctx.copy({
        listIdentifier: id,
        targets: [naaBlockTarget(strangerNaa()), blockTarget(dst)],
        segments: [blockToBlock(0, 1, 1, 0n, lbaAt(dst, AREA.destination))],
      });
      if (failed.status === GOOD) throw new CheckFailure('a copy from a LU nobody has completed with GOOD');
      if (failed.kcq?.startsWith('0a/') !== true)
        throw new CheckFailure(
          `the copy failed with ${statusText(failed)}, not COPY ABORTED`,
          failed.kcq ?? null,
        );
      const a = await ctx.receiveCopyResults(4, id);
      if (a.status !== GOOD)
        throw new CheckFailure(`FAILED SEGMENT DETAILS: ${statusText(a)}`, a.kcq ?? null);
      const d = decodeOr(() => decodeFailedSegmentDetails(a.dataIn), 'FAILED SEGMENT DETAILS');
      if (!d.detailsAvailable || d.copyCommandStatus !== 0x02)
        throw new CheckFailure(
          `details available ${String(d.detailsAvailable)}, COPY COMMAND STATUS ${d.copyCommandStatus}`,
        );
      if (!d.senseData.equals(failed.sense))
        throw new CheckFailure('the sense data differs from what EXTENDED COPY returned', failed.kcq ?? null);
      return `status 02h, ${d.senseData.length} bytes of sense (${failed.kcq ?? '?'})`;
    },
  },
  {
    id: 'rcr.unknown-list-id',
    title: 'RECEIVE COPY RESULTS 00h for a list identifier never used: 05/24/00 or 05/26/00',
    run: async (ctx) => {
      ctx.needRcr(0x00);
      const a = await ctx.receiveCopyResults(0, ctx.nextListId());
      return `answered ${expectSense(a, ['05/24/00', '05/26/00'], 'unknown list identifier')}`;
    },
  },
  {
    id: 'conc.several-list-ids',
    title: 'several EXTENDED COPY commands with different list identifiers at once all complete correctly',
    run: async (ctx) => {
      ctx.needCodes(0x02, 0xe4);
      const op = ctx.caps.operatingParameters;
      const n = Math.min(4, op?.maximumConcurrentCopies ?? 4, op?.totalConcurrentCopies ?? 4);
      if (n < 2) throw new NotAdvertised(`the copy manager runs ${n} identified copy at a time`);
      const src = ctx.needDisk();
      const dst = ctx.needDestination();
      const bytes = MiB;
      const jobs = [];
      for (let i = 0; i < n; i++) {
        const placed = await placeSource(ctx, bytes, 0x600 + i, AREA.source + i * bytes);
        const dstLba = await clearDestination(ctx, bytes, AREA.destination + i * bytes);
        jobs.push({ id: ctx.nextListId(), placed, dstLba });
      }
      const answers = await Promise.all(
        jobs.map((j) =>
          ctx.copy({
            listIdentifier: j.id,
            targets: [blockTarget(src), blockTarget(dst)],
            segments: [blockToBlock(0, 1, bytes / src.io.blockLength, j.placed.lba, j.dstLba)],
          }),
        ),
      );
      const bad = answers.findIndex((a) => a.status !== GOOD);
      if (bad >= 0)
        throw new CheckFailure(`list ${jobs[bad].id}: ${statusText(answers[bad])}`, answers[bad].kcq ?? null);
      for (const j of jobs) {
        await expectOnDisk(dst, j.dstLba, j.placed.data, `list ${j.id}`);
        await ctx.expectCompleted(j.id, 1, bytes);
      }
      return `${n} copies of ${bytes} bytes, lists ${jobs.map((j) => j.id).join(', ')}`;
    },
  },
  {
    id: 'progress.copy-status-while-running',
    title:
      'COPY STATUS polled while a long copy runs: in progress with a growing TRANSFER COUNT, then completed',
    run: async (ctx) => {
      ctx.needCodes(0x02, 0xe4);
      ctx.needRcr(0x00);
      const src = ctx.needDisk();
      const dst = ctx.needDestination();
      const placed = await placeSource(ctx, PROGRESS_BYTES, 0x700, 0);
      const dstLba = await clearDestination(ctx, PROGRESS_BYTES, AREA.progressDestination);
      const id = ctx.nextListId();
      let done = false;
      const copy = ctx
        .copy({
          listIdentifier: id,
          targets: [blockTarget(src), blockTarget(dst)],
          segments: [blockToBlock(0, 1, PROGRESS_BYTES / src.io.blockLength, placed.lba, dstLba)],
        })
        .finally(() => {
          done = true;
        });
      const seen: CopyStatus[] = [];
      let before = 0;
      while (!done) {
        const a = await ctx.receiveCopyResults(0, id);
        if (a.status === GOOD) {
          seen.push(decodeOr(() => decodeCopyStatus(a.dataIn), 'COPY STATUS'));
        } else if (seen.length === 0 && (a.kcq === '05/24/00' || a.kcq === '05/26/00')) {
          before++; // asked before the copy manager registered the list
        } else {
          await copy.catch(() => undefined);
          throw new CheckFailure(`COPY STATUS while running: ${statusText(a)}`, a.kcq ?? null);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const result = await copy;
      if (result.status !== GOOD)
        throw new CheckFailure(`the copy: ${statusText(result)}`, result.kcq ?? null);
      let last = 0n;
      for (const s of seen) {
        const bytes = transferCountBytes(s) ?? 0n;
        if (s.copyManagerStatus === 0x02)
          throw new CheckFailure('COPY STATUS said "completed with errors" for a good copy');
        if (bytes < last) throw new CheckFailure(`TRANSFER COUNT went back from ${last} to ${bytes}`);
        if (bytes > BigInt(PROGRESS_BYTES))
          throw new CheckFailure(`TRANSFER COUNT ${bytes} exceeds the ${PROGRESS_BYTES} bytes copied`);
        last = bytes;
      }
      await ctx.expectCompleted(id, 1, PROGRESS_BYTES);
      await expectOnDisk(dst, dstLba, placed.data, 'progress copy');
      const running = seen.filter((s) => s.copyManagerStatus === 0x00);
      const counts = running.map((s) => String(transferCountBytes(s)));
      return running.length > 0
        ? `${running.length} polls saw the copy in progress (transfer counts ${counts.slice(0, 6).join(', ')}${counts.length > 6 ? ', ...' : ''})`
        : `the copy completed before any poll saw it running (${before} early polls)`;
    },
  },
];
