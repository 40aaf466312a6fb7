import fc from 'fast-check';
import {
  formatIscsiUrl,
  IscsiUrlError,
  parseIscsiUrl,
  parseTargetAddress,
  redact,
  type IscsiUrl,
} from '../../../targets/iscsi/url';

describe('iSCSI URLs (libiscsi syntax)', () => {
  it('parses the full form', () => {
    expect(parseIscsiUrl('iscsi://127.0.0.1:3261/iqn.2024-01.com.example:disk1/1')).toEqual({
      host: '127.0.0.1',
      port: 3261,
      targetName: 'iqn.2024-01.com.example:disk1',
      lun: 1,
    });
    expect(parseIscsiUrl('iscsi://alice%s3cret@host/iqn.x/0')).toEqual({
      host: 'host',
      port: 3260,
      targetName: 'iqn.x',
      lun: 0,
      user: 'alice',
      password: 's3cret',
    });
    expect(
      parseIscsiUrl(
        'iscsi://alice%pw@[::1]:3300/iqn.x/2?target_user=tgt&target_password=tpw&header_digest=crc32c-none',
      ),
    ).toEqual({
      host: '::1',
      port: 3300,
      targetName: 'iqn.x',
      lun: 2,
      user: 'alice',
      password: 'pw',
      targetUser: 'tgt',
      targetPassword: 'tpw',
      headerDigest: 'crc32c-none',
    });
    expect(parseIscsiUrl('iscsi://bob@h/iqn.x/3')).toMatchObject({ user: 'bob', lun: 3 });
    expect(parseIscsiUrl('iscsi://bob@h/iqn.x/3').password).toBeUndefined();
  });

  it('parses the portal form when the LUN is optional', () => {
    expect(parseIscsiUrl('iscsi://10.1.2.3', { requireLun: false })).toEqual({
      host: '10.1.2.3',
      port: 3260,
    });
    expect(parseIscsiUrl('iscsi://h:99/', { requireLun: false })).toEqual({ host: 'h', port: 99 });
    expect(() => parseIscsiUrl('iscsi://h:99/')).toThrow(IscsiUrlError);
  });

  it.each([
    'http://h/iqn/1',
    'iscsi:///iqn/1',
    'iscsi://h:0/iqn/1',
    'iscsi://h:65536/iqn/1',
    'iscsi://h:x/iqn/1',
    'iscsi://h/iqn',
    'iscsi://h//1',
    'iscsi://h/iqn/1/2',
    'iscsi://h/iqn/16384',
    'iscsi://h/iqn/-1',
    'iscsi://%pw@h/iqn/1',
    'iscsi://[::1/iqn/1',
    'iscsi://[::1]x/iqn/1',
    'iscsi://h/iqn/1?foo=bar',
    'iscsi://h/iqn/1?target_user=t',
    'iscsi://h/iqn/1?header_digest=md5',
    'iscsi://h/iqn/1?novalue',
  ])('rejects %s', (u) => {
    expect(() => parseIscsiUrl(u)).toThrow(IscsiUrlError);
  });

  it('never shows passwords in errors or logs', () => {
    try {
      parseIscsiUrl('iscsi://alice%topsecret@h/iqn/1?target_user=t&target_password=alsosecret&foo=1');
      throw new Error('accepted');
    } catch (e) {
      expect((e as Error).message).not.toMatch(/topsecret|alsosecret/);
    }
    expect(redact('iscsi://a%b@h/i/1?target_user=t&target_password=p')).toBe(
      'iscsi://a%***@h/i/1?target_user=t&target_password=***',
    );
  });

  it('format is the inverse of parse', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9._:-]{1,20}$/);
    const url: fc.Arbitrary<IscsiUrl> = fc
      .record({
        host: fc.oneof(
          fc.constant('127.0.0.1'),
          fc.constant('::1'),
          fc.stringMatching(/^[a-z][a-z0-9.-]{0,20}$/),
        ),
        port: fc.integer({ min: 1, max: 65535 }),
        target: fc.option(fc.tuple(word, fc.nat({ max: 16383 })), { nil: undefined }),
        cred: fc.option(fc.tuple(word, fc.option(word, { nil: undefined })), { nil: undefined }),
        mutual: fc.option(fc.tuple(word, word), { nil: undefined }),
        headerDigest: fc.option(fc.constantFrom('none' as const, 'crc32c' as const, 'none-crc32c' as const), {
          nil: undefined,
        }),
      })
      .map(({ host, port, target, cred, mutual, headerDigest }) => {
        const u: IscsiUrl = { host, port };
        if (target) [u.targetName, u.lun] = target;
        if (cred) {
          u.user = cred[0];
          if (cred[1] !== undefined) u.password = cred[1];
        }
        if (mutual) [u.targetUser, u.targetPassword] = mutual;
        if (headerDigest) u.headerDigest = headerDigest;
        return u;
      });
    fc.assert(
      fc.property(url, (u) => {
        expect(parseIscsiUrl(formatIscsiUrl(u), { requireLun: false })).toEqual(u);
      }),
    );
    expect(formatIscsiUrl({ host: 'h', port: 3260, targetName: 'iqn.x', lun: 1 })).toBe('iscsi://h/iqn.x/1');
    expect(formatIscsiUrl({ host: '::1', port: 3300 })).toBe('iscsi://[::1]:3300');
  });

  it('format refuses parts it cannot represent', () => {
    expect(() => formatIscsiUrl({ host: 'h', port: 3260, user: 'a%b' })).toThrow(IscsiUrlError);
    expect(() => formatIscsiUrl({ host: 'h', port: 3260, password: 'x' })).toThrow(IscsiUrlError);
    expect(() => formatIscsiUrl({ host: 'h', port: 3260, targetName: 'iqn' })).toThrow(IscsiUrlError);
    expect(() => formatIscsiUrl({ host: 'h', port: 3260, user: 'u', password: 'a@b' })).toThrow(
      IscsiUrlError,
    );
    expect(() => formatIscsiUrl({ host: '', port: 3260 })).toThrow(IscsiUrlError);
    expect(() => formatIscsiUrl({ host: 'h', port: 3260, targetUser: 'a&b', targetPassword: 'x' })).toThrow(
      IscsiUrlError,
    );
  });
});

describe('TargetAddress values (RFC 7143 13.8)', () => {
  it.each([
    ['10.0.0.1:3260,1', { host: '10.0.0.1', port: 3260, tpgt: 1 }],
    ['10.0.0.1,7', { host: '10.0.0.1', port: 3260, tpgt: 7 }],
    ['host.example', { host: 'host.example', port: 3260 }],
    ['[fe80::1]:3261,2', { host: 'fe80::1', port: 3261, tpgt: 2 }],
    ['[::1]', { host: '::1', port: 3260 }],
    ['fe80::1', { host: 'fe80::1', port: 3260 }],
  ])('%s', (v, want) => {
    expect(parseTargetAddress(v)).toEqual(want);
  });

  it.each(['', ',1', 'h:99999', 'h:1,x', 'h,70000', '[::1', '[::1]x'])('rejects %j', (v) => {
    expect(() => parseTargetAddress(v)).toThrow(IscsiUrlError);
  });
});
