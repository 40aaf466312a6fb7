// Tape control through EXTENDED COPY: filemarks (10h), space (11h), locate (12h), the persistent
// reservation key segment (14h), a data underrun at a filemark, and the classic backup shape (04h
// header + 00h image + 10h filemark, then a 06h + 01h restore). Prepared and read back with plain
// WRITE(6)/READ(6) through the tape's own address.
import { decodeReadKeysData, encodePersistentReserveIn } from '../../cdb/spc/persistent-reserve-in';
import { SenseError } from '../../cdb/errors';
import type { CheckSpec } from './check';
import { AREA, expectSense } from './context';
import { clearDestination, expectOnDisk, placeSource } from './data';
import { blankTape, blocks, split } from './checks-tape';
import {
  blockTarget,
  blockToStream,
  embeddedToStream,
  inlineToStream,
  locate,
  registerKey,
  space,
  streamTarget,
  streamToBlock,
  streamToDiscard,
  writeFilemarks,
} from './lists';
import type { TapeLu } from './probe';
import { exec, GOOD, statusText } from './scsi';
import { CheckFailure, NotAdvertised } from './types';

export const TAPE_CONTROL_CHECKS: CheckSpec[] = [
  {
    id: 'tape.10-write-filemarks',
    title: '10h writes filemarks after the data, where READ(6) meets them',
    run: async (ctx) => {
      ctx.needCodes(0x05, 0x10, 0xe4);
      const tape = await blankTape(ctx);
      const a = Buffer.from('file one');
      const b = Buffer.from('file two');
      await ctx.copyGood(
        {
          listIdentifier: ctx.nextListId(),
          targets: [streamTarget(tape)],
          segments: [
            embeddedToStream(0, a.length, a),
            writeFilemarks(0, 1),
            embeddedToStream(0, b.length, b),
            writeFilemarks(0, 2),
          ],
        },
        '10h',
      );
      await tape.io.rewind();
      await tape.io.expectObjects([a, 'F', b, 'F', 'F', 'EOD'], 'tape read back');
      return 'block, filemark, block, two filemarks';
    },
  },
  {
    id: 'tape.11-space',
    title: '11h space over two filemarks, then 01h reads the first block of the third file',
    run: async (ctx) => {
      ctx.needCodes(0x11, 0x01, 0xe4);
      const dst = ctx.needDestination();
      const tape = ctx.needTape();
      const bl = dst.io.blockLength;
      const data = blocks(3, bl, 0x11);
      await tape.io.prepare([data[0], 'F', data[1], 'F', data[2]]);
      const dstLba = await clearDestination(ctx, bl);
      await ctx.copyGood(
        {
          listIdentifier: ctx.nextListId(),
          targets: [streamTarget(tape), blockTarget(dst)],
          segments: [space(0, 0x01, 2), streamToBlock(0, 1, 1, dstLba, bl)],
        },
        '11h',
      );
      await expectOnDisk(dst, dstLba, data[2], 'block after the second filemark');
      return 'spaced 2 filemarks forward';
    },
  },
  {
    id: 'tape.12-locate',
    title: '12h locate to logical object 2, then 01h reads that block',
    run: async (ctx) => {
      ctx.needCodes(0x12, 0x01, 0xe4);
      const dst = ctx.needDestination();
      const tape = ctx.needTape();
      const bl = dst.io.blockLength;
      const data = blocks(4, bl, 0x12);
      await tape.io.prepare(data);
      const dstLba = await clearDestination(ctx, bl);
      await ctx.copyGood(
        {
          listIdentifier: ctx.nextListId(),
          targets: [streamTarget(tape), blockTarget(dst)],
          segments: [locate(0, 2), streamToBlock(0, 1, 1, dstLba, bl)],
        },
        '12h',
      );
      await expectOnDisk(dst, dstLba, data[2], 'block at logical object 2');
      await tape.io.expectObjects([data[3], 'EOD'], 'tape position after the copy');
      return 'located object 2';
    },
  },
  {
    id: 'tape.14-register-key',
    title: '14h registers a persistent reservation key on the tape (READ KEYS shows it), and unregisters it',
    run: async (ctx) => {
      ctx.needCodes(0x14, 0xe4);
      const tape = ctx.needTape();
      const key = 0x58c0_7e57_0000_0014n;
      await ctx.copyGood(
        {
          listIdentifier: ctx.nextListId(),
          targets: [streamTarget(tape)],
          segments: [registerKey(0, 0n, key)],
        },
        '14h register',
      );
      if (!(await readKeys(tape)).includes(key))
        throw new CheckFailure('READ KEYS on the tape does not list the key');
      const un = await ctx.copy({
        listIdentifier: ctx.nextListId(),
        targets: [streamTarget(tape)],
        segments: [registerKey(0, key, 0n)],
      });
      if (un.status !== GOOD)
        return `registered; unregistering answered ${statusText(un)} (the key stays on the tape)`;
      if ((await readKeys(tape)).includes(key))
        throw new CheckFailure('the key is still registered after 14h with SERVICE ACTION RESERVATION KEY 0');
      return 'registered and unregistered';
    },
  },
  {
    id: 'tape.underrun-at-filemark',
    title: '01h meeting a filemark before its data is complete is COPY ABORTED, DATA UNDERRUN (0A/0D/04)',
    run: async (ctx) => {
      ctx.needCodes(0x01, 0xe4);
      const dst = ctx.needDestination();
      const tape = ctx.needTape();
      const bl = dst.io.blockLength;
      await tape.io.prepare([...blocks(1, bl, 0x13), 'F', ...blocks(1, bl, 0x14)]);
      const dstLba = await clearDestination(ctx, 4 * bl);
      const a = await ctx.copy({
        listIdentifier: ctx.nextListId(),
        targets: [streamTarget(tape), blockTarget(dst)],
        segments: [streamToBlock(0, 1, 4, dstLba, bl)],
      });
      return `answered ${expectSense(a, '0a/0d/04', '01h across a filemark')}`;
    },
  },
  {
    id: 'backup.header-image-filemark',
    title: 'backup shape: 04h header + 00h image + 10h filemark; 06h + 01h restore is byte-identical',
    run: async (ctx) => {
      ctx.needCodes(0x04, 0x00, 0x10, 0x06, 0x01, 0xe4);
      const disk = ctx.needDisk();
      const dst = ctx.needDestination();
      const max = ctx.caps.operatingParameters?.maximumInlineDataLength;
      if (max !== undefined && max < 128) throw new NotAdvertised(`MAXIMUM INLINE DATA LENGTH ${max} < 128`);
      const header = Buffer.from('XCOPY CONFORMANCE BACKUP HEADER'.padEnd(128, '.'));
      const bytes = 128 * 1024;
      const placed = await placeSource(ctx, bytes, 0xb0);
      const tape = await blankTape(ctx);
      await ctx.copyGood(
        {
          listIdentifier: ctx.nextListId(),
          targets: [blockTarget(disk), streamTarget(tape)],
          segments: [
            inlineToStream(1, 128, 0, 128),
            blockToStream(0, 1, bytes / disk.io.blockLength, placed.lba, 32768),
            writeFilemarks(1, 1),
          ],
          inline: header,
        },
        'backup',
      );
      await tape.io.rewind();
      await tape.io.expectObjects([header, ...split(placed.data, 32768), 'F', 'EOD'], 'tape read back');
      await tape.io.rewind();
      const dstLba = await clearDestination(ctx, bytes, AREA.destination);
      await ctx.copyGood(
        {
          listIdentifier: ctx.nextListId(),
          targets: [streamTarget(tape), blockTarget(dst)],
          segments: [
            streamToDiscard(0, 128, 128),
            streamToBlock(0, 1, bytes / dst.io.blockLength, dstLba, 32768),
          ],
        },
        'restore',
      );
      await expectOnDisk(dst, dstLba, placed.data, 'restored image');
      await tape.io.expectObjects(['F', 'EOD'], 'tape position after the restore');
      return `${bytes}-byte image backed up and restored`;
    },
  },
];

async function readKeys(tape: TapeLu): Promise<bigint[]> {
  const a = await exec(tape.io.t, {
    cdb: encodePersistentReserveIn({ serviceAction: 0, allocationLength: 0x1000, control: 0 }),
    dataInLength: 0x1000,
  });
  if (a.status !== GOOD)
    throw new CheckFailure(`PERSISTENT RESERVE IN READ KEYS on the tape: ${statusText(a)}`, a.kcq ?? null);
  try {
    return decodeReadKeysData(a.dataIn).reservationKeys;
  } catch (e) {
    if (e instanceof SenseError) throw new CheckFailure(`READ KEYS data does not decode: ${e.message}`);
    throw e;
  }
}
