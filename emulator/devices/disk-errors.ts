// Sense data of the direct-access device server (SBC-3) and the mapping of block-store failures
// (emulator/disk's typed errors, file-system errno codes) to it.
import { SenseError, type FieldPointer } from '../../cdb/errors';
import { ClosedError, DiskArgumentError, OutOfRangeError, ReadOnlyError } from '../disk/errors';
import { SenseKey } from './sense';

/** 07/27/00 WRITE PROTECTED: a read-only LU (snapshot, read-only store or read-only flag). */
export function writeProtected(what: string): SenseError {
  return new SenseError(
    { senseKey: SenseKey.DATA_PROTECT, asc: 0x27, ascq: 0x00 },
    `write protected: ${what}`,
  );
}

/**
 * 05/21/00 LOGICAL BLOCK ADDRESS OUT OF RANGE (SBC-3 4.5), with the sense-key specific field
 * pointer at the LBA field that is out of range (C/D=1 in the CDB, C/D=0 in a parameter list).
 */
export function lbaOutOfRangeAt(fieldPointer: FieldPointer, what: string): SenseError {
  return new SenseError(
    { senseKey: SenseKey.ILLEGAL_REQUEST, asc: 0x21, ascq: 0x00, fieldPointer },
    `LBA out of range: ${what}`,
  );
}

export type MediumErrorKind = 'read' | 'write';

/**
 * 03/11/00 UNRECOVERED READ ERROR or 03/0C/00 WRITE ERROR with INFORMATION = the first LBA
 * that failed (VALID=1; SBC-3 4.15: the INFORMATION field holds the LBA of the error).
 */
export function mediumError(kind: MediumErrorKind, lba: bigint): SenseError {
  return new SenseError(
    kind === 'read'
      ? { senseKey: SenseKey.MEDIUM_ERROR, asc: 0x11, ascq: 0x00, information: lba }
      : { senseKey: SenseKey.MEDIUM_ERROR, asc: 0x0c, ascq: 0x00, information: lba },
    `${kind === 'read' ? 'unrecovered read error' : 'write error'} at LBA ${lba}`,
  );
}

/**
 * 05/0E/03 INVALID FIELD IN COMMAND INFORMATION UNIT (SAM-5): the data-out the initiator sent
 * does not have the length the CDB implies (WRITE SAME without exactly one block).
 */
export function invalidCommandInformationUnit(what: string): SenseError {
  return new SenseError({ senseKey: SenseKey.ILLEGAL_REQUEST, asc: 0x0e, ascq: 0x03 }, what);
}

/** 07/27/07 SPACE ALLOCATION FAILED WRITE PROTECT (SBC-3 4.7.3.6): the thin pool is full. */
export function spaceAllocationFailed(what: string): SenseError {
  return new SenseError(
    { senseKey: SenseKey.DATA_PROTECT, asc: 0x27, ascq: 0x07 },
    `space allocation failed: ${what}`,
  );
}

/** 02/04/00 LOGICAL UNIT NOT READY, CAUSE NOT REPORTABLE: the store behind the LU is closed. */
export function notReady(what: string): SenseError {
  return new SenseError({ senseKey: SenseKey.NOT_READY, asc: 0x04, ascq: 0x00 }, `not ready: ${what}`);
}

function errnoOf(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null || !('code' in e)) return undefined;
  const code = e.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The sense a store failure answers with, or the error itself when it is an internal failure
 * (the framework answers those with 04/44/00 and logs them). `lbaField` points at the CDB field
 * an OutOfRangeError concerns.
 */
export function senseForStoreError(e: unknown, kind: MediumErrorKind, lbaField: FieldPointer): Error {
  if (e instanceof SenseError) return e;
  if (e instanceof OutOfRangeError) return lbaOutOfRangeAt(lbaField, e.message);
  if (e instanceof ReadOnlyError) return writeProtected(e.message);
  if (e instanceof ClosedError) return notReady(e.message);
  // A DiskArgumentError is a bug in the caller: the framework logs it as an internal failure.
  if (e instanceof DiskArgumentError) return e;
  const code = errnoOf(e);
  if (code === 'ENOSPC' || code === 'EDQUOT') return spaceAllocationFailed(code);
  // EIO from the backing file: the medium failed; INFORMATION is unknown, so it is left out.
  if (code === 'EIO') {
    return new SenseError(
      kind === 'read'
        ? { senseKey: SenseKey.MEDIUM_ERROR, asc: 0x11, ascq: 0x00 }
        : { senseKey: SenseKey.MEDIUM_ERROR, asc: 0x0c, ascq: 0x00 },
      `backing file I/O error on ${kind}`,
    );
  }
  return e instanceof Error ? e : new Error(String(e));
}
