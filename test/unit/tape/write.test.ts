// Writing: a write before EOD makes that point the new EOD (SSC-4 4.2.7), erase, capacity with the
// early-warning zone and end of partition (whole blocks only, filemarks still fit), the fault
// injection hooks, write protection, and the I/O pattern (one pwritev per call, no fsync per block).
import fs from 'node:fs';
import {
  Cartridge,
  CartridgeClosedError,
  CartridgeIoError,
  EndOfPartitionError,
  indexPathOf,
  MAX_BLOCK_LENGTH,
  WriteProtectedError,
} from '../../../emulator/tape';
import { decodeIndex, RECORD_HEADER_SIZE, RECORDS_START } from '../../../emulator/tape/format';
import { blockData, newCartridge, removeDir, tempDir, writeLayout } from './helpers';

let dir: string;
const open: Cartridge[] = [];

beforeEach(() => {
  dir = tempDir();
});

afterEach(() => {
  jest.restoreAllMocks();
  for (const c of open.splice(0)) c.close();
  removeDir(dir);
});

function make(...args: Parameters<typeof newCartridge> extends [string, ...infer R] ? R : never): Cartridge {
  const c = newCartridge(dir, ...args);
  open.push(c);
  return c;
}

function reopen(c: Cartridge, readOnly = false): Cartridge {
  c.close();
  const r = Cartridge.open(c.path, { readOnly });
  open.push(r);
  return r;
}

function readAll(c: Cartridge): (Buffer | 'F')[] {
  c.rewind();
  const out: (Buffer | 'F')[] = [];
  for (;;) {
    const r = c.read();
    if (r.kind === 'eod') return out;
    out.push(r.kind === 'filemark' ? 'F' : r.data);
  }
}

function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('truncation by a write before EOD', () => {
  test('a block written in the middle becomes the last object; the file is cut there', () => {
    const c = make();
    writeLayout(c, [10, 20, 'F', 30, 40, 'F']);
    c.locate(3);
    const x = Buffer.from('replacement');
    expect(c.writeBlock(x)).toEqual({ objectNumber: 4, earlyWarning: false });
    expect(c.eod).toBe(4);
    expect(c.filemarkCount).toBe(1);
    expect(c.usedBytes).toBe(10 + 20 + x.length);
    expect(readAll(c)).toEqual([blockData(0, 10), blockData(1, 20), 'F', x]);
    expect(fs.statSync(c.path).size).toBe(RECORDS_START + 4 * RECORD_HEADER_SIZE + 30 + x.length);
    const r = reopen(c);
    expect(readAll(r)).toEqual([blockData(0, 10), blockData(1, 20), 'F', x]);
  });

  test('filemarks written in the middle cut too; WRITE FILEMARKS of zero does not', () => {
    const c = make();
    writeLayout(c, [10, 20, 30, 40]);
    c.locate(2);
    expect(c.writeFilemarks(0)).toEqual({ objectNumber: 2, earlyWarning: false });
    expect(c.eod).toBe(4);
    expect(c.writeFilemarks(2)).toEqual({ objectNumber: 4, earlyWarning: false });
    expect(c.eod).toBe(4);
    expect(readAll(c)).toEqual([blockData(0, 10), blockData(1, 20), 'F', 'F']);
    expect(c.positionInfo().fileNumber).toBe(2);
  });

  test('writing at BOP replaces the whole partition', () => {
    const c = make();
    writeLayout(c, [10, 'F', 20]);
    c.rewind();
    c.writeBlock(Buffer.from('new'));
    expect(readAll(c)).toEqual([Buffer.from('new')]);
  });

  test('an empty write list is a no-op, even before EOD', () => {
    const c = make();
    writeLayout(c, [10, 20]);
    c.locate(0);
    expect(c.writeBlocks([])).toEqual({ objectNumber: 0, earlyWarning: false });
    expect(c.eod).toBe(2);
  });

  test('erase makes the position EOD; at EOD it changes nothing', () => {
    const c = make();
    writeLayout(c, [10, 'F', 20, 30]);
    c.locate(2);
    c.erase();
    expect(c.eod).toBe(2);
    expect(c.position).toBe(2);
    expect(c.read()).toEqual({ kind: 'eod' });
    c.erase();
    expect(c.eod).toBe(2);
    c.rewind();
    c.erase();
    expect(c.eod).toBe(0);
    expect(c.usedBytes).toBe(0);
    expect(reopen(c).eod).toBe(0);
  });

  test('block lengths outside 1..16 MiB are refused before anything is written', () => {
    const c = make();
    writeLayout(c, [10]);
    c.rewind();
    expect(() => c.writeBlock(Buffer.alloc(0))).toThrow(RangeError);
    expect(() => c.writeBlocks([Buffer.alloc(5), Buffer.alloc(MAX_BLOCK_LENGTH + 1)])).toThrow(RangeError);
    expect(() => c.writeFilemarks(-1)).toThrow(RangeError);
    expect(c.eod).toBe(1);
  });

  test('a 16 MiB block is accepted and reads back', () => {
    const c = make({ capacityBytes: 64 * 1024 * 1024 });
    const big = blockData(0, MAX_BLOCK_LENGTH);
    c.writeBlock(big);
    c.rewind();
    const r = c.read();
    expect(r.kind).toBe('block');
    expect(r.kind === 'block' && r.data.equals(big)).toBe(true);
  });
});

