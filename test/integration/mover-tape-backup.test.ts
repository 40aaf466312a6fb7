// The classic serverless backup shape on REAL tape drive LUs: a header from inline data (04h), the
// disk image (00h) and a filemark (10h) per backup set, appended at end of data (11h), then a restore
// (11h to the set, 0Fh to check the header, 01h) into another disk: bytes identical, and the tape
// read with plain READ(6) has the header, the data blocks and the filemarks where they belong.
// Then four EXTENDED COPY commands with different list identifiers run at once (disk->tape on two
// drives, disk->disk twice) while COPY STATUS is polled.
import type { CopyStatus } from '../../cdb/xcopy/copy-status';
import { SpaceCode } from '../../cdb/ssc';
import type { LuResponse } from '../../emulator/lu';
import { b2b, pattern, readBlocks, writeBlocks } from '../unit/mover/helpers';
import {
  blockBytes,
  blockToStream,
  copyStatus,
  diskTargetOf,
  heldData,
  inlineToStream,
  readTapeBack,
  shape,
  space,
  streamToBlock,
  streamToDiscard,
  tapeSan,
  tapeTarget,
  type TapeSan,
  writeFilemarks,
  xcopy,
} from './mover-tape-rig';

const sans: TapeSan[] = [];

afterEach(async () => {
  for (const s of sans.splice(0)) await s.close();
});

function header(name: string): Buffer {
  return Buffer.from(`XCOPY-BACKUP SET ${name}`.padEnd(128, ' '));
}

describe('backup sets on tape and restore', () => {
  it('header + image + filemark per set, appended at EOD; the second set restores byte-identical', async () => {
    const san = await tapeSan();
    sans.push(san);
    const imageA = pattern(256 * 512, 1);
    const imageB = pattern(200 * 512, 2);
    await writeBlocks(san.src, 0n, imageA);
    await writeBlocks(san.src, 1000n, imageB);
    const backup = (id: number, name: string, lba: bigint, blocks: number): Promise<LuResponse> =>
      xcopy(san.cm, {
        id,
        targets: [diskTargetOf(san.src), tapeTarget(san.tape0, { pad: true })],
        segments: [
          space(1, SpaceCode.END_OF_DATA, 0),
          inlineToStream(1, 128, 0, 128),
          // 32 KiB tape blocks; PAD fills the last one with zeros.
          blockToStream(0, 1, blocks, lba, 32768),
          writeFilemarks(1, 1),
        ],
        inline: header(name),
      });
    expect((await backup(1, 'A', 0n, 256)).status).toBe(0);
    expect(await copyStatus(san.cm, 1)).toEqual({
      hdd: false,
      copyManagerStatus: 1,
      segmentsProcessed: 4,
      transferCountUnits: 0,
      transferCount: 128 + 256 * 512,
    });
    expect((await backup(2, 'B', 1000n, 200)).status).toBe(0);
    // 200 blocks = 102400 bytes = 3 x 32768 + 4096: the fourth block is padded.
    expect((await copyStatus(san.cm, 2)).transferCount).toBe(128 + 4 * 32768);

    const back = await readTapeBack(san.tape0.tape);
    expect(shape(back)).toEqual([
      128,
      32768,
      32768,
      32768,
      32768,
      'F',
      128,
      32768,
      32768,
      32768,
      32768,
      'F',
      'EOD',
    ]);
    const data = (from: number, to: number): Buffer => blockBytes(back.slice(from, to));
    expect(data(0, 1).equals(header('A'))).toBe(true);
    expect(data(1, 5).equals(imageA)).toBe(true);
    expect(data(6, 7).equals(header('B'))).toBe(true);
    const padded = Buffer.alloc(4 * 32768);
    imageB.copy(padded);
    expect(data(7, 11).equals(padded)).toBe(true);

    // Restore set B: rewind is the application's business; the list spaces over one filemark,
    // holds the header for a check, and reads the image (PAD on the tape drops the padding).
    expect((await san.tape0.tape.rewind()).status).toBe(0);
    const r = await xcopy(san.cm, {
      id: 3,
      targets: [tapeTarget(san.tape0, { pad: true }), diskTargetOf(san.dst)],
      segments: [
        space(0, SpaceCode.FILEMARKS, 1),
        streamToDiscard(0, 128, 128, { hold: true }),
        streamToBlock(0, 1, 200, 5000n, 32768),
        space(0, SpaceCode.FILEMARKS, 1),
      ],
    });
    expect(r.status).toBe(0);
    expect((await heldData(san.cm, 3)).equals(header('B'))).toBe(true);
    expect((await readBlocks(san.dst, 5000n, 200)).equals(imageB)).toBe(true);
    expect(await copyStatus(san.cm, 3)).toMatchObject({
      copyManagerStatus: 1,
      segmentsProcessed: 4,
      transferCount: 200 * 512,
    });
    // Past set B's filemark: at end of data.
    expect(await san.tape0.tape.position()).toBe(12);
  });
});

