// READ ELEMENT STATUS (SMC-3 READ ELEMENT STATUS): element status pages per element type with volume tags (the
// cartridge's MAM BARCODE) and device identifiers (DVCID: the drive's serial number), INITIALIZE
// ELEMENT STATUS (WITH RANGE), and the element address assignment mode page (1Dh).
import { ELEMENT_TYPE } from '../../../cdb/smc';
import { decodeModeParameterList } from '../../../cdb/spc/mode-parameters';
import { asciiValue } from '../../../emulator/tape/mam';
import { Cartridge } from '../../../emulator/tape';
import { expectGood, expectSense, KEY } from '../ssc/support';
import {
  barcodes,
  DRIVE0,
  DRIVE1,
  IE,
  initializeElementStatusWithRange,
  moveMedium,
  openLibrary,
  readElementStatus,
  readElementStatusRaw,
  SLOT0,
  type Library,
} from './support';

describe('SMC READ ELEMENT STATUS', () => {
  let lib: Library;

  beforeEach(async () => {
    lib = await openLibrary();
  });
  afterEach(async () => {
    await lib.close();
  });

  it('all element types: one page per type in address order, volume tags from the cartridges', async () => {
    const s = await readElementStatus(lib.robot);
    expect(s.pages.map((p) => p.elementTypeCode)).toEqual([
      ELEMENT_TYPE.mediumTransport,
      ELEMENT_TYPE.importExport,
      ELEMENT_TYPE.dataTransfer,
      ELEMENT_TYPE.storage,
    ]);
    expect(s.firstElementAddressReported).toBe(0);
    expect(s.numberOfElementsAvailable).toBe(1 + 1 + 2 + 4);
    expect(s.pages.every((p) => p.pvoltag && !p.avoltag && p.elementDescriptorLength === 12 + 36)).toBe(true);
    const storage = s.pages[3].descriptors;
    expect(
      storage.map((d) => [d.elementAddress, d.full, d.access, d.primaryVolumeTag?.volumeIdentifier]),
    ).toEqual([
      [SLOT0, true, true, 'VOL001L8'],
      [SLOT0 + 1, true, true, 'VOL002L8'],
      [SLOT0 + 2, false, true, ''],
      [SLOT0 + 3, true, true, 'VOL004L8'],
    ]);
    expect(storage.filter((d) => d.full).every((d) => d.mediumType === 1)).toBe(true);
    expect(s.pages[2].descriptors.map((d) => [d.elementAddress, d.full])).toEqual([
      [DRIVE0, false],
      [DRIVE1, false],
    ]);
    expect(s.pages[1].descriptors[0]).toMatchObject({
      elementAddress: IE,
      full: false,
      inEnab: true,
      exEnab: true,
    });
    expect(s.pages[0].descriptors[0]).toMatchObject({ elementAddress: 0, full: false, access: false });
  });

  it('one element type from a starting address, limited by NUMBER OF ELEMENTS', async () => {
    const s = await readElementStatus(lib.robot, { type: ELEMENT_TYPE.storage, start: SLOT0 + 1, count: 2 });
    expect(s.pages).toHaveLength(1);
    expect(s.pages[0].descriptors.map((d) => d.elementAddress)).toEqual([SLOT0 + 1, SLOT0 + 2]);
    expect(s.firstElementAddressReported).toBe(SLOT0 + 1);
    expect(s.numberOfElementsAvailable).toBe(2);
  });

  it('VOLTAG=0: no volume tag, 12-byte descriptors', async () => {
    const s = await readElementStatus(lib.robot, { type: ELEMENT_TYPE.storage, voltag: false });
    expect(s.pages[0]).toMatchObject({ pvoltag: false, elementDescriptorLength: 12 });
    expect(s.pages[0].descriptors[0].primaryVolumeTag).toBeUndefined();
  });

  it('DVCID=1: data transfer elements carry the drive serial number', async () => {
    const s = await readElementStatus(lib.robot, { type: ELEMENT_TYPE.dataTransfer, dvcid: true });
    const ids = s.pages[0].descriptors.map((d) => d.deviceIdentifier);
    expect(ids.map((i) => i?.identifier.toString('latin1'))).toEqual(['DRIVESERIAL0', 'DRIVESERIAL1']);
    expect(ids[0]).toMatchObject({ codeSet: 2, identifierType: 0 });
  });

  it('the allocation length cuts the data, the byte counts still describe the whole report', async () => {
    const whole = await readElementStatusRaw(lib.robot);
    const cut = await readElementStatusRaw(lib.robot, { allocationLength: 40 });
    expectGood(cut);
    expect(cut.dataIn.equals(whole.dataIn.subarray(0, 40))).toBe(true);
    expect(cut.dataIn.readUIntBE(5, 3)).toBe(whole.dataIn.length - 8);
  });

  it('a starting address past every element of the type is INVALID ELEMENT ADDRESS (21/01)', async () => {
    expectSense(await readElementStatusRaw(lib.robot, { type: ELEMENT_TYPE.dataTransfer, start: 0x0200 }), {
      key: KEY.ILLEGAL_REQUEST,
      asc: 0x21,
      ascq: 0x01,
    });
  });

  it('a drive holding a cartridge moved from a slot: FULL, SVALID and the source slot', async () => {
    expectGood(await moveMedium(lib.robot, SLOT0 + 1, DRIVE1));
    const s = await readElementStatus(lib.robot, { type: ELEMENT_TYPE.dataTransfer, start: DRIVE1 });
    expect(s.pages[0].descriptors[0]).toMatchObject({
      elementAddress: DRIVE1,
      full: true,
      svalid: true,
      sourceStorageElementAddress: SLOT0 + 1,
      primaryVolumeTag: { volumeIdentifier: 'VOL002L8', volumeSequenceNumber: 0 },
    });
  });

  it('INITIALIZE ELEMENT STATUS re-reads the barcodes from the cartridge MAM', async () => {
    const file = lib.changer.inventory().find((e) => e.address === SLOT0)?.path;
    if (file === undefined) throw new Error('slot 0 is empty');
    const c = Cartridge.open(file, { countLoad: false });
    c.writeMamAttribute(0x0806, 'ascii', asciiValue('RELABEL1', 32));
    c.close();
    expect((await barcodes(lib.robot)).get(SLOT0)).toBe('VOL001L8');
    expectGood(await lib.robot.execute({ cdb: Buffer.from([0x07, 0, 0, 0, 0, 0]) }));
    expect((await barcodes(lib.robot)).get(SLOT0)).toBe('RELABEL1');
  });

  it('INITIALIZE ELEMENT STATUS WITH RANGE: a range of elements; an invalid start is 21/01', async () => {
    expectGood(await initializeElementStatusWithRange(lib.robot, SLOT0, 4));
    expectSense(await initializeElementStatusWithRange(lib.robot, 0x0999, 1), {
      key: KEY.ILLEGAL_REQUEST,
      asc: 0x21,
      ascq: 0x01,
    });
  });

  it('MODE SENSE page 1Dh: element address assignment', async () => {
    const r = await lib.robot.execute({
      cdb: Buffer.from([0x1a, 0x08, 0x1d, 0, 0xff, 0]),
      dataInLength: 0xff,
    });
    expectGood(r);
    const m = decodeModeParameterList(r.dataIn, { format: 6, use: 'sense', deviceType: 8 });
    expect(m.pages[0]).toEqual({
      kind: 'elementAddressAssignment',
      ps: false,
      firstMediumTransportElementAddress: 0,
      numberOfMediumTransportElements: 1,
      firstStorageElementAddress: SLOT0,
      numberOfStorageElements: 4,
      firstImportExportElementAddress: IE,
      numberOfImportExportElements: 1,
      firstDataTransferElementAddress: DRIVE0,
      numberOfDataTransferElements: 2,
    });
  });

  it('INQUIRY: peripheral device type 08h', async () => {
    const r = await lib.robot.execute({ cdb: Buffer.from([0x12, 0, 0, 0, 36, 0]), dataInLength: 36 });
    expectGood(r);
    expect(r.dataIn[0]).toBe(0x08);
  });
});
