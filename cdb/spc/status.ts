// SAM status codes (SAM-5 5.3.1) and sense keys (SPC-4 4.5.6, table 51), with names for display.

// SAM-5 table 33: STATUS codes. 10h, 14h and 22h are obsolete and only named for display.
export const STATUS_GOOD = 0x00;
export const STATUS_CHECK_CONDITION = 0x02;
export const STATUS_CONDITION_MET = 0x04;
export const STATUS_BUSY = 0x08;
export const STATUS_RESERVATION_CONFLICT = 0x18;
export const STATUS_TASK_SET_FULL = 0x28;
export const STATUS_ACA_ACTIVE = 0x30;
export const STATUS_TASK_ABORTED = 0x40;

const STATUS_NAMES: ReadonlyMap<number, string> = new Map([
  [STATUS_GOOD, 'GOOD'],
  [STATUS_CHECK_CONDITION, 'CHECK CONDITION'],
  [STATUS_CONDITION_MET, 'CONDITION MET'],
  [STATUS_BUSY, 'BUSY'],
  [0x10, 'INTERMEDIATE (OBSOLETE)'],
  [0x14, 'INTERMEDIATE-CONDITION MET (OBSOLETE)'],
  [STATUS_RESERVATION_CONFLICT, 'RESERVATION CONFLICT'],
  [0x22, 'COMMAND TERMINATED (OBSOLETE)'],
  [STATUS_TASK_SET_FULL, 'TASK SET FULL'],
  [STATUS_ACA_ACTIVE, 'ACA ACTIVE'],
  [STATUS_TASK_ABORTED, 'TASK ABORTED'],
]);

function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

/** SAM status name, e.g. "CHECK CONDITION"; unassigned codes read "RESERVED (xxh)". */
export function statusName(status: number): string {
  return STATUS_NAMES.get(status) ?? `RESERVED (${hex2(status & 0xff)}h)`;
}

// SPC-4 table 51: sense keys.
export const SENSE_KEY_NO_SENSE = 0x0;
export const SENSE_KEY_RECOVERED_ERROR = 0x1;
export const SENSE_KEY_NOT_READY = 0x2;
export const SENSE_KEY_MEDIUM_ERROR = 0x3;
export const SENSE_KEY_HARDWARE_ERROR = 0x4;
export const SENSE_KEY_ILLEGAL_REQUEST = 0x5;
export const SENSE_KEY_UNIT_ATTENTION = 0x6;
export const SENSE_KEY_DATA_PROTECT = 0x7;
export const SENSE_KEY_BLANK_CHECK = 0x8;
export const SENSE_KEY_VENDOR_SPECIFIC = 0x9;
export const SENSE_KEY_COPY_ABORTED = 0xa;
export const SENSE_KEY_ABORTED_COMMAND = 0xb;
/** 0Ch was EQUAL (SEARCH DATA); obsolete since SPC-3. */
export const SENSE_KEY_EQUAL = 0xc;
export const SENSE_KEY_VOLUME_OVERFLOW = 0xd;
export const SENSE_KEY_MISCOMPARE = 0xe;
export const SENSE_KEY_COMPLETED = 0xf;

/** Indexed by sense key 0h-Fh. */
export const SENSE_KEY_NAMES: readonly string[] = [
  'NO SENSE',
  'RECOVERED ERROR',
  'NOT READY',
  'MEDIUM ERROR',
  'HARDWARE ERROR',
  'ILLEGAL REQUEST',
  'UNIT ATTENTION',
  'DATA PROTECT',
  'BLANK CHECK',
  'VENDOR SPECIFIC',
  'COPY ABORTED',
  'ABORTED COMMAND',
  'EQUAL (OBSOLETE)',
  'VOLUME OVERFLOW',
  'MISCOMPARE',
  'COMPLETED',
];

/** Sense key name, e.g. "ILLEGAL REQUEST"; values outside 0h-Fh are not sense keys. */
export function senseKeyName(senseKey: number): string {
  return SENSE_KEY_NAMES[senseKey] ?? `INVALID SENSE KEY (${hex2(senseKey & 0xff)}h)`;
}
