// FaultInjectingLu over a real RAM disk: medium errors on LBA ranges (with the good prefix of a
// write reaching the medium), sense and status rules, skip/times, delays and lost connections.
import { decodeSense } from '../../../cdb/spc/sense';
import { blockAccessOf, FaultInjectingLu } from '../../../emulator/faults/fault-lu';
import { TransportError } from '../../../targets/transport';
import { pattern, ramDisk, readBlocks, run, writeBlocks } from './helpers';

function read10(lba: number, blocks: number): Buffer {
  const c = Buffer.alloc(10);
  c[0] = 0x28;
  c.writeUInt32BE(lba, 2);
  c.writeUInt16BE(blocks, 7);
  return c;
}

describe('blockAccessOf', () => {
  it('decodes the LBA range of 6-, 10-, 12- and 16-byte READ/WRITE/VERIFY CDBs', () => {
    expect(blockAccessOf(Buffer.from('081234560000', 'hex'))).toEqual({
      operation: 'read',
      lba: 0x123456n,
      blocks: 256n,
    });
    expect(blockAccessOf(Buffer.from('0a0000100800', 'hex'))).toEqual({
      operation: 'write',
      lba: 0x10n,
      blocks: 8n,
    });
    expect(blockAccessOf(read10(7, 3))).toEqual({ operation: 'read', lba: 7n, blocks: 3n });
    expect(blockAccessOf(Buffer.from('aa000000000500000009' + '0000', 'hex'))).toEqual({
      operation: 'write',
      lba: 5n,
      blocks: 9n,
    });
    expect(blockAccessOf(Buffer.from('8f00' + '0000000100000000' + '00000002' + '0000', 'hex'))).toEqual({
      operation: 'read',
      lba: 0x100000000n,
      blocks: 2n,
    });
    expect(blockAccessOf(Buffer.from('000000000000', 'hex'))).toBeUndefined();
    expect(blockAccessOf(Buffer.alloc(0))).toBeUndefined();
    expect(blockAccessOf(Buffer.from('28', 'hex'))).toBeUndefined();
  });
});

