// MOVE MEDIUM (SMC-3 MOVE MEDIUM): slot -> drive loads the cartridge (the drive reports 28/00), drive ->
// slot unloads it; a full backup cycle by barcode keeps each cartridge's data; every bad move has
// its own sense: 3B/0E source empty, 3B/0D destination full, 21/01 invalid address, 53/02 removal
// prevented.
import { ELEMENT_TYPE } from '../../../cdb/smc';
import { InProcessTransport } from '../../../targets/inprocess-transport';
import { block, expectGood, expectInvalidCdb, expectSense, KEY, nexus, Tape } from '../ssc/support';
import {
  barcodes,
  DRIVE0,
  DRIVE1,
  IE,
  moveMedium,
  openLibrary,
  readElementStatus,
  SLOT0,
  slotOf,
  type Library,
} from './support';

describe('SMC MOVE MEDIUM', () => {
  let lib: Library;

  beforeEach(async () => {
    lib = await openLibrary();
  });
  afterEach(async () => {
    await lib.close();
  });

  it('load by barcode, write, unload, load another, load the first again: its data is intact', async () => {
    const drive = new Tape(lib.drive[0]);
    expectSense(await drive.testUnitReady(), { key: KEY.NOT_READY, asc: 0x3a, ascq: 0x00 });

    const slot2 = await slotOf(lib.robot, 'VOL002L8');
    expectGood(await moveMedium(lib.robot, slot2, DRIVE0));
    // The drive reports the medium change to every initiator, then is ready at BOP.
    expectSense(await drive.testUnitReady(), { key: KEY.UNIT_ATTENTION, asc: 0x28, ascq: 0x00 });
    expectSense(await new Tape(lib.drive0Other).testUnitReady(), {
      key: KEY.UNIT_ATTENTION,
      asc: 0x28,
      ascq: 0x00,
    });
    expectGood(await drive.testUnitReady());
    expect((await drive.readPositionShort()).bop).toBe(true);
    await drive.writeLayout([1000, 2000, 'F']);
    expect((await barcodes(lib.robot)).get(DRIVE0)).toBe('VOL002L8');

    expectGood(await moveMedium(lib.robot, DRIVE0, slot2));
    expectSense(await drive.testUnitReady(), { key: KEY.NOT_READY, asc: 0x3a, ascq: 0x00 });
    const after = await barcodes(lib.robot);
    expect(after.get(DRIVE0)).toBeUndefined();
    expect(after.get(slot2)).toBe('VOL002L8');

    const slot1 = await slotOf(lib.robot, 'VOL001L8');
    expectGood(await moveMedium(lib.robot, slot1, DRIVE0));
    expectSense(await drive.testUnitReady(), { key: KEY.UNIT_ATTENTION, asc: 0x28, ascq: 0x00 });
    // A different, blank cartridge.
    expectSense(await drive.read(1000), { key: KEY.BLANK_CHECK, asc: 0, ascq: 5, information: 1000 });
    expectGood(await drive.write(Buffer.alloc(500, 0xee)));
    expectGood(await moveMedium(lib.robot, DRIVE0, slot1));

    expectGood(await moveMedium(lib.robot, slot2, DRIVE0));
    await drive.testUnitReady();
    const r0 = await drive.read(1000);
    expectGood(r0);
    expect(r0.dataIn.equals(block(0, 1000))).toBe(true);
    const r1 = await drive.read(2000);
    expect(r1.dataIn.equals(block(1, 2000))).toBe(true);
    expectSense(await drive.read(10), {
      key: KEY.NO_SENSE,
      asc: 0,
      ascq: 1,
      filemark: true,
      information: 10,
    });
    expectSense(await drive.read(10), { key: KEY.BLANK_CHECK, asc: 0, ascq: 5, information: 10 });
  });

  it('source empty: ILLEGAL REQUEST, MEDIUM SOURCE ELEMENT EMPTY (3B/0E)', async () => {
    expectSense(await moveMedium(lib.robot, SLOT0 + 2, DRIVE0), {
      key: KEY.ILLEGAL_REQUEST,
      asc: 0x3b,
      ascq: 0x0e,
    });
    expectSense(await moveMedium(lib.robot, DRIVE1, SLOT0 + 2), {
      key: KEY.ILLEGAL_REQUEST,
      asc: 0x3b,
      ascq: 0x0e,
    });
  });

  it('destination full: ILLEGAL REQUEST, MEDIUM DESTINATION ELEMENT FULL (3B/0D)', async () => {
    expectSense(await moveMedium(lib.robot, SLOT0, SLOT0 + 1), {
      key: KEY.ILLEGAL_REQUEST,
      asc: 0x3b,
      ascq: 0x0d,
    });
    expectGood(await moveMedium(lib.robot, SLOT0, DRIVE0));
    expectSense(await moveMedium(lib.robot, SLOT0 + 1, DRIVE0), {
      key: KEY.ILLEGAL_REQUEST,
      asc: 0x3b,
      ascq: 0x0d,
    });
    // Nothing moved.
    const b = await barcodes(lib.robot);
    expect([b.get(SLOT0), b.get(SLOT0 + 1), b.get(DRIVE0)]).toEqual([undefined, 'VOL002L8', 'VOL001L8']);
  });

  it('invalid element addresses: INVALID ELEMENT ADDRESS (21/01) for source, destination and transport', async () => {
    const bad = { key: KEY.ILLEGAL_REQUEST, asc: 0x21, ascq: 0x01 };
    expectSense(await moveMedium(lib.robot, 0x0999, DRIVE0), bad);
    expectSense(await moveMedium(lib.robot, SLOT0, 0x2000), bad);
    expectSense(await moveMedium(lib.robot, SLOT0, DRIVE0, { transport: 0x0005 }), bad);
    // The medium transport is not a source or destination of MOVE MEDIUM.
    expectSense(await moveMedium(lib.robot, SLOT0, 0x0000), bad);
  });

  it('INVERT=1 is INVALID FIELD IN CDB (single-sided media)', async () => {
    expectInvalidCdb(await moveMedium(lib.robot, SLOT0, DRIVE0, { invert: true }));
  });

  it('drive -> slot while an initiator prevents removal: MEDIUM REMOVAL PREVENTED (53/02), then allowed', async () => {
    expectGood(await moveMedium(lib.robot, SLOT0, DRIVE0));
    const other = new Tape(lib.drive0Other);
    await other.testUnitReady();
    expectGood(await other.exec(Buffer.from([0x1e, 0, 0, 0, 0x01, 0])));
    expectSense(await moveMedium(lib.robot, DRIVE0, SLOT0), {
      key: KEY.ILLEGAL_REQUEST,
      asc: 0x53,
      ascq: 0x02,
    });
    expect((await barcodes(lib.robot)).get(DRIVE0)).toBe('VOL001L8');
    expectGood(await other.exec(Buffer.from([0x1e, 0, 0, 0, 0x00, 0])));
    expectGood(await moveMedium(lib.robot, DRIVE0, SLOT0));
  });

  it('a drive the host already unloaded (LOAD UNLOAD) still holds the cartridge for the changer', async () => {
    expectGood(await moveMedium(lib.robot, SLOT0 + 3, DRIVE1));
    const d = new Tape(lib.drive[1]);
    await d.testUnitReady();
    expectGood(await d.loadUnload({ load: false }));
    expect((await barcodes(lib.robot)).get(DRIVE1)).toBe('VOL004L8');
    expectGood(await moveMedium(lib.robot, DRIVE1, SLOT0 + 2));
    expect((await barcodes(lib.robot)).get(SLOT0 + 2)).toBe('VOL004L8');
  });

  it('drive -> drive, and the import/export element: operator import raises 28/01 on the changer', async () => {
    expectGood(await moveMedium(lib.robot, SLOT0, DRIVE0));
    expectGood(await moveMedium(lib.robot, DRIVE0, DRIVE1));
    const d1 = new Tape(lib.drive[1]);
    expectSense(await d1.testUnitReady(), { key: KEY.UNIT_ATTENTION, asc: 0x28, ascq: 0x00 });
    expectGood(await d1.testUnitReady());

    lib.changer.importCartridge(lib.spare);
    expectSense(await lib.robot.execute({ cdb: Buffer.alloc(6) }), {
      key: KEY.UNIT_ATTENTION,
      asc: 0x28,
      ascq: 0x01,
    });
    const ie = await readElementStatus(lib.robot, { type: ELEMENT_TYPE.importExport });
    expect(ie.pages[0].descriptors[0]).toMatchObject({
      full: true,
      primaryVolumeTag: { volumeIdentifier: 'SPARE9L8' },
    });
    expectGood(await moveMedium(lib.robot, IE, SLOT0));
    expect((await barcodes(lib.robot)).get(SLOT0)).toBe('SPARE9L8');
    expectGood(await moveMedium(lib.robot, SLOT0 + 1, IE));
    expect(lib.changer.exportCartridge()).toMatch(/VOL002L8\.vtape$/);
  });

  it('a changer reserved by one initiator: MOVE MEDIUM and READ ELEMENT STATUS from another conflict', async () => {
    const other = new InProcessTransport(lib.changer, { nexus: nexus(2) });
    await other.execute({ cdb: Buffer.alloc(6) });
    expectGood(await lib.robot.execute({ cdb: Buffer.from([0x16, 0, 0, 0, 0, 0]) }));
    expect((await moveMedium(other, SLOT0, DRIVE0)).status).toBe(0x18);
    expect(
      (
        await other.execute({
          cdb: Buffer.from([0xb8, 0x10, 0, 0, 0, 8, 0, 0, 0x10, 0, 0, 0]),
          dataInLength: 4096,
        })
      ).status,
    ).toBe(0x18);
    expectGood(await other.execute({ cdb: Buffer.from([0x12, 0, 0, 0, 36, 0]), dataInLength: 36 }));
    expectGood(await moveMedium(lib.robot, SLOT0, DRIVE0));
    expectGood(await lib.robot.execute({ cdb: Buffer.from([0x17, 0, 0, 0, 0, 0]) }));
    expectGood(await moveMedium(other, DRIVE0, SLOT0));
    await other.close();
  });
});
