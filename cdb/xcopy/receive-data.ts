// RECEIVE COPY RESULTS service action 01h, RECEIVE DATA (SPC-4 RECEIVE COPY DATA(LID1)):
// AVAILABLE DATA (bytes 0-3) then the held data, oldest byte first.
//
// Truncation: any buffer of at least 4 bytes decodes; when the allocation length cut the held data
// short, heldData holds the bytes present (fullResponseLength() in response.ts gives the total).
import { ByteReader, checkUint } from '../bytes';

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
  buf.writeUInt32BE(checkUint(v.heldData.length, 32, 'held data length'), 0);
  v.heldData.copy(buf, 4);
  return buf;
}
