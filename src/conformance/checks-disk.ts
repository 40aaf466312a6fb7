// Copies between block devices: 02h, 0Ah (byte offsets), 0Dh (held data), 07h (verify CSCD), and the
// vendor specific C0h digest segment of xcopy-backup's data mover when that mover is the one tested.
import { createHash } from 'node:crypto';
import { decodeReceiveData } from '../../cdb/xcopy/receive-data';
import { SenseError } from '../../cdb/errors';
import type { CheckSpec } from './check';
import { AREA, type RunContext } from './context';
import { clearDestination, commonBytes, expectOnDisk, placeSource } from './data';
import {
  blockOffsetToBlockOffset,
  blockTarget,
  blockToBlock,
  opaqueSegment,
  streamTarget,
  verifyCscd,
} from './lists';
import { GOOD, statusText } from './scsi';
import { CheckFailure, NotAdvertised } from './types';

/** RECEIVE COPY RESULTS 01h (RECEIVE DATA): the held data of a list. */
export async function heldDataOf(ctx: RunContext, listIdentifier: number): Promise<Buffer> {
  const a = await ctx.receiveCopyResults(1, listIdentifier);
  if (a.status !== GOOD)
    throw new CheckFailure(`RECEIVE COPY DATA list ${listIdentifier}: ${statusText(a)}`, a.kcq ?? null);
  try {
    return decodeReceiveData(a.dataIn).heldData;
  } catch (e) {
    if (e instanceof SenseError) throw new CheckFailure(`RECEIVE COPY DATA does not decode: ${e.message}`);
    throw e;
  }
}

/** Vendor identification of xcopy-backup's emulated LUs, whose C0h segment is documented. */
export const DIGEST_VENDOR = 'XCOPYEMU';

export const DISK_CHECKS: CheckSpec[] = [
  {
    id: 'copy.02-block-to-block',
    title: '02h block->block copies --disk to the destination disk byte-exact; COPY STATUS agrees',
    run: async (ctx) => {
      ctx.needCodes(0x02, 0xe4);
      const src = ctx.needDisk();
      const dst = ctx.needDestination();
      const bytes = commonBytes(ctx, 256 * 1024);
      const placed = await placeSource(ctx, bytes, 0x02);
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
      await ctx.expectCompleted(id, 1, bytes);
      return `${bytes} bytes copied and verified`;
    },
  },
  {
    id: 'copy.0a-byte-offsets',
    title: '0Ah block<o>->block<o> copies from and to byte offsets, leaving the bytes around untouched',
    run: async (ctx) => {
      ctx.needCodes(0x0a, 0xe4);
      const src = ctx.needDisk();
      const dst = ctx.needDestination();
      const span = commonBytes(ctx, 16 * 1024);
      const placed = await placeSource(ctx, span, 0x0a);
      const dstLba = await clearDestination(ctx, span, AREA.destination, 0xa5);
      const count = Math.floor(span / 2) + 3;
      const srcOffset = 7;
      const dstOffset = 13;
      const id = ctx.nextListId();
      await ctx.copyGood(
        {
          listIdentifier: id,
          targets: [blockTarget(src), blockTarget(dst)],
          segments: [blockOffsetToBlockOffset(0, 1, count, placed.lba, dstLba, srcOffset, dstOffset)],
        },
        '0Ah',
      );
      const expected = Buffer.alloc(span, 0xa5);
      placed.data.copy(expected, dstOffset, srcOffset, srcOffset + count);
      await expectOnDisk(dst, dstLba, expected, '0Ah');
      await ctx.expectCompleted(id, 1, count);
      return `${count} bytes from offset ${srcOffset} to offset ${dstOffset}`;
    },
  },
  {
    id: 'copy.0d-held',
    title: '0Dh block->block copies and holds the data for RECEIVE COPY RESULTS 01h',
    run: async (ctx) => {
      ctx.needCodes(0x0d, 0xe4);
      ctx.needRcr(0x01);
      const src = ctx.needDisk();
      const dst = ctx.needDestination();
      const bytes = commonBytes(ctx, 8 * 1024);
      const limit = ctx.caps.operatingParameters?.heldDataLimit;
      if (limit !== undefined && limit < bytes)
        throw new NotAdvertised(`HELD DATA LIMIT ${limit} < ${bytes} bytes`);
      const placed = await placeSource(ctx, bytes, 0x0d);
      const dstLba = await clearDestination(ctx, bytes);
      const id = ctx.nextListId();
      await ctx.copyGood(
        {
          listIdentifier: id,
          targets: [blockTarget(src), blockTarget(dst)],
          segments: [blockToBlock(0, 1, bytes / src.io.blockLength, placed.lba, dstLba, { hold: true })],
        },
        '0Dh',
      );
      await expectOnDisk(dst, dstLba, placed.data, '0Dh');
      const held = await heldDataOf(ctx, id);
      if (!held.equals(placed.data))
        throw new CheckFailure(`held data: ${held.length} bytes, not the ${bytes} copied`);
      return `${bytes} bytes copied and held`;
    },
  },
  {
    id: 'copy.07-verify-cscd',
    title: '07h verify CSCD (TUR=1) on the disk and the tape completes with GOOD',
    run: async (ctx) => {
      ctx.needCodes(0x07, 0xe4);
      const disk = ctx.needDisk();
      const tape = ctx.needTape();
      const id = ctx.nextListId();
      await ctx.copyGood(
        {
          listIdentifier: id,
          targets: [blockTarget(disk), streamTarget(tape)],
          segments: [verifyCscd(0, { tur: true }), verifyCscd(1, { tur: true })],
        },
        '07h',
      );
      await ctx.expectCompleted(id, 2, 0);
      return 'both CSCDs verified';
    },
  },
  {
    id: 'vendor.c0-digest',
    title: 'vendor segment C0h (xcopy-backup digest) holds the SHA-256 of a block range',
    run: async (ctx) => {
      const vendor = ctx.caps.inquiry?.t10VendorIdentification;
      if (vendor !== DIGEST_VENDOR)
        throw new NotAdvertised(
          `C0h is vendor specific; the copy manager is ${vendor ?? 'unknown'}, not ${DIGEST_VENDOR}`,
        );
      if (ctx.caps.codes === undefined || !ctx.caps.codes.has(0xc0))
        throw new NotAdvertised('descriptor type code C0h not in the implemented descriptor type codes');
      ctx.needCodes(0xe4);
      const src = ctx.needDisk();
      const bytes = 64 * src.io.blockLength;
      const placed = await placeSource(ctx, bytes, 0xc0);
      const seg = Buffer.alloc(32);
      seg[0] = 0xc0;
      seg.writeUInt16BE(28, 2);
      seg.writeUInt16BE(0, 4); // SOURCE CSCD DESCRIPTOR ID
      seg[8] = 0x01; // SHA-256
      seg.writeBigUInt64BE(placed.lba, 12);
      seg.writeBigUInt64BE(64n, 20);
      const id = ctx.nextListId();
      await ctx.copyGood(
        { listIdentifier: id, targets: [blockTarget(src)], segments: [opaqueSegment(seg)] },
        'C0h',
      );
      const held = await heldDataOf(ctx, id);
      const want = createHash('sha256').update(placed.data).digest();
      if (!held.equals(want))
        throw new CheckFailure(
          `held data ${held.toString('hex')} is not the SHA-256 ${want.toString('hex')}`,
        );
      return `SHA-256 of ${bytes} bytes at LBA ${placed.lba} matches`;
    },
  },
];
