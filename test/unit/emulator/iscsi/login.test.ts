// Target-side login rules without sockets: stage checks, continuation, session types, CHAP keys,
// and the configuration checks.
import { createRamDisk } from '../../../../emulator/devices/disk';
import { validateConfig, type TargetConfig } from '../../../../emulator/iscsi/config';
import { LoginFailure, LoginHandler, LoginStatus, type LoginHost } from '../../../../emulator/iscsi/login';
import type { LogicalUnit } from '../../../../emulator/lu';
import type { LoginRequest } from '../../../../targets/iscsi/pdu';
import { parseText, serializeText, type TextPair } from '../../../../targets/iscsi/text';

const disk = createRamDisk({ identity: { id: 'login-unit' }, sizeBytes: 1 << 20 });
const target: TargetConfig = { name: 'iqn.2024-01.test:t', luns: new Map<number, LogicalUnit>([[0, disk]]) };

const host: LoginHost = {
  portalGroupTag: 3,
  negotiation: {},
  findTarget: (n) => (n === target.name ? target : undefined),
};

function req(pairs: TextPair[], p: Partial<LoginRequest> = {}): LoginRequest {
  return {
    kind: 'login-request',
    transit: true,
    continue: false,
    csg: 0,
    nsg: 1,
    versionMax: 0,
    versionMin: 0,
    isid: 0x400000000001,
    tsih: 0,
    itt: 1,
    cid: 0,
    cmdSN: 5,
    expStatSN: 0,
    data: serializeText(pairs),
    ...p,
  };
}

const NAMES: TextPair[] = [
  ['InitiatorName', 'iqn.2024-01.test:i'],
  ['SessionType', 'Normal'],
  ['TargetName', target.name],
  ['AuthMethod', 'None'],
];

function status(f: () => unknown): number {
  try {
    f();
  } catch (e) {
    if (e instanceof LoginFailure) return e.status;
    throw e;
  }
  return 0;
}

