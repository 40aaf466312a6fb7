// The copy manager limits the EXTENDED COPY parameter list decoder enforces. They are the values a
// copy manager reports in RECEIVE COPY OPERATING PARAMETERS (SPC-4), so an initiator can
// check a list against a peer's limits before sending it.
import { ALL_DESCRIPTOR_TYPE_CODES } from './descriptor-codes';
import type { OperatingParameters } from './operating-parameters';

export interface CopyManagerLimits {
  /** MAXIMUM CSCD DESCRIPTOR COUNT, counted in 32-byte descriptor slots. */
  maximumCscdDescriptorCount: number;
  maximumSegmentDescriptorCount: number;
  /** MAXIMUM DESCRIPTOR LIST LENGTH: CSCD plus segment descriptor bytes, inline data excluded. */
  maximumDescriptorListLength: number;
  maximumInlineDataLength: number;
  /** Supported segment and CSCD descriptor type codes (the implemented descriptor list). */
  implementedDescriptorTypeCodes: readonly number[];
}

/** The largest values the fields can carry and every defined code: accepts any well-formed list. */
export const SPEC_MAXIMUM_LIMITS: CopyManagerLimits = Object.freeze({
  maximumCscdDescriptorCount: 0xffff,
  maximumSegmentDescriptorCount: 0xffff,
  maximumDescriptorListLength: 0xffffffff,
  maximumInlineDataLength: 0xffffffff,
  implementedDescriptorTypeCodes: ALL_DESCRIPTOR_TYPE_CODES,
});

export function limitsFromOperatingParameters(op: OperatingParameters): CopyManagerLimits {
  return {
    maximumCscdDescriptorCount: op.maximumCscdDescriptorCount,
    maximumSegmentDescriptorCount: op.maximumSegmentDescriptorCount,
    maximumDescriptorListLength: op.maximumDescriptorListLength,
    maximumInlineDataLength: op.maximumInlineDataLength,
    implementedDescriptorTypeCodes: [...op.implementedDescriptorTypeCodes],
  };
}
