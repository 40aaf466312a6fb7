// Disconnect-Reconnect mode page (02h), SPC-4 7.5.10. Field units are transport specific.
import { bitsField, ByteReader, flag, putU16, putU8 } from '../bytes';
import { newFixedModePage, openFixedModePage } from './mode-page-format';

export const DISCONNECT_RECONNECT_PAGE_CODE = 0x02;
export const DISCONNECT_RECONNECT_PAGE_LENGTH = 0x0e;

export interface DisconnectReconnectModePage {
  kind: 'disconnectReconnect';
  ps: boolean;
  bufferFullRatio: number;
  bufferEmptyRatio: number;
  busInactivityLimit: number;
  disconnectTimeLimit: number;
  connectTimeLimit: number;
  maximumBurstSize: number;
  /** EMDP: enable modify data pointers. */
  emdp: boolean;
  /** FAIR ARBITRATION (3 bits). */
  fairArbitration: number;
  /** DIMM: disconnect immediate. */
  dimm: boolean;
  /** DTDC: data transfer disconnect control (3 bits). */
  dtdc: number;
  firstBurstSize: number;
}

export function encodeDisconnectReconnectModePage(p: DisconnectReconnectModePage): Buffer {
  const b = newFixedModePage(DISCONNECT_RECONNECT_PAGE_CODE, DISCONNECT_RECONNECT_PAGE_LENGTH, p.ps);
  putU8(b, p.bufferFullRatio, 2, 'bufferFullRatio');
  putU8(b, p.bufferEmptyRatio, 3, 'bufferEmptyRatio');
  putU16(b, p.busInactivityLimit, 4, 'busInactivityLimit');
  putU16(b, p.disconnectTimeLimit, 6, 'disconnectTimeLimit');
  putU16(b, p.connectTimeLimit, 8, 'connectTimeLimit');
  putU16(b, p.maximumBurstSize, 10, 'maximumBurstSize');
  b[12] =
    flag(p.emdp, 7) |
    bitsField(p.fairArbitration, 3, 4, 'fairArbitration') |
    flag(p.dimm, 3) |
    bitsField(p.dtdc, 3, 0, 'dtdc');
  putU16(b, p.firstBurstSize, 14, 'firstBurstSize');
  return b;
}

/** Read the page at `off` of `r` (field pointers stay relative to `r`'s origin). */
export function readDisconnectReconnectModePage(r: ByteReader, off = 0): DisconnectReconnectModePage {
  const { page: p, ps } = openFixedModePage(
    r,
    off,
    DISCONNECT_RECONNECT_PAGE_CODE,
    DISCONNECT_RECONNECT_PAGE_LENGTH,
    'Disconnect-Reconnect mode page',
  );
  return {
    kind: 'disconnectReconnect',
    ps,
    bufferFullRatio: p.u8(2),
    bufferEmptyRatio: p.u8(3),
    busInactivityLimit: p.u16(4),
    disconnectTimeLimit: p.u16(6),
    connectTimeLimit: p.u16(8),
    maximumBurstSize: p.u16(10),
    emdp: p.bit(12, 7),
    fairArbitration: p.bits(12, 4, 3),
    dimm: p.bit(12, 3),
    dtdc: p.bits(12, 0, 3),
    firstBurstSize: p.u16(14),
  };
}

export function decodeDisconnectReconnectModePage(buf: Buffer): DisconnectReconnectModePage {
  return readDisconnectReconnectModePage(new ByteReader(buf, 'param'));
}
