import * as fc from 'fast-check';
import {
  decodeDisconnectReconnectModePage,
  encodeDisconnectReconnectModePage,
} from '../../../../cdb/spc/mode-page-02';
import { disconnectReconnectPage } from './mode-arbitraries';
import { expectSense, hex } from './spc-mode-helpers';

describe('Disconnect-Reconnect mode page (02h)', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(disconnectReconnectPage, (p) =>
        expect(decodeDisconnectReconnectModePage(encodeDisconnectReconnectModePage(p))).toEqual(p),
      ),
    );
  });

  it('golden page written from the SPC-4 7.5.10 layout', () => {
    const page = hex(`
      82 0e   # PS=1, page 02h, PAGE LENGTH 0Eh
      80      # BUFFER FULL RATIO 128
      40      # BUFFER EMPTY RATIO 64
      00 0a   # BUS INACTIVITY LIMIT 10
      00 14   # DISCONNECT TIME LIMIT 20
      00 1e   # CONNECT TIME LIMIT 30
      01 00   # MAXIMUM BURST SIZE 256
      ad      # EMDP=1, FAIR ARBITRATION=010b, DIMM=1, DTDC=101b
      00      # reserved
      00 80   # FIRST BURST SIZE 128
    `);
    const p = decodeDisconnectReconnectModePage(page);
    expect(p).toEqual({
      kind: 'disconnectReconnect',
      ps: true,
      bufferFullRatio: 128,
      bufferEmptyRatio: 64,
      busInactivityLimit: 10,
      disconnectTimeLimit: 20,
      connectTimeLimit: 30,
      maximumBurstSize: 256,
      emdp: true,
      fairArbitration: 2,
      dimm: true,
      dtdc: 5,
      firstBurstSize: 128,
    });
    expect(encodeDisconnectReconnectModePage(p)).toEqual(page);
  });

  it('rejects a wrong PAGE LENGTH at byte 1 and a truncated page', () => {
    expectSense(() => decodeDisconnectReconnectModePage(hex('02 0a 00000000 00000000 0000')), 5, 0x26, 0, {
      commandData: false,
      field: 1,
    });
    expectSense(() => decodeDisconnectReconnectModePage(hex('02 0e 00 00')), 5, 0x1a, 0);
  });

  it('encoder refuses a 4-bit FAIR ARBITRATION', () => {
    const p = fc.sample(disconnectReconnectPage, 1)[0];
    expect(() => encodeDisconnectReconnectModePage({ ...p, fairArbitration: 8 })).toThrow(RangeError);
  });
});
