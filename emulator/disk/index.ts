// File-backed thin-provisioned disk store with copy-on-write snapshots and changed-block tracking.
export * from './block-device';
export * from './block-store';
export * from './buffer-pool';
export * from './changed-blocks';
export * from './errors';
export * from './pattern';
export { Snapshot, type SnapshotInfo } from './snapshot';
export * from './vol1';
