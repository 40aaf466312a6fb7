// Stream (tape) segment types, checked by the exact CDBs and data the mover sends to a recording
// transport standing for the tape, with RAM disks as block devices: 00h, 01h, 03h, 04h, 05h, 06h,
// 08h, 09h, 0Bh, 0Ch, 0Eh, 0Fh, 07h, 10h, 11h, 12h, 14h; fixed and variable mode; CAT/PAD between
// block and stream devices; tape conditions (ILI, filemark, early warning, VOLUME OVERFLOW).
import { decodeSense } from '../../../cdb/spc/sense';
import { blockToStream, naaStreamTarget, streamToBlock } from '../../../cdb/xcopy/build';
import { decodeCopyStatus } from '../../../cdb/xcopy/copy-status';
import { decodeReceiveData } from '../../../cdb/xcopy/receive-data';
import type { SegmentDescriptor } from '../../../cdb/xcopy/segment-descriptor';
import type { TargetDescriptor } from '../../../cdb/xcopy/target-descriptor';
import { CopyManager } from '../../../emulator/mover/copy-manager';
import { ChainResolver } from '../../../emulator/mover/resolver';
import type { LuResponse } from '../../../emulator/lu';
import {
  ctx,
  diskTarget,
  kcq,
  nexus,
  paramList,
  pattern,
  ramDisk,
  rcrCdb,
  readBlocks,
  resolverFor,
  senseOf,
  writeBlocks,
  xcopy,
} from './helpers';
import naaId from './naa-id';
import {
  checkCondition,
  ok,
  type Responder,
  RecordingTransport,
  streamResolver,
} from './recording-transport';

const I1 = nexus(1);

function tapeTarget(
  name: string,
  o: { fixed?: boolean; streamBlockLength?: number; pad?: boolean } = {},
): TargetDescriptor {
  return naaStreamTarget(naaId(name), o);
}

function setup(responders: Record<string, Responder> = {}) {
  const disk = ramDisk('stream-disk');
  const tapes: Record<string, RecordingTransport> = {};
  for (const name of ['tape0', 'tape1'])
    tapes[name] = new RecordingTransport(`recording://${name}`, responders[name]);
  const cm = new CopyManager({
    self: disk,
    resolver: new ChainResolver([resolverFor({ disk }), streamResolver(tapes)]),
  });
  return { disk, tape: tapes.tape0, tape1: tapes.tape1, cm };
}

async function copy(
  cm: CopyManager,
  targets: TargetDescriptor[],
  segments: SegmentDescriptor[],
  o: { id?: number; inline?: Buffer } = {},
): Promise<LuResponse> {
  return cm.extendedCopy(
    xcopy(paramList({ listIdentifier: o.id ?? 1, targets, segments, inline: o.inline }), I1),
  );
}

function status(cm: CopyManager, id = 1) {
  return decodeCopyStatus(cm.receiveCopyResults(ctx(rcrCdb(0, id), Buffer.alloc(0), I1)).dataIn as Buffer);
}

function heldData(cm: CopyManager, id = 1): Buffer {
  return decodeReceiveData(cm.receiveCopyResults(ctx(rcrCdb(1, id), Buffer.alloc(0), I1)).dataIn as Buffer)
    .heldData;
}

const WFM0 = '10 00 00 00 00 00';
/** MODE SENSE(6), current values, all pages, 12 bytes: header and block descriptor (fixed mode only). */
const MODE_SENSE = '1a 00 3f 00 0c 00';

/** Tape that answers each READ(6) with the next variable block of `blocks` (ILI + residue when short). */
function variableBlocks(blocks: Buffer[]): Responder {
  let next = 0;
  return (cmd) => {
    if (cmd.cdb[0] !== 0x08) return ok();
    const want = cmd.cdb.readUIntBE(2, 3);
    const b = blocks[next++];
    if (b === undefined)
      return checkCondition({ senseKey: 0x08, asc: 0x00, ascq: 0x05, information: BigInt(want) });
    if (b.length === want) return ok(b);
    return checkCondition(
      { senseKey: 0x00, ili: true, information: BigInt.asUintN(32, BigInt(want - b.length)) },
      b.subarray(0, want),
    );
  };
}

