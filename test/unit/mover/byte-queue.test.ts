// ByteQueue: exact takes across buffer boundaries, views instead of copies when possible.
import { ByteQueue } from '../../../emulator/mover/byte-queue';

describe('ByteQueue', () => {
  it('returns the pushed buffer itself when a take matches it, a view when it is shorter', () => {
    const q = new ByteQueue();
    const a = Buffer.from('abcdef');
    q.push(a);
    const first = q.take(2);
    expect(first.toString()).toBe('ab');
    expect(first.buffer).toBe(a.buffer);
    const b = Buffer.from('xyz');
    q.push(Buffer.alloc(0));
    q.push(b);
    expect(q.length).toBe(7);
    expect(q.take(4).toString()).toBe('cdef');
    expect(q.take(3)).toBe(b);
    expect(q.length).toBe(0);
  });

  it('joins pieces when a take spans buffers, and takeAll/clear empty it', () => {
    const q = new ByteQueue();
    for (const s of ['ab', 'cd', 'ef', 'gh']) q.push(Buffer.from(s));
    expect(q.take(5).toString()).toBe('abcde');
    expect(q.takeAll().toString()).toBe('fgh');
    expect(q.take(0).length).toBe(0);
    q.push(Buffer.from('zz'));
    q.clear();
    expect(q.length).toBe(0);
  });

  it('keeps working after many small buffers (internal compaction)', () => {
    const q = new ByteQueue();
    const all: number[] = [];
    for (let i = 0; i < 300; i++) {
      q.push(Buffer.from([i & 0xff]));
      all.push(i & 0xff);
      if (i % 3 === 2) expect([...q.take(2)]).toEqual(all.splice(0, 2));
    }
    expect([...q.takeAll()]).toEqual(all);
  });

  it('refuses to take more than it holds', () => {
    const q = new ByteQueue();
    q.push(Buffer.from('a'));
    expect(() => q.take(2)).toThrow(RangeError);
    expect(() => q.take(-1)).toThrow(RangeError);
  });
});
