// Emulated SCSI devices: the shared framework (opcode tables, SPC commands, unit attentions,
// sense) and the device types built on it.
export { SparseRamStore, type BlockStore } from './block-store';
export { CommandTable, type CommandContext, type CommandHandler, type OpcodeEntry } from './command-table';
export { GOOD, ScsiDevice, goodData, type ScsiDeviceOptions, type VpdBuilder } from './device';
export {
  createRamDisk,
  DiskDevice,
  DIRECT_ACCESS_DEVICE,
  type DiskOptions,
  type RamDiskOptions,
} from './disk';
export { makeIdentity, naaFromId, type LuIdentity, type LuIdentityConfig } from './identity';
export { VersionDescriptor } from './inquiry';
export { ModePages, type ModePageDefinition } from './mode-pages';
export { decodeLun, encodeLun, reportLunsData, decodeReportLunsCdb } from './report-luns';
export * from './sense';
export * from './unit-attention';