describe('block -> stream (00h, 0Bh, 08h)', () => {
  it('variable mode: one WRITE(6) of TRANSFER LENGTH bytes per block, then a flush', async () => {
    const { disk, tape, cm } = setup();
    const data = pattern(16 * 512, 1);
    await writeBlocks(disk, 100n, data);
    const r = await copy(cm, [diskTarget(disk), tapeTarget('tape0')], [blockToStream(0, 1, 16, 100n, 4096)]);
    expect(r.status).toBe(0);
    expect(tape.cdbs()).toEqual(['0a 00 00 10 00 00', '0a 00 00 10 00 00', WFM0]);
    expect(tape.written().equals(data)).toBe(true);
    expect(status(cm)).toMatchObject({ copyManagerStatus: 1, transferCount: 16 * 512 });
  });

  it('fixed mode: WRITE(6) FIXED=1 counts blocks, up to TRANSFER LENGTH per command', async () => {
    const { disk, tape, cm } = setup();
    const data = pattern(10 * 512, 2);
    await writeBlocks(disk, 0n, data);
    const r = await copy(
      cm,
      [diskTarget(disk), tapeTarget('tape0', { fixed: true, streamBlockLength: 512 })],
      [blockToStream(0, 1, 10, 0n, 4)],
    );
    expect(r.status).toBe(0);
    // MODE SENSE(6) first: the drive's block length (no block descriptor here: not checked).
    expect(tape.cdbs()).toEqual([
      MODE_SENSE,
      '0a 01 00 00 04 00',
      '0a 01 00 00 04 00',
      '0a 01 00 00 02 00',
      WFM0,
    ]);
    expect(tape.written().equals(data)).toBe(true);
  });

  it('a last partial variable block is an inexact segment: 26/0A without PAD, zero-padded with PAD', async () => {
    const { disk, tape, cm } = setup();
    const data = pattern(3 * 512, 3);
    await writeBlocks(disk, 0n, data);
    const r = await copy(cm, [diskTarget(disk), tapeTarget('tape0')], [blockToStream(0, 1, 3, 0n, 1024)]);
    expect(kcq(r)).toBe('0a/26/0a');
    expect(status(cm).transferCount).toBe(1024);
    // The block that reached the tape is flushed before the failure is reported.
    expect(tape.cdbs()).toEqual(['0a 00 00 04 00 00', WFM0]);
    const padded = setup();
    await writeBlocks(padded.disk, 0n, data);
    const r2 = await copy(
      padded.cm,
      [diskTarget(padded.disk), tapeTarget('tape0', { pad: true })],
      [blockToStream(0, 1, 3, 0n, 1024)],
    );
    expect(r2.status).toBe(0);
    const expected = Buffer.alloc(2048);
    data.copy(expected);
    expect(padded.tape.written().equals(expected)).toBe(true);
  });

  it('CAT=1 carries the residue into the next segment; before a control segment it is padded (PAD) or fails (no PAD)', async () => {
    const { disk, tape, cm } = setup();
    const data = pattern(6 * 512, 4);
    await writeBlocks(disk, 0n, data);
    const r = await copy(
      cm,
      [diskTarget(disk), tapeTarget('tape0')],
      [blockToStream(0, 1, 3, 0n, 1024, { cat: true }), blockToStream(0, 1, 3, 3n, 1024)],
    );
    expect(r.status).toBe(0);
    expect(tape.cdbs()).toEqual(['0a 00 00 04 00 00', '0a 00 00 04 00 00', '0a 00 00 04 00 00', WFM0]);
    expect(tape.written().equals(data)).toBe(true);

    const wfm: SegmentDescriptor = {
      kind: 'writeFilemarks',
      descriptorTypeCode: 0x10,
      destinationCscdDescriptorId: 1,
      wImmed: false,
      filemarkCount: 1,
    };
    const p = setup();
    await writeBlocks(p.disk, 0n, data);
    expect(
      (
        await copy(
          p.cm,
          [diskTarget(p.disk), tapeTarget('tape0', { pad: true })],
          [blockToStream(0, 1, 3, 0n, 1024, { cat: true }), wfm],
        )
      ).status,
    ).toBe(0);
    expect(p.tape.cdbs()).toEqual(['0a 00 00 04 00 00', '0a 00 00 04 00 00', '10 00 00 00 01 00', WFM0]);
    const q = setup();
    const f = await copy(
      q.cm,
      [diskTarget(q.disk), tapeTarget('tape0')],
      [blockToStream(0, 1, 3, 0n, 1024, { cat: true }), wfm],
    );
    expect(kcq(f)).toBe('0a/26/0a');
    expect(senseOf(f).commandSpecificInformation).toBe(0n);
    expect(q.tape.cdbs()).toEqual(['0a 00 00 04 00 00', WFM0]);
  });

  it('0Bh writes the tape and holds the data; 08h starts at a byte offset inside a block', async () => {
    const { disk, tape, cm } = setup();
    const data = pattern(8 * 512, 5);
    await writeBlocks(disk, 0n, data);
    const b2s: SegmentDescriptor = {
      kind: 'blockOffsetToStream',
      descriptorTypeCode: 0x08,
      cat: false,
      sourceCscdDescriptorId: 0,
      destinationCscdDescriptorId: 1,
      streamDeviceTransferLength: 1000,
      numberOfBytes: 2000,
      blockDeviceLogicalBlockAddress: 2n,
      blockDeviceByteOffset: 10,
    };
    const r = await copy(
      cm,
      [diskTarget(disk), tapeTarget('tape0')],
      [blockToStream(0, 1, 2, 0n, 1024, { hold: true }), b2s],
    );
    expect(r.status).toBe(0);
    expect(tape.cdbs()).toEqual(['0a 00 00 04 00 00', '0a 00 00 03 e8 00', '0a 00 00 03 e8 00', WFM0]);
    expect(tape.written().equals(Buffer.concat([data.subarray(0, 1024), data.subarray(1034, 3034)]))).toBe(
      true,
    );
    expect(heldData(cm).equals(data.subarray(0, 1024))).toBe(true);
  });
});

