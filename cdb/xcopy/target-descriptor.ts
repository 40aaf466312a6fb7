// EXTENDED COPY CSCD (target) descriptors, SPC-4 6.4.5. The Identification Descriptor CSCD
// descriptor (E4h, 6.4.5.6) is decoded field by field; every other defined or vendor specific code
// is kept as its raw bytes so the copy manager, not the codec, decides whether it is supported.
import { ByteReader, checkUint, flag, putU16, putU24 } from '../bytes';
import { illegalRequest, invalidParamField } from '../errors';
import {
  CSCD_DESCRIPTOR_UNIT,
  IDENTIFICATION_DESCRIPTOR,
  cscdDescriptorSize,
  descriptorTypeName,
  isCscdDescriptorCode,
} from './descriptor-codes';

/** Device type specific parameters, bytes 28-31 (SPC-4 6.4.5.3 to 6.4.5.5). */
export type DeviceTypeParameters =
  | { kind: 'block'; pad: boolean; diskBlockLength: number }
  | { kind: 'stream'; pad: boolean; fixed: boolean; streamBlockLength: number }
  | { kind: 'processor'; pad: boolean }
  /** Peripheral device types SPC-4 6.4.5.1 defines no format for: the four bytes as sent. */
  | { kind: 'raw'; bytes: Buffer };

export interface IdentificationDescriptor {
  kind: 'identification';
  /** LU ID TYPE (byte 1 bits 7-6); SPC-4 says it shall be ignored for E4h, kept for display. */
  luIdType: number;
  /** NUL bit (byte 1 bit 5): null device in SPC-3, obsolete in SPC-4. */
  nul: boolean;
  peripheralDeviceType: number;
  /** 0 = the copy manager may use any initiator port. */
  relativeInitiatorPortIdentifier: number;
  codeSet: number;
  association: number;
  designatorType: number;
  /** The DESIGNATOR LENGTH bytes of the zero-padded 20-byte DESIGNATOR field. */
  designator: Buffer;
  deviceTypeParameters: DeviceTypeParameters;
}

/** Any other CSCD descriptor: kept whole (32 bytes, or 64 for EAh/EBh). */
export interface UnsupportedCscdDescriptor {
  kind: 'unsupported';
  descriptorCode: number;
  /** The complete descriptor, byte 0 included (it equals descriptorCode). */
  bytes: Buffer;
}

export type TargetDescriptor = IdentificationDescriptor | UnsupportedCscdDescriptor;

export const MAX_DESIGNATOR_LENGTH = 20;
const BLOCK_DEVICE_TYPES: readonly number[] = [0x00, 0x04, 0x05, 0x07, 0x0e];

/** Which device type specific parameter format a peripheral device type uses (6.4.5.1). */
export function deviceTypeParametersKind(peripheralDeviceType: number): DeviceTypeParameters['kind'] {
  if (BLOCK_DEVICE_TYPES.includes(peripheralDeviceType)) return 'block';
  if (peripheralDeviceType === 0x01) return 'stream';
  if (peripheralDeviceType === 0x03) return 'processor';
  return 'raw';
}

export function targetDescriptorLength(d: TargetDescriptor): number {
  return d.kind === 'identification' ? CSCD_DESCRIPTOR_UNIT : cscdDescriptorSize(d.descriptorCode);
}

function readDeviceTypeParameters(r: ByteReader, pdt: number): DeviceTypeParameters {
  const kind = deviceTypeParametersKind(pdt);
  switch (kind) {
    case 'block':
      return { kind, pad: r.bit(28, 2), diskBlockLength: r.u24(29) };
    case 'stream': {
      const fixed = r.bit(28, 0);
      const streamBlockLength = r.u24(29);
      // SPC-4 6.4.5.4: FIXED=0 needs a zero STREAM BLOCK LENGTH, FIXED=1 a non-zero one.
      if (!fixed && streamBlockLength !== 0) {
        throw invalidParamField(r.base + 29, 'STREAM BLOCK LENGTH must be 0 when FIXED is 0');
      }
      if (fixed && streamBlockLength === 0) {
        throw invalidParamField(r.base + 29, 'STREAM BLOCK LENGTH must not be 0 when FIXED is 1');
      }
      return { kind, pad: r.bit(28, 2), fixed, streamBlockLength };
    }
    case 'processor':
      return { kind, pad: r.bit(28, 2) };
    default:
      return { kind: 'raw', bytes: r.slice(28, 4) };
  }
}

/**
 * Decode the CSCD descriptor at the start of `r` (a reader whose base is the descriptor's offset in
 * the parameter list, for field pointers). Codes that cannot start a CSCD descriptor answer
 * 05/26/07 pointing at the descriptor's first byte.
 */