describe('FaultInjectingLu', () => {
  it('fails reads touching the bad range with 03/11/00 and INFORMATION = first bad LBA', async () => {
    const disk = ramDisk('f1');
    const lu = new FaultInjectingLu(disk, [
      { kind: 'medium-error', operation: 'read', lba: 10n, blocks: 5n },
    ]);
    expect((await run(lu, read10(0, 10))).status).toBe(0);
    expect((await run(lu, read10(15, 10))).status).toBe(0);
    const r = await run(lu, read10(12, 10));
    expect(decodeSense(r.sense as Buffer)).toMatchObject({
      senseKey: 3,
      asc: 0x11,
      ascq: 0,
      information: 12n,
    });
    const r2 = await run(lu, read10(5, 10));
    expect(decodeSense(r2.sense as Buffer).information).toBe(10n);
    expect(lu.faultCount).toBe(2);
    expect(lu.deviceType).toBe(0);
  });

  it('a failing write writes the blocks before the bad LBA, then reports 03/0C/00', async () => {
    const disk = ramDisk('f2');
    const lu = new FaultInjectingLu(disk, [{ kind: 'medium-error', operation: 'write', lba: 4n }]);
    const data = pattern(8 * 512, 1);
    const cdb = Buffer.from('2a00000000000000080' + '0', 'hex');
    const r = await run(lu, cdb, { dataOut: data });
    expect(decodeSense(r.sense as Buffer)).toMatchObject({ senseKey: 3, asc: 0x0c, information: 4n });
    expect(
      (await readBlocks(disk, 0n, 8)).equals(Buffer.concat([data.subarray(0, 2048), Buffer.alloc(2048)])),
    ).toBe(true);
  });

  it('sense and status rules with skip and times; removeFault and clearFaults disarm', async () => {
    const disk = ramDisk('f3');
    const lu = new FaultInjectingLu(disk);
    const id = lu.addFault({
      kind: 'sense',
      opcodes: [0x00],
      senseKey: 0x02,
      asc: 0x04,
      ascq: 0x01,
      skip: 1,
      times: 1,
    });
    lu.addFault({ kind: 'status', opcodes: [0x25], status: 0x18 });
    const tur = Buffer.alloc(6);
    await run(lu, Buffer.from('030000001200', 'hex')); // REQUEST SENSE takes the power-on unit attention
    expect((await run(lu, tur)).status).toBe(0);
    expect(decodeSense((await run(lu, tur)).sense as Buffer)).toMatchObject({ senseKey: 2, asc: 4, ascq: 1 });
    expect((await run(lu, tur)).status).toBe(0);
    expect((await run(lu, Buffer.from('25000000000000000000', 'hex'))).status).toBe(0x18);
    expect(lu.faults().map((f) => [f.id, f.seen, f.fired])).toEqual([
      [id, 3, 1],
      [id + 1, 1, 1],
    ]);
    expect(lu.removeFault(id)).toBe(true);
    expect(lu.removeFault(id)).toBe(false);
    lu.clearFaults();
    expect((await run(lu, Buffer.from('25000000000000000000', 'hex'))).status).toBe(0);
  });

  it('rules can be limited to one initiator port', async () => {
    const disk = ramDisk('f4');
    const lu = new FaultInjectingLu(disk, [{ kind: 'status', status: 0x08, initiatorPort: 'nobody' }]);
    expect((await run(lu, Buffer.alloc(6))).status).toBe(0);
  });

  it('delays commands, and a delayed command aborted through its signal ends TASK ABORTED', async () => {
    const disk = ramDisk('f5');
    const lu = new FaultInjectingLu(disk, [{ kind: 'delay', ms: 40 }]);
    await run(lu, Buffer.alloc(6));
    const t0 = Date.now();
    await run(lu, Buffer.alloc(6));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(35);
    const ac = new AbortController();
    const p = lu.execute({
      cdb: Buffer.alloc(6),
      dataInLength: 0,
      nexus: { initiatorPort: 'a', initiatorName: 'a', targetPort: 't', relativeTargetPort: 1 },
      signal: ac.signal,
      taskTag: 1,
    });
    ac.abort();
    expect(await p).toEqual({ status: 0x40 });
  });

  it('connection loss rejects with TransportError; with afterExecute the command took effect', async () => {
    const disk = ramDisk('f6');
    await writeBlocks(disk, 0n, Buffer.alloc(512));
    const lu = new FaultInjectingLu(disk, [
      { kind: 'connection-loss', opcodes: [0x2a], afterExecute: true, times: 1 },
    ]);
    const data = pattern(512, 2);
    const e = await run(lu, Buffer.from('2a000000000000000100', 'hex'), { dataOut: data }).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(TransportError);
    expect((e as TransportError).mayHaveExecuted).toBe(true);
    expect((await readBlocks(disk, 0n, 1)).equals(data)).toBe(true);
    const lu2 = new FaultInjectingLu(disk, [{ kind: 'connection-loss' }]);
    const e2 = await run(lu2, Buffer.alloc(6)).catch((x: unknown) => x);
    expect((e2 as TransportError).mayHaveExecuted).toBe(false);
  });

  it('forwards reset, nexusLost and close to the inner LU', async () => {
    const calls: string[] = [];
    const inner = {
      deviceType: 1,
      execute: () => Promise.resolve({ status: 0 }),
      reset: (k: string) => calls.push(`reset ${k}`),
      nexusLost: () => calls.push('lost'),
      close: () => (calls.push('close'), Promise.resolve()),
    };
    const lu = new FaultInjectingLu(inner);
    lu.reset('lu-reset');
    lu.nexusLost({ initiatorPort: 'a', initiatorName: 'a', targetPort: 't', relativeTargetPort: 1 });
    await lu.close();
    expect(calls).toEqual(['reset lu-reset', 'lost', 'close']);
    expect(lu.deviceType).toBe(1);
  });
});
