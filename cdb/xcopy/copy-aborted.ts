// The parts of the sense data of a failed EXTENDED COPY that say where and why it stopped (SPC-4
// 6.4.3.x "errors detected during processing of segment descriptors"), from either format:
//   fixed:      COMMAND-SPECIFIC INFORMATION byte 8 SOURCE SENSE DATA OFFSET, byte 9 DESTINATION
//               SENSE DATA OFFSET (0 = none), bytes 10-11 SEGMENT NUMBER; at an offset, the forwarded
//               SCSI status byte followed by that device's sense data (SPC-3 7.2.2.x, SCST);
//   descriptor: the command-specific information descriptor holds the segment number, forwarded
//               sense data descriptors (0Ch) carry each device's status and sense, SENSE DATA SOURCE
//               1h copy source, 2h copy destination (SPC-4 4.5.2.8).
// The segment pointer (sense key specific, SD bit) is in both. Only sense with sense key COPY
// ABORTED has these fields; for other sense keys (e.g. ILLEGAL REQUEST while the parameter list is
// checked) segmentNumber and forwarded are absent.
import { decodeSense, isFixedSense, type SegmentPointerSks, type SenseData } from '../spc/sense';
import { SENSE_KEY_COPY_ABORTED } from '../spc/status';

export type ForwardedSenseSource = 'source' | 'destination' | 'unknown';

export interface ForwardedCopySense {
  source: ForwardedSenseSource;
  /** The SCSI status the copy source or destination returned. */
  status: number;
  /** That device's sense data as forwarded (decode it with decodeSense). */
  sense: Buffer;
  /** Descriptor format FSDT: the copy manager cut it short. */
  truncated: boolean;
}

export interface CopyAbortedDetails {
  senseKey: number;
  asc: number;
  ascq: number;
  /** The segment descriptor being processed (0 = the first); COPY ABORTED only. */
  segmentNumber?: number;
  /** Sense key specific segment pointer (SD = the field is in a segment descriptor). */
  segmentPointer?: SegmentPointerSks;
  forwarded: ForwardedCopySense[];
  /** The whole decoded sense data. */
  sense: SenseData;
}

const SOURCES: Record<number, ForwardedSenseSource> = { 1: 'source', 2: 'destination' };

/** The forwarded status + sense at `offset` of fixed-format sense bytes, if the offset is inside them. */
function forwardedAt(buf: Buffer, offset: number, source: ForwardedSenseSource): ForwardedCopySense[] {
  const end = Math.min(buf.length, 8 + buf[7]);
  if (offset < 18 || offset >= end) return [];
  const rest = buf.subarray(offset + 1, end);
  // The forwarded sense ends where its own ADDITIONAL SENSE LENGTH says; when fewer bytes are left,
  // the copy manager cut it (fixed format has no FSDT bit).
  const full = rest.length >= 8 ? 8 + rest[7] : 8;
  return [
    {
      source,
      status: buf[offset],
      sense: rest.subarray(0, Math.min(full, rest.length)),
      truncated: full > rest.length,
    },
  ];
}

/** Decode the sense data of an EXTENDED COPY that ended with CHECK CONDITION. Throws SenseError. */
export function decodeCopyAbortedSense(buf: Buffer): CopyAbortedDetails {
  const sense = decodeSense(buf);
  const out: CopyAbortedDetails = {
    senseKey: sense.senseKey,
    asc: sense.asc,
    ascq: sense.ascq,
    forwarded: [],
    sense,
  };
  if (sense.senseKeySpecific?.kind === 'segmentPointer') out.segmentPointer = sense.senseKeySpecific;
  if (sense.senseKey !== SENSE_KEY_COPY_ABORTED) return out;
  if (isFixedSense(sense)) {
    const csi = Number(sense.commandSpecificInformation & 0xffffffffn);
    out.segmentNumber = csi & 0xffff;
    out.forwarded = [
      ...forwardedAt(buf, (csi >>> 24) & 0xff, 'source'),
      ...forwardedAt(buf, (csi >>> 16) & 0xff, 'destination'),
    ];
    return out;
  }
  if (sense.commandSpecificInformation !== undefined)
    out.segmentNumber = Number(sense.commandSpecificInformation & 0xffffn);
  for (const d of sense.descriptors) {
    if (d.kind !== 'forwardedSenseData') continue;
    out.forwarded.push({
      source: SOURCES[d.senseDataSource] ?? 'unknown',
      status: d.forwardedStatus,
      sense: d.senseData,
      truncated: d.forwardedSenseDataTruncated,
    });
  }
  return out;
}
