import fc from 'fast-check';
import { crc32cOf, digestBytes, PduReader, PduWriter, type ReadItem } from '../../../targets/iscsi/framing';
import { BHS_LENGTH, PduError, RejectReason, serializePdu, type Pdu } from '../../../targets/iscsi/pdu';
import { anyPdu } from './arbitraries';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function nop(itt: number, data = Buffer.alloc(0)): Pdu {
  return { kind: 'nop-out', immediate: false, lun: 0n, itt, ttt: 0xffffffff, cmdSN: 1, expStatSN: 1, data };
}

function readAll(reader: PduReader, chunks: Buffer[]): ReadItem[] {
  const out: ReadItem[] = [];
  for (const c of chunks) reader.push(c, (i) => out.push(i));
  return out;
}

describe('CRC32C digests (RFC 7143 Appendix B.4 vectors)', () => {
  it('matches the published values, sent little-endian', () => {
    expect(digestBytes(crc32cOf([Buffer.alloc(32)]))).toEqual(hex('aa 36 91 8a'));
    expect(digestBytes(crc32cOf([Buffer.alloc(32, 0xff)]))).toEqual(hex('43 ab a8 62'));
    const inc = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    expect(digestBytes(crc32cOf([inc]))).toEqual(hex('4e 79 dd 46'));
    expect(digestBytes(crc32cOf([Buffer.from(inc).reverse()]))).toEqual(hex('5c db 3f 11'));
    const read10 = hex(`
      01 c0 00 00  00 00 00 00  00 00 00 00  00 00 00 00
      14 00 00 00  00 00 04 00  00 00 00 14  00 00 00 18
      28 00 00 00  00 00 00 00  02 00 00 00  00 00 00 00`);
    expect(digestBytes(crc32cOf([read10]))).toEqual(hex('56 3a 96 d9'));
  });

  it('is the same over split buffers', () => {
    const inc = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    expect(crc32cOf([inc.subarray(0, 5), Buffer.alloc(0), inc.subarray(5)])).toBe(crc32cOf([inc]));
  });
});

describe('PduWriter', () => {
  it('appends the header digest after BHS+AHS and the data digest after data+padding', () => {
    const w = new PduWriter({ headerDigest: true, dataDigest: true });
    const p = nop(5, Buffer.from('abcde'));
    const parts = w.frame(p);
    const plain = serializePdu(p);
    const header = plain.subarray(0, BHS_LENGTH);
    expect(parts[0]).toEqual(header);
    expect(parts[1]).toEqual(digestBytes(crc32cOf([header])));
    expect(parts[2]).toEqual(Buffer.from('abcde'));
    expect(parts[3]).toEqual(Buffer.alloc(3));
    expect(parts[4]).toEqual(digestBytes(crc32cOf([Buffer.from('abcde\0\0\0')])));
    expect(w.serialize(p).length).toBe(48 + 4 + 8 + 4);
  });

  it('sends no data digest when the data segment is empty', () => {
    const w = new PduWriter({ headerDigest: false, dataDigest: true });
    expect(w.serialize(nop(1)).length).toBe(48);
  });

  it("refuses data segments longer than the peer's MaxRecvDataSegmentLength", () => {
    const w = new PduWriter({ maxSendDataSegmentLength: 512 });
    expect(() => w.frame(nop(1, Buffer.alloc(513)))).toThrow(RangeError);
    expect(w.frame(nop(1, Buffer.alloc(512)))).toHaveLength(2);
  });
});

