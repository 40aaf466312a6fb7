// Block Device Characteristics VPD page, B1h (SBC-3 6.6.2; PRODUCT TYPE, ZONED and FUAB/VBULS from
// SBC-4 6.6.2). As for B0h, fields beyond PAGE LENGTH decode as 0 (= not reported); encoding writes
// the 64-byte page (PAGE LENGTH 3Ch).
import { checkUint, flag, putU16, putU8 } from '../bytes';
import { readVpdPage, writeVpdPage, type VpdPageHeader } from './inquiry';

export const VPD_BLOCK_DEVICE_CHARACTERISTICS = 0xb1;
const PAGE_LENGTH = 0x3c;

/** MEDIUM ROTATION RATE 0001h: non-rotating medium (solid state). */
export const NON_ROTATING_MEDIUM = 0x0001;

export interface BlockDeviceCharacteristicsPage extends VpdPageHeader {
  /** 0000h not reported, 0001h non-rotating, 0401h-FFFEh rotations per minute. */
  mediumRotationRate: number;
  /** PRODUCT TYPE (00h not indicated, 01h CFast, 02h CompactFlash, ...). */
  productType: number;
  /** WABEREQ (2 bits): write after block erase requirement. */
  wabereq: number;
  /** WACEREQ (2 bits): write after cryptographic erase requirement. */
  wacereq: number;
  /** NOMINAL FORM FACTOR (4 bits): 1h 5.25", 2h 3.5", 3h 2.5", 4h 1.8", 5h below 1.8". */
  nominalFormFactor: number;
  /** ZONED (2 bits): 00b not reported, 01b host aware, 10b device managed. */
  zoned: number;
  /** FUAB: force unit access behaviour (SBC-4). */
  fuab: boolean;
  /** VBULS: verify byte check unmapped LBA supported (SBC-4). */
  vbuls: boolean;
}

export function encodeBlockDeviceCharacteristics(v: BlockDeviceCharacteristicsPage): Buffer {
  const b = Buffer.alloc(PAGE_LENGTH);
  putU16(b, v.mediumRotationRate, 0, 'mediumRotationRate');
  putU8(b, v.productType, 2, 'productType');
  b[3] =
    (checkUint(v.wabereq, 2, 'wabereq') << 6) |
    (checkUint(v.wacereq, 2, 'wacereq') << 4) |
    checkUint(v.nominalFormFactor, 4, 'nominalFormFactor');
  b[4] = (checkUint(v.zoned, 2, 'zoned') << 4) | flag(v.fuab, 1) | flag(v.vbuls, 0);
  return writeVpdPage(v, VPD_BLOCK_DEVICE_CHARACTERISTICS, b);
}

export function decodeBlockDeviceCharacteristics(buf: Buffer): BlockDeviceCharacteristicsPage {
  const { header, body } = readVpdPage(buf, VPD_BLOCK_DEVICE_CHARACTERISTICS);
  // Body offsets (page offset - 4); absent bytes read as zero.
  const byte = (off: number): number => (off < body.length ? body.u8(off) : 0);
  const b7 = byte(3);
  const b8 = byte(4);
  return {
    ...header,
    mediumRotationRate: body.length >= 2 ? body.u16(0) : 0,
    productType: byte(2),
    wabereq: b7 >> 6,
    wacereq: (b7 >> 4) & 3,
    nominalFormFactor: b7 & 0x0f,
    zoned: (b8 >> 4) & 3,
    fuab: (b8 & 0x02) !== 0,
    vbuls: (b8 & 0x01) !== 0,
  };
}
