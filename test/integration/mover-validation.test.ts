// Validation of EXTENDED COPY parameter lists and RECEIVE COPY RESULTS CDBs, one test per error class,
// in the order SPC-4 and libiscsi expect (length, counts, codes, fields), through a RAM disk that hosts
// the copy manager. Runtime checks of segments are COPY ABORTED with a segment pointer (SD=1).
import { RCR_SERVICE_ACTION } from '../../cdb/xcopy/receive-copy-results';
import type { SegmentDescriptor } from '../../cdb/xcopy/segment-descriptor';
import type { TargetDescriptor } from '../../cdb/xcopy/target-descriptor';
import { createRamDisk } from '../../emulator/devices/disk';
import { FaultInjectingLu } from '../../emulator/faults/fault-lu';
import type { LogicalUnit } from '../../emulator/lu';
import {
  b2b,
  diskTarget,
  kcq,
  nexus,
  paramList,
  pattern,
  readBlocks,
  rcrCdb,
  resolverFor,
  run,
  senseOf,
  writeBlocks,
  xcopyCdb,
} from '../unit/mover/helpers';
import { XcopyDisk } from '../unit/mover/xcopy-disk';

const MiB = 1024 * 1024;
const I1 = nexus(1);
const LIMITS = {
  maximumCscdDescriptorCount: 4,
  maximumSegmentDescriptorCount: 8,
  maximumDescriptorListLength: 1024,
  maximumInlineDataLength: 64,
};

function setup() {
  const disk = createRamDisk({ identity: { id: 'val-disk' }, sizeBytes: MiB });
  const cm = new XcopyDisk({
    id: 'val-cm',
    sizeBytes: MiB,
    resolver: () => resolverFor({ disk }),
    config: { limits: LIMITS },
  });
  return { disk, cm };
}

async function send(cm: LogicalUnit, list: Buffer, length = list.length) {
  return run(cm, xcopyCdb(length), { dataOut: list, nexus: I1 });
}

function fieldPointer(r: Awaited<ReturnType<typeof send>>): unknown {
  return senseOf(r).senseKeySpecific;
}

const NULL_STREAM = 0xc001;

