// Copies that involve the stream device: every data segment type with a tape as source or
// destination, in variable and fixed block mode, with PAD and without. The tape is prepared and read
// back with plain WRITE(6)/READ(6) through its own address (tape control: checks-tape-control.ts).
import type { CheckSpec } from './check';
import { AREA, type RunContext, expectSense } from './context';
import { clearDestination, expectOnDisk, placeSource } from './data';
import { heldDataOf } from './checks-disk';
import {
  blockOffsetToStream,
  blockTarget,
  blockToStream,
  embeddedToStream,
  inlineToStream,
  streamTarget,
  streamToBlock,
  streamToBlockOffset,
  streamToDiscard,
  streamToStream,
} from './lists';
import type { TapeLu } from './probe';
import { testPattern } from './scsi';
import { CheckFailure, NotAdvertised } from './types';

const NULL_STREAM = 0xc001;

/** `count` blocks of `length` test bytes. */
export function blocks(count: number, length: number, seed: number): Buffer[] {
  return Array.from({ length: count }, (_v, i) => testPattern(length, seed * 64 + i));
}

export function split(data: Buffer, length: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += length) out.push(data.subarray(i, i + length));
  return out;
}

/** The tape, blank and at its beginning: what a copy writes is all a read-back can find. */
export async function blankTape(ctx: RunContext): Promise<TapeLu> {
  const t = ctx.needTape();
  await t.io.blank();
  return t;
}

function heldAtMost(ctx: RunContext, bytes: number): void {
  ctx.needRcr(0x01);
  const limit = ctx.caps.operatingParameters?.heldDataLimit;
  if (limit !== undefined && limit < bytes)
    throw new NotAdvertised(`HELD DATA LIMIT ${limit} < ${bytes} bytes`);
}

/** 00h or 0Bh: 8 KiB of --disk to the tape in 2048-byte blocks. */
async function diskToTape(ctx: RunContext, hold: boolean): Promise<string> {
  ctx.needCodes(hold ? 0x0b : 0x00, 0xe4);
  if (hold) heldAtMost(ctx, 8192);
  const disk = ctx.needDisk();
  const bytes = 8192;
  const placed = await placeSource(ctx, bytes, hold ? 0x0b : 0x00);
  const tape = await blankTape(ctx);
  const id = ctx.nextListId();
  await ctx.copyGood(
    {
      listIdentifier: id,
      targets: [blockTarget(disk), streamTarget(tape)],
      segments: [blockToStream(0, 1, bytes / disk.io.blockLength, placed.lba, 2048, { hold })],
    },
    hold ? '0Bh' : '00h',
  );
  await tape.io.rewind();
  await tape.io.expectObjects([...split(placed.data, 2048), 'EOD'], 'tape read back');
  await ctx.expectCompleted(id, 1, bytes);
  if (hold) {
    const held = await heldDataOf(ctx, id);
    if (!held.equals(placed.data))
      throw new CheckFailure(`held data: ${held.length} bytes, not the ${bytes} copied`);
  }
  return `${bytes} bytes as four 2048-byte tape blocks`;
}

/** 01h or 0Ch: four 2048-byte tape blocks to the destination disk. */
async function tapeToDisk(ctx: RunContext, hold: boolean): Promise<string> {
  ctx.needCodes(hold ? 0x0c : 0x01, 0xe4);
  if (hold) heldAtMost(ctx, 8192);
  const dst = ctx.needDestination();
  const tape = ctx.needTape();
  const data = blocks(4, 2048, hold ? 0x0c : 0x01);
  await tape.io.prepare(data);
  const all = Buffer.concat(data);
  const dstLba = await clearDestination(ctx, all.length);
  const id = ctx.nextListId();
  await ctx.copyGood(
    {
      listIdentifier: id,
      targets: [streamTarget(tape), blockTarget(dst)],
      segments: [streamToBlock(0, 1, all.length / dst.io.blockLength, dstLba, 2048, { hold })],
    },
    hold ? '0Ch' : '01h',
  );
  await expectOnDisk(dst, dstLba, all, 'restored data');
  await tape.io.expectObjects(['EOD'], 'tape position after the copy');
  await ctx.expectCompleted(id, 1, all.length);
  if (hold) {
    const held = await heldDataOf(ctx, id);
    if (!held.equals(all))
      throw new CheckFailure(`held data: ${held.length} bytes, not the ${all.length} restored`);
  }
  return `${all.length} bytes restored`;
}

