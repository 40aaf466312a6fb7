import { createRamDisk, type DiskDevice } from '../../../../emulator/devices/disk';
import { clearUa, exec, hex, nexus, sense } from '../helpers';

const MiB = 1024 * 1024;

function disk(): DiskDevice {
  return createRamDisk({ identity: { id: 'spc' }, sizeBytes: 2 * MiB });
}

// Control mode page 0Ah as the disk reports it: QAM 1, BUSY TIMEOUT PERIOD FFFFh.
const CONTROL = '0a 0a 00 10 00 00 00 00 ff ff 00 00';
const CACHING = `08 12 04 ${'00'.repeat(17)}`;

describe('MODE SENSE', () => {
  let lu: DiskDevice;
  beforeEach(async () => {
    lu = disk();
    await clearUa(lu);
  });

  it('MODE SENSE(6) all pages: header, short block descriptor, caching then control page', async () => {
    const r = await exec(lu, '1a 00 3f 00 ff 00');
    const total = 4 + 8 + 20 + 12;
    expect(r.dataIn).toEqual(
      hex(`${(total - 1).toString(16)} 00 10 08  00001000 00 000200  ${CACHING} ${CONTROL}`),
    );
  });

  it('DBD=1 leaves the block descriptor out; a single page is returned alone', async () => {
    expect((await exec(lu, '1a 08 0a 00 ff 00')).dataIn).toEqual(hex(`0f 00 10 00 ${CONTROL}`));
  });

  it('MODE SENSE(10) with LLBAA returns a long LBA block descriptor', async () => {
    const r = await exec(lu, '5a 10 0a 00 00 00 00 00 ff 00');
    expect(r.dataIn).toEqual(hex(`0022 00 10 01 00 0010  0000000000001000 00000000 00000200 ${CONTROL}`));
  });

  it('MODE SENSE(10) without LLBAA returns the short descriptor with LONGLBA 0', async () => {
    const r = await exec(lu, '5a 00 0a 00 00 00 00 00 ff 00');
    expect(r.dataIn).toEqual(hex(`001a 00 10 00 00 0008  00001000 00 000200 ${CONTROL}`));
  });

  it('cuts the data at the allocation length without changing the lengths in it', async () => {
    expect((await exec(lu, '1a 00 3f 00 04 00')).dataIn).toEqual(hex('2b 00 10 08'));
  });

  it('changeable values: D_SENSE and SWP in the control page, WCE in the caching page', async () => {
    expect((await exec(lu, '1a 08 4a 00 ff 00')).dataIn).toEqual(
      hex('0f 00 10 00 0a 0a 04 00 08 00 00 00 00 00 00 00'),
    );
    expect((await exec(lu, '1a 08 48 00 ff 00')).dataIn?.subarray(4, 7)).toEqual(hex('08 12 04'));
  });

  it('saved values are SAVING PARAMETERS NOT SUPPORTED pointing at PC', async () => {
    expect(sense(await exec(lu, '1a 00 ca 00 ff 00'))).toEqual({
      responseCode: 0x70,
      key: 5,
      asc: 0x39,
      ascq: 0,
      sks: [0xcf, 0, 2],
    });
  });

  it('an unsupported page or subpage is INVALID FIELD IN CDB', async () => {
    expect(sense(await exec(lu, '1a 00 19 00 ff 00'))).toMatchObject({ asc: 0x24, sks: [0xcd, 0, 2] });
    expect(sense(await exec(lu, '1a 00 0a 01 ff 00'))).toMatchObject({ asc: 0x24, sks: [0xc0, 0, 3] });
    expect((await exec(lu, '1a 08 3f ff ff 00')).status).toBe(0);
  });
});

