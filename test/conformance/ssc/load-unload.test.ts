// LOAD UNLOAD (SSC-4 7.3; byte 4 bit 0 LOAD, bit 1 RETEN, bit 2 EOT, bit 3 HOLD) and PREVENT ALLOW
// MEDIUM REMOVAL: unload rewinds and ejects (NOT READY, 3A/00); HOLD keeps the cartridge seated
// with its MAM readable (NOT READY, 04/02); LOAD threads and positions at BOP.
import { encodeReadAttribute } from '../../../cdb/spc/read-attribute';
import { block, expectGood, expectInvalidCdb, expectSense, KEY, Tape, useInProcessTape } from './support';

describe('SSC LOAD UNLOAD', () => {
  const f = useInProcessTape({
    setup: async (tape) => {
      await tape.writeLayout([100, 'F', 200]);
    },
  });

  it('unload ejects: TEST UNIT READY and medium commands are NOT READY, MEDIUM NOT PRESENT', async () => {
    expectGood(await f.tape.loadUnload({ load: false }));
    expectSense(await f.tape.testUnitReady(), { key: KEY.NOT_READY, asc: 0x3a, ascq: 0x00 });
    expectSense(await f.tape.read(100), { key: KEY.NOT_READY, asc: 0x3a, ascq: 0x00 });
    expectSense(await f.tape.write(block(9, 10)), { key: KEY.NOT_READY, asc: 0x3a, ascq: 0x00 });
    expectSense(await f.tape.rewind(), { key: KEY.NOT_READY, asc: 0x3a, ascq: 0x00 });
  });

  it('LOAD after unload: ready at BOP with the data intact (unload rewound)', async () => {
    expect(await f.tape.position()).toBe(3);
    expectGood(await f.tape.loadUnload({ load: false }));
    expectGood(await f.tape.loadUnload({ load: true }));
    expectGood(await f.tape.testUnitReady());
    expect((await f.tape.readPositionShort()).bop).toBe(true);
    const r = await f.tape.read(100);
    expectGood(r);
    expect(r.dataIn.equals(block(0, 100))).toBe(true);
  });

  it('a LOAD from one initiator gives the others NOT READY TO READY CHANGE (28/00)', async () => {
    expectGood(await f.tape.loadUnload({ load: false }));
    expectGood(await f.tape.loadUnload({ load: true }));
    expectGood(await f.tape.testUnitReady());
    const other = new Tape(f.dut.t2);
    expectSense(await other.testUnitReady(), { key: KEY.UNIT_ATTENTION, asc: 0x28, ascq: 0x00 });
    expectGood(await other.testUnitReady());
  });

  it('HOLD=1 unload unthreads without ejecting: NOT READY 04/02, MAM still readable', async () => {
    expectGood(await f.tape.loadUnload({ load: false, hold: true }));
    expectSense(await f.tape.testUnitReady(), { key: KEY.NOT_READY, asc: 0x04, ascq: 0x02 });
    expectSense(await f.tape.read(100), { key: KEY.NOT_READY, asc: 0x04, ascq: 0x02 });
    const mam = await f.tape.exec(
      encodeReadAttribute({
        serviceAction: 0,
        elementAddress: 0,
        logicalVolumeNumber: 0,
        partitionNumber: 0,
        firstAttributeIdentifier: 0x0806,
        allocationLength: 64,
        cache: false,
        control: 0,
      }),
      { dataInLength: 64 },
    );
    expectGood(mam);
    expect(mam.dataIn.readUInt16BE(4)).toBe(0x0806);
    expectGood(await f.tape.loadUnload({ load: true }));
    expectGood(await f.tape.testUnitReady());
    expect(await f.tape.position()).toBe(0);
  });

  it('LOAD with RETEN=1 positions at BOP', async () => {
    expectGood(await f.tape.loadUnload({ load: true, reten: true }));
    expect((await f.tape.readPositionShort()).bop).toBe(true);
  });

  it('LOAD=1 with EOT=1 is INVALID FIELD IN CDB', async () => {
    expectInvalidCdb(await f.tape.loadUnload({ load: true, eot: true }));
  });

  it('unload with EOT=1 also ejects; a second unload finds no loaded medium', async () => {
    expectGood(await f.tape.loadUnload({ load: false, eot: true }));
    expectSense(await f.tape.testUnitReady(), { key: KEY.NOT_READY, asc: 0x3a, ascq: 0x00 });
    expectSense(await f.tape.loadUnload({ load: false }), { key: KEY.NOT_READY, asc: 0x3a, ascq: 0x00 });
  });

  it('PREVENT MEDIUM REMOVAL: unload is ILLEGAL REQUEST, MEDIUM REMOVAL PREVENTED (53/02) until allowed', async () => {
    expectGood(await f.tape.exec(Buffer.from([0x1e, 0, 0, 0, 0x01, 0])));
    expectSense(await f.tape.loadUnload({ load: false }), {
      key: KEY.ILLEGAL_REQUEST,
      asc: 0x53,
      ascq: 0x02,
    });
    expectGood(await f.tape.testUnitReady());
    // Prevention from another nexus also holds the medium.
    const other = new Tape(f.dut.t2);
    expectGood(await other.exec(Buffer.from([0x1e, 0, 0, 0, 0x01, 0])));
    expectGood(await f.tape.exec(Buffer.from([0x1e, 0, 0, 0, 0x00, 0])));
    expectSense(await f.tape.loadUnload({ load: false }), {
      key: KEY.ILLEGAL_REQUEST,
      asc: 0x53,
      ascq: 0x02,
    });
    expectGood(await other.exec(Buffer.from([0x1e, 0, 0, 0, 0x00, 0])));
    expectGood(await f.tape.loadUnload({ load: false }));
  });

  it('PREVENT 1xb is INVALID FIELD IN CDB on a tape drive', async () => {
    expectInvalidCdb(await f.tape.exec(Buffer.from([0x1e, 0, 0, 0, 0x02, 0])));
  });

  it('LOAD UNLOAD with no cartridge in the drive: NOT READY, MEDIUM NOT PRESENT', async () => {
    f.dut.control.removeCartridge();
    expectSense(await f.tape.loadUnload({ load: true }), { key: KEY.NOT_READY, asc: 0x3a, ascq: 0x00 });
  });
});