describe('concurrent copies', () => {
  it('four list identifiers at once (disk->tape on two drives, disk->disk twice) all complete; COPY STATUS tracks them', async () => {
    // 16 KiB disk transfers, so the disk->disk copies take as many steps as the tape ones.
    const san = await tapeSan({
      tapeFaults: true,
      diskFaults: true,
      config: { pipeline: { maxTransferBytes: 16384 } },
    });
    sans.push(san);
    // Slow every WRITE so the copies overlap and can be watched.
    san.tape0.faults?.addFault({ kind: 'delay', opcodes: [0x0a], ms: 3 });
    san.tape1.faults?.addFault({ kind: 'delay', opcodes: [0x0a], ms: 3 });
    san.dstFaults?.addFault({ kind: 'delay', opcodes: [0x2a, 0x8a], ms: 3 });
    const bytes = 512 * 1024;
    const images = [1, 2, 3, 4].map((seed) => pattern(bytes, seed));
    for (const [i, img] of images.entries()) await writeBlocks(san.src, BigInt(i * 2048), img);
    const blocks = bytes / 512;
    const lists = [
      {
        id: 11,
        targets: [diskTargetOf(san.src), tapeTarget(san.tape0)],
        segments: [blockToStream(0, 1, blocks, 0n, 16384)],
      },
      {
        id: 12,
        targets: [diskTargetOf(san.src), tapeTarget(san.tape1)],
        segments: [blockToStream(0, 1, blocks, 2048n, 16384)],
      },
      {
        id: 13,
        targets: [diskTargetOf(san.src), diskTargetOf(san.dst)],
        segments: [b2b(0, 1, blocks, 4096n, 0n)],
      },
      {
        id: 14,
        targets: [diskTargetOf(san.src), diskTargetOf(san.dst)],
        segments: [b2b(0, 1, blocks, 6144n, 4096n)],
      },
    ];
    const seen = new Map<number, CopyStatus[]>(lists.map((l) => [l.id, []]));
    let running = true;
    const copies = Promise.all(lists.map((l) => xcopy(san.cm, l))).finally(() => {
      running = false;
    });
    while (running) {
      for (const l of lists) {
        const s = await copyStatus(san.cm, l.id).catch(() => undefined);
        if (s !== undefined) seen.get(l.id)?.push(s);
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const results = await copies;
    expect(results.map((r) => r.status)).toEqual([0, 0, 0, 0]);
    for (const l of lists) {
      const statuses = seen.get(l.id) ?? [];
      const inProgress = statuses.filter((s) => s.copyManagerStatus === 0);
      expect(inProgress.length).toBeGreaterThan(0);
      // TRANSFER COUNT only grows, in bytes, and never passes what the copy moves.
      for (let i = 1; i < statuses.length; i++)
        expect(statuses[i].transferCount).toBeGreaterThanOrEqual(statuses[i - 1].transferCount);
      for (const s of inProgress) {
        expect(s.transferCountUnits).toBe(0);
        expect(s.transferCount).toBeLessThanOrEqual(bytes);
        expect(s.segmentsProcessed).toBe(0);
      }
      expect(await copyStatus(san.cm, l.id)).toEqual({
        hdd: false,
        copyManagerStatus: 1,
        segmentsProcessed: 1,
        transferCountUnits: 0,
        transferCount: bytes,
      });
    }
    // Some poll saw all four in progress together.
    const polls = Math.min(...[...seen.values()].map((s) => s.length));
    const together = Array.from({ length: polls }, (_v, i) =>
      lists.every((l) => (seen.get(l.id) ?? [])[i]?.copyManagerStatus === 0),
    );
    expect(together).toContain(true);
    const t0 = await readTapeBack(san.tape0.tape);
    const t1 = await readTapeBack(san.tape1.tape);
    expect(shape(t0)).toEqual([...Array<number>(bytes / 16384).fill(16384), 'EOD']);
    expect(blockBytes(t0).equals(images[0])).toBe(true);
    expect(blockBytes(t1).equals(images[1])).toBe(true);
    expect((await readBlocks(san.dst, 0n, blocks)).equals(images[2])).toBe(true);
    expect((await readBlocks(san.dst, 4096n, blocks)).equals(images[3])).toBe(true);
  });
});
