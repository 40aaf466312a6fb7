import type { DigestName } from '../../../targets/iscsi/negotiation';
// Data-In reception of the initiator session: segments read straight into the command's buffer
// (PduReceiver placement), digests on that path, and no uninitialised byte ever reaching the caller.
import { randomBytes } from 'node:crypto';
import { RESERVED_TAG, type DataIn, type Pdu } from '../../../targets/iscsi/pdu';
import { TransportError } from '../../../targets/transport';
import { type FakeConnection, useFakeTargets } from './fake-target';

const IQN = 'iqn.2024-01.test:fake-datain';

function read16(lba: number, blocks: number): Buffer {
  const b = Buffer.alloc(16);
  b[0] = 0x88;
  b.writeBigUInt64BE(BigInt(lba), 2);
  b.writeUInt32BE(blocks, 10);
  return b;
}

const { fake, open } = useFakeTargets(IQN, { diskBytes: 8 * 1024 * 1024 });

function dataIn(
  cmd: { itt: number; lun: bigint },
  dataSN: number,
  bufferOffset: number,
  data: Buffer,
): DataIn {
  return {
    kind: 'data-in',
    final: false,
    acknowledge: false,
    residualOverflow: false,
    residualUnderflow: false,
    statusPresent: false,
    status: 0,
    lun: cmd.lun,
    itt: cmd.itt,
    ttt: RESERVED_TAG,
    statSN: 0,
    expCmdSN: 0,
    maxCmdSN: 0,
    dataSN,
    bufferOffset,
    residualCount: 0,
    data,
  };
}

/** Answer READ(16) commands with `answer` instead of the RAM disk. */
function onRead(answer: (c: FakeConnection, cmd: { itt: number; lun: bigint }) => void) {
  return (c: FakeConnection, pdu: Pdu): boolean => {
    if (pdu.kind !== 'scsi-command' || pdu.cdb[0] !== 0x88) return false;
    answer(c, pdu);
    return true;
  };
}

afterEach(() => {
  jest.restoreAllMocks();
});

