// Sources and sinks of the data pipeline (flow.ts) for each kind of copy source and destination.
import type { BlockIo } from './block-io';
import { DeviceCondition } from './errors';
import type { ChunkSink, ChunkSource, ReadOp } from './flow';
import { type StreamIo, transferBytes } from './stream-io';

/** Whole blocks of `blockLength` in a transfer of at most `bytes` (and the device's limit), at least 1. */
function blocksPerTransfer(bytes: number, io: BlockIo): number {
  return Math.max(1, Math.floor(Math.min(bytes, io.maxTransferBytes) / io.blockLength));
}

/**
 * `byteCount` bytes of a block device starting `startByte` bytes from LBA 0 (a byte offset inside
 * the first block is allowed: segment types 08h and 0Ah). Reads are whole blocks, at most
 * `chunkBytes` each; the bytes outside the range are cut off (views, no copies).
 */
export class BlockRangeSource implements ChunkSource {
  readonly sequential = false;
  private pos: bigint;
  private readonly end: bigint;
  private readonly chunkBlocks: bigint;
  private readonly blockLength: bigint;

  constructor(
    private readonly io: BlockIo,
    startByte: bigint,
    byteCount: number,
    chunkBytes: number,
  ) {
    this.pos = startByte;
    this.end = startByte + BigInt(byteCount);
    this.blockLength = BigInt(io.blockLength);
    this.chunkBlocks = BigInt(blocksPerTransfer(chunkBytes, io));
  }

  next(): ReadOp | 'done' {
    if (this.pos >= this.end) return 'done';
    const bl = this.blockLength;
    const firstLba = this.pos / bl;
    const lastLba = (this.end + bl - 1n) / bl; // exclusive
    const endLba = lastLba - firstLba > this.chunkBlocks ? firstLba + this.chunkBlocks : lastLba;
    const from = this.pos;
    const to = endLba * bl < this.end ? endLba * bl : this.end;
    const blocks = Number(endLba - firstLba);
    return {
      bytes: blocks * this.io.blockLength,
      run: async (into?: Buffer) => {
        this.pos = to;
        const data = await this.io.readBlocks(firstLba, blocks, into);
        const skip = Number(from - firstLba * bl);
        const take = Number(to - from);
        return skip === 0 && take === data.length ? data : data.subarray(skip, skip + take);
      },
    };
  }
}

/**
 * Reads from a stream device until at least `needBytes` arrived: READ(6) of `transferLength` (fixed
 * mode: blocks, fewer when less is needed; variable mode: one block of up to that many bytes). A
 * filemark, end of data or end of medium before that is a data underrun.
 */
export class StreamSource implements ChunkSource {
  readonly sequential = true;
  private obtained = 0;
  private inFlight = false;

  constructor(
    private readonly io: StreamIo,
    private readonly transferLength: number,
    private readonly needBytes: number,
  ) {}

  next(): ReadOp | 'wait' | 'done' {
    if (this.inFlight) return 'wait';
    if (this.obtained >= this.needBytes) return 'done';
    const units = this.io.fixed
      ? Math.min(this.transferLength, Math.ceil((this.needBytes - this.obtained) / this.io.blockLength))
      : this.transferLength;
    return {
      bytes: transferBytes(this.io, units),
      run: async () => {
        this.inFlight = true;
        try {
          const r = await this.io.read(units);
          this.obtained += r.data.length;
          if (this.obtained < this.needBytes && (r.ended !== undefined || r.data.length === 0)) {
            throw new DeviceCondition(
              'underrun',
              `stream source ended (${r.ended?.reason ?? 'empty block'}) after ${this.obtained} of ${this.needBytes} bytes`,
              r.ended?.result,
            );
          }
          return r.data;
        } finally {
          this.inFlight = false;
        }
      },
    };
  }
}

/** Bytes already in memory: inline data (04h) or embedded data (05h). */
export class BufferSource implements ChunkSource {
  readonly sequential = false;
  private pos = 0;

