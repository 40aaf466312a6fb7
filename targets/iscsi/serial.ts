// 32-bit serial number arithmetic (RFC 1982) for CmdSN, StatSN, DataSN and R2TSN comparisons
// (RFC 7143 4.2.2.1). Two numbers exactly 2^31 apart are incomparable: both lt and gt are false.

const HALF = 0x80000000;

/** a + n modulo 2^32. */
export function serialAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** a < b in serial arithmetic. */
export function serialLt(a: number, b: number): boolean {
  const d = (b - a) >>> 0;
  return d !== 0 && d < HALF;
}

/** a > b in serial arithmetic. */
export function serialGt(a: number, b: number): boolean {
  return serialLt(b, a);
}

export function serialLe(a: number, b: number): boolean {
  return a >>> 0 === b >>> 0 || serialLt(a, b);
}

export function serialGe(a: number, b: number): boolean {
  return a >>> 0 === b >>> 0 || serialGt(a, b);
}

/** Whether lo <= sn <= hi in serial arithmetic (a CmdSN window). */
export function serialInWindow(sn: number, lo: number, hi: number): boolean {
  return serialLe(lo, sn) && serialLe(sn, hi);
}

/** Signed distance from a to b (b - a) in -2^31..2^31-1. */
export function serialDiff(a: number, b: number): number {
  return (b - a) | 0;
}
