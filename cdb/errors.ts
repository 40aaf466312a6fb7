// Typed errors for the SCSI codecs. Every decoder in cdb/ throws only SenseError: it carries the
// sense data a device server should answer with (SPC-4 4.5), so a target can turn any decode
// failure straight into CHECK CONDITION, and an initiator can report exactly what was wrong.

/** SPC-4 4.5.2.4.2 sense-key specific field pointer. */
export interface FieldPointer {
  /** C/D: true when the error is in the CDB, false when it is in the parameter list (data-out). */
  commandData: boolean;
  /** FIELD POINTER: byte offset of the field in error. */
  field: number;
  /** BIT POINTER (0-7) when BPV applies; undefined when the whole byte is meant. */
  bit?: number;
}

export interface SenseSpec {
  senseKey: number;
  asc: number;
  ascq: number;
  fieldPointer?: FieldPointer;
  /** INFORMATION field value, if any. */
  information?: bigint;
}

export class SenseError extends Error {
  readonly senseKey: number;
  readonly asc: number;
  readonly ascq: number;
  readonly fieldPointer?: FieldPointer;
  readonly information?: bigint;

  constructor(spec: SenseSpec, message: string) {
    super(message);
    this.name = 'SenseError';
    this.senseKey = spec.senseKey;
    this.asc = spec.asc;
    this.ascq = spec.ascq;
    this.fieldPointer = spec.fieldPointer;
    this.information = spec.information;
  }

  get spec(): SenseSpec {
    return {
      senseKey: this.senseKey,
      asc: this.asc,
      ascq: this.ascq,
      fieldPointer: this.fieldPointer,
      information: this.information,
    };
  }
}

// SPC-4 4.5.6 sense keys used by the codecs.
const ILLEGAL_REQUEST = 0x05;

/** 05/24/00 INVALID FIELD IN CDB, field pointer into the CDB. */
export function invalidCdbField(field: number, what: string, bit?: number): SenseError {
  return new SenseError(
    { senseKey: ILLEGAL_REQUEST, asc: 0x24, ascq: 0x00, fieldPointer: { commandData: true, field, bit } },
    `invalid field in CDB at byte ${field}${bit === undefined ? '' : ` bit ${bit}`}: ${what}`,
  );
}

/** 05/26/00 INVALID FIELD IN PARAMETER LIST, field pointer into the parameter data. */
export function invalidParamField(field: number, what: string, bit?: number): SenseError {
  return new SenseError(
    { senseKey: ILLEGAL_REQUEST, asc: 0x26, ascq: 0x00, fieldPointer: { commandData: false, field, bit } },
    `invalid field in parameter list at byte ${field}${bit === undefined ? '' : ` bit ${bit}`}: ${what}`,
  );
}

/** 05/1A/00 PARAMETER LIST LENGTH ERROR. */
export function paramListLengthError(what: string): SenseError {
  return new SenseError(
    { senseKey: ILLEGAL_REQUEST, asc: 0x1a, ascq: 0x00 },
    `parameter list length error: ${what}`,
  );
}

/** 05/20/00 INVALID COMMAND OPERATION CODE. */
export function invalidOpcode(opcode: number): SenseError {
  return new SenseError(
    { senseKey: ILLEGAL_REQUEST, asc: 0x20, ascq: 0x00, fieldPointer: { commandData: true, field: 0 } },
    `invalid command operation code ${opcode.toString(16).padStart(2, '0')}h`,
  );
}

/** Any other ILLEGAL REQUEST with a chosen ASC/ASCQ and optional field pointer. */
export function illegalRequest(
  asc: number,
  ascq: number,
  what: string,
  fieldPointer?: FieldPointer,
): SenseError {
  return new SenseError({ senseKey: ILLEGAL_REQUEST, asc, ascq, fieldPointer }, what);
}

export function isSenseError(e: unknown): e is SenseError {
  return e instanceof SenseError;
}
