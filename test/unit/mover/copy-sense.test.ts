// COPY ABORTED sense data, byte by byte: fixed format (SPC-3/SCST layout of COMMAND-SPECIFIC
// INFORMATION) and descriptor format with the forwarded sense data descriptor.
import { decodeSense, encodeSense, makeSense } from '../../../cdb/spc/sense';
import { copyAbortedSense, MAX_SENSE_LENGTH } from '../../../emulator/mover/copy-sense';

const backend = encodeSense(makeSense({ senseKey: 0x03, asc: 0x11, ascq: 0x00, information: 0x1234n }));

describe('copyAbortedSense', () => {
  it('fixed format without forwarded sense: CSI = segment number, SKS segment pointer', () => {
    const s = copyAbortedSense({
      asc: 0x26,
      ascq: 0x0c,
      segmentNumber: 0x0102,
      pointer: { segmentDescriptor: true, field: 6 },
      descriptorFormat: false,
    });
    expect([...s]).toEqual([
      0x70,
      0,
      0x0a,
      0,
      0,
      0,
      0,
      0x0a, // response code, COPY ABORTED, ADDITIONAL SENSE LENGTH 10
      0,
      0,
      0x01,
      0x02, // CSI: no source/destination sense, segment 0102h
      0x26,
      0x0c,
      0, // ASC/ASCQ, FRU
      0xa0,
      0x00,
      0x06, // SKSV, SD=1, FIELD POINTER 6
    ]);
  });

  it('fixed format with the destination sense: offset 18 in byte 9, status at 18, sense from 19', () => {
    const s = copyAbortedSense({
      asc: 0x0d,
      ascq: 0x01,
      segmentNumber: 3,
      pointer: { segmentDescriptor: false, field: 48, bit: 2 },
      forwarded: { role: 'destination', status: 0x02, sense: backend },
      descriptorFormat: false,
    });
    expect(s[7]).toBe(10 + 1 + backend.length);
    expect([...s.subarray(8, 18)]).toEqual([0, 18, 0, 3, 0x0d, 0x01, 0, 0x8a, 0x00, 0x30]);
    expect(s[18]).toBe(0x02);
    expect(s.subarray(19).equals(backend)).toBe(true);
    const src = copyAbortedSense({
      asc: 0x0d,
      ascq: 0x04,
      segmentNumber: 0,
      forwarded: { role: 'source', status: 0x02, sense: backend },
      descriptorFormat: false,
    });
    expect([...src.subarray(8, 12)]).toEqual([18, 0, 0, 0]);
    expect(src[15]).toBe(0); // no segment pointer
  });

  it('descriptor format: command-specific, sense key specific and forwarded sense data descriptors', () => {
    const s = copyAbortedSense({
      asc: 0x0d,
      ascq: 0x01,
      segmentNumber: 7,
      pointer: { segmentDescriptor: false, field: 16 },
      forwarded: { role: 'source', status: 0x02, sense: backend },
      descriptorFormat: true,
    });
    expect([...s.subarray(0, 8)]).toEqual([0x72, 0x0a, 0x0d, 0x01, 0, 0, 0, 12 + 8 + 4 + backend.length]);
    expect([...s.subarray(8, 20)]).toEqual([0x01, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7]);
    expect([...s.subarray(20, 28)]).toEqual([0x02, 0x06, 0, 0, 0x80, 0x00, 0x10, 0]);
    expect([...s.subarray(28, 32)]).toEqual([0x0c, 2 + backend.length, 0x01, 0x02]);
    expect(s.subarray(32).equals(backend)).toBe(true);
    expect(decodeSense(s)).toMatchObject({ senseKey: 0x0a, commandSpecificInformation: 7n });
  });

  it('cuts forwarded sense that does not fit 252 bytes (descriptor format sets FSDT)', () => {
    const big = Buffer.alloc(250, 0x55);
    big[0] = 0x70;
    const d = copyAbortedSense({
      asc: 0x0d,
      ascq: 0x01,
      segmentNumber: 0,
      forwarded: { role: 'destination', status: 2, sense: big },
      descriptorFormat: true,
    });
    expect(d.length).toBe(MAX_SENSE_LENGTH);
    expect(d[22] & 0x80).toBe(0x80);
    expect(d[22] & 0x0f).toBe(0x02);
    const f = copyAbortedSense({
      asc: 0x0d,
      ascq: 0x01,
      segmentNumber: 0,
      forwarded: { role: 'destination', status: 2, sense: big },
      descriptorFormat: false,
    });
    expect(f.length).toBe(MAX_SENSE_LENGTH);
    expect(f[7]).toBe(244);
  });
});
