// A ScsiTransport that records every command the mover sends and answers from a script. It stands for
// a stream (tape) LU until the SSC device handler exists: the stream tests assert the exact CDB bytes
// and data-out the mover issues and feed it the responses a tape gives (tape.md).
import { encodeSense, makeSense, type MakeSenseOptions } from '../../../cdb/spc/sense';
import naaId from './naa-id';
import type { CscdBackend, CscdIdentification, CscdResolver } from '../../../emulator/mover/resolver';
import { CscdResolutionError } from '../../../emulator/mover/resolver';
import type { ScsiCommand, ScsiResult, ScsiTransport } from '../../../targets/transport';

export interface Recorded {
  cdb: Buffer;
  dataOut?: Buffer;
  dataInLength?: number;
}

export type Responder = (cmd: Recorded, index: number) => ScsiResult;

export function ok(dataIn: Buffer = Buffer.alloc(0)): ScsiResult {
  return { status: 0, sense: Buffer.alloc(0), dataIn, residual: 0 };
}

export function checkCondition(sense: MakeSenseOptions, dataIn: Buffer = Buffer.alloc(0)): ScsiResult {
  return { status: 2, sense: encodeSense(makeSense(sense)), dataIn, residual: 0 };
}

export class RecordingTransport implements ScsiTransport {
  readonly commands: Recorded[] = [];
  closed = false;

  constructor(
    readonly address: string,
    private readonly responder: Responder = () => ok(),
  ) {}

  execute(cmd: ScsiCommand): Promise<ScsiResult> {
    const rec: Recorded = { cdb: Buffer.from(cmd.cdb) };
    if (cmd.dataOut !== undefined) rec.dataOut = Buffer.from(cmd.dataOut);
    if (cmd.dataInLength !== undefined) rec.dataInLength = cmd.dataInLength;
    this.commands.push(rec);
    return Promise.resolve(this.responder(rec, this.commands.length - 1));
  }

  abort(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  /** The CDBs sent, as hex strings with spaces between bytes. */
  cdbs(): string[] {
    return this.commands.map((c) => (c.cdb.toString('hex').match(/../g) ?? []).join(' '));
  }

  /** Data-out of every WRITE(6), concatenated. */
  written(): Buffer {
    return Buffer.concat(
      this.commands.filter((c) => c.cdb[0] === 0x0a).map((c) => c.dataOut ?? Buffer.alloc(0)),
    );
  }
}

/** A resolver for stream LUs reached through recording transports, keyed by their NAA designator. */
export function streamResolver(streams: Record<string, RecordingTransport>): CscdResolver {
  return {
    resolve(id: CscdIdentification): Promise<CscdBackend> {
      for (const [name, transport] of Object.entries(streams)) {
        if (id.designatorType === 3 && id.designator.equals(naaId(name)))
          return Promise.resolve({ transport, deviceType: 1 });
      }
      return Promise.reject(new CscdResolutionError('not-found', 'no such stream LU'));
    },
  };
}
