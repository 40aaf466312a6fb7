// READ POSITION (SSC-4 7.7): short form (20 bytes: BOP, EOP in the early-warning zone, BPU/LOLU only
// when the position is unknown, first/last logical object location), long form (partition, logical
// object number, logical file identifier) and extended form.
import { encodeReadPosition } from '../../../cdb/ssc';
import { expectGood, expectInvalidCdb, expectSense, KEY, useInProcessTape } from './support';

describe('SSC READ POSITION', () => {
  const f = useInProcessTape();

  it('short form at BOP: BOP=1, EOP=0, position known (BPU/LOLU=0), locations 0, nothing buffered', async () => {
    const r = await f.tape.exec(encodeReadPosition({ serviceAction: 0, allocationLength: 0, control: 0 }), {
      dataInLength: 20,
    });
    expectGood(r);
    // Byte 0: BOP (bit 7) only; partition 0; first and last location 0; no buffered objects or bytes.
    expect(r.dataIn).toEqual(Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  });

  it('short form after blocks and a filemark: first/last location = next object (filemarks counted)', async () => {
    await f.tape.writeLayout([10, 10, 10, 'F']);
    const p = await f.tape.readPositionShort();
    expect(p).toMatchObject({
      bop: false,
      eop: false,
      lolu: false,
      perr: false,
      partitionNumber: 0,
      firstLogicalObjectLocation: 4,
      lastLogicalObjectLocation: 4,
      numberOfLogicalObjectsInObjectBuffer: 0,
      numberOfBytesInObjectBuffer: 0,
    });
  });

  it('long form: partition, logical object number and logical file identifier', async () => {
    await f.tape.writeLayout([10, 'F', 10, 'F', 'F', 10]);
    expectGood(await f.tape.locate10(4));
    const p = await f.tape.readPositionLong();
    expect(p).toEqual({
      bop: false,
      eop: false,
      mpu: false,
      lonu: false,
      bpew: false,
      partitionNumber: 0,
      logicalObjectNumber: 4n,
      logicalFileIdentifier: 2n,
      logicalSetIdentifier: 0n,
    });
    expectGood(await f.tape.rewind());
    expect((await f.tape.readPositionLong()).bop).toBe(true);
  });

  it('extended form: 64-bit locations, ADDITIONAL LENGTH 1Ch, cut to the allocation length', async () => {
    await f.tape.writeLayout([10, 10]);
    const p = await f.tape.readPositionExtended();
    expect(p).toMatchObject({
      bop: false,
      eop: false,
      firstLogicalObjectLocation: 2n,
      lastLogicalObjectLocation: 2n,
    });
    const r = await f.tape.exec(encodeReadPosition({ serviceAction: 8, allocationLength: 8, control: 0 }), {
      dataInLength: 8,
    });
    expectGood(r);
    expect(r.dataIn.length).toBe(8);
    expect(r.dataIn.readUInt16BE(2)).toBe(0x1c);
  });

  it('EOP is set while the position is in the early-warning zone', async () => {
    f.dut.control.forceEarlyWarningAt(2);
    await f.tape.writeLayout([10]);
    expect((await f.tape.readPositionShort()).eop).toBe(false);
    expectSense(await f.tape.write(Buffer.alloc(10)), {
      key: KEY.NO_SENSE,
      asc: 0,
      ascq: 2,
      eom: true,
      information: 0,
    });
    expect((await f.tape.readPositionShort()).eop).toBe(true);
    expect((await f.tape.readPositionLong()).eop).toBe(true);
    expectGood(await f.tape.rewind());
    expect(await f.tape.readPositionShort()).toMatchObject({ bop: true, eop: false });
  });

  it('a reserved service action and a non-zero allocation length for the short form are INVALID FIELD IN CDB', async () => {
    expectInvalidCdb(
      await f.tape.exec(Buffer.from([0x34, 0x02, 0, 0, 0, 0, 0, 0, 0, 0]), { dataInLength: 20 }),
    );
    expectInvalidCdb(
      await f.tape.exec(Buffer.from([0x34, 0x00, 0, 0, 0, 0, 0, 0, 20, 0]), { dataInLength: 20 }),
    );
  });

  it('without a medium: NOT READY, MEDIUM NOT PRESENT (3A/00)', async () => {
    f.dut.control.removeCartridge();
    const r = await f.tape.exec(encodeReadPosition({ serviceAction: 6, allocationLength: 0, control: 0 }), {
      dataInLength: 32,
    });
    expectSense(r, { key: KEY.NOT_READY, asc: 0x3a, ascq: 0x00 });
  });
});