describe('stream -> block (01h, 0Ch, 09h)', () => {
  it('variable mode: short blocks (ILI) are taken as they come; the surplus is residual source data', async () => {
    const blocks = [pattern(1000, 6), pattern(1000, 7), pattern(1000, 8)];
    const { disk, tape, cm } = setup({ tape0: variableBlocks(blocks) });
    const r = await copy(cm, [tapeTarget('tape0'), diskTarget(disk)], [streamToBlock(0, 1, 4, 50n, 1024)]);
    expect(kcq(r)).toBe('0a/26/0a');
    expect(tape.cdbs()).toEqual(['08 00 00 04 00 00', '08 00 00 04 00 00', '08 00 00 04 00 00']);
    // The destination blocks were written before the residue was found.
    expect((await readBlocks(disk, 50n, 4)).equals(Buffer.concat(blocks).subarray(0, 2048))).toBe(true);
    const p = setup({ tape0: variableBlocks(blocks) });
    expect(
      (
        await copy(
          p.cm,
          [tapeTarget('tape0', { pad: true }), diskTarget(p.disk)],
          [streamToBlock(0, 1, 4, 50n, 1024, { hold: true })],
        )
      ).status,
    ).toBe(0);
    expect((await readBlocks(p.disk, 50n, 4)).equals(Buffer.concat(blocks).subarray(0, 2048))).toBe(true);
    expect(heldData(p.cm).equals(Buffer.concat(blocks).subarray(0, 2048))).toBe(true);
  });

  it('fixed mode reads only the blocks it needs', async () => {
    const data = pattern(6 * 512, 9);
    const { disk, tape, cm } = setup({
      // Command 0 is MODE SENSE(6); the READs follow.
      tape0: (cmd, i) =>
        cmd.cdb[0] === 0x08
          ? ok(data.subarray((i - 1) * 2048, (i - 1) * 2048 + cmd.cdb.readUIntBE(2, 3) * 512))
          : ok(),
    });
    expect(
      (
        await copy(
          cm,
          [tapeTarget('tape0', { fixed: true, streamBlockLength: 512 }), diskTarget(disk)],
          [streamToBlock(0, 1, 6, 0n, 4)],
        )
      ).status,
    ).toBe(0);
    expect(tape.cdbs()).toEqual([MODE_SENSE, '08 01 00 00 04 00', '08 01 00 00 02 00']);
    expect((await readBlocks(disk, 0n, 6)).equals(data)).toBe(true);
  });

  it('a filemark before the data is complete is DATA UNDERRUN (0D/04) with the tape sense forwarded', async () => {
    const { disk, cm } = setup({ tape0: variableBlocks([pattern(1024, 10)]) });
    const fm = setup({
      tape0: (cmd, i) =>
        i === 0
          ? ok(pattern(1024, 10))
          : checkCondition({
              senseKey: 0,
              asc: 0,
              ascq: 1,
              filemark: true,
              information: BigInt(cmd.cdb.readUIntBE(2, 3)),
            }),
    });
    const r = await copy(
      fm.cm,
      [tapeTarget('tape0'), diskTarget(fm.disk)],
      [streamToBlock(0, 1, 4, 0n, 1024)],
    );
    expect(kcq(r)).toBe('0a/0d/04');
    const sense = r.sense as Buffer;
    expect(sense.readUInt32BE(8)).toBe(18 << 24); // source sense at byte 18, segment 0
    expect(sense[18]).toBe(0x02);
    expect(decodeSense(sense.subarray(19))).toMatchObject({
      senseKey: 0,
      asc: 0,
      ascq: 1,
      filemark: true,
      information: 1024n,
    });
    // The 1024 bytes read were waiting for a full 2048-byte write: nothing reached the disk, nothing is counted.
    expect(status(fm.cm).transferCount).toBe(0);
    expect((await readBlocks(fm.disk, 0n, 4)).equals(Buffer.alloc(2048))).toBe(true);
    // End of data (BLANK CHECK) is an underrun too.
    expect(
      kcq(await copy(cm, [tapeTarget('tape0'), diskTarget(disk)], [streamToBlock(0, 1, 4, 0n, 1024)])),
    ).toBe('0a/0d/04');
  });

  it('a tape block longer than the transfer length is DATA OVERRUN (0D/05); a MEDIUM ERROR is 0D/01', async () => {
    const long = setup({
      tape0: () =>
        checkCondition({ senseKey: 0, ili: true, information: BigInt.asUintN(32, -100n) }, pattern(1024, 11)),
    });
    expect(
      kcq(
        await copy(long.cm, [tapeTarget('tape0'), diskTarget(long.disk)], [streamToBlock(0, 1, 2, 0n, 1024)]),
      ),
    ).toBe('0a/0d/05');
    const bad = setup({ tape0: () => checkCondition({ senseKey: 3, asc: 0x11, ascq: 0 }) });
    const r = await copy(
      bad.cm,
      [tapeTarget('tape0'), diskTarget(bad.disk)],
      [streamToBlock(0, 1, 2, 0n, 1024)],
    );
    expect(kcq(r)).toBe('0a/0d/01');
    expect(senseOf(r).senseKeySpecific).toEqual({
      kind: 'segmentPointer',
      segmentDescriptor: false,
      fieldPointer: 16,
    });
  });

  it('09h writes stream data at a byte offset of a disk, preserving the bytes around it', async () => {
    const { disk, cm } = setup({ tape0: variableBlocks([pattern(700, 12), pattern(700, 13)]) });
    const before = pattern(4 * 512, 14);
    await writeBlocks(disk, 10n, before);
    const seg: SegmentDescriptor = {
      kind: 'streamToBlockOffset',
      descriptorTypeCode: 0x09,
      cat: false,
      sourceCscdDescriptorId: 0,
      destinationCscdDescriptorId: 1,
      streamDeviceTransferLength: 700,
      numberOfBytes: 1400,
      blockDeviceLogicalBlockAddress: 10n,
      blockDeviceByteOffset: 300,
    };
    expect((await copy(cm, [tapeTarget('tape0'), diskTarget(disk)], [seg])).status).toBe(0);
    const expected = Buffer.from(before);
    Buffer.concat([pattern(700, 12), pattern(700, 13)]).copy(expected, 300);
    expect((await readBlocks(disk, 10n, 4)).equals(expected)).toBe(true);
  });
});