describe('MODE SELECT', () => {
  let lu: DiskDevice;
  beforeEach(async () => {
    lu = disk();
    await clearUa(lu, nexus(1));
    await clearUa(lu, nexus(2));
  });

  function select6(page: string, n = nexus(1)) {
    const data = hex(`00 00 00 00 ${page}`);
    return exec(lu, `15 10 00 00 ${data.length.toString(16).padStart(2, '0')} 00`, {
      dataOut: data,
      nexus: n,
    });
  }

  it('SWP=1 write-protects the disk: WP in MODE SENSE, writes fail with DATA PROTECT', async () => {
    expect(await select6('0a 0a 00 10 08 00 00 00 ff ff 00 00')).toEqual({ status: 0 });
    expect((await exec(lu, '1a 08 0a 00 ff 00')).dataIn?.subarray(0, 4)).toEqual(hex('0f 00 90 00'));
    const w = await exec(lu, '2a 00 00000000 00 0001 00', { dataOut: Buffer.alloc(512) });
    expect(sense(w)).toEqual({ responseCode: 0x70, key: 7, asc: 0x27, ascq: 0x02 });
    expect((await exec(lu, '28 00 00000000 00 0001 00')).status).toBe(0);
  });

  it('tells the other nexuses MODE PARAMETERS CHANGED (2Ah/01h), not the one that changed them', async () => {
    await select6('0a 0a 00 10 08 00 00 00 ff ff 00 00');
    expect((await exec(lu, '00 00 00 00 00 00', { nexus: nexus(1) })).status).toBe(0);
    expect(sense(await exec(lu, '00 00 00 00 00 00', { nexus: nexus(2) }))).toMatchObject({
      key: 6,
      asc: 0x2a,
      ascq: 1,
    });
  });

  it('writing the current values back changes nothing and raises no unit attention', async () => {
    expect(await select6(CONTROL)).toEqual({ status: 0 });
    expect((await exec(lu, '00 00 00 00 00 00', { nexus: nexus(2) })).status).toBe(0);
  });

  it('D_SENSE=1 switches CHECK CONDITION sense to descriptor format', async () => {
    await select6('0a 0a 04 10 00 00 00 00 ff ff 00 00');
    const r = await exec(lu, '88 00 ffffffffffffffff 00000001 00 00');
    expect(r.status).toBe(2);
    // LOGICAL BLOCK ADDRESS OUT OF RANGE with a field pointer at the LBA (byte 2 of READ(16)).
    expect(r.sense).toEqual(hex('72 05 21 00 00 00 00 08 02 06 00 00 c0 00 02 00'));
    const bad = await exec(lu, '12 00 01 00 ff 00');
    // Sense key specific descriptor: SKSV, C/D, field pointer 2.
    expect(bad.sense).toEqual(hex('72 05 24 00 00 00 00 08 02 06 00 00 c0 00 02 00'));
  });

  it('a non-changeable bit is INVALID FIELD IN PARAMETER LIST with byte and bit pointer', async () => {
    // TST (byte 2 bit 7-5) is not changeable: page byte 2 sits at parameter list byte 6.
    const r = await select6('0a 0a 20 10 00 00 00 00 ff ff 00 00');
    expect(sense(r)).toEqual({ responseCode: 0x70, key: 5, asc: 0x26, ascq: 0, sks: [0x8d, 0, 6] });
    // Nothing was applied.
    expect((await exec(lu, '1a 08 0a 00 ff 00')).dataIn).toEqual(hex(`0f 00 10 00 ${CONTROL}`));
  });

  it('a wrong page length or unknown page is INVALID FIELD IN PARAMETER LIST', async () => {
    expect(sense(await select6('0a 08 00 10 00 00 00 00 ff ff'))).toMatchObject({
      asc: 0x26,
      sks: [0x80, 0, 5],
    });
    expect(sense(await select6('19 02 00 00'))).toMatchObject({ asc: 0x26, sks: [0x80, 0, 4] });
  });

  it('SP=1 is INVALID FIELD IN CDB; a truncated list is PARAMETER LIST LENGTH ERROR', async () => {
    expect(sense(await exec(lu, '15 11 00 00 10 00', { dataOut: Buffer.alloc(16) }))).toMatchObject({
      asc: 0x24,
      sks: [0xc8, 0, 1],
    });
    expect(sense(await exec(lu, '15 10 00 00 10 00', { dataOut: Buffer.alloc(8) }))).toMatchObject({
      asc: 0x1a,
    });
    expect(await exec(lu, '15 10 00 00 00 00')).toEqual({ status: 0 });
  });

  it('MODE SELECT(10) with the current block descriptor; another block length is refused', async () => {
    const ok = hex(`0000 00 00 00 00 0008 00000000 00 000200 ${CACHING}`);
    expect(await exec(lu, `55 10 00 00 00 00 00 00 ${ok.length.toString(16)} 00`, { dataOut: ok })).toEqual({
      status: 0,
    });
    const bad = hex('0000 00 00 00 00 0008 00000000 00 001000');
    expect(sense(await exec(lu, '55 10 00 00 00 00 00 00 10 00', { dataOut: bad }))).toMatchObject({
      asc: 0x26,
      sks: [0x80, 0, 13],
    });
  });

  it('a LU reset restores the default mode pages', async () => {
    await select6('0a 0a 00 10 08 00 00 00 ff ff 00 00');
    lu.reset('lu-reset');
    await clearUa(lu, nexus(1));
    expect((await exec(lu, '1a 08 0a 00 ff 00')).dataIn).toEqual(hex(`0f 00 10 00 ${CONTROL}`));
  });
});