  constructor(
    private readonly data: Buffer,
    private readonly chunkBytes: number,
  ) {}

  next(): ReadOp | 'done' {
    if (this.pos >= this.data.length) return 'done';
    const from = this.pos;
    const to = Math.min(this.data.length, from + this.chunkBytes);
    return {
      bytes: to - from,
      run: () => {
        this.pos = to;
        return Promise.resolve(this.data.subarray(from, to));
      },
    };
  }
}

/** Whole blocks written in order from `startLba`. */
export class BlockSink implements ChunkSink {
  readonly unit: number;
  readonly maxWrite: number;
  readonly sequential = false;
  readonly counts = true;
  // Every block store copies what it is given; a remote WRITE has sent it all before its status.
  readonly releasesData = true;
  private lba: bigint;

  constructor(
    private readonly io: BlockIo,
    startLba: bigint,
    chunkBytes: number,
  ) {
    this.unit = io.blockLength;
    this.maxWrite = blocksPerTransfer(chunkBytes, io) * this.unit;
    this.lba = startLba;
  }

  write(data: Buffer): Promise<void> {
    const lba = this.lba;
    this.lba += BigInt(data.length / this.unit);
    return this.io.writeBlocks(lba, data);
  }
}

/**
 * Bytes written from a byte position of a block device (09h, 0Ah): partial blocks at either end
 * are read, patched and written back, so one write at a time.
 */
export class BlockBytesSink implements ChunkSink {
  readonly unit = 1;
  readonly maxWrite: number;
  readonly sequential = true;
  readonly counts = true;
  readonly releasesData = false;
  private pos: bigint;

  constructor(
    private readonly io: BlockIo,
    startByte: bigint,
  ) {
    this.maxWrite = io.maxTransferBytes;
    this.pos = startByte;
  }

  async write(data: Buffer): Promise<void> {
    const bl = this.io.blockLength;
    const blBig = BigInt(bl);
    let off = 0;
    while (off < data.length) {
      const lba = this.pos / blBig;
      const within = Number(this.pos - lba * blBig);
      const left = data.length - off;
      if (within === 0 && left >= bl) {
        const blocks = Math.min(Math.floor(left / bl), Math.floor(this.io.maxTransferBytes / bl));
        await this.io.writeBlocks(lba, data.subarray(off, off + blocks * bl));
        off += blocks * bl;
        this.pos += BigInt(blocks * bl);
        continue;
      }
      const block = Buffer.from(await this.io.readBlocks(lba, 1));
      const n = Math.min(bl - within, left);
      data.copy(block, within, off, off + n);
      await this.io.writeBlocks(lba, block);
      off += n;
      this.pos += BigInt(n);
    }
  }
}

/** WRITE(6) to a stream device: fixed mode whole blocks (up to TRANSFER LENGTH blocks per command), variable mode one block of TRANSFER LENGTH bytes. */
export class StreamSink implements ChunkSink {
  readonly unit: number;
  readonly maxWrite: number;
  readonly sequential = true;
  readonly counts = true;
  // Our tape LU copies a WRITE's data into the cartridge before it answers (nothing stays in a
  // drive buffer); a remote drive has received all of it before its status.
  readonly releasesData = true;

  constructor(
    private readonly io: StreamIo,
    transferLength: number,
  ) {
    this.unit = io.fixed ? io.blockLength : transferLength;
    this.maxWrite = transferBytes(io, transferLength);
  }

  write(data: Buffer): Promise<void> {
    return this.io.write(data);
  }
}

/** Stream data read and dropped (06h, 0Fh): nothing reaches a destination. */
export class DiscardSink implements ChunkSink {
  readonly unit = 1;
  readonly sequential = false;
  readonly counts = false;
  readonly releasesData = true;

  constructor(readonly maxWrite: number) {}

  write(): Promise<void> {
    return Promise.resolve();
  }
}