/** 03h or 0Eh: three 1000-byte tape blocks to the null stream device; the fourth block is next. */
async function tapeToNull(ctx: RunContext, hold: boolean): Promise<string> {
  ctx.needCodes(hold ? 0x0e : 0x03, 0xe4);
  ctx.needCscdId(NULL_STREAM);
  if (hold) heldAtMost(ctx, 3000);
  const tape = ctx.needTape();
  const data = blocks(3, 1000, hold ? 0x0e : 0x03);
  const marker = testPattern(512, 0x3f);
  await tape.io.prepare([...data, marker]);
  const id = ctx.nextListId();
  await ctx.copyGood(
    {
      listIdentifier: id,
      targets: [streamTarget(tape)],
      segments: [streamToStream(0, NULL_STREAM, 1000, 1000, 3000, { hold })],
    },
    hold ? '0Eh' : '03h',
  );
  await tape.io.expectObjects([marker, 'EOD'], 'tape position after the copy');
  if (hold) {
    const held = await heldDataOf(ctx, id);
    if (!held.equals(Buffer.concat(data)))
      throw new CheckFailure(`held data: ${held.length} bytes, not the 3000 read`);
  }
  return '3000 bytes read from the tape to the null stream device (C001h)';
}

/** 06h or 0Fh: two 512-byte blocks read and dropped; the third is next. */
async function tapeToDiscard(ctx: RunContext, hold: boolean): Promise<string> {
  ctx.needCodes(hold ? 0x0f : 0x06, 0xe4);
  if (hold) heldAtMost(ctx, 1024);
  const tape = ctx.needTape();
  const data = blocks(3, 512, hold ? 0x0f : 0x06);
  await tape.io.prepare(data);
  const id = ctx.nextListId();
  await ctx.copyGood(
    {
      listIdentifier: id,
      targets: [streamTarget(tape)],
      segments: [streamToDiscard(0, 512, 1024, { hold })],
    },
    hold ? '0Fh' : '06h',
  );
  await tape.io.expectObjects([data[2], 'EOD'], 'tape position after the copy');
  await ctx.expectCompleted(id, 1, 0);
  if (hold) {
    const held = await heldDataOf(ctx, id);
    if (!held.equals(Buffer.concat(data.slice(0, 2))))
      throw new CheckFailure(`held data: ${held.length} bytes, not the 1024 read`);
  }
  return '1024 bytes skipped';
}

