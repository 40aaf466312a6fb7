// Disk-to-disk EXTENDED COPY through a RAM disk that hosts the copy manager, driven with CDBs through
// LogicalUnit.execute() the way the iSCSI target does: 02h with DC both ways across block sizes,
// FFFFh and C000h, 0Ah byte offsets, 0Dh held data, the C0h digest segment, CAT/PAD residue.
import { createHash } from 'node:crypto';
import { decodeThirdPartyCopy, findThirdPartyCopyDescriptor } from '../../cdb/spc/vpd-8f';
import { decodeCopyStatus } from '../../cdb/xcopy/copy-status';
import { decodeOperatingParameters } from '../../cdb/xcopy/operating-parameters';
import { LIST_ID_USAGE } from '../../cdb/xcopy/parameter-list';
import { RCR_SERVICE_ACTION } from '../../cdb/xcopy/receive-copy-results';
import { decodeReceiveData } from '../../cdb/xcopy/receive-data';
import type { SegmentDescriptor } from '../../cdb/xcopy/segment-descriptor';
import { createRamDisk, type DiskDevice } from '../../emulator/devices/disk';
import type { LogicalUnit } from '../../emulator/lu';
import { encodeDigestSegment } from '../../emulator/mover/digest-segment';
import type { CscdResolver } from '../../emulator/mover/resolver';
import {
  b2b,
  diskTarget,
  kcq,
  naaTarget,
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
const I1 = nexus(1);

interface San {
  cm: XcopyDisk;
  a: DiskDevice;
  b4k: DiskDevice;
  c: DiskDevice;
}

function san(config?: ConstructorParameters<typeof XcopyDisk>[0]['config']): San {
  const a = createRamDisk({ identity: { id: 'disk-a' }, sizeBytes: 8 * MiB });
  const b4k = createRamDisk({ identity: { id: 'disk-b4k' }, sizeBytes: 8 * MiB, blockSize: 4096 });
  const c = createRamDisk({ identity: { id: 'disk-c' }, sizeBytes: 8 * MiB });
  const lus: Record<string, LogicalUnit> = { a, b4k, c };
  const cm: XcopyDisk = new XcopyDisk({
    id: 'cm-disk',
    sizeBytes: 4 * MiB,
    resolver: (): CscdResolver => resolverFor({ ...lus, cm }),
    config,
  });
  return { cm, a, b4k, c };
}

async function xcopy(cm: LogicalUnit, list: Buffer, n = I1) {
  return run(cm, xcopyCdb(list.length), { dataOut: list, nexus: n });
}

async function status(cm: LogicalUnit, listId: number, n = I1) {
  const r = await run(cm, rcrCdb(RCR_SERVICE_ACTION.copyStatus, listId), { nexus: n });
  expect(r.status).toBe(0);
  return decodeCopyStatus(r.dataIn ?? Buffer.alloc(0));
}

describe('copy manager hosted by a disk: capabilities', () => {
  it('standard INQUIRY has 3PC=1, VPD 00h lists 8Fh, and 8Fh agrees with OPERATING PARAMETERS', async () => {
    const { cm } = san();
    const inq = await run(cm, Buffer.from('120000006000', 'hex'));
    expect((inq.dataIn as Buffer)[5] & 0x08).toBe(0x08);
    const pages = await run(cm, Buffer.from('120100010000', 'hex'));
    expect([...(pages.dataIn as Buffer).subarray(4)]).toContain(0x8f);
    const vpd = decodeThirdPartyCopy((await run(cm, Buffer.from('12018f010000', 'hex'))).dataIn as Buffer);
    const op = decodeOperatingParameters(
      (await run(cm, rcrCdb(RCR_SERVICE_ACTION.operatingParameters, 0))).dataIn as Buffer,
    );
    const pd = findThirdPartyCopyDescriptor(vpd, 0x0004);
    expect(pd).toEqual({
      descriptorType: 0x0004,
      maximumCscdDescriptorCount: op.maximumCscdDescriptorCount,
      maximumSegmentDescriptorCount: op.maximumSegmentDescriptorCount,
      maximumDescriptorListLength: op.maximumDescriptorListLength,
      maximumInlineDataLength: op.maximumInlineDataLength,
    });
    expect(findThirdPartyCopyDescriptor(vpd, 0x0008)?.descriptorTypeCodes).toEqual(
      op.implementedDescriptorTypeCodes,
    );
    expect(op.implementedDescriptorTypeCodes).toEqual([
      0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
      0x11, 0x12, 0x14, 0xc0, 0xe4,
    ]);
    expect(findThirdPartyCopyDescriptor(vpd, 0x0001)?.commands).toEqual([
      { operationCode: 0x83, serviceActions: [0x00] },
      { operationCode: 0x84, serviceActions: [0x00, 0x01, 0x03, 0x04] },
    ]);
    expect(findThirdPartyCopyDescriptor(vpd, 0x000c)?.cscdDescriptorIds).toEqual([0xc000, 0xc001, 0xffff]);
    expect(findThirdPartyCopyDescriptor(vpd, 0xc001)).toEqual({
      descriptorType: 0xc001,
      heldDataLimit: op.heldDataLimit,
      heldDataGranularity: 0,
    });
    // libiscsi: AVAILABLE DATA >= 40 and room for one-too-many CSCD and segment descriptors.
    expect(op.snlid).toBe(true);
    expect(op.maximumDescriptorListLength).toBeGreaterThanOrEqual(
      32 * (op.maximumCscdDescriptorCount + 1) + 28 * (op.maximumSegmentDescriptorCount + 1),
    );
  });

  it('REPORT SUPPORTED OPERATION CODES lists EXTENDED COPY(LID1) and RECEIVE COPY RESULTS', async () => {
    const { cm } = san();
    // REPORTING OPTIONS 010b: one command, opcode 83h service action 0000h, ALLOCATION LENGTH 100h.
    const r = await run(cm, Buffer.from('a30c02830000000001000000', 'hex'));
    expect(r.status).toBe(0);
    const one = r.dataIn as Buffer;
    expect(one[1] & 0x07).toBe(0x03); // SUPPORT: supported as in the standard
    expect(one.readUInt16BE(2)).toBe(16);
    expect([...one.subarray(4, 20)]).toEqual([
      0x83, 0x1f, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0x04,
    ]);
    for (const sa of [0x00, 0x01, 0x03, 0x04]) {
      const rcr = await run(cm, Buffer.from(`a30c0284000${sa}000001000000`, 'hex'));
      expect((rcr.dataIn as Buffer)[1] & 0x07).toBe(0x03);
    }
    const lid4 = await run(cm, Buffer.from('a30c02840005000001000000', 'hex'));
    expect((lid4.dataIn as Buffer)[1] & 0x07).toBe(0x01);
  });
});

describe('02h block->block', () => {
  it('copies byte-exact between two LUs of the same block size, and COPY STATUS reports it', async () => {
    const { cm, a, c } = san();
    const data = pattern(300 * 512, 1);
    await writeBlocks(a, 100n, data);
    const list = paramList({
      listIdentifier: 7,
      targets: [diskTarget(a), diskTarget(c)],
      segments: [b2b(0, 1, 300, 100n, 2000n)],
    });
    const r = await xcopy(cm, list);
    expect(r).toEqual({ status: 0, dataOutLength: list.length });
    expect((await readBlocks(c, 2000n, 300)).equals(data)).toBe(true);
    expect(await status(cm, 7)).toEqual({
      hdd: false,
      copyManagerStatus: 1,
      segmentsProcessed: 1,
      transferCountUnits: 0,
      transferCount: 300 * 512,
    });
  });

  it('DC=0 counts source blocks and DC=1 destination blocks (512 <-> 4096)', async () => {
    const { cm, a, b4k, c } = san();
    const data = pattern(64 * 512, 2);
    await writeBlocks(a, 0n, data);
    // 512 -> 4096, DC=0: 64 source blocks = 8 destination blocks.
    let r = await xcopy(
      cm,
      paramList({ targets: [diskTarget(a), diskTarget(b4k)], segments: [b2b(0, 1, 64, 0n, 10n)] }),
    );
    expect(r.status).toBe(0);
    expect((await readBlocks(b4k, 10n, 8, 4096)).equals(data)).toBe(true);
    // 4096 -> 512, DC=1: 48 destination blocks = 6 source blocks.
    r = await xcopy(
      cm,
      paramList({
        targets: [diskTarget(b4k), diskTarget(c)],
        segments: [b2b(0, 1, 48, 10n, 500n, { dc: true })],
      }),
    );
    expect(r.status).toBe(0);
    expect((await readBlocks(c, 500n, 48)).equals(data.subarray(0, 48 * 512))).toBe(true);
    // 4096 -> 512, DC=0: 2 source blocks = 16 destination blocks.
    r = await xcopy(
      cm,
      paramList({ targets: [diskTarget(b4k), diskTarget(c)], segments: [b2b(0, 1, 2, 16n, 900n)] }),
    );
    expect(r.status).toBe(0);
    expect((await readBlocks(c, 900n, 16)).equals(data.subarray(48 * 512, 64 * 512))).toBe(true);
    // 512 -> 4096, DC=1: 3 destination blocks = 48 source blocks.
    r = await xcopy(
      cm,
      paramList({
        targets: [diskTarget(c), diskTarget(b4k)],
        segments: [b2b(0, 1, 3, 500n, 100n, { dc: true })],
      }),
    );
    expect(r.status).toBe(0);
    expect((await readBlocks(b4k, 100n, 3, 4096)).equals(data.subarray(0, 3 * 4096))).toBe(true);
  });

  it('a large copy goes through many bounded chunks and stays byte-exact', async () => {
    const { cm, a, c } = san({ pipeline: { maxTransferBytes: 64 * 1024, maxBufferedBytes: 256 * 1024 } });
    const data = pattern(6 * MiB, 3);
    await writeBlocks(a, 0n, data);
    const r = await xcopy(
      cm,
      paramList({ targets: [diskTarget(a), diskTarget(c)], segments: [b2b(0, 1, 12288, 0n, 0n)] }),
    );
    expect(r.status).toBe(0);
    expect((await readBlocks(c, 0n, 12288)).equals(data)).toBe(true);
  });

  it('FFFFh is the LU that received the command (copy within one LU, as libiscsi does)', async () => {
    const { cm } = san();
    const data = pattern(16 * 512, 4);
    await writeBlocks(cm, 0n, data);
    const r = await xcopy(cm, paramList({ targets: [], segments: [b2b(0xffff, 0xffff, 16, 0n, 1000n)] }));
    expect(r.status).toBe(0);
    expect((await readBlocks(cm, 1000n, 16)).equals(data)).toBe(true);
  });

  it('C000h, the null block device, reads zeros', async () => {
    const { cm, c } = san();
    await writeBlocks(c, 40n, pattern(8 * 512, 5));
    const r = await xcopy(
      cm,
      paramList({ targets: [diskTarget(c)], segments: [b2b(0xc000, 0, 8, 0n, 40n)] }),
    );
    expect(r.status).toBe(0);
    expect((await readBlocks(c, 40n, 8)).equals(Buffer.alloc(8 * 512))).toBe(true);
  });

  it('DISK BLOCK LENGTH that contradicts the LU is COPY ABORTED 26/00 pointing at the field', async () => {
    const { cm, a, c } = san();
    const r = await xcopy(
      cm,
      paramList({
        targets: [diskTarget(a, { diskBlockLength: 4096 }), diskTarget(c)],
        segments: [b2b(0, 1, 1, 0n, 0n)],
      }),
    );
    expect(kcq(r)).toBe('0a/26/00');
    expect(senseOf(r).senseKeySpecific).toEqual({
      kind: 'segmentPointer',
      segmentDescriptor: false,
      fieldPointer: 16 + 29,
    });
  });

  it("a CSCD descriptor whose device type is not the LU's is COPY ABORTED 0D/03", async () => {
    const { cm, a, c } = san();
    const r = await xcopy(
      cm,
      paramList({
        targets: [naaTarget(a.identity.naa, { pdt: 1 }), diskTarget(c)],
        segments: [b2b(0, 1, 1, 0n, 0n)],
      }),
    );
    // The descriptor says stream, 02h needs block: the role check comes first.
    expect(kcq(r)).toBe('0a/26/0c');
    const r2 = await xcopy(
      cm,
      paramList({
        targets: [naaTarget(a.identity.naa, { pdt: 0 }), naaTarget(c.identity.naa, { pdt: 0 })],
        segments: [b2b(0, 1, 1, 0n, 0n)],
      }),
    );
    expect(r2.status).toBe(0);
    const r3 = await xcopy(
      cm,
      paramList({
        targets: [naaTarget(a.identity.naa, { pdt: 0 }), naaTarget(c.identity.naa, { pdt: 1 })],
        segments: [
          {
            kind: 'writeFilemarks',
            descriptorTypeCode: 0x10,
            destinationCscdDescriptorId: 1,
            wImmed: false,
            filemarkCount: 1,
          },
        ],
      }),
    );
    expect(kcq(r3)).toBe('0a/0d/03');
    expect(senseOf(r3).senseKeySpecific).toEqual({
      kind: 'segmentPointer',
      segmentDescriptor: false,
      fieldPointer: 48 + 1,
    });
  });
});

describe('0Ah block<o>->block<o> and 0Dh held data', () => {
  it('0Ah copies a byte range between byte offsets and leaves the bytes around it alone', async () => {
    const { cm, a, c } = san();
    const src = pattern(8 * 512, 6);
    const before = pattern(8 * 512, 7);
    await writeBlocks(a, 0n, src);
    await writeBlocks(c, 100n, before);
    const seg: SegmentDescriptor = {
      kind: 'blockOffsetToBlockOffset',
      descriptorTypeCode: 0x0a,
      cat: false,
      sourceCscdDescriptorId: 0,
      destinationCscdDescriptorId: 1,
      numberOfBytes: 1500,
      sourceBlockDeviceLogicalBlockAddress: 1n,
      destinationBlockDeviceLogicalBlockAddress: 101n,
      sourceBlockDeviceByteOffset: 100,
      destinationBlockDeviceByteOffset: 300,
    };
    const r = await xcopy(
      cm,
      paramList({ listIdentifier: 3, targets: [diskTarget(a), diskTarget(c)], segments: [seg] }),
    );
    expect(r.status).toBe(0);
    const expected = Buffer.from(before);
    src.copy(expected, 512 + 300, 512 + 100, 512 + 100 + 1500);
    expect((await readBlocks(c, 100n, 8)).equals(expected)).toBe(true);
    expect((await status(cm, 3)).transferCount).toBe(1500);
  });

  it('0Dh copies and holds the data; RECEIVE DATA returns it, truncated by ALLOCATION LENGTH', async () => {
    const { cm, a, c } = san();
    const data = pattern(4 * 512, 8);
    await writeBlocks(a, 20n, data);
    const r = await xcopy(
      cm,
      paramList({
        listIdentifier: 9,
        targets: [diskTarget(a), diskTarget(c)],
        segments: [b2b(0, 1, 4, 20n, 30n, { hold: true })],
      }),
    );
    expect(r.status).toBe(0);
    expect((await readBlocks(c, 30n, 4)).equals(data)).toBe(true);
    const rd = await run(cm, rcrCdb(RCR_SERVICE_ACTION.receiveData, 9), { nexus: I1 });
    expect(rd.status).toBe(0);
    expect((rd.dataIn as Buffer).readUInt32BE(0)).toBe(2048);
    expect(decodeReceiveData(rd.dataIn as Buffer).heldData.equals(data)).toBe(true);
    const cut = await run(cm, rcrCdb(RCR_SERVICE_ACTION.receiveData, 9, 100), { nexus: I1 });
    expect((cut.dataIn as Buffer).length).toBe(100);
    expect((cut.dataIn as Buffer).readUInt32BE(0)).toBe(2048);
  });

  it('LIST ID USAGE 10b may discard held data: HDD=1, RECEIVE DATA empty; 11b has no results at all', async () => {
    const { cm, a, c } = san();
    let r = await xcopy(
      cm,
      paramList({
        listIdentifier: 4,
        listIdUsage: LIST_ID_USAGE.discard,
        targets: [diskTarget(a), diskTarget(c)],
        segments: [b2b(0, 1, 2, 0n, 0n, { hold: true })],
      }),
    );
    expect(r.status).toBe(0);
    expect((await status(cm, 4)).hdd).toBe(true);
    const rd = await run(cm, rcrCdb(RCR_SERVICE_ACTION.receiveData, 4), { nexus: I1 });
    expect(rd.dataIn).toEqual(Buffer.from([0, 0, 0, 0]));
    r = await xcopy(
      cm,
      paramList({
        listIdentifier: 0,
        listIdUsage: LIST_ID_USAGE.none,
        targets: [diskTarget(a), diskTarget(c)],
        segments: [b2b(0, 1, 2, 0n, 0n)],
      }),
    );
    expect(r.status).toBe(0);
    const st = await run(cm, rcrCdb(RCR_SERVICE_ACTION.copyStatus, 0), { nexus: I1 });
    expect(kcq(st)).toBe('05/24/00');
    expect(senseOf(st).senseKeySpecific).toEqual({
      kind: 'fieldPointer',
      commandData: true,
      fieldPointer: 2,
    });
  });

  it('results belong to the I_T nexus that sent the command', async () => {
    const { cm, a, c } = san();
    expect(
      (
        await xcopy(
          cm,
          paramList({
            listIdentifier: 5,
            targets: [diskTarget(a), diskTarget(c)],
            segments: [b2b(0, 1, 1, 0n, 0n)],
          }),
        )
      ).status,
    ).toBe(0);
    expect((await status(cm, 5)).copyManagerStatus).toBe(1);
    expect(kcq(await run(cm, rcrCdb(RCR_SERVICE_ACTION.copyStatus, 5), { nexus: nexus(2) }))).toBe(
      '05/24/00',
    );
  });
});

describe('C0h digest segment (vendor specific)', () => {
  it('holds the SHA-256 of a block range, equal to node:crypto over the same bytes, after copying it', async () => {
    const { cm, a, c } = san();
    const data = pattern(100 * 512, 9);
    await writeBlocks(a, 10n, data);
    const digest = (src: number, lba: bigint, blocks: bigint): SegmentDescriptor => ({
      kind: 'opaque',
      descriptorTypeCode: 0xc0,
      bytes: encodeDigestSegment({
        sourceCscdDescriptorId: src,
        digestAlgorithm: 1,
        logicalBlockAddress: lba,
        numberOfLogicalBlocks: blocks,
      }),
    });
    const r = await xcopy(
      cm,
      paramList({
        listIdentifier: 11,
        targets: [diskTarget(a), diskTarget(c)],
        segments: [
          digest(0, 10n, 100n),
          b2b(0, 1, 100, 10n, 5000n),
          digest(1, 5000n, 100n),
          digest(1, 0n, 0n),
        ],
      }),
    );
    expect(r.status).toBe(0);
    const held = decodeReceiveData(
      (await run(cm, rcrCdb(RCR_SERVICE_ACTION.receiveData, 11), { nexus: I1 })).dataIn as Buffer,
    ).heldData;
    const sha = createHash('sha256').update(data).digest();
    expect(held.length).toBe(96);
    expect(held.subarray(0, 32).equals(sha)).toBe(true);
    expect(held.subarray(32, 64).equals(sha)).toBe(true);
    expect(held.subarray(64, 96).equals(createHash('sha256').digest())).toBe(true);
    // Reading for the digest is not a transfer: only the 02h segment wrote data.
    expect((await status(cm, 11)).transferCount).toBe(100 * 512);
  });

  it('rejects a digest with an unknown algorithm (05/26/00 at byte 8) and one under LIST ID USAGE 11b', async () => {
    const { cm, a } = san();
    const bytes = encodeDigestSegment({
      sourceCscdDescriptorId: 0,
      digestAlgorithm: 2,
      logicalBlockAddress: 0n,
      numberOfLogicalBlocks: 1n,
    });
    const r = await xcopy(
      cm,
      paramList({
        targets: [diskTarget(a)],
        segments: [{ kind: 'opaque', descriptorTypeCode: 0xc0, bytes }],
      }),
    );
    expect(kcq(r)).toBe('05/26/00');
    expect(senseOf(r).senseKeySpecific).toEqual({
      kind: 'fieldPointer',
      commandData: false,
      fieldPointer: 48 + 8,
    });
    bytes[8] = 1;
    const r2 = await xcopy(
      cm,
      paramList({
        listIdUsage: LIST_ID_USAGE.none,
        targets: [diskTarget(a)],
        segments: [{ kind: 'opaque', descriptorTypeCode: 0xc0, bytes }],
      }),
    );
    expect(kcq(r2)).toBe('05/26/00');
    expect(senseOf(r2).senseKeySpecific).toEqual({
      kind: 'fieldPointer',
      commandData: false,
      fieldPointer: 48,
    });
  });
});

describe('CAT and PAD (SPC-4 6.4.6.1) between 512- and 4096-byte blocks', () => {
  it('an inexact segment without PAD or CAT is COPY ABORTED, UNEXPECTED INEXACT SEGMENT', async () => {
    const { cm, a, b4k } = san();
    const r = await xcopy(
      cm,
      paramList({
        listIdentifier: 1,
        targets: [diskTarget(a), diskTarget(b4k)],
        segments: [b2b(0, 1, 3, 0n, 0n)],
      }),
    );
    expect(kcq(r)).toBe('0a/26/0a');
    expect(senseOf(r).commandSpecificInformation).toBe(0n);
  });

  it('destination PAD=1 pads the last destination block with zeros', async () => {
    const { cm, a, b4k } = san();
    const data = pattern(3 * 512, 10);
    await writeBlocks(a, 0n, data);
    await writeBlocks(b4k, 7n, pattern(4096, 11), 4096);
    const r = await xcopy(
      cm,
      paramList({
        listIdentifier: 1,
        targets: [diskTarget(a), diskTarget(b4k, { pad: true })],
        segments: [b2b(0, 1, 3, 0n, 7n)],
      }),
    );
    expect(r.status).toBe(0);
    const expected = Buffer.alloc(4096);
    data.copy(expected);
    expect((await readBlocks(b4k, 7n, 1, 4096)).equals(expected)).toBe(true);
    expect((await status(cm, 1)).transferCount).toBe(4096);
  });

  it('CAT=1 carries the residue into the next segment, which completes the destination block', async () => {
    const { cm, a, b4k } = san();
    const data = pattern(8 * 512, 12);
    await writeBlocks(a, 0n, data);
    const r = await xcopy(
      cm,
      paramList({
        listIdentifier: 2,
        targets: [diskTarget(a), diskTarget(b4k)],
        segments: [b2b(0, 1, 3, 0n, 20n, { cat: true }), b2b(0, 1, 5, 3n, 999n)],
      }),
    );
    expect(r.status).toBe(0);
    // Segment 0 wrote nothing (1536 bytes < one 4096-byte block); segment 1 wrote carry + 2560 bytes at its LBA.
    expect((await readBlocks(b4k, 999n, 1, 4096)).equals(data)).toBe(true);
    expect(await status(cm, 2)).toMatchObject({
      copyManagerStatus: 1,
      segmentsProcessed: 2,
      transferCount: 4096,
    });
  });

  it('DC=1 reading more source than the destination takes: source PAD=1 discards it, PAD=0 fails', async () => {
    const { cm, b4k, c } = san();
    await writeBlocks(b4k, 0n, pattern(4096, 13), 4096);
    // 4096 -> 512, DC=1, 3 destination blocks: one whole source block read, 2560 bytes left over.
    let r = await xcopy(
      cm,
      paramList({
        targets: [diskTarget(b4k), diskTarget(c)],
        segments: [b2b(0, 1, 3, 0n, 0n, { dc: true })],
      }),
    );
    expect(kcq(r)).toBe('0a/26/0a');
    r = await xcopy(
      cm,
      paramList({
        targets: [diskTarget(b4k, { pad: true }), diskTarget(c)],
        segments: [b2b(0, 1, 3, 0n, 0n, { dc: true })],
      }),
    );
    expect(r.status).toBe(0);
    expect((await readBlocks(c, 0n, 3)).equals(pattern(4096, 13).subarray(0, 1536))).toBe(true);
  });
});
