// A FIFO readers-writer lock for async code. Reads of the origin and of its snapshots share it;
// anything that changes data, the allocation map or the copy-on-write logs takes it exclusively,
// so a snapshot read never sees an origin chunk between "old contents preserved" and "overwritten".

interface Waiter {
  exclusive: boolean;
  grant: () => void;
}

export class RwLock {
  private readers = 0;
  private writer = false;
  private readonly queue: Waiter[] = [];

  shared<T>(fn: () => Promise<T>): Promise<T> {
    // Fast path (no writer holds or waits for the lock): take it and run fn at once, without the
    // extra turns of an async wrapper. A reader is counted before fn runs, as on the slow path.
    if (this.queue.length === 0 && !this.writer) {
      this.readers++;
      let p: Promise<T>;
      try {
        p = fn();
      } catch (e) {
        this.releaseShared();
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
      return p.then(
        (v) => {
          this.releaseShared();
          return v;
        },
        (e: unknown) => {
          this.releaseShared();
          throw e;
        },
      );
    }
    return this.sharedQueued(fn);
  }

  private async sharedQueued<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire(false);
    try {
      return await fn();
    } finally {
      this.releaseShared();
    }
  }

  private releaseShared(): void {
    this.readers--;
    this.dispatch();
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire(true);
    try {
      return await fn();
    } finally {
      this.writer = false;
      this.dispatch();
    }
  }

  private acquire(exclusive: boolean): Promise<void> {
    if (this.queue.length === 0 && this.grantable(exclusive)) {
      this.take(exclusive);
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.queue.push({ exclusive, grant: resolve });
    });
  }

  private grantable(exclusive: boolean): boolean {
    return exclusive ? !this.writer && this.readers === 0 : !this.writer;
  }

  private take(exclusive: boolean): void {
    if (exclusive) this.writer = true;
    else this.readers++;
  }

  private dispatch(): void {
    while (this.queue.length > 0 && this.grantable(this.queue[0].exclusive)) {
      const w = this.queue.shift() as Waiter;
      this.take(w.exclusive);
      w.grant();
      if (w.exclusive) return;
    }
  }
}