describe('capacity, early warning and end of partition', () => {
  // capacity 10000, early-warning zone 2000: the zone starts when more than 8000 bytes precede
  const small = { capacityBytes: 10000, earlyWarningBytes: 2000 };

  test('early warning is reported once the bytes before the position pass capacity - zone', () => {
    const c = make(small);
    expect(c.writeBlock(Buffer.alloc(4000))).toEqual({ objectNumber: 1, earlyWarning: false });
    expect(c.writeBlock(Buffer.alloc(4000))).toEqual({ objectNumber: 2, earlyWarning: false }); // 8000: not past
    expect(c.writeBlock(Buffer.alloc(1))).toEqual({ objectNumber: 3, earlyWarning: true });
    expect(c.writeFilemarks(1)).toEqual({ objectNumber: 4, earlyWarning: true });
    expect(c.remainingBytes).toBe(1999);
    // it is a property of the position, not of the cartridge
    c.rewind();
    expect(c.earlyWarning).toBe(false);
    c.locate(2);
    expect(c.positionInfo().earlyWarning).toBe(false);
    c.locate(3);
    expect(c.positionInfo().earlyWarning).toBe(true);
  });

  test('a block that does not fit is not recorded at all; the amount not written is reported', () => {
    const c = make(small);
    c.writeBlocks([Buffer.alloc(4000), Buffer.alloc(5000)]);
    const e = catchError(() => c.writeBlocks([Buffer.alloc(500), Buffer.alloc(600), Buffer.alloc(700)]));
    expect(e).toBeInstanceOf(EndOfPartitionError);
    expect(e).toMatchObject({ blocksWritten: 1, blocksNotWritten: 2, bytesNotWritten: 1300 });
    expect(c.eod).toBe(3);
    expect(c.usedBytes).toBe(9500);
    const one = catchError(() => c.writeBlock(Buffer.alloc(501)));
    expect(one).toMatchObject({ blocksWritten: 0, blocksNotWritten: 1, bytesNotWritten: 501 });
    expect(c.eod).toBe(3);
    // filemarks still fit past the end of the partition
    expect(c.writeFilemarks(3)).toEqual({ objectNumber: 6, earlyWarning: true });
    // exactly filling the partition is allowed
    expect(c.writeBlock(Buffer.alloc(500))).toEqual({ objectNumber: 7, earlyWarning: true });
    expect(c.remainingBytes).toBe(0);
    expect(() => c.writeBlock(Buffer.alloc(1))).toThrow(EndOfPartitionError);
    const r = reopen(c);
    expect(r.usedBytes).toBe(10000);
    expect(r.eod).toBe(7);
    expect(fs.statSync(r.path).size).toBe(RECORDS_START + 7 * RECORD_HEADER_SIZE + 10000);
  });

  test('a write in the middle is measured from the cut, not from the old EOD', () => {
    const c = make(small);
    c.writeBlocks([Buffer.alloc(3000), Buffer.alloc(3000), Buffer.alloc(3000)]);
    c.locate(1);
    expect(c.writeBlocks([Buffer.alloc(6000)])).toEqual({ objectNumber: 2, earlyWarning: true });
    expect(c.usedBytes).toBe(9000);
  });

  test('forced early warning at object N (fault injection)', () => {
    const c = make();
    c.forceEarlyWarningAt(3);
    expect(c.writeBlock(Buffer.alloc(10)).earlyWarning).toBe(false); // position 1
    expect(c.writeBlock(Buffer.alloc(10)).earlyWarning).toBe(false); // position 2
    expect(c.writeBlock(Buffer.alloc(10)).earlyWarning).toBe(true); // position 3
    expect(c.writeFilemarks(1).earlyWarning).toBe(true);
    c.locate(2);
    expect(c.earlyWarning).toBe(false);
    c.locate(3);
    expect(c.earlyWarning).toBe(true);
    c.forceEarlyWarningAt(null);
    expect(c.earlyWarning).toBe(false);
  });

  test('forced end of partition at object N (fault injection)', () => {
    const c = make();
    c.forceEndOfPartitionAt(2);
    const e = catchError(() => c.writeBlocks([Buffer.alloc(10), Buffer.alloc(20), Buffer.alloc(30)]));
    expect(e).toMatchObject({ blocksWritten: 2, blocksNotWritten: 1, bytesNotWritten: 30 });
    expect(c.writeFilemarks(1).objectNumber).toBe(3);
    c.forceEndOfPartitionAt(null);
    expect(c.writeBlock(Buffer.alloc(5)).objectNumber).toBe(4);
  });
});

