// Typed errors of the cartridge store. The SSC device handler maps them to sense data:
// CartridgeCorruptError -> MEDIUM ERROR (03/11/00 or 03/30/00), WriteProtectedError -> DATA PROTECT
// 27/00, EndOfPartitionError -> VOLUME OVERFLOW (0Dh) with EOM and INFORMATION = the amount not
// written (SSC-4 4.2.5), MamAttributeError -> ILLEGAL REQUEST 26/xx on WRITE ATTRIBUTE.

export class TapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The cartridge file is not a cartridge, has no valid header slot, or a record failed its check. */
export class CartridgeCorruptError extends TapeError {
  constructor(
    readonly path: string,
    readonly detail: string,
    /** Logical object whose record is damaged, when the damage is in a record. */
    readonly objectNumber?: number,
    /** Byte offset of the damaged structure in the data file. */
    readonly offset?: number,
  ) {
    super(
      `${path}: ${detail}` +
        (objectNumber === undefined ? '' : ` (object ${objectNumber})`) +
        (offset === undefined ? '' : ` at byte ${offset}`),
    );
  }
}

/** A cartridge file (or the temporary file create() links into place) already exists. */
export class CartridgeExistsError extends TapeError {
  constructor(readonly path: string) {
    super(`${path}: a file with this name already exists`);
  }
}

/** Write, write filemarks or erase on a write-protected cartridge or a read-only open. */
export class WriteProtectedError extends TapeError {
  constructor(
    readonly path: string,
    /** 'medium': the cartridge's write-protect tab; 'read-only-open': opened with readOnly. */
    readonly reason: 'medium' | 'read-only-open',
  ) {
    super(`${path}: ${reason === 'medium' ? 'cartridge is write protected' : 'cartridge opened read-only'}`);
  }
}

/**
 * A block write met the end of the partition. The first `blocksWritten` blocks of the call were
 * recorded in full; none of the remaining blocks was recorded, not even in part.
 */
export class EndOfPartitionError extends TapeError {
  constructor(
    readonly blocksWritten: number,
    readonly blocksNotWritten: number,
    readonly bytesNotWritten: number,
  ) {
    super(
      `end of partition: ${blocksNotWritten} block(s), ${bytesNotWritten} byte(s) not written ` +
        `(${blocksWritten} written)`,
    );
  }
}

export type MamAttributeErrorReason = 'read-only' | 'invalid-format' | 'invalid-length' | 'no-space';

/** WRITE ATTRIBUTE refused: device/medium attribute, wrong format or length, or MAM full. */
export class MamAttributeError extends TapeError {
  constructor(
    readonly attributeIdentifier: number,
    readonly reason: MamAttributeErrorReason,
    detail: string,
  ) {
    super(`MAM attribute ${attributeIdentifier.toString(16).padStart(4, '0')}h: ${detail}`);
  }
}

/** An operation on a cartridge after close(). */
export class CartridgeClosedError extends TapeError {
  constructor(readonly path: string) {
    super(`${path}: cartridge is closed`);
  }
}

/** The host file system failed a write, truncate or sync (ENOSPC, EIO...). */
export class CartridgeIoError extends TapeError {
  constructor(
    readonly path: string,
    readonly operation: string,
    readonly cause: unknown,
  ) {
    super(`${path}: ${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}
