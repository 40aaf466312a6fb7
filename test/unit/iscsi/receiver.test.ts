import fc from 'fast-check';
import { PduReader, PduWriter, type ReadItem } from '../../../targets/iscsi/framing';
import { PduError, RejectReason, serializePdu, type DataIn, type Pdu } from '../../../targets/iscsi/pdu';
import { PduReceiver, type ReceiverOptions } from '../../../targets/iscsi/receiver';
import { anyPdu } from './arbitraries';

function nop(itt: number, data = Buffer.alloc(0)): Pdu {
  return { kind: 'nop-out', immediate: false, lun: 0n, itt, ttt: 0xffffffff, cmdSN: 1, expStatSN: 1, data };
}

function dataIn(itt: number, dataSN: number, bufferOffset: number, data: Buffer, status = false): DataIn {
  return {
    kind: 'data-in',
    final: status,
    acknowledge: false,
    residualOverflow: false,
    residualUnderflow: false,
    statusPresent: status,
    status: 0,
    lun: 0n,
    itt,
    ttt: 0xffffffff,
    statSN: status ? 7 : 0,
    expCmdSN: 1,
    maxCmdSN: 8,
    dataSN,
    bufferOffset,
    residualCount: 0,
    data,
  };
}

/**
 * Feed a byte stream the way net's onread does: each read fills (part of) the buffer readBuffer()
 * returned; `cuts` bound the size of successive reads (the kernel hands over what it has).
 */
function feed(r: PduReceiver, stream: Buffer, cuts: number[] = [], out: ReadItem[] = []): ReadItem[] {
  let off = 0;
  let i = 0;
  while (off < stream.length && !r.failed) {
    const b = r.readBuffer();
    expect(b.length).toBeGreaterThan(0);
    const limit = cuts.length > 0 ? Math.max(1, cuts[i++ % cuts.length]) : b.length;
    const n = Math.min(b.length, limit, stream.length - off);
    stream.copy(b, 0, off, off + n);
    off += n;
    r.commit(n, (item) => out.push(item));
  }
  return out;
}

function receiver(opts: Partial<ReceiverOptions> = {}): PduReceiver {
  return new PduReceiver({ maxRecvDataSegmentLength: 1 << 20, ...opts });
}

