import { createHash } from 'node:crypto';
import {
  chapMd5Response,
  ChapError,
  ChapInitiator,
  ChapTarget,
  decodeChapBinary,
  encodeChapBinary,
} from '../../../targets/iscsi/chap';
import { textValue, type TextPair } from '../../../targets/iscsi/text';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const md5 = (...parts: Buffer[]): Buffer => {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** Deterministic random source: returns the queued buffers in order. */
function fixedRandom(...bufs: Buffer[]): (n: number) => Buffer {
  return (n: number) => {
    const b = bufs.shift();
    if (!b || b.length !== n) throw new Error(`unexpected random request of ${n} bytes`);
    return b;
  };
}

function get(pairs: TextPair[], k: string): string {
  const v = textValue(pairs, k);
  if (v === undefined) throw new Error(`missing ${k}`);
  return v;
}

describe('CHAP MD5 (RFC 1994)', () => {
  it('response = MD5(identifier || secret || challenge)', () => {
    const challenge = hex('0123456789abcdef0123456789abcdef');
    expect(chapMd5Response(0x2a, 'secretsecret', challenge)).toEqual(
      md5(Buffer.from([0x2a]), Buffer.from('secretsecret'), challenge),
    );
    // Fixed vector, computed once with md5sum over the bytes 07 'abc' 'xyz'.
    expect(chapMd5Response(7, 'abc', Buffer.from('xyz'))).toEqual(md5(hex('07616263'), Buffer.from('xyz')));
    expect(() => chapMd5Response(256, 'a', Buffer.alloc(1))).toThrow(RangeError);
  });

  it('binary values: 0x hex and 0b base64', () => {
    expect(encodeChapBinary(hex('00ff10'))).toBe('0x00ff10');
    expect(encodeChapBinary(hex('00ff10'), 'base64')).toBe('0bAP8Q');
    expect(decodeChapBinary('0x00FF10')).toEqual(hex('00ff10'));
    expect(decodeChapBinary('0X00ff10')).toEqual(hex('00ff10'));
    expect(decodeChapBinary('0xf10')).toEqual(hex('0f10'));
    expect(decodeChapBinary('0bAP8Q')).toEqual(hex('00ff10'));
    expect(decodeChapBinary('0BAP8Q')).toEqual(hex('00ff10'));
    for (const bad of ['00ff', '0x', '0xzz', '0b', '0b!!!!', '0bA'])
      expect(() => decodeChapBinary(bad)).toThrow(ChapError);
  });
});

describe('CHAP exchange', () => {
  const targetChallenge = hex('a1a2a3a4a5a6a7a8a9aaabacadaeafb0');
  const initiatorChallenge = hex('c1c2c3c4c5c6c7c8c9cacbcccdcecfd0');

  it('one-way: the initiator proves its secret', () => {
    const ini = new ChapInitiator({ credentials: { user: 'alice', secret: 'alicesecret12' } });
    const tgt = new ChapTarget({
      lookupSecret: (u) => (u === 'alice' ? 'alicesecret12' : undefined),
      randomBytes: fixedRandom(Buffer.from([0x11]), targetChallenge),
    });
    expect(ini.start()).toEqual([['CHAP_A', '5']]);
    const challenge = tgt.challenge([['CHAP_A', '7,5']]);
    expect(challenge).toEqual([
      ['CHAP_A', '5'],
      ['CHAP_I', '17'],
      ['CHAP_C', '0xa1a2a3a4a5a6a7a8a9aaabacadaeafb0'],
    ]);
    const resp = ini.respond(challenge);
    expect(get(resp, 'CHAP_N')).toBe('alice');
    const expected = md5(Buffer.from([17]), Buffer.from('alicesecret12'), targetChallenge);
    expect(get(resp, 'CHAP_R')).toBe(`0x${expected.toString('hex')}`);
    expect(textValue(resp, 'CHAP_C')).toBeUndefined();
    expect(tgt.verify(resp)).toEqual({ user: 'alice', reply: [] });
  });

  it('mutual: both sides prove their secrets', () => {
    const ini = new ChapInitiator({
      credentials: { user: 'alice', secret: 'alicesecret12' },
      mutual: { user: 'tgt', secret: 'targetsecret1' },
      randomBytes: fixedRandom(initiatorChallenge, Buffer.from([0x99])),
    });
    const tgt = new ChapTarget({
      lookupSecret: () => 'alicesecret12',
      targetCredentials: { user: 'tgt', secret: 'targetsecret1' },
      randomBytes: fixedRandom(Buffer.from([3]), targetChallenge),
    });
    const resp = ini.respond(tgt.challenge(ini.start()));
    expect(get(resp, 'CHAP_I')).toBe('153');
    expect(get(resp, 'CHAP_C')).toBe(`0x${initiatorChallenge.toString('hex')}`);
    const { user, reply } = tgt.verify(resp);
    expect(user).toBe('alice');
    expect(reply).toEqual([
      ['CHAP_N', 'tgt'],
      [
        'CHAP_R',
        `0x${md5(Buffer.from([0x99]), Buffer.from('targetsecret1'), initiatorChallenge).toString('hex')}`,
      ],
    ]);
    expect(() => ini.verify(reply)).not.toThrow();
    expect(() => ini.verify([['CHAP_N', 'other'], reply[1]])).toThrow(ChapError);
    expect(() => ini.verify([reply[0], ['CHAP_R', '0x00']])).toThrow(ChapError);
  });

  it('accepts base64 challenges and answers a 1024-byte challenge', () => {
    const ini = new ChapInitiator({ credentials: { user: 'u', secret: 'secretsecret' } });
    const big = Buffer.alloc(1024, 7);
    const resp = ini.respond([
      ['CHAP_A', '5'],
      ['CHAP_I', '0'],
      ['CHAP_C', `0b${big.toString('base64')}`],
    ]);
    expect(get(resp, 'CHAP_R')).toBe(
      `0x${md5(Buffer.from([0]), Buffer.from('secretsecret'), big).toString('hex')}`,
    );
  });

  it('the initiator refuses bad challenges', () => {
    const ini = new ChapInitiator({ credentials: { user: 'u', secret: 'secretsecret' } });
    const ok: TextPair[] = [
      ['CHAP_A', '5'],
      ['CHAP_I', '1'],
      ['CHAP_C', '0x01'],
    ];
    const without = (k: string): TextPair[] => ok.filter(([key]) => key !== k);
    const replace = (k: string, v: string): TextPair[] => ok.map(([key, val]) => [key, key === k ? v : val]);
    expect(() => ini.respond(replace('CHAP_A', '7'))).toThrow(ChapError);
    expect(() => ini.respond(without('CHAP_A'))).toThrow(ChapError);
    expect(() => ini.respond(without('CHAP_I'))).toThrow(ChapError);
    expect(() => ini.respond(replace('CHAP_I', '256'))).toThrow(ChapError);
    expect(() => ini.respond(without('CHAP_C'))).toThrow(ChapError);
    expect(() => ini.respond(replace('CHAP_C', `0x${'00'.repeat(1025)}`))).toThrow(ChapError);
    expect(() => ini.respond(replace('CHAP_I', '0x0f'))).not.toThrow();
  });

  it('refuses equal secrets for both directions', () => {
    expect(
      () =>
        new ChapInitiator({
          credentials: { user: 'a', secret: 'samesecret12' },
          mutual: { user: 't', secret: 'samesecret12' },
        }),
    ).toThrow(ChapError);
    const tgt = new ChapTarget({
      lookupSecret: () => 'samesecret12',
      targetCredentials: { user: 't', secret: 'samesecret12' },
      randomBytes: fixedRandom(Buffer.from([1]), targetChallenge),
    });
    tgt.challenge([['CHAP_A', '5']]);
    const r = encodeChapBinary(chapMd5Response(1, 'samesecret12', targetChallenge));
    expect(() =>
      tgt.verify([
        ['CHAP_N', 'a'],
        ['CHAP_R', r],
        ['CHAP_I', '2'],
        ['CHAP_C', '0x0102'],
      ]),
    ).toThrow(ChapError);
  });

  it('the target refuses a reflected challenge', () => {
    const tgt = new ChapTarget({
      lookupSecret: () => 'alicesecret12',
      targetCredentials: { user: 'tgt', secret: 'targetsecret1' },
      randomBytes: fixedRandom(Buffer.from([5]), targetChallenge),
    });
    const c = tgt.challenge([['CHAP_A', '5']]);
    const r = encodeChapBinary(chapMd5Response(5, 'alicesecret12', targetChallenge));
    expect(() =>
      tgt.verify([
        ['CHAP_N', 'alice'],
        ['CHAP_R', r],
        ['CHAP_I', '5'],
        ['CHAP_C', get(c, 'CHAP_C')],
      ]),
    ).toThrow(/reflected/);
  });

  it('a challenge issued by one target connection and sent back on another is refused', () => {
    const first = new ChapTarget({
      lookupSecret: () => 'alicesecret12',
      targetCredentials: { user: 'tgt', secret: 'targetsecret1' },
      challengeLength: 8,
      randomBytes: fixedRandom(Buffer.from([1]), hex('5555555555555555')),
    });
    first.challenge([['CHAP_A', '5']]);
    const second = new ChapTarget({
      lookupSecret: () => 'alicesecret12',
      targetCredentials: { user: 'tgt', secret: 'targetsecret1' },
      challengeLength: 8,
      randomBytes: fixedRandom(Buffer.from([2]), hex('6666666666666666')),
    });
    second.challenge([['CHAP_A', '5']]);
    const r = encodeChapBinary(chapMd5Response(2, 'alicesecret12', hex('6666666666666666')));
    expect(() =>
      second.verify([
        ['CHAP_N', 'alice'],
        ['CHAP_R', r],
        ['CHAP_I', '1'],
        ['CHAP_C', '0x5555555555555555'],
      ]),
    ).toThrow(/reflected/);
  });

  it('the target refuses a response equal to its own (reflection) and wrong responses', () => {
    const tgt = new ChapTarget({
      lookupSecret: (u) => (u === 'alice' ? 'alicesecret12' : undefined),
      targetCredentials: { user: 'tgt', secret: 'targetsecret1' },
      challengeLength: 8,
      randomBytes: fixedRandom(Buffer.from([9]), hex('7777777777777777')),
    });
    tgt.challenge([['CHAP_A', '5']]);
    const own = encodeChapBinary(chapMd5Response(9, 'targetsecret1', hex('7777777777777777')));
    expect(() =>
      tgt.verify([
        ['CHAP_N', 'alice'],
        ['CHAP_R', own],
      ]),
    ).toThrow(/reflection/);
    expect(() =>
      tgt.verify([
        ['CHAP_N', 'alice'],
        ['CHAP_R', '0x00'],
      ]),
    ).toThrow(/wrong/);
    expect(() =>
      tgt.verify([
        ['CHAP_N', 'bob'],
        ['CHAP_R', '0x00'],
      ]),
    ).toThrow(/unknown/);
    expect(() => tgt.verify([['CHAP_N', 'alice']])).toThrow(ChapError);
  });

  it('the target refuses algorithm lists without MD5 and mutual requests without credentials', () => {
    const tgt = new ChapTarget({
      lookupSecret: () => 'alicesecret12',
      randomBytes: fixedRandom(Buffer.from([1]), Buffer.alloc(16, 1)),
    });
    expect(() => tgt.challenge([['CHAP_A', '6,7']])).toThrow(ChapError);
    expect(() => tgt.challenge([])).toThrow(ChapError);
    expect(() => tgt.verify([])).toThrow(/no challenge/);
    tgt.challenge([['CHAP_A', '5']]);
    const r = encodeChapBinary(chapMd5Response(1, 'alicesecret12', Buffer.alloc(16, 1)));
    const e = (() => {
      try {
        tgt.verify([
          ['CHAP_N', 'alice'],
          ['CHAP_R', r],
          ['CHAP_I', '1'],
          ['CHAP_C', '0x42'],
        ]);
      } catch (err) {
        return err as ChapError;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(ChapError);
    expect(e?.statusDetail).toBe(2);
  });

  it('the initiator refuses a target that reflects the initiator challenge', () => {
    const ini = new ChapInitiator({
      credentials: { user: 'alice', secret: 'alicesecret12' },
      mutual: { user: 'tgt', secret: 'targetsecret1' },
      randomBytes: fixedRandom(hex('8888888888888888888888888888888a'), Buffer.from([4])),
    });
    ini.respond([
      ['CHAP_A', '5'],
      ['CHAP_I', '1'],
      ['CHAP_C', '0x01'],
    ]);
    const ini2 = new ChapInitiator({ credentials: { user: 'alice', secret: 'alicesecret12' } });
    expect(() =>
      ini2.respond([
        ['CHAP_A', '5'],
        ['CHAP_I', '4'],
        ['CHAP_C', '0x8888888888888888888888888888888a'],
      ]),
    ).toThrow(/reflected/);
    // A mutual response equal to what the initiator would compute with its own secret is refused.
    const own = encodeChapBinary(
      chapMd5Response(4, 'alicesecret12', hex('8888888888888888888888888888888a')),
    );
    expect(() =>
      ini.verify([
        ['CHAP_N', 'tgt'],
        ['CHAP_R', own],
      ]),
    ).toThrow(/reflection/);
    expect(() => new ChapInitiator({ credentials: { user: 'a', secret: 'x' } }).verify([])).toThrow(
      ChapError,
    );
  });
});
