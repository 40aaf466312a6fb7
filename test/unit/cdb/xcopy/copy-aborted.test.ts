// decodeCopyAbortedSense: segment number, segment pointer and forwarded sense of a failed EXTENDED
// COPY, from hand-written fixed-format bytes and from the mover's own encoder in both formats.
import { SenseError } from '../../../../cdb/errors';
import { decodeSense } from '../../../../cdb/spc/sense';
import { decodeCopyAbortedSense } from '../../../../cdb/xcopy/copy-aborted';
import { copyAbortedSense } from '../../../../emulator/mover/copy-sense';

/** Fixed-format MEDIUM ERROR / UNRECOVERED READ ERROR (03/11/00) a disk would return. */
const MEDIUM_ERROR = Buffer.from([
  0xf0,
  0x00,
  0x03,
  0x00,
  0x00,
  0x10,
  0x00, // VALID, 70h; MEDIUM ERROR; INFORMATION 1000h
  0x0a, // ADDITIONAL SENSE LENGTH
  0x00,
  0x00,
  0x00,
  0x00, // COMMAND-SPECIFIC INFORMATION
  0x11,
  0x00, // UNRECOVERED READ ERROR
  0x00,
  0x00,
  0x00,
  0x00,
]);

describe('decodeCopyAbortedSense', () => {
  it('fixed format: SEGMENT NUMBER in bytes 10-11, source sense at the offset in byte 8', () => {
    const buf = Buffer.concat([
      Buffer.from([
        0x70,
        0x00,
        0x0a, // current, fixed; COPY ABORTED
        0x00,
        0x00,
        0x00,
        0x00, // INFORMATION
        10 + 1 + MEDIUM_ERROR.length, // ADDITIONAL SENSE LENGTH
        18,
        0x00,
        0x00,
        0x03, // COMMAND-SPECIFIC INFORMATION: source offset 18, segment 3
        0x0d,
        0x01, // THIRD PARTY DEVICE FAILURE
        0x00, // FRU
        0x00,
        0x00,
        0x00, // sense key specific: none
        0x02, // forwarded SCSI status: CHECK CONDITION
      ]),
      MEDIUM_ERROR,
    ]);
    const d = decodeCopyAbortedSense(buf);
    expect([d.senseKey, d.asc, d.ascq]).toEqual([0x0a, 0x0d, 0x01]);
    expect(d.segmentNumber).toBe(3);
    expect(d.segmentPointer).toBeUndefined();
    expect(d.forwarded).toHaveLength(1);
    expect(d.forwarded[0]).toMatchObject({ source: 'source', status: 2, truncated: false });
    expect(d.forwarded[0].sense.equals(MEDIUM_ERROR)).toBe(true);
    expect(decodeSense(d.forwarded[0].sense)).toMatchObject({ senseKey: 3, asc: 0x11, information: 0x1000n });
  });

  it('fixed format: destination offset in byte 9, a segment pointer, nothing forwarded', () => {
    const dst = decodeCopyAbortedSense(
      copyAbortedSense({
        asc: 0x0d,
        ascq: 0x02,
        segmentNumber: 0x1234,
        forwarded: { role: 'destination', status: 0x02, sense: MEDIUM_ERROR },
        descriptorFormat: false,
      }),
    );
    expect(dst.segmentNumber).toBe(0x1234);
    expect(dst.forwarded.map((f) => [f.source, f.status, f.sense.equals(MEDIUM_ERROR)])).toEqual([
      ['destination', 2, true],
    ]);
    const field = decodeCopyAbortedSense(
      copyAbortedSense({
        asc: 0x26,
        ascq: 0x0c,
        segmentNumber: 1,
        pointer: { segmentDescriptor: true, field: 4 },
        descriptorFormat: false,
      }),
    );
    expect(field).toMatchObject({
      senseKey: 0x0a,
      asc: 0x26,
      ascq: 0x0c,
      segmentNumber: 1,
      segmentPointer: { kind: 'segmentPointer', segmentDescriptor: true, fieldPointer: 4 },
      forwarded: [],
    });
  });

  it('descriptor format: command-specific information descriptor and forwarded sense data descriptors', () => {
    const d = decodeCopyAbortedSense(
      copyAbortedSense({
        asc: 0x0d,
        ascq: 0x01,
        segmentNumber: 7,
        pointer: { segmentDescriptor: false, field: 77 },
        forwarded: { role: 'source', status: 0x02, sense: MEDIUM_ERROR },
        descriptorFormat: true,
      }),
    );
    expect(d.sense.responseCode).toBe(0x72);
    expect(d.segmentNumber).toBe(7);
    expect(d.segmentPointer).toEqual({ kind: 'segmentPointer', segmentDescriptor: false, fieldPointer: 77 });
    expect(d.forwarded).toHaveLength(1);
    expect(d.forwarded[0]).toMatchObject({ source: 'source', status: 2, truncated: false });
    expect(d.forwarded[0].sense.equals(MEDIUM_ERROR)).toBe(true);
  });

  it('forwarded sense cut short is reported truncated (both formats)', () => {
    const long = Buffer.concat([MEDIUM_ERROR.subarray(0, 7), Buffer.from([250]), Buffer.alloc(250, 0x5a)]);
    for (const descriptorFormat of [false, true]) {
      const d = decodeCopyAbortedSense(
        copyAbortedSense({
          asc: 0x0d,
          ascq: 0x01,
          segmentNumber: 0,
          forwarded: { role: 'source', status: 2, sense: long },
          descriptorFormat,
        }),
      );
      expect(d.forwarded).toHaveLength(1);
      expect(d.forwarded[0].sense.length).toBeLessThan(long.length);
      expect(long.subarray(0, d.forwarded[0].sense.length).equals(d.forwarded[0].sense)).toBe(true);
      // Descriptor format: FSDT; fixed format: the forwarded sense's own length says it was cut.
      expect(d.forwarded[0].truncated).toBe(true);
    }
  });

  it('other sense keys: no segment number, no forwarded sense; offsets outside the sense are ignored', () => {
    const illegal = Buffer.from([0x70, 0, 0x05, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x26, 0x08, 0, 0, 0, 0]);
    const d = decodeCopyAbortedSense(illegal);
    expect(d).toMatchObject({ senseKey: 5, asc: 0x26, ascq: 0x08, forwarded: [] });
    expect(d.segmentNumber).toBeUndefined();
    // COPY ABORTED whose offsets point past the end or into the header: no forwarded sense.
    const bad = Buffer.from([0x70, 0, 0x0a, 0, 0, 0, 0, 10, 200, 5, 0, 2, 0x0d, 0x02, 0, 0, 0, 0]);
    expect(decodeCopyAbortedSense(bad)).toMatchObject({ segmentNumber: 2, forwarded: [] });
  });

  it('malformed sense is a SenseError', () => {
    expect(() => decodeCopyAbortedSense(Buffer.from([0x70, 0]))).toThrow(SenseError);
  });
});