describe('stream -> stream, inline, embedded, discard (03h, 0Eh, 04h, 05h, 06h, 0Fh)', () => {
  it('03h reblocks variable 1000-byte blocks into fixed 512-byte blocks, padding the last one', async () => {
    const blocks = [pattern(1000, 15), pattern(1000, 16), pattern(1000, 17)];
    const { tape, tape1, cm } = setup({ tape0: variableBlocks(blocks) });
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
    const r = await copy(
      cm,
      [tapeTarget('tape0'), tapeTarget('tape1', { fixed: true, streamBlockLength: 512, pad: true })],
      [seg],
    );
    expect(r.status).toBe(0);
    expect(tape.cdbs()).toEqual(['08 00 00 03 e8 00', '08 00 00 03 e8 00', '08 00 00 03 e8 00']);
    expect(tape1.cdbs()).toEqual([
      MODE_SENSE,
      '0a 01 00 00 02 00',
      '0a 01 00 00 02 00',
      '0a 01 00 00 01 00',
      '0a 01 00 00 01 00',
      WFM0,
    ]);
    const expected = Buffer.alloc(3072);
    Buffer.concat(blocks).copy(expected);
    expect(tape1.written().equals(expected)).toBe(true);
    expect(heldData(cm).equals(Buffer.concat(blocks))).toBe(true);
    expect(status(cm).transferCount).toBe(3072);
  });

  it('04h writes inline data and 05h embedded data to the tape', async () => {
    const { tape, cm } = setup();
    const inline = pattern(64, 18);
    const embedded = Buffer.from('embedded data!');
    const segs: SegmentDescriptor[] = [
      {
        kind: 'inlineToStream',
        descriptorTypeCode: 0x04,
        cat: false,
        destinationCscdDescriptorId: 0,
        streamDeviceTransferLength: 16,
        inlineDataOffset: 16,
        inlineDataNumberOfBytes: 32,
      },
      {
        kind: 'embeddedToStream',
        descriptorTypeCode: 0x05,
        cat: false,
        destinationCscdDescriptorId: 0,
        streamDeviceTransferLength: 14,
        embeddedData: embedded,
      },
    ];
    expect((await copy(cm, [tapeTarget('tape0')], segs, { inline })).status).toBe(0);
    expect(tape.cdbs()).toEqual(['0a 00 00 00 10 00', '0a 00 00 00 10 00', '0a 00 00 00 0e 00', WFM0]);
    expect(tape.written().equals(Buffer.concat([inline.subarray(16, 48), embedded]))).toBe(true);
    expect(status(cm)).toMatchObject({ segmentsProcessed: 2, transferCount: 46 });
  });

  it('06h reads and drops; 0Fh reads and holds; neither counts as transferred', async () => {
    const blocks = [pattern(512, 19), pattern(512, 20)];
    const { tape, cm } = setup({ tape0: variableBlocks([...blocks, ...blocks]) });
    const discard = (code: 0x06 | 0x0f): SegmentDescriptor => ({
      kind: 'streamToDiscard',
      descriptorTypeCode: code,
      cat: false,
      sourceCscdDescriptorId: 0,
      streamDeviceTransferLength: 512,
      numberOfBytes: 1024,
    });
    expect((await copy(cm, [tapeTarget('tape0')], [discard(0x06), discard(0x0f)])).status).toBe(0);
    expect(tape.cdbs()).toEqual(Array(4).fill('08 00 00 02 00 00'));
    expect(heldData(cm).equals(Buffer.concat(blocks))).toBe(true);
    expect(status(cm)).toMatchObject({ segmentsProcessed: 2, transferCount: 0 });
  });
});

