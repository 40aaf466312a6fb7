// The CODE field shared by SPACE(6) (SSC-4 6.6) and SPACE(16) (SSC-4 clause 7): 4 bits in byte 1.
import { invalidCdbField } from '../errors';

export const SpaceCode = {
  LOGICAL_BLOCKS: 0,
  FILEMARKS: 1,
  SEQUENTIAL_FILEMARKS: 2,
  END_OF_DATA: 3,
} as const;
export type SpaceCode = (typeof SpaceCode)[keyof typeof SpaceCode];

/**
 * Validate CODE: 0000b-0011b are defined; 0100b/0101b (setmarks, sequential setmarks) are obsolete
 * since SSC-3 and 0110b-1111b reserved, so both answer INVALID FIELD IN CDB at byte 1, bit 3 (the
 * most significant bit of the field, SPC-4 4.5.2.4.2).
 */
export function checkSpaceCode(code: number, name: string): SpaceCode {
  if (code > SpaceCode.END_OF_DATA) {
    throw invalidCdbField(
      1,
      `${name}: CODE ${code.toString(2).padStart(4, '0')}b is obsolete or reserved`,
      3,
    );
  }
  return code as SpaceCode;
}
