// Medium auxiliary memory: computed device/medium attributes (read-only, SPC-4 7.4.2), host
// attributes written and deleted through WRITE ATTRIBUTE semantics, persisted across loads.
import { Cartridge, MamAttributeError, MamId } from '../../../emulator/tape';
import { newCartridge, removeDir, tempDir } from './helpers';

let dir: string;

beforeEach(() => {
  dir = tempDir();
});

afterEach(() => {
  removeDir(dir);
});

function u64(v: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(v));
  return b;
}

function ascii(s: string, len: number): Buffer {
  return Buffer.from(s.padEnd(len, ' '), 'latin1');
}

function mamError(f: () => void): MamAttributeError {
  try {
    f();
  } catch (e) {
    if (e instanceof MamAttributeError) return e;
    throw e;
  }
  throw new Error('expected a MamAttributeError');
}

test('a fresh cartridge reports its attributes in identifier order with exact wire values', () => {
  const c = newCartridge(dir, { barcode: 'ABC123L5', mediumSerial: 'SERIAL-9', densityCode: 0x5a });
  const created = c.info.createdAt;
  const date =
    String(created.getUTCFullYear()) +
    String(created.getUTCMonth() + 1).padStart(2, '0') +
    String(created.getUTCDate()).padStart(2, '0');
  expect(c.mamAttributes()).toEqual([
    { attributeIdentifier: 0x0000, readOnly: true, format: 'binary', value: u64(64) }, // MiB remaining
    { attributeIdentifier: 0x0001, readOnly: true, format: 'binary', value: u64(64) }, // MiB maximum
    { attributeIdentifier: 0x0002, readOnly: true, format: 'binary', value: u64(0) },
    { attributeIdentifier: 0x0003, readOnly: true, format: 'binary', value: u64(0) },
    { attributeIdentifier: 0x0004, readOnly: true, format: 'binary', value: u64(8192 - 37) },
    { attributeIdentifier: 0x0006, readOnly: true, format: 'binary', value: Buffer.from([0x5a]) },
    { attributeIdentifier: 0x0008, readOnly: true, format: 'ascii', value: ascii('ABC123L5', 32) },
    { attributeIdentifier: 0x0400, readOnly: true, format: 'ascii', value: ascii('XCOPYEMU', 8) },
    { attributeIdentifier: 0x0401, readOnly: true, format: 'ascii', value: ascii('SERIAL-9', 32) },
    { attributeIdentifier: 0x0405, readOnly: true, format: 'binary', value: Buffer.from([0x5a]) },
    { attributeIdentifier: 0x0406, readOnly: true, format: 'ascii', value: ascii(date, 8) },
    { attributeIdentifier: 0x0407, readOnly: true, format: 'binary', value: u64(8192) },
    { attributeIdentifier: 0x0806, readOnly: false, format: 'ascii', value: ascii('ABC123L5', 32) },
  ]);
  c.close();
});

test('remaining capacity follows the data (whole MiB, rounded down); load count follows loads', () => {
  const c = newCartridge(dir);
  c.writeBlocks([Buffer.alloc(1024 * 1024), Buffer.alloc(1024 * 1024), Buffer.alloc(1)]);
  expect(c.mamAttribute(MamId.remainingCapacityInPartition)?.value).toEqual(u64(61));
  c.close();
  const r = Cartridge.open(c.path);
  expect(r.mamAttribute(MamId.loadCount)?.value).toEqual(u64(1));
  expect(r.mamAttribute(MamId.remainingCapacityInPartition)?.value).toEqual(u64(61));
  r.rewind();
  r.erase();
  expect(r.mamAttribute(MamId.remainingCapacityInPartition)?.value).toEqual(u64(64));
  r.close();
});

test('host attributes are written, replaced, deleted and survive reloads', () => {
  const c = newCartridge(dir);
  c.writeMamAttribute(0x0800, 'ascii', ascii('XCOPY', 8));
  c.writeMamAttribute(0x1800, 'binary', Buffer.from([1, 2, 3]));
  c.writeMamAttribute(0x0806, 'ascii', ascii('RELABEL1', 32));
  expect(c.mamAttribute(MamId.mamSpaceRemaining)?.value).toEqual(u64(8192 - 13 - 8 - 37));
  c.close();
  const r = Cartridge.open(c.path);
  expect(r.mamAttribute(0x0800)).toEqual({
    attributeIdentifier: 0x0800,
    readOnly: false,
    format: 'ascii',
    value: ascii('XCOPY', 8),
  });
  expect(r.mamAttribute(0x1800)?.value).toEqual(Buffer.from([1, 2, 3]));
  expect(r.mamAttribute(0x0806)?.value).toEqual(ascii('RELABEL1', 32));
  expect(r.info.barcode).toBe('TAPE01L5'); // the label does not change with the MAM barcode
  r.writeMamAttribute(0x0800, 'ascii', Buffer.alloc(0));
  expect(r.mamAttribute(0x0800)).toBeUndefined();
  r.close();
  const again = Cartridge.open(r.path);
  expect(again.mamAttribute(0x0800)).toBeUndefined();
  expect(again.mamAttributes().map((a) => a.attributeIdentifier)).toContain(0x1800);
  again.close();
});

test('WRITE ATTRIBUTE refusals: read-only, wrong format, wrong length, MAM full', () => {
  const c = newCartridge(dir);
  expect(mamError(() => c.writeMamAttribute(0x0001, 'binary', u64(1))).reason).toBe('read-only');
  expect(mamError(() => c.writeMamAttribute(0x0401, 'ascii', ascii('X', 32))).reason).toBe('read-only');
  expect(mamError(() => c.writeMamAttribute(0x0800, 'text', ascii('X', 8))).reason).toBe('invalid-format');
  expect(mamError(() => c.writeMamAttribute(0x0800, 'ascii', ascii('X', 9))).reason).toBe('invalid-length');
  c.writeMamAttribute(0x1801, 'binary', Buffer.alloc(8000));
  const full = mamError(() => c.writeMamAttribute(0x1802, 'binary', Buffer.alloc(200)));
  expect(full.reason).toBe('no-space');
  expect(full.attributeIdentifier).toBe(0x1802);
  expect(c.mamAttribute(0x1802)).toBeUndefined();
  c.close();
});
