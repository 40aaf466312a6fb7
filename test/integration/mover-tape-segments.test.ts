// Every stream segment type of the copy manager against REAL tape drive LUs (emulator/devices/tape.ts)
// in this process: 00h (variable and fixed mode, STREAM BLOCK LENGTH, PAD/CAT residue), 01h, 03h,
// 04h, 05h, 06h, 07h, 08h, 09h, 0Bh, 0Ch, 0Eh, 0Fh, 10h, 11h, 12h and 14h. What the mover wrote is
// checked by reading the tape back with plain READ(6) through the tape's own transport, and the
// disks with READ(16).
import { decodeReadKeysData, encodePersistentReserveIn } from '../../cdb/spc/persistent-reserve-in';
import type { SegmentDescriptor } from '../../cdb/xcopy/segment-descriptor';
import { SpaceCode } from '../../cdb/ssc';
import { block } from '../conformance/ssc/support';
import { pattern, readBlocks, writeBlocks } from '../unit/mover/helpers';
import {
  abortedOf,
  blockBytes,
  blockToStream,
  copyStatus,
  diskTargetOf,
  expectGoodResult,
  heldData,
  inlineToStream,
  locate,
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

let san: TapeSan;

beforeEach(async () => {
  san = await tapeSan();
});

afterEach(async () => {
  await san.close();
});

/** Parameter list offsets: 16-byte header, then 32-byte E4h descriptors. */
const CSCD0 = 16;
const CSCD1 = 48;

describe('00h block -> stream', () => {
  it('variable mode: one tape block of STREAM DEVICE TRANSFER LENGTH bytes per WRITE(6)', async () => {
    const data = pattern(16 * 512, 1);
    await writeBlocks(san.src, 100n, data);
    const r = await xcopy(san.cm, {
      targets: [diskTargetOf(san.src), tapeTarget(san.tape0)],
      segments: [blockToStream(0, 1, 16, 100n, 4096)],
    });
    expect(r.status).toBe(0);
    const back = await readTapeBack(san.tape0.tape);
    expect(shape(back)).toEqual([4096, 4096, 'EOD']);
    expect(blockBytes(back).equals(data)).toBe(true);
    expect(await copyStatus(san.cm)).toEqual({
      hdd: false,
      copyManagerStatus: 1,
      segmentsProcessed: 1,
      transferCountUnits: 0,
      transferCount: 8192,
    });
  });

  it('fixed mode: FIXED=1 with the drive set to STREAM BLOCK LENGTH writes blocks of that length', async () => {
    const data = pattern(10 * 512, 2);
    await writeBlocks(san.src, 0n, data);
    await san.tape0.tape.setBlockLength(512);
    const r = await xcopy(san.cm, {
      targets: [diskTargetOf(san.src), tapeTarget(san.tape0, { fixed: true, streamBlockLength: 512 })],
      // TRANSFER LENGTH 4 blocks per WRITE(6): 4 + 4 + 2.
      segments: [blockToStream(0, 1, 10, 0n, 4)],
    });
    expect(r.status).toBe(0);
    expect(await san.tape0.tape.position()).toBe(10);
    await san.tape0.tape.setBlockLength(0);
    const back = await readTapeBack(san.tape0.tape);
    expect(shape(back)).toEqual([...Array<number>(10).fill(512), 'EOD']);
    expect(blockBytes(back).equals(data)).toBe(true);
    expect((await copyStatus(san.cm)).transferCount).toBe(5120);
  });

  it('a STREAM BLOCK LENGTH that is not the drive block length is refused before anything moves (26/00)', async () => {
    const data = pattern(8 * 512, 3);
    await writeBlocks(san.src, 0n, data);
    // The drive writes 512-byte blocks; the descriptor claims 1024. MODE SENSE tells the mover first.
    await san.tape0.tape.setBlockLength(512);
    const w = await xcopy(san.cm, {
      targets: [diskTargetOf(san.src), tapeTarget(san.tape0, { fixed: true, streamBlockLength: 1024 })],
      segments: [blockToStream(0, 1, 8, 0n, 2)],
    });
    // COPY ABORTED, INVALID FIELD IN PARAMETER LIST at the CSCD's STREAM BLOCK LENGTH (byte 29).
    expect(abortedOf(w)).toEqual({
      kcq: '0a/26/00',
      segment: 0,
      pointer: { segmentDescriptor: false, field: CSCD1 + 29 },
    });
    expect((await copyStatus(san.cm)).transferCount).toBe(0);
    expect(await san.tape0.tape.position()).toBe(0);
    // Reading 1024-byte blocks from a drive set to 2048: refused too, the disk is untouched.
    await san.tape0.tape.setBlockLength(2048);
    expectGoodResult(await san.tape0.tape.rewind());
    expectGoodResult(await san.tape0.tape.writeFixed(2, pattern(4096, 4)));
    expectGoodResult(await san.tape0.tape.rewind());
    const rd = await xcopy(san.cm, {
      targets: [tapeTarget(san.tape0, { fixed: true, streamBlockLength: 1024 }), diskTargetOf(san.dst)],
      segments: [streamToBlock(0, 1, 8, 0n, 2)],
    });
    expect(abortedOf(rd)).toEqual({
      kcq: '0a/26/00',
      segment: 0,
      pointer: { segmentDescriptor: false, field: CSCD0 + 29 },
    });
    expect(await san.tape0.tape.position()).toBe(0);
    expect((await readBlocks(san.dst, 0n, 8)).equals(Buffer.alloc(4096))).toBe(true);
    // A drive in variable mode (block length 0) cannot take FIXED=1 transfers: refused the same way.
    await san.tape0.tape.setBlockLength(0);
    const v = await xcopy(san.cm, {
      targets: [diskTargetOf(san.src), tapeTarget(san.tape0, { fixed: true, streamBlockLength: 512 })],
      segments: [blockToStream(0, 1, 8, 0n, 2)],
    });
    expect(abortedOf(v)).toEqual({
      kcq: '0a/26/00',
      segment: 0,
      pointer: { segmentDescriptor: false, field: CSCD1 + 29 },
    });
  });

  it('residue: a partial last block is 26/0A without PAD and zero-padded with PAD', async () => {
    const data = pattern(3 * 512, 5);
    await writeBlocks(san.src, 0n, data);
    const plain = await xcopy(san.cm, {
      targets: [diskTargetOf(san.src), tapeTarget(san.tape0)],
      segments: [blockToStream(0, 1, 3, 0n, 1024)],
    });
    expect(abortedOf(plain)).toEqual({ kcq: '0a/26/0a', segment: 0 });
    expect((await copyStatus(san.cm)).transferCount).toBe(1024);
    const first = await readTapeBack(san.tape0.tape);
    expect(shape(first)).toEqual([1024, 'EOD']);
    expect(blockBytes(first).equals(data.subarray(0, 1024))).toBe(true);

    const padded = await xcopy(san.cm, {
      id: 2,
      targets: [diskTargetOf(san.src), tapeTarget(san.tape1, { pad: true })],
      segments: [blockToStream(0, 1, 3, 0n, 1024)],
    });
    expect(padded.status).toBe(0);
    const back = await readTapeBack(san.tape1.tape);
    expect(shape(back)).toEqual([1024, 1024, 'EOD']);
    const expected = Buffer.alloc(2048);
    data.copy(expected);
    expect(blockBytes(back).equals(expected)).toBe(true);
    expect((await copyStatus(san.cm, 2)).transferCount).toBe(2048);
  });

  it('CAT=1 carries the residue into the next segment; before a 10h it is padded (PAD) or fails (no PAD)', async () => {
    const data = pattern(6 * 512, 6);
    await writeBlocks(san.src, 0n, data);
    const r = await xcopy(san.cm, {
      targets: [diskTargetOf(san.src), tapeTarget(san.tape0)],
      segments: [blockToStream(0, 1, 3, 0n, 1024, { cat: true }), blockToStream(0, 1, 3, 3n, 1024)],
    });
    expect(r.status).toBe(0);
    const back = await readTapeBack(san.tape0.tape);
    expect(shape(back)).toEqual([1024, 1024, 1024, 'EOD']);
    expect(blockBytes(back).equals(data)).toBe(true);

    const noPad = await xcopy(san.cm, {
      id: 2,
      targets: [diskTargetOf(san.src), tapeTarget(san.tape1)],
      segments: [blockToStream(0, 1, 3, 0n, 1024, { cat: true }), writeFilemarks(1, 1)],
    });
    // The residue belongs to segment 0; the filemark is never written.
    expect(abortedOf(noPad)).toEqual({ kcq: '0a/26/0a', segment: 0 });
    expect(shape(await readTapeBack(san.tape1.tape))).toEqual([1024, 'EOD']);

    expectGoodResult(await san.tape1.tape.rewind());
    const pad = await xcopy(san.cm, {
      id: 3,
      targets: [diskTargetOf(san.src), tapeTarget(san.tape1, { pad: true })],
      segments: [blockToStream(0, 1, 3, 0n, 1024, { cat: true }), writeFilemarks(1, 1)],
    });
    expect(pad.status).toBe(0);
    const padded = await readTapeBack(san.tape1.tape);
    expect(shape(padded)).toEqual([1024, 1024, 'F', 'EOD']);
    expect(blockBytes(padded).subarray(1024, 1536).equals(data.subarray(1024, 1536))).toBe(true);
    expect(blockBytes(padded).subarray(1536).equals(Buffer.alloc(512))).toBe(true);
  });
});

describe('01h stream -> block', () => {
  it('variable mode: tape blocks of TRANSFER LENGTH bytes land on the disk in order', async () => {
    const blocks = [0, 1, 2, 3].map((i) => block(i, 1024));
    for (const b of blocks) expectGoodResult(await san.tape0.tape.write(b));
    expectGoodResult(await san.tape0.tape.rewind());
    const r = await xcopy(san.cm, {
      targets: [tapeTarget(san.tape0), diskTargetOf(san.dst)],
      segments: [streamToBlock(0, 1, 8, 40n, 1024)],
    });
    expect(r.status).toBe(0);
    expect((await readBlocks(san.dst, 40n, 8)).equals(Buffer.concat(blocks))).toBe(true);
    expect(await san.tape0.tape.position()).toBe(4);
    expect((await copyStatus(san.cm)).transferCount).toBe(4096);
  });

  it('short tape blocks (ILI) are taken as they come; the surplus is residual source data (PAD discards it)', async () => {
    await san.tape0.tape.writeLayout([1000, 1000, 1000]);
    expectGoodResult(await san.tape0.tape.rewind());
    const all = Buffer.concat([0, 1, 2].map((i) => block(i, 1000)));
    const noPad = await xcopy(san.cm, {
      targets: [tapeTarget(san.tape0), diskTargetOf(san.dst)],
      segments: [streamToBlock(0, 1, 4, 0n, 1024)],
    });
    // 3000 bytes read for 2048: the blocks are written, then the 952 left over are an inexact segment.
    expect(abortedOf(noPad)).toEqual({ kcq: '0a/26/0a', segment: 0 });
    expect((await readBlocks(san.dst, 0n, 4)).equals(all.subarray(0, 2048))).toBe(true);
    expect(await san.tape0.tape.position()).toBe(3);

    expectGoodResult(await san.tape0.tape.rewind());
    const pad = await xcopy(san.cm, {
      id: 2,
      targets: [tapeTarget(san.tape0, { pad: true }), diskTargetOf(san.dst)],
      segments: [streamToBlock(0, 1, 4, 100n, 1024)],
    });
    expect(pad.status).toBe(0);
    expect((await readBlocks(san.dst, 100n, 4)).equals(all.subarray(0, 2048))).toBe(true);
    expect(await copyStatus(san.cm, 2)).toMatchObject({ copyManagerStatus: 1, transferCount: 2048 });
  });

  it('fixed mode reads only the blocks it needs, TRANSFER LENGTH blocks at a time', async () => {
    const data = pattern(7 * 512, 7);
    await san.tape0.tape.setBlockLength(512);
    expectGoodResult(await san.tape0.tape.writeFixed(7, data));
    expectGoodResult(await san.tape0.tape.rewind());
    const r = await xcopy(san.cm, {
      targets: [tapeTarget(san.tape0, { fixed: true, streamBlockLength: 512 }), diskTargetOf(san.dst)],
      segments: [streamToBlock(0, 1, 6, 0n, 4)],
    });
    expect(r.status).toBe(0);
    expect((await readBlocks(san.dst, 0n, 6)).equals(data.subarray(0, 3072))).toBe(true);
    // The seventh block stays on the tape, unread.
    expect(await san.tape0.tape.position()).toBe(6);
  });
});

describe('03h/0Eh stream -> stream, 04h inline, 05h embedded, 06h/0Fh discard', () => {
  it('0Eh reblocks variable 1000-byte blocks onto a fixed 512-byte tape, padding the last block, and holds the data', async () => {
    await san.tape0.tape.writeLayout([1000, 1000, 1000]);
    expectGoodResult(await san.tape0.tape.rewind());
    await san.tape1.tape.setBlockLength(512);
    const seg: SegmentDescriptor = {
      kind: 'streamToStream',
      descriptorTypeCode: 0x0e,
      cat: false,
      sourceCscdDescriptorId: 0,
      destinationCscdDescriptorId: 1,
      sourceStreamDeviceTransferLength: 1000,
      destinationStreamDeviceTransferLength: 2,
      byteCount: 3000,
    };
    const r = await xcopy(san.cm, {
      targets: [
        tapeTarget(san.tape0),
        tapeTarget(san.tape1, { fixed: true, streamBlockLength: 512, pad: true }),
      ],
      segments: [seg],
    });
    expect(r.status).toBe(0);
    const all = Buffer.concat([0, 1, 2].map((i) => block(i, 1000)));
    await san.tape1.tape.setBlockLength(0);
    const back = await readTapeBack(san.tape1.tape);
    expect(shape(back)).toEqual([...Array<number>(6).fill(512), 'EOD']);
    const expected = Buffer.alloc(3072);
    all.copy(expected);
    expect(blockBytes(back).equals(expected)).toBe(true);
    expect((await heldData(san.cm)).equals(all)).toBe(true);
    expect((await copyStatus(san.cm)).transferCount).toBe(3072);
  });

  it('03h copies variable blocks to variable blocks of another size', async () => {
    await san.tape0.tape.writeLayout([1000, 1000, 1000]);
    expectGoodResult(await san.tape0.tape.rewind());
    const r = await xcopy(san.cm, {
      targets: [tapeTarget(san.tape0), tapeTarget(san.tape1)],
      segments: [
        {
          kind: 'streamToStream',
          descriptorTypeCode: 0x03,
          cat: false,
          sourceCscdDescriptorId: 0,
          destinationCscdDescriptorId: 1,
          sourceStreamDeviceTransferLength: 1000,
          destinationStreamDeviceTransferLength: 1500,
          byteCount: 3000,
        },
      ],
    });
    expect(r.status).toBe(0);
    const back = await readTapeBack(san.tape1.tape);
    expect(shape(back)).toEqual([1500, 1500, 'EOD']);
    expect(blockBytes(back).equals(Buffer.concat([0, 1, 2].map((i) => block(i, 1000))))).toBe(true);
  });

  it('04h writes inline data and 05h embedded data as tape blocks', async () => {
    const inline = pattern(64, 8);
    const embedded = Buffer.from('embedded data!');
    const r = await xcopy(san.cm, {
      targets: [tapeTarget(san.tape0)],
      segments: [
        inlineToStream(0, 16, 16, 32),
        {
          kind: 'embeddedToStream',
          descriptorTypeCode: 0x05,
          cat: false,
          destinationCscdDescriptorId: 0,
          streamDeviceTransferLength: 14,
          embeddedData: embedded,
        },
      ],
      inline,
    });
    expect(r.status).toBe(0);
    const back = await readTapeBack(san.tape0.tape);
    expect(shape(back)).toEqual([16, 16, 14, 'EOD']);
    expect(blockBytes(back).equals(Buffer.concat([inline.subarray(16, 48), embedded]))).toBe(true);
    expect(await copyStatus(san.cm)).toMatchObject({ segmentsProcessed: 2, transferCount: 46 });
  });

  it('04h reaching past the inline data is 26/0B before anything is written', async () => {
    const r = await xcopy(san.cm, {
      targets: [tapeTarget(san.tape0)],
      segments: [inlineToStream(0, 16, 32, 64)],
      inline: pattern(64, 9),
    });
    expect(abortedOf(r)).toEqual({
      kcq: '0a/26/0b',
      segment: 0,
      pointer: { segmentDescriptor: true, field: 16 },
    });
    expect(shape(await readTapeBack(san.tape0.tape))).toEqual(['EOD']);
  });

  it('06h skips tape data without counting it; 0Fh reads and holds it', async () => {
    await san.tape0.tape.writeLayout([512, 512, 512, 512]);
    expectGoodResult(await san.tape0.tape.rewind());
    const r = await xcopy(san.cm, {
      targets: [tapeTarget(san.tape0), diskTargetOf(san.dst)],
      segments: [
        streamToDiscard(0, 512, 1024),
        streamToDiscard(0, 512, 512, { hold: true }),
        streamToBlock(0, 1, 1, 9n, 512),
      ],
    });
    expect(r.status).toBe(0);
    expect((await heldData(san.cm)).equals(block(2, 512))).toBe(true);
    expect((await readBlocks(san.dst, 9n, 1)).equals(block(3, 512))).toBe(true);
    expect(await copyStatus(san.cm)).toMatchObject({ segmentsProcessed: 3, transferCount: 512 });
    expect(await san.tape0.tape.position()).toBe(4);
  });
});

describe('07h, 08h, 09h, 0Bh, 0Ch', () => {
  it('07h with TUR=1 answers the drive state: ready is GOOD, no medium is 0D/01 with NOT READY forwarded', async () => {
    const verify = (tur: boolean): SegmentDescriptor => ({
      kind: 'verifyCscd',
      descriptorTypeCode: 0x07,
      sourceCscdDescriptorId: 0,
      tur,
    });
    expect((await xcopy(san.cm, { targets: [tapeTarget(san.tape0)], segments: [verify(true)] })).status).toBe(
      0,
    );
    san.tape0.lu.unloadCartridge();
    // TUR=0 only checks that the CSCD can be addressed.
    expect(
      (await xcopy(san.cm, { targets: [tapeTarget(san.tape0)], segments: [verify(false)] })).status,
    ).toBe(0);
    const r = await xcopy(san.cm, { targets: [tapeTarget(san.tape0)], segments: [verify(true)] });
    const a = abortedOf(r);
    expect(a).toMatchObject({
      kcq: '0a/0d/01',
      segment: 0,
      pointer: { segmentDescriptor: false, field: CSCD0 },
      forwarded: { role: 'source', status: 2 },
    });
    expect(a.forwarded?.sense).toMatchObject({ senseKey: 0x02, asc: 0x3a, ascq: 0x00 });
  });

  it('08h copies from a byte offset inside a disk block; 09h writes tape data at a byte offset of a disk', async () => {
    const data = pattern(8 * 512, 10);
    await writeBlocks(san.src, 0n, data);
    const r = await xcopy(san.cm, {
      targets: [diskTargetOf(san.src), tapeTarget(san.tape0)],
      segments: [
        {
          kind: 'blockOffsetToStream',
          descriptorTypeCode: 0x08,
          cat: false,
          sourceCscdDescriptorId: 0,
          destinationCscdDescriptorId: 1,
          streamDeviceTransferLength: 1000,
          numberOfBytes: 2000,
          blockDeviceLogicalBlockAddress: 2n,
          blockDeviceByteOffset: 10,
        },
      ],
    });
    expect(r.status).toBe(0);
    const back = await readTapeBack(san.tape0.tape);
    expect(shape(back)).toEqual([1000, 1000, 'EOD']);
    expect(blockBytes(back).equals(data.subarray(1034, 3034))).toBe(true);

    const before = pattern(4 * 512, 11);
    await writeBlocks(san.dst, 10n, before);
    expectGoodResult(await san.tape0.tape.rewind());
    const w = await xcopy(san.cm, {
      id: 2,
      targets: [tapeTarget(san.tape0), diskTargetOf(san.dst)],
      segments: [
        {
          kind: 'streamToBlockOffset',
          descriptorTypeCode: 0x09,
          cat: false,
          sourceCscdDescriptorId: 0,
          destinationCscdDescriptorId: 1,
          streamDeviceTransferLength: 1000,
          numberOfBytes: 2000,
          blockDeviceLogicalBlockAddress: 10n,
          blockDeviceByteOffset: 30,
        },
      ],
    });
    expect(w.status).toBe(0);
    const expected = Buffer.from(before);
    data.copy(expected, 30, 1034, 3034);
    expect((await readBlocks(san.dst, 10n, 4)).equals(expected)).toBe(true);
    expect((await copyStatus(san.cm, 2)).transferCount).toBe(2000);
  });

  it('0Bh writes the tape and holds the data; 0Ch restores it to a disk and holds it again', async () => {
    const data = pattern(4 * 512, 12);
    await writeBlocks(san.src, 0n, data);
    const w = await xcopy(san.cm, {
      targets: [diskTargetOf(san.src), tapeTarget(san.tape0)],
      segments: [blockToStream(0, 1, 4, 0n, 1024, { hold: true })],
    });
    expect(w.status).toBe(0);
    expect((await heldData(san.cm)).equals(data)).toBe(true);
    expectGoodResult(await san.tape0.tape.rewind());
    const r = await xcopy(san.cm, {
      id: 2,
      targets: [tapeTarget(san.tape0), diskTargetOf(san.dst)],
      segments: [streamToBlock(0, 1, 4, 20n, 1024, { hold: true })],
    });
    expect(r.status).toBe(0);
    expect((await readBlocks(san.dst, 20n, 4)).equals(data)).toBe(true);
    expect((await heldData(san.cm, 2)).equals(data)).toBe(true);
  });
});

describe('tape positioning and reservation segments (10h, 11h, 12h, 14h)', () => {
  it('10h writes filemarks where READ(6) later meets them (W_IMMED too)', async () => {
    const data = pattern(2 * 512, 13);
    await writeBlocks(san.src, 0n, data);
    const r = await xcopy(san.cm, {
      targets: [diskTargetOf(san.src), tapeTarget(san.tape0)],
      segments: [
        blockToStream(0, 1, 1, 0n, 512),
        writeFilemarks(1, 1),
        blockToStream(0, 1, 1, 1n, 512),
        writeFilemarks(1, 2, { wImmed: true }),
      ],
    });
    expect(r.status).toBe(0);
    const back = await readTapeBack(san.tape0.tape);
    expect(shape(back)).toEqual([512, 'F', 512, 'F', 'F', 'EOD']);
    expect(blockBytes(back).equals(data)).toBe(true);
    expect(await copyStatus(san.cm)).toMatchObject({ segmentsProcessed: 4, transferCount: 1024 });
  });

  it('11h spaces over filemarks and blocks, both directions, and to end of data before appending', async () => {
    await san.tape0.tape.writeLayout([512, 'F', 512, 'F', 512, 512]);
    expectGoodResult(await san.tape0.tape.rewind());
    const r = await xcopy(san.cm, {
      targets: [tapeTarget(san.tape0), diskTargetOf(san.dst)],
      segments: [
        space(0, SpaceCode.FILEMARKS, 2), // to object 4, the first block of the third file
        space(0, SpaceCode.LOGICAL_BLOCKS, 1), // object 5
        space(0, SpaceCode.LOGICAL_BLOCKS, -1), // back to object 4
        streamToBlock(0, 1, 1, 0n, 512),
      ],
    });
    expect(r.status).toBe(0);
    expect((await readBlocks(san.dst, 0n, 1)).equals(block(4, 512))).toBe(true);
    expect(await san.tape0.tape.position()).toBe(5);

    const data = pattern(512, 14);
    await writeBlocks(san.src, 0n, data);
    expectGoodResult(await san.tape0.tape.rewind());
    const append = await xcopy(san.cm, {
      id: 2,
      targets: [diskTargetOf(san.src), tapeTarget(san.tape0)],
      segments: [space(1, SpaceCode.END_OF_DATA, 0), blockToStream(0, 1, 1, 0n, 512)],
    });
    expect(append.status).toBe(0);
    const back = await readTapeBack(san.tape0.tape);
    expect(shape(back)).toEqual([512, 'F', 512, 'F', 512, 512, 512, 'EOD']);
    expect(back[6].kind === 'block' && back[6].data.equals(data)).toBe(true);
  });

  it('11h spacing blocks into a filemark is 0D/01 with the filemark sense forwarded', async () => {
    await san.tape0.tape.writeLayout([512, 'F', 512]);
    expectGoodResult(await san.tape0.tape.rewind());
    const r = await xcopy(san.cm, {
      targets: [tapeTarget(san.tape0)],
      segments: [space(0, SpaceCode.LOGICAL_BLOCKS, 3)],
    });
    const a = abortedOf(r);
    expect(a).toMatchObject({ kcq: '0a/0d/01', segment: 0, forwarded: { role: 'destination', status: 2 } });
    // SSC-4: NO SENSE, FILEMARK, 00/01, INFORMATION = blocks not spaced (3 - 1).
    expect(a.forwarded?.sense).toMatchObject({
      senseKey: 0,
      asc: 0,
      ascq: 1,
      filemark: true,
      information: 2n,
    });
  });

  it('12h locates to a logical object before a read', async () => {
    await san.tape0.tape.writeLayout([512, 512, 'F', 512, 512]);
    const r = await xcopy(san.cm, {
      targets: [tapeTarget(san.tape0), diskTargetOf(san.dst)],
      segments: [
        locate(0, 3),
        streamToBlock(0, 1, 2, 7n, 512),
        locate(0, 1),
        streamToBlock(0, 1, 1, 9n, 512),
      ],
    });
    expect(r.status).toBe(0);
    expect(
      (await readBlocks(san.dst, 7n, 3)).equals(Buffer.concat([block(3, 512), block(4, 512), block(1, 512)])),
    ).toBe(true);
    expect(await san.tape0.tape.position()).toBe(2);
  });

  it('14h registers the mover as a persistent reservation holder of the tape', async () => {
    const r = await xcopy(san.cm, {
      targets: [tapeTarget(san.tape0)],
      segments: [
        {
          kind: 'registerKey',
          descriptorTypeCode: 0x14,
          destinationCscdDescriptorId: 0,
          reservationKey: 0n,
          serviceActionReservationKey: 0x0123456789abcdefn,
        },
      ],
    });
    expect(r.status).toBe(0);
    const keys = await san.tape0.tape.exec(
      encodePersistentReserveIn({ serviceAction: 0, allocationLength: 256, control: 0 }),
      { dataInLength: 256 },
    );
    expectGoodResult(keys);
    expect(decodeReadKeysData(keys.dataIn)).toEqual({
      prGeneration: 1,
      reservationKeys: [0x0123456789abcdefn],
    });
    // Registering again with RESERVATION KEY 0 from the same nexus (already registered) is a conflict.
    const again = await xcopy(san.cm, {
      id: 2,
      targets: [tapeTarget(san.tape0)],
      segments: [
        {
          kind: 'registerKey',
          descriptorTypeCode: 0x14,
          destinationCscdDescriptorId: 0,
          reservationKey: 0n,
          serviceActionReservationKey: 0x42n,
        },
      ],
    });
    expect(abortedOf(again)).toMatchObject({
      kcq: '0a/0d/01',
      segment: 0,
      forwarded: { role: 'destination', status: 0x18 },
    });
  });
});
