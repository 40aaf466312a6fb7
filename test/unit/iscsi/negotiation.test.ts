import fc from 'fast-check';
import {
  acceptResponse,
  DEFAULT_SETTINGS,
  isChapKey,
  KEYS,
  NegotiationError,
  Negotiator,
  OPERATIONAL_KEYS,
  parseNumber,
  respondToOffer,
  type KeyDefinition,
} from '../../../targets/iscsi/negotiation';

const def = (k: string): KeyDefinition => {
  const d = KEYS.get(k);
  if (!d) throw new Error(`no key ${k}`);
  return d;
};

describe('key table (RFC 7143 section 13)', () => {
  it.each([
    ['MaxRecvDataSegmentLength', 'declarative', '8192'],
    ['MaxBurstLength', 'min', '262144'],
    ['FirstBurstLength', 'min', '65536'],
    ['MaxOutstandingR2T', 'min', '1'],
    ['ErrorRecoveryLevel', 'min', '0'],
    ['MaxConnections', 'min', '1'],
    ['DefaultTime2Wait', 'max', '2'],
    ['DefaultTime2Retain', 'min', '20'],
    ['ImmediateData', 'and', 'Yes'],
    ['InitialR2T', 'or', 'Yes'],
    ['DataPDUInOrder', 'or', 'Yes'],
    ['DataSequenceInOrder', 'or', 'Yes'],
    ['HeaderDigest', 'list', 'None'],
    ['DataDigest', 'list', 'None'],
    ['AuthMethod', 'list', 'None'],
    ['SessionType', 'declarative', 'Normal'],
    ['OFMarker', 'and', 'No'],
    ['IFMarker', 'and', 'No'],
    ['OFMarkInt', 'marker-interval', '2048'],
    ['IFMarkInt', 'marker-interval', '2048'],
  ])('%s: %s, default %s', (k, rule, dflt) => {
    expect(def(k).rule).toBe(rule);
    expect(def(k).default).toBe(dflt);
  });

  it('declarative names', () => {
    for (const k of [
      'TargetName',
      'InitiatorName',
      'TargetAlias',
      'InitiatorAlias',
      'TargetAddress',
      'TargetPortalGroupTag',
    ]) {
      expect(def(k).rule).toBe('declarative');
    }
  });

  it('CHAP keys are recognised', () => {
    expect(isChapKey('CHAP_R')).toBe(true);
    expect(isChapKey('AuthMethod')).toBe(false);
  });

  it('numbers are decimal or 0x hex', () => {
    expect(parseNumber('8192')).toBe(8192);
    expect(parseNumber('0x2000')).toBe(8192);
    expect(parseNumber('-1')).toBeNaN();
    expect(parseNumber('12a')).toBeNaN();
    expect(parseNumber('')).toBeNaN();
  });
});

describe('responder rules', () => {
  it.each([
    // key, offered, local, answer
    ['MaxBurstLength', '1048576', '262144', '262144'],
    ['MaxBurstLength', '65536', '262144', '65536'],
    ['FirstBurstLength', '0x10000', '262144', '65536'],
    ['MaxOutstandingR2T', '8', '1', '1'],
    ['ErrorRecoveryLevel', '2', '0', '0'],
    ['MaxConnections', '4', '1', '1'],
    ['DefaultTime2Retain', '0', '20', '0'],
    ['DefaultTime2Wait', '0', '2', '2'],
    ['DefaultTime2Wait', '10', '2', '10'],
    ['ImmediateData', 'Yes', 'Yes', 'Yes'],
    ['ImmediateData', 'Yes', 'No', 'No'],
    ['ImmediateData', 'No', 'Yes', 'No'],
    ['InitialR2T', 'No', 'No', 'No'],
    ['InitialR2T', 'No', 'Yes', 'Yes'],
    ['InitialR2T', 'Yes', 'No', 'Yes'],
    ['DataPDUInOrder', 'No', 'Yes', 'Yes'],
    ['DataSequenceInOrder', 'No', 'No', 'No'],
    ['HeaderDigest', 'CRC32C,None', 'None,CRC32C', 'CRC32C'],
    ['HeaderDigest', 'None,CRC32C', 'CRC32C,None', 'None'],
    ['HeaderDigest', 'CRC32C', 'None', 'Reject'],
    ['DataDigest', 'None', 'CRC32C,None', 'None'],
    ['AuthMethod', 'CHAP,None', 'None', 'None'],
    ['AuthMethod', 'KRB5,CHAP', 'CHAP', 'CHAP'],
    ['OFMarker', 'Yes', 'No', 'No'],
    ['IFMarkInt', '2048~2048', '2048', 'Irrelevant'],
    // invalid offers
    ['MaxBurstLength', '100', '262144', 'Reject'],
    ['MaxBurstLength', 'lots', '262144', 'Reject'],
    ['ErrorRecoveryLevel', '3', '0', 'Reject'],
    ['ImmediateData', 'Maybe', 'Yes', 'Reject'],
  ])('%s offered %s, local %s -> %s', (k, offered, local, answer) => {
    expect(respondToOffer(def(k), offered, local)).toBe(answer);
  });
});

