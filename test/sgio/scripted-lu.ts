// A test double standing for a device whose responses the test dictates byte for byte, so the
// SG_IO path can be driven into residual over/underrun, oversized sense, slow commands and any
// status. It also stores READ(10)/WRITE(10) data so round trips can be verified.
import type { LogicalUnit, LuRequest, LuResponse } from '../../emulator/lu';

export const VENDOR_OPCODE = 0xc0;
const BLOCK = 512;

/** CDB for the scripted vendor command. */
export function scriptedCdb(o: {
  dataLength: number;
  senseLength: number;
  delayMs: number;
  status: number;
}): Buffer {
  const cdb = Buffer.alloc(10);
  cdb[0] = VENDOR_OPCODE;
  cdb.writeUInt32BE(o.dataLength, 2);
  cdb[6] = o.senseLength;
  cdb.writeUInt16BE(o.delayMs, 7);
  cdb[9] = o.status;
  return cdb;
}

/** Deterministic pattern byte i of the scripted data-in. */
export function patternByte(i: number): number {
  return (i * 7 + 3) & 0xff;
}

export class ScriptedLu implements LogicalUnit {
  readonly deviceType = 0;
  readonly media = Buffer.alloc(BLOCK * 2048);

  async execute(req: LuRequest): Promise<LuResponse> {
    const cdb = req.cdb;
    switch (cdb[0]) {
      case 0x00:
        return { status: 0 };
      case 0x12: {
        const data = Buffer.alloc(36);
        data[2] = 0x06;
        data[3] = 0x02;
        data[4] = 31;
        data.write('SCRIPTED', 8, 'latin1');
        data.write('SGIO TEST LU    ', 16, 'latin1');
        data.write('0001', 32, 'latin1');
        return { status: 0, dataIn: data.subarray(0, Math.min(36, cdb.readUInt16BE(3))) };
      }
      case 0x28: {
        const lba = cdb.readUInt32BE(2);
        const n = cdb.readUInt16BE(7);
        return { status: 0, dataIn: Buffer.from(this.media.subarray(lba * BLOCK, (lba + n) * BLOCK)) };
      }
      case 0x2a: {
        const lba = cdb.readUInt32BE(2);
        (req.dataOut ?? Buffer.alloc(0)).copy(this.media, lba * BLOCK);
        return { status: 0 };
      }
      case VENDOR_OPCODE: {
        const dataLength = cdb.readUInt32BE(2);
        const senseLength = cdb[6];
        const delayMs = cdb.readUInt16BE(7);
        if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
        const dataIn = Buffer.alloc(dataLength);
        for (let i = 0; i < dataLength; i++) dataIn[i] = patternByte(i);
        let sense: Buffer | undefined;
        if (senseLength > 0) {
          // Descriptor-format sense padded with an information descriptor and vendor bytes.
          sense = Buffer.alloc(senseLength);
          sense[0] = 0x72;
          sense[1] = 0x03; // MEDIUM ERROR
          sense[2] = 0x11; // UNRECOVERED READ ERROR
          sense[7] = senseLength - 8;
          for (let i = 8; i < senseLength; i++) sense[i] = i & 0xff;
        }
        return { status: cdb[9], dataIn, sense };
      }
      default: {
        const sense = Buffer.alloc(18);
        sense[0] = 0x70;
        sense[2] = 0x05;
        sense[7] = 10;
        sense[12] = 0x20;
        return { status: 2, sense };
      }
    }
  }

  reset(): void {}
}
