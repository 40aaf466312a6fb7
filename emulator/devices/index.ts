// Emulated SCSI devices: the shared framework (opcode tables, SPC commands, unit attentions,
// reservations, sense, copy manager hosting) and the device types built on it.
export { RamBlockDevice, SparseRamStore, type BlockStore, type RamBlockDeviceOptions } from './block-store';
export {
  CommandTable,
  type AccessCheck,
  type CommandContext,
  type CommandHandler,
  type OpcodeEntry,
} from './command-table';
export { copyManagerFor, type CopyHosting } from './copy-hosting';
export {
  GOOD,
  ScsiDevice,
  goodData,
  type BlockDescriptors,
  type ModeSelectContext,
  type ResetKind,
  type ScsiDeviceOptions,
  type VpdBuilder,
} from './device';
export {
  createRamDisk,
  DiskDevice,
  DIRECT_ACCESS_DEVICE,
  openFileDisk,
  SBC_ACCESS_CLASSES,
  sbcAccessClass,
  type DiskOptions,
  type FileDiskOptions,
  type RamDiskOptions,
} from './disk';
export {
  barcodeOf,
  DEFAULT_ELEMENT_ADDRESSES,
  MediaChanger,
  MEDIUM_CHANGER_DEVICE,
  UA_IMPORT_EXPORT_ACCESSED,
  type ChangerOptions,
  type ElementAddresses,
} from './changer';
export { makeIdentity, naaFromId, type LuIdentity, type LuIdentityConfig } from './identity';
export { VersionDescriptor } from './inquiry';
export { ModePages, NO_MODE_CHANGE, type ModePageDefinition, type ModeSelectChange } from './mode-pages';
export { PROCESSOR_DEVICE, ProcessorDevice, type ProcessorOptions } from './processor';
export { decodeLun, encodeLun, reportLunsData, decodeReportLunsCdb } from './report-luns';
export {
  accessClassOf,
  RESERVATION_CONFLICT,
  reservationCheck,
  reservationCommands,
  Reservations,
  SPC_ACCESS_CLASSES,
  transportIdOf,
  UA_REGISTRATIONS_PREEMPTED,
  UA_RESERVATIONS_PREEMPTED,
  UA_RESERVATIONS_RELEASED,
  type AccessClass,
  type UnitAttentionSink,
} from './reservations';
export * from './sense';
export {
  MediumRemovalPreventedError,
  SEQUENTIAL_ACCESS_DEVICE,
  TapeDevice,
  type MediumState,
  type TapeOptions,
} from './tape';
export * from './unit-attention';
