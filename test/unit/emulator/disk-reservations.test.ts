// Reservations on the disk LU (emulator/devices/reservations.ts adopted with the SBC access
// classes): SPC-2 RESERVE/RELEASE and persistent reservations, RESERVATION CONFLICT per command.
import { createRamDisk, sbcAccessClass } from '../../../emulator/devices/disk';
import { clearUa, exec, hex, nexus } from './helpers';

type RamDisk = ReturnType<typeof createRamDisk>;

const CONFLICT = 0x18;
const A = nexus(1);
const B = nexus(2);

/** A command of each SBC access class, with its data-out. */
const CMD = {
  read: '28 00 00000000 00 0001 00',
  write: '2a 00 00000000 00 0001 00',
  writeSame: '41 00 00000000 00 0001 00',
  unmap: '42 00 00000000 00 0018 00',
  verify: '2f 00 00000000 00 0001 00',
  syncCache: '35 00 00000000 00 0000 00',
  readCapacity10: '25 00 00000000 00 00 00 00',
  readCapacity16: '9e 10 0000000000000000 00000020 00 00',
  getLbaStatus: '9e 12 0000000000000000 00000020 00 00',
  tur: '00 00 00 00 00 00',
  inquiry: '12 00 00 00 24 00',
} as const;

const DATA: Partial<Record<keyof typeof CMD, Buffer>> = {
  write: Buffer.alloc(512),
  writeSame: Buffer.alloc(512),
  unmap: hex('0016 0010 00000000 0000000000000000 00000001 00000000'),
};

async function statusOf(lu: RamDisk, cmd: keyof typeof CMD, n = B): Promise<number> {
  return (await exec(lu, CMD[cmd], { dataOut: DATA[cmd], nexus: n })).status;
}

/** PERSISTENT RESERVE OUT: service action, type, RESERVATION KEY, SERVICE ACTION RESERVATION KEY. */
function prOut(lu: RamDisk, n: typeof A, sa: number, type: number, key: bigint, saKey: bigint) {
  const params = Buffer.alloc(24);
  params.writeBigUInt64BE(key, 0);
  params.writeBigUInt64BE(saKey, 8);
  const cdb = `5f ${sa.toString(16).padStart(2, '0')} ${type.toString(16).padStart(2, '0')} 0000 00000018 00`;
  return exec(lu, cdb, { dataOut: params, nexus: n });
}

describe('disk reservations', () => {
  let lu: RamDisk;
  beforeEach(async () => {
    lu = createRamDisk({ identity: { id: 'res' }, sizeBytes: 1 << 20 });
    await clearUa(lu, A);
    await clearUa(lu, B);
  });

  it('SBC access classes: READ CAPACITY is info, GET LBA STATUS and VERIFY read, the rest write', () => {
    expect(sbcAccessClass(hex(CMD.readCapacity16))).toBe('info');
    expect(sbcAccessClass(hex(CMD.readCapacity10))).toBe('info');
    expect(sbcAccessClass(hex(CMD.getLbaStatus))).toBe('read');
    expect(sbcAccessClass(hex(CMD.verify))).toBe('read');
    for (const c of [CMD.write, CMD.writeSame, CMD.unmap, CMD.syncCache])
      expect(sbcAccessClass(hex(c))).toBe('write');
    // SPC rows come from reservations.ts: TEST UNIT READY info, INQUIRY any.
    expect(sbcAccessClass(hex(CMD.tur))).toBe('info');
    expect(sbcAccessClass(hex(CMD.inquiry))).toBe('any');
  });

  it('RESERVE(6): the other nexus gets RESERVATION CONFLICT for everything but INQUIRY-class commands', async () => {
    expect(await exec(lu, '16 00 00 00 00 00', { nexus: A })).toEqual({ status: 0 });
    for (const c of ['read', 'write', 'readCapacity16', 'getLbaStatus', 'tur'] as const) {
      expect({ c, status: await statusOf(lu, c) }).toEqual({ c, status: CONFLICT });
    }
    expect(await statusOf(lu, 'inquiry')).toBe(0);
    expect(await statusOf(lu, 'write', A)).toBe(0);
    // RESERVE from the other nexus conflicts; its RELEASE does nothing.
    expect((await exec(lu, '16 00 00 00 00 00', { nexus: B })).status).toBe(CONFLICT);
    expect((await exec(lu, '17 00 00 00 00 00', { nexus: B })).status).toBe(0);
    expect(await statusOf(lu, 'read')).toBe(CONFLICT);
    expect((await exec(lu, '17 00 00 00 00 00', { nexus: A })).status).toBe(0);
    expect(await statusOf(lu, 'read')).toBe(0);
  });

  it('an SPC-2 reservation ends with its nexus and with a LU reset', async () => {
    await exec(lu, '16 00 00 00 00 00', { nexus: A });
    lu.nexusLost(A);
    expect(await statusOf(lu, 'read')).toBe(0);
    await clearUa(lu, A);
    await exec(lu, '16 00 00 00 00 00', { nexus: A });
    lu.reset('lu-reset');
    await clearUa(lu, B);
    expect(await statusOf(lu, 'read')).toBe(0);
  });

  it('Write Exclusive: others may read, VERIFY and GET LBA STATUS, not write, WRITE SAME or UNMAP', async () => {
    expect((await prOut(lu, A, 0x00, 0, 0n, 0xabcn)).status).toBe(0); // REGISTER
    expect((await prOut(lu, A, 0x01, 0x01, 0xabcn, 0n)).status).toBe(0); // RESERVE, type 1h
    for (const c of ['read', 'verify', 'getLbaStatus', 'readCapacity16', 'tur'] as const)
      expect({ c, status: await statusOf(lu, c) }).toEqual({ c, status: 0 });
    for (const c of ['write', 'writeSame', 'unmap', 'syncCache'] as const)
      expect({ c, status: await statusOf(lu, c) }).toEqual({ c, status: CONFLICT });
    expect(await statusOf(lu, 'write', A)).toBe(0);
  });

  it('Exclusive Access: others may only ask for capacity and state; PR IN reports the holder', async () => {
    await prOut(lu, A, 0x00, 0, 0n, 0xabcn);
    await prOut(lu, A, 0x01, 0x03, 0xabcn, 0n); // RESERVE, type 3h
    expect(await statusOf(lu, 'read')).toBe(CONFLICT);
    expect(await statusOf(lu, 'getLbaStatus')).toBe(CONFLICT);
    expect(await statusOf(lu, 'readCapacity16')).toBe(0);
    expect(await statusOf(lu, 'readCapacity10')).toBe(0);
    // READ RESERVATION: PRGENERATION 1, ADDITIONAL LENGTH 16, key ABCh, scope 0 type 3.
    const r = await exec(lu, '5e 01 00 00 00 00 00 00 ff 00', { nexus: B });
    expect(r.dataIn).toEqual(hex('00000001 00000010 0000000000000abc 00000000 00 03 0000'));
  });

  it('REPORT CAPABILITIES: CRH, TMV and the six reservation types', async () => {
    expect((await exec(lu, '5e 02 00 00 00 00 00 00 ff 00')).dataIn).toEqual(hex('0008 10 80 ea 01 0000'));
  });
});