describe('write protection', () => {
  test('a write-protected cartridge refuses writes, filemarks, erase and MAM writes but reads', () => {
    const c = make({ writeProtected: true });
    expect(c.writeProtected).toBe(true);
    for (const f of [
      () => c.writeBlock(Buffer.alloc(1)),
      () => c.writeFilemarks(1),
      () => c.erase(),
      () => c.writeMamAttribute(0x0800, 'ascii', Buffer.from('VENDOR  ')),
    ]) {
      const e = catchError(f);
      expect(e).toBeInstanceOf(WriteProtectedError);
      expect((e as WriteProtectedError).reason).toBe('medium');
    }
    expect(c.read()).toEqual({ kind: 'eod' });
    expect(c.eod).toBe(0);
  });

  test('the tab is persisted and can be slid back', () => {
    const c = make();
    c.writeBlock(Buffer.from('abc'));
    c.setWriteProtected(true);
    const r = reopen(c);
    expect(r.writeProtected).toBe(true);
    expect(() => r.writeBlock(Buffer.from('x'))).toThrow(WriteProtectedError);
    r.setWriteProtected(false);
    r.spaceToEod();
    expect(r.writeBlock(Buffer.from('x')).objectNumber).toBe(2);
    expect(reopen(r).writeProtected).toBe(false);
  });

  test('a read-only open refuses every change and counts no load', () => {
    const c = make();
    c.writeBlock(Buffer.from('abc'));
    const r = reopen(c, true);
    expect(r.loadCount).toBe(0);
    for (const f of [
      () => r.writeBlock(Buffer.alloc(1)),
      () => r.writeFilemarks(0),
      () => r.setWriteProtected(true),
      () => r.writeMamAttribute(0x0800, 'ascii', Buffer.from('VENDOR  ')),
    ]) {
      expect((catchError(f) as WriteProtectedError).reason).toBe('read-only-open');
    }
    expect(r.read()).toEqual({ kind: 'block', data: Buffer.from('abc') });
  });
});

