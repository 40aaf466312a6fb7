// The emulated SAN's configuration: a JSON document (see README "Emulated SAN") parsed into a
// normalized SanConfig with every default filled in. Validation is strict (unknown keys are
// errors, so a typo never silently changes the SAN) and each problem is reported as ONE line
// naming where it is: `targets[0].luns[1].size: "12Q" is not a size (use e.g. 64M, 1G)`.
import { isSupportedDensity } from '../devices/tape-density';
import { SUPPORTED_BLOCK_SIZES } from '../disk/block-device';
import { DEFAULT_CBT_GRANULARITY } from '../disk/changed-blocks';
import { patternVolumeSpec } from '../disk/vol1';

export type LuType = 'disk' | 'tape' | 'changer' | 'processor' | 'snapshot';

export const LU_TYPES: readonly LuType[] = ['disk', 'tape', 'changer', 'processor', 'snapshot'];

export interface HostPort {
  host: string;
  /** 0 = any free port. */
  port: number;
}

export interface ChapUserConfig {
  user: string;
  secret: string;
}

export interface SanChapConfig {
  /** Initiator credentials the target accepts (one-way CHAP). */
  users: ChapUserConfig[];
  /** The target's own credentials, for mutual CHAP. */
  mutual?: ChapUserConfig;
}

interface LuCommon {
  /** Unique in the whole SAN: admin API paths and data file names use it. */
  name: string;
  lun: number;
  /** Host a copy manager (EXTENDED COPY, 3PC=1); processor LUs always do. */
  copyManager: boolean;
  /**
   * The segment types that copy manager offers: "block" = the block-device ones (02h, 07h, 0Ah, 0Dh,
   * 14h, C0h: what a disk array's copy manager does, and what libiscsi's ExtendedCopy suite expects
   * of a disk LU), "all" = every type the mover implements (disk<->tape, inline, held data...).
   * Default "block" for disk and snapshot LUs, "all" for tape, changer and processor LUs.
   */
  copySegments: CopySegments;
  /** INQUIRY overrides. */
  vendor?: string;
  product?: string;
  serial?: string;
}

export interface DiskLuConfig extends LuCommon {
  type: 'disk';
  sizeBytes: number;
  blockSize: number;
  /** Image path, relative to the data directory (default "<name>.img"); unused for memory disks. */
  file: string;
  /** Keep the data in memory only (no snapshots or checkpoints, nothing survives a restart). */
  memory: boolean;
  /** false: every block is written (mapped) when the disk is created. */
  thin: boolean;
  /** Fill a new disk with the recognisable pattern of emulator/disk (vol1 layout) under this label. */
  pattern?: string;
  /** Allocation chunk of the store in bytes (provisioning granularity). */
  chunkSize: number;
  readOnly: boolean;
  /** Default granularity of changed-block checkpoints, bytes. */
  cbtGranularity: number;
}

export interface TapeLuConfig extends LuCommon {
  type: 'tape';
  /** Barcode of the cartridge loaded at start (absent: empty drive). */
  cartridge?: string;
}

export interface ChangerLuConfig extends LuCommon {
  type: 'changer';
  /** Tape LU names, one per data transfer element. */
  drives: string[];
  /** Storage slots in address order: a barcode or null (empty). */
  slots: (string | null)[];
  /** A cartridge waiting in the import/export element. */
  importExport?: string;
}

export interface ProcessorLuConfig extends LuCommon {
  type: 'processor';
}

export interface SnapshotLuConfig extends LuCommon {
  type: 'snapshot';
  /** The disk LU the snapshot belongs to. */
  source: string;
  /** Snapshot name in that disk's store (taken at start when missing). */
  snapshot: string;
}

export type LuConfig = DiskLuConfig | TapeLuConfig | ChangerLuConfig | ProcessorLuConfig | SnapshotLuConfig;

export interface CartridgeConfig {
  barcode: string;
  capacityBytes: number;
  earlyWarningBytes: number;
  densityCode: number;
  mediumSerial: string;
  writeProtected: boolean;
}

export interface SanTargetConfig {
  iqn: string;
  alias?: string;
  chap?: SanChapConfig;
  /** Initiator IQNs allowed to log in (absent: everyone). */
  acl?: string[];
  luns: LuConfig[];
}