export const TAPE_CHECKS: CheckSpec[] = [
  {
    id: 'copy.00-block-to-stream',
    title:
      '00h block->stream (variable mode): one tape block of STREAM DEVICE TRANSFER LENGTH bytes per write',
    run: (ctx) => diskToTape(ctx, false),
  },
  {
    id: 'copy.00-fixed-block-length',
    title: '00h block->stream with FIXED=1 and STREAM BLOCK LENGTH 512 (drive set to 512-byte blocks)',
    run: async (ctx) => {
      ctx.needCodes(0x00, 0xe4);
      const disk = ctx.needDisk();
      const tape = ctx.needTape();
      const bytes = 8192;
      const placed = await placeSource(ctx, bytes, 0x100);
      await tape.io.blank();
      await tape.io.setBlockLength(512);
      try {
        const id = ctx.nextListId();
        await ctx.copyGood(
          {
            listIdentifier: id,
            targets: [blockTarget(disk), streamTarget(tape, { fixed: true, streamBlockLength: 512 })],
            segments: [blockToStream(0, 1, bytes / disk.io.blockLength, placed.lba, 4)],
          },
          '00h FIXED=1',
        );
        await tape.io.setBlockLength(0);
        await tape.io.rewind();
        await tape.io.expectObjects([...split(placed.data, 512), 'EOD'], 'tape read back');
        await ctx.expectCompleted(id, 1, bytes);
      } finally {
        await tape.io.setBlockLength(0);
      }
      return `${bytes} bytes as sixteen 512-byte fixed blocks`;
    },
  },
  {
    id: 'copy.00-pad',
    title: '00h with PAD=1 on the tape pads a partial last block with zeros',
    run: async (ctx) => {
      ctx.needCodes(0x00, 0xe4);
      const disk = ctx.needDisk();
      const bl = disk.io.blockLength;
      const placed = await placeSource(ctx, 3 * bl, 0x101);
      const tape = await blankTape(ctx);
      await ctx.copyGood(
        {
          listIdentifier: ctx.nextListId(),
          targets: [blockTarget(disk), streamTarget(tape, { pad: true })],
          segments: [blockToStream(0, 1, 3, placed.lba, 2 * bl)],
        },
        '00h PAD=1',
      );
      const last = Buffer.alloc(2 * bl);
      placed.data.copy(last, 0, 2 * bl);
      await tape.io.rewind();
      await tape.io.expectObjects([placed.data.subarray(0, 2 * bl), last, 'EOD'], 'tape read back');
      return `3 blocks of ${bl} bytes as 2 tape blocks, the last one padded`;
    },
  },
  {
    id: 'copy.00-inexact',
    title:
      '00h leaving a partial tape block without PAD is COPY ABORTED, UNEXPECTED INEXACT SEGMENT (0A/26/0A)',
    run: async (ctx) => {
      ctx.needCodes(0x00, 0xe4);
      const disk = ctx.needDisk();
      const bl = disk.io.blockLength;
      const placed = await placeSource(ctx, 3 * bl, 0x102);
      const tape = await blankTape(ctx);
      const a = await ctx.copy({
        listIdentifier: ctx.nextListId(),
        targets: [blockTarget(disk), streamTarget(tape)],
        segments: [blockToStream(0, 1, 3, placed.lba, 2 * bl)],
      });
      return `answered ${expectSense(a, '0a/26/0a', '00h with residue and PAD=0')}`;
    },
  },
  {
    id: 'copy.0b-block-to-stream-held',
    title: '0Bh block->stream also holds the data',
    run: (ctx) => diskToTape(ctx, true),
  },
  {
    id: 'copy.01-stream-to-block',
    title: '01h stream->block restores tape blocks to the destination disk byte-exact',
    run: (ctx) => tapeToDisk(ctx, false),
  },
  {
    id: 'copy.0c-stream-to-block-held',
    title: '0Ch stream->block also holds the data',
    run: (ctx) => tapeToDisk(ctx, true),
  },
  {
    id: 'copy.03-stream-to-stream',
    title:
      '03h stream->stream reads the tape into the null stream device C001h, leaving the tape after the data',
    run: (ctx) => tapeToNull(ctx, false),
  },
  {
    id: 'copy.0e-stream-to-stream-held',
    title: '0Eh stream->stream also holds the data',
    run: (ctx) => tapeToNull(ctx, true),
  },
  {
    id: 'copy.04-inline-to-stream',
    title: '04h inline data->stream writes the inline data as tape blocks',
    run: async (ctx) => {
      ctx.needCodes(0x04, 0xe4);
      const max = ctx.caps.operatingParameters?.maximumInlineDataLength;
      if (max !== undefined && max < 64) throw new NotAdvertised(`MAXIMUM INLINE DATA LENGTH ${max} < 64`);
      const inline = testPattern(64, 0x04);
      const tape = await blankTape(ctx);
      const id = ctx.nextListId();
      await ctx.copyGood(
        {
          listIdentifier: id,
          targets: [streamTarget(tape)],
          segments: [inlineToStream(0, 24, 16, 48)],
          inline,
        },
        '04h',
      );
      await tape.io.rewind();
      await tape.io.expectObjects(
        [inline.subarray(16, 40), inline.subarray(40, 64), 'EOD'],
        'tape read back',
      );
      await ctx.expectCompleted(id, 1, 48);
      return '48 inline bytes from offset 16 as two 24-byte blocks';
    },
  },
  {
    id: 'copy.05-embedded-to-stream',
    title: '05h embedded data->stream writes the embedded bytes as a tape block',
    run: async (ctx) => {
      ctx.needCodes(0x05, 0xe4);
      const data = Buffer.from('xcopy conformance: embedded data');
      const tape = await blankTape(ctx);
      const id = ctx.nextListId();
      await ctx.copyGood(
        {
          listIdentifier: id,
          targets: [streamTarget(tape)],
          segments: [embeddedToStream(0, data.length, data)],
        },
        '05h',
      );
      await tape.io.rewind();
      await tape.io.expectObjects([data, 'EOD'], 'tape read back');
      await ctx.expectCompleted(id, 1, data.length);
      return `${data.length} embedded bytes`;
    },
  },
  {
    id: 'copy.06-stream-to-discard',
    title: '06h stream->discard skips tape data',
    run: (ctx) => tapeToDiscard(ctx, false),
  },
  {
    id: 'copy.0f-stream-to-discard-held',
    title: '0Fh stream->discard holds what it skips',
    run: (ctx) => tapeToDiscard(ctx, true),
  },
  {
    id: 'copy.08-block-offset-to-stream',
    title: '08h block<o>->stream copies bytes from a byte offset of the disk to tape blocks',
    run: async (ctx) => {
      ctx.needCodes(0x08, 0xe4);
      const disk = ctx.needDisk();
      const placed = await placeSource(ctx, 4 * disk.io.blockLength + 4096, 0x08);
      const tape = await blankTape(ctx);
      const offset = 100;
      await ctx.copyGood(
        {
          listIdentifier: ctx.nextListId(),
          targets: [blockTarget(disk), streamTarget(tape)],
          segments: [blockOffsetToStream(0, 1, 500, 1000, placed.lba + 1n, offset)],
        },
        '08h',
      );
      const from = disk.io.blockLength + offset;
      await tape.io.rewind();
      await tape.io.expectObjects(
        [placed.data.subarray(from, from + 500), placed.data.subarray(from + 500, from + 1000), 'EOD'],
        'tape read back',
      );
      return '1000 bytes from byte offset 100 of LBA+1 as two 500-byte blocks';
    },
  },
  {
    id: 'copy.09-stream-to-block-offset',
    title: '09h stream->block<o> writes tape data at a byte offset of the disk, keeping the bytes around it',
    run: async (ctx) => {
      ctx.needCodes(0x09, 0xe4);
      const dst = ctx.needDestination();
      const tape = ctx.needTape();
      const data = blocks(2, 700, 0x09);
      await tape.io.prepare(data);
      const span = 4 * dst.io.blockLength;
      const dstLba = await clearDestination(ctx, span, AREA.destination, 0x5a);
      await ctx.copyGood(
        {
          listIdentifier: ctx.nextListId(),
          targets: [streamTarget(tape), blockTarget(dst)],
          segments: [streamToBlockOffset(0, 1, 700, 1400, dstLba, 300)],
        },
        '09h',
      );
      const expected = Buffer.alloc(span, 0x5a);
      Buffer.concat(data).copy(expected, 300);
      await expectOnDisk(dst, dstLba, expected, '09h');
      return '1400 bytes at byte offset 300';
    },
  },
];