describe('tape control segments (07h, 10h, 11h, 12h, 14h)', () => {
  it('send TEST UNIT READY, WRITE FILEMARKS, SPACE, LOCATE and PERSISTENT RESERVE OUT REGISTER as specified', async () => {
    const { tape, cm } = setup();
    const segs: SegmentDescriptor[] = [
      { kind: 'verifyCscd', descriptorTypeCode: 0x07, sourceCscdDescriptorId: 0, tur: true },
      { kind: 'verifyCscd', descriptorTypeCode: 0x07, sourceCscdDescriptorId: 0, tur: false },
      {
        kind: 'locate',
        descriptorTypeCode: 0x12,
        destinationCscdDescriptorId: 0,
        logicalObjectIdentifier: 0x1234,
      },
      { kind: 'space', descriptorTypeCode: 0x11, destinationCscdDescriptorId: 0, code: 1, count: -2 },
      {
        kind: 'writeFilemarks',
        descriptorTypeCode: 0x10,
        destinationCscdDescriptorId: 0,
        wImmed: true,
        filemarkCount: 3,
      },
      {
        kind: 'registerKey',
        descriptorTypeCode: 0x14,
        destinationCscdDescriptorId: 0,
        reservationKey: 0x1122334455667788n,
        serviceActionReservationKey: 0x99aabbccddeeff00n,
      },
    ];
    expect((await copy(cm, [tapeTarget('tape0')], segs)).status).toBe(0);
    expect(tape.cdbs()).toEqual([
      '00 00 00 00 00 00',
      '2b 00 00 00 00 12 34 00 00 00',
      '11 01 ff ff fe 00',
      '10 01 00 00 03 00',
      '5f 00 00 00 00 00 00 00 18 00',
      WFM0,
    ]);
    expect(tape.commands[4].dataOut?.toString('hex')).toBe(
      '112233445566778899aabbccddeeff00' + '00'.repeat(8),
    );
    expect(status(cm)).toMatchObject({ copyManagerStatus: 1, segmentsProcessed: 6, transferCount: 0 });
  });

  it('a failing control command is 0D/01 with the tape sense and the segment number', async () => {
    const { cm } = setup({
      tape0: (c) => (c.cdb[0] === 0x11 ? checkCondition({ senseKey: 8, asc: 0, ascq: 5 }) : ok()),
    });
    const segs: SegmentDescriptor[] = [
      { kind: 'verifyCscd', descriptorTypeCode: 0x07, sourceCscdDescriptorId: 0, tur: true },
      { kind: 'space', descriptorTypeCode: 0x11, destinationCscdDescriptorId: 0, code: 3, count: 0 },
    ];
    const r = await copy(cm, [tapeTarget('tape0')], segs);
    expect(kcq(r)).toBe('0a/0d/01');
    expect(senseOf(r).commandSpecificInformation).toBe(1n + (18n << 16n));
  });
});

