// SPACE (SSC-4 6.6, 7.x SPACE(16)) as pure functions of the object map and a position: where the
// operation ends, how many units it passed, and what stopped it. Positions are boundaries: p lies
// before object p. A filemark met while spacing blocks is crossed and ends the command (forward:
// position on its EOM side; reverse: on its BOP side), like READ; EOD and BOP end it in place.
// Filemark lookups are binary searches in the sorted filemark list: O(log f).
import type { ObjectMap } from './object-map';

/** Where a space operation stopped early: SSC-4 sense FILEMARK/EOD/BOP, or null if it completed. */
export type SpaceStop = 'filemark' | 'eod' | 'bop' | null;

export interface SpaceResult {
  /** Units (blocks or filemarks) actually spaced over, counted in the direction of travel. */
  moved: number;
  /** |count| - moved: the residue the SSC layer puts in INFORMATION. */
  notSpaced: number;
  stoppedAt: SpaceStop;
}

export interface SpaceOutcome {
  position: number;
  result: SpaceResult;
}

export type SpaceRule = (m: ObjectMap, pos: number, count: number) => SpaceOutcome;

function end(position: number, requested: number, moved: number, stoppedAt: SpaceStop): SpaceOutcome {
  return { position, result: { moved, notSpaced: requested - moved, stoppedAt } };
}

/** Blocks: `count` > 0 forward, < 0 reverse; `moved` counts blocks only. */
export function spaceBlocks(m: ObjectMap, pos: number, count: number): SpaceOutcome {
  const k = m.filemarksBefore(pos);
  if (count > 0) {
    const nextMark = k < m.filemarkCount ? m.filemarkAt(k) : Infinity;
    const limit = Math.min(nextMark, m.count);
    if (pos + count <= limit) return end(pos + count, count, count, null);
    const moved = limit - pos;
    if (nextMark < m.count) return end(nextMark + 1, count, moved, 'filemark');
    return end(m.count, count, moved, 'eod');
  }
  if (count < 0) {
    const want = -count;
    const prevMark = k > 0 ? m.filemarkAt(k - 1) : -1;
    const blocks = pos - 1 - prevMark;
    if (want <= blocks) return end(pos - want, want, want, null);
    if (prevMark >= 0) return end(prevMark, want, blocks, 'filemark');
    return end(0, want, blocks, 'bop');
  }
  return end(pos, 0, 0, null);
}

/**
 * Filemarks: forward ends on the EOM side of the count-th filemark, reverse on the BOP side of
 * the count-th filemark met; running into EOD or BOP first stops there.
 */
export function spaceFilemarks(m: ObjectMap, pos: number, count: number): SpaceOutcome {
  const k = m.filemarksBefore(pos);
  if (count > 0) {
    const available = m.filemarkCount - k;
    if (count <= available) return end(m.filemarkAt(k + count - 1) + 1, count, count, null);
    return end(m.count, count, available, 'eod');
  }
  if (count < 0) {
    const want = -count;
    if (want <= k) return end(m.filemarkAt(k - want), want, want, null);
    return end(0, want, k, 'bop');
  }
  return end(pos, 0, 0, null);
}

/**
 * Sequential filemarks (code 0010b): to the first run of at least |count| consecutive filemarks
 * in the direction of travel; forward ends after the run's count-th filemark, reverse on the BOP
 * side of the count-th filemark met. `moved` is |count| on success, else 0. Linear in the
 * filemarks passed.
 */
export function spaceSequentialFilemarks(m: ObjectMap, pos: number, count: number): SpaceOutcome {
  const k = m.filemarksBefore(pos);
  const want = Math.abs(count);
  if (count > 0) {
    let run = 0;
    for (let j = k; j < m.filemarkCount; j++) {
      run = run > 0 && m.filemarkAt(j - 1) + 1 === m.filemarkAt(j) ? run + 1 : 1;
      if (run >= want) return end(m.filemarkAt(j) + 1, want, want, null);
    }
    return end(m.count, want, 0, 'eod');
  }
  if (count < 0) {
    let run = 0;
    for (let j = k - 1; j >= 0; j--) {
      run = run > 0 && m.filemarkAt(j) + 1 === m.filemarkAt(j + 1) ? run + 1 : 1;
      if (run >= want) return end(m.filemarkAt(j), want, want, null);
    }
    return end(0, want, 0, 'bop');
  }
  return end(pos, 0, 0, null);
}
