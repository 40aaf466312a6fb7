// Access control of CSCD resolution (CVE-2020-28374): an initiator can only make the copy manager read
// or write LUs it may access itself. A denied LU and a missing LU look the same (0A/08/04).
import type { DiskDevice } from '../../emulator/devices/disk';
import { createRamDisk } from '../../emulator/devices/disk';
import type { ItNexus } from '../../emulator/lu';
import { CopyManager } from '../../emulator/mover/copy-manager';
import { DEFAULT_MOVER_NEXUS } from '../../emulator/mover/config';
import { LocalLuResolver } from '../../emulator/mover/local-resolver';
import {
  ChainResolver,
  type CscdIdentification,
  CscdResolutionError,
  RemoteResolver,
  type RemoteLuDirectory,
  type RemoteLuRef,
} from '../../emulator/mover/resolver';
import { designatorMatches } from '../../emulator/mover/designators';
import { InProcessTransport } from '../../targets/inprocess-transport';
import { TransportError } from '../../targets/transport';
import { FaultInjectingLu } from '../../emulator/faults/fault-lu';
import {
  b2b,
  diskTarget,
  kcq,
  naaTarget,
  nexus,
  paramList,
  pattern,
  readBlocks,
  senseOf,
  writeBlocks,
  xcopy,
} from '../unit/mover/helpers';

const MiB = 1024 * 1024;
const ALICE = nexus(1);
const BOB = nexus(2);

/** ACL: alice may use "alice-*" LUs, bob may use "bob-*" LUs. */
function acl(n: ItNexus, name: string): boolean {
  const who = n.initiatorName.endsWith('init1')
    ? 'alice'
    : n.initiatorName.endsWith('init2')
      ? 'bob'
      : 'nobody';
  return name.startsWith(`${who}-`);
}

function setup() {
  const aliceDisk = createRamDisk({ identity: { id: 'alice-disk' }, sizeBytes: MiB });
  const bobSecret = createRamDisk({ identity: { id: 'bob-secret' }, sizeBytes: MiB });
  const resolver = new LocalLuResolver({
    moverNexus: DEFAULT_MOVER_NEXUS,
    mayAccess: (n, e) => acl(n, e.name),
  });
  resolver.register('alice-disk', aliceDisk);
  resolver.register('bob-secret', bobSecret);
  const cm = new CopyManager({ self: aliceDisk, resolver });
  return { aliceDisk, bobSecret, cm };
}

function steal(from: DiskDevice, to: DiskDevice, listIdentifier = 1): Buffer {
  return paramList({
    listIdentifier,
    targets: [diskTarget(from), diskTarget(to)],
    segments: [b2b(0, 1, 8, 0n, 0n)],
  });
}

describe('CSCD access control', () => {
  it("alice cannot copy bob's LU into her own: COPY ABORTED, UNREACHABLE COPY TARGET, nothing written", async () => {
    const { aliceDisk, bobSecret, cm } = setup();
    await writeBlocks(bobSecret, 0n, pattern(8 * 512, 1));
    const r = await cm.extendedCopy(xcopy(steal(bobSecret, aliceDisk), ALICE));
    expect(kcq(r)).toBe('0a/08/04');
    expect(senseOf(r).senseKeySpecific).toEqual({
      kind: 'segmentPointer',
      segmentDescriptor: false,
      fieldPointer: 16,
    });
    expect(senseOf(r).commandSpecificInformation).toBe(0n);
    expect((await readBlocks(aliceDisk, 0n, 8)).equals(Buffer.alloc(8 * 512))).toBe(true);
  });

  it('nor write into it, and a denied LU answers exactly like a missing one', async () => {
    const { aliceDisk, bobSecret, cm } = setup();
    await writeBlocks(bobSecret, 0n, pattern(8 * 512, 2));
    const denied = await cm.extendedCopy(xcopy(steal(aliceDisk, bobSecret), ALICE));
    expect(kcq(denied)).toBe('0a/08/04');
    expect((await readBlocks(bobSecret, 0n, 8)).equals(pattern(8 * 512, 2))).toBe(true);
    const ghost = naaTarget(Buffer.from('60af7c30000000000000000000000001', 'hex'));
    const missing = await cm.extendedCopy(
      xcopy(
        paramList({
          listIdentifier: 1,
          targets: [diskTarget(aliceDisk), ghost],
          segments: [b2b(0, 1, 8, 0n, 0n)],
        }),
        ALICE,
      ),
    );
    expect(missing.sense?.equals(denied.sense as Buffer)).toBe(true);
  });

  it("bob may read his own LU but not write it into alice's: the ACL is checked per CSCD", async () => {
    const { aliceDisk, bobSecret, cm } = setup();
    expect(kcq(await cm.extendedCopy(xcopy(steal(bobSecret, aliceDisk), BOB)))).toBe('0a/08/04');
  });

  it('an initiator copies between LUs it may access', async () => {
    const { aliceDisk } = setup();
    const other = createRamDisk({ identity: { id: 'alice-backup' }, sizeBytes: MiB });
    const resolver = new LocalLuResolver({
      moverNexus: DEFAULT_MOVER_NEXUS,
      mayAccess: (n, e) => acl(n, e.name),
    });
    resolver.register('alice-disk', aliceDisk);
    resolver.register('alice-backup', other);
    const cm2 = new CopyManager({ self: aliceDisk, resolver });
    await writeBlocks(aliceDisk, 0n, pattern(8 * 512, 3));
    expect((await cm2.extendedCopy(xcopy(steal(aliceDisk, other), ALICE))).status).toBe(0);
    expect((await readBlocks(other, 0n, 8)).equals(pattern(8 * 512, 3))).toBe(true);
  });

  it('only LU-association designators of the E4h types match (NAA here); a target port name never does', () => {
    const id: CscdIdentification = {
      peripheralDeviceType: 0,
      codeSet: 3,
      association: 1,
      designatorType: 8,
      designator: Buffer.from('iqn.x,t,0x1\0'),
      relativeInitiatorPortIdentifier: 0,
    };
    const port = { codeSet: 3, association: 1, designatorType: 8, designator: Buffer.from('iqn.x,t,0x1\0') };
    expect(designatorMatches(id, [port])).toBe(false);
    expect(designatorMatches({ ...id, association: 0 }, [{ ...port, association: 0 }])).toBe(true);
    expect(designatorMatches({ ...id, association: 0, codeSet: 2 }, [{ ...port, association: 0 }])).toBe(
      false,
    );
    expect(
      designatorMatches({ ...id, association: 0, designatorType: 0 }, [
        { ...port, association: 0, designatorType: 0 },
      ]),
    ).toBe(false);
  });
});