describe('PduReceiver', () => {
  it('delivers what PduReader delivers for any PDU sequence and any read sizes, with or without digests', () => {
    fc.assert(
      fc.property(
        fc.array(anyPdu, { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 90 }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 64 }),
        (pdus, hd, dd, cuts, stagingRead, minDirectRead) => {
          const w = new PduWriter({ headerDigest: hd, dataDigest: dd, maxSendDataSegmentLength: 1 << 20 });
          const stream = Buffer.concat(pdus.map((p) => w.serialize(p)));
          const r = receiver({ headerDigest: hd, dataDigest: dd, stagingRead, minDirectRead });
          const got = feed(r, stream, cuts);
          const want: ReadItem[] = [];
          new PduReader({ headerDigest: hd, dataDigest: dd, maxRecvDataSegmentLength: 1 << 20 }).push(
            stream,
            (i) => want.push(i),
          );
          // Compared after the whole stream went through the staging buffer: no PDU may alias it.
          expect(got.map((i) => i.pdu)).toEqual(pdus);
          expect(got).toEqual(want);
          expect(r.buffered).toBe(0);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('keeps long streams intact while the staging buffer is compacted again and again', () => {
    fc.assert(
      fc.property(
        fc.array(anyPdu, { minLength: 30, maxLength: 80 }),
        fc.array(fc.integer({ min: 1, max: 150 }), { minLength: 1, maxLength: 12 }),
        (pdus, cuts) => {
          const stream = Buffer.concat(pdus.map((p) => serializePdu(p)));
          const r = receiver({ stagingRead: 120, minDirectRead: 1 << 20 });
          expect(feed(r, stream, cuts).map((i) => i.pdu)).toEqual(pdus);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('push() accepts chunks of any size', () => {
    const pdus = [nop(1, Buffer.from('abc')), nop(2), nop(3, Buffer.alloc(5000, 9))];
    const stream = Buffer.concat(pdus.map((p) => serializePdu(p)));
    const r = receiver({ stagingRead: 100 });
    const got: ReadItem[] = [];
    for (let off = 0; off < stream.length; off += 777) {
      r.push(stream.subarray(off, off + 777), (i) => got.push(i));
    }
    expect(got.map((i) => i.pdu)).toEqual(pdus);
  });

  it('reads a placed Data-In segment straight into the destination, copying at most one staging read', () => {
    const task = Buffer.alloc(300000, 0xee);
    const payload = Buffer.alloc(262144);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) & 0xff;
    const asked: [number, number, number][] = [];
    const r = receiver({ stagingRead: 1024 });
    r.setPlacement((itt, bufferOffset, length) => {
      asked.push([itt, bufferOffset, length]);
      return task.subarray(bufferOffset, bufferOffset + length);
    });
    const stream = Buffer.concat([serializePdu(dataIn(0x42, 0, 1000, payload, true)), serializePdu(nop(9))]);
    const sizes: number[] = [];
    const got: ReadItem[] = [];
    let off = 0;
    while (off < stream.length) {
      const b = r.readBuffer();
      sizes.push(b.length);
      const n = Math.min(b.length, 65536, stream.length - off);
      stream.copy(b, 0, off, off + n);
      off += n;
      r.commit(n, (i) => got.push(i));
    }
    expect(asked).toEqual([[0x42, 1000, 262144]]);
    // One staging read (header + 976 data bytes), then direct reads of what is left of the segment.
    expect(sizes.slice(0, 3)).toEqual([1024, 262144 - 976, 262144 - 976 - 65536]);
    expect(task.subarray(1000, 1000 + 262144).equals(payload)).toBe(true);
    expect(task[999]).toBe(0xee);
    expect(task[1000 + 262144]).toBe(0xee);
    const pdu = got[0].pdu as DataIn;
    expect(pdu.kind).toBe('data-in');
    expect(pdu.data.buffer).toBe(task.buffer);
    expect(pdu.data.byteOffset).toBe(task.byteOffset + 1000);
    expect(pdu.statusPresent).toBe(true);
    expect(got[1].pdu).toEqual(nop(9));
  });

  it('after a directly read segment the next read takes one header only', () => {
    const task = Buffer.alloc(20000);
    const r = receiver({ stagingRead: 4096, headerDigest: true });
    r.setPlacement((_itt, o, l) => task.subarray(o, o + l));
    const w = new PduWriter({ headerDigest: true, maxSendDataSegmentLength: 1 << 20 });
    const a = w.serialize(dataIn(1, 0, 0, Buffer.alloc(10000, 1)));
    const b = w.serialize(dataIn(1, 1, 10000, Buffer.alloc(10000, 2), true));
    const got = feed(r, Buffer.concat([a, b]));
    expect(got.map((i) => (i.pdu as DataIn).dataSN)).toEqual([0, 1]);
    expect(r.readBuffer()).toHaveLength(48 + 4);
    expect(task.subarray(0, 10000)).toEqual(Buffer.alloc(10000, 1));
    expect(task.subarray(10000)).toEqual(Buffer.alloc(10000, 2));
  });

  it('ignores a placement of the wrong length and one that declines', () => {
    const r = receiver({ stagingRead: 64, minDirectRead: 1 });
    let n = 0;
    r.setPlacement(() => (n++ === 0 ? Buffer.alloc(3) : undefined));
    const d1 = Buffer.from('0123456789');
    const d2 = Buffer.from('abcdefghij');
    const got = feed(
      r,
      Buffer.concat([serializePdu(dataIn(5, 0, 0, d1)), serializePdu(dataIn(5, 1, 10, d2))]),
    );
    expect(got.map((i) => i.pdu)).toEqual([dataIn(5, 0, 0, d1), dataIn(5, 1, 10, d2)]);
  });

  it('checks the data digest of a placed segment, reports 02h and goes on', () => {
    const task = Buffer.alloc(8192);
    const w = new PduWriter({ dataDigest: true, maxSendDataSegmentLength: 1 << 20 });
    const bad = w.serialize(dataIn(0x33, 0, 0, Buffer.alloc(4097, 3)));
    bad[48 + 4000] ^= 1;
    const good = w.serialize(dataIn(0x33, 1, 4097, Buffer.alloc(1000, 4), true));
    const r = receiver({ dataDigest: true, stagingRead: 512 });
    r.setPlacement((_itt, o, l) => task.subarray(o, o + l));
    const got = feed(r, Buffer.concat([bad, good]), [3000]);
    expect(got).toHaveLength(2);
    expect(got[0].error?.reason).toBe(RejectReason.DataDigestError);
    expect(got[0].error?.fatal).toBe(false);
    expect(got[0].error?.itt).toBe(0x33);
    expect((got[1].pdu as DataIn).data).toEqual(Buffer.alloc(1000, 4));
  });

  it('a header digest error is fatal and stops the receiver', () => {
    const w = new PduWriter({ headerDigest: true });
    const bad = w.serialize(nop(1));
    bad[50] ^= 1;
    const r = receiver({ headerDigest: true });
    const got = feed(r, Buffer.concat([bad, w.serialize(nop(2))]));
    expect(got).toHaveLength(1);
    expect(got[0].error).toBeInstanceOf(PduError);
    expect(got[0].error?.fatal).toBe(true);
    expect(r.failed).toBe(true);
    r.commit(10, () => {
      throw new Error('no item after a fatal error');
    });
  });

  it('skips a data segment above MaxRecvDataSegmentLength whatever the read sizes', () => {
    const w = new PduWriter({ maxSendDataSegmentLength: 1 << 16, dataDigest: true });
    const big = w.serialize(nop(3, Buffer.alloc(1000, 1)));
    const r = new PduReceiver({ maxRecvDataSegmentLength: 512, dataDigest: true, stagingRead: 100 });
    const got = feed(r, Buffer.concat([big, w.serialize(nop(4))]), [60, 300, 7]);
    expect(got).toHaveLength(2);
    expect(got[0].error?.reason).toBe(RejectReason.ProtocolError);
    expect(got[0].error?.itt).toBe(3);
    expect(got[1].pdu).toEqual(nop(4));
  });

  it('pause() holds later PDUs, also when they pile up beyond the staging buffer, until resume()', () => {
    const pdus = Array.from({ length: 20 }, (_, i) => nop(i, Buffer.alloc(i * 3, i)));
    const got: ReadItem[] = [];
    const r2 = receiver({ stagingRead: 64 });
    let first = true;
    const stream = Buffer.concat(pdus.map((p) => serializePdu(p)));
    let off = 0;
    while (off < stream.length) {
      const b = r2.readBuffer();
      const n = Math.min(b.length, stream.length - off);
      stream.copy(b, 0, off, off + n);
      off += n;
      r2.commit(n, (i) => {
        got.push(i);
        if (first) {
          first = false;
          r2.pause();
        }
      });
    }
    expect(got).toHaveLength(1);
    expect(r2.buffered).toBe(stream.length - serializePdu(pdus[0]).length);
    r2.resume((i) => got.push(i));
    expect(got.map((i) => i.pdu)).toEqual(pdus);
  });

  it('lets the callback switch on digests between two PDUs of one read', () => {
    const plain = new PduWriter();
    const digested = new PduWriter({ headerDigest: true, dataDigest: true });
    const stream = Buffer.concat([plain.serialize(nop(1)), digested.serialize(nop(2, Buffer.from('xyz')))]);
    const r = receiver();
    const seen: Pdu[] = [];
    const b = r.readBuffer();
    stream.copy(b);
    r.commit(stream.length, (i) => {
      expect(i.error).toBeUndefined();
      if (i.pdu) seen.push(i.pdu);
      r.setOptions({ headerDigest: true, dataDigest: true });
    });
    expect(seen).toEqual([nop(1), nop(2, Buffer.from('xyz'))]);
  });

  it('delivers decode errors as items and never throws on random input', () => {
    const b = serializePdu(nop(1));
    b[0] = 0x1d; // vendor opcode
    const got = feed(receiver(), Buffer.concat([b, serializePdu(nop(2))]));
    expect(got[0].error?.reason).toBe(RejectReason.CommandNotSupported);
    expect(got[1].pdu).toEqual(nop(2));
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 5 }),
        (bytes, hd, cuts) => {
          const r = new PduReceiver({ headerDigest: hd, dataDigest: hd, stagingRead: 32, minDirectRead: 1 });
          r.setPlacement((_itt, _o, l) => Buffer.alloc(l));
          for (const i of feed(r, Buffer.from(bytes), cuts)) expect(i.pdu ?? i.error).toBeDefined();
        },
      ),
    );
  });
});
