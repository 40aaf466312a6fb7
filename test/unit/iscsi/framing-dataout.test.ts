import fc from 'fast-check';
import { PduReader, PduWriter } from '../../../targets/iscsi/framing';
import type { DataOut, Pdu } from '../../../targets/iscsi/pdu';

describe('PduWriter.frameDataOut', () => {
  it('produces the bytes of frame() on each Data-Out PDU of the range', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 3000 }),
        fc.nat({ max: 3000 }),
        fc.nat({ max: 3000 }),
        fc.integer({ min: 1, max: 700 }),
        fc.boolean(),
        fc.boolean(),
        fc.nat({ max: 0xffffff00 }),
        fc.record({
          lun: fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }),
          itt: fc.nat({ max: 0xffffffff }),
          ttt: fc.nat({ max: 0xffffffff }),
          expStatSN: fc.nat({ max: 0xffffffff }),
        }),
        (bytes, a, b, seg, hd, dd, firstDataSN, ids) => {
          const data = Buffer.from(bytes);
          const start = Math.min(a, b, data.length);
          const end = Math.min(Math.max(a, b), data.length);
          const w = new PduWriter({ headerDigest: hd, dataDigest: dd, maxSendDataSegmentLength: seg });
          const want: Buffer[] = [];
          const pdus: DataOut[] = [];
          for (let off = start, sn = firstDataSN; off < end; off += seg, sn++) {
            const len = Math.min(seg, end - off);
            const p: DataOut = {
              kind: 'data-out',
              final: off + len >= end,
              ...ids,
              dataSN: sn,
              bufferOffset: off,
              data: data.subarray(off, off + len),
            };
            pdus.push(p);
            want.push(...w.frame(p));
          }
          const got = w.frameDataOut(ids, data, start, end, firstDataSN);
          expect(Buffer.concat(got)).toEqual(Buffer.concat(want));
          // Data segments are the caller's bytes, not copies.
          for (const p of pdus) {
            expect(got.some((g) => g.buffer === data.buffer && g.byteOffset === p.data.byteOffset)).toBe(
              true,
            );
          }
          const read: Pdu[] = [];
          new PduReader({ headerDigest: hd, dataDigest: dd, maxRecvDataSegmentLength: seg }).push(
            Buffer.concat(got),
            (i) => {
              if (i.pdu) read.push(i.pdu);
            },
          );
          expect(read).toEqual(pdus);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses ranges outside the buffer and fields out of range', () => {
    const w = new PduWriter();
    const ids = { lun: 0n, itt: 1, ttt: 2, expStatSN: 3 };
    expect(() => w.frameDataOut(ids, Buffer.alloc(10), 5, 11)).toThrow(RangeError);
    expect(() => w.frameDataOut(ids, Buffer.alloc(10), 6, 5)).toThrow(RangeError);
    expect(() => w.frameDataOut({ ...ids, itt: 2 ** 32 }, Buffer.alloc(10), 0, 10)).toThrow(RangeError);
    expect(() => w.frameDataOut(ids, Buffer.alloc(10), 0, 10, 0xffffffff)).not.toThrow();
    expect(() =>
      new PduWriter({ maxSendDataSegmentLength: 4 }).frameDataOut(ids, Buffer.alloc(10), 0, 10, 0xffffffff),
    ).toThrow(RangeError);
    expect(w.frameDataOut(ids, Buffer.alloc(10), 4, 4)).toEqual([]);
  });
});
