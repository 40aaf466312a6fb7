// The software data mover: an EXTENDED COPY (LID1) copy manager any emulated device can host, CSCD
// resolution with access control, and the data pipeline. See VENDOR-SEGMENTS.md for segment C0h.
export * from './capabilities';
export * from './config';
export { CopyManager, type CopyCommandContext, type CopyManagerOptions } from './copy-manager';
export { CopyList, HeldData, ListRegistry, nexusKey, transferCount } from './copy-list';
export { copyAbortedSense, SENSE_DATA_SOURCE } from './copy-sense';
export {
  decodeDigestSegment,
  encodeDigestSegment,
  DIGEST_ALGORITHM,
  type DigestSegment,
} from './digest-segment';
export { designatorMatches, parseDeviceIdentification, type RawDesignator } from './designators';
export {
  LocalLuResolver,
  type AccessPredicate,
  type LocalLuEntry,
  type LocalLuResolverOptions,
} from './local-resolver';
export * from './resolver';