describe('originator checks the answers', () => {
  it.each([
    ['MaxBurstLength', '262144', '65536', '65536'],
    ['MaxBurstLength', '262144', '0x8000', '32768'],
    ['DefaultTime2Wait', '2', '5', '5'],
    ['ImmediateData', 'Yes', 'No', 'No'],
    ['ImmediateData', 'No', 'No', 'No'],
    ['InitialR2T', 'No', 'Yes', 'Yes'],
    ['InitialR2T', 'Yes', 'Yes', 'Yes'],
    ['HeaderDigest', 'CRC32C,None', 'None', 'None'],
    ['MaxBurstLength', '262144', 'Reject', '262144'],
    ['ErrorRecoveryLevel', '1', 'NotUnderstood', '0'],
    ['FirstBurstLength', '65536', 'Irrelevant', '65536'],
    ['OFMarkInt', '2048', '1024', '1024'],
  ])('%s offered %s, answer %s -> %s', (k, offered, answer, outcome) => {
    expect(acceptResponse(def(k), offered, answer)).toBe(outcome);
  });

  it.each([
    ['MaxBurstLength', '262144', '1048576'], // min: larger than offered
    ['DefaultTime2Wait', '5', '2'], // max: smaller than offered
    ['ImmediateData', 'No', 'Yes'], // AND: No cannot become Yes
    ['InitialR2T', 'Yes', 'No'], // OR: Yes cannot become No
    ['HeaderDigest', 'None', 'CRC32C'], // not offered
    ['HeaderDigest', 'CRC32C,None', 'CRC32C,None'], // a list back
    ['MaxBurstLength', '262144', '12'], // out of range
  ])('%s offered %s, answer %s is a negotiation failure', (k, offered, answer) => {
    expect(() => acceptResponse(def(k), offered, answer)).toThrow(NegotiationError);
  });

  it('min/max outcomes lie between the two sides for any values', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 512, max: 16777215 }),
        fc.integer({ min: 512, max: 16777215 }),
        (a, b) => {
          const d = def('MaxBurstLength');
          const answer = respondToOffer(d, String(a), String(b));
          expect(Number(acceptResponse(d, String(a), answer))).toBe(Math.min(a, b));
        },
      ),
    );
  });
});