export interface SanConfig {
  portal: HostPort;
  /** Data directory (the CLI's --dir wins); absent: a fresh temporary directory. */
  dataDir?: string;
  admin: HostPort;
  discoveryChap?: SanChapConfig;
  mover: { copyManagerOnEveryLu: boolean };
  cartridges: CartridgeConfig[];
  targets: SanTargetConfig[];
}

/** A configuration problem, one line, prefixed with where it is. */
export class SanConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SanConfigError';
  }
}

export const DEFAULT_PORTAL: HostPort = { host: '127.0.0.1', port: 0 };
export const DEFAULT_ADMIN: HostPort = { host: '127.0.0.1', port: 0 };
/** LTO-5 (SSC-4 density code 58h), what the emulated drive reports by default. */
export const DEFAULT_DENSITY_CODE = 0x58;
const DEFAULT_CHUNK_SIZE = 64 * 1024;
const MAX_EARLY_WARNING = 64 * 1024 * 1024;

const ISCSI_NAME = /^(iqn\.\d{4}-\d{2}\.[^\s]+|eui\.[0-9A-Fa-f]{16}|naa\.[0-9A-Fa-f]{16}([0-9A-Fa-f]{16})?)$/;
const LU_NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$/;
const BARCODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const SNAPSHOT_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

// ---- small parsers (also used by the CLI and the admin API) ----------------------------------------

/** "64M", "1G", "512K", "1GiB", 1048576 -> bytes (binary units); undefined when not a size. */
export function sizeOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v > 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^(\d+)\s*([KMGT]?)(i?B)?$/i.exec(v.trim());
  if (m === null) return undefined;
  const mult = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 }[
    m[2].toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'
  ];
  const n = Number(m[1]) * mult;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** "HOST:PORT", "[v6]:PORT" or "HOST" (port 0); undefined when malformed. */
export function hostPortOf(s: string): HostPort | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(s.trim());
  if (m === null) return undefined;
  const port = m[3] === undefined ? 0 : Number(m[3]);
  if (port > 65535) return undefined;
  return { host: m[1] ?? m[2], port };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function isIscsiName(s: string): boolean {
  return ISCSI_NAME.test(s) && Buffer.byteLength(s) <= 223;
}

export function isLuName(s: string): boolean {
  return LU_NAME.test(s);
}

export function isBarcode(s: string): boolean {
  return BARCODE.test(s);
}

export function isSnapshotName(s: string): boolean {
  return SNAPSHOT_NAME.test(s);
}

/** Defaults of a cartridge given only a barcode and a capacity. */
export function cartridgeDefaults(barcode: string, capacityBytes: number): CartridgeConfig {
  return {
    barcode,
    capacityBytes,
    earlyWarningBytes: Math.min(MAX_EARLY_WARNING, Math.floor(capacityBytes / 64)),
    densityCode: DEFAULT_DENSITY_CODE,
    mediumSerial: `XC-${barcode}`.slice(0, 32),
    writeProtected: false,
  };
}

// ---- the reader ------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

class Reader {
  constructor(
    readonly obj: Json,
    readonly where: string,
  ) {}

