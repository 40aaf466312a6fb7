import * as asc from '../../../../cdb/spc/asc';
import { ascTable, ascText, isAssignedAsc } from '../../../../cdb/spc/asc';

describe('ASC/ASCQ table', () => {
  it('holds the complete T10 list (several hundred fixed assignments)', () => {
    expect(ascTable().size).toBeGreaterThanOrEqual(760);
    for (const [k, text] of ascTable()) {
      expect(k).toBeLessThan(0x8000); // no vendor-specific ASC in the standard list
      expect(text).toMatch(/^[A-Z0-9][A-Z0-9 ,./()&'_-]+$/);
    }
  });

  it('names codes from across the list', () => {
    expect(ascText(0x00, 0x00)).toBe('NO ADDITIONAL SENSE INFORMATION');
    expect(ascText(0x00, 0x01)).toBe('FILEMARK DETECTED');
    expect(ascText(0x00, 0x16)).toBe('OPERATION IN PROGRESS');
    expect(ascText(0x00, 0x23)).toBe('OVERLAPPING ATOMIC COMMAND IN PROGRESS');
    expect(ascText(0x04, 0x01)).toBe('LOGICAL UNIT IS IN PROCESS OF BECOMING READY');
    expect(ascText(0x08, 0x04)).toBe('UNREACHABLE COPY TARGET');
    expect(ascText(0x0d, 0x02)).toBe('COPY TARGET DEVICE NOT REACHABLE');
    expect(ascText(0x1a, 0x00)).toBe('PARAMETER LIST LENGTH ERROR');
    expect(ascText(0x24, 0x00)).toBe('INVALID FIELD IN CDB');
    expect(ascText(0x26, 0x08)).toBe('TOO MANY SEGMENT DESCRIPTORS');
    expect(ascText(0x26, 0x0d)).toBe('COPY SEGMENT GRANULARITY VIOLATION');
    expect(ascText(0x29, 0x07)).toBe('I_T NEXUS LOSS OCCURRED');
    expect(ascText(0x3b, 0x0e)).toBe('MEDIUM SOURCE ELEMENT EMPTY');
    expect(ascText(0x5d, 0xff)).toBe('FAILURE PREDICTION THRESHOLD EXCEEDED (FALSE)');
    expect(ascText(0x71, 0x00)).toBe('DECOMPRESSION EXCEPTION LONG ALGORITHM ID');
    expect(ascText(0x74, 0x79)).toBe('SECURITY CONFLICT IN TRANSLATED DEVICE');
  });

  it('fills in parameterised ranges', () => {
    expect(ascText(0x40, 0x00)).toBe('RAM FAILURE (SHOULD USE 40 NN)');
    expect(ascText(0x40, 0x05)).toBe('RAM FAILURE (05h)');
    expect(ascText(0x40, 0x85)).toBe('DIAGNOSTIC FAILURE ON COMPONENT 85h');
    expect(ascText(0x41, 0x80)).toBe('DATA PATH FAILURE (80h)');
    expect(ascText(0x42, 0x01)).toBe('POWER-ON OR SELF-TEST FAILURE (01h)');
    expect(ascText(0x4d, 0x00)).toBe('TAGGED OVERLAPPED COMMANDS (TASK TAG 00h)');
    expect(ascText(0x4d, 0xff)).toBe('TAGGED OVERLAPPED COMMANDS (TASK TAG FFh)');
    expect(ascText(0x70, 0x0a)).toBe('DECOMPRESSION EXCEPTION SHORT ALGORITHM ID OF 0Ah');
    expect(isAssignedAsc(0x70, 0x0a)).toBe(true);
    expect(isAssignedAsc(0x40, 0x7f)).toBe(true);
  });

  it('reports vendor-specific and unassigned codes', () => {
    expect(ascText(0x80, 0x12)).toBe('VENDOR SPECIFIC ASC/ASCQ 80h/12h');
    expect(ascText(0xff, 0xff)).toBe('VENDOR SPECIFIC ASC/ASCQ FFh/FFh');
    expect(ascText(0x04, 0x99)).toBe('VENDOR SPECIFIC ASCQ 99h FOR ASC 04h');
    expect(ascText(0x01, 0x01)).toBe('RESERVED ASC/ASCQ 01h/01h');
    expect(ascText(0x7f, 0x00)).toBe('RESERVED ASC/ASCQ 7Fh/00h');
    expect(isAssignedAsc(0x01, 0x01)).toBe(false);
    expect(isAssignedAsc(0x80, 0x00)).toBe(false);
    expect(isAssignedAsc(0x24, 0x00)).toBe(true);
  });

  it('every exported ASC_ constant is an assigned code whose text matches its name', () => {
    const consts = Object.entries(asc).filter(([name]) => name.startsWith('ASC_'));
    expect(consts.length).toBeGreaterThan(90);
    for (const [name, value] of consts) {
      const { asc: a, ascq: q } = value as asc.AscCode;
      expect(isAssignedAsc(a, q)).toBe(true);
      // The first word after ASC_ appears in the text (INVALID_FIELD_IN_CDB -> "INVALID ...").
      const firstWord = name.slice(4).split('_')[0];
      expect(`${name}: ${ascText(a, q)}`).toContain(firstWord === 'I' ? 'I_T' : firstWord);
    }
    expect(asc.ASC_INVALID_FIELD_IN_CDB).toEqual({ asc: 0x24, ascq: 0x00 });
    expect(asc.ASC_TOO_MANY_SEGMENT_DESCRIPTORS).toEqual({ asc: 0x26, ascq: 0x08 });
    expect(Object.isFrozen(asc.ASC_PARAMETER_LIST_LENGTH_ERROR)).toBe(true);
  });
});
