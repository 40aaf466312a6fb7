// Shared hand-assembled EXTENDED COPY parameter list (parameter-list and CLI tests).
import type { ExtendedCopyParameterList, IdentificationDescriptor } from '../../../../cdb/xcopy/index';
import { hex } from './helpers';

// A disk->tape backup list assembled by hand from SPC-4 6.4.3 and 6.5 (header), 6.4.5.3, 6.4.5.4,
// 6.4.5.6 (CSCD descriptors), 6.4.6.2, 6.4.6.6 and 6.4.6.13 (segments).
export const BACKUP_LIST = hex(`
  01                       // LIST IDENTIFIER 1
  00                       // STR 0, LIST ID USAGE 00b, PRIORITY 0
  00 40                    // CSCD DESCRIPTOR LIST LENGTH 64
  00 00 00 00              // reserved
  00 00 00 38              // SEGMENT DESCRIPTOR LIST LENGTH 56 (20 + 24 + 12)
  00 00 00 08              // INLINE DATA LENGTH 8
  // CSCD descriptor 0 at byte 16: the disk
  e4 00 0000 01 03 00 10
  60 01 40 5a bc de f0 12 34 56 78 9a bc de f0 12 00 00 00 00
  00 000200                // PAD 0, DISK BLOCK LENGTH 512
  // CSCD descriptor 1 at byte 48: the tape, variable blocks
  e4 01 0000 01 03 00 08
  50 01 02 03 04 05 06 07 00 00 00 00 00 00 00 00 00 00 00 00
  00 000000                // PAD 0, FIXED 0, STREAM BLOCK LENGTH 0
  // segment 0 at byte 80: 04h inline->stream, 8 bytes of inline data to the tape
  04 00 0010 0000 0001 00 000008 00000000 00000008
  // segment 1 at byte 100: 00h block->stream, 16 blocks from LBA 0 in 64 KiB writes
  00 00 0014 0000 0001 00 010000 0000 0010 0000000000000000
  // segment 2 at byte 124: 10h write one filemark
  10 00 0008 0000 0001 00 000001
  // inline data at byte 136
  48 44 52 31 00 00 00 01  // "HDR1" label record
`);

/** The disk's E4h descriptor (SPC-4 6.4.5.6, 6.4.5.3): NAA-6 designator, DISK BLOCK LENGTH 512. */
export const DISK_IDENTIFICATION: IdentificationDescriptor = {
  kind: 'identification',
  luIdType: 0,
  nul: false,
  peripheralDeviceType: 0,
  relativeInitiatorPortIdentifier: 0,
  codeSet: 1,
  association: 0,
  designatorType: 3,
  designator: hex('60 01 40 5a bc de f0 12 34 56 78 9a bc de f0 12'),
  deviceTypeParameters: { kind: 'block', pad: false, diskBlockLength: 512 },
};

export const BACKUP: ExtendedCopyParameterList = {
  listIdentifier: 1,
  str: false,
  listIdUsage: 0,
  priority: 0,
  targetDescriptors: [
    DISK_IDENTIFICATION,
    {
      kind: 'identification',
      luIdType: 0,
      nul: false,
      peripheralDeviceType: 1,
      relativeInitiatorPortIdentifier: 0,
      codeSet: 1,
      association: 0,
      designatorType: 3,
      designator: hex('50 01 02 03 04 05 06 07'),
      deviceTypeParameters: { kind: 'stream', pad: false, fixed: false, streamBlockLength: 0 },
    },
  ],
  segmentDescriptors: [
    {
      kind: 'inlineToStream',
      descriptorTypeCode: 0x04,
      cat: false,
      destinationCscdDescriptorId: 1,
      streamDeviceTransferLength: 8,
      inlineDataOffset: 0,
      inlineDataNumberOfBytes: 8,
    },
    {
      kind: 'blockToStream',
      descriptorTypeCode: 0x00,
      cat: false,
      sourceCscdDescriptorId: 0,
      destinationCscdDescriptorId: 1,
      streamDeviceTransferLength: 0x10000,
      blockDeviceNumberOfBlocks: 16,
      blockDeviceLogicalBlockAddress: 0n,
    },
    {
      kind: 'writeFilemarks',
      descriptorTypeCode: 0x10,
      destinationCscdDescriptorId: 1,
      wImmed: false,
      filemarkCount: 1,
    },
  ],
  inlineData: hex('48 44 52 31 00 00 00 01'),
};
