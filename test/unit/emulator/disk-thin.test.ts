// Thin provisioning on the disk LU: WRITE SAME(10)/(16), UNMAP, GET LBA STATUS, READ CAPACITY(16)
// and the Block Limits / Logical Block Provisioning pages, bytes and sense.
import { createRamDisk } from '../../../emulator/devices/disk';
import { clearUa, exec, hex, sense } from './helpers';

type RamDisk = ReturnType<typeof createRamDisk>;

const MiB = 1024 * 1024;
const BLOCKS = 8192; // 4 MiB of 512-byte blocks; 64 KiB provisioning chunks = 128 blocks

function u32(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function u64(n: number): string {
  return n.toString(16).padStart(16, '0');
}

async function disk(
  opts: { maxWriteSameBlocks?: number; physicalBlockExponent?: number } = {},
): Promise<RamDisk> {
  const lu = createRamDisk({ identity: { id: 'thin' }, sizeBytes: 4 * MiB, ...opts });
  await clearUa(lu);
  return lu;
}

/** WRITE SAME(10): byte 1 flags, LBA, NUMBER OF LOGICAL BLOCKS. */
function ws10(byte1: number, lba: number, blocks: number): string {
  return `41 ${byte1.toString(16).padStart(2, '0')} ${u32(lba)} 00 ${blocks.toString(16).padStart(4, '0')} 00`;
}

/** WRITE SAME(16). */
function ws16(byte1: number, lba: number, blocks: number): string {
  return `93 ${byte1.toString(16).padStart(2, '0')} ${u64(lba)} ${u32(blocks)} 00 00`;
}

function read10(lba: number, blocks: number): string {
  return `28 00 ${u32(lba)} 00 ${blocks.toString(16).padStart(4, '0')} 00`;
}

function write10(lba: number, blocks: number): string {
  return `2a 00 ${u32(lba)} 00 ${blocks.toString(16).padStart(4, '0')} 00`;
}

function getLbaStatus(lba: number, alloc: number): string {
  return `9e 12 ${u64(lba)} ${u32(alloc)} 00 00`;
}

/** One LBA status descriptor: LBA, NUMBER OF LOGICAL BLOCKS, PROVISIONING STATUS (0 mapped, 1 deallocated). */
function desc(lba: number, count: number, status: 0 | 1): string {
  return `${u64(lba)} ${u32(count)} 0${status} 00 0000`;
}

/** UNMAP parameter list with the given (LBA, count) descriptors. */
function unmapList(ranges: Array<[number, number]>): Buffer {
  const n = ranges.length * 16;
  const head = `${(n + 6).toString(16).padStart(4, '0')} ${n.toString(16).padStart(4, '0')} 00000000`;
  return hex(head + ranges.map(([l, c]) => `${u64(l)} ${u32(c)} 00000000`).join(''));
}

function unmapCdb(length: number, byte1 = 0): string {
  return `42 ${byte1.toString(16).padStart(2, '0')} 00000000 00 ${length.toString(16).padStart(4, '0')} 00`;
}

describe('GET LBA STATUS', () => {
  let lu: RamDisk;
  beforeEach(async () => {
    lu = await disk();
  });

  it('a fresh disk is one deallocated run from the starting LBA to the end', async () => {
    const r = await exec(lu, getLbaStatus(0, 0x100));
    // PARAMETER DATA LENGTH 20 (one descriptor), SBC-3 header bytes 4-7 zero.
    expect(r.dataIn).toEqual(hex(`00000014 00000000 ${desc(0, BLOCKS, 1)}`));
  });

  it('reports the exact mapped and deallocated runs, starting exactly at the requested LBA', async () => {
    // One block at LBA 130 maps the second 64 KiB chunk (LBAs 128-255).
    await exec(lu, write10(130, 1), { dataOut: Buffer.alloc(512, 1) });
    expect((await exec(lu, getLbaStatus(0, 0x100))).dataIn).toEqual(
      hex(`00000034 00000000 ${desc(0, 128, 1)} ${desc(128, 128, 0)} ${desc(256, BLOCKS - 256, 1)}`),
    );
    expect((await exec(lu, getLbaStatus(200, 0x100))).dataIn).toEqual(
      hex(`00000024 00000000 ${desc(200, 56, 0)} ${desc(256, BLOCKS - 256, 1)}`),
    );
  });

  it('returns as many descriptors as the allocation length holds (at least the first)', async () => {
    await exec(lu, write10(130, 1), { dataOut: Buffer.alloc(512, 1) });
    expect((await exec(lu, getLbaStatus(0, 24))).dataIn).toEqual(hex(`00000014 00000000 ${desc(0, 128, 1)}`));
    // 16 bytes: the header and half of the only descriptor computed.
    expect((await exec(lu, getLbaStatus(0, 16))).dataIn).toEqual(hex(`00000014 00000000 ${u64(0)}`));
    expect(await exec(lu, getLbaStatus(0, 0))).toEqual({ status: 0, dataIn: Buffer.alloc(0) });
  });

  it('a starting LBA at or past the capacity is LBA OUT OF RANGE pointing at byte 2', async () => {
    expect(sense(await exec(lu, getLbaStatus(BLOCKS, 0x100)))).toEqual({
      responseCode: 0x70,
      key: 5,
      asc: 0x21,
      ascq: 0,
      sks: [0xc0, 0x00, 0x02],
    });
    expect((await exec(lu, getLbaStatus(BLOCKS - 1, 0x100))).dataIn).toEqual(
      hex(`00000014 00000000 ${desc(BLOCKS - 1, 1, 1)}`),
    );
  });
});

describe('WRITE SAME', () => {
  let lu: RamDisk;
  beforeEach(async () => {
    lu = await disk();
  });

  it('WRITE SAME(10) writes the one block to every LBA of the range and reports one block of data-out', async () => {
    const block = Buffer.alloc(512, 0xab);
    expect(await exec(lu, ws10(0, 10, 4), { dataOut: block })).toEqual({ status: 0, dataOutLength: 512 });
    const r = await exec(lu, read10(9, 6));
    expect(r.dataIn).toEqual(
      Buffer.concat([Buffer.alloc(512), Buffer.alloc(4 * 512, 0xab), Buffer.alloc(512)]),
    );
  });

  it('UNMAP=1 with a zero block deallocates whole chunks (GET LBA STATUS) and the blocks read zeros', async () => {
    await exec(lu, write10(128, 128), { dataOut: Buffer.alloc(128 * 512, 0x5a) });
    expect((await exec(lu, getLbaStatus(128, 0x18))).dataIn).toEqual(
      hex(`00000014 00000000 ${desc(128, 128, 0)}`),
    );
    expect((await exec(lu, ws10(0x08, 128, 128), { dataOut: Buffer.alloc(512) })).status).toBe(0);
    expect((await exec(lu, getLbaStatus(0, 0x18))).dataIn).toEqual(
      hex(`00000014 00000000 ${desc(0, BLOCKS, 1)}`),
    );
    expect((await exec(lu, read10(128, 128))).dataIn).toEqual(Buffer.alloc(128 * 512));
  });

  it('UNMAP=1 with a non-zero block writes it: reads return the block (SBC-4 5.50)', async () => {
    const block = Buffer.alloc(512, 0xff);
    expect((await exec(lu, ws10(0x08, BLOCKS - 4, 0), { dataOut: block })).status).toBe(0);
    expect((await exec(lu, read10(BLOCKS - 4, 4))).dataIn).toEqual(Buffer.alloc(4 * 512, 0xff));
  });

  it('NUMBER OF LOGICAL BLOCKS 0 (WSNZ=0) covers the LBA through the last LBA', async () => {
    await exec(lu, write10(BLOCKS - 256, 256), { dataOut: Buffer.alloc(256 * 512, 0xff) });
    // The corrected libiscsi UnmapUntilEnd sequence: zero block, UNMAP=1, 0 blocks.
    expect((await exec(lu, ws10(0x08, BLOCKS - 200, 0), { dataOut: Buffer.alloc(512) })).status).toBe(0);
    const r = (await exec(lu, read10(BLOCKS - 256, 256))).dataIn ?? Buffer.alloc(0);
    expect(r.subarray(0, 56 * 512)).toEqual(Buffer.alloc(56 * 512, 0xff));
    expect(r.subarray(56 * 512)).toEqual(Buffer.alloc(200 * 512));
    // The last chunk was covered entirely from LBA 8064: deallocated; the one before stays mapped.
    expect((await exec(lu, getLbaStatus(BLOCKS - 256, 0x100))).dataIn).toEqual(
      hex(`00000024 00000000 ${desc(BLOCKS - 256, 128, 0)} ${desc(BLOCKS - 128, 128, 1)}`),
    );
  });

  it('WRITE SAME(16) NDOB=1 writes zeros without data-out; with UNMAP=1 it deallocates', async () => {
    await exec(lu, write10(0, 256), { dataOut: Buffer.alloc(256 * 512, 7) });
    expect(await exec(lu, ws16(0x01, 0, 2))).toEqual({ status: 0, dataOutLength: 0 });
    expect((await exec(lu, read10(0, 3))).dataIn).toEqual(
      Buffer.concat([Buffer.alloc(1024), Buffer.alloc(512, 7)]),
    );
    expect((await exec(lu, getLbaStatus(0, 0x18))).dataIn).toEqual(
      hex(`00000014 00000000 ${desc(0, 256, 0)}`),
    );
    expect((await exec(lu, ws16(0x09, 0, 128))).status).toBe(0);
    expect((await exec(lu, getLbaStatus(0, 0x18))).dataIn).toEqual(
      hex(`00000014 00000000 ${desc(0, 128, 1)}`),
    );
    // NDOB=1 with data-out: the data-out length does not match the CDB.
    expect(sense(await exec(lu, ws16(0x01, 0, 1), { dataOut: Buffer.alloc(512) }))).toEqual({
      responseCode: 0x70,
      key: 5,
      asc: 0x0e,
      ascq: 0x03,
    });
  });

  it('ANCHOR is INVALID FIELD IN CDB at byte 1 bit 4 (ANC_SUP=0), with or without UNMAP', async () => {
    for (const byte1 of [0x10, 0x18]) {
      expect(sense(await exec(lu, ws10(byte1, 0, 1), { dataOut: Buffer.alloc(512) }))).toEqual({
        responseCode: 0x70,
        key: 5,
        asc: 0x24,
        ascq: 0,
        sks: [0xcc, 0x00, 0x01],
      });
    }
    expect(sense(await exec(lu, ws16(0x18, 0, 1), { dataOut: Buffer.alloc(512) })).sks).toEqual([0xcc, 0, 1]);
  });

  it('WRPROTECT, PBDATA and LBDATA are INVALID FIELD IN CDB at their bits', async () => {
    const one = { dataOut: Buffer.alloc(512) };
    expect(sense(await exec(lu, ws10(0x20, 0, 1), one)).sks).toEqual([0xcf, 0, 1]);
    expect(sense(await exec(lu, ws10(0x04, 0, 1), one)).sks).toEqual([0xca, 0, 1]);
    expect(sense(await exec(lu, ws10(0x02, 0, 1), one)).sks).toEqual([0xc9, 0, 1]);
    expect(sense(await exec(lu, ws16(0x06, 0, 1), one)).sks).toEqual([0xca, 0, 1]);
  });

  it('data-out other than exactly one block is INVALID FIELD IN COMMAND INFORMATION UNIT', async () => {
    for (const n of [0, 256, 1024]) {
      expect(sense(await exec(lu, ws10(0x08, 0, 1), { dataOut: Buffer.alloc(n) }))).toMatchObject({
        key: 5,
        asc: 0x0e,
        ascq: 0x03,
      });
    }
  });

  it('LBA range: LOGICAL BLOCK ADDRESS OUT OF RANGE pointing at byte 2, also for 0 blocks past the end', async () => {
    const one = { dataOut: Buffer.alloc(512) };
    expect(sense(await exec(lu, ws10(0, BLOCKS - 2, 4), one))).toEqual({
      responseCode: 0x70,
      key: 5,
      asc: 0x21,
      ascq: 0,
      sks: [0xc0, 0, 2],
    });
    expect(sense(await exec(lu, ws10(0, BLOCKS, 0), one)).asc).toBe(0x21);
    expect(sense(await exec(lu, ws16(0, 0x80000000, 0), one)).asc).toBe(0x21);
  });

  it('more blocks than MAXIMUM WRITE SAME LENGTH is INVALID FIELD IN CDB at the length field', async () => {
    const small = await disk({ maxWriteSameBlocks: 64 });
    const one = { dataOut: Buffer.alloc(512) };
    expect((await exec(small, ws10(0, 0, 64), one)).status).toBe(0);
    expect(sense(await exec(small, ws10(0, 0, 65), one)).sks).toEqual([0xc0, 0, 7]);
    expect(sense(await exec(small, ws16(0, 0, 65), one)).sks).toEqual([0xc0, 0, 10]);
    // 0 blocks from an LBA more than 64 blocks before the end asks for too many blocks.
    expect(sense(await exec(small, ws10(0, BLOCKS - 65, 0), one)).sks).toEqual([0xc0, 0, 7]);
    expect((await exec(small, ws10(0, BLOCKS - 64, 0), one)).status).toBe(0);
  });
});

describe('UNMAP', () => {
  let lu: RamDisk;
  beforeEach(async () => {
    lu = await disk();
    await exec(lu, write10(0, 384), { dataOut: Buffer.alloc(384 * 512, 0x33) });
  });

  it('deallocates whole chunks and zeroes partial ones; overlapping and empty descriptors are fine', async () => {
    const list = unmapList([
      [100, 200], // LBAs 100-299: chunk 1 (128-255) deallocated, 100-127 and 256-299 zeroed
      [150, 10],
      [5, 0],
    ]);
    expect(await exec(lu, unmapCdb(list.length), { dataOut: list })).toEqual({
      status: 0,
      dataOutLength: list.length,
    });
    expect((await exec(lu, getLbaStatus(0, 0x100))).dataIn).toEqual(
      hex(
        `00000044 00000000 ${desc(0, 128, 0)} ${desc(128, 128, 1)} ${desc(256, 128, 0)} ${desc(384, BLOCKS - 384, 1)}`,
      ),
    );
    const r = (await exec(lu, read10(99, 202))).dataIn ?? Buffer.alloc(0);
    expect(r.subarray(0, 512)).toEqual(Buffer.alloc(512, 0x33));
    expect(r.subarray(512, 201 * 512)).toEqual(Buffer.alloc(200 * 512));
    expect(r.subarray(201 * 512)).toEqual(Buffer.alloc(512, 0x33));
  });

  it('a descriptor past the capacity is LBA OUT OF RANGE pointing at its LBA in the parameter list', async () => {
    const list = unmapList([
      [0, 1],
      [BLOCKS - 1, 2],
    ]);
    // C/D=0, field pointer 24: the second descriptor's UNMAP LOGICAL BLOCK ADDRESS.
    expect(sense(await exec(lu, unmapCdb(list.length), { dataOut: list }))).toEqual({
      responseCode: 0x70,
      key: 5,
      asc: 0x21,
      ascq: 0,
      sks: [0x80, 0x00, 0x18],
    });
    // Nothing was unmapped: all ranges are checked first.
    expect((await exec(lu, read10(0, 1))).dataIn).toEqual(Buffer.alloc(512, 0x33));
  });

  it('limits of the Block Limits page: MAXIMUM UNMAP LBA COUNT over all descriptors, descriptor count', async () => {
    const tooMany = unmapList([
      [0, 0x80000],
      [0, 0x80001],
    ]);
    // The sum passes 0x100000 at the second descriptor's NUMBER OF LOGICAL BLOCKS (byte 32).
    expect(sense(await exec(lu, unmapCdb(tooMany.length), { dataOut: tooMany }))).toEqual({
      responseCode: 0x70,
      key: 5,
      asc: 0x26,
      ascq: 0,
      sks: [0x80, 0x00, 0x20],
    });
    const ranges: Array<[number, number]> = [];
    for (let i = 0; i < 257; i++) ranges.push([i, 1]);
    const list = unmapList(ranges);
    expect(sense(await exec(lu, unmapCdb(list.length), { dataOut: list }))).toMatchObject({
      asc: 0x26,
      sks: [0x80, 0x00, 0x02],
    });
    const ok = unmapList(ranges.slice(0, 256));
    expect((await exec(lu, unmapCdb(ok.length), { dataOut: ok })).status).toBe(0);
  });

  it('ANCHOR is INVALID FIELD IN CDB; PARAMETER LIST LENGTH 0 is GOOD', async () => {
    const list = unmapList([[0, 1]]);
    expect(sense(await exec(lu, unmapCdb(list.length, 0x01), { dataOut: list })).sks).toEqual([0xc8, 0, 1]);
    expect(await exec(lu, unmapCdb(0))).toEqual({ status: 0 });
  });
});

describe('READ CAPACITY(16) and the provisioning VPD pages', () => {
  it('LOGICAL BLOCKS PER PHYSICAL BLOCK EXPONENT, LBPME and LBPRZ', async () => {
    const lu = await disk({ physicalBlockExponent: 3 });
    const r = await exec(lu, '9e 10 0000000000000000 00000020 00 00');
    expect(r.dataIn).toEqual(hex(`${u64(BLOCKS - 1)} 00000200 00 03 c0 00 ${'00'.repeat(16)}`));
  });

  it('an exponent outside 0-15 or a zero limit is refused when the LU is built', () => {
    expect(() => createRamDisk({ identity: { id: 'x' }, sizeBytes: MiB, physicalBlockExponent: 16 })).toThrow(
      RangeError,
    );
    expect(() => createRamDisk({ identity: { id: 'x' }, sizeBytes: MiB, maxWriteSameBlocks: 0 })).toThrow(
      RangeError,
    );
    expect(() => createRamDisk({ identity: { id: 'x' }, sizeBytes: MiB, maxTransferBlocks: 0.5 })).toThrow(
      RangeError,
    );
  });

  it('Block Limits: MAXIMUM WRITE SAME LENGTH (capacity by default), OPTIMAL UNMAP GRANULARITY 128', async () => {
    const lu = await disk();
    const b0 = (await exec(lu, '12 01 b0 00 ff 00')).dataIn ?? Buffer.alloc(0);
    expect(b0[4] & 0x01).toBe(0); // WSNZ=0
    expect(b0.readUInt32BE(28)).toBe(128);
    expect(b0.readUInt32BE(32)).toBe(0x80000000); // UGAVALID, alignment 0
    expect(b0.readBigUInt64BE(36)).toBe(BigInt(BLOCKS));
    const limited = await disk({ maxWriteSameBlocks: 64 });
    expect(((await exec(limited, '12 01 b0 00 ff 00')).dataIn ?? Buffer.alloc(0)).readBigUInt64BE(36)).toBe(
      64n,
    );
  });

  it('REPORT SUPPORTED OPERATION CODES lists WRITE SAME, UNMAP and GET LBA STATUS with their usage data', async () => {
    const lu = await disk();
    expect((await exec(lu, 'a3 0c 01 41 0000 00000100 00 00')).dataIn).toEqual(
      hex('00 03 000a 41 fe ffffffff 00 ffff 04'),
    );
    expect((await exec(lu, 'a3 0c 02 9e 0012 00000100 00 00')).dataIn).toEqual(
      hex('00 03 0010 9e 1f ffffffffffffffff ffffffff 00 04'),
    );
    expect((await exec(lu, 'a3 0c 01 42 0000 00000100 00 00')).dataIn).toEqual(
      hex('00 03 000a 42 01 00000000 00 ffff 04'),
    );
  });
});
