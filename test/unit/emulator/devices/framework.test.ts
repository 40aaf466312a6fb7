// The device framework pieces on their own: sparse RAM store, unit attention table, identity,
// LUN encoding, sense building, command table.
import { SparseRamStore } from '../../../../emulator/devices/block-store';
import { CommandTable } from '../../../../emulator/devices/command-table';
import { makeIdentity, naaFromId } from '../../../../emulator/devices/identity';
import { decodeLun, encodeLun, reportLunsData } from '../../../../emulator/devices/report-luns';
import { encodeSenseData, senseOf, StreamSenseError } from '../../../../emulator/devices/sense';
import {
  UA_BUS_DEVICE_RESET,
  UA_MODE_PARAMETERS_CHANGED,
  UA_POWER_ON_RESET,
  UA_REPORTED_LUNS_CHANGED,
  UnitAttentionTable,
} from '../../../../emulator/devices/unit-attention';
import { invalidCdbField } from '../../../../cdb/errors';
import { hex, nexus } from '../helpers';

describe('SparseRamStore', () => {
  it('reads zeros where nothing was written and allocates 64 KiB chunks on write', () => {
    const s = new SparseRamStore(512, 1024n);
    expect(s.read(0n, 4)).toEqual(Buffer.alloc(2048));
    expect(s.allocatedBytes()).toBe(0);
    s.write(127n, Buffer.alloc(1024, 0xee)); // straddles the first two chunks
    expect(s.allocatedBytes()).toBe(2 * 65536);
    expect(s.read(126n, 4)).toEqual(
      Buffer.concat([Buffer.alloc(512), Buffer.alloc(1024, 0xee), Buffer.alloc(512)]),
    );
  });

  it('the last chunk is only as large as the disk', () => {
    const s = new SparseRamStore(512, 130n);
    s.write(129n, Buffer.alloc(512, 1));
    expect(s.allocatedBytes()).toBe(1024);
    expect(s.read(129n, 1)).toEqual(Buffer.alloc(512, 1));
  });

  it('unmap frees whole chunks and zeroes partial ones', () => {
    const s = new SparseRamStore(512, 1024n);
    s.write(0n, Buffer.alloc(512 * 256, 7));
    s.unmap(10n, 128n);
    expect(s.allocatedBytes()).toBe(2 * 65536);
    expect(s.read(9n, 1)).toEqual(Buffer.alloc(512, 7));
    expect(s.read(10n, 128)).toEqual(Buffer.alloc(512 * 128));
    expect(s.read(138n, 1)).toEqual(Buffer.alloc(512, 7));
    s.unmap(0n, 256n);
    expect(s.allocatedBytes()).toBe(0);
  });

  it('refuses bad geometry and out-of-range access', () => {
    expect(() => new SparseRamStore(520, 10n)).toThrow(RangeError);
    expect(() => new SparseRamStore(512, 0n)).toThrow(RangeError);
    const s = new SparseRamStore(512, 10n);
    expect(() => s.read(9n, 2)).toThrow(RangeError);
    expect(() => s.write(0n, Buffer.alloc(100))).toThrow(/partial block/);
    expect(() => s.unmap(11n, 0n)).toThrow(RangeError);
  });
});

describe('UnitAttentionTable', () => {
  it('starts every nexus with 29h/00h and reports conditions oldest first', () => {
    const t = new UnitAttentionTable();
    const a = nexus(1);
    expect(t.take(a)).toEqual(UA_POWER_ON_RESET);
    t.establish(UA_MODE_PARAMETERS_CHANGED);
    t.establish(UA_REPORTED_LUNS_CHANGED);
    t.establish(UA_REPORTED_LUNS_CHANGED);
    expect(t.list(a)).toEqual([UA_MODE_PARAMETERS_CHANGED, UA_REPORTED_LUNS_CHANGED]);
    expect(t.take(a)).toEqual(UA_MODE_PARAMETERS_CHANGED);
  });

  it('a reset condition replaces older reset and parameter conditions', () => {
    const t = new UnitAttentionTable();
    const a = nexus(1);
    t.peek(a);
    t.establish(UA_MODE_PARAMETERS_CHANGED);
    t.establish(UA_BUS_DEVICE_RESET);
    expect(t.list(a)).toEqual([UA_BUS_DEVICE_RESET]);
  });

  it('establish skips the excepted nexus; forget starts a nexus over', () => {
    const t = new UnitAttentionTable();
    const a = nexus(1);
    const b = nexus(2);
    t.take(a);
    t.take(b);
    t.establish(UA_MODE_PARAMETERS_CHANGED, a);
    expect(t.peek(a)).toBeUndefined();
    expect(t.peek(b)).toEqual(UA_MODE_PARAMETERS_CHANGED);
    t.forget(b);
    expect(t.list(b)).toEqual([]);
    expect(t.take(b)).toEqual(UA_POWER_ON_RESET);
    t.forgetAll();
    expect(t.take(a)).toEqual(UA_POWER_ON_RESET);
  });

  it('establishFor raises a condition for one nexus only, once; an unknown nexus gets power-on first', () => {
    const t = new UnitAttentionTable();
    const a = nexus(1);
    const b = nexus(2);
    t.take(a);
    t.take(b);
    const preempted = { asc: 0x2a, ascq: 0x05 };
    t.establishFor(a, preempted);
    t.establishFor(a, preempted);
    expect(t.list(a)).toEqual([preempted]);
    expect(t.list(b)).toEqual([]);
    const c = nexus(3);
    t.establishFor(c, preempted);
    expect(t.list(c)).toEqual([UA_POWER_ON_RESET, preempted]);
    // A later reset condition supersedes it like any parameter-change condition.
    t.establish(UA_BUS_DEVICE_RESET);
    expect(t.list(a)).toEqual([UA_BUS_DEVICE_RESET]);
  });
});

