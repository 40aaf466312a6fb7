import fc from 'fast-check';
import { PduError, RejectReason } from '../../../targets/iscsi/pdu';
import {
  parseText,
  serializeText,
  splitText,
  TextAssembler,
  textValue,
  type TextPair,
} from '../../../targets/iscsi/text';

const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9.\-+@_:]{0,62}$/);
const value = fc.string({ maxLength: 300 }).filter((s) => !s.includes('\0'));
const pairs = fc.array(fc.tuple(key, value), { maxLength: 20 }) as fc.Arbitrary<TextPair[]>;

describe('text key=value data', () => {
  it('serialises as key=value NUL', () => {
    expect(
      serializeText([
        ['HeaderDigest', 'None'],
        ['MaxBurstLength', '262144'],
      ]),
    ).toEqual(Buffer.from('HeaderDigest=None\0MaxBurstLength=262144\0', 'latin1'));
    expect(serializeText([])).toEqual(Buffer.alloc(0));
  });

  it('round trips any pairs, and tolerates padding NULs and a missing final NUL', () => {
    fc.assert(fc.property(pairs, (p) => expect(parseText(serializeText(p))).toEqual(p)));
    expect(parseText(Buffer.from('A=1\0B=\0\0\0', 'latin1'))).toEqual([
      ['A', '1'],
      ['B', ''],
    ]);
    expect(parseText(Buffer.from('A=1\0B=x=y', 'latin1'))).toEqual([
      ['A', '1'],
      ['B', 'x=y'],
    ]);
  });

  it('rejects items without "=", empty or bad key names, and huge values', () => {
    for (const s of [
      'novalue\0',
      '=x\0',
      'bad key=1\0',
      `${'K'.repeat(64)}=1\0`,
      `A=${'v'.repeat(8193)}\0`,
    ]) {
      try {
        parseText(Buffer.from(s, 'latin1'));
        throw new Error(`accepted ${s}`);
      } catch (e) {
        expect(e).toBeInstanceOf(PduError);
        expect((e as PduError).reason).toBe(RejectReason.ProtocolError);
      }
    }
    expect(() => serializeText([['a b', '1']])).toThrow(RangeError);
    expect(() => serializeText([['A', 'x\0y']])).toThrow(RangeError);
  });

  it('textValue finds the first occurrence', () => {
    expect(
      textValue(
        [
          ['A', '1'],
          ['B', '2'],
          ['A', '3'],
        ],
        'A',
      ),
    ).toBe('1');
    expect(textValue([], 'A')).toBeUndefined();
  });

  it('reassembles pairs split across PDUs with the C bit', () => {
    fc.assert(
      fc.property(pairs, fc.integer({ min: 1, max: 50 }), (p, seg) => {
        const parts = splitText(serializeText(p), seg);
        const asm = new TextAssembler();
        let result: TextPair[] | undefined;
        parts.forEach((part, i) => {
          const last = i === parts.length - 1;
          result = asm.push(part, !last);
          if (!last) {
            expect(result).toBeUndefined();
            expect(asm.pending).toBe(true);
          }
        });
        expect(result).toEqual(p);
        expect(asm.pending).toBe(false);
      }),
    );
  });

  it('splits at exactly maxLength', () => {
    const parts = splitText(Buffer.from('SendTargets=All\0', 'latin1'), 5);
    expect(parts.map((b) => b.toString('latin1'))).toEqual(['SendT', 'arget', 's=All', '\0']);
    expect(() => splitText(Buffer.alloc(1), 0)).toThrow(RangeError);
  });

  it('limits continued text', () => {
    const asm = new TextAssembler(10);
    asm.push(Buffer.alloc(8, 0x41), true);
    expect(() => asm.push(Buffer.alloc(8, 0x41), true)).toThrow(PduError);
    expect(asm.pending).toBe(false);
  });
});