describe('end of medium on the destination tape', () => {
  it('early warning: the block is written and counted, the copy stops with 0D/05 and the EOM sense', async () => {
    const { disk, tape, cm } = setup({
      tape0: (c, i) =>
        c.cdb[0] === 0x0a && i === 1 ? checkCondition({ senseKey: 0, asc: 0, ascq: 2, eom: true }) : ok(),
    });
    await writeBlocks(disk, 0n, pattern(8 * 512, 21));
    const r = await copy(cm, [diskTarget(disk), tapeTarget('tape0')], [blockToStream(0, 1, 8, 0n, 1024)]);
    expect(kcq(r)).toBe('0a/0d/05');
    expect(decodeSense((r.sense as Buffer).subarray(19))).toMatchObject({
      senseKey: 0,
      asc: 0,
      ascq: 2,
      eom: true,
    });
    expect(status(cm)).toMatchObject({ copyManagerStatus: 2, segmentsProcessed: 0, transferCount: 2048 });
    expect(tape.cdbs()).toEqual(['0a 00 00 04 00 00', '0a 00 00 04 00 00', WFM0]);
  });

  it('VOLUME OVERFLOW in fixed mode counts the blocks written before it', async () => {
    const { disk, cm } = setup({
      tape0: (c, i) =>
        c.cdb[0] === 0x0a && i === 2
          ? checkCondition({ senseKey: 0x0d, asc: 0, ascq: 2, eom: true, information: 1n })
          : ok(),
    });
    await writeBlocks(disk, 0n, pattern(8 * 512, 22));
    const r = await copy(
      cm,
      [diskTarget(disk), tapeTarget('tape0', { fixed: true, streamBlockLength: 512 })],
      [blockToStream(0, 1, 8, 0n, 4)],
    );
    expect(kcq(r)).toBe('0a/0d/05');
    expect(status(cm).transferCount).toBe(4 * 512 + 3 * 512);
  });
});