describe('identity', () => {
  it('derives a stable NAA 6h designator from the id', () => {
    const a = naaFromId('disk0');
    expect(a.length).toBe(16);
    expect(a[0] >> 4).toBe(6);
    // IEEE company id 0AF7C3h spans bytes 0-3.
    expect(((a[0] & 0x0f) << 20) | (a[1] << 12) | (a[2] << 4) | (a[3] >> 4)).toBe(0x0af7c3);
    expect(naaFromId('disk0')).toEqual(a);
    expect(naaFromId('disk1')).not.toEqual(a);
  });

  it('checks and truncates the INQUIRY strings', () => {
    const id = makeIdentity({ id: 'x', vendor: 'VENDOR-TOO-LONG', product: 'P' }, { product: 'DEFAULT' });
    expect(id.vendor).toBe('VENDOR-T');
    expect(id.product).toBe('P');
    expect(id.serial).toMatch(/^[0-9A-F]{16}$/);
    expect(() => makeIdentity({ id: '' }, { product: 'P' })).toThrow(RangeError);
    expect(() => makeIdentity({ id: 'x', vendor: 'é' }, { product: 'P' })).toThrow(/ASCII/);
  });
});

describe('LUN encoding', () => {
  it('uses peripheral addressing below 256 and flat addressing above', () => {
    expect(encodeLun(5)).toEqual(hex('0005000000000000'));
    expect(encodeLun(300)).toEqual(hex('412c000000000000'));
    expect(decodeLun(hex('412c000000000000'))).toBe(300);
    expect(decodeLun(hex('0005000000000000'))).toBe(5);
    expect(decodeLun(hex('0105000000000000'))).toBeUndefined();
    expect(decodeLun(hex('8005000000000000'))).toBeUndefined();
    expect(decodeLun(hex('0005000000000001'))).toBeUndefined();
    expect(() => encodeLun(0x4000)).toThrow(RangeError);
  });

  it('REPORT LUNS data lists each LUN once, sorted', () => {
    expect(reportLunsData([2, 0, 2], 0)).toEqual(hex('00000010 00000000 0000000000000000 0002000000000000'));
  });
});

describe('sense data', () => {
  it('fixed format: VALID and INFORMATION, sense key specific field pointer with bit', () => {
    const s = encodeSenseData(
      {
        senseKey: 5,
        asc: 0x24,
        ascq: 0,
        information: 0x1234n,
        fieldPointer: { commandData: true, field: 7, bit: 3 },
      },
      false,
    );
    expect(s).toEqual(hex('f0 00 05 00001234 0a 00000000 24 00 00 cb 0007'));
  });

  it('fixed format leaves out an INFORMATION that does not fit 32 bits', () => {
    expect(encodeSenseData({ senseKey: 3, asc: 0x11, ascq: 0, information: 0x100000000n }, false)[0]).toBe(
      0x70,
    );
  });

  it('descriptor format: information, sense key specific and stream descriptors', () => {
    const s = encodeSenseData(
      {
        senseKey: 5,
        asc: 0x26,
        ascq: 0,
        information: 5n,
        fieldPointer: { commandData: false, field: 2 },
        filemark: true,
      },
      true,
    );
    expect(s).toEqual(
      hex('72 05 26 00 00 00 00 18  00 0a 80 00 0000000000000005  02 06 00 00 80 00 02 00  04 02 00 80'),
    );
    // A field pointer has no place in the sense-key specific field of other keys: left out.
    expect(
      encodeSenseData(
        { senseKey: 0, asc: 0, ascq: 1, fieldPointer: { commandData: true, field: 1 } },
        false,
      )[15],
    ).toBe(0);
  });

  it('stream bits ride in byte 2 of fixed sense through StreamSenseError', () => {
    const e = new StreamSenseError(
      { senseKey: 0, asc: 0, ascq: 1 },
      { filemark: true, ili: true },
      'filemark',
    );
    expect(encodeSenseData(senseOf(e), false)[2]).toBe(0xa0);
    expect(senseOf(invalidCdbField(1, 'x'))).toMatchObject({ senseKey: 5, asc: 0x24 });
  });
});

describe('CommandTable', () => {
  const handler = () => ({ status: 0 });

  it('looks commands up by opcode and service action and lists them in order', () => {
    const t = new CommandTable()
      .add({
        opcode: 0x9e,
        serviceAction: 0x10,
        name: 'A',
        cdbLength: 16,
        usage: new Array<number>(16).fill(0),
        handler,
      })
      .add({ opcode: 0x00, name: 'B', cdbLength: 6, usage: [0, 0, 0, 0, 0, 0], handler });
    expect(t.lookup(hex('9e10')).name).toBe('A');
    expect(t.all().map((e) => e.name)).toEqual(['B', 'A']);
    expect(() => t.lookup(hex('9e11'))).toThrow(/service action/);
    expect(() => t.lookup(hex('9e'))).toThrow(/service action/);
    expect(() => t.lookup(hex('c0'))).toThrow(/operation code/);
    expect(() => t.lookup(Buffer.alloc(0))).toThrow(/empty/);
  });

  it('checks the usage data length and overrides handlers', () => {
    expect(() => new CommandTable().add({ opcode: 0, name: 'X', cdbLength: 6, usage: [0], handler })).toThrow(
      RangeError,
    );
    const t = new CommandTable().add({
      opcode: 0,
      name: 'X',
      cdbLength: 6,
      usage: [0, 0, 0, 0, 0, 0],
      handler,
    });
    const other = () => ({ status: 2 });
    t.override(0, undefined, other);
    expect(t.find(0)?.handler).toBe(other);
    expect(() => t.override(1, undefined, other)).toThrow(RangeError);
  });
});
