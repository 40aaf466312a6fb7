// Cartridges of the SAN: one virtual cartridge file per barcode in <data dir>/cartridges, and the
// placement of each (a drive, a changer slot, a changer's import/export element, or the shelf
// outside every library). The placement is written to <data dir>/placement.json after every
// change so that a SAN restarted on the same data directory finds each cartridge where it was.
import fs from 'node:fs';
import path from 'node:path';
import { Cartridge, CartridgeExistsError } from '../tape';
import { isBarcode, type CartridgeConfig } from './config';

export const CARTRIDGE_SUFFIX = '.vtape';

export interface ChangerPlacement {
  slots: (string | null)[];
  importExport: string | null;
}

/** Where every cartridge is, by barcode; cartridges in neither map are on the shelf. */
export interface Placement {
  drives: Record<string, string | null>;
  changers: Record<string, ChangerPlacement>;
}

export class CartridgeShelf {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'cartridges');
    fs.mkdirSync(this.dir, { recursive: true });
  }

  pathOf(barcode: string): string {
    return path.join(this.dir, `${barcode}${CARTRIDGE_SUFFIX}`);
  }

  /** The barcode a cartridge path stands for (its file name), if it is one of ours. */
  barcodeOfPath(p: string): string | undefined {
    if (path.dirname(p) !== this.dir || !p.endsWith(CARTRIDGE_SUFFIX)) return undefined;
    const b = path.basename(p, CARTRIDGE_SUFFIX);
    return isBarcode(b) ? b : undefined;
  }

  exists(barcode: string): boolean {
    return fs.existsSync(this.pathOf(barcode));
  }

  /** Barcodes of every cartridge file, sorted. */
  barcodes(): string[] {
    return fs
      .readdirSync(this.dir)
      .filter((f) => f.endsWith(CARTRIDGE_SUFFIX))
      .map((f) => f.slice(0, -CARTRIDGE_SUFFIX.length))
      .filter(isBarcode)
      .sort();
  }

  /** Create a blank cartridge; CartridgeExistsError when the barcode is taken. */
  create(c: CartridgeConfig): void {
    const file = this.pathOf(c.barcode);
    if (fs.existsSync(file)) throw new CartridgeExistsError(file);
    Cartridge.create(file, {
      barcode: c.barcode,
      capacityBytes: c.capacityBytes,
      earlyWarningBytes: c.earlyWarningBytes,
      mediumSerial: c.mediumSerial,
      densityCode: c.densityCode,
      writeProtected: c.writeProtected,
    }).close();
  }

  /** Create the cartridge unless its file exists (a restart reuses it); true when created. */
  ensure(c: CartridgeConfig): boolean {
    if (this.exists(c.barcode)) return false;
    this.create(c);
    return true;
  }

  /** Open for loading into a drive (recovers a torn tail, counts a load). */
  open(barcode: string): Cartridge {
    return Cartridge.open(this.pathOf(barcode));
  }
}

// ---- placement file ------------------------------------------------------------------------------------

export function placementPath(dataDir: string): string {
  return path.join(dataDir, 'placement.json');
}

/** Write atomically (temporary file, fsync, rename). */
export function savePlacement(dataDir: string, p: Placement): void {
  const file = placementPath(dataDir);
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, JSON.stringify({ version: 1, ...p }, null, 2) + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/**
 * The saved placement if it fits the configured drives and changers and names only existing
 * cartridges, each once; otherwise undefined (the configuration's placement is used) with the
 * reason in `why`.
 */
export function loadPlacement(
  dataDir: string,
  expect: { drives: string[]; changers: Record<string, number> },
  cartridgeExists: (barcode: string) => boolean,
): { placement?: Placement; why?: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(placementPath(dataDir), 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    return { why: `placement.json unreadable: ${e instanceof Error ? e.message : String(e)}` };
  }
  const o = raw as { version?: unknown; drives?: unknown; changers?: unknown };
  if (typeof o !== 'object' || o === null || o.version !== 1)
    return { why: 'placement.json: unknown version' };
  const seen = new Set<string>();
  const ok = (b: unknown): b is string | null =>
    b === null ||
    (typeof b === 'string' && isBarcode(b) && cartridgeExists(b) && !seen.has(b) && !!seen.add(b));
  const drives: Record<string, string | null> = {};
  const rd = o.drives as Record<string, unknown> | undefined;
  if (typeof rd !== 'object' || rd === null) return { why: 'placement.json: no drives' };
  for (const d of expect.drives) {
    const b = rd[d] ?? null;
    if (!ok(b)) return { why: `placement.json: drive ${d} holds an unknown or duplicate cartridge` };
    drives[d] = b;
  }
  const changers: Record<string, ChangerPlacement> = {};
  const rc = o.changers as Record<string, { slots?: unknown; importExport?: unknown }> | undefined;
  if (typeof rc !== 'object' || rc === null) return { why: 'placement.json: no changers' };
  for (const [name, count] of Object.entries(expect.changers)) {
    const c = rc[name];
    if (c === undefined || !Array.isArray(c.slots) || c.slots.length !== count)
      return { why: `placement.json: changer ${name} does not have ${count} slots` };
    const slots = c.slots as unknown[];
    if (!slots.every(ok))
      return { why: `placement.json: changer ${name} holds an unknown or duplicate cartridge` };
    const ie = c.importExport ?? null;
    if (!ok(ie)) return { why: `placement.json: changer ${name} import/export holds an unknown cartridge` };
    changers[name] = { slots, importExport: ie };
  }
  return { placement: { drives, changers } };
}