describe('EXTENDED COPY parameter list validation (ILLEGAL REQUEST before any copying)', () => {
  it('PARAMETER LIST LENGTH 0 is GOOD and copies nothing', async () => {
    const { cm } = setup();
    expect(await send(cm, Buffer.alloc(0))).toEqual({ status: 0, dataOutLength: 0 });
  });

  it('data-out shorter than the header lengths say is PARAMETER LIST LENGTH ERROR (1A/00)', async () => {
    const { cm, disk } = setup();
    const list = paramList({ targets: [diskTarget(disk)], segments: [b2b(0, 0, 1, 0n, 1n)] });
    expect(kcq(await send(cm, list.subarray(0, 40), 40))).toBe('05/1a/00');
    expect(kcq(await send(cm, list.subarray(0, 10), 10))).toBe('05/1a/00');
  });

  it('descriptor lists longer than MAXIMUM DESCRIPTOR LIST LENGTH are 1A/00 even when the counts are too high too', async () => {
    const { cm, disk } = setup();
    const targets = Array.from({ length: 40 }, () => diskTarget(disk));
    expect(kcq(await send(cm, paramList({ targets, segments: [b2b(0, 0, 1, 0n, 1n)] })))).toBe('05/1a/00');
  });

  it('one CSCD descriptor too many is 26/06, one segment descriptor too many 26/08 (libiscsi DescrLimits)', async () => {
    const { cm, disk } = setup();
    const five: TargetDescriptor[] = Array.from({ length: 5 }, () => diskTarget(disk));
    let r = await send(cm, paramList({ targets: five, segments: [b2b(0, 0, 1, 0n, 1n)] }));
    expect(kcq(r)).toBe('05/26/06');
    expect(fieldPointer(r)).toEqual({ kind: 'fieldPointer', commandData: false, fieldPointer: 2 });
    const nine = Array.from({ length: 9 }, () => b2b(0, 0, 1, 0n, 1n));
    r = await send(cm, paramList({ targets: [diskTarget(disk)], segments: nine }));
    expect(kcq(r)).toBe('05/26/08');
    expect(fieldPointer(r)).toEqual({ kind: 'fieldPointer', commandData: false, fieldPointer: 8 });
  });

  it('inline data above MAXIMUM INLINE DATA LENGTH is 26/0B', async () => {
    const { cm, disk } = setup();
    expect(
      kcq(
        await send(
          cm,
          paramList({
            targets: [diskTarget(disk)],
            segments: [b2b(0, 0, 1, 0n, 1n)],
            inline: Buffer.alloc(68),
          }),
        ),
      ),
    ).toBe('05/26/0b');
  });

  it('an unsupported CSCD descriptor type is 26/07, an unsupported segment type 26/09, at the descriptor', async () => {
    const { cm, disk } = setup();
    const fc = Buffer.alloc(32);
    fc[0] = 0xe0; // Fibre Channel N_Port_Name
    let r = await send(
      cm,
      paramList({
        targets: [{ kind: 'unsupported', descriptorCode: 0xe0, bytes: fc }],
        segments: [b2b(0, 0, 1, 0n, 1n)],
      }),
    );
    expect(kcq(r)).toBe('05/26/07');
    expect(fieldPointer(r)).toEqual({ kind: 'fieldPointer', commandData: false, fieldPointer: 16 });
    const imageCopy: SegmentDescriptor = {
      kind: 'tapeImageCopy',
      descriptorTypeCode: 0x13,
      sourceCscdDescriptorId: 0,
      destinationCscdDescriptorId: 0,
      count: 0,
    };
    r = await send(
      cm,
      paramList({ targets: [diskTarget(disk)], segments: [b2b(0, 0, 1, 0n, 1n), imageCopy] }),
    );
    expect(kcq(r)).toBe('05/26/09');
    expect(fieldPointer(r)).toEqual({ kind: 'fieldPointer', commandData: false, fieldPointer: 48 + 28 });
    const vendor = Buffer.alloc(8);
    vendor[0] = 0xc1;
    vendor.writeUInt16BE(4, 2);
    r = await send(
      cm,
      paramList({
        targets: [diskTarget(disk)],
        segments: [{ kind: 'opaque', descriptorTypeCode: 0xc1, bytes: vendor }],
      }),
    );
    expect(kcq(r)).toBe('05/26/09');
  });

  it('field errors are 26/00 with the field pointer (LIST ID USAGE 01b, reserved CSCD ID); a CSCD index past the list is 0A/08/04', async () => {
    const { cm, disk } = setup();
    let r = await send(
      cm,
      paramList({ listIdUsage: 1, targets: [diskTarget(disk)], segments: [b2b(0, 0, 1, 0n, 1n)] }),
    );
    expect(kcq(r)).toBe('05/26/00');
    expect(fieldPointer(r)).toEqual({
      kind: 'fieldPointer',
      commandData: false,
      fieldPointer: 1,
      bitPointer: 4,
    });
    r = await send(cm, paramList({ targets: [diskTarget(disk)], segments: [b2b(0, 1, 1, 0n, 1n)] }));
    // A CSCD index past the list names no reachable LU: COPY ABORTED, UNREACHABLE COPY TARGET, the
    // segment pointer on the DESTINATION CSCD DESCRIPTOR INDEX (libiscsi ValidSegDescr; FreeBSD CTL).
    expect(kcq(r)).toBe('0a/08/04');
    expect(fieldPointer(r)).toEqual({ kind: 'segmentPointer', segmentDescriptor: true, fieldPointer: 6 });
    r = await send(cm, paramList({ targets: [diskTarget(disk)], segments: [b2b(0xf800, 0, 1, 0n, 1n)] }));
    expect(kcq(r)).toBe('05/26/00');
    expect(fieldPointer(r)).toEqual({ kind: 'fieldPointer', commandData: false, fieldPointer: 48 + 4 });
  });

  it('LU ID TYPE is ignored (SPC-4, libiscsi ValidTgtDescr): the copy runs', async () => {
    const { cm, disk } = setup();
    await writeBlocks(disk, 0n, pattern(512, 1));
    const t = diskTarget(disk);
    if (t.kind !== 'identification') throw new Error('unexpected');
    const r = await send(
      cm,
      paramList({ targets: [{ ...t, luIdType: 2 }], segments: [b2b(0, 0, 1, 0n, 9n)] }),
    );
    expect(r.status).toBe(0);
    expect((await readBlocks(disk, 9n, 1)).equals(pattern(512, 1))).toBe(true);
  });

  it('too many concurrent copies is 05/55/03', async () => {
    const disk = createRamDisk({ identity: { id: 'cc-disk' }, sizeBytes: MiB });
    const slow = new FaultInjectingLu(disk, [{ kind: 'delay', opcodes: [0x2a], ms: 20 }]);
    const cm = new XcopyDisk({
      id: 'cc-cm',
      sizeBytes: MiB,
      resolver: () => resolverFor({ slow }),
      config: { limits: { totalConcurrentCopies: 1 }, pipeline: { maxTransferBytes: 4096, writeBehind: 1 } },
    });
    const list = paramList({
      listIdentifier: 1,
      targets: [diskTarget(disk)],
      segments: [b2b(0, 0, 64, 0n, 100n)],
    });
    const first = send(cm, list);
    await new Promise((r) => setTimeout(r, 10));
    expect(
      kcq(
        await send(
          cm,
          paramList({ listIdentifier: 2, targets: [diskTarget(disk)], segments: [b2b(0, 0, 1, 0n, 500n)] }),
        ),
      ),
    ).toBe('05/55/03');
    expect((await first).status).toBe(0);
  });
});

