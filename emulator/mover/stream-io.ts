// Stream (tape) device access for the mover (SSC-4): READ(6)/WRITE(6) in fixed-block mode (TRANSFER
// LENGTH counts blocks of STREAM BLOCK LENGTH) or variable mode (one block of TRANSFER LENGTH bytes),
// WRITE FILEMARKS(6), SPACE(6), LOCATE(10). The conditions a tape reports with CHECK CONDITION are
// sorted out here (tape.md, SSC-4 4.2):
//   read:  short variable block (ILI, INFORMATION > 0)      -> the bytes that came, go on
//          block longer than asked (ILI, INFORMATION < 0)     -> overrun (data would be lost)
//          FILEMARK, BLANK CHECK (end of data), EOM           -> the source ended: underrun
//   write: early warning (NO SENSE, EOM)                      -> written; overrun after counting it
//          VOLUME OVERFLOW                                    -> fixed mode: count - INFORMATION blocks
//                                                                written; overrun
//   WRITE FILEMARKS: early warning                            -> written; overrun (a flush, count 0, is GOOD)
//   fixed mode, GOOD but another byte count moved (residual)  -> the drive's block length (MODE SELECT)
//                                                                is not STREAM BLOCK LENGTH: failure
// Fixed mode is checked before anything moves, too: driveBlockLength() reads the drive's current
// block length (MODE SENSE(6) block descriptor) when the CSCD is opened.
// The null stream device (CSCD ID C001h) reads zeros and discards writes.
import { decodeBlockDescriptor, decodeModeParameterHeader6 } from '../../cdb/spc/mode-parameters';
import { ALL_PAGES, encodeModeSense6 } from '../../cdb/spc/mode-sense';
import { encodeLocate10 } from '../../cdb/ssc/locate10';
import { encodeRead6 } from '../../cdb/ssc/read6';
import { encodeSpace6 } from '../../cdb/ssc/space6';
import type { SpaceCode } from '../../cdb/ssc/space-code';
import { encodeWrite6 } from '../../cdb/ssc/write6';
import { encodeWriteFilemarks6 } from '../../cdb/ssc/write-filemarks6';
import {
  SENSE_KEY_BLANK_CHECK as BLANK_CHECK,
  SENSE_KEY_NO_SENSE as NO_SENSE,
  SENSE_KEY_RECOVERED_ERROR as RECOVERED_ERROR,
  SENSE_KEY_VOLUME_OVERFLOW as VOLUME_OVERFLOW,
  STATUS_CHECK_CONDITION,
  STATUS_GOOD,
} from '../../cdb/spc/status';
import type { ScsiResult } from '../../targets/transport';
import { type Backend, signedInformation, summarizeSense } from './backend';
import { TEST_UNIT_READY } from './block-io';
import { DeviceCondition } from './errors';

export interface StreamMode {
  /** FIXED=1: transfers count blocks of blockLength bytes. */
  fixed: boolean;
  /** STREAM BLOCK LENGTH (fixed mode); 0 in variable mode. */
  blockLength: number;
}

export interface StreamReadResult {
  data: Buffer;
  /** The read stopped at a filemark, end of data or end of medium: no more data for this segment. */
  ended?: { reason: 'filemark' | 'end-of-data' | 'end-of-medium'; result: ScsiResult };
}

export interface StreamIo extends StreamMode {
  /** One READ(6): `transferLength` blocks (fixed) or bytes of one block (variable). */
  read(transferLength: number): Promise<StreamReadResult>;
  /** One WRITE(6): a whole number of blocks (fixed) or one block (variable). */
  write(data: Buffer): Promise<void>;
  writeFilemarks(count: number, immed: boolean): Promise<void>;
  space(code: number, count: number): Promise<void>;
  locate(logicalObjectIdentifier: number): Promise<void>;
  /** Write buffered data to the medium (WRITE FILEMARKS with a count of 0). */
  flush(): Promise<void>;
  testUnitReady(): Promise<void>;
}

/** Bytes one READ(6)/WRITE(6) of `transferLength` moves: blocks (fixed mode) or bytes (variable). */
export function transferBytes(mode: StreamMode, transferLength: number): number {
  return mode.fixed ? transferLength * mode.blockLength : transferLength;
}

export function streamReadCdb(mode: StreamMode, transferLength: number): Buffer {
  return encodeRead6({ sili: false, fixed: mode.fixed, transferLength, control: 0 });
}

