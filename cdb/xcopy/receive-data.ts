// RECEIVE COPY RESULTS service action 01h, RECEIVE DATA (SPC-4 RECEIVE COPY DATA(LID1)):
// AVAILABLE DATA (bytes 0-3) then the held data, oldest byte first.
//
// Truncation: any buffer of at least 4 bytes decodes; when the allocation length cut the held data
// short, heldData holds the bytes present (fullResponseLength() in response.ts gives the total).
import { ByteReader, putU32 } from '../bytes';

export interface ReceiveData {
  heldData: Buffer;
}

export function decodeReceiveData(buf: Buffer): ReceiveData {
  const r = new ByteReader(buf, 'data-in', 0);
  const availableData = r.u32(0, 'AVAILABLE DATA');
  return { heldData: r.slice(4, Math.min(availableData, buf.length - 4)) };
}

export function encodeReceiveData(v: ReceiveData): Buffer {
  const buf = Buffer.alloc(4 + v.heldData.length);
  putU32(buf, v.heldData.length, 0, 'held data length');
  v.heldData.copy(buf, 4);
  return buf;
}
