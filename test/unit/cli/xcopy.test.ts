// describeCopySense / describeOperatingParameters of `xcopyctl xcopy`: where a COPY ABORTED points
// (segment descriptor field, CSCD descriptor field), the forwarded sense, other sense keys.
import { describeCopySense, describeOperatingParameters } from '../../../bin/commands/xcopy';
import { decodeCopyAbortedSense } from '../../../cdb/xcopy/copy-aborted';
import { blockToBlock, naaBlockTarget, naaStreamTarget, blockToStream } from '../../../cdb/xcopy/build';
import type { ExtendedCopyParameterList } from '../../../cdb/xcopy/parameter-list';
import { copyAbortedSense } from '../../../emulator/mover/copy-sense';

const list: ExtendedCopyParameterList = {
  listIdentifier: 1,
  str: false,
  listIdUsage: 0,
  priority: 0,
  targetDescriptors: [
    naaBlockTarget(Buffer.alloc(16, 1)),
    naaStreamTarget(Buffer.alloc(16, 2), { fixed: true, streamBlockLength: 512 }),
  ],
  segmentDescriptors: [blockToBlock(0, 0, 8, 0n, 100n), blockToStream(0, 1, 8, 0n, 4)],
  inlineData: Buffer.alloc(0),
};

describe('describeCopySense', () => {
  it('a field of a CSCD descriptor: its byte and the parameter list byte', () => {
    const d = decodeCopyAbortedSense(
      copyAbortedSense({
        asc: 0x26,
        ascq: 0,
        segmentNumber: 1,
        pointer: { segmentDescriptor: false, field: 48 + 29 },
        descriptorFormat: false,
      }),
    );
    expect(describeCopySense(d, list)).toEqual([
      'CHECK CONDITION: COPY ABORTED, INVALID FIELD IN PARAMETER LIST (0a/26/00)',
      '  segment 1 (00h block->stream)',
      '  points at byte 29 of CSCD descriptor 1 (byte 77 of the parameter list)',
    ]);
  });

  it('a field of the segment descriptor, with a bit; forwarded destination sense (descriptor format)', () => {
    const medium = Buffer.from([0x70, 0, 0x03, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x0c, 0x00, 0, 0, 0, 0]);
    const d = decodeCopyAbortedSense(
      copyAbortedSense({
        asc: 0x0d,
        ascq: 0x01,
        segmentNumber: 0,
        pointer: { segmentDescriptor: true, field: 1, bit: 1 },
        forwarded: { role: 'destination', status: 2, sense: medium },
        descriptorFormat: true,
      }),
    );
    const lines = describeCopySense(d, list);
    expect(lines[1]).toBe('  segment 0 (02h block->block)');
    expect(lines[2]).toBe('  points at bit 1 of byte 1 of that segment descriptor');
    expect(lines[3]).toBe('  copy destination answered status 02h: MEDIUM ERROR, WRITE ERROR (03/0c/00)');
  });

  it('ILLEGAL REQUEST while the list is checked: no segment; a C/D=0 field pointer is a list byte', () => {
    const illegal = Buffer.from([0x70, 0, 0x05, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x26, 0x09, 0, 0x80, 0x00, 0x50]);
    expect(describeCopySense(decodeCopyAbortedSense(illegal), list)).toEqual([
      'CHECK CONDITION: ILLEGAL REQUEST, UNSUPPORTED SEGMENT DESCRIPTOR TYPE CODE (05/26/09)',
      '  points at segment descriptor 0 (byte 80 of the parameter list)',
    ]);
    // C/D=1: the field is in the CDB, not the list: not placed in the list.
    const cdbField = Buffer.from([
      0x70, 0, 0x05, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x24, 0x00, 0, 0xc0, 0x00, 0x01,
    ]);
    expect(describeCopySense(decodeCopyAbortedSense(cdbField), list)).toHaveLength(1);
  });
});

describe('describeOperatingParameters', () => {
  it('lists limits, granularities as bytes and the descriptor codes by name', () => {
    const lines = describeOperatingParameters({
      snlid: true,
      maximumCscdDescriptorCount: 2,
      maximumSegmentDescriptorCount: 1,
      maximumDescriptorListLength: 1024,
      maximumSegmentLength: 4096,
      maximumInlineDataLength: 0,
      heldDataLimit: 0,
      maximumStreamDeviceTransferSize: 0,
      totalConcurrentCopies: 1,
      maximumConcurrentCopies: 1,
      dataSegmentGranularity: 9,
      inlineDataGranularity: 0,
      heldDataGranularity: 0,
      implementedDescriptorTypeCodes: [0x02, 0xe4],
    });
    expect(lines).toContain('DATA SEGMENT GRANULARITY: 512 bytes');
    expect(lines.slice(-3)).toEqual([
      'IMPLEMENTED DESCRIPTOR TYPE CODES (2):',
      '  02h block->block',
      '  E4h Identification Descriptor',
    ]);
  });
});