describe('LoginHandler', () => {
  it('goes security -> operational -> full feature and reports the result', () => {
    const h = new LoginHandler(host);
    const s1 = h.handle(req(NAMES));
    expect(s1).toMatchObject({ kind: 'respond', transit: true, csg: 0, nsg: 1 });
    if (s1.kind !== 'respond') return;
    expect(s1.pairs).toContainEqual(['TargetPortalGroupTag', '3']);
    expect(s1.pairs).toContainEqual(['AuthMethod', 'None']);
    const s2 = h.handle(req([['MaxBurstLength', '65536']], { csg: 1, nsg: 3 }));
    expect(s2.kind).toBe('complete');
    if (s2.kind !== 'complete') return;
    expect(s2.pairs).toContainEqual(['MaxBurstLength', '65536']);
    expect(s2.pairs.find(([k]) => k === 'MaxRecvDataSegmentLength')).toBeDefined();
    expect(s2.result).toMatchObject({
      initiatorName: 'iqn.2024-01.test:i',
      target,
      isid: 0x400000000001,
      cmdSN: 5,
    });
    expect(s2.result.params.maxBurstLength).toBe(65536);
  });

  it('answers a continued request (C=1) with an empty response and reads the whole text after', () => {
    const h = new LoginHandler(host);
    const text = serializeText(NAMES);
    const a = h.handle(req([], { transit: false, continue: true, data: text.subarray(0, 20) }));
    expect(a).toEqual({ kind: 'respond', transit: false, csg: 0, nsg: 0, pairs: [] });
    const b = h.handle(req([], { data: text.subarray(20) }));
    expect(b.kind).toBe('respond');
    expect(h.initiator).toBe('iqn.2024-01.test:i');
  });

  it('refuses bad stages, changed ISID, T+C, and unknown session types', () => {
    expect(status(() => new LoginHandler(host).handle(req(NAMES, { csg: 3 })))).toBe(
      LoginStatus.InvalidDuringLogin,
    );
    expect(status(() => new LoginHandler(host).handle(req(NAMES, { csg: 1, nsg: 1 })))).toBe(
      LoginStatus.InvalidDuringLogin,
    );
    expect(status(() => new LoginHandler(host).handle(req(NAMES, { nsg: 2 })))).toBe(
      LoginStatus.InvalidDuringLogin,
    );
    expect(status(() => new LoginHandler(host).handle(req(NAMES, { continue: true })))).toBe(
      LoginStatus.InvalidDuringLogin,
    );
    const h = new LoginHandler(host);
    h.handle(req(NAMES, { transit: false }));
    expect(status(() => h.handle(req([], { isid: 9 })))).toBe(LoginStatus.InvalidDuringLogin);
    expect(
      status(() =>
        new LoginHandler(host).handle(
          req([
            ['InitiatorName', 'iqn.2024-01.test:i'],
            ['SessionType', 'Other'],
          ]),
        ),
      ),
    ).toBe(LoginStatus.SessionTypeNotSupported);
    expect(status(() => new LoginHandler(host).handle(req([['InitiatorName', 'iqn.2024-01.test:i']])))).toBe(
      LoginStatus.MissingParameter,
    );
  });

  it('a key negotiated twice is an initiator error; CHAP keys without CHAP too', () => {
    const h = new LoginHandler(host);
    h.handle(req([...NAMES, ['MaxBurstLength', '65536']], { transit: false }));
    expect(status(() => h.handle(req([['MaxBurstLength', '65536']])))).toBe(LoginStatus.InitiatorError);
    expect(status(() => new LoginHandler(host).handle(req([...NAMES, ['CHAP_A', '5']])))).toBe(
      LoginStatus.InitiatorError,
    );
    const op = new LoginHandler(host);
    op.handle(req(NAMES));
    expect(status(() => op.handle(req([['CHAP_A', '5']], { csg: 1, nsg: 3 })))).toBe(
      LoginStatus.InitiatorError,
    );
  });

  it('a discovery session needs no TargetName and negotiates no digests', () => {
    const h = new LoginHandler(host);
    const s = h.handle(
      req(
        [
          ['InitiatorName', 'iqn.2024-01.test:i'],
          ['SessionType', 'Discovery'],
          ['HeaderDigest', 'CRC32C,None'],
        ],
        {
          csg: 1,
          nsg: 3,
        },
      ),
    );
    expect(s.kind).toBe('complete');
    if (s.kind !== 'complete') return;
    expect(s.pairs).toContainEqual(['HeaderDigest', 'None']);
    expect(s.pairs.find(([k]) => k === 'TargetPortalGroupTag')).toBeUndefined();
    expect(s.result.target).toBeUndefined();
  });

  it('CHAP: the challenge comes after CHAP_A, a wrong response fails with 0201h', () => {
    const chapTarget: TargetConfig = { ...target, chap: { users: [{ user: 'u', secret: 'secret-secret' }] } };
    const h = new LoginHandler({ ...host, findTarget: () => chapTarget });
    const a = h.handle(req([...NAMES.slice(0, 3), ['AuthMethod', 'CHAP,None']], { transit: false }));
    expect(a.kind === 'respond' && a.pairs).toContainEqual(['AuthMethod', 'CHAP']);
    const b = h.handle(req([['CHAP_A', '7,5']], { transit: false }));
    if (b.kind !== 'respond') throw new Error('expected respond');
    expect(b.pairs.map(([k]) => k)).toEqual(['CHAP_A', 'CHAP_I', 'CHAP_C']);
    expect(parseText(serializeText(b.pairs))[0]).toEqual(['CHAP_A', '5']);
    expect(
      status(() =>
        h.handle(
          req([
            ['CHAP_N', 'u'],
            ['CHAP_R', '0x00'],
          ]),
        ),
      ),
    ).toBe(LoginStatus.AuthenticationFailure);
  });
});

describe('validateConfig', () => {
  const luns = new Map<number, LogicalUnit>([[0, disk]]);
  it('accepts a good configuration', () => {
    expect(() => validateConfig({ targets: [{ name: 'iqn.2024-01.test:a', luns }] })).not.toThrow();
  });
  it('refuses bad names, duplicates, missing LUN 0, bad TPGT and window', () => {
    expect(() => validateConfig({ targets: [] })).toThrow(/at least one/);
    expect(() => validateConfig({ targets: [{ name: 'not-an-iqn', luns }] })).toThrow(/not an iSCSI name/);
    expect(() =>
      validateConfig({
        targets: [
          { name: 'iqn.2024-01.test:a', luns },
          { name: 'iqn.2024-01.test:A', luns },
        ],
      }),
    ).toThrow(/twice/);
    expect(() =>
      validateConfig({ targets: [{ name: 'iqn.2024-01.test:a', luns: new Map([[1, disk]]) }] }),
    ).toThrow(/no LUN 0/);
    expect(() =>
      validateConfig({ targets: [{ name: 'iqn.2024-01.test:a', luns }], portalGroupTag: 0 }),
    ).toThrow(/portal group/);
    expect(() =>
      validateConfig({ targets: [{ name: 'iqn.2024-01.test:a', luns }], commandWindow: 0 }),
    ).toThrow(/window/);
    expect(() =>
      validateConfig({ targets: [{ name: 'iqn.2024-01.test:a', luns, chap: { users: [] } }] }),
    ).toThrow(/CHAP/);
  });
});