describe('unreachable CSCDs', () => {
  it('an LU that drops the connection on INQUIRY, and a resolver whose transport fails, are 0A/08/04', async () => {
    const local = createRamDisk({ identity: { id: 'alice-ok' }, sizeBytes: MiB });
    const flaky = createRamDisk({ identity: { id: 'alice-flaky' }, sizeBytes: MiB });
    const resolver = new LocalLuResolver({ moverNexus: DEFAULT_MOVER_NEXUS, mayAccess: () => true });
    resolver.register('alice-ok', local);
    resolver.register(
      'alice-flaky',
      new FaultInjectingLu(flaky, [{ kind: 'connection-loss', opcodes: [0x12] }]),
    );
    const cm = new CopyManager({ self: local, resolver });
    expect(kcq(await cm.extendedCopy(xcopy(steal(local, flaky), ALICE)))).toBe('0a/08/04');
    const broken = new CopyManager({
      self: local,
      resolver: { resolve: () => Promise.reject(new TransportError('session lost', false)) },
    });
    expect(kcq(await broken.extendedCopy(xcopy(steal(local, flaky), ALICE)))).toBe('0a/08/04');
  });
});

describe('resolver chain with a remote LU directory', () => {
  /** A directory of LUs "on another target", reached through in-process transports. */
  function directory(
    lus: Record<string, DiskDevice>,
    up: boolean,
    mayAccess: (n: ItNexus, name: string) => boolean,
  ): RemoteLuDirectory {
    return {
      lookup: (id) =>
        Promise.resolve(
          Object.entries(lus)
            .filter(([, lu]) =>
              designatorMatches(id, [
                { codeSet: 1, association: 0, designatorType: 3, designator: lu.identity.naa },
              ]),
            )
            .map(([name, lu]): RemoteLuRef => ({ name, deviceType: lu.deviceType })),
        ),
      mayAccess: (n, ref) => mayAccess(n, ref.name),
      open: (ref) => {
        if (!up) return Promise.reject(new CscdResolutionError('unreachable', `${ref.name}: target down`));
        const transport = new InProcessTransport(lus[ref.name], { nexus: DEFAULT_MOVER_NEXUS });
        return Promise.resolve({
          transport,
          deviceType: lus[ref.name].deviceType,
          release: () => transport.close(),
        });
      },
    };
  }

  it('finds LUs the local registry does not have, with the same access rules', async () => {
    const local = createRamDisk({ identity: { id: 'alice-local' }, sizeBytes: MiB });
    const remote = createRamDisk({ identity: { id: 'alice-remote' }, sizeBytes: MiB });
    const bobs = createRamDisk({ identity: { id: 'bob-remote' }, sizeBytes: MiB });
    const localResolver = new LocalLuResolver({
      moverNexus: DEFAULT_MOVER_NEXUS,
      mayAccess: (n, e) => acl(n, e.name),
    });
    localResolver.register('alice-local', local);
    const chain = new ChainResolver([
      localResolver,
      new RemoteResolver(directory({ 'alice-remote': remote, 'bob-remote': bobs }, true, acl)),
    ]);
    const cm = new CopyManager({ self: local, resolver: chain });
    await writeBlocks(local, 0n, pattern(8 * 512, 4));
    expect((await cm.extendedCopy(xcopy(steal(local, remote), ALICE))).status).toBe(0);
    expect((await readBlocks(remote, 0n, 8)).equals(pattern(8 * 512, 4))).toBe(true);
    expect(kcq(await cm.extendedCopy(xcopy(steal(local, bobs), ALICE)))).toBe('0a/08/04');
  });

  it('a remote target that is down is UNREACHABLE COPY TARGET too', async () => {
    const local = createRamDisk({ identity: { id: 'alice-l2' }, sizeBytes: MiB });
    const remote = createRamDisk({ identity: { id: 'alice-r2' }, sizeBytes: MiB });
    const localResolver = new LocalLuResolver({ moverNexus: DEFAULT_MOVER_NEXUS, mayAccess: () => true });
    localResolver.register('alice-l2', local);
    const cm = new CopyManager({
      self: local,
      resolver: new ChainResolver([
        localResolver,
        new RemoteResolver(directory({ 'alice-r2': remote }, false, () => true)),
      ]),
    });
    expect(kcq(await cm.extendedCopy(xcopy(steal(local, remote), ALICE)))).toBe('0a/08/04');
  });
});
