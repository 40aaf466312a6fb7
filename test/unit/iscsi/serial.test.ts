import fc from 'fast-check';
import {
  serialAdd,
  serialDiff,
  serialGe,
  serialGt,
  serialInWindow,
  serialLe,
  serialLt,
} from '../../../targets/iscsi/serial';

describe('RFC 1982 serial arithmetic on 32 bits', () => {
  it('compares across the wrap', () => {
    expect(serialLt(0xffffffff, 0)).toBe(true);
    expect(serialGt(0, 0xffffffff)).toBe(true);
    expect(serialLt(5, 5)).toBe(false);
    expect(serialLe(5, 5)).toBe(true);
    expect(serialGe(0, 0xfffffff0)).toBe(true);
    expect(serialAdd(0xffffffff, 2)).toBe(1);
    expect(serialDiff(0xfffffffe, 3)).toBe(5);
    expect(serialDiff(3, 0xfffffffe)).toBe(-5);
  });

  it('numbers 2^31 apart are incomparable', () => {
    expect(serialLt(0, 0x80000000)).toBe(false);
    expect(serialGt(0, 0x80000000)).toBe(false);
  });

  it('a < a + n for 0 < n < 2^31', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.integer({ min: 1, max: 0x7fffffff }), (a, n) => {
        expect(serialLt(a, serialAdd(a, n))).toBe(true);
        expect(serialGt(serialAdd(a, n), a)).toBe(true);
        expect(serialDiff(a, serialAdd(a, n))).toBe(n);
      }),
    );
  });

  it('CmdSN window [ExpCmdSN, MaxCmdSN]; MaxCmdSN = ExpCmdSN - 1 closes it', () => {
    expect(serialInWindow(10, 10, 12)).toBe(true);
    expect(serialInWindow(12, 10, 12)).toBe(true);
    expect(serialInWindow(13, 10, 12)).toBe(false);
    expect(serialInWindow(0, 0xfffffffe, 2)).toBe(true);
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff }), (sn, exp) => {
        expect(serialInWindow(sn, exp, serialAdd(exp, -1))).toBe(false);
      }),
    );
  });
});
