import * as fc from 'fast-check';
import { decodeControlModePage, encodeControlModePage } from '../../../../cdb/spc/mode-page-0a';
import { controlPage } from './mode-arbitraries';
import { expectSense, hex } from './spc-mode-helpers';

describe('Control mode page (0Ah)', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(controlPage, (p) => expect(decodeControlModePage(encodeControlModePage(p))).toEqual(p)),
    );
  });

  it('golden page: the IBM ULT3580 LTO drive page as printed by sg_modes (0a 0a 00 01 .. ff ff 00 00)', () => {
    const page = hex('0a 0a 00 01 00 00 00 00 ff ff 00 00');
    const p = decodeControlModePage(page);
    expect(p).toMatchObject({ ps: false, tst: 0, qerr: 0, dSense: false, busyTimeoutPeriod: 0xffff });
    // byte 3 bit 0 is obsolete: ignored on decode, written as zero.
    expect(encodeControlModePage(p)).toEqual(hex('0a 0a 00 00 00 00 00 00 ff ff 00 00'));
  });

  it('golden page with every field set from the SPC-4 7.5.8 layout', () => {
    const page = hex(`
      8a 0a   # PS=1, page 0Ah, PAGE LENGTH 0Ah
      3f      # TST=001b, TMF_ONLY, DPICZ, D_SENSE, GLTSD, RLEC
      1e      # QUEUE ALGORITHM MODIFIER=1, NUAR=1, QERR=11b
      e8      # VS, RAC, UA_INTLCK_CTRL=10b, SWP
      fa      # ATO, TAS, ATMPE, RWWP, SBLP, AUTOLOAD MODE=010b
      00 00   # obsolete
      00 64   # BUSY TIMEOUT PERIOD 100
      0e 10   # EXTENDED SELF-TEST COMPLETION TIME 3600 s
    `);
    const p = decodeControlModePage(page);
    expect(p).toEqual({
      kind: 'control',
      ps: true,
      tst: 1,
      tmfOnly: true,
      dpicz: true,
      dSense: true,
      gltsd: true,
      rlec: true,
      queueAlgorithmModifier: 1,
      nuar: true,
      qerr: 3,
      vs: true,
      rac: true,
      uaIntlckCtrl: 2,
      swp: true,
      ato: true,
      tas: true,
      atmpe: true,
      rwwp: true,
      sblp: true,
      autoloadMode: 2,
      busyTimeoutPeriod: 100,
      extendedSelfTestCompletionTime: 3600,
    });
    expect(encodeControlModePage(p)).toEqual(page);
  });

  it('reserved TST, QERR and UA_INTLCK_CTRL codes are INVALID FIELD IN PARAMETER LIST', () => {
    expectSense(() => decodeControlModePage(hex('0a 0a 40 00 00 00 0000 0000 0000')), 5, 0x26, 0, {
      commandData: false,
      field: 2,
      bit: 7,
    });
    expectSense(() => decodeControlModePage(hex('0a 0a 00 04 00 00 0000 0000 0000')), 5, 0x26, 0, {
      commandData: false,
      field: 3,
      bit: 2,
    });
    expectSense(() => decodeControlModePage(hex('0a 0a 00 00 10 00 0000 0000 0000')), 5, 0x26, 0, {
      commandData: false,
      field: 4,
      bit: 5,
    });
  });

  it('rejects a control page carrying the wrong page code or length', () => {
    expectSense(() => decodeControlModePage(hex('0b 0a 00 00 00 00 0000 0000 0000')), 5, 0x26, 0, {
      commandData: false,
      field: 0,
      bit: 5,
    });
    expectSense(() => decodeControlModePage(hex('0a 06 00 00 00 00 0000')), 5, 0x26, 0, {
      commandData: false,
      field: 1,
    });
  });
});
