// The copy manager rules the router mover and the libiscsi acceptance rely on, checked byte by byte
// on a disk LU hosting a CopyManager:
//   - MoverConfig.segmentTypes: a copy manager that offers only the block segment types answers
//     a stream segment with 05/26/09 and lists exactly its types in RECEIVE COPY OPERATING
//     PARAMETERS and VPD page 8Fh;
//   - a CSCD descriptor ID in 0000h-07FFh past the end of the list is COPY ABORTED, UNREACHABLE
//     COPY TARGET (08/04) for the segment that names it; a reserved ID stays 05/26/00;
//   - a CSCD that refuses a command as ILLEGAL REQUEST (a copy past its capacity) is COPY ABORTED
//     with 00/00 and the device's sense forwarded; a MEDIUM ERROR stays THIRD PARTY DEVICE FAILURE.
import { decodeSense, isFixedSense } from '../../cdb/spc/sense';
import { decodeThirdPartyCopy, TPC_DESCRIPTOR_TYPE } from '../../cdb/spc/vpd-8f';
import { decodeOperatingParameters } from '../../cdb/xcopy/operating-parameters';
import { RCR_SERVICE_ACTION } from '../../cdb/xcopy/receive-copy-results';
import type { SegmentDescriptor } from '../../cdb/xcopy/segment-descriptor';
import { createRamDisk } from '../../emulator/devices/disk';
import { FaultInjectingLu } from '../../emulator/faults/fault-lu';
import { BLOCK_SEGMENT_TYPES, IMPLEMENTED_DESCRIPTOR_TYPE_CODES } from '../../emulator/mover/capabilities';
import { moverConfig } from '../../emulator/mover/config';
import {
  b2b,
  diskTarget,
  kcq,
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

function blockOnly(): XcopyDisk {
  // The resolver is asked for at the first copy, when `cm` exists: it reaches the LU itself.
  const cm: XcopyDisk = new XcopyDisk({
    id: 'rules-block-only',
    sizeBytes: MiB,
    resolver: () => resolverFor({ self: cm }),
    config: { segmentTypes: BLOCK_SEGMENT_TYPES },
  });
  return cm;
}

const streamToStream: SegmentDescriptor = {
  kind: 'streamToStream',
  descriptorTypeCode: 0x03,
  cat: false,
  sourceCscdDescriptorId: 0,
  destinationCscdDescriptorId: 0,
  sourceStreamDeviceTransferLength: 512,
  destinationStreamDeviceTransferLength: 512,
  byteCount: 512,
};

describe('MoverConfig.segmentTypes', () => {
  it('a block-only copy manager answers 03h with 05/26/09 at the segment, and 02h still copies', async () => {
    const cm = blockOnly();
    const list = paramList({ targets: [diskTarget(cm)], segments: [streamToStream] });
    const r = await run(cm, xcopyCdb(list.length), { dataOut: list });
    expect(kcq(r)).toBe('05/26/09');
    // Field pointer (C/D=0) at the DESCRIPTOR TYPE CODE of the segment: 16 + one 32-byte CSCD descriptor.
    expect(senseOf(r).senseKeySpecific).toEqual({
      kind: 'fieldPointer',
      commandData: false,
      fieldPointer: 48,
    });
    await writeBlocks(cm, 0n, pattern(1024, 4));
    const ok = paramList({ targets: [diskTarget(cm)], segments: [b2b(0, 0, 2, 0n, 100n)] });
    expect((await run(cm, xcopyCdb(ok.length), { dataOut: ok })).status).toBe(0);
    expect((await readBlocks(cm, 100n, 2)).equals(pattern(1024, 4))).toBe(true);
  });

  it('RECEIVE COPY OPERATING PARAMETERS and VPD 8Fh list exactly the offered codes', async () => {
    const cm = blockOnly();
    const op = await run(cm, rcrCdb(RCR_SERVICE_ACTION.operatingParameters, 0));
    const params = decodeOperatingParameters(op.dataIn as Buffer);
    expect(params.implementedDescriptorTypeCodes).toEqual([0x02, 0x07, 0x0a, 0x0d, 0x14, 0xc0, 0xe4]);
    const vpd = await run(cm, Buffer.from([0x12, 0x01, 0x8f, 0x04, 0x00, 0x00]), { dataInLength: 1024 });
    const page = decodeThirdPartyCopy(vpd.dataIn as Buffer);
    const supported = page.thirdPartyCopyDescriptors.find(
      (d) => d.descriptorType === TPC_DESCRIPTOR_TYPE.SUPPORTED_DESCRIPTORS,
    );
    expect(supported).toMatchObject({ descriptorTypeCodes: [0x02, 0x07, 0x0a, 0x0d, 0x14, 0xc0, 0xe4] });
    // The default copy manager offers everything the mover implements.
    const full = new XcopyDisk({ id: 'rules-full', sizeBytes: MiB, resolver: () => resolverFor({}) });
    const all = decodeOperatingParameters(
      (await run(full, rcrCdb(RCR_SERVICE_ACTION.operatingParameters, 0))).dataIn as Buffer,
    );
    expect(all.implementedDescriptorTypeCodes).toEqual([...IMPLEMENTED_DESCRIPTOR_TYPE_CODES]);
  });

  it('moverConfig refuses segment types the mover does not implement, and sorts the list', () => {
    expect(() => moverConfig({ segmentTypes: [0x02, 0x13] })).toThrow(
      'segment type 13h is not one the mover executes',
    );
    expect(moverConfig({ segmentTypes: [0x0a, 0x02, 0x02] }).segmentTypes).toEqual([0x02, 0x0a]);
    expect(moverConfig({}).segmentTypes).toBeUndefined();
  });
});

describe('CSCD descriptor IDs past the end of the list', () => {
  it('are COPY ABORTED 08/04 for the segment naming them, with a segment pointer at the ID field', async () => {
    const disk = createRamDisk({ identity: { id: 'rules-a' }, sizeBytes: MiB });
    const cm = new XcopyDisk({ id: 'rules-cm', sizeBytes: MiB, resolver: () => resolverFor({ disk }) });
    const list = paramList({
      listIdentifier: 3,
      targets: [diskTarget(disk)],
      segments: [b2b(0, 0, 1, 0n, 10n), b2b(0, 1, 1, 0n, 20n)],
    });
    const r = await run(cm, xcopyCdb(list.length), { dataOut: list });
    expect(kcq(r)).toBe('0a/08/04');
    const s = senseOf(r);
    if (!isFixedSense(s)) throw new Error('fixed format expected');
    expect(s.commandSpecificInformation).toBe(1n);
    expect(s.senseKeySpecific).toEqual({ kind: 'segmentPointer', segmentDescriptor: true, fieldPointer: 6 });
    // The first segment ran.
    const status = await run(cm, rcrCdb(RCR_SERVICE_ACTION.copyStatus, 3));
    expect([...(status.dataIn as Buffer)]).toEqual([0, 0, 0, 8, 0x02, 0, 1, 0, 0, 0, 2, 0]);
  });

  it('a reserved ID (0800h-BFFFh) is still refused before any copying: 05/26/00 at the field', async () => {
    const disk = createRamDisk({ identity: { id: 'rules-b' }, sizeBytes: MiB });
    const cm = new XcopyDisk({ id: 'rules-cm2', sizeBytes: MiB, resolver: () => resolverFor({ disk }) });
    const list = paramList({ targets: [diskTarget(disk)], segments: [b2b(0, 0x0800, 1, 0n, 1n)] });
    const r = await run(cm, xcopyCdb(list.length), { dataOut: list });
    expect(kcq(r)).toBe('05/26/00');
    expect(senseOf(r).senseKeySpecific).toEqual({
      kind: 'fieldPointer',
      commandData: false,
      fieldPointer: 48 + 6,
    });
  });
});

describe('ILLEGAL REQUEST from a copy source or destination', () => {
  it('a copy past the destination capacity is 0A/00/00 with 05/21/00 forwarded from the destination', async () => {
    const src = createRamDisk({ identity: { id: 'rules-src' }, sizeBytes: MiB });
    const dst = createRamDisk({ identity: { id: 'rules-dst' }, sizeBytes: MiB });
    const cm = new XcopyDisk({ id: 'rules-cm3', sizeBytes: MiB, resolver: () => resolverFor({ src, dst }) });
    const blocks = MiB / 512;
    const list = paramList({
      targets: [diskTarget(src), diskTarget(dst)],
      segments: [b2b(0, 1, 16, 0n, BigInt(blocks - 1))],
    });
    const r = await run(cm, xcopyCdb(list.length), { dataOut: list });
    expect(kcq(r)).toBe('0a/00/00');
    const sense = r.sense as Buffer;
    // CSI: source offset 0, destination sense at byte 18, segment 0; then status + the disk's sense.
    expect(sense.readUInt32BE(8)).toBe(18 << 16);
    expect(sense[18]).toBe(0x02);
    expect(decodeSense(sense.subarray(19))).toMatchObject({ senseKey: 0x05, asc: 0x21, ascq: 0x00 });
  });

  it('a MEDIUM ERROR is still THIRD PARTY DEVICE FAILURE (0D/01)', async () => {
    const disk = createRamDisk({ identity: { id: 'rules-bad' }, sizeBytes: MiB });
    const bad = new FaultInjectingLu(disk, [{ kind: 'medium-error', operation: 'read', lba: 0n }]);
    const dst = createRamDisk({ identity: { id: 'rules-dst2' }, sizeBytes: MiB });
    const cm = new XcopyDisk({ id: 'rules-cm4', sizeBytes: MiB, resolver: () => resolverFor({ bad, dst }) });
    const list = paramList({
      targets: [diskTarget(disk), diskTarget(dst)],
      segments: [b2b(0, 1, 4, 0n, 0n)],
    });
    expect(kcq(await run(cm, xcopyCdb(list.length), { dataOut: list }))).toBe('0a/0d/01');
  });
});
