import { createRamDisk } from '../../../../emulator/devices/disk';
import { clearUa, exec, hex, nexus, sense } from '../helpers';

type RamDisk = ReturnType<typeof createRamDisk>;

const MiB = 1024 * 1024;
const BLOCKS = (4 * MiB) / 512; // 8192

function disk(maxTransferBlocks?: number): RamDisk {
  return createRamDisk({ identity: { id: 'disk-a' }, sizeBytes: 4 * MiB, maxTransferBlocks });
}

function u32(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function read10(lba: number, blocks: number, byte1 = 0): string {
  return `28 ${byte1.toString(16).padStart(2, '0')} ${u32(lba)} 00 ${blocks.toString(16).padStart(4, '0')} 00`;
}

function write10(lba: number, blocks: number, byte1 = 0): string {
  return `2a ${byte1.toString(16).padStart(2, '0')} ${u32(lba)} 00 ${blocks.toString(16).padStart(4, '0')} 00`;
}

describe('RAM disk: unit attentions', () => {
  it('a new nexus first gets POWER ON, RESET (29h/00h), then GOOD', async () => {
    const lu = disk();
    const first = await exec(lu, '00 00 00 00 00 00');
    expect(sense(first)).toEqual({ responseCode: 0x70, key: 0x06, asc: 0x29, ascq: 0x00 });
    const second = await exec(lu, '00 00 00 00 00 00');
    expect(second).toEqual({ status: 0 });
  });

  it('INQUIRY and REPORT LUNS do not report or clear the unit attention', async () => {
    const lu = disk();
    expect((await exec(lu, '12 00 00 00 24 00')).status).toBe(0);
    expect((await exec(lu, 'a0 00 00 00 00 00 00 00 00 10 00 00')).status).toBe(0);
    expect(sense(await exec(lu, '00 00 00 00 00 00')).asc).toBe(0x29);
  });

  it('REQUEST SENSE returns the pending unit attention as data and clears it', async () => {
    const lu = disk();
    const r = await exec(lu, '03 00 00 00 12 00');
    expect(r.status).toBe(0);
    expect(r.dataIn?.subarray(0, 3)).toEqual(hex('70 00 06'));
    expect(r.dataIn?.[12]).toBe(0x29);
    const r2 = await exec(lu, '03 00 00 00 12 00');
    expect(r2.dataIn?.[2]).toBe(0x00); // NO SENSE
    expect((await exec(lu, '00 00 00 00 00 00')).status).toBe(0);
  });

  it('unit attentions are per I_T nexus', async () => {
    const lu = disk();
    await clearUa(lu, nexus(1));
    expect(sense(await exec(lu, '00 00 00 00 00 00', { nexus: nexus(2) })).asc).toBe(0x29);
    expect((await exec(lu, '00 00 00 00 00 00', { nexus: nexus(1) })).status).toBe(0);
  });

  it('LOGICAL UNIT RESET gives every nexus BUS DEVICE RESET FUNCTION OCCURRED (29h/03h)', async () => {
    const lu = disk();
    await clearUa(lu, nexus(1));
    await clearUa(lu, nexus(2));
    lu.reset('lu-reset');
    for (const n of [nexus(1), nexus(2)]) {
      expect(sense(await exec(lu, '00 00 00 00 00 00', { nexus: n }))).toMatchObject({
        key: 6,
        asc: 0x29,
        ascq: 0x03,
      });
    }
  });

  it('a lost nexus starts over with 29h/00h after a new login', async () => {
    const lu = disk();
    await clearUa(lu);
    lu.nexusLost(nexus());
    expect(sense(await exec(lu, '00 00 00 00 00 00'))).toMatchObject({ asc: 0x29, ascq: 0x00 });
  });

  it('a cold reset forgets every nexus', async () => {
    const lu = disk();
    await clearUa(lu);
    lu.reset('target-cold-reset');
    expect(sense(await exec(lu, '00 00 00 00 00 00'))).toMatchObject({ asc: 0x29, ascq: 0x00 });
  });
});

describe('RAM disk: command dispatch', () => {
  let lu: RamDisk;
  beforeEach(async () => {
    lu = disk();
    await clearUa(lu);
  });

  it('an unknown opcode is INVALID COMMAND OPERATION CODE with a pointer to byte 0', async () => {
    expect(sense(await exec(lu, 'c5 00 00 00 00 00'))).toEqual({
      responseCode: 0x70,
      key: 5,
      asc: 0x20,
      ascq: 0,
      sks: [0xc0, 0x00, 0x00],
    });
  });

  it('an unknown service action is INVALID FIELD IN CDB at byte 1 bit 4', async () => {
    expect(sense(await exec(lu, '9e 11 00 00 00 00 00 00 00 00 00 00 00 20 00 00'))).toMatchObject({
      asc: 0x24,
      sks: [0xcc, 0x00, 0x01],
    });
  });

  it('NACA=1 is INVALID FIELD IN CDB at the control byte, bit 2', async () => {
    expect(sense(await exec(lu, '00 00 00 00 00 04'))).toMatchObject({ asc: 0x24, sks: [0xca, 0x00, 0x05] });
  });

  it('accepts a 10-byte CDB padded to 16 bytes (iSCSI CDB field)', async () => {
    const r = await exec(lu, '25 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00');
    expect(r.status).toBe(0);
    expect(r.dataIn).toEqual(hex(`${u32(BLOCKS - 1)} 00000200`));
  });

  it('a CDB shorter than its command is INVALID FIELD IN CDB', async () => {
    expect(sense(await exec(lu, '28 00 00 00'))).toMatchObject({ key: 5, asc: 0x24 });
  });
});

describe('RAM disk: INQUIRY', () => {
  let lu: RamDisk;
  beforeEach(() => {
    lu = disk();
  });

  it('standard data: SPC-4, HISUP, format 2, identity strings and version descriptors', async () => {
    const r = await exec(lu, '12 00 00 01 00 00');
    const d = r.dataIn ?? Buffer.alloc(0);
    expect(d.length).toBe(96);
    expect(d.subarray(0, 8)).toEqual(hex('00 00 06 12 5b 00 00 02'));
    expect(d.toString('latin1', 8, 16)).toBe('XCOPYEMU');
    expect(d.toString('latin1', 16, 32)).toBe('RAM DISK        ');
    expect(d.toString('latin1', 32, 36)).toBe('0001');
    // SAM-5, iSCSI, SPC-4, SBC-3 (0x04C0 is what iscsi-test-cu looks for).
    expect(d.subarray(58, 66)).toEqual(hex('00a0 0960 0460 04c0'));
  });

  it('truncates to the allocation length, 0 included', async () => {
    expect((await exec(lu, '12 00 00 00 24 00')).dataIn?.length).toBe(36);
    expect((await exec(lu, '12 00 00 00 00 00')).dataIn?.length).toBe(0);
    expect((await exec(lu, '12 00 00 00 05 00')).dataIn).toEqual(hex('00 00 06 12 5b'));
  });

  it('EVPD=0 with a page code is INVALID FIELD IN CDB at byte 2', async () => {
    expect(sense(await exec(lu, '12 00 01 01 00 00'))).toMatchObject({
      key: 5,
      asc: 0x24,
      sks: [0xc0, 0x00, 0x02],
    });
  });

  it('an unsupported VPD page is INVALID FIELD IN CDB at byte 2', async () => {
    expect(sense(await exec(lu, '12 01 c0 00 ff 00'))).toMatchObject({
      key: 5,
      asc: 0x24,
      sks: [0xc0, 0x00, 0x02],
    });
  });

  it('VPD 00h lists 00h 80h 83h B0h B1h B2h', async () => {
    expect((await exec(lu, '12 01 00 00 ff 00')).dataIn).toEqual(hex('00 00 00 06 00 80 83 b0 b1 b2'));
  });

  it('VPD 80h carries a stable serial number', async () => {
    const a = (await exec(lu, '12 01 80 00 ff 00')).dataIn ?? Buffer.alloc(0);
    const b = (await exec(disk(), '12 01 80 00 ff 00')).dataIn;
    expect(a.subarray(0, 4)).toEqual(hex('00 80 00 10'));
    expect(a.toString('latin1', 4)).toMatch(/^[0-9A-F]{16}$/);
    expect(b).toEqual(a);
  });

  it('VPD 83h: one NAA 6h LU designator, then the relative target port and target port name', async () => {
    const d = (await exec(lu, '12 01 83 00 ff 00')).dataIn ?? Buffer.alloc(0);
    expect(d.subarray(0, 4)).toEqual(hex(`00 83 00 ${(d.length - 4).toString(16).padStart(2, '0')}`));
    expect(d.length).toBeLessThan(255);
    // Binary, LU association, type 3 (NAA), 16 bytes, NAA 6h.
    expect(d.subarray(4, 8)).toEqual(hex('01 03 00 10'));
    expect(d[8] >> 4).toBe(6);
    // iSCSI (5h) PIV, target port association, relative target port 1.
    expect(d.subarray(24, 32)).toEqual(hex('51 94 00 04 00 00 00 01'));
    // UTF-8, PIV, target port, SCSI name string, NUL-terminated and padded to 4.
    const name = 'iqn.2024-01.test:t1,t,0x0001';
    const len = (name.length + 1 + 3) & ~3;
    expect(d.subarray(32, 36)).toEqual(hex(`53 98 00 ${len.toString(16)}`));
    expect(d.toString('utf8', 36, 36 + name.length)).toBe(name);
    expect(d.length).toBe(36 + len);
    // The same id gives the same NAA designator; another id another one.
    const other = createRamDisk({ identity: { id: 'disk-b' }, sizeBytes: MiB });
    const d2 = (await exec(other, '12 01 83 00 ff 00')).dataIn ?? Buffer.alloc(0);
    const d3 = (await exec(disk(), '12 01 83 00 ff 00')).dataIn ?? Buffer.alloc(0);
    expect(d3.subarray(8, 24)).toEqual(d.subarray(8, 24));
    expect(d2.subarray(8, 24)).not.toEqual(d.subarray(8, 24));
  });

  it('VPD 83h leaves out a target port name that would push the page past 254 bytes', async () => {
    const long = `iqn.2024-01.test:${'x'.repeat(230)},t,0x0001`;
    const d = (await exec(lu, '12 01 83 00 ff 00', { nexus: nexus(1, long) })).dataIn ?? Buffer.alloc(0);
    expect(d.readUInt16BE(2)).toBe(28);
  });

  it('VPD B0h: SBC-3 length 3Ch, MAXIMUM TRANSFER LENGTH and UNMAP limits', async () => {
    const d = (await exec(lu, '12 01 b0 00 ff 00')).dataIn ?? Buffer.alloc(0);
    expect(d.subarray(0, 4)).toEqual(hex('00 b0 00 3c'));
    expect(d.readUInt32BE(8)).toBe(16384); // 8 MiB of 512-byte blocks
    expect(d.readUInt32BE(20)).toBe(0x100000);
    expect(d.readUInt32BE(24)).toBe(256);
    expect(d.readUInt32BE(28)).toBe(128);
  });

  it('VPD B1h reports a non-rotating medium and B2h thin provisioning with LBPU and LBPRZ', async () => {
    const b1 = (await exec(lu, '12 01 b1 00 ff 00')).dataIn ?? Buffer.alloc(0);
    expect(b1.subarray(0, 6)).toEqual(hex('00 b1 00 3c 00 01'));
    // LBPU, LBPWS, LBPWS10, LBPRZ 001b; ANC_SUP 0; provisioning type 2 (thin).
    expect((await exec(lu, '12 01 b2 00 ff 00')).dataIn).toEqual(hex('00 b2 00 04 00 e4 02 00'));
  });
});

describe('RAM disk: READ CAPACITY', () => {
  let lu: RamDisk;
  beforeEach(async () => {
    lu = disk();
    await clearUa(lu);
  });

  it('READ CAPACITY(10) returns the last LBA and the block length', async () => {
    expect((await exec(lu, '25 00 00 00 00 00 00 00 00 00')).dataIn).toEqual(hex('00001fff 00000200'));
  });

  it('READ CAPACITY(10) with an LBA but PMI=0 is INVALID FIELD IN CDB at byte 2', async () => {
    expect(sense(await exec(lu, '25 00 00 00 00 01 00 00 00 00'))).toMatchObject({
      asc: 0x24,
      sks: [0xc0, 0, 2],
    });
  });

  it('READ CAPACITY(16): LBPME and LBPRZ set, cut to the allocation length', async () => {
    const r = await exec(lu, '9e 10 0000000000000000 00000020 00 00');
    expect(r.dataIn).toEqual(hex(`0000000000001fff 00000200 00 00 c0 00 ${'00'.repeat(16)}`));
    expect((await exec(lu, '9e 10 0000000000000000 00000000 00 00')).dataIn?.length).toBe(0);
    expect((await exec(lu, '9e 10 0000000000000000 0000000c 00 00')).dataIn?.length).toBe(12);
  });
});

describe('RAM disk: READ and WRITE', () => {
  let lu: RamDisk;
  beforeEach(async () => {
    lu = disk(64);
    await clearUa(lu);
  });

  it('WRITE(10) then READ(10) returns the data; unwritten blocks read as zeros', async () => {
    const data = Buffer.alloc(1024, 0xa5);
    const w = await exec(lu, write10(10, 2), { dataOut: data });
    expect(w).toEqual({ status: 0, dataOutLength: 1024 });
    const r = await exec(lu, read10(9, 4));
    expect(r.dataIn).toEqual(Buffer.concat([Buffer.alloc(512), data, Buffer.alloc(512)]));
  });

  it('accepts DPO and FUA', async () => {
    expect((await exec(lu, write10(0, 1, 0x18), { dataOut: Buffer.alloc(512) })).status).toBe(0);
    expect((await exec(lu, read10(0, 1, 0x18))).status).toBe(0);
  });

  it('reads and writes the last blocks; one past the end is LBA OUT OF RANGE', async () => {
    expect((await exec(lu, read10(BLOCKS - 8, 8))).dataIn?.length).toBe(4096);
    // Field pointer: C/D=1, byte 2 (LOGICAL BLOCK ADDRESS).
    expect(sense(await exec(lu, read10(BLOCKS - 7, 8)))).toEqual({
      responseCode: 0x70,
      key: 5,
      asc: 0x21,
      ascq: 0,
      sks: [0xc0, 0x00, 0x02],
    });
    expect(sense(await exec(lu, write10(BLOCKS, 1), { dataOut: Buffer.alloc(512) }))).toMatchObject({
      asc: 0x21,
    });
    expect(sense(await exec(lu, read10(0xffffffff, 1)))).toMatchObject({ asc: 0x21 });
    expect(sense(await exec(lu, read10(0x80000000, 1)))).toMatchObject({ asc: 0x21 });
  });

  it('zero blocks: GOOD at or below the capacity, LBA OUT OF RANGE beyond it', async () => {
    expect(await exec(lu, read10(0, 0))).toEqual({ status: 0 });
    expect(await exec(lu, read10(BLOCKS, 0))).toEqual({ status: 0 });
    expect(sense(await exec(lu, read10(BLOCKS + 1, 0)))).toMatchObject({ asc: 0x21 });
    expect(sense(await exec(lu, read10(0xffffffff, 0)))).toMatchObject({ asc: 0x21 });
    expect(sense(await exec(lu, write10(BLOCKS + 1, 0)))).toMatchObject({ asc: 0x21 });
  });

  it('RDPROTECT/WRPROTECT other than 0 is INVALID FIELD IN CDB at byte 1 bit 7', async () => {
    for (let p = 1; p < 8; p++) {
      expect(sense(await exec(lu, read10(0, 1, p << 5)))).toMatchObject({
        key: 5,
        asc: 0x24,
        sks: [0xcf, 0, 1],
      });
      expect(sense(await exec(lu, write10(0, 1, p << 5), { dataOut: Buffer.alloc(512) }))).toMatchObject({
        asc: 0x24,
        sks: [0xcf, 0, 1],
      });
    }
  });

  it('a transfer over MAXIMUM TRANSFER LENGTH is INVALID FIELD IN CDB at the length field', async () => {
    expect(sense(await exec(lu, read10(0, 65)))).toMatchObject({ asc: 0x24, sks: [0xc0, 0, 7] });
    expect(sense(await exec(lu, '88 00 0000000000000000 00000041 00 00'))).toMatchObject({
      sks: [0xc0, 0, 10],
    });
  });

  it('writes only the whole blocks that arrived and reports the length the CDB asked for', async () => {
    await exec(lu, write10(0, 2), { dataOut: Buffer.alloc(1024, 0x61) });
    const w = await exec(lu, write10(0, 2), { dataOut: Buffer.alloc(700, 0x62) });
    expect(w).toEqual({ status: 0, dataOutLength: 1024 });
    const r = (await exec(lu, read10(0, 2))).dataIn ?? Buffer.alloc(0);
    expect(r.subarray(0, 512)).toEqual(Buffer.alloc(512, 0x62));
    expect(r.subarray(512)).toEqual(Buffer.alloc(512, 0x61));
  });

  it('READ(6)/WRITE(6): 21-bit LBA, TRANSFER LENGTH 0 means 256 blocks', async () => {
    const big = createRamDisk({ identity: { id: 'six' }, sizeBytes: 4 * MiB });
    await clearUa(big);
    const data = Buffer.alloc(256 * 512, 7);
    expect((await exec(big, '0a 00 01 00 00 00', { dataOut: data })).dataOutLength).toBe(256 * 512);
    const r = await exec(big, '08 00 01 00 00 00');
    expect(r.dataIn).toEqual(data);
    expect(sense(await exec(big, '08 00 20 00 01 00'))).toMatchObject({ asc: 0x21 });
  });

  it('READ(12)/WRITE(12) and READ(16)/WRITE(16)', async () => {
    const d = Buffer.alloc(512, 0x33);
    expect((await exec(lu, 'aa 00 00000005 00000001 00 00', { dataOut: d })).status).toBe(0);
    expect((await exec(lu, 'a8 00 00000005 00000001 00 00')).dataIn).toEqual(d);
    const e = Buffer.alloc(512, 0x44);
    expect((await exec(lu, '8a 00 0000000000000006 00000001 00 00', { dataOut: e })).status).toBe(0);
    expect((await exec(lu, '88 00 0000000000000005 00000002 00 00')).dataIn).toEqual(Buffer.concat([d, e]));
    expect(sense(await exec(lu, '88 00 ffffffffffffffff 00000001 00 00'))).toMatchObject({ asc: 0x21 });
  });

  it('WRITE AND VERIFY(10/12/16) write like WRITE; BYTCHK 1xb is INVALID FIELD IN CDB', async () => {
    const d = Buffer.alloc(512, 0x55);
    expect(await exec(lu, '2e 02 00000003 00 0001 00', { dataOut: d })).toEqual({
      status: 0,
      dataOutLength: 512,
    });
    expect((await exec(lu, read10(3, 1))).dataIn).toEqual(d);
    expect((await exec(lu, 'ae 00 00000004 00000001 00 00', { dataOut: d })).status).toBe(0);
    expect((await exec(lu, '8e 00 0000000000000004 00000001 00 00', { dataOut: d })).status).toBe(0);
    expect(sense(await exec(lu, '2e 04 00000003 00 0001 00', { dataOut: d }))).toMatchObject({
      sks: [0xca, 0, 1],
    });
  });
});

describe('RAM disk: VERIFY, SYNCHRONIZE CACHE, UNMAP', () => {
  let lu: RamDisk;
  beforeEach(async () => {
    lu = disk();
    await clearUa(lu);
    await exec(lu, write10(20, 2), { dataOut: Buffer.alloc(1024, 0x11) });
  });

  it('VERIFY(10) BYTCHK=0 checks the range only', async () => {
    expect((await exec(lu, '2f 00 00000014 00 0002 00')).status).toBe(0);
    expect(sense(await exec(lu, `2f 00 ${u32(BLOCKS - 1)} 00 0002 00`))).toMatchObject({ asc: 0x21 });
  });

  it('VERIFY(10) BYTCHK=1 compares; a miscompare reports the byte offset in INFORMATION', async () => {
    const good = Buffer.alloc(1024, 0x11);
    expect((await exec(lu, '2f 02 00000014 00 0002 00', { dataOut: good })).status).toBe(0);
    const bad = Buffer.from(good);
    bad[700] = 0;
    expect(sense(await exec(lu, '2f 02 00000014 00 0002 00', { dataOut: bad }))).toEqual({
      responseCode: 0x70,
      key: 0x0e,
      asc: 0x1d,
      ascq: 0,
      information: 700,
    });
  });

  it('VERIFY(16) BYTCHK=3 compares one block against every block', async () => {
    expect(
      (await exec(lu, '8f 06 0000000000000014 00000002 00 00', { dataOut: Buffer.alloc(512, 0x11) }))
        .dataOutLength,
    ).toBe(512);
  });

  it('VERIFY(12) and VRPROTECT checks', async () => {
    expect((await exec(lu, 'af 00 00000014 00000002 00 00')).status).toBe(0);
    expect(sense(await exec(lu, '2f 20 00000014 00 0002 00'))).toMatchObject({ sks: [0xcf, 0, 1] });
  });

  it('SYNCHRONIZE CACHE(10/16) checks the range', async () => {
    expect((await exec(lu, '35 02 00000000 00 0000 00')).status).toBe(0);
    expect((await exec(lu, `35 00 ${u32(BLOCKS - 1)} 00 0001 00`)).status).toBe(0);
    expect(sense(await exec(lu, `35 00 ${u32(BLOCKS)} 00 0000 00`))).toMatchObject({ asc: 0x21 });
    expect(sense(await exec(lu, `91 00 ${'0'.repeat(8)}${u32(BLOCKS - 1)} 00000002 00 00`))).toMatchObject({
      asc: 0x21,
    });
  });

  it('UNMAP deallocates blocks that then read as zeros', async () => {
    const before = lu.store.allocatedBytes();
    expect(before).toBeGreaterThan(0);
    const list = hex(`0016 0010 00000000 0000000000000000 00002000 00000000`);
    expect(await exec(lu, `42 00 00000000 00 0018 00`, { dataOut: list })).toEqual({
      status: 0,
      dataOutLength: 24,
    });
    expect(lu.store.allocatedBytes()).toBe(0);
    expect((await exec(lu, read10(20, 2))).dataIn).toEqual(Buffer.alloc(1024));
  });

  it('UNMAP errors: ANCHOR, range, short parameter list', async () => {
    const list = hex(`0016 0010 00000000 ${'0'.repeat(8)}${u32(BLOCKS - 1)} 00000002 00000000`);
    expect(sense(await exec(lu, `42 01 00000000 00 0018 00`, { dataOut: list }))).toMatchObject({
      sks: [0xc8, 0, 1],
    });
    expect(sense(await exec(lu, `42 00 00000000 00 0018 00`, { dataOut: list }))).toMatchObject({
      asc: 0x21,
    });
    expect(
      sense(await exec(lu, `42 00 00000000 00 0004 00`, { dataOut: list.subarray(0, 4) })),
    ).toMatchObject({
      asc: 0x1a,
    });
    expect(await exec(lu, `42 00 00000000 00 0000 00`)).toEqual({ status: 0 });
  });
});
