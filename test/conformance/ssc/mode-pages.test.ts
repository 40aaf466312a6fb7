// MODE SENSE / MODE SELECT on the tape drive (SSC-4 8.3): the header's device-specific parameter
// (WP, BUFFERED MODE), the block descriptor (density code, block length), the data compression page
// (0Fh) and the device configuration page (10h); MODE PARAMETERS CHANGED for the other initiators
// and all-or-nothing MODE SELECT parameter lists (SPC-4 7.5.1).
import type { ModePage } from '../../../cdb/spc/mode-pages';
import type { ScsiResult } from '../../../targets/transport';
import { block, expectGood, expectSense, KEY, Tape, useInProcessTape } from './support';

/** The sense-key specific bytes 15-17 of fixed sense (SKSV, C/D, BPV, bit pointer, field pointer). */
function sks(r: ScsiResult): number[] {
  return [...r.sense.subarray(15, 18)];
}

function page<K extends ModePage['kind']>(pages: ModePage[], kind: K): Extract<ModePage, { kind: K }> {
  const p = pages.find((x): x is Extract<ModePage, { kind: K }> => x.kind === kind);
  if (p === undefined) throw new Error(`no ${kind} page`);
  return p;
}

describe('SSC mode parameters', () => {
  const f = useInProcessTape();

  it('MODE SENSE(6): header with BUFFERED MODE 1 and WP 0, one 8-byte block descriptor, pages 0Ah 0Fh 10h', async () => {
    const r = await f.tape.modeSense(0x3f);
    expectGood(r);
    expect(r.dataIn[0]).toBe(r.dataIn.length - 1); // MODE DATA LENGTH
    expect(r.dataIn[1]).toBe(0x00); // MEDIUM TYPE
    expect(r.dataIn[2]).toBe(0x10); // WP=0, BUFFERED MODE=001b, SPEED=0
    expect(r.dataIn[3]).toBe(8); // BLOCK DESCRIPTOR LENGTH
    // DENSITY CODE 5Eh, NUMBER OF BLOCKS 0, BLOCK LENGTH 0 (variable).
    expect(r.dataIn.subarray(4, 12)).toEqual(Buffer.from([0x5e, 0, 0, 0, 0, 0, 0, 0]));
    const m = await f.tape.modeParameters();
    expect(m.pages.map((p) => p.kind)).toEqual(['control', 'dataCompression', 'deviceConfiguration']);
    expect(page(m.pages, 'dataCompression')).toMatchObject({ dcc: true, dce: false, dde: true });
    expect(page(m.pages, 'deviceConfiguration')).toMatchObject({
      lois: true,
      eeg: true,
      sew: true,
      swp: false,
    });
  });

  it('DBD=1 leaves the block descriptor out', async () => {
    const r = await f.tape.modeSense(0x0f, { dbd: true });
    expectGood(r);
    expect(r.dataIn[3]).toBe(0);
    expect(r.dataIn[4]).toBe(0x0f);
  });

  it('changeable values: DCE in 0Fh; SWP and SELECT DATA COMPRESSION ALGORITHM in 10h', async () => {
    const c = await f.tape.modeSense(0x0f, { pc: 1, dbd: true });
    expect(c.dataIn.subarray(4)).toEqual(
      Buffer.from([0x0f, 0x0e, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    );
    const d = await f.tape.modeSense(0x10, { pc: 1, dbd: true });
    expect(d.dataIn[4 + 10]).toBe(0x04);
    expect(d.dataIn[4 + 14]).toBe(0x01);
  });

  it('MODE SELECT of page 0Fh with DCE=1 sticks; other initiators get MODE PARAMETERS CHANGED', async () => {
    const cur = await f.tape.modeSense(0x0f, { dbd: true });
    const p = Buffer.from(cur.dataIn.subarray(4));
    p[2] |= 0x80;
    expectGood(await f.tape.modeSelect({ pages: [p] }));
    expect(page((await f.tape.modeParameters()).pages, 'dataCompression').dce).toBe(true);
    expectSense(await new Tape(f.dut.t2).testUnitReady(), { key: KEY.UNIT_ATTENTION, asc: 0x2a, ascq: 0x01 });
  });

  it('MODE SELECT changing a bit that is not changeable (DCC) is INVALID FIELD IN PARAMETER LIST', async () => {
    const cur = await f.tape.modeSense(0x0f, { dbd: true });
    const p = Buffer.from(cur.dataIn.subarray(4));
    p[2] &= ~0x40;
    expectSense(await f.tape.modeSelect({ pages: [p] }), { key: KEY.ILLEGAL_REQUEST, asc: 0x26, ascq: 0x00 });
  });

  it('block descriptor and page together in one MODE SELECT', async () => {
    const cur = await f.tape.modeSense(0x0f, { dbd: true });
    const p = Buffer.from(cur.dataIn.subarray(4));
    p[2] |= 0x80;
    expectGood(
      await f.tape.modeSelect({ blockDescriptor: { densityCode: 0x5e, blockLength: 4096 }, pages: [p] }),
    );
    const m = await f.tape.modeParameters();
    expect(m.blockDescriptors[0]).toMatchObject({ densityCode: 0x5e, blockLength: 4096 });
    expect(page(m.pages, 'dataCompression').dce).toBe(true);
  });

  it('LOGICAL UNIT RESET restores the defaults, including variable-block mode', async () => {
    await f.tape.setBlockLength(2048);
    f.dut.control.logicalUnitReset();
    expectSense(await f.tape.testUnitReady(), { key: KEY.UNIT_ATTENTION, asc: 0x29, ascq: 0x03 });
    expect((await f.tape.modeParameters()).blockDescriptors[0]).toMatchObject({ blockLength: 0 });
  });

  it('SWP in the device configuration page: writes are DATA PROTECT 27/02 and MODE SENSE shows WP', async () => {
    const cur = await f.tape.modeSense(0x10, { dbd: true });
    const p = Buffer.from(cur.dataIn.subarray(4));
    p[10] |= 0x04;
    expectGood(await f.tape.modeSelect({ pages: [p] }));
    expectSense(await f.tape.write(block(0, 10)), { key: KEY.DATA_PROTECT, asc: 0x27, ascq: 0x02 });
    expect((await f.tape.modeSense(0x10)).dataIn[2] & 0x80).toBe(0x80);
  });

  it('a write-protected medium sets WP in the header; clearing the tab clears it', async () => {
    expect((await f.tape.modeSense(0x3f)).dataIn[2] & 0x80).toBe(0);
    f.dut.control.setWriteProtected(true);
    expect((await f.tape.modeSense(0x3f)).dataIn[2]).toBe(0x90);
    f.dut.control.setWriteProtected(false);
    expect((await f.tape.modeSense(0x3f)).dataIn[2]).toBe(0x10);
  });

  it('more than one block descriptor is INVALID FIELD IN PARAMETER LIST', async () => {
    const bd = Buffer.from([0, 0, 0, 0, 0, 0, 0x02, 0x00]);
    const data = Buffer.concat([Buffer.from([0, 0, 0x10, 16]), bd, bd]);
    const r = await f.tape.exec(Buffer.from([0x15, 0x10, 0, 0, data.length, 0]), { dataOut: data });
    expectSense(r, { key: KEY.ILLEGAL_REQUEST, asc: 0x26, ascq: 0x00 });
  });

  describe('MODE PARAMETERS CHANGED and all-or-nothing MODE SELECT', () => {
    const modeChanged = { key: KEY.UNIT_ATTENTION, asc: 0x2a, ascq: 0x01 };

    it('a block length change tells the other initiators (2A/01), not the one that made it', async () => {
      await f.tape.setBlockLength(512);
      expectGood(await f.tape.testUnitReady());
      for (const t of [f.dut.t2, f.dut.t3]) {
        expectSense(await new Tape(t).testUnitReady(), modeChanged);
        expectGood(await new Tape(t).testUnitReady());
      }
      // Selecting the same block length again changes nothing: no unit attention.
      await f.tape.setBlockLength(512);
      expectGood(await new Tape(f.dut.t2).testUnitReady());
    });

    it('a bad page after a good block descriptor leaves the block length and the pages as they were', async () => {
      const cur = await f.tape.modeSense(0x0f, { dbd: true });
      const p = Buffer.from(cur.dataIn.subarray(4));
      p[2] |= 0x80; // DCE: changeable
      p[2] &= ~0x40; // DCC: not changeable
      const r = await f.tape.modeSelect({
        blockDescriptor: { densityCode: 0, blockLength: 1024 },
        pages: [p],
      });
      expectSense(r, { key: KEY.ILLEGAL_REQUEST, asc: 0x26, ascq: 0x00 });
      // Field pointer: page byte 2 at parameter list byte 4 + 8 + 2, bit 6 (DCC).
      expect(sks(r)).toEqual([0x80 | 0x08 | 6, 0, 14]);
      const m = await f.tape.modeParameters();
      expect(m.blockDescriptors[0]).toMatchObject({ blockLength: 0 });
      expect(page(m.pages, 'dataCompression').dce).toBe(false);
      expectGood(await new Tape(f.dut.t2).testUnitReady());
    });

    it('a bad block descriptor after a good BUFFERED MODE leaves the header value as it was', async () => {
      // Density code 42h is not the loaded cartridge's (5Eh).
      const r = await f.tape.modeSelect({
        deviceSpecificParameter: 0x00,
        blockDescriptor: { densityCode: 0x42, blockLength: 512 },
      });
      expectSense(r, { key: KEY.ILLEGAL_REQUEST, asc: 0x26, ascq: 0x00 });
      expect(sks(r)).toEqual([0x80, 0, 4]);
      expect((await f.tape.modeSense(0x3f)).dataIn[2]).toBe(0x10);
      expectGood(await new Tape(f.dut.t2).testUnitReady());
    });
  });

  describe('BUFFERED MODE in the mode parameter header', () => {
    it('BUFFERED MODE 0h and 2h are stored and reported; the others learn of the change', async () => {
      expectGood(await f.tape.modeSelect({ deviceSpecificParameter: 0x00 }));
      expect((await f.tape.modeSense(0x3f)).dataIn[2]).toBe(0x00);
      expectSense(await new Tape(f.dut.t2).testUnitReady(), {
        key: KEY.UNIT_ATTENTION,
        asc: 0x2a,
        ascq: 0x01,
      });
      expectGood(await f.tape.modeSelect({ deviceSpecificParameter: 0x20 }));
      expect((await f.tape.modeSense(0x3f)).dataIn[2]).toBe(0x20);
      // Writing still works in every buffered mode (nothing stays buffered in the emulation).
      expectGood(await f.tape.write(block(0, 10)));
    });

    it('WP is ignored on MODE SELECT; a LOGICAL UNIT RESET restores BUFFERED MODE 1', async () => {
      expectGood(await f.tape.modeSelect({ deviceSpecificParameter: 0x80 }));
      // WP=0 (the medium is writable), BUFFERED MODE 0.
      expect((await f.tape.modeSense(0x3f)).dataIn[2]).toBe(0x00);
      f.dut.control.logicalUnitReset();
      expectSense(await f.tape.testUnitReady(), { key: KEY.UNIT_ATTENTION, asc: 0x29, ascq: 0x03 });
      expect((await f.tape.modeSense(0x3f)).dataIn[2]).toBe(0x10);
    });

    it('reserved BUFFERED MODE values and a SPEED other than 0h are INVALID FIELD IN PARAMETER LIST', async () => {
      const reserved = await f.tape.modeSelect({ deviceSpecificParameter: 0x30 });
      expectSense(reserved, { key: KEY.ILLEGAL_REQUEST, asc: 0x26, ascq: 0x00 });
      // SKSV, C/D=0, BPV, bit 6 (BUFFERED MODE's high bit); byte 2 of the header.
      expect(sks(reserved)).toEqual([0x80 | 0x08 | 6, 0, 2]);
      const speed = await f.tape.modeSelect({ deviceSpecificParameter: 0x11 });
      expectSense(speed, { key: KEY.ILLEGAL_REQUEST, asc: 0x26, ascq: 0x00 });
      expect(sks(speed)).toEqual([0x80 | 0x08 | 3, 0, 2]);
      expect((await f.tape.modeSense(0x3f)).dataIn[2]).toBe(0x10);
    });
  });

  it('MODE SENSE(10) with LLBAA=1: still the 8-byte general block descriptor, LONGLBA=0', async () => {
    const r = await f.tape.exec(Buffer.from([0x5a, 0x10, 0x0f, 0, 0, 0, 0, 0, 0xff, 0]), {
      dataInLength: 0xff,
    });
    expectGood(r);
    expect(r.dataIn[3]).toBe(0x10); // DEVICE-SPECIFIC PARAMETER
    expect(r.dataIn[4]).toBe(0x00); // LONGLBA 0
    expect(r.dataIn.readUInt16BE(6)).toBe(8); // BLOCK DESCRIPTOR LENGTH
    expect(r.dataIn.subarray(8, 16)).toEqual(Buffer.from([0x5e, 0, 0, 0, 0, 0, 0, 0]));
    expect(r.dataIn[16]).toBe(0x0f);
  });
});