  static of(v: unknown, where: string): Reader {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, 'must be an object');
    return new Reader(v as Json, where);
  }

  at(key: string): string {
    return this.where === '' ? key : `${this.where}.${key}`;
  }

  /** Every key must be one of `known`. */
  only(known: readonly string[]): void {
    for (const k of Object.keys(this.obj)) {
      if (!known.includes(k))
        fail(this.where || '(top level)', `unknown key "${k}" (known: ${known.join(', ')})`);
    }
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined;
  }

  string(key: string, test?: (s: string) => boolean, what?: string): string | undefined {
    const v = this.obj[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') fail(this.at(key), 'must be a string');
    if (test !== undefined && !test(v)) fail(this.at(key), `${JSON.stringify(v)} is not ${what ?? 'valid'}`);
    return v;
  }

  bool(key: string): boolean | undefined {
    const v = this.obj[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') fail(this.at(key), 'must be true or false');
    return v;
  }

  int(key: string, min: number, max: number): number | undefined {
    const v = this.obj[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      fail(this.at(key), `must be an integer from ${min} to ${max}`);
    return v;
  }

  size(key: string): number | undefined {
    const v = this.obj[key];
    if (v === undefined) return undefined;
    const n = sizeOf(v);
    if (n === undefined) fail(this.at(key), `${JSON.stringify(v)} is not a size (use e.g. 64M, 1G or bytes)`);
    return n;
  }

  hostPort(key: string): HostPort | undefined {
    const s = this.string(key);
    if (s === undefined) return undefined;
    const hp = hostPortOf(s);
    if (hp === undefined) fail(this.at(key), `${JSON.stringify(s)} is not HOST:PORT`);
    return hp;
  }

  array(key: string): unknown[] | undefined {
    const v = this.obj[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) fail(this.at(key), 'must be an array');
    return v as unknown[];
  }
}

function fail(where: string, why: string): never {
  throw new SanConfigError(`${where}: ${why}`);
}

function chapUser(v: unknown, where: string): ChapUserConfig {
  const r = Reader.of(v, where);
  r.only(['user', 'secret']);
  const user = r.string('user', (s) => s.length > 0 && !/\s/.test(s), 'a user name without spaces');
  const secret = r.string('secret');
  if (user === undefined || secret === undefined) fail(where, 'needs "user" and "secret"');
  // RFC 7143 12.1.3: secrets shorter than 12 bytes are weak; libiscsi and Linux accept them, so do we.
  if (secret.length === 0) fail(`${where}.secret`, 'must not be empty');
  return { user, secret };
}

function chapConfig(v: unknown, where: string): SanChapConfig {
  const r = Reader.of(v, where);
  r.only(['users', 'mutual']);
  const users = (r.array('users') ?? []).map((u, i) => chapUser(u, `${where}.users[${i}]`));
  if (users.length === 0) fail(`${where}.users`, 'CHAP needs at least one initiator user');
  const mutual = r.has('mutual') ? chapUser(r.obj.mutual, `${where}.mutual`) : undefined;
  return mutual === undefined ? { users } : { users, mutual };
}

/** One cartridge of "cartridges" (also the body of the admin API's POST /cartridges). */
export function parseCartridgeConfig(v: unknown, where = 'cartridge'): CartridgeConfig {
  const r = Reader.of(v, where);
  r.only(['barcode', 'capacity', 'earlyWarning', 'density', 'mediumSerial', 'writeProtected']);
  const barcode = r.string('barcode', isBarcode, 'a barcode (1-32 of A-Z 0-9 . _ -)');
  if (barcode === undefined) fail(where, 'needs a "barcode"');
  const capacity = r.size('capacity') ?? 1024 ** 3;
  const c = cartridgeDefaults(barcode, capacity);
  const ew = r.has('earlyWarning') ? r.obj.earlyWarning : undefined;
  if (ew !== undefined) {
    const n = ew === 0 ? 0 : sizeOf(ew);
    if (n === undefined || n > capacity)
      fail(`${where}.earlyWarning`, `${JSON.stringify(ew)} must be a size not above the capacity`);
    c.earlyWarningBytes = n;
  }
  c.densityCode = r.int('density', 0, 255) ?? c.densityCode;
  if (!isSupportedDensity(c.densityCode))
    fail(
      `${where}.density`,
      `${c.densityCode} is not a density the drive supports (88, 90, 92, 94: LTO-5 to LTO-8)`,
    );
  c.mediumSerial =
    r.string('mediumSerial', (s) => /^[\x20-\x7e]{1,32}$/.test(s), '1-32 printable ASCII characters') ??
    c.mediumSerial;
  c.writeProtected = r.bool('writeProtected') ?? false;
  return c;
}

const COMMON_KEYS = ['name', 'type', 'lun', 'copyManager', 'copySegments', 'vendor', 'product', 'serial'];

export const COPY_SEGMENTS = ['block', 'all'] as const;
export type CopySegments = (typeof COPY_SEGMENTS)[number];

/** The copySegments a LU of this type gets when its configuration does not say. */
export function defaultCopySegments(type: LuType): CopySegments {
  return type === 'disk' || type === 'snapshot' ? 'block' : 'all';
}

/** A LU as read, before LUN numbers are assigned. */
type WithOptionalLun<T> = T extends unknown ? Omit<T, 'lun'> & { lun?: number } : never;
type RawLu = WithOptionalLun<LuConfig>;

function luConfig(v: unknown, where: string, copyDefault: boolean): RawLu {
  const r = Reader.of(v, where);
  const type = r.string(
    'type',
    (s) => (LU_TYPES as readonly string[]).includes(s),
    `one of ${LU_TYPES.join(', ')}`,
  );
  if (type === undefined) fail(where, `needs a "type" (${LU_TYPES.join(', ')})`);
  const name = r.string('name', isLuName, 'a LU name (1-64 of A-Z a-z 0-9 . _ @ + -)');
  if (name === undefined) fail(where, 'needs a "name"');
  const common = {
    name,
    lun: r.int('lun', 0, 0x3fff),
    copyManager: type === 'processor' ? true : (r.bool('copyManager') ?? copyDefault),
    copySegments:
      (r.string(
        'copySegments',
        (s) => (COPY_SEGMENTS as readonly string[]).includes(s),
        '"block" or "all"',
      ) as CopySegments | undefined) ?? defaultCopySegments(type as LuType),
    vendor: r.string('vendor', (s) => /^[\x20-\x7e]{1,8}$/.test(s), '1-8 printable ASCII characters'),
    product: r.string('product', (s) => /^[\x20-\x7e]{1,16}$/.test(s), '1-16 printable ASCII characters'),
    serial: r.string('serial', (s) => /^[\x21-\x7e]{1,64}$/.test(s), '1-64 printable ASCII characters'),
  };
  if (type === 'processor' && r.bool('copyManager') === false)
    fail(`${where}.copyManager`, 'a processor LU is a copy manager; it cannot be turned off');
  switch (type) {
    case 'disk': {
      r.only([
        ...COMMON_KEYS,
        'size',
        'blockSize',
        'file',
        'memory',
        'thin',
        'pattern',
        'chunkSize',
        'readOnly',
        'changedBlockGranularity',
      ]);
      const blockSize = r.int('blockSize', 512, 4096) ?? 512;
      if (!SUPPORTED_BLOCK_SIZES.includes(blockSize))
        fail(`${where}.blockSize`, `must be one of ${SUPPORTED_BLOCK_SIZES.join(', ')}`);
      const sizeBytes = r.size('size');
      if (sizeBytes === undefined) fail(where, 'a disk needs a "size"');
      if (sizeBytes % blockSize !== 0)
        fail(`${where}.size`, `must be a multiple of the block size ${blockSize}`);
      const memory = r.bool('memory') ?? false;
      const chunkSize = r.size('chunkSize') ?? DEFAULT_CHUNK_SIZE;
      if (memory && r.has('chunkSize') && chunkSize !== DEFAULT_CHUNK_SIZE)
        fail(`${where}.chunkSize`, 'memory disks have 64K chunks');
      if (chunkSize < blockSize || chunkSize > 16 * 1024 * 1024 || (chunkSize & (chunkSize - 1)) !== 0)
        fail(`${where}.chunkSize`, 'must be a power of two from the block size to 16M');
      if (memory && r.has('file')) fail(`${where}.file`, 'a memory disk has no file');
      const file = r.string('file', (s) => s.length > 0 && !s.includes('\0'), 'a file name') ?? `${name}.img`;
      const pattern = r.string(
        'pattern',
        (s) => /^[\x21-\x7e]{1,32}$/.test(s),
        'a pattern label (1-32 printable ASCII, no spaces)',
      );
      if (pattern !== undefined) {
        try {
          patternVolumeSpec(pattern, blockSize, BigInt(sizeBytes / blockSize), chunkSize);
        } catch (e) {
          fail(`${where}.pattern`, e instanceof Error ? e.message : String(e));
        }
      }
      const cbtGranularity = r.size('changedBlockGranularity') ?? DEFAULT_CBT_GRANULARITY;
      if (cbtGranularity % blockSize !== 0 || cbtGranularity > sizeBytes)
        fail(
          `${where}.changedBlockGranularity`,
          `must be a multiple of the block size ${blockSize}, at most the size`,
        );
      const d: WithOptionalLun<DiskLuConfig> = {
        ...common,
        type,
        sizeBytes,
        blockSize,
        file,
        memory,
        thin: r.bool('thin') ?? true,
        chunkSize,
        readOnly: r.bool('readOnly') ?? false,
        cbtGranularity,
      };
      if (pattern !== undefined) d.pattern = pattern;
      return d;
    }
    case 'tape': {
      r.only([...COMMON_KEYS, 'cartridge']);
      const cartridge = r.string('cartridge', isBarcode, 'a barcode');
      return cartridge === undefined ? { ...common, type } : { ...common, type, cartridge };
    }
    case 'changer': {
      r.only([...COMMON_KEYS, 'drives', 'slots', 'importExport']);
      const drives = (r.array('drives') ?? []).map((d, i) => {
        if (typeof d !== 'string' || !isLuName(d)) fail(`${where}.drives[${i}]`, 'must be a tape LU name');
        return d;
      });
      const rawSlots = r.obj.slots;
      let slots: (string | null)[];
      if (typeof rawSlots === 'number') {
        if (!Number.isInteger(rawSlots) || rawSlots < 1 || rawSlots > 1000)
          fail(`${where}.slots`, 'a slot count must be 1 to 1000');
        slots = new Array<null>(rawSlots).fill(null);
      } else {
        const arr = r.array('slots');
        if (arr === undefined) fail(where, 'a changer needs "slots" (a count, or barcodes and nulls)');
        slots = arr.map((s, i) => {
          if (s === null) return null;
          if (typeof s !== 'string' || !isBarcode(s))
            fail(`${where}.slots[${i}]`, 'must be a barcode or null');
          return s;
        });
        if (slots.length === 0 || slots.length > 1000) fail(`${where}.slots`, 'needs 1 to 1000 slots');
      }
      // null (like an empty slot) or absent: the import/export element is empty.
      const importExport =
        r.obj.importExport === null ? undefined : r.string('importExport', isBarcode, 'a barcode');
      return importExport === undefined
        ? { ...common, type, drives, slots }
        : { ...common, type, drives, slots, importExport };
    }
    case 'processor':
      r.only(COMMON_KEYS);
      return { ...common, type };
    case 'snapshot': {
      r.only([...COMMON_KEYS, 'source', 'snapshot']);
      const source = r.string('source', isLuName, 'a disk LU name');
      const snapshot = r.string('snapshot', isSnapshotName, 'a snapshot name (1-64 of A-Z a-z 0-9 . _ + -)');
      if (source === undefined || snapshot === undefined)
        fail(where, 'a snapshot LU needs "source" and "snapshot"');
      return { ...common, type, source, snapshot };
    }
  }
  return fail(where, `unknown type ${type}`);
}

function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

function targetConfig(v: unknown, where: string, copyDefault: boolean): SanTargetConfig {
  const r = Reader.of(v, where);
  r.only(['iqn', 'alias', 'chap', 'acl', 'luns']);
  const iqn = r.string('iqn', isIscsiName, 'an iSCSI name (iqn.YYYY-MM.reversed.domain[:id])');
  if (iqn === undefined) fail(where, 'needs an "iqn"');
  const alias = r.string('alias', (s) => /^[\x20-\x7e]{1,255}$/.test(s), 'a printable alias');
  const chap = r.has('chap') ? chapConfig(r.obj.chap, r.at('chap')) : undefined;
  const acl = r.array('acl')?.map((a, i) => {
    if (typeof a !== 'string' || !isIscsiName(a))
      fail(`${r.at('acl')}[${i}]`, 'must be an initiator iSCSI name');
    return a;
  });
  const raw = r.array('luns') ?? [];
  if (raw.length === 0) fail(r.at('luns'), 'a target needs at least one LU');
  const partial = raw.map((l, i) => luConfig(l, `${where}.luns[${i}]`, copyDefault));
  // LUNs not given take the lowest free numbers, in order.
  const used = new Set<number>();
  partial.forEach((l, i) => {
    if (l.lun === undefined) return;
    if (used.has(l.lun)) fail(`${where}.luns[${i}].lun`, `LUN ${l.lun} is used twice`);
    used.add(l.lun);
  });
  let next = 0;
  const luns = partial.map((l): LuConfig => {
    let lun = l.lun;
    if (lun === undefined) {
      while (used.has(next)) next++;
      used.add(next);
      lun = next;
    }
    return { ...l, lun };
  });
  if (!used.has(0)) fail(r.at('luns'), 'a target needs a LUN 0 (initiators scan from it)');
  for (const l of luns) dropUndefined(l);
  return dropUndefined({ iqn, alias, chap, acl, luns });
}

/** Parse and validate a SAN configuration (the parsed JSON). Throws SanConfigError. */
export function parseSanConfig(v: unknown): SanConfig {
  const r = Reader.of(v, '');
  r.only(['portal', 'dataDir', 'admin', 'discoveryChap', 'mover', 'cartridges', 'targets']);
  const portal = r.hostPort('portal') ?? { ...DEFAULT_PORTAL };
  const admin = r.hostPort('admin') ?? { ...DEFAULT_ADMIN };
  if (!isLoopback(admin.host))
    fail('admin', `${admin.host} is not a loopback address (the admin API has no authentication)`);
  const dataDir = r.string('dataDir', (s) => s.length > 0, 'a directory');
  const discoveryChap = r.has('discoveryChap') ? chapConfig(r.obj.discoveryChap, 'discoveryChap') : undefined;
  let copyDefault = true;
  if (r.has('mover')) {
    const m = Reader.of(r.obj.mover, 'mover');
    m.only(['copyManagerOnEveryLu']);
    copyDefault = m.bool('copyManagerOnEveryLu') ?? true;
  }
  const cartridges = (r.array('cartridges') ?? []).map((c, i) => parseCartridgeConfig(c, `cartridges[${i}]`));
  const rawTargets = r.array('targets') ?? [];
  if (rawTargets.length === 0) fail('targets', 'at least one target is needed');
  const targets = rawTargets.map((t, i) => targetConfig(t, `targets[${i}]`, copyDefault));
  const config: SanConfig = dropUndefined({
    portal,
    dataDir,
    admin,
    discoveryChap,
    mover: { copyManagerOnEveryLu: copyDefault },
    cartridges,
    targets,
  });
  checkReferences(config);
  return config;
}

/** Cross-references: unique names, drives and cartridges that exist and sit in one place each. */
function checkReferences(c: SanConfig): void {
  const barcodes = new Set<string>();
  c.cartridges.forEach((k, i) => {
    if (barcodes.has(k.barcode)) fail(`cartridges[${i}].barcode`, `${k.barcode} is configured twice`);
    barcodes.add(k.barcode);
  });
  const iqns = new Set<string>();
  const lus = new Map<string, { lu: LuConfig; where: string }>();
  c.targets.forEach((t, ti) => {
    const lower = t.iqn.toLowerCase();
    if (iqns.has(lower)) fail(`targets[${ti}].iqn`, `${t.iqn} is configured twice`);
    iqns.add(lower);
    t.luns.forEach((l, li) => {
      const where = `targets[${ti}].luns[${li}]`;
      if (lus.has(l.name)) fail(`${where}.name`, `LU name ${l.name} is used twice`);
      lus.set(l.name, { lu: l, where });
    });
  });
  const placed = new Map<string, string>();
  const place = (barcode: string, where: string): void => {
    if (!barcodes.has(barcode)) fail(where, `cartridge ${barcode} is not in "cartridges"`);
    const other = placed.get(barcode);
    if (other !== undefined) fail(where, `cartridge ${barcode} is already placed at ${other}`);
    placed.set(barcode, where);
  };
  const driveOwner = new Map<string, string>();
  const snapshots = new Set<string>();
  for (const { lu, where } of lus.values()) {
    if (lu.type === 'tape' && lu.cartridge !== undefined) place(lu.cartridge, `${where}.cartridge`);
    if (lu.type === 'changer') {
      lu.drives.forEach((d, i) => {
        const drive = lus.get(d);
        if (drive?.lu.type !== 'tape') fail(`${where}.drives[${i}]`, `${d} is not a tape LU`);
        const owner = driveOwner.get(d);
        if (owner !== undefined) fail(`${where}.drives[${i}]`, `${d} already belongs to ${owner}`);
        driveOwner.set(d, lu.name);
      });
      lu.slots.forEach((s, i) => {
        if (s !== null) place(s, `${where}.slots[${i}]`);
      });
      if (lu.importExport !== undefined) place(lu.importExport, `${where}.importExport`);
    }
    if (lu.type === 'snapshot') {
      const src = lus.get(lu.source);
      if (src?.lu.type !== 'disk') fail(`${where}.source`, `${lu.source} is not a disk LU`);
      if (src.lu.memory) fail(`${where}.source`, `${lu.source} is a memory disk (no snapshots)`);
      const key = `${lu.source}@${lu.snapshot}`;
      if (snapshots.has(key)) fail(`${where}.snapshot`, `${key} is exposed twice`);
      snapshots.add(key);
    }
  }
  const files = new Map<string, string>();
  for (const { lu, where } of lus.values()) {
    if (lu.type !== 'disk' || lu.memory) continue;
    const other = files.get(lu.file);
    if (other !== undefined) fail(`${where}.file`, `${lu.file} is also the file of ${other}`);
    files.set(lu.file, lu.name);
  }
}

/** Parse configuration text (JSON). */
export function parseSanConfigText(text: string, source = 'config'): SanConfig {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new SanConfigError(`${source}: not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseSanConfig(v);
}
