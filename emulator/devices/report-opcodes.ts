// REPORT SUPPORTED OPERATION CODES (SPC-4 6.35), generated from a device's opcode table.
import { invalidCdbField } from '../../cdb/errors';
import type { CommandTable, OpcodeEntry } from './command-table';

export interface RsocRequest {
  rctd: boolean;
  reportingOptions: number;
  requestedOpcode: number;
  requestedServiceAction: number;
  allocationLength: number;
}

/** MAINTENANCE IN / REPORT SUPPORTED OPERATION CODES CDB (A3h/0Ch, 12 bytes). */
export function decodeRsocCdb(cdb: Buffer): RsocRequest {
  if (cdb.length < 12)
    throw invalidCdbField(cdb.length - 1, 'REPORT SUPPORTED OPERATION CODES CDB is 12 bytes');
  return {
    rctd: (cdb[2] & 0x80) !== 0,
    reportingOptions: cdb[2] & 0x07,
    requestedOpcode: cdb[3],
    requestedServiceAction: cdb.readUInt16BE(4),
    allocationLength: cdb.readUInt32BE(6),
  };
}

/** Command timeouts descriptor (SPC-4 6.35.4), 12 bytes. */
function timeoutsDescriptor(e: OpcodeEntry): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(0x0a, 0);
  b.writeUInt32BE(e.timeouts?.nominal ?? 0, 4);
  b.writeUInt32BE(e.timeouts?.recommended ?? 0, 8);
  return b;
}

/** All-commands parameter data (reporting options 000b). */
function allCommands(table: CommandTable, rctd: boolean): Buffer {
  const descs = table.all().map((e) => {
    // SPC-4 6.35.2 command descriptor.
    const d = Buffer.alloc(8);
    d[0] = e.opcode;
    d.writeUInt16BE(e.serviceAction ?? 0, 2);
    d[5] = (rctd ? 0x02 : 0) | (e.serviceAction !== undefined ? 0x01 : 0);
    d.writeUInt16BE(e.cdbLength, 6);
    return rctd ? Buffer.concat([d, timeoutsDescriptor(e)]) : d;
  });
  const body = Buffer.concat(descs);
  const h = Buffer.alloc(4);
  h.writeUInt32BE(body.length, 0);
  return Buffer.concat([h, body]);
}

/** One-command parameter data (SPC-4 6.35.3). SUPPORT 001b = not supported, 011b = supported. */
function oneCommand(entry: OpcodeEntry | undefined, rctd: boolean): Buffer {
  if (entry === undefined) {
    const h = Buffer.alloc(4);
    h[1] = 0x01;
    return h;
  }
  const h = Buffer.alloc(4);
  h[1] = (rctd ? 0x80 : 0) | 0x03;
  h.writeUInt16BE(entry.cdbLength, 2);
  const parts: Buffer[] = [h, Buffer.from(entry.usage)];
  if (rctd) parts.push(timeoutsDescriptor(entry));
  return Buffer.concat(parts);
}

export function reportSupportedOperationCodes(table: CommandTable, r: RsocRequest): Buffer {
  switch (r.reportingOptions) {
    case 0:
      return allCommands(table, r.rctd);
    case 1:
      // Requested opcode without service action: an opcode that has service actions is an error.
      if (table.hasServiceActions(r.requestedOpcode))
        throw invalidCdbField(2, 'opcode has service actions', 2);
      return oneCommand(table.find(r.requestedOpcode), r.rctd);
    case 2:
      if (!table.hasServiceActions(r.requestedOpcode)) {
        if (table.find(r.requestedOpcode) !== undefined)
          throw invalidCdbField(2, 'opcode has no service actions', 2);
        return oneCommand(undefined, r.rctd);
      }
      return oneCommand(table.find(r.requestedOpcode, r.requestedServiceAction), r.rctd);
    case 3:
      // SPC-4 r37: service action evaluated only when the opcode has them.
      return oneCommand(
        table.hasServiceActions(r.requestedOpcode)
          ? table.find(r.requestedOpcode, r.requestedServiceAction)
          : table.find(r.requestedOpcode),
        r.rctd,
      );
    default:
      throw invalidCdbField(2, `reporting options ${r.reportingOptions}`, 2);
  }
}