describe('Data-In reception', () => {
  it.each([
    ['no digests, 256 KiB segments', ['None'], 262144],
    ['header and data digests, 256 KiB segments', ['CRC32C'], 262144],
    ['no digests, 4 KiB segments', ['None'], 4096],
    ['header and data digests, 1000-byte segments', ['CRC32C'], 1000],
  ])('returns exactly the target bytes (%s)', async (_name, digest, mrdsl) => {
    const t = await fake({ settings: { headerDigest: ['CRC32C', 'None'], dataDigest: ['CRC32C', 'None'] } });
    randomBytes(t.disk.length).copy(t.disk);
    const s = await open(t, {
      settings: {
        headerDigest: digest as DigestName[],
        dataDigest: digest as DigestName[],
        maxRecvDataSegmentLength: mrdsl,
      },
      queueDepth: 4,
    });
    expect(s.params.dataDigest).toBe(digest[0]);
    // Concurrent reads of several sizes, so that PDUs of different commands follow each other.
    const reads = [2048, 1, 7, 300, 512, 2048, 64, 1000].map((blocks, i) => ({ lba: i * 2048, blocks }));
    const results = await Promise.all(
      reads.map((r) => s.execute(1, { cdb: read16(r.lba, r.blocks), dataInLength: r.blocks * 512 })),
    );
    results.forEach((res, i) => {
      const { lba, blocks } = reads[i];
      expect(res.status).toBe(0);
      expect(res.residual).toBe(0);
      expect(res.dataIn.equals(t.disk.subarray(lba * 512, (lba + blocks) * 512))).toBe(true);
    });
  });

  it('zero-fills bytes the target skipped over and returns nothing beyond the last byte sent', async () => {
    // Make every "uninitialised" buffer visibly dirty: no 0xa5 may reach the caller.
    const allocUnsafe = Buffer.allocUnsafe.bind(Buffer);
    jest.spyOn(Buffer, 'allocUnsafe').mockImplementation((n: number) => allocUnsafe(n).fill(0xa5));
    const t = await fake({
      hook: onRead((c, cmd) => {
        c.send(dataIn(cmd, 0, 0, Buffer.alloc(3000, 1)), false);
        // Offset 5000: bytes 3000..4999 never sent (a target violating DataPDUInOrder).
        c.send(dataIn(cmd, 1, 5000, Buffer.alloc(4000, 2)), false);
        c.send(
          {
            ...dataIn(cmd, 2, 9000, Buffer.alloc(1000, 3)),
            final: true,
            statusPresent: true,
            residualUnderflow: true,
            residualCount: 6384,
          },
          true,
        );
      }),
    });
    const s = await open(t);
    const r = await s.execute(1, { cdb: read16(0, 32), dataInLength: 16384 });
    expect(r.status).toBe(0);
    expect(r.residual).toBe(6384);
    const want = Buffer.concat([
      Buffer.alloc(3000, 1),
      Buffer.alloc(2000, 0),
      Buffer.alloc(4000, 2),
      Buffer.alloc(1000, 3),
    ]);
    expect(r.dataIn.equals(want)).toBe(true);
  });

  it('fails only the command whose Data-In has a bad data digest; the connection goes on', async () => {
    let corrupt = true;
    const t = await fake({
      settings: { dataDigest: ['CRC32C'] },
      hook: onRead((c, cmd) => {
        if (!corrupt) return c.defaultHandle({ ...(cmd as Pdu & { kind: 'scsi-command' }) });
        corrupt = false;
        const pdu: DataIn = {
          ...dataIn(cmd, 0, 0, Buffer.alloc(65536, 7)),
          final: true,
          statusPresent: true,
          statSN: c.statSN,
          expCmdSN: c.expCmdSN,
          maxCmdSN: c.maxCmdSN,
        };
        c.statSN++;
        const wire = c.writer.serialize(pdu);
        wire[48 + 40000] ^= 0x10;
        c.socket.write(wire);
      }),
    });
    randomBytes(65536).copy(t.disk);
    const s = await open(t, { settings: { dataDigest: ['CRC32C'] } });
    const e = await s
      .execute(1, { cdb: read16(0, 128), dataInLength: 65536, timeoutMs: 2000 })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransportError);
    expect((e as Error).message).toMatch(/corrupted: data digest/);
    const r = await s.execute(1, { cdb: read16(0, 128), dataInLength: 65536 });
    expect(r.dataIn.equals(t.disk.subarray(0, 65536))).toBe(true);
    expect(t.connections).toHaveLength(1);
  });

  it('fails a command whose Data-In goes beyond its buffer, and keeps the session', async () => {
    let extra = true;
    const t = await fake({
      hook: onRead((c, cmd) => {
        if (!extra) return c.defaultHandle({ ...(cmd as Pdu & { kind: 'scsi-command' }) });
        extra = false;
        c.send({ ...dataIn(cmd, 0, 0, Buffer.alloc(5000, 1)), final: true, statusPresent: true }, true);
      }),
    });
    const s = await open(t);
    const e = await s.execute(1, { cdb: read16(0, 8), dataInLength: 4096 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransportError);
    expect((e as Error).message).toMatch(/beyond the 4096 expected/);
    expect((await s.execute(1, { cdb: read16(0, 8), dataInLength: 4096 })).dataIn).toHaveLength(4096);
  });

  it('puts Data-In into the caller-supplied dataInBuffer, and allocates when it is too small', async () => {
    const t = await fake();
    randomBytes(t.disk.length).copy(t.disk);
    const s = await open(t, { settings: { maxRecvDataSegmentLength: 8192 } });
    const mine = Buffer.alloc(65536 + 100, 0xee);
    const r = await s.execute(1, { cdb: read16(16, 128), dataInLength: 65536, dataInBuffer: mine });
    expect(r.status).toBe(0);
    expect(r.dataIn.buffer).toBe(mine.buffer);
    expect(r.dataIn.byteOffset).toBe(mine.byteOffset);
    expect(r.dataIn.equals(t.disk.subarray(16 * 512, 144 * 512))).toBe(true);
    // Bytes past dataInLength are untouched.
    expect(mine.subarray(65536).equals(Buffer.alloc(100, 0xee))).toBe(true);
    // The same buffer again, other data.
    const r2 = await s.execute(1, { cdb: read16(1024, 128), dataInLength: 65536, dataInBuffer: mine });
    expect(r2.dataIn.buffer).toBe(mine.buffer);
    expect(mine.subarray(0, 65536).equals(t.disk.subarray(1024 * 512, 1152 * 512))).toBe(true);
    const small = Buffer.alloc(4096);
    const r3 = await s.execute(1, { cdb: read16(0, 16), dataInLength: 8192, dataInBuffer: small });
    expect(r3.dataIn.buffer).not.toBe(small.buffer);
    expect(r3.dataIn.equals(t.disk.subarray(0, 8192))).toBe(true);
    expect(small.equals(Buffer.alloc(4096))).toBe(true);
  });
});
