// Tape conditions met by EXTENDED COPY against REAL tape drive LUs: incorrect-length blocks (ILI),
// a filemark while reading, early warning and VOLUME OVERFLOW while writing, a MEDIUM ERROR on a tape
// object, a write-protected cartridge. Each failure is COPY ABORTED with the failing segment in
// COMMAND-SPECIFIC INFORMATION and the drive's own sense forwarded (also in FAILED SEGMENT DETAILS),
// and TRANSFER COUNT is exactly what the tape holds when it is read back with plain READ(6).
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
  failedSegmentDetails,
  inlineToStream,
  readTapeBack,
  shape,
  space,
  streamToBlock,
  tapeSan,
  tapeTarget,
  type TapeSan,
  writeFilemarks,
  xcopy,
} from './mover-tape-rig';

const sans: TapeSan[] = [];

async function open(o: Parameters<typeof tapeSan>[0] = {}): Promise<TapeSan> {
  const s = await tapeSan(o);
  sans.push(s);
  return s;
}

afterEach(async () => {
  for (const s of sans.splice(0)) await s.close();
});

const CSCD0 = 16;
const CSCD1 = 48;

describe('reading a tape', () => {
  it('a block longer than STREAM DEVICE TRANSFER LENGTH is DATA OVERRUN (0D/05) with ILI and a negative INFORMATION forwarded', async () => {
    const san = await open();
    await san.tape0.tape.writeLayout([1024, 2048, 1024]);
    expectGoodResult(await san.tape0.tape.rewind());
    const r = await xcopy(san.cm, {
      targets: [tapeTarget(san.tape0), diskTargetOf(san.dst)],
      segments: [streamToBlock(0, 1, 6, 0n, 1024)],
    });
    const a = abortedOf(r);
    expect(a).toMatchObject({
      kcq: '0a/0d/05',
      segment: 0,
      pointer: { segmentDescriptor: false, field: CSCD0 },
      forwarded: { role: 'source', status: 2 },
    });
    expect(a.forwarded?.sense).toMatchObject({
      senseKey: 0,
      asc: 0,
      ascq: 0,
      ili: true,
      information: BigInt.asUintN(32, -1024n),
    });
    // The drive is positioned after the long block (SSC-4), which was not used.
    expect(await san.tape0.tape.position()).toBe(2);
    expect((await copyStatus(san.cm)).copyManagerStatus).toBe(2);
  });

  it('a filemark before the segment has its data is DATA UNDERRUN (0D/04); blocks written before it are counted', async () => {
    // 1024-byte disk writes, so the mover can write the blocks it has before the filemark shows up.
    const san = await open({ config: { pipeline: { maxTransferBytes: 1024 } } });
    await san.tape0.tape.writeLayout([1000, 1000, 1000, 'F', 1000]);
    expectGoodResult(await san.tape0.tape.rewind());
    const r = await xcopy(san.cm, {
      targets: [tapeTarget(san.tape0), diskTargetOf(san.dst)],
      segments: [space(0, SpaceCode.LOGICAL_BLOCKS, 0), streamToBlock(0, 1, 8, 0n, 1000)],
    });
    const a = abortedOf(r);
    expect(a).toMatchObject({
      kcq: '0a/0d/04',
      segment: 1,
      pointer: { segmentDescriptor: false, field: CSCD0 },
      forwarded: { role: 'source', status: 2 },
    });
    // SSC-4 READ(6) at a filemark: NO SENSE, FILEMARK, 00/01, INFORMATION = the 1000 bytes asked for.
    expect(a.forwarded?.sense).toMatchObject({
      senseKey: 0,
      asc: 0,
      ascq: 1,
      filemark: true,
      information: 1000n,
    });
    expect(await san.tape0.tape.position()).toBe(4);
    const all = Buffer.concat([0, 1, 2].map((i) => block(i, 1000)));
    // 3000 bytes came before the filemark: two whole 1024-byte writes reached the disk.
    expect(await copyStatus(san.cm)).toEqual({
      hdd: false,
      copyManagerStatus: 2,
      segmentsProcessed: 1,
      transferCountUnits: 0,
      transferCount: 2048,
    });
    expect((await readBlocks(san.dst, 0n, 4)).equals(all.subarray(0, 2048))).toBe(true);
    expect((await readBlocks(san.dst, 4n, 4)).equals(Buffer.alloc(2048))).toBe(true);
    expect(await failedSegmentDetails(san.cm)).toEqual({
      detailsAvailable: true,
      copyCommandStatus: 2,
      senseData: r.sense,
    });
  });

  it('a MEDIUM ERROR on a tape object is 0D/01 with 03/11/00 forwarded; the drive is past the bad object', async () => {
    const san = await open();
    await san.tape0.tape.writeLayout([512, 512, 512, 512]);
    expectGoodResult(await san.tape0.tape.rewind());
    san.tape0.lu.injectMediumError(2);
    const r = await xcopy(san.cm, {
      targets: [tapeTarget(san.tape0), diskTargetOf(san.dst)],
      segments: [streamToBlock(0, 1, 4, 0n, 512)],
    });
    const a = abortedOf(r);
    expect(a).toMatchObject({
      kcq: '0a/0d/01',
      segment: 0,
      pointer: { segmentDescriptor: false, field: CSCD0 },
      forwarded: { role: 'source', status: 2 },
    });
    expect(a.forwarded?.sense).toMatchObject({ senseKey: 0x03, asc: 0x11, ascq: 0x00, information: 512n });
    expect(await san.tape0.tape.position()).toBe(3);
    expect((await failedSegmentDetails(san.cm)).senseData.equals(r.sense as Buffer)).toBe(true);
  });
});