describe('Negotiator (both sides talking)', () => {
  it('initiator and target settle on the combined values', () => {
    const ini = new Negotiator('initiator', {
      headerDigest: ['CRC32C', 'None'],
      dataDigest: ['None'],
      maxRecvDataSegmentLength: 262144,
      maxBurstLength: 1048576,
      firstBurstLength: 262144,
      initialR2T: false,
      immediateData: true,
      maxOutstandingR2T: 4,
      defaultTime2Wait: 0,
      defaultTime2Retain: 0,
    });
    const tgt = new Negotiator('target', {
      headerDigest: ['None', 'CRC32C'],
      dataDigest: ['None', 'CRC32C'],
      maxRecvDataSegmentLength: 65536,
      maxBurstLength: 524288,
      firstBurstLength: 65536,
      initialR2T: false,
      immediateData: false,
      maxOutstandingR2T: 16,
    });
    const offer = [
      ini.declare('InitiatorName', 'iqn.2024-01.test:ini'),
      ini.declare('SessionType', 'Normal'),
      ...ini.offer(OPERATIONAL_KEYS),
    ];
    expect(offer).toContainEqual(['MaxRecvDataSegmentLength', '262144']);
    expect(ini.outstanding).not.toContain('MaxRecvDataSegmentLength');
    const answers = tgt.receive(offer);
    expect(answers).not.toContainEqual(expect.arrayContaining(['MaxRecvDataSegmentLength']));
    const tgtDecl = tgt.offer(['MaxRecvDataSegmentLength']);
    tgt.declare('TargetPortalGroupTag', '1');
    expect(ini.receive([...answers, ...tgtDecl, ['TargetPortalGroupTag', '1']])).toEqual([]);
    expect(ini.outstanding).toEqual([]);

    const expected = {
      sessionType: 'Normal',
      authMethod: 'None',
      headerDigest: 'CRC32C',
      dataDigest: 'None',
      initiatorMaxRecvDataSegmentLength: 262144,
      targetMaxRecvDataSegmentLength: 65536,
      maxBurstLength: 524288,
      firstBurstLength: 65536,
      maxOutstandingR2T: 4,
      initialR2T: false,
      immediateData: false,
      dataPduInOrder: true,
      dataSequenceInOrder: true,
      errorRecoveryLevel: 0,
      defaultTime2Wait: 2,
      defaultTime2Retain: 0,
      maxConnections: 1,
      taskReporting: 'RFC3720',
      iscsiProtocolLevel: 0,
      initiatorName: 'iqn.2024-01.test:ini',
      targetPortalGroupTag: 1,
    };
    expect(ini.params()).toEqual(expected);
    expect(tgt.params()).toEqual(expected);
  });

  it('answers unknown, X- and X# keys NotUnderstood and never fails on them', () => {
    const tgt = new Negotiator('target');
    expect(
      tgt.receive([
        ['X-com.example.Foo', '1'],
        ['X#vendor', 'y'],
        ['FooBar', 'z'],
        ['Unknown', 'NotUnderstood'],
      ]),
    ).toEqual([
      ['X-com.example.Foo', 'NotUnderstood'],
      ['X#vendor', 'NotUnderstood'],
      ['FooBar', 'NotUnderstood'],
    ]);
  });

  it('old marker keys never break login', () => {
    const tgt = new Negotiator('target');
    expect(
      tgt.receive([
        ['IFMarker', 'No'],
        ['OFMarker', 'Yes'],
        ['OFMarkInt', '2048~2048'],
        ['IFMarkInt', '1~65535'],
      ]),
    ).toEqual([
      ['IFMarker', 'No'],
      ['OFMarker', 'No'],
      ['OFMarkInt', 'Irrelevant'],
      ['IFMarkInt', 'Irrelevant'],
    ]);
  });

  it('a discovery session answers irrelevant keys Irrelevant', () => {
    const tgt = new Negotiator('target');
    const answers = tgt.receive([
      ['SessionType', 'Discovery'],
      ['HeaderDigest', 'None'],
      ['MaxBurstLength', '262144'],
      ['InitialR2T', 'No'],
    ]);
    expect(answers).toEqual([
      ['HeaderDigest', 'None'],
      ['MaxBurstLength', 'Irrelevant'],
      ['InitialR2T', 'Irrelevant'],
    ]);
    expect(tgt.params().sessionType).toBe('Discovery');
    expect(tgt.params().maxBurstLength).toBe(262144);
  });

  it('keys negotiated twice or repeated in one sequence fail the negotiation', () => {
    const tgt = new Negotiator('target');
    tgt.receive([['MaxBurstLength', '65536']]);
    expect(() => tgt.receive([['MaxBurstLength', '65536']])).toThrow(NegotiationError);
    expect(() =>
      new Negotiator('target').receive([
        ['ImmediateData', 'Yes'],
        ['ImmediateData', 'No'],
      ]),
    ).toThrow(NegotiationError);
    const e = (() => {
      try {
        new Negotiator('target').receive([['MaxRecvDataSegmentLength', '100']]);
      } catch (err) {
        return err as NegotiationError;
      }
      return undefined;
    })();
    expect(e?.statusClass).toBe(2);
    expect(e?.statusDetail).toBe(0);
  });

  it('rejected offers keep defaults; FirstBurstLength never exceeds MaxBurstLength', () => {
    const ini = new Negotiator('initiator', {
      maxBurstLength: 16384,
      firstBurstLength: 65536,
      errorRecoveryLevel: 1,
    });
    const offer = ini.offer(['MaxBurstLength', 'FirstBurstLength', 'ErrorRecoveryLevel']);
    expect(offer).toEqual([
      ['MaxBurstLength', '16384'],
      ['FirstBurstLength', '16384'],
      ['ErrorRecoveryLevel', '1'],
    ]);
    ini.receive([
      ['MaxBurstLength', '8192'],
      ['FirstBurstLength', 'Irrelevant'],
      ['ErrorRecoveryLevel', 'Reject'],
    ]);
    const p = ini.params();
    expect(p.maxBurstLength).toBe(8192);
    expect(p.firstBurstLength).toBe(8192);
    expect(p.errorRecoveryLevel).toBe(0);
  });

  it('the target can offer keys the initiator then answers', () => {
    const ini = new Negotiator('initiator', { ...DEFAULT_SETTINGS, maxOutstandingR2T: 2 });
    const tgt = new Negotiator('target', { maxOutstandingR2T: 8 });
    const toIni = tgt.offer(['MaxOutstandingR2T', 'MaxRecvDataSegmentLength']);
    const back = ini.receive(toIni);
    expect(back).toEqual([['MaxOutstandingR2T', '2']]);
    tgt.receive(back);
    expect(tgt.params().maxOutstandingR2T).toBe(2);
    expect(ini.params().maxOutstandingR2T).toBe(2);
    expect(ini.params().targetMaxRecvDataSegmentLength).toBe(8192);
  });

  it('offer() skips keys already negotiated and rejects unknown keys', () => {
    const ini = new Negotiator('initiator');
    expect(ini.offer(['ImmediateData'])).toHaveLength(1);
    expect(ini.offer(['ImmediateData'])).toHaveLength(0);
    expect(() => ini.offer(['NoSuchKey'])).toThrow(RangeError);
  });
});