export function streamWriteCdb(mode: StreamMode, transferLength: number): Buffer {
  return encodeWrite6({ fixed: mode.fixed, transferLength, control: 0 });
}

export class ScsiStreamDevice implements StreamIo {
  readonly fixed: boolean;
  readonly blockLength: number;

  constructor(
    private readonly backend: Backend,
    mode: StreamMode,
  ) {
    this.fixed = mode.fixed;
    this.blockLength = mode.fixed ? mode.blockLength : 0;
  }

  async read(transferLength: number): Promise<StreamReadResult> {
    const want = transferBytes(this, transferLength);
    const r = await this.backend.send({ cdb: streamReadCdb(this, transferLength), dataInLength: want });
    if (r.status === STATUS_GOOD) {
      // Fixed mode: the drive reads blocks of ITS block length (MODE SELECT). GOOD with another
      // byte count means STREAM BLOCK LENGTH is not that length: the data would be cut or split.
      // (A negative residual is data-in cut off at the allocation length: longer drive blocks.)
      if (this.fixed && (r.residual < 0 || r.dataIn.length !== want)) {
        throw new DeviceCondition(
          'failure',
          `READ(6) of ${transferLength} fixed blocks returned ${r.dataIn.length - Math.min(0, r.residual)} bytes, not ${want}: the drive's block length is not STREAM BLOCK LENGTH ${this.blockLength}`,
          r,
        );
      }
      return { data: r.dataIn };
    }
    const s = r.status === STATUS_CHECK_CONDITION ? summarizeSense(r.sense) : undefined;
    if (s === undefined)
      throw new DeviceCondition('failure', `READ(6) ended with status ${r.status.toString(16)}h`, r);
    // INFORMATION: requested minus actual, in blocks (fixed) or bytes (variable).
    const residue = signedInformation(s.information) ?? 0;
    const got = (units: number): Buffer => {
      const n = Math.max(0, Math.min(r.dataIn.length, transferBytes(this, units)));
      return r.dataIn.subarray(0, n);
    };
    if (s.senseKey === BLANK_CHECK) {
      return { data: got(transferLength - residue), ended: { reason: 'end-of-data', result: r } };
    }
    if ((s.senseKey === NO_SENSE || s.senseKey === RECOVERED_ERROR) && s.filemark) {
      return { data: got(transferLength - residue), ended: { reason: 'filemark', result: r } };
    }
    if (
      (s.senseKey === NO_SENSE || s.senseKey === RECOVERED_ERROR || s.senseKey === VOLUME_OVERFLOW) &&
      s.eom
    ) {
      return { data: got(transferLength - residue), ended: { reason: 'end-of-medium', result: r } };
    }
    if ((s.senseKey === NO_SENSE || s.senseKey === RECOVERED_ERROR) && s.ili && !this.fixed) {
      if (residue < 0) {
        throw new DeviceCondition(
          'overrun',
          `tape block is ${-residue} bytes longer than the transfer length ${transferLength}`,
          r,
        );
      }
      return { data: got(transferLength - residue) };
    }
    if (s.senseKey === RECOVERED_ERROR) return { data: got(transferLength) };
    throw new DeviceCondition(
      'failure',
      `READ(6) failed: sense ${s.senseKey.toString(16)}/${s.asc.toString(16)}/${s.ascq.toString(16)}`,
      r,
    );
  }

  async write(data: Buffer): Promise<void> {
    const transferLength = this.fixed ? data.length / this.blockLength : data.length;
    const r = await this.backend.send({ cdb: streamWriteCdb(this, transferLength), dataOut: data });
    if (r.status === STATUS_GOOD) {
      // Fixed mode: a residual means the drive took blocks of another length than STREAM BLOCK
      // LENGTH (its MODE SELECT block length): what it recorded is not the data. Nothing counts.
      if (this.fixed && r.residual !== 0) {
        throw new DeviceCondition(
          'failure',
          `WRITE(6) of ${transferLength} fixed blocks: the drive took ${data.length - r.residual} of ${data.length} bytes; its block length is not STREAM BLOCK LENGTH ${this.blockLength}`,
          r,
        );
      }
      return;
    }
    const s = r.status === STATUS_CHECK_CONDITION ? summarizeSense(r.sense) : undefined;
    if (s !== undefined && (s.senseKey === NO_SENSE || s.senseKey === RECOVERED_ERROR) && s.eom) {
      // Early warning: the write succeeded (SSC-4 4.2.5); stop before the medium runs out.
      throw new DeviceCondition('overrun', 'destination tape reached early warning', r, data.length);
    }
    if (s?.senseKey === RECOVERED_ERROR) return;
    if (s?.senseKey === VOLUME_OVERFLOW) {
      const notWritten = signedInformation(s.information) ?? transferLength;
      const written = this.fixed ? Math.max(0, transferLength - notWritten) * this.blockLength : 0;
      throw new DeviceCondition('overrun', 'destination tape is full (VOLUME OVERFLOW)', r, written);
    }
    throw new DeviceCondition('failure', `WRITE(6) ended with status ${r.status.toString(16)}h`, r);
  }