describe('writing a tape to its end', () => {
  it('early warning: the copy stops after the block that met it (0D/05); TRANSFER COUNT is what the tape holds', async () => {
    const san = await open();
    const data = pattern(32 * 512, 1);
    await writeBlocks(san.src, 0n, data);
    const header = Buffer.from('HDR1'.padEnd(64, '*'));
    // Objects 0 (header) 1, 2, 3...: early warning from object 4 on, so the third data block meets it.
    san.tape0.lu.forceEarlyWarningAt(4);
    const r = await xcopy(san.cm, {
      targets: [diskTargetOf(san.src), tapeTarget(san.tape0)],
      segments: [inlineToStream(1, 64, 0, 64), blockToStream(0, 1, 32, 0n, 2048), writeFilemarks(1, 1)],
      inline: header,
    });
    const a = abortedOf(r);
    expect(a).toMatchObject({
      kcq: '0a/0d/05',
      segment: 1,
      pointer: { segmentDescriptor: false, field: CSCD1 },
      forwarded: { role: 'destination', status: 2 },
    });
    // SSC-4 early warning on WRITE(6): NO SENSE, EOM, 00/02, nothing left unwritten.
    expect(a.forwarded?.sense).toMatchObject({ senseKey: 0, asc: 0, ascq: 2, eom: true, information: 0n });
    const back = await readTapeBack(san.tape0.tape);
    expect(shape(back)).toEqual([64, 2048, 2048, 2048, 'EOD']);
    expect(blockBytes(back).equals(Buffer.concat([header, data.subarray(0, 3 * 2048)]))).toBe(true);
    const st = await copyStatus(san.cm);
    expect(st).toEqual({
      hdd: false,
      copyManagerStatus: 2,
      segmentsProcessed: 1,
      transferCountUnits: 0,
      transferCount: blockBytes(back).length,
    });
    expect(await failedSegmentDetails(san.cm)).toEqual({
      detailsAvailable: true,
      copyCommandStatus: 2,
      senseData: r.sense,
    });
  });

  it('early warning met by a 10h: the filemark is on the tape and the copy stops with 0D/05', async () => {
    const san = await open();
    await writeBlocks(san.src, 0n, pattern(2048, 2));
    san.tape0.lu.forceEarlyWarningAt(3);
    const r = await xcopy(san.cm, {
      targets: [diskTargetOf(san.src), tapeTarget(san.tape0)],
      segments: [blockToStream(0, 1, 4, 0n, 1024), writeFilemarks(1, 1), blockToStream(0, 1, 4, 0n, 1024)],
    });
    const a = abortedOf(r);
    expect(a).toMatchObject({ kcq: '0a/0d/05', segment: 1, forwarded: { role: 'destination', status: 2 } });
    expect(a.forwarded?.sense).toMatchObject({ senseKey: 0, asc: 0, ascq: 2, eom: true });
    expect(shape(await readTapeBack(san.tape0.tape))).toEqual([1024, 1024, 'F', 'EOD']);
    expect(await copyStatus(san.cm)).toMatchObject({ segmentsProcessed: 1, transferCount: 2048 });
  });

  it('VOLUME OVERFLOW in fixed mode: the blocks the drive recorded before the end are counted, the rest are not', async () => {
    const san = await open();
    const data = pattern(16 * 512, 3);
    await writeBlocks(san.src, 0n, data);
    await san.tape0.tape.setBlockLength(512);
    // No block fits as object 7 or later: the third WRITE(6) of 3 blocks records one (object 6).
    san.tape0.lu.forceEndOfPartitionAt(7);
    const r = await xcopy(san.cm, {
      targets: [diskTargetOf(san.src), tapeTarget(san.tape0, { fixed: true, streamBlockLength: 512 })],
      segments: [blockToStream(0, 1, 16, 0n, 3)],
    });
    const a = abortedOf(r);
    expect(a).toMatchObject({
      kcq: '0a/0d/05',
      segment: 0,
      pointer: { segmentDescriptor: false, field: CSCD1 },
      forwarded: { role: 'destination', status: 2 },
    });
    // VOLUME OVERFLOW, EOM, 00/02, INFORMATION = 2 blocks not written.
    expect(a.forwarded?.sense).toMatchObject({ senseKey: 0x0d, asc: 0, ascq: 2, eom: true, information: 2n });
    await san.tape0.tape.setBlockLength(0);
    const back = await readTapeBack(san.tape0.tape);
    expect(shape(back)).toEqual([...Array<number>(7).fill(512), 'EOD']);
    expect(blockBytes(back).equals(data.subarray(0, 7 * 512))).toBe(true);
    expect((await copyStatus(san.cm)).transferCount).toBe(7 * 512);
  });

  it('VOLUME OVERFLOW in variable mode on a full cartridge: only whole blocks that fit are counted', async () => {
    // 40000 bytes of capacity and no early-warning zone: four 8192-byte blocks fit, the fifth does not.
    const san = await open({ cartridge: { capacityBytes: 40000, earlyWarningBytes: 0 } });
    const data = pattern(128 * 512, 4);
    await writeBlocks(san.src, 0n, data);
    const r = await xcopy(san.cm, {
      targets: [diskTargetOf(san.src), tapeTarget(san.tape1)],
      segments: [blockToStream(0, 1, 128, 0n, 8192)],
    });
    const a = abortedOf(r);
    expect(a).toMatchObject({ kcq: '0a/0d/05', segment: 0, forwarded: { role: 'destination', status: 2 } });
    expect(a.forwarded?.sense).toMatchObject({
      senseKey: 0x0d,
      asc: 0,
      ascq: 2,
      eom: true,
      information: 8192n,
    });
    const back = await readTapeBack(san.tape1.tape);
    expect(shape(back)).toEqual([8192, 8192, 8192, 8192, 'EOD']);
    expect(blockBytes(back).equals(data.subarray(0, 4 * 8192))).toBe(true);
    expect((await copyStatus(san.cm)).transferCount).toBe(4 * 8192);
  });

  it('a write-protected cartridge is 0D/01 with DATA PROTECT forwarded and nothing counted', async () => {
    const san = await open();
    await writeBlocks(san.src, 0n, pattern(1024, 5));
    san.tape0.lu.setWriteProtected(true);
    const r = await xcopy(san.cm, {
      targets: [diskTargetOf(san.src), tapeTarget(san.tape0)],
      segments: [blockToStream(0, 1, 2, 0n, 512)],
    });
    const a = abortedOf(r);
    expect(a).toMatchObject({ kcq: '0a/0d/01', segment: 0, forwarded: { role: 'destination', status: 2 } });
    expect(a.forwarded?.sense).toMatchObject({ senseKey: 0x07, asc: 0x27, ascq: 0x00 });
    expect((await copyStatus(san.cm)).transferCount).toBe(0);
    san.tape0.lu.setWriteProtected(false);
    expect(shape(await readTapeBack(san.tape0.tape))).toEqual(['EOD']);
  });
});
