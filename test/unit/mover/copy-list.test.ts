// Copy list state: TRANSFER COUNT units, held data limit and HDD, retention per I_T nexus.
import { CopyList, HeldData, ListRegistry, transferCount } from '../../../emulator/mover/copy-list';

describe('transferCount', () => {
  it('reports bytes while they fit 32 bits, then KiB, MiB... rounded down', () => {
    expect(transferCount(0)).toEqual({ units: 0, count: 0 });
    expect(transferCount(0xffffffff)).toEqual({ units: 0, count: 0xffffffff });
    expect(transferCount(0x100000000)).toEqual({ units: 1, count: 0x400000 });
    expect(transferCount(5 * 2 ** 42 + 1023)).toEqual({ units: 2, count: 5 * 2 ** 22 });
  });
});

describe('HeldData', () => {
  it('keeps the newest bytes up to the limit and sets HDD when it drops some', () => {
    const h = new HeldData(10);
    h.append(Buffer.from('abcdef'));
    expect(h.discarded).toBe(false);
    h.append(Buffer.from('ghijkl'));
    expect(h.bytes().toString()).toBe('cdefghijkl');
    expect(h.discarded).toBe(true);
    h.append(Buffer.from('0123456789AB'));
    expect(h.bytes().toString()).toBe('23456789AB');
    expect(h.length).toBe(10);
    h.discard();
    expect(h.bytes().length).toBe(0);
  });

  it('copies appended data (a later change of the source buffer does not leak in)', () => {
    const h = new HeldData(100);
    const b = Buffer.from('abc');
    h.append(b);
    b[0] = 0x7a;
    expect(h.bytes().toString()).toBe('abc');
  });
});

describe('ListRegistry', () => {
  function list(key: string, id: number, usage = 0): CopyList {
    return new CopyList(key, id, usage, 1, 1024);
  }

  it('finds running and completed lists per nexus and expires them', () => {
    let now = 0;
    const reg = new ListRegistry({ maxListsPerNexus: 2, ttlMs: 100 }, () => now);
    const a = list('n1', 1);
    reg.start(a);
    expect(reg.activeWith('n1', 1)).toBe(a);
    expect(reg.activeWith('n2', 1)).toBeUndefined();
    expect(reg.find('n1', 1)).toBe(a);
    reg.finish(a);
    expect(reg.activeWith('n1', 1)).toBeUndefined();
    expect(reg.find('n1', 1)).toBe(a);
    now = 100;
    expect(reg.find('n1', 1)).toBeUndefined();
  });

  it('does not keep lists without a list identifier, or lists stopped by a reset', () => {
    const reg = new ListRegistry({ maxListsPerNexus: 4, ttlMs: 1000 }, () => 0);
    const none = list('n1', 0, 3);
    reg.start(none);
    expect(reg.activeWith('n1', 0)).toBeUndefined();
    expect(reg.runningCount()).toBe(1);
    expect(reg.runningIdentifiedCount()).toBe(0);
    reg.finish(none);
    expect(reg.find('n1', 0)).toBeUndefined();
    const r = list('n1', 5);
    reg.start(r);
    reg.reset();
    expect(r.controller.signal.aborted).toBe(true);
    reg.finish(r);
    expect(reg.find('n1', 5)).toBeUndefined();
    const lost = list('n2', 6);
    reg.start(lost);
    reg.forgetNexus('n2');
    expect(lost.controller.signal.aborted).toBe(true);
    reg.finish(lost);
    expect(reg.keptFor('n2')).toEqual([]);
  });

  it('LIST ID USAGE 10b discards held data at completion; a new list replaces the kept one', () => {
    const reg = new ListRegistry({ maxListsPerNexus: 4, ttlMs: 1000 }, () => 0);
    const l = list('n1', 2, 2);
    l.held.append(Buffer.from('data'));
    reg.start(l);
    reg.finish(l);
    expect(l.copyStatus().hdd).toBe(true);
    const again = list('n1', 2);
    reg.start(again);
    reg.finish(again);
    expect(reg.keptFor('n1')).toEqual([again]);
  });
});
