// RECEIVE COPY RESULTS service action 03h, OPERATING PARAMETERS (SPC-4 RECEIVE COPY OPERATING
// PARAMETERS): the copy manager's limits and its implemented descriptor type codes.
//
// Truncation: the 44-byte fixed part must be present (a shorter buffer is 05/1A/00); the list of
// implemented descriptor type codes may be cut short by the allocation length, in which case only
// the codes present are returned (fullResponseLength() in response.ts tells the complete size).
import { ByteReader, checkUint, putU16, putU32, putU8 } from '../bytes';
import { invalidParamField } from '../errors';

export interface OperatingParameters {
  /** SNLID: LIST ID USAGE 11b (no list identifier) is supported. */
  snlid: boolean;
  maximumCscdDescriptorCount: number;
  maximumSegmentDescriptorCount: number;
  maximumDescriptorListLength: number;
  maximumSegmentLength: number;
  maximumInlineDataLength: number;
  heldDataLimit: number;
  maximumStreamDeviceTransferSize: number;
  totalConcurrentCopies: number;
  maximumConcurrentCopies: number;
  /** log2 of the data segment granularity in bytes. */
  dataSegmentGranularity: number;
  /** log2 of the inline data granularity in bytes. */
  inlineDataGranularity: number;
  /** log2 of the held data granularity in bytes. */
  heldDataGranularity: number;
  /** One byte per supported segment or CSCD descriptor type code, ascending order. */
  implementedDescriptorTypeCodes: number[];
}

export const OPERATING_PARAMETERS_FIXED_LENGTH = 44;

export function decodeOperatingParameters(buf: Buffer): OperatingParameters {
  const r = new ByteReader(buf, 'data-in', 0);
  r.need(0, OPERATING_PARAMETERS_FIXED_LENGTH, 'OPERATING PARAMETERS');
  const availableData = r.u32(0);
  if (availableData < OPERATING_PARAMETERS_FIXED_LENGTH - 4) {
    throw invalidParamField(0, `AVAILABLE DATA ${availableData} is less than 40`);
  }
  const listLength = r.u8(43);
  if (listLength > availableData - (OPERATING_PARAMETERS_FIXED_LENGTH - 4)) {
    throw invalidParamField(43, `IMPLEMENTED DESCRIPTOR LIST LENGTH ${listLength} exceeds AVAILABLE DATA`);
  }
  const present = Math.min(listLength, buf.length - OPERATING_PARAMETERS_FIXED_LENGTH);
  return {
    snlid: r.bit(4, 0),
    maximumCscdDescriptorCount: r.u16(8),
    maximumSegmentDescriptorCount: r.u16(10),
    maximumDescriptorListLength: r.u32(12),
    maximumSegmentLength: r.u32(16),
    maximumInlineDataLength: r.u32(20),
    heldDataLimit: r.u32(24),
    maximumStreamDeviceTransferSize: r.u32(28),
    totalConcurrentCopies: r.u16(34),
    maximumConcurrentCopies: r.u8(36),
    dataSegmentGranularity: r.u8(37),
    inlineDataGranularity: r.u8(38),
    heldDataGranularity: r.u8(39),
    implementedDescriptorTypeCodes: [...r.slice(OPERATING_PARAMETERS_FIXED_LENGTH, present)],
  };
}

export function encodeOperatingParameters(v: OperatingParameters): Buffer {
  const codes = v.implementedDescriptorTypeCodes;
  checkUint(codes.length, 8, 'implemented descriptor list length');
  const buf = Buffer.alloc(OPERATING_PARAMETERS_FIXED_LENGTH + codes.length);
  buf.writeUInt32BE(buf.length - 4, 0);
  buf[4] = v.snlid ? 1 : 0;
  putU16(buf, v.maximumCscdDescriptorCount, 8, 'maximumCscdDescriptorCount');
  putU16(buf, v.maximumSegmentDescriptorCount, 10, 'maximumSegmentDescriptorCount');
  putU32(buf, v.maximumDescriptorListLength, 12, 'maximumDescriptorListLength');
  putU32(buf, v.maximumSegmentLength, 16, 'maximumSegmentLength');
  putU32(buf, v.maximumInlineDataLength, 20, 'maximumInlineDataLength');
  putU32(buf, v.heldDataLimit, 24, 'heldDataLimit');
  putU32(buf, v.maximumStreamDeviceTransferSize, 28, 'maximumStreamDeviceTransferSize');
  putU16(buf, v.totalConcurrentCopies, 34, 'totalConcurrentCopies');
  putU8(buf, v.maximumConcurrentCopies, 36, 'maximumConcurrentCopies');
  putU8(buf, v.dataSegmentGranularity, 37, 'dataSegmentGranularity');
  putU8(buf, v.inlineDataGranularity, 38, 'inlineDataGranularity');
  putU8(buf, v.heldDataGranularity, 39, 'heldDataGranularity');
  buf[43] = codes.length;
  codes.forEach((c, i) => {
    putU8(buf, c, OPERATING_PARAMETERS_FIXED_LENGTH + i, 'implemented descriptor type code');
  });
  return buf;
}
