// Conformance engine for EXTENDED COPY copy managers (ours, a vendor's router, or any SCSI target):
// run it with runConformance() over ScsiTransports; `xcopyctl conformance` is its command line.
export {
  ALL_CHECKS,
  EXERCISED_CODES,
  runConformance,
  type ConformanceOptions,
  type ConformanceTransports,
} from './engine';
export type { CheckSpec } from './check';
export { MINIMUM_DISK_BYTES } from './context';
export * from './types';