  async writeFilemarks(count: number, immed: boolean): Promise<void> {
    const r = await this.backend.send({
      cdb: encodeWriteFilemarks6({ wsmk: false, immed, filemarkCount: count, control: 0 }),
    });
    if (r.status === STATUS_GOOD) return;
    const s = r.status === STATUS_CHECK_CONDITION ? summarizeSense(r.sense) : undefined;
    if (s !== undefined && (s.senseKey === NO_SENSE || s.senseKey === RECOVERED_ERROR) && s.eom) {
      // Early warning (SSC-4 4.2.5): the filemarks were written. A flush (count 0) is done; written
      // filemarks stop the copy as a data write at early warning does.
      if (count === 0) return;
      throw new DeviceCondition('overrun', 'destination tape reached early warning', r);
    }
    if (s?.senseKey === RECOVERED_ERROR) return;
    throw new DeviceCondition(
      'failure',
      `${this.backend.transport.address}: WRITE FILEMARKS(6) ended with status ${r.status.toString(16)}h`,
      r,
    );
  }

  async space(code: number, count: number): Promise<void> {
    await this.backend.sendGood(
      { cdb: encodeSpace6({ code: code as SpaceCode, count, control: 0 }) },
      'SPACE(6)',
    );
  }

  async locate(logicalObjectIdentifier: number): Promise<void> {
    await this.backend.sendGood(
      {
        cdb: encodeLocate10({
          bt: false,
          cp: false,
          immed: false,
          logicalObjectIdentifier,
          partition: 0,
          control: 0,
        }),
      },
      'LOCATE(10)',
    );
  }

  async flush(): Promise<void> {
    await this.writeFilemarks(0, false);
  }

  async testUnitReady(): Promise<void> {
    await this.backend.sendGood({ cdb: TEST_UNIT_READY }, 'TEST UNIT READY');
  }
}

/** MODE SENSE(6), current values, block descriptors on: header (4) + one general block descriptor (8). */
const MODE_SENSE_BLOCK_DESCRIPTOR = encodeModeSense6({
  dbd: false,
  pc: 0,
  pageCode: ALL_PAGES,
  subpageCode: 0,
  allocationLength: 12,
  control: 0,
});

/**
 * The drive's current block length: BLOCK LENGTH of the block descriptor MODE SENSE(6) returns
 * (SSC-4 8.3.1; 0 = variable-length blocks). Undefined when the drive does not tell (MODE SENSE
 * refused, no block descriptor): the per-command residual check still applies then.
 */
export async function driveBlockLength(backend: Backend): Promise<number | undefined> {
  const r = await backend.send({ cdb: MODE_SENSE_BLOCK_DESCRIPTOR, dataInLength: 12 });
  if (r.status !== STATUS_GOOD || r.dataIn.length < 12) return undefined;
  try {
    if (decodeModeParameterHeader6(r.dataIn).blockDescriptorLength < 8) return undefined;
    const d = decodeBlockDescriptor(r.dataIn.subarray(4, 12), 'general');
    return d.kind === 'general' ? d.blockLength : undefined;
  } catch {
    return undefined;
  }
}

/** CSCD ID C001h: a stream device that reads zeros and discards writes and positioning. */
export class NullStreamDevice implements StreamIo {
  readonly fixed = false;
  readonly blockLength = 0;

  read(transferLength: number): Promise<StreamReadResult> {
    return Promise.resolve({ data: Buffer.alloc(transferLength) });
  }

  write(): Promise<void> {
    return Promise.resolve();
  }

  writeFilemarks(): Promise<void> {
    return Promise.resolve();
  }

  space(): Promise<void> {
    return Promise.resolve();
  }

  locate(): Promise<void> {
    return Promise.resolve();
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  testUnitReady(): Promise<void> {
    return Promise.resolve();
  }
}
