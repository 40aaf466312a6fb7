// EXTENDED COPY descriptor type codes (SPC-4 6.4.4, 6.4.5.1, 6.4.6.1) and CSCD descriptor ID
// values (SPC-4 6.4.6.1). Segment descriptors and CSCD (target) descriptors share one
// code space: 00h-BFh segments, C0h-DFh vendor specific, E0h-FEh CSCD descriptors, FFh the CSCD
// descriptor extension (only valid at byte 32 of a 64-byte CSCD descriptor).

/** Segment descriptor type codes defined by SPC-4 (6.4.6.1). */
export const SEGMENT_TYPE_NAMES: Readonly<Record<number, string>> = {
  0x00: 'block->stream',
  0x01: 'stream->block',
  0x02: 'block->block',
  0x03: 'stream->stream',
  0x04: 'inline->stream',
  0x05: 'embedded->stream',
  0x06: 'stream->discard',
  0x07: 'verify CSCD',
  0x08: 'block<o>->stream',
  0x09: 'stream->block<o>',
  0x0a: 'block<o>->block<o>',
  0x0b: 'block->stream+application client',
  0x0c: 'stream->block+application client',
  0x0d: 'block->block+application client',
  0x0e: 'stream->stream+application client',
  0x0f: 'stream->discard+application client',
  0x10: 'write filemarks (filemark->tape)',
  0x11: 'space (space->tape)',
  0x12: 'locate (locate->tape)',
  0x13: 'tape device image copy',
  0x14: 'register persistent reservation key',
  0x15: 'third party persistent reservations source I_T nexus',
  0x16: 'block device image copy',
  0xbe: 'populate ROD from one or more block ranges',
  0xbf: 'populate ROD from one block range',
};

/** CSCD descriptor type codes defined by SPC-4 (6.4.5.1). */
export const CSCD_TYPE_NAMES: Readonly<Record<number, string>> = {
  0xe0: 'Fibre Channel N_Port_Name',
  0xe1: 'Fibre Channel N_Port_ID',
  0xe2: 'Fibre Channel N_Port_ID with N_Port_Name checking',
  0xe3: 'Parallel Interface T_L',
  0xe4: 'Identification Descriptor',
  0xe5: 'IPv4',
  0xe6: 'Alias',
  0xe7: 'RDMA',
  0xe8: 'IEEE 1394 EUI-64',
  0xe9: 'SAS Serial SCSI Protocol',
  0xea: 'IPv6',
  0xeb: 'IP Copy Service',
  0xfe: 'ROD',
};

export const IDENTIFICATION_DESCRIPTOR = 0xe4;
/** FFh marks a CSCD descriptor extension (SPC-4 6.4.5.2); never the start of a descriptor. */
export const CSCD_DESCRIPTOR_EXTENSION = 0xff;
/** Every CSCD descriptor is a multiple of 32 bytes (SPC-4 6.4.5.1). */
export const CSCD_DESCRIPTOR_UNIT = 32;

export function isVendorSpecificCode(code: number): boolean {
  return code >= 0xc0 && code <= 0xdf;
}

/** A code that may begin a CSCD descriptor (defined by SPC-4 or vendor specific). */
export function isCscdDescriptorCode(code: number): boolean {
  return CSCD_TYPE_NAMES[code] !== undefined || isVendorSpecificCode(code);
}

/** A code that may begin a segment descriptor (defined by SPC-4 or vendor specific). */
export function isSegmentDescriptorCode(code: number): boolean {
  return SEGMENT_TYPE_NAMES[code] !== undefined || isVendorSpecificCode(code);
}

/**
 * Size of a CSCD descriptor by its type code. The IPv6 (EAh) and IP Copy Service (EBh) CSCD
 * descriptors carry one CSCD descriptor extension and take 64 bytes; every other one, including
 * the ROD CSCD descriptor (FEh, 6.4.5.9) and the vendor specific ones, takes 32.
 */
export function cscdDescriptorSize(code: number): number {
  return code === 0xea || code === 0xeb ? 64 : 32;
}

/** Fixed total size (header included) of a segment descriptor type, or undefined when variable. */
export const SEGMENT_FIXED_SIZE: Readonly<Record<number, number>> = {
  0x00: 24,
  0x01: 24,
  0x02: 28,
  0x03: 20,
  0x04: 20,
  0x06: 16,
  0x07: 12,
  0x08: 28,
  0x09: 28,
  0x0a: 32,
  0x0b: 24,
  0x0c: 24,
  0x0d: 28,
  0x0e: 20,
  0x0f: 16,
  0x10: 12,
  0x11: 12,
  0x12: 12,
  0x13: 12,
  0x14: 28,
  0x16: 28,
};

/** Segment types whose processing holds data for RECEIVE COPY DATA (SPC-4 6.4.6.1). */
export function isHeldDataSegmentType(code: number): boolean {
  return code >= 0x0b && code <= 0x0f;
}

/** Human name of any descriptor type code, for listings. */
export function descriptorTypeName(code: number): string {
  return (
    SEGMENT_TYPE_NAMES[code] ??
    CSCD_TYPE_NAMES[code] ??
    (isVendorSpecificCode(code)
      ? 'vendor specific'
      : code === CSCD_DESCRIPTOR_EXTENSION
        ? 'CSCD descriptor extension'
        : 'reserved')
  );
}

/** Every descriptor type code SPC-4 defines plus the vendor specific range, ascending. */
export const ALL_DESCRIPTOR_TYPE_CODES: readonly number[] = Array.from({ length: 256 }, (_v, i) => i).filter(
  (c) => isSegmentDescriptorCode(c) || isCscdDescriptorCode(c),
);

// SPC-4 6.4.6.1: CSCD descriptor ID values used in SOURCE/DESTINATION CSCD DESCRIPTOR ID.
/** 0000h-07FFh: position of the CSCD descriptor in the list (at byte 16 + 32 x id). */
export const CSCD_ID_LIST_MAX = 0x07ff;
/** Null logical unit of peripheral device type 00h (block). */
export const CSCD_ID_NULL_BLOCK = 0xc000;
/** Null logical unit of peripheral device type 01h (stream). */
export const CSCD_ID_NULL_STREAM = 0xc001;
/** The ROD token's logical unit named by a ROD CSCD descriptor's ROD PRODUCER CSCD DESCRIPTOR ID. */
export const CSCD_ID_ROD_PRODUCER = 0xf800;
/** The logical unit that contains the copy manager (the one that received EXTENDED COPY). */
export const CSCD_ID_COPY_MANAGER = 0xffff;

export type CscdIdKind = 'list' | 'null-block' | 'null-stream' | 'rod-producer' | 'copy-manager' | 'reserved';

export function cscdIdKind(id: number): CscdIdKind {
  if (id >= 0 && id <= CSCD_ID_LIST_MAX) return 'list';
  switch (id) {
    case CSCD_ID_NULL_BLOCK:
      return 'null-block';
    case CSCD_ID_NULL_STREAM:
      return 'null-stream';
    case CSCD_ID_ROD_PRODUCER:
      return 'rod-producer';
    case CSCD_ID_COPY_MANAGER:
      return 'copy-manager';
    default:
      return 'reserved';
  }
}

/** Offset in the parameter list of the CSCD descriptor a list-position ID names (6.4.6.1). */
export function cscdDescriptorOffset(id: number): number {
  return 16 + id * CSCD_DESCRIPTOR_UNIT;
}
