// PDU generators for the target fuzz test: valid templates of every initiator PDU type, the same
// with random bytes changed, and plain random headers.
import { serializePdu, type InitiatorPdu } from '../../targets/iscsi/pdu';
import { serializeText } from '../../targets/iscsi/text';

/** xorshift32: reproducible randomness (the seed is printed on failure). */
export class Rng {
  constructor(private s: number) {
    if (this.s === 0) this.s = 1;
  }
  u32(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  int(n: number): number {
    return this.u32() % n;
  }
  chance(p: number): boolean {
    return this.u32() / 0x100000000 < p;
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.u32() & 0xff;
    return b;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)];
  }
}

const CDBS = [
  '00 00 00 00 00 00',
  '12 00 00 00 ff 00',
  '12 01 83 00 ff 00',
  '12 01 b0 00 ff 00',
  '25 00 00 00 00 00 00 00 00 00',
  '9e 10 00 00 00 00 00 00 00 00 00 00 00 20 00 00',
  '28 00 00 00 00 10 00 00 08 00',
  '2a 00 00 00 00 20 00 00 04 00',
  '88 00 00 00 00 00 00 00 00 40 00 00 00 10 00 00',
  '1a 00 3f 00 ff 00',
  '15 10 00 00 10 00',
  '5a 00 3f 00 00 00 00 10 00 00',
  'a0 00 00 00 00 00 00 00 10 00 00 00',
  'a3 0c 00 00 00 00 00 00 10 00 00 00',
  '35 00 00 00 00 00 00 00 00 00',
  '42 00 00 00 00 00 00 00 18 00',
  '2f 02 00 00 00 00 00 00 01 00',
  '03 00 00 00 12 00',
];

export function template(r: Rng, lunMax: number): InitiatorPdu {
  const itt = r.int(64);
  const cmdSN = r.u32();
  const lun = BigInt(r.int(lunMax)) << 48n;
  switch (r.int(10)) {
    case 0:
    case 1:
    case 2: {
      const cdb = Buffer.alloc(16);
      (r.chance(0.7) ? Buffer.from(r.pick(CDBS).replace(/\s/g, ''), 'hex') : r.bytes(16)).copy(cdb);
      const write = r.chance(0.4);
      return {
        kind: 'scsi-command',
        immediate: r.chance(0.3),
        final: r.chance(0.7),
        read: r.chance(0.5),
        write,
        attr: r.int(8),
        lun,
        itt,
        expectedDataTransferLength: r.chance(0.8) ? r.int(8192) : r.u32(),
        cmdSN,
        expStatSN: r.u32(),
        cdb,
        data: write && r.chance(0.6) ? r.bytes(r.int(2048)) : Buffer.alloc(0),
      };
    }
    case 3:
    case 4:
      return {
        kind: 'data-out',
        final: r.chance(0.5),
        lun,
        itt,
        ttt: r.chance(0.5) ? 0xffffffff : r.int(16),
        expStatSN: r.u32(),
        dataSN: r.int(4),
        bufferOffset: r.chance(0.5) ? 0 : r.int(8192),
        data: r.bytes(r.int(1024)),
      };
    case 5:
      return {
        kind: 'nop-out',
        immediate: r.chance(0.5),
        lun,
        itt,
        ttt: 0xffffffff,
        cmdSN,
        expStatSN: 0,
        data: r.bytes(r.int(64)),
      };
    case 6: {
      // TARGET COLD RESET drops every fuzz connection: keep it rare so the stream gets read.
      const fn = r.int(16);
      return {
        kind: 'task-management-request',
        immediate: r.chance(0.8),
        function: fn === 7 && !r.chance(0.01) ? 6 : fn,
        lun,
        itt,
        referencedTaskTag: r.int(64),
        cmdSN,
        expStatSN: 0,
        refCmdSN: r.u32(),
        expDataSN: 0,
      };
    }
    case 7:
      return {
        kind: 'text-request',
        immediate: r.chance(0.5),
        final: r.chance(0.8),
        continue: r.chance(0.2),
        lun: 0n,
        itt,
        ttt: r.chance(0.8) ? 0xffffffff : r.int(8),
        cmdSN,
        expStatSN: 0,
        data: r.chance(0.5) ? serializeText([['SendTargets', 'All']]) : r.bytes(r.int(200)),
      };
    case 8:
      return {
        kind: 'snack-request',
        type: r.int(4),
        lun,
        itt,
        ttt: r.u32(),
        expStatSN: 0,
        begRun: r.u32(),
        runLength: r.u32(),
      };
    default:
      return r.chance(0.01)
        ? {
            kind: 'logout-request',
            immediate: true,
            reasonCode: r.int(4),
            itt,
            cid: r.int(2),
            cmdSN,
            expStatSN: 0,
          }
        : {
            kind: 'login-request',
            transit: r.chance(0.5),
            continue: false,
            csg: r.int(2),
            nsg: 3,
            versionMax: 0,
            versionMin: 0,
            isid: r.u32(),
            tsih: r.int(4),
            itt,
            cid: 0,
            cmdSN,
            expStatSN: 0,
            data: serializeText([['InitiatorName', 'iqn.2024-01.test:x']]),
          };
  }
}

/** One fuzzed PDU: a valid template, a mutated one, or plain random bytes. */
export function fuzzPdu(r: Rng): Buffer {
  const kind = r.int(10);
  if (kind === 0) {
    // Whole words, as the data segment is padded to 4 bytes on the wire.
    const b = r.bytes(48 + 4 * r.int(50));
    b[4] = r.chance(0.9995) ? 0 : b[4] & 0x03;
    // A wrong DataSegmentLength makes the target swallow the following bytes as data (or skip an
    // over-long segment): keep that rare and bounded so most of the stream is read as PDUs.
    let dsl = Math.max(0, b.length - 48);
    if (r.chance(0.002)) dsl = r.chance(0.8) ? r.int(4096) : 262144 + r.int(8192);
    b.writeUIntBE(dsl, 5, 3);
    return b;
  }
  const buf = serializePdu(template(r, 3));
  if (kind <= 3) return buf;
  const m = Buffer.from(buf);
  const flips = 1 + r.int(4);
  for (let i = 0; i < flips; i++) {
    const at = r.chance(0.85) ? r.int(Math.min(48, m.length)) : r.int(m.length);
    // TotalAHSLength and DataSegmentLength stay intact so framing survives (a broken frame
    // desynchronises the rest of the connection; wrong lengths come from the random PDUs above).
    if (at >= 4 && at <= 7) continue;
    m[at] = r.u32() & 0xff;
  }
  return m;
}
