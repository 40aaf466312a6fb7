import fc from 'fast-check';
import { Bitmap } from '../../../emulator/disk/bitmap';
import { RwLock } from '../../../emulator/disk/rwlock';

describe('Bitmap', () => {
  it('sets ranges across byte boundaries and scans runs like a boolean array', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { maxLength: 8 }),
        (length, ops) => {
          const b = new Bitmap(length);
          const ref = new Array<boolean>(length).fill(false);
          for (const [x, y, v] of ops) {
            const start = x % (length + 1);
            const end = start + (y % (length - start + 1));
            b.setRange(start, end, v);
            ref.fill(v, start, end);
          }
          for (let i = 0; i < length; i++) expect(b.get(i)).toBe(ref[i]);
          expect(b.count()).toBe(ref.filter((v) => v).length);
          expect(b.lastSet()).toBe(ref.lastIndexOf(true));
          for (let from = 0; from <= length; from++) {
            for (const v of [true, false]) {
              const want = ref.indexOf(v, from);
              expect(b.next(from, v)).toBe(want === -1 ? length : want);
            }
          }
          expect(b.next(0, true, 0)).toBe(0);
        },
      ),
    );
  });

  it('keeps the padding bits of the last byte clear and checks its byte length', () => {
    const b = new Bitmap(10);
    b.setAll();
    expect([...b.bytes]).toEqual([0xff, 0x03]);
    expect(b.clone().bytes).toEqual(b.bytes);
    expect(() => new Bitmap(10, new Uint8Array(3))).toThrow(RangeError);
    expect(() => new Bitmap(-1)).toThrow(RangeError);
  });
});

describe('RwLock', () => {
  it('runs readers together, writers alone, in arrival order', async () => {
    const lock = new RwLock();
    const log: string[] = [];
    let release: Array<() => void> = [];
    const hold = (name: string) => async (): Promise<void> => {
      log.push(`+${name}`);
      await new Promise<void>((r) => release.push(r));
      log.push(`-${name}`);
    };
    const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
    const done = [
      lock.shared(hold('r1')),
      lock.shared(hold('r2')),
      lock.exclusive(hold('w1')),
      lock.shared(hold('r3')),
    ];
    await tick();
    expect(log).toEqual(['+r1', '+r2']);
    release.forEach((r) => r());
    release = [];
    await tick();
    expect(log).toEqual(['+r1', '+r2', '-r1', '-r2', '+w1']);
    release.forEach((r) => r());
    release = [];
    await tick();
    expect(log.slice(5)).toEqual(['-w1', '+r3']);
    release.forEach((r) => r());
    await Promise.all(done);
    // A failing critical section releases the lock.
    await expect(lock.exclusive(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock.shared(() => Promise.resolve(7))).resolves.toBe(7);
  });
});
