// Checks of a decoded parameter list that the codec cannot make because they depend on the copy
// manager (SPC-4 6.4.3.3, errors detected before segment processing starts): reserved CSCD descriptor
// IDs, and the fields of the vendor specific digest segment.
// Each is ILLEGAL REQUEST, INVALID FIELD IN PARAMETER LIST with the field pointer on the field.
import { invalidParamField } from '../../cdb/errors';
import { cscdIdKind } from '../../cdb/xcopy/descriptor-codes';
import { type ExtendedCopyParameterList, LIST_ID_USAGE } from '../../cdb/xcopy/parameter-list';
import type { SegmentDescriptor } from '../../cdb/xcopy/segment-descriptor';
import { DIGEST_SEGMENT_TYPE } from './capabilities';
import { decodeDigestSegment } from './digest-segment';

function idFields(seg: SegmentDescriptor): [number, number][] {
  if (seg.kind === 'opaque') {
    return seg.descriptorTypeCode === DIGEST_SEGMENT_TYPE ? [[seg.bytes.readUInt16BE(4), 4]] : [];
  }
  const out: [number, number][] = [];
  if ('sourceCscdDescriptorId' in seg) out.push([seg.sourceCscdDescriptorId, 4]);
  if ('destinationCscdDescriptorId' in seg) out.push([seg.destinationCscdDescriptorId, 6]);
  return out;
}

export function precheckParameterList(
  list: ExtendedCopyParameterList,
  segmentOffsets: readonly number[],
): void {
  list.segmentDescriptors.forEach((seg, i) => {
    const base = segmentOffsets[i];
    if (seg.kind === 'opaque' && seg.descriptorTypeCode === DIGEST_SEGMENT_TYPE) {
      decodeDigestSegment(seg.bytes, base);
      // Like 0Bh-0Fh, a digest is held data: it needs a list identifier to be retrieved.
      if (list.listIdUsage === LIST_ID_USAGE.none) {
        throw invalidParamField(
          base,
          'segment C0h holds data for the application client but LIST ID USAGE is 11b',
        );
      }
    }
    for (const [id, field] of idFields(seg)) {
      const kind = cscdIdKind(id);
      // An ID in 0000h-07FFh past the end of the CSCD descriptor list names a copy target that
      // cannot be reached: COPY ABORTED, UNREACHABLE COPY TARGET when the segment is processed
      // (participants.ts; FreeBSD CTL and libiscsi ExtendedCopy.ValidSegDescr agree).
      if (kind === 'list') continue;
      if (kind === 'null-block' || kind === 'null-stream' || kind === 'copy-manager') continue;
      throw invalidParamField(
        base + field,
        `CSCD DESCRIPTOR ID ${id.toString(16).padStart(4, '0')}h names no CSCD descriptor (${list.targetDescriptors.length} in the list)`,
      );
    }
  });
}
