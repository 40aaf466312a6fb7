// CHECK CONDITION responses for the device handlers. Sense data is fixed format (SPC-4 4.5.3)
// unless the control mode page's D_SENSE bit asks for descriptor format (SPC-4 4.5.2).
import type { SenseSpec } from '../../cdb/errors';
import { SenseError } from '../../cdb/errors';
import { encodeSense, makeSense, sksKindFor, type SenseKeySpecific } from '../../cdb/spc/sense';
import type { LuResponse } from '../lu';

export const STATUS_GOOD = 0x00;
export const STATUS_CHECK_CONDITION = 0x02;
export const STATUS_BUSY = 0x08;
export const STATUS_RESERVATION_CONFLICT = 0x18;
export const STATUS_TASK_SET_FULL = 0x28;
export const STATUS_TASK_ABORTED = 0x40;

/** SPC-4 4.5.6 sense keys. */
export const SenseKey = {
  NO_SENSE: 0x0,
  RECOVERED_ERROR: 0x1,
  NOT_READY: 0x2,
  MEDIUM_ERROR: 0x3,
  HARDWARE_ERROR: 0x4,
  ILLEGAL_REQUEST: 0x5,
  UNIT_ATTENTION: 0x6,
  DATA_PROTECT: 0x7,
  BLANK_CHECK: 0x8,
  COPY_ABORTED: 0xa,
  ABORTED_COMMAND: 0xb,
  VOLUME_OVERFLOW: 0xd,
  MISCOMPARE: 0xe,
} as const;

/** Extra sense bits used by stream devices (SSC-4 4.2.x): FILEMARK, EOM, ILI. */
export interface SenseFlags {
  filemark?: boolean;
  eom?: boolean;
  ili?: boolean;
}

export type SenseData = SenseSpec & SenseFlags;

/** Sense bytes in the format the control mode page selects, built with cdb/spc/sense.ts. */
export function encodeSenseData(s: SenseData, descriptorFormat: boolean): Buffer {
  const fp = s.fieldPointer;
  let senseKeySpecific: SenseKeySpecific | undefined;
  // The layout of the sense-key specific field depends on the sense key (SPC-4 4.5.2.4): a field
  // pointer only exists for ILLEGAL REQUEST (and as segment pointer for COPY ABORTED).
  const kind = sksKindFor(s.senseKey);
  if (fp !== undefined && kind === 'segmentPointer') {
    senseKeySpecific = { kind: 'segmentPointer', segmentDescriptor: false, fieldPointer: fp.field };
    if (fp.bit !== undefined) senseKeySpecific.bitPointer = fp.bit;
  } else if (fp !== undefined && kind === 'fieldPointer') {
    senseKeySpecific = { kind: 'fieldPointer', commandData: fp.commandData, fieldPointer: fp.field };
    if (fp.bit !== undefined) senseKeySpecific.bitPointer = fp.bit;
  }
  // Fixed format has a 32-bit INFORMATION field: a larger value is left out (VALID = 0).
  const info = s.information;
  const information = info !== undefined && (descriptorFormat || info <= 0xffffffffn) ? info : undefined;
  return encodeSense(
    makeSense({
      descriptor: descriptorFormat,
      senseKey: s.senseKey,
      asc: s.asc,
      ascq: s.ascq,
      filemark: s.filemark,
      eom: s.eom,
      ili: s.ili,
      information,
      senseKeySpecific,
    }),
  );
}

export function checkCondition(s: SenseData, descriptorFormat = false): LuResponse {
  return { status: STATUS_CHECK_CONDITION, sense: encodeSenseData(s, descriptorFormat) };
}

/** A SenseError that also carries stream-device bits (FILEMARK, EOM, ILI). */
export class StreamSenseError extends SenseError {
  constructor(
    spec: SenseSpec,
    readonly flags: SenseFlags,
    message: string,
  ) {
    super(spec, message);
    this.name = 'StreamSenseError';
  }
}

/** The sense data a SenseError from a decoder or handler carries. */
export function senseOf(e: SenseError): SenseData {
  return e instanceof StreamSenseError ? { ...e.spec, ...e.flags } : e.spec;
}

/** SenseError with any key/ASC/ASCQ (the codecs' helpers only build ILLEGAL REQUEST). */
export function senseError(senseKey: number, asc: number, ascq: number, message: string): SenseError {
  return new SenseError({ senseKey, asc, ascq }, message);
}

/** 07/27/02 SOFTWARE WRITE PROTECTED (control mode page SWP set). */
export function softwareWriteProtected(): SenseError {
  return new SenseError(
    { senseKey: SenseKey.DATA_PROTECT, asc: 0x27, ascq: 0x02 },
    'software write protected',
  );
}
