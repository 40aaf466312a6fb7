// Test harness standing in for the kernel's sg driver: builds the LD_PRELOAD interposer
// (interposer.c) and serves its Unix socket, executing each forwarded CDB on an emulated LU.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { ItNexus, LogicalUnit } from '../../emulator/lu';

/** Compile interposer.c into `dir`; returns the .so path. Throws if gcc is missing. */
export function buildInterposer(dir: string): string {
  const out = path.join(dir, 'sgio-interposer.so');
  execFileSync(
    'gcc',
    ['-shared', '-fPIC', '-O2', '-Wall', '-o', out, path.join(__dirname, 'interposer.c'), '-ldl'],
    {
      stdio: 'pipe',
    },
  );
  return out;
}

const NEXUS: ItNexus = {
  initiatorPort: 'sg-interposer,i,0x0',
  initiatorName: 'sg-interposer',
  targetPort: 'sg-interposer,t,0x1',
  relativeTargetPort: 1,
};

interface Request {
  devicePath: string;
  direction: number;
  cdb: Buffer;
  senseMax: number;
  dxferLen: number;
  dataOut?: Buffer;
}

/** Parse one request frame from the front of `buf`; undefined while incomplete. */
function parseRequest(buf: Buffer): { req: Request; used: number } | undefined {
  if (buf.length < 6) return undefined;
  if (buf.toString('latin1', 0, 4) !== 'SGIP') throw new Error('bad interposer frame');
  const plen = buf.readUInt16LE(4);
  const fixed = 6 + plen + 11;
  if (buf.length < fixed) return undefined;
  const devicePath = buf.toString('utf8', 6, 6 + plen);
  let o = 6 + plen;
  const direction = buf[o];
  const cdbLen = buf[o + 1];
  const senseMax = buf[o + 2];
  const dxferLen = buf.readUInt32LE(o + 3);
  o += 11;
  const total = o + cdbLen + (direction === 1 ? dxferLen : 0);
  if (buf.length < total) return undefined;
  const cdb = Buffer.from(buf.subarray(o, o + cdbLen));
  const dataOut = direction === 1 ? Buffer.from(buf.subarray(o + cdbLen, total)) : undefined;
  return { req: { devicePath, direction, cdb, senseMax, dxferLen, dataOut }, used: total };
}

export class InterposerServer {
  private server?: net.Server;
  private taskTag = 0;
  readonly socketPath: string;
  /** Every CDB that reached an LU, in arrival order (for assertions). */
  readonly seen: { devicePath: string; cdb: Buffer }[] = [];

  constructor(
    dir: string,
    private readonly devices: Map<string, LogicalUnit>,
  ) {
    this.socketPath = path.join(dir, 'sgio.sock');
  }

  async start(): Promise<void> {
    this.server = net.createServer((sock) => this.serve(sock));
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(this.socketPath, resolve);
    });
  }

  private serve(sock: net.Socket): void {
    let buf = Buffer.alloc(0);
    let handled = false;
    sock.on('error', () => sock.destroy());
    sock.on('data', (chunk: Buffer) => {
      if (handled) return;
      buf = Buffer.concat([buf, chunk]);
      let parsed;
      try {
        parsed = parseRequest(buf);
      } catch {
        sock.destroy();
        return;
      }
      if (!parsed) return;
      handled = true;
      void this.execute(parsed.req).then(
        (frame) => {
          if (!sock.destroyed) sock.end(frame);
        },
        () => sock.destroy(),
      );
    });
  }

  private async execute(req: Request): Promise<Buffer> {
    this.seen.push({ devicePath: req.devicePath, cdb: req.cdb });
    const lu = this.devices.get(req.devicePath);
    if (!lu) throw new Error(`no LU for ${req.devicePath}`);
    const r = await lu.execute({
      cdb: req.cdb,
      dataOut: req.dataOut,
      dataInLength: req.direction === 2 ? req.dxferLen : 0,
      nexus: NEXUS,
      signal: new AbortController().signal,
      taskTag: ++this.taskTag,
    });
    const sense = r.sense ?? Buffer.alloc(0);
    const data = r.dataIn ?? Buffer.alloc(0);
    const head = Buffer.alloc(8);
    head[0] = r.status;
    head[1] = 0; // DID_OK: the transport delivered the command
    head[2] = 0;
    head[3] = Math.min(sense.length, 255);
    head.writeUInt32LE(data.length, 4);
    return Buffer.concat([head, sense.subarray(0, 255), data]);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    fs.rmSync(this.socketPath, { force: true });
  }
}