describe('REPORT SUPPORTED OPERATION CODES', () => {
  let lu: DiskDevice;
  beforeEach(async () => {
    lu = disk();
    await clearUa(lu);
  });

  it('all commands: one 8-byte descriptor per opcode/service action from the opcode table', async () => {
    const r = await exec(lu, 'a3 0c 00 00 0000 00010000 00 00');
    const d = r.dataIn ?? Buffer.alloc(0);
    const n = d.readUInt32BE(0) / 8;
    expect(n).toBe(lu.commands().length);
    const descs = Array.from({ length: n }, (_, i) => d.subarray(4 + 8 * i, 12 + 8 * i).toString('hex'));
    expect(descs).toContain('280000000000000a');
    expect(descs).toContain('9e00001000' + '01' + '0010');
    expect(descs).toContain('a300000c00' + '01' + '000c');
  });

  it('RCTD adds a command timeouts descriptor to each command', async () => {
    const d = (await exec(lu, 'a3 0c 80 00 0000 00010000 00 00')).dataIn ?? Buffer.alloc(0);
    expect(d.readUInt32BE(0)).toBe(20 * lu.commands().length);
    expect(d[4 + 5]).toBe(0x02); // CTDP
    expect(d.subarray(12, 14)).toEqual(hex('000a'));
  });

  it('one command: READ(10) usage data shows DPO and FUA', async () => {
    const d = (await exec(lu, 'a3 0c 01 28 0000 00000100 00 00')).dataIn;
    expect(d).toEqual(hex('00 03 000a 28 18 ffffffff 00 ffff 04'));
  });

  it('one command with service action: READ CAPACITY(16)', async () => {
    const d = (await exec(lu, 'a3 0c 02 9e 0010 00000100 00 00')).dataIn;
    expect(d?.subarray(0, 6)).toEqual(hex('00 03 0010 9e 1f'));
  });

  it('an unsupported command reports SUPPORT 001b', async () => {
    expect((await exec(lu, 'a3 0c 01 c5 0000 00000100 00 00')).dataIn).toEqual(hex('00 01 00 00'));
  });

  it('a service-action opcode asked without service action is INVALID FIELD IN CDB', async () => {
    expect(sense(await exec(lu, 'a3 0c 01 9e 0000 00000100 00 00'))).toMatchObject({
      asc: 0x24,
      sks: [0xca, 0, 2],
    });
    expect(sense(await exec(lu, 'a3 0c 02 28 0000 00000100 00 00'))).toMatchObject({ asc: 0x24 });
    expect(sense(await exec(lu, 'a3 0c 07 28 0000 00000100 00 00'))).toMatchObject({ asc: 0x24 });
  });
});

describe('REPORT LUNS and PERSISTENT RESERVE IN', () => {
  it('answers with the LUN inventory (peripheral and flat addressing)', async () => {
    const lu = disk();
    lu.setLunInventory(() => [0, 3, 300]);
    const r = await exec(lu, 'a0 00 00 00 00 00 00 00 01 00 00 00');
    expect(r.dataIn).toEqual(hex('00000018 00000000 0000000000000000 0003000000000000 412c000000000000'));
    expect((await exec(lu, 'a0 00 01 00 00 00 00 00 01 00 00 00')).dataIn).toEqual(hex('00000000 00000000'));
    expect(sense(await exec(lu, 'a0 00 00 00 00 00 00 00 00 08 00 00'))).toMatchObject({
      asc: 0x24,
      sks: [0xc0, 0, 6],
    });
    expect(sense(await exec(lu, 'a0 00 05 00 00 00 00 00 01 00 00 00'))).toMatchObject({
      asc: 0x24,
      sks: [0xc0, 0, 2],
    });
  });

  it('PERSISTENT RESERVE IN reports no keys, no reservation, and its capabilities', async () => {
    const lu = disk();
    await clearUa(lu);
    expect((await exec(lu, '5e 00 00 00 00 00 00 00 ff 00')).dataIn).toEqual(hex('00000000 00000000'));
    expect((await exec(lu, '5e 02 00 00 00 00 00 00 ff 00')).dataIn).toEqual(hex('0008 10 80 ea 01 0000'));
    expect(sense(await exec(lu, '5e 05 00 00 00 00 00 00 ff 00'))).toMatchObject({
      asc: 0x24,
      sks: [0xcc, 0, 1],
    });
  });
});