describe('I/O pattern', () => {
  test('one pwritev per write call, whole records only, no fsync until a filemark', () => {
    const c = make();
    const writev = jest.spyOn(fs, 'writevSync');
    const fsync = jest.spyOn(fs, 'fsyncSync');
    const block = Buffer.alloc(256 * 1024, 0xa5);
    for (let i = 0; i < 20; i++) c.writeBlock(block);
    c.writeBlocks(Array.from({ length: 8 }, () => block));
    expect(writev).toHaveBeenCalledTimes(21);
    const bytes = writev.mock.results.reduce((n, r) => n + (r.value as number), 0);
    expect(bytes).toBe(28 * (RECORD_HEADER_SIZE + block.length));
    expect(fsync).not.toHaveBeenCalled();
    c.writeFilemarks(1);
    expect(fsync).toHaveBeenCalled();
  });

  test('sync() and syncAsync() make the data durable; syncAsync leaves close() safe', async () => {
    const c = make({}, { checkpointEveryObjects: 1 });
    c.writeBlock(Buffer.from('one'));
    const fsync = jest.spyOn(fs, 'fsyncSync');
    c.sync();
    expect(fsync).toHaveBeenCalled();
    c.writeBlock(Buffer.from('two'));
    await c.syncAsync();
    const idx = decodeIndex(fs.readFileSync(indexPathOf(c.path)));
    expect(idx.ok && Array.from(idx.value.lengths)).toEqual([3, 3]);
    c.close();
    const r = Cartridge.open(c.path);
    open.push(r);
    expect(r.recovery).toMatchObject({ indexedObjects: 2, scannedObjects: 0, discardedBytes: 0 });
  });

  test('a short pwritev is continued until the whole call is written', () => {
    const c = make();
    const real = fs.writevSync.bind(fs);
    const writev = jest
      .spyOn(fs, 'writevSync')
      .mockImplementationOnce(
        (fd: number, buffers: readonly NodeJS.ArrayBufferView[], position?: number | null) =>
          real(fd, [buffers[0], (buffers[1] as Buffer).subarray(0, 5)], position ?? undefined),
      );
    const blocks = [blockData(0, 100), blockData(1, 200)];
    c.writeBlocks(blocks);
    expect(writev.mock.calls.length).toBeGreaterThan(1);
    writev.mockRestore();
    expect(readAll(reopen(c))).toEqual(blocks);
  });

  test('a failed write records nothing and leaves the file as it was', () => {
    const c = make();
    c.writeBlock(blockData(0, 100));
    const size = fs.statSync(c.path).size;
    const real = fs.writevSync.bind(fs);
    jest
      .spyOn(fs, 'writevSync')
      .mockImplementationOnce(
        (fd: number, buffers: readonly NodeJS.ArrayBufferView[], position?: number | null) => {
          real(fd, [buffers[0]], position ?? undefined); // part of the call reached the file...
          throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        },
      );
    const e = catchError(() => c.writeBlocks([blockData(1, 50), blockData(2, 60)]));
    expect(e).toBeInstanceOf(CartridgeIoError);
    expect(e).toMatchObject({ operation: 'write' });
    expect(c.eod).toBe(1);
    expect(c.position).toBe(1);
    expect(fs.statSync(c.path).size).toBe(size); // ...and was cut off again
    c.writeBlock(blockData(1, 70));
    expect(readAll(reopen(c))).toEqual([blockData(0, 100), blockData(1, 70)]);
  });

  test('a failed fsync is reported as CartridgeIoError', () => {
    const c = make();
    jest.spyOn(fs, 'fsyncSync').mockImplementationOnce(() => {
      throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
    });
    expect(catchError(() => c.writeFilemarks(1))).toMatchObject({
      name: 'CartridgeIoError',
      operation: 'fsync',
    });
  });

  test('operations after close throw CartridgeClosedError; close is idempotent', () => {
    const c = make();
    c.close();
    c.close();
    expect(c.closed).toBe(true);
    expect(() => c.read()).toThrow(CartridgeClosedError);
    expect(() => c.writeBlock(Buffer.alloc(1))).toThrow(CartridgeClosedError);
    expect(() => c.locate(0)).toThrow(CartridgeClosedError);
  });
});
