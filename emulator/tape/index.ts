// Virtual tape cartridge store: the medium under the SSC device handler. See FORMAT.md.
export {
  Cartridge,
  type CartridgeInfo,
  type CreateOptions,
  type LocateResult,
  type ObjectKind,
  type OpenOptions,
  type PositionInfo,
  type ReadResult,
  type RecoveryReport,
  type WriteResult,
} from './cartridge';
export { type SpaceResult, type SpaceStop } from './space';
export {
  CartridgeClosedError,
  CartridgeCorruptError,
  CartridgeExistsError,
  CartridgeIoError,
  EndOfPartitionError,
  MamAttributeError,
  type MamAttributeErrorReason,
  TapeError,
  WriteProtectedError,
} from './errors';
export { MAX_BLOCK_LENGTH, MAM_HOST_AREA_SIZE } from './format';
export { MAM_CAPACITY_UNIT, type MamAttributeValue, type MamFormat, MamId } from './mam';
export { indexPathOf } from './recovery';
