// The 48-byte header of a decoded PDU, for the data segment of a Reject (RFC 7143 11.17).
import { BHS_LENGTH, encodePdu, type Pdu } from '../../targets/iscsi/pdu';

export function headerOfPdu(pdu: Pdu): Buffer {
  try {
    return encodePdu(pdu).header.subarray(0, BHS_LENGTH);
  } catch {
    return Buffer.alloc(BHS_LENGTH);
  }
}
