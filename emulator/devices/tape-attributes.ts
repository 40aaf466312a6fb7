// READ ATTRIBUTE (SPC-4 6.17) for the tape drive: the medium auxiliary memory of the mounted
// cartridge (device and medium attributes computed by the cartridge store, host attributes stored
// in it). The cartridge store hands over exact wire values, so this only adds the 5-byte headers.
import { invalidCdbField } from '../../cdb/errors';
import {
  decodeReadAttribute,
  encodeAttributeListData,
  encodeLogicalVolumeListData,
  encodePartitionListData,
  MAM_ATTRIBUTES,
  READ_ATTRIBUTE_SERVICE_ACTION,
} from '../../cdb/spc/read-attribute';
import type { MamAttributeValue } from '../tape/mam';

const FORMAT_CODE = { binary: 0, ascii: 1, text: 2 } as const;

/** One attribute as sent: identifier, READ ONLY and FORMAT, ATTRIBUTE LENGTH, value (SPC-4 7.4.1). */
export function encodeAttributeValue(a: MamAttributeValue): Buffer {
  const b = Buffer.alloc(5 + a.value.length);
  b.writeUInt16BE(a.attributeIdentifier, 0);
  b[2] = (a.readOnly ? 0x80 : 0) | FORMAT_CODE[a.format];
  b.writeUInt16BE(a.value.length, 3);
  a.value.copy(b, 5);
  return b;
}

/**
 * Attributes this drive supports (SUPPORTED ATTRIBUTES service action): the device and medium
 * attributes the cartridge store computes plus the standard host attributes it stores.
 */
export function supportedAttributeIdentifiers(present: readonly MamAttributeValue[]): number[] {
  const ids = new Set<number>(present.filter((a) => a.readOnly).map((a) => a.attributeIdentifier));
  for (const id of Object.keys(MAM_ATTRIBUTES).map(Number)) if (id >= 0x0800 && id <= 0x0bff) ids.add(id);
  return [...ids].sort((a, b) => a - b);
}

/** The parameter data of a READ ATTRIBUTE CDB, before the allocation length cut. */
export function readAttributeData(
  cdb: Buffer,
  attributes: readonly MamAttributeValue[],
): { data: Buffer; allocationLength: number } {
  const d = decodeReadAttribute(cdb);
  // One volume with one partition (SPC-4 6.17.1: a missing volume or partition is INVALID FIELD IN CDB).
  if (d.logicalVolumeNumber !== 0)
    throw invalidCdbField(5, `logical volume ${d.logicalVolumeNumber} does not exist`);
  if (d.partitionNumber !== 0) throw invalidCdbField(7, `partition ${d.partitionNumber} does not exist`);
  const sa = READ_ATTRIBUTE_SERVICE_ACTION;
  let data: Buffer;
  switch (d.serviceAction) {
    case sa.attributeValues: {
      // Attributes with identifiers at or above FIRST ATTRIBUTE IDENTIFIER, in order.
      const body = Buffer.concat(
        attributes
          .filter((a) => a.attributeIdentifier >= d.firstAttributeIdentifier)
          .map(encodeAttributeValue),
      );
      const head = Buffer.alloc(4);
      head.writeUInt32BE(body.length, 0);
      data = Buffer.concat([head, body]);
      break;
    }
    case sa.attributeList:
      data = encodeAttributeListData({ attributeIdentifiers: attributes.map((a) => a.attributeIdentifier) });
      break;
    case sa.logicalVolumeList:
      data = encodeLogicalVolumeListData({ firstLogicalVolumeNumber: 0, numberOfLogicalVolumesAvailable: 1 });
      break;
    case sa.partitionList:
      data = encodePartitionListData({ firstPartitionNumber: 0, numberOfPartitionsAvailable: 1 });
      break;
    default:
      data = encodeAttributeListData({
        attributeIdentifiers: supportedAttributeIdentifiers(attributes).filter(
          (id) => id >= d.firstAttributeIdentifier,
        ),
      });
      break;
  }
  return { data, allocationLength: d.allocationLength };
}
