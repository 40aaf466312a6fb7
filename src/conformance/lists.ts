// EXTENDED COPY(LID1) parameter lists for the checks: Identification Descriptor CSCD descriptors
// (E4h) naming the LUs by the designator they report in VPD 83h, and the segment descriptors, all
// built with cdb/xcopy/build.ts and encoded with the cdb/xcopy codecs. Malformed lists for the
// error checks are patched bytes.
import {
  type ExtendedCopyListSpec,
  identificationTarget,
  naaBlockTarget,
  naaStreamTarget,
} from '../../cdb/xcopy/build';
import type {
  DeviceTypeParameters,
  IdentificationDescriptor,
  TargetDescriptor,
} from '../../cdb/xcopy/target-descriptor';
import type { LuIdentity } from './probe';

// The LU-independent builders, under the names the checks use for the list and the RCR CDB.
export * from '../../cdb/xcopy/build';
export {
  extendedCopyParameterList as parameterList,
  receiveCopyResultsCdb as rcrCdb,
} from '../../cdb/xcopy/build';

export function blockTarget(lu: LuIdentity, o: { pad?: boolean } = {}): TargetDescriptor {
  return asReported(lu, naaBlockTarget(lu.designatorBytes, o));
}

export function streamTarget(
  lu: LuIdentity,
  o: { pad?: boolean; fixed?: boolean; streamBlockLength?: number } = {},
): TargetDescriptor {
  return asReported(lu, naaStreamTarget(lu.designatorBytes, o));
}

/** `d` with the CODE SET and DESIGNATOR TYPE of the designator `lu` reported (not always NAA). */
function asReported(lu: LuIdentity, d: IdentificationDescriptor): IdentificationDescriptor {
  return { ...d, codeSet: lu.designator.codeSet, designatorType: lu.designator.designatorType };
}

/** An E4h descriptor for `lu` claiming peripheral device type `pdt` (the error checks lie about it). */
export function identification(lu: LuIdentity, pdt: number, params: DeviceTypeParameters): TargetDescriptor {
  return asReported(
    lu,
    identificationTarget({
      designator: lu.designatorBytes,
      peripheralDeviceType: pdt,
      deviceTypeParameters: params,
    }),
  );
}

/** A list the checks send: the list identifier is always given (each check takes a fresh one). */
export type ListSpec = ExtendedCopyListSpec & { listIdentifier: number };
