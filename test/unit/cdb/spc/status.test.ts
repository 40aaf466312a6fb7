import {
  SENSE_KEY_COMPLETED,
  SENSE_KEY_COPY_ABORTED,
  SENSE_KEY_ILLEGAL_REQUEST,
  SENSE_KEY_NAMES,
  SENSE_KEY_NO_SENSE,
  senseKeyName,
  STATUS_ACA_ACTIVE,
  STATUS_BUSY,
  STATUS_CHECK_CONDITION,
  STATUS_CONDITION_MET,
  STATUS_GOOD,
  STATUS_RESERVATION_CONFLICT,
  STATUS_TASK_ABORTED,
  STATUS_TASK_SET_FULL,
  statusName,
} from '../../../../cdb/spc/status';

describe('SAM status codes', () => {
  it('have the SAM-5 values and names', () => {
    const expected: [number, number, string][] = [
      [STATUS_GOOD, 0x00, 'GOOD'],
      [STATUS_CHECK_CONDITION, 0x02, 'CHECK CONDITION'],
      [STATUS_CONDITION_MET, 0x04, 'CONDITION MET'],
      [STATUS_BUSY, 0x08, 'BUSY'],
      [STATUS_RESERVATION_CONFLICT, 0x18, 'RESERVATION CONFLICT'],
      [STATUS_TASK_SET_FULL, 0x28, 'TASK SET FULL'],
      [STATUS_ACA_ACTIVE, 0x30, 'ACA ACTIVE'],
      [STATUS_TASK_ABORTED, 0x40, 'TASK ABORTED'],
    ];
    for (const [constant, value, name] of expected) {
      expect(constant).toBe(value);
      expect(statusName(value)).toBe(name);
    }
  });
  it('names obsolete and unassigned codes', () => {
    expect(statusName(0x10)).toBe('INTERMEDIATE (OBSOLETE)');
    expect(statusName(0x22)).toBe('COMMAND TERMINATED (OBSOLETE)');
    expect(statusName(0x01)).toBe('RESERVED (01h)');
    expect(statusName(0xfe)).toBe('RESERVED (FEh)');
  });
});

describe('sense keys', () => {
  it('name all sixteen keys', () => {
    expect(SENSE_KEY_NAMES).toHaveLength(16);
    expect(senseKeyName(SENSE_KEY_NO_SENSE)).toBe('NO SENSE');
    expect(senseKeyName(SENSE_KEY_ILLEGAL_REQUEST)).toBe('ILLEGAL REQUEST');
    expect(senseKeyName(SENSE_KEY_COPY_ABORTED)).toBe('COPY ABORTED');
    expect(senseKeyName(0x0b)).toBe('ABORTED COMMAND');
    expect(senseKeyName(0x0d)).toBe('VOLUME OVERFLOW');
    expect(senseKeyName(SENSE_KEY_COMPLETED)).toBe('COMPLETED');
    expect(SENSE_KEY_COMPLETED).toBe(0x0f);
  });
  it('reject values that are not sense keys', () => {
    expect(senseKeyName(0x10)).toBe('INVALID SENSE KEY (10h)');
    expect(senseKeyName(-1)).toBe('INVALID SENSE KEY (FFh)');
  });
});
