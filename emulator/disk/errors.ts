// Typed errors of the file-backed disk store. The SBC disk handler maps them to sense data:
// OutOfRangeError -> LOGICAL BLOCK ADDRESS OUT OF RANGE (05/21/00) with the LBA in INFORMATION,
// ReadOnlyError -> WRITE PROTECTED (07/27/xx), the rest -> errors of the management interface.

export class DiskError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** An access beyond the last logical block; `lba` is the first block out of range. */
export class OutOfRangeError extends DiskError {
  constructor(
    readonly lba: bigint,
    readonly count: bigint,
    readonly blockCount: bigint,
  ) {
    super('OUT_OF_RANGE', `blocks ${lba}+${count} are beyond the capacity of ${blockCount} blocks`);
  }

  /** The first LBA that does not exist (SBC-4: INFORMATION field of the sense data). */
  get firstInvalidLba(): bigint {
    return this.lba < 0n || this.lba >= this.blockCount ? this.lba : this.blockCount;
  }
}

/** A write, unmap or management change on a store opened read-only, or on a snapshot. */
export class ReadOnlyError extends DiskError {
  constructor(readonly operation: string) {
    super('READ_ONLY', `${operation}: the device is read-only`);
  }
}

/** A malformed request: a buffer that is not whole blocks, a bad option value, a bad name. */
export class DiskArgumentError extends DiskError {
  constructor(message: string) {
    super('BAD_ARGUMENT', message);
  }
}

export class SnapshotNotFoundError extends DiskError {
  constructor(readonly snapshotName: string) {
    super('SNAPSHOT_NOT_FOUND', `no snapshot named "${snapshotName}"`);
  }
}

export class SnapshotExistsError extends DiskError {
  constructor(readonly snapshotName: string) {
    super('SNAPSHOT_EXISTS', `a snapshot named "${snapshotName}" already exists`);
  }
}

export class CheckpointNotFoundError extends DiskError {
  constructor(readonly checkpointName: string) {
    super('CHECKPOINT_NOT_FOUND', `no checkpoint named "${checkpointName}"`);
  }
}

export class CheckpointExistsError extends DiskError {
  constructor(readonly checkpointName: string) {
    super('CHECKPOINT_EXISTS', `a checkpoint named "${checkpointName}" already exists`);
  }
}

/** The metadata or a snapshot's copy-on-write log does not parse or fails its checksum. */
export class CorruptStoreError extends DiskError {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super('CORRUPT', `${file}: ${reason}`);
  }
}

/** An operation on a store (or snapshot view) after close(). */
export class ClosedError extends DiskError {
  constructor(what: string) {
    super('CLOSED', `${what} is closed`);
  }
}
