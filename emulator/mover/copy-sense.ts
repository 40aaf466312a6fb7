// Sense data for EXTENDED COPY failures detected while processing segment descriptors (SPC-4
// 6.4.3.x): sense key COPY ABORTED, the ASC/ASCQ of the condition, the number of the segment being
// processed, a segment pointer when a field is to blame, and the copy source's or destination's own
// status and sense.
//
// Fixed format (the layout SPC-3 defined and SCST uses):
//   bytes 8-11 COMMAND-SPECIFIC INFORMATION: byte 8 SOURCE SENSE DATA OFFSET, byte 9 DESTINATION
//              SENSE DATA OFFSET (0 = none), bytes 10-11 SEGMENT NUMBER (0 = first segment);
//   bytes 15-17 segment pointer (SKSV=1) when there is one;
//   byte 18 onwards the forwarded SCSI status byte followed by the device's sense data, the
//   offset in byte 8 or 9 pointing at that status byte.
// Descriptor format: a command-specific information descriptor holding the segment number, a
//   sense key specific descriptor with the segment pointer, and a forwarded sense data descriptor
//   (0Ch, SPC-4 4.5.2.7: SENSE DATA SOURCE 1h copy source, 2h copy destination).
// The whole sense stays within 252 bytes (ADDITIONAL SENSE LENGTH <= 244); forwarded sense that does
// not fit is cut (descriptor format: FSDT set).
import { type SenseDescriptor, encodeSense, makeSense, type SenseKeySpecific } from '../../cdb/spc/sense';
import { SENSE_KEY_COPY_ABORTED } from '../../cdb/spc/status';
import type { ForwardedSense, SegmentPointer } from './errors';

/** SPC-4 4.5.1: at most 252 bytes of sense data. */
export const MAX_SENSE_LENGTH = 252;
const FIXED_HEADER = 18;

/** SENSE DATA SOURCE of the forwarded sense data descriptor (SPC-4 4.5.2.7). */
export const SENSE_DATA_SOURCE = { unknown: 0x0, source: 0x1, destination: 0x2 } as const;

export interface CopyAbortedSenseOptions {
  asc: number;
  ascq: number;
  /** Index of the segment descriptor being processed (0-based). */
  segmentNumber: number;
  pointer?: SegmentPointer;
  forwarded?: ForwardedSense;
  descriptorFormat: boolean;
}

function sks(pointer: SegmentPointer | undefined): SenseKeySpecific | undefined {
  if (pointer === undefined) return undefined;
  const v: SenseKeySpecific = {
    kind: 'segmentPointer',
    segmentDescriptor: pointer.segmentDescriptor,
    fieldPointer: pointer.field & 0xffff,
  };
  if (pointer.bit !== undefined) v.bitPointer = pointer.bit;
  return v;
}

export function copyAbortedSense(o: CopyAbortedSenseOptions): Buffer {
  const segment = o.segmentNumber & 0xffff;
  const senseKeySpecific = sks(o.pointer);
  if (o.descriptorFormat) {
    const extra: SenseDescriptor[] = [];
    if (o.forwarded !== undefined) {
      // 8 header + 12 command-specific + 8 sense key specific + 4 forwarded header.
      const room = MAX_SENSE_LENGTH - 8 - 12 - (senseKeySpecific === undefined ? 0 : 8) - 4;
      const truncated = o.forwarded.sense.length > room;
      extra.push({
        kind: 'forwardedSenseData',
        forwardedSenseDataTruncated: truncated,
        senseDataSource: SENSE_DATA_SOURCE[o.forwarded.role],
        forwardedStatus: o.forwarded.status,
        senseData: truncated ? o.forwarded.sense.subarray(0, room) : o.forwarded.sense,
      });
    }
    return encodeSense(
      makeSense({
        descriptor: true,
        senseKey: SENSE_KEY_COPY_ABORTED,
        asc: o.asc,
        ascq: o.ascq,
        commandSpecificInformation: BigInt(segment),
        senseKeySpecific,
        extraDescriptors: extra,
      }),
    );
  }
  let csi = segment;
  let additionalSenseBytes = Buffer.alloc(0);
  if (o.forwarded !== undefined) {
    const room = MAX_SENSE_LENGTH - FIXED_HEADER - 1;
    const sense = o.forwarded.sense.subarray(0, room);
    additionalSenseBytes = Buffer.concat([Buffer.from([o.forwarded.status & 0xff]), sense]);
    // Byte 8 (source) or 9 (destination) of the sense data: offset of the forwarded status byte.
    csi += (o.forwarded.role === 'source' ? 0x1000000 : 0x10000) * FIXED_HEADER;
  }
  return encodeSense(
    makeSense({
      descriptor: false,
      senseKey: SENSE_KEY_COPY_ABORTED,
      asc: o.asc,
      ascq: o.ascq,
      commandSpecificInformation: BigInt(csi),
      senseKeySpecific,
      additionalSenseBytes,
    }),
  );
}