describe('segment checks during processing (COPY ABORTED, segment pointer SD=1)', () => {
  it('a stream operation against a block device is 0A/26/0C pointing at the CSCD ID field', async () => {
    const { cm, disk } = setup();
    const wfm: SegmentDescriptor = {
      kind: 'writeFilemarks',
      descriptorTypeCode: 0x10,
      destinationCscdDescriptorId: 0,
      wImmed: false,
      filemarkCount: 1,
    };
    const r = await send(
      cm,
      paramList({ targets: [diskTarget(disk)], segments: [b2b(0, 0, 1, 0n, 1n), wfm] }),
    );
    expect(kcq(r)).toBe('0a/26/0c');
    expect(senseOf(r).commandSpecificInformation).toBe(1n);
    expect(fieldPointer(r)).toEqual({ kind: 'segmentPointer', segmentDescriptor: true, fieldPointer: 6 });
    const space: SegmentDescriptor = {
      kind: 'space',
      descriptorTypeCode: 0x11,
      destinationCscdDescriptorId: 0xffff,
      code: 1,
      count: 1,
    };
    expect(kcq(await send(cm, paramList({ targets: [], segments: [space] })))).toBe('0a/26/0c');
    const locate: SegmentDescriptor = {
      kind: 'locate',
      descriptorTypeCode: 0x12,
      destinationCscdDescriptorId: 0xc000,
      logicalObjectIdentifier: 0,
    };
    expect(kcq(await send(cm, paramList({ targets: [], segments: [locate] })))).toBe('0a/26/0c');
  });

  it('STREAM DEVICE TRANSFER LENGTH 0 is 0A/26/00 at byte 9 of the segment', async () => {
    const { cm, disk } = setup();
    const seg: SegmentDescriptor = {
      kind: 'blockToStream',
      descriptorTypeCode: 0x00,
      cat: false,
      sourceCscdDescriptorId: 0,
      destinationCscdDescriptorId: NULL_STREAM,
      streamDeviceTransferLength: 0,
      blockDeviceNumberOfBlocks: 1,
      blockDeviceLogicalBlockAddress: 0n,
    };
    const r = await send(cm, paramList({ targets: [diskTarget(disk)], segments: [seg] }));
    expect(kcq(r)).toBe('0a/26/00');
    expect(fieldPointer(r)).toEqual({ kind: 'segmentPointer', segmentDescriptor: true, fieldPointer: 9 });
  });

  it('inline data referenced past its end is 0A/26/0B; inside it, 04h to the null stream device works', async () => {
    const { cm } = setup();
    const seg = (offset: number, n: number): SegmentDescriptor => ({
      kind: 'inlineToStream',
      descriptorTypeCode: 0x04,
      cat: false,
      destinationCscdDescriptorId: NULL_STREAM,
      streamDeviceTransferLength: 16,
      inlineDataOffset: offset,
      inlineDataNumberOfBytes: n,
    });
    const r = await send(
      cm,
      paramList({
        listIdentifier: 1,
        targets: [],
        segments: [seg(0, 32), seg(32, 48)],
        inline: Buffer.alloc(64, 1),
      }),
    );
    expect(kcq(r)).toBe('0a/26/0b');
    expect(senseOf(r).commandSpecificInformation).toBe(1n);
    expect(fieldPointer(r)).toEqual({ kind: 'segmentPointer', segmentDescriptor: true, fieldPointer: 16 });
    expect(
      (
        await send(
          cm,
          paramList({
            listIdentifier: 2,
            targets: [],
            segments: [seg(0, 32), seg(32, 32)],
            inline: Buffer.alloc(64, 1),
          }),
        )
      ).status,
    ).toBe(0);
  });
});

describe('RECEIVE COPY RESULTS CDB checks', () => {
  it('an unknown list identifier is 05/24/00 at byte 2; LID4 service actions are 05/24/00 at byte 1', async () => {
    const { cm } = setup();
    const r = await run(cm, rcrCdb(RCR_SERVICE_ACTION.copyStatus, 77), { nexus: I1 });
    expect(kcq(r)).toBe('05/24/00');
    expect(fieldPointer(r)).toEqual({ kind: 'fieldPointer', commandData: true, fieldPointer: 2 });
    const lid4 = rcrCdb(RCR_SERVICE_ACTION.copyStatus, 0);
    lid4[1] = 0x05;
    const r2 = await run(cm, lid4, { nexus: I1 });
    expect(kcq(r2)).toBe('05/24/00');
    expect(fieldPointer(r2)).toEqual({
      kind: 'fieldPointer',
      commandData: true,
      fieldPointer: 1,
      bitPointer: 4,
    });
  });

  it('FAILED SEGMENT DETAILS of a list that succeeded has AVAILABLE DATA 0; OPERATING PARAMETERS honours ALLOCATION LENGTH', async () => {
    const { cm, disk } = setup();
    expect(
      (
        await send(
          cm,
          paramList({ listIdentifier: 3, targets: [diskTarget(disk)], segments: [b2b(0, 0, 1, 0n, 1n)] }),
        )
      ).status,
    ).toBe(0);
    const r = await run(cm, rcrCdb(RCR_SERVICE_ACTION.failedSegmentDetails, 3), { nexus: I1 });
    expect(r.dataIn).toEqual(Buffer.alloc(4));
    const op = await run(cm, rcrCdb(RCR_SERVICE_ACTION.operatingParameters, 0, 8), { nexus: I1 });
    expect(op.dataIn?.length).toBe(8);
    expect(op.dataIn?.readUInt32BE(0)).toBe(40 + 22);
  });
});