export function readTargetDescriptor(r: ByteReader): TargetDescriptor {
  const code = r.u8(0, 'DESCRIPTOR TYPE CODE');
  if (!isCscdDescriptorCode(code)) {
    throw illegalRequest(
      0x26,
      0x07,
      `unsupported target descriptor type code ${code.toString(16).padStart(2, '0')}h (${descriptorTypeName(code)})`,
      { commandData: false, field: r.base },
    );
  }
  if (code !== IDENTIFICATION_DESCRIPTOR) {
    return {
      kind: 'unsupported',
      descriptorCode: code,
      bytes: r.slice(0, cscdDescriptorSize(code), 'CSCD descriptor'),
    };
  }
  r.need(0, CSCD_DESCRIPTOR_UNIT, 'Identification Descriptor CSCD descriptor');
  const designatorLength = r.u8(7);
  if (designatorLength > MAX_DESIGNATOR_LENGTH) {
    throw invalidParamField(r.base + 7, `DESIGNATOR LENGTH ${designatorLength} exceeds 20`);
  }
  const peripheralDeviceType = r.bits(1, 0, 5);
  return {
    kind: 'identification',
    luIdType: r.bits(1, 6, 2),
    nul: r.bit(1, 5),
    peripheralDeviceType,
    relativeInitiatorPortIdentifier: r.u16(2),
    codeSet: r.bits(4, 0, 4),
    association: r.bits(5, 4, 2),
    designatorType: r.bits(5, 0, 4),
    designator: r.slice(8, designatorLength),
    deviceTypeParameters: readDeviceTypeParameters(r, peripheralDeviceType),
  };
}

/** Decode one CSCD descriptor standing alone (field pointers relative to its first byte). */
export function decodeTargetDescriptor(buf: Buffer): TargetDescriptor {
  return readTargetDescriptor(new ByteReader(buf, 'param', 0));
}

function writeDeviceTypeParameters(buf: Buffer, d: IdentificationDescriptor): void {
  const p = d.deviceTypeParameters;
  const expected = deviceTypeParametersKind(d.peripheralDeviceType);
  if (p.kind !== expected) {
    throw new RangeError(
      `peripheral device type ${d.peripheralDeviceType} takes ${expected} parameters, not ${p.kind}`,
    );
  }
  switch (p.kind) {
    case 'block':
      buf[28] = flag(p.pad, 2);
      putU24(buf, p.diskBlockLength, 29, 'diskBlockLength');
      return;
    case 'stream':
      buf[28] = flag(p.pad, 2) | flag(p.fixed, 0);
      putU24(buf, p.streamBlockLength, 29, 'streamBlockLength');
      return;
    case 'processor':
      buf[28] = flag(p.pad, 2);
      return;
    default:
      if (p.bytes.length !== 4)
        throw new RangeError(`raw device type parameters need 4 bytes, got ${p.bytes.length}`);
      p.bytes.copy(buf, 28);
  }
}

export function encodeTargetDescriptor(d: TargetDescriptor): Buffer {
  if (d.kind === 'unsupported') {
    checkUint(d.descriptorCode, 8, 'descriptorCode');
    if (!isCscdDescriptorCode(d.descriptorCode) || d.descriptorCode === IDENTIFICATION_DESCRIPTOR) {
      throw new RangeError(`descriptorCode ${d.descriptorCode} is not a CSCD descriptor code kept as bytes`);
    }
    const size = cscdDescriptorSize(d.descriptorCode);
    if (d.bytes.length !== size || d.bytes[0] !== d.descriptorCode) {
      throw new RangeError(
        `CSCD descriptor ${d.descriptorCode.toString(16)}h needs ${size} bytes starting with its code`,
      );
    }
    return Buffer.from(d.bytes);
  }
  const buf = Buffer.alloc(CSCD_DESCRIPTOR_UNIT);
  buf[0] = IDENTIFICATION_DESCRIPTOR;
  buf[1] =
    (checkUint(d.luIdType, 2, 'luIdType') << 6) |
    flag(d.nul, 5) |
    checkUint(d.peripheralDeviceType, 5, 'peripheralDeviceType');
  putU16(buf, d.relativeInitiatorPortIdentifier, 2, 'relativeInitiatorPortIdentifier');
  buf[4] = checkUint(d.codeSet, 4, 'codeSet');
  buf[5] =
    (checkUint(d.association, 2, 'association') << 4) | checkUint(d.designatorType, 4, 'designatorType');
  if (d.designator.length > MAX_DESIGNATOR_LENGTH) {
    throw new RangeError(`designator of ${d.designator.length} bytes exceeds 20`);
  }
  buf[7] = d.designator.length;
  d.designator.copy(buf, 8);
  writeDeviceTypeParameters(buf, d);
  return buf;
}
