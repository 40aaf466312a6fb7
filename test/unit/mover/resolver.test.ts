// CSCD resolution: VPD 83h parsing, designator matching, the local LU registry with its access
// predicate, and the resolver chain.
import { naaFromId } from '../../../emulator/devices/identity';
import { DEFAULT_MOVER_NEXUS } from '../../../emulator/mover/config';
import { designatorMatches, parseDeviceIdentification } from '../../../emulator/mover/designators';
import { LocalLuResolver } from '../../../emulator/mover/local-resolver';
import {
  ChainResolver,
  type CscdIdentification,
  CscdResolutionError,
  type CscdResolver,
} from '../../../emulator/mover/resolver';
import { nexus, ramDisk, run } from './helpers';

function naaId(naa: Buffer): CscdIdentification {
  return {
    peripheralDeviceType: 0,
    codeSet: 1,
    association: 0,
    designatorType: 3,
    designator: naa,
    relativeInitiatorPortIdentifier: 0,
  };
}

describe('parseDeviceIdentification', () => {
  it('reads the designators of a RAM disk VPD page 83h', async () => {
    const disk = ramDisk('vpd-disk');
    const r = await run(disk, Buffer.from('12018300ff00', 'hex'), { nexus: nexus(1) });
    const ds = parseDeviceIdentification(r.dataIn as Buffer);
    expect(ds[0]).toEqual({ codeSet: 1, association: 0, designatorType: 3, designator: disk.identity.naa });
    expect(ds.slice(1).every((d) => d.association === 1)).toBe(true);
  });

  it('drops a truncated last descriptor and ignores pages that are not 83h', () => {
    const page = Buffer.from('00830010' + '01030004aabbccdd' + '0103000811', 'hex');
    expect(parseDeviceIdentification(page)).toEqual([
      { codeSet: 1, association: 0, designatorType: 3, designator: Buffer.from('aabbccdd', 'hex') },
    ]);
    expect(parseDeviceIdentification(Buffer.from('00800000', 'hex'))).toEqual([]);
    expect(parseDeviceIdentification(Buffer.from('0083', 'hex'))).toEqual([]);
  });
});

describe('designatorMatches', () => {
  const d = { codeSet: 1, association: 0, designatorType: 3, designator: Buffer.from('0102', 'hex') };
  it('needs the same type, code set and bytes, LU association, and an E4h designator type', () => {
    const id = naaId(Buffer.from('0102', 'hex'));
    expect(designatorMatches(id, [d])).toBe(true);
    expect(designatorMatches({ ...id, designator: Buffer.from('0103', 'hex') }, [d])).toBe(false);
    expect(designatorMatches({ ...id, codeSet: 2 }, [d])).toBe(false);
    expect(designatorMatches({ ...id, designatorType: 2 }, [d])).toBe(false);
    expect(designatorMatches(id, [{ ...d, association: 2 }])).toBe(false);
    for (const t of [1, 2, 8])
      expect(designatorMatches({ ...id, designatorType: t }, [{ ...d, designatorType: t }])).toBe(true);
    for (const t of [0, 4, 5, 6, 7, 9])
      expect(designatorMatches({ ...id, designatorType: t }, [{ ...d, designatorType: t }])).toBe(false);
  });
});

describe('LocalLuResolver', () => {
  it('resolves by NAA to an in-process backend on the mover nexus, asking VPD 83h once per LU', async () => {
    const disk = ramDisk('lr-disk');
    const calls: string[] = [];
    const counting = {
      ...disk,
      deviceType: disk.deviceType,
      reset: () => undefined,
      execute: (req: Parameters<typeof disk.execute>[0]) => (
        calls.push(req.nexus.initiatorPort),
        disk.execute(req)
      ),
    };
    const r = new LocalLuResolver({ moverNexus: DEFAULT_MOVER_NEXUS, mayAccess: () => true });
    r.register('disk', counting);
    const signal = new AbortController().signal;
    const b = await r.resolve(naaId(disk.identity.naa), nexus(1), signal);
    expect(b.deviceType).toBe(0);
    expect(b.inProcess).toBe(true);
    await r.resolve(naaId(disk.identity.naa), nexus(1), signal);
    expect(calls).toEqual([DEFAULT_MOVER_NEXUS.initiatorPort]);
    await b.release?.();
    expect(r.list().map((e) => e.name)).toEqual(['disk']);
    expect(r.unregister('disk')).toBe(true);
    await expect(r.resolve(naaId(disk.identity.naa), nexus(1), signal)).rejects.toMatchObject({
      reason: 'not-found',
    });
  });

  it('says not-accessible when the predicate denies every match, passing the requester to it', async () => {
    const disk = ramDisk('lr-deny');
    const asked: string[] = [];
    const r = new LocalLuResolver({
      moverNexus: DEFAULT_MOVER_NEXUS,
      mayAccess: (n, e) => (asked.push(`${n.initiatorName} ${e.name}`), false),
    });
    r.register('secret', disk);
    const e = await r
      .resolve(naaId(disk.identity.naa), nexus(2), new AbortController().signal)
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CscdResolutionError);
    expect((e as CscdResolutionError).reason).toBe('not-accessible');
    expect(asked).toEqual([`${nexus(2).initiatorName} secret`]);
    await expect(
      r.resolve(naaId(naaFromId('nope')), nexus(2), new AbortController().signal),
    ).rejects.toMatchObject({ reason: 'not-found' });
  });
});

describe('ChainResolver', () => {
  const fail = (reason: 'not-found' | 'unreachable'): CscdResolver => ({
    resolve: () => Promise.reject(new CscdResolutionError(reason, reason)),
  });
  const id = naaId(Buffer.from('01', 'hex'));

  it('moves past not-found, reports the first other failure, or not-found when all miss', async () => {
    const signal = new AbortController().signal;
    await expect(
      new ChainResolver([fail('not-found'), fail('unreachable')]).resolve(id, nexus(1), signal),
    ).rejects.toMatchObject({ reason: 'unreachable' });
    await expect(new ChainResolver([fail('not-found')]).resolve(id, nexus(1), signal)).rejects.toMatchObject({
      reason: 'not-found',
    });
    const boom: CscdResolver = { resolve: () => Promise.reject(new Error('bug')) };
    await expect(new ChainResolver([boom]).resolve(id, nexus(1), signal)).rejects.toThrow('bug');
  });
});