describe('fixed mode: the drive block length is checked before anything moves', () => {
  /** MODE SENSE(6) data: header + a general block descriptor with this BLOCK LENGTH (SSC-4 8.3.1). */
  function modeData(blockLength: number): Buffer {
    const b = Buffer.alloc(12);
    b[0] = 11; // MODE DATA LENGTH
    b[3] = 8; // BLOCK DESCRIPTOR LENGTH
    b[4] = 0x5e; // DENSITY CODE
    b.writeUIntBE(blockLength, 9, 3);
    return b;
  }

  it('a drive whose block length is not STREAM BLOCK LENGTH: 0A/26/00 at byte 29 of the CSCD, no transfer', async () => {
    const { disk, tape, cm } = setup({ tape0: (c) => (c.cdb[0] === 0x1a ? ok(modeData(1024)) : ok()) });
    await writeBlocks(disk, 0n, pattern(8 * 512, 30));
    const r = await copy(
      cm,
      [diskTarget(disk), tapeTarget('tape0', { fixed: true, streamBlockLength: 512 })],
      [blockToStream(0, 1, 8, 0n, 4)],
    );
    expect(kcq(r)).toBe('0a/26/00');
    // The second CSCD descriptor starts at byte 16 + 32 of the parameter list.
    expect(senseOf(r).senseKeySpecific).toEqual({
      kind: 'segmentPointer',
      segmentDescriptor: false,
      fieldPointer: 48 + 29,
    });
    expect(tape.cdbs()).toEqual([MODE_SENSE]);
    expect(status(cm).transferCount).toBe(0);
  });

  it('a drive whose block length matches, or that refuses MODE SENSE, gets the transfers', async () => {
    const same = setup({ tape0: (c) => (c.cdb[0] === 0x1a ? ok(modeData(512)) : ok()) });
    await writeBlocks(same.disk, 0n, pattern(4 * 512, 31));
    const targets = (disk: typeof same.disk) => [
      diskTarget(disk),
      tapeTarget('tape0', { fixed: true, streamBlockLength: 512 }),
    ];
    expect((await copy(same.cm, targets(same.disk), [blockToStream(0, 1, 4, 0n, 4)])).status).toBe(0);
    expect(same.tape.cdbs()).toEqual([MODE_SENSE, '0a 01 00 00 04 00', WFM0]);
    const refusing = setup({
      tape0: (c) => (c.cdb[0] === 0x1a ? checkCondition({ senseKey: 5, asc: 0x20, ascq: 0 }) : ok()),
    });
    await writeBlocks(refusing.disk, 0n, pattern(4 * 512, 32));
    expect((await copy(refusing.cm, targets(refusing.disk), [blockToStream(0, 1, 4, 0n, 4)])).status).toBe(0);
    expect(refusing.tape.cdbs()).toEqual([MODE_SENSE, '0a 01 00 00 04 00', WFM0]);
    expect(refusing.tape.written().equals(pattern(4 * 512, 32))).toBe(true);
  });
});

describe('disk with a tape-only target', () => {
  it('a stream target used as a block source is 0A/26/0C', async () => {
    const { disk, cm } = setup();
    const r = await copy(cm, [tapeTarget('tape0'), diskTarget(disk)], [blockToStream(0, 1, 1, 0n, 512)]);
    expect(kcq(r)).toBe('0a/26/0c');
    expect(senseOf(r).senseKeySpecific).toEqual({
      kind: 'segmentPointer',
      segmentDescriptor: true,
      fieldPointer: 4,
    });
  });
});