describe('PduReader', () => {
  it('reassembles any PDU sequence however the stream is chunked, with or without digests', () => {
    fc.assert(
      fc.property(
        fc.array(anyPdu, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.nat({ max: 80 }), { maxLength: 30 }),
        (pdus, hd, dd, cuts) => {
          const w = new PduWriter({ headerDigest: hd, dataDigest: dd, maxSendDataSegmentLength: 1 << 20 });
          const stream = Buffer.concat(pdus.map((p) => w.serialize(p)));
          const chunks: Buffer[] = [];
          let off = 0;
          for (const c of cuts) {
            chunks.push(stream.subarray(off, off + c));
            off += c;
          }
          chunks.push(stream.subarray(off));
          const r = new PduReader({ headerDigest: hd, dataDigest: dd, maxRecvDataSegmentLength: 1 << 20 });
          const got = readAll(r, chunks);
          expect(got.map((i) => i.pdu)).toEqual(pdus);
          expect(r.buffered).toBe(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('delivers PDUs synchronously so options can change between two PDUs of one chunk', () => {
    const plain = new PduWriter();
    const digested = new PduWriter({ headerDigest: true });
    const stream = Buffer.concat([plain.serialize(nop(1)), digested.serialize(nop(2))]);
    const r = new PduReader();
    const seen: number[] = [];
    r.push(stream, (i) => {
      expect(i.error).toBeUndefined();
      seen.push(i.pdu?.kind === 'nop-out' ? i.pdu.itt : -1);
      r.setOptions({ headerDigest: true });
    });
    expect(seen).toEqual([1, 2]);
  });

  it('a header digest error is fatal and stops the reader', () => {
    const w = new PduWriter({ headerDigest: true });
    const bad = w.serialize(nop(1));
    bad[50] ^= 1;
    const r = new PduReader({ headerDigest: true });
    const got = readAll(r, [bad, w.serialize(nop(2))]);
    expect(got).toHaveLength(1);
    expect(got[0].error).toBeInstanceOf(PduError);
    expect(got[0].error?.fatal).toBe(true);
    expect(got[0].error?.reason).toBe(RejectReason.ProtocolError);
    expect(r.failed).toBe(true);
  });

  it('a data digest error yields reason 02h with the header and the stream goes on', () => {
    const w = new PduWriter({ dataDigest: true });
    const bad = w.serialize(nop(7, Buffer.from('payload!')));
    bad[49] ^= 0x80;
    const r = new PduReader({ dataDigest: true });
    const got = readAll(r, [Buffer.concat([bad, w.serialize(nop(8))])]);
    expect(got[0].error?.reason).toBe(RejectReason.DataDigestError);
    expect(got[0].error?.fatal).toBe(false);
    expect(got[0].error?.itt).toBe(7);
    expect(got[0].error?.header).toHaveLength(48);
    expect(got[1].pdu).toEqual(nop(8));
  });

  it('a data segment above MaxRecvDataSegmentLength is reported and skipped', () => {
    const w = new PduWriter({ maxSendDataSegmentLength: 1 << 16, dataDigest: true });
    const big = w.serialize(nop(3, Buffer.alloc(1000, 1)));
    const r = new PduReader({ maxRecvDataSegmentLength: 512, dataDigest: true });
    const next = w.serialize(nop(4));
    const got = readAll(r, [
      big.subarray(0, 100),
      big.subarray(100, 700),
      Buffer.concat([big.subarray(700), next]),
    ]);
    expect(got).toHaveLength(2);
    expect(got[0].error?.reason).toBe(RejectReason.ProtocolError);
    expect(got[0].error?.itt).toBe(3);
    expect(got[1].pdu).toEqual(nop(4));
  });

  it('decode errors are delivered as items, not thrown', () => {
    const b = serializePdu(nop(1));
    b[0] = 0x1d; // vendor opcode
    const got = readAll(new PduReader(), [Buffer.concat([b, serializePdu(nop(2))])]);
    expect(got[0].error?.reason).toBe(RejectReason.CommandNotSupported);
    expect(got[1].pdu).toEqual(nop(2));
  });

  it('never throws on random input', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 120 }), { maxLength: 8 }),
        fc.boolean(),
        (chunks, hd) => {
          const r = new PduReader({ headerDigest: hd, dataDigest: hd });
          for (const c of chunks) r.push(Buffer.from(c), (i) => expect(i.pdu ?? i.error).toBeDefined());
        },
      ),
    );
  });
});
