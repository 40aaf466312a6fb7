// Backend command path: retries of UNIT ATTENTION and BUSY, transport failures, abort, and the
// sense helpers.
import { encodeSense, makeSense } from '../../../cdb/spc/sense';
import { Backend, signedInformation, summarizeSense } from '../../../emulator/mover/backend';
import { CopyCancelled, DeviceCondition } from '../../../emulator/mover/errors';
import { TransportError, type ScsiResult, type ScsiTransport } from '../../../targets/transport';
import { checkCondition, ok, RecordingTransport } from './recording-transport';

const TUR = Buffer.alloc(6);

function backend(t: ScsiTransport, signal = new AbortController().signal, retries = 3): Backend {
  return new Backend(t, { retries, timeoutMs: 0, signal });
}

describe('Backend', () => {
  it('retries UNIT ATTENTION at once and BUSY after a pause, up to the retry count', async () => {
    const answers: ScsiResult[] = [
      checkCondition({ senseKey: 6, asc: 0x29 }),
      { ...ok(), status: 0x08 },
      ok(Buffer.from('ab')),
    ];
    const t = new RecordingTransport('t', (_c, i) => answers[i]);
    expect((await backend(t).send({ cdb: TUR })).dataIn.toString()).toBe('ab');
    expect(t.commands).toHaveLength(3);
    const always = new RecordingTransport('t', () => checkCondition({ senseKey: 6, asc: 0x29 }));
    const r = await backend(always, undefined, 2).send({ cdb: TUR });
    expect(r.status).toBe(2);
    expect(always.commands).toHaveLength(3);
  });

  it('sendGood turns other statuses into DeviceCondition failure carrying the response', async () => {
    const t = new RecordingTransport('t', () => ({ ...ok(), status: 0x18 }));
    const e = await backend(t)
      .sendGood({ cdb: TUR }, 'TEST UNIT READY')
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DeviceCondition);
    expect((e as DeviceCondition).kind).toBe('failure');
    expect((e as DeviceCondition).result?.status).toBe(0x18);
  });

  it('a transport failure is DeviceCondition unreachable; an abort is CopyCancelled even mid-command', async () => {
    const broken: ScsiTransport = {
      address: 'broken',
      execute: () => Promise.reject(new TransportError('connection reset', true)),
      abort: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    const e = await backend(broken)
      .send({ cdb: TUR })
      .catch((x: unknown) => x);
    expect((e as DeviceCondition).kind).toBe('unreachable');
    const hanging: ScsiTransport = { ...broken, execute: () => new Promise(() => undefined) };
    const ac = new AbortController();
    const p = backend(hanging, ac.signal).send({ cdb: TUR });
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(CopyCancelled);
    await expect(backend(hanging, ac.signal).send({ cdb: TUR })).rejects.toBeInstanceOf(CopyCancelled);
  });

  it('passes a per-command timeout to the transport when configured', async () => {
    const t = new RecordingTransport('t');
    const seen: (number | undefined)[] = [];
    const spy: ScsiTransport = {
      ...t,
      address: 't',
      execute: (c) => (seen.push(c.timeoutMs), t.execute(c)),
      abort: () => t.abort(),
      close: () => t.close(),
    };
    await new Backend(spy, { retries: 0, timeoutMs: 250, signal: new AbortController().signal }).send({
      cdb: TUR,
    });
    expect(seen).toEqual([250]);
  });
});

describe('sense helpers', () => {
  it('summarizeSense reads fixed and descriptor sense and tolerates garbage', () => {
    expect(summarizeSense(encodeSense(makeSense({ senseKey: 0, filemark: true, information: 5n })))).toEqual({
      senseKey: 0,
      asc: 0,
      ascq: 0,
      filemark: true,
      eom: false,
      ili: false,
      information: 5n,
    });
    expect(summarizeSense(encodeSense(makeSense({ descriptor: true, senseKey: 0xd, eom: true })))?.eom).toBe(
      true,
    );
    expect(summarizeSense(Buffer.alloc(0))).toBeUndefined();
    expect(summarizeSense(Buffer.from('7f', 'hex'))).toBeUndefined();
  });

  it("signedInformation reads 32-bit two's complement residues", () => {
    expect(signedInformation(0xffffff9cn)).toBe(-100);
    expect(signedInformation(24n)).toBe(24);
    expect(signedInformation(undefined)).toBeUndefined();
    expect(signedInformation(0xffffffffffffff00n)).toBe(-256);
  });
});
