// The emulated SAN composed from a SanConfig: disk, tape, changer, processor and snapshot LUs on
// iSCSI targets, a copy manager on every LU (or only where configured) resolving CSCDs among the
// SAN's own LUs under the targets' ACL and CHAP rules, the cartridge shelf, fault injection, and
// the operations the admin API exposes (admin-server.ts). start() builds it and listens;
// stop() flushes every store and cartridge and closes everything.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeElementStatusData, encodeMoveMedium, encodeReadElementStatus } from '../../cdb/smc';
import { InProcessTransport } from '../../targets/inprocess-transport';
import { runCommand, ScsiStatusError } from '../../targets/command';
import { ELEMENT_TYPE } from '../../cdb/smc/read-element-status';
import { RamBlockDevice } from '../devices/block-store';
import { MediumRemovalPreventedError } from '../devices/tape';
import type { FileBlockStore } from '../disk/block-store';
import {
  DiskError,
  SnapshotExistsError,
  SnapshotNotFoundError,
  CheckpointExistsError,
  CheckpointNotFoundError,
} from '../disk/errors';
import type { Snapshot } from '../disk/snapshot';
import { FaultInjectingLu, type Fault } from '../faults/fault-lu';
import type { TargetConfig } from '../iscsi/config';
import { IscsiTargetServer } from '../iscsi/server';
import { getLogger, type Logger } from '../log';
import type { ItNexus, LogicalUnit } from '../lu';
import { BLOCK_SEGMENT_TYPES } from '../mover/capabilities';
import { DEFAULT_MOVER_NEXUS } from '../mover/config';
import { LocalLuResolver, type LocalLuEntry } from '../mover/local-resolver';
import { Cartridge, CartridgeExistsError, TapeError } from '../tape';
import {
  CartridgeShelf,
  loadPlacement,
  savePlacement,
  type ChangerPlacement,
  type Placement,
} from './cartridges';
import {
  defaultCopySegments,
  isSnapshotName,
  type CopySegments,
  type CartridgeConfig,
  type DiskLuConfig,
  type HostPort,
  type LuConfig,
  type LuType,
  type SanChapConfig,
  type SanConfig,
  type SanTargetConfig,
} from './config';
import { ConnectionFaults } from './connection-faults';
import { SanChanger, SanDisk, SanProcessor, SanTape, type CopyHosting, type SanDevice } from './devices';
import { createMemoryDisk, openFileDisk } from './disk-stores';
import { badRequest, conflict, notFound, SanOperationError } from './errors';
import type { FaultSpec } from './fault-spec';

export interface SanStartOptions {
  /** Data directory (wins over the configuration's dataDir); kept at stop. */
  dir?: string;
  /** Portal override (the CLI's --portal). */
  portal?: HostPort;
  /** Time initiators get to log out at stop (ms, default 1000). */
  logoutGraceMs?: number;
}

/** One LU as the ready line and GET /luns show it. */
export interface LuSummary {
  name: string;
  type: LuType;
  url: string;
  /** NAA designator of VPD page 83h, 32 hex digits. */
  naa: string;
}

export interface LuInfo extends LuSummary {
  target: string;
  lun: number;
  copyManager: boolean;
  /** The copy manager's segment set (present when copyManager is true). */
  copySegments?: CopySegments;
  readOnly?: boolean;
}

export interface ReadyInfo {
  portal: string;
  admin?: string;
  luns: LuSummary[];
}

interface TargetRuntime {
  config: SanTargetConfig;
  luns: Map<number, LogicalUnit>;
}

interface LuEntry {
  name: string;
  type: LuType;
  target: TargetRuntime;
  lun: number;
  device: SanDevice;
  served: FaultInjectingLu;
  /** Disk LUs: the store (file-backed or memory). Snapshot LUs: their source's. */
  disk?: SanDisk;
  store?: FileBlockStore;
  snapshot?: { source: string; name: string; view: Snapshot };
  tape?: SanTape;
  changer?: SanChanger;
  diskConfig?: DiskLuConfig;
}

interface FaultEntry {
  id: number;
  spec: FaultSpec;
  undo(): void;
  /** Hit counters of rule-based faults. */
  counters?(): { seen?: number; fired: number };
}

export interface CartridgeStatus {
  barcode: string;
  location:
    | { kind: 'shelf' }
    | { kind: 'drive'; lu: string; state: string }
    | { kind: 'slot'; changer: string; address: number; slot: number }
    | { kind: 'import-export'; changer: string; address: number };
  capacityBytes?: number;
  earlyWarningBytes?: number;
  usedBytes?: number;
  objects?: number;
  writeProtected?: boolean;
}

const ADMIN_NEXUS: ItNexus = Object.freeze({
  initiatorPort: 'iqn.2024-01.io.xcopy:san-admin,i,0x800000000002',
  initiatorName: 'iqn.2024-01.io.xcopy:san-admin',
  targetPort: 'iqn.2024-01.io.xcopy:san-admin-internal,t,0x0001',
  relativeTargetPort: 1,
});

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Map store and cartridge errors to admin answers; anything else is re-thrown. */
function operationError(e: unknown): never {
  if (e instanceof SanOperationError) throw e;
  if (
    e instanceof SnapshotExistsError ||
    e instanceof CheckpointExistsError ||
    e instanceof CartridgeExistsError
  )
    throw conflict(e.message);
  if (e instanceof SnapshotNotFoundError || e instanceof CheckpointNotFoundError) throw notFound(e.message);
  if (e instanceof DiskError || e instanceof TapeError) throw badRequest(e.message);
  if (e instanceof MediumRemovalPreventedError) throw conflict(e.message);
  if (e instanceof ScsiStatusError) throw conflict(e.message);
  throw e;
}

function sanIdOf(dir: string): string {
  const file = path.join(dir, 'san-id');
  try {
    const id = fs.readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{16}$/.test(id)) return id;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const id = crypto.randomBytes(8).toString('hex');
  fs.writeFileSync(file, id + '\n');
  return id;
}

export class EmulatedSan {
  readonly log: Logger;
  readonly dataDir: string;
  /** Stable per data directory: part of every LU's identity (NAA, serial number). */
  readonly sanId: string;
  readonly shelf: CartridgeShelf;
  readonly resolver: LocalLuResolver;
  readonly connectionFaults = new ConnectionFaults();
  private readonly ownsDir: boolean;
  private readonly targets: TargetRuntime[] = [];
  private readonly lus = new Map<string, LuEntry>();
  private readonly faultBook = new Map<number, FaultEntry>();
  private nextFaultId = 1;
  private server?: IscsiTargetServer;
  private portalText = '';
  private adminUrl?: string;
  private stopping?: Promise<void>;

  private constructor(
    readonly config: SanConfig,
    dir: string,
    ownsDir: boolean,
    private readonly opts: SanStartOptions,
  ) {
    this.log = getLogger('san');
    this.dataDir = dir;
    this.ownsDir = ownsDir;
    this.sanId = sanIdOf(dir);
    this.shelf = new CartridgeShelf(dir);
    this.resolver = new LocalLuResolver({
      moverNexus: DEFAULT_MOVER_NEXUS,
      mayAccess: (requester, entry) => this.mayAccess(requester, entry),
    });
  }

  /** Build every LU from the configuration and start listening on the portal. */
  static async start(config: SanConfig, opts: SanStartOptions = {}): Promise<EmulatedSan> {
    const given = opts.dir ?? config.dataDir;
    let dir: string;
    if (given !== undefined) {
      dir = path.resolve(given);
      fs.mkdirSync(dir, { recursive: true });
    } else {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xcopy-san-'));
    }
    const san = new EmulatedSan(config, dir, given === undefined, opts);
    try {
      await san.build();
      await san.listen();
    } catch (e) {
      await san.teardown();
      throw e;
    }
    return san;
  }

  // ---- composition ---------------------------------------------------------------------------------

  private identity(
    target: SanTargetConfig,
    lu: { name: string; vendor?: string; product?: string; serial?: string },
  ) {
    const id = `${this.sanId}/${target.iqn}/${lu.name}`;
    const out: { id: string; vendor?: string; product?: string; serial?: string } = { id };
    if (lu.vendor !== undefined) out.vendor = lu.vendor;
    if (lu.product !== undefined) out.product = lu.product;
    if (lu.serial !== undefined) out.serial = lu.serial;
    return out;
  }

  /** The copy manager a LU hosts: reaching the SAN's LUs, offering the configured segment types. */
  private copyHosting(segments: CopySegments): CopyHosting {
    return segments === 'block'
      ? { resolver: this.resolver, mover: { segmentTypes: BLOCK_SEGMENT_TYPES } }
      : { resolver: this.resolver };
  }

  private hosting(on: boolean, segments: CopySegments): CopyHosting | undefined {
    return on ? this.copyHosting(segments) : undefined;
  }

  private async build(): Promise<void> {
    const c = this.config;
    for (const k of c.cartridges) {
      if (this.shelf.ensure(k)) this.log.info(`cartridge ${k.barcode} created`);
    }
    const placement = this.initialPlacement();
    for (const t of c.targets) this.targets.push({ config: t, luns: new Map() });
    // Disks and tape drives first: changers bind drives, snapshot LUs need their disk's store.
    const order: LuType[] = ['disk', 'tape', 'changer', 'processor', 'snapshot'];
    for (const type of order) {
      for (const t of this.targets) {
        for (const lu of t.config.luns) if (lu.type === type) await this.buildLu(t, lu, placement);
      }
    }
    // Snapshots taken through the admin API earlier (they live in the stores) come back as LUs.
    for (const e of [...this.lus.values()]) {
      if (e.store === undefined || e.snapshot !== undefined) continue;
      for (const s of e.store.listSnapshots()) {
        const exposed = [...this.lus.values()].some(
          (x) => x.snapshot?.source === e.name && x.snapshot.name === s.name,
        );
        const name = `${e.name}@${s.name}`;
        if (exposed) continue;
        if (this.lus.has(name)) this.log.warn(`snapshot ${name} not served: an LU of that name exists`);
        else this.addSnapshotLu(e, s.name, name, undefined, e.diskConfig?.copyManager ?? true);
      }
    }
    this.savePlacement();
  }

  private initialPlacement(): Placement {
    const drives: Record<string, string | null> = {};
    const changers: Record<string, ChangerPlacement> = {};
    for (const t of this.config.targets) {
      for (const lu of t.luns) {
        if (lu.type === 'tape') drives[lu.name] = lu.cartridge ?? null;
        if (lu.type === 'changer')
          changers[lu.name] = { slots: [...lu.slots], importExport: lu.importExport ?? null };
      }
    }
    const fromConfig: Placement = { drives, changers };
    const saved = loadPlacement(
      this.dataDir,
      {
        drives: Object.keys(drives),
        changers: Object.fromEntries(Object.entries(changers).map(([k, v]) => [k, v.slots.length])),
      },
      (b) => this.shelf.exists(b),
    );
    if (saved.why !== undefined) this.log.warn(`${saved.why}; using the configured placement`);
    return saved.placement ?? fromConfig;
  }

  private register(
    t: TargetRuntime,
    lu: LuConfig | { name: string; lun: number; type: LuType },
    device: SanDevice,
    extra: Partial<LuEntry>,
  ): LuEntry {
    const served = new FaultInjectingLu(device);
    const entry: LuEntry = { name: lu.name, type: lu.type, target: t, lun: lu.lun, device, served, ...extra };
    t.luns.set(lu.lun, served);
    this.lus.set(lu.name, entry);
    this.resolver.register(lu.name, served);
    return entry;
  }

  private async buildLu(t: TargetRuntime, lu: LuConfig, placement: Placement): Promise<void> {
    const identity = this.identity(t.config, lu);
    switch (lu.type) {
      case 'disk': {
        if (lu.memory) {
          const store = await createMemoryDisk(lu);
          const disk = new SanDisk<RamBlockDevice>({
            identity,
            store,
            readOnly: lu.readOnly,
            copyHosting: this.hosting(lu.copyManager, lu.copySegments),
          });
          this.register(t, lu, disk, { disk, diskConfig: lu });
        } else {
          const { store, created } = await openFileDisk(lu, this.dataDir);
          if (created) this.log.info(`disk ${lu.name}: created ${lu.file}`);
          const disk = new SanDisk<FileBlockStore>({
            identity,
            store,
            readOnly: lu.readOnly,
            copyHosting: this.hosting(lu.copyManager, lu.copySegments),
          });
          this.register(t, lu, disk, { disk, store, diskConfig: lu });
        }
        return;
      }
      case 'tape': {
        const tape = new SanTape({ identity, copyHosting: this.hosting(lu.copyManager, lu.copySegments) });
        const barcode = placement.drives[lu.name];
        this.register(t, lu, tape, { tape });
        if (barcode !== null && barcode !== undefined) {
          const c = this.shelf.open(barcode);
          if (c.recovery.discardedBytes > 0 || c.recovery.stopReason !== undefined) {
            this.log.warn(
              `cartridge ${barcode}: recovered ${c.eod} objects, cut ${c.recovery.discardedBytes} torn bytes`,
            );
          }
          tape.loadCartridge(c);
        }
        return;
      }
      case 'changer': {
        const p = placement.changers[lu.name];
        const drives = lu.drives.map((d) => {
          const e = this.lus.get(d);
          if (e?.tape === undefined) throw new Error(`changer ${lu.name}: drive ${d} missing`);
          return e.tape;
        });
        const changer = new SanChanger({
          identity,
          drives,
          slots: p.slots.map((b) => (b === null ? undefined : this.shelf.pathOf(b))),
          importExport: p.importExport === null ? undefined : this.shelf.pathOf(p.importExport),
          copyHosting: this.hosting(lu.copyManager, lu.copySegments),
          onMove: () => this.savePlacement(),
        });
        this.register(t, lu, changer, { changer });
        return;
      }
      case 'processor': {
        const p = new SanProcessor({ identity, ...this.copyHosting(lu.copySegments) });
        this.register(t, lu, p, {});
        return;
      }
      case 'snapshot': {
        const source = this.lus.get(lu.source);
        if (source?.store === undefined) throw new Error(`snapshot ${lu.name}: ${lu.source} has no store`);
        if (!source.store.listSnapshots().some((s) => s.name === lu.snapshot)) {
          await source.store.createSnapshot(lu.snapshot);
          this.log.info(`snapshot ${lu.source}@${lu.snapshot} taken`);
        }
        this.addSnapshotLu(source, lu.snapshot, lu.name, { target: t, lun: lu.lun }, lu.copyManager, lu);
        return;
      }
    }
  }

  /** Expose a snapshot of `source` as a read-only disk LU (at `at`, or the lowest free LUN of its target). */
  private addSnapshotLu(
    source: LuEntry,
    snapshot: string,
    name: string,
    at: { target: TargetRuntime; lun: number } | undefined,
    copyManager: boolean,
    lu?: LuConfig,
  ): LuEntry {
    const store = source.store;
    if (store === undefined) throw badRequest(`${source.name} is not a file-backed disk`);
    const target = at?.target ?? source.target;
    let lun = at?.lun ?? 0;
    if (at === undefined) while (target.luns.has(lun)) lun++;
    const view = store.snapshot(snapshot);
    const identity = this.identity(target.config, lu ?? { name });
    const disk = new SanDisk<Snapshot>({
      identity,
      store: view,
      readOnly: true,
      copyHosting: this.hosting(copyManager, lu?.copySegments ?? defaultCopySegments('snapshot')),
    });
    return this.register(target, { name, lun, type: 'snapshot' }, disk, {
      disk,
      snapshot: { source: source.name, name: snapshot, view },
    });
  }

  private async listen(): Promise<void> {
    const portal = this.opts.portal ?? this.config.portal;
    const toChap = (c: SanChapConfig | undefined) =>
      c === undefined ? undefined : { users: c.users.map((u) => ({ ...u })), mutual: c.mutual };
    const targets: TargetConfig[] = this.targets.map((t) => ({
      name: t.config.iqn,
      alias: t.config.alias,
      luns: t.luns,
      acl: t.config.acl,
      chap: toChap(t.config.chap),
    }));
    this.server = new IscsiTargetServer({
      host: portal.host,
      port: portal.port,
      targets,
      discoveryChap: toChap(this.config.discoveryChap),
      connectionTap: (conn) => this.connectionFaults.tapFor(conn),
    });
    const addr = await this.server.listen();
    this.portalText = `${hostForUrl(addr.host)}:${addr.port}`;
  }

  /** The admin API's URL, once its server listens (set by admin-server.ts). */
  setAdminUrl(url: string): void {
    this.adminUrl = url;
  }

  // ---- access rules for the copy manager ------------------------------------------------------------

  /** A third-party copy may touch an LU only if its requester could log in to that LU's target. */
  private mayAccess(requester: ItNexus, entry: LocalLuEntry): boolean {
    const e = this.lus.get(entry.name);
    if (e === undefined) return false;
    const t = e.target.config;
    if (t.acl !== undefined && !t.acl.some((a) => a.toLowerCase() === requester.initiatorName.toLowerCase()))
      return false;
    if (t.chap !== undefined) return t.chap.users.some((u) => u.user === requester.authUser);
    return true;
  }

  // ---- listings --------------------------------------------------------------------------------------

  get portal(): string {
    return this.portalText;
  }

  get iscsiServer(): IscsiTargetServer {
    if (this.server === undefined) throw new Error('the SAN is not listening');
    return this.server;
  }

  private summary(e: LuEntry): LuSummary {
    return {
      name: e.name,
      type: e.type,
      url: `iscsi://${this.portalText}/${e.target.config.iqn}/${e.lun}`,
      naa: e.device.identity.naa.toString('hex'),
    };
  }

  private sortedEntries(): LuEntry[] {
    const order = new Map(this.targets.map((t, i) => [t, i]));
    return [...this.lus.values()].sort(
      (a, b) => (order.get(a.target) ?? 0) - (order.get(b.target) ?? 0) || a.lun - b.lun,
    );
  }

  readyInfo(): ReadyInfo {
    const luns = this.sortedEntries().map((e) => this.summary(e));
    return this.adminUrl === undefined
      ? { portal: this.portalText, luns }
      : { portal: this.portalText, admin: this.adminUrl, luns };
  }

  listLuns(): LuInfo[] {
    return this.sortedEntries().map((e) => this.luInfo(e));
  }

  private luInfo(e: LuEntry): LuInfo {
    const info: LuInfo = {
      ...this.summary(e),
      target: e.target.config.iqn,
      lun: e.lun,
      copyManager: e.device.copyManager !== undefined,
    };
    const cm = e.device.copyManager;
    if (cm !== undefined) info.copySegments = cm.config.segmentTypes === undefined ? 'all' : 'block';
    if (e.disk !== undefined) info.readOnly = e.disk.readOnly;
    return info;
  }

  private entry(name: string, type?: LuType | LuType[]): LuEntry {
    const e = this.lus.get(name);
    if (e === undefined) throw notFound(`no LU named ${JSON.stringify(name)}`);
    const types = type === undefined ? undefined : Array.isArray(type) ? type : [type];
    if (types !== undefined && !types.includes(e.type))
      throw badRequest(`${name} is a ${e.type} LU, not a ${types.join(' or ')}`);
    return e;
  }

  /** Everything about one LU (GET /luns/NAME). */
  async luDetail(name: string): Promise<Record<string, unknown>> {
    const e = this.entry(name);
    const d: Record<string, unknown> = { ...this.luInfo(e) };
    if (e.disk !== undefined) {
      const s = e.disk.store;
      d.disk = {
        blockSize: s.blockSize,
        blockCount: Number(s.blockCount),
        sizeBytes: Number(s.blockCount) * s.blockSize,
        provisioningGranularity: s.provisioningGranularity,
        memory: s instanceof RamBlockDevice,
      };
      if (e.store !== undefined && e.snapshot === undefined) {
        d.snapshots = e.store
          .listSnapshots()
          .map((x) => ({ name: x.name, createdAt: x.createdAt.toISOString() }));
        d.checkpoints = e.store
          .listCheckpoints()
          .map((c) => ({ ...c, createdAt: c.createdAt.toISOString() }));
        const st = await e.store.stats();
        d.stats = st;
      }
      if (e.snapshot !== undefined) d.snapshot = { source: e.snapshot.source, name: e.snapshot.name };
      d.mediumErrors = e.disk
        .mediumErrors()
        .map((m) => ({ lba: Number(m.lba), count: Number(m.count), kind: m.kind }));
    }
    if (e.tape !== undefined) d.tape = this.tapeStatus(e.tape);
    if (e.changer !== undefined) d.changer = this.changerStatus(e.name);
    return d;
  }

  private tapeStatus(tape: SanTape): Record<string, unknown> {
    const c = tape.cartridge;
    const path = tape.cartridgePath;
    const s: Record<string, unknown> = { medium: tape.mediumState, blockLength: tape.blockLength };
    if (path !== undefined) s.barcode = this.shelf.barcodeOfPath(path) ?? path;
    if (c !== undefined && !c.closed) {
      const p = c.positionInfo();
      s.position = {
        objectNumber: p.objectNumber,
        fileNumber: p.fileNumber,
        bop: p.bop,
        eod: p.eod,
        earlyWarning: p.earlyWarning,
      };
      s.eod = c.eod;
      s.usedBytes = c.usedBytes;
      s.writeProtected = c.writeProtected;
    }
    return s;
  }

  // ---- snapshots and checkpoints ---------------------------------------------------------------------

  private fileDisk(name: string): LuEntry & { store: FileBlockStore } {
    const e = this.entry(name, 'disk');
    if (e.store === undefined) throw badRequest(`${name} is a memory disk: no snapshots or checkpoints`);
    return e as LuEntry & { store: FileBlockStore };
  }

  private lunsChanged(t: TargetRuntime): void {
    for (const e of this.lus.values()) if (e.target === t) e.device.reportedLunsChanged();
  }

  /** Take a snapshot of a disk and expose it as a read-only LU named DISK@SNAPSHOT. */
  async createSnapshot(diskName: string, snapshot: string): Promise<LuInfo> {
    const e = this.fileDisk(diskName);
    if (typeof snapshot !== 'string' || !isSnapshotName(snapshot))
      throw badRequest('a snapshot name is 1-64 of A-Z a-z 0-9 . _ + -');
    const name = `${diskName}@${snapshot}`;
    if (this.lus.has(name)) throw conflict(`an LU named ${name} exists`);
    try {
      await e.store.createSnapshot(snapshot);
    } catch (err) {
      operationError(err);
    }
    const lu = this.addSnapshotLu(e, snapshot, name, undefined, e.diskConfig?.copyManager ?? true);
    this.lunsChanged(lu.target);
    this.log.info(`snapshot ${name} at LUN ${lu.lun}`);
    return this.luInfo(lu);
  }

  listSnapshots(
    diskName: string,
  ): { name: string; lu?: string; createdAt: string; preservedChunks: number }[] {
    const e = this.fileDisk(diskName);
    return e.store.listSnapshots().map((s) => {
      const lu = [...this.lus.values()].find(
        (x) => x.snapshot?.source === diskName && x.snapshot.name === s.name,
      );
      const out: { name: string; lu?: string; createdAt: string; preservedChunks: number } = {
        name: s.name,
        createdAt: s.createdAt.toISOString(),
        preservedChunks: s.preservedChunks,
      };
      if (lu !== undefined) out.lu = lu.name;
      return out;
    });
  }

  /** Remove the snapshot's LU(s) and delete the snapshot. */
  async deleteSnapshot(diskName: string, snapshot: string): Promise<void> {
    const e = this.fileDisk(diskName);
    if (!e.store.listSnapshots().some((s) => s.name === snapshot))
      throw notFound(`${diskName} has no snapshot ${snapshot}`);
    for (const x of [...this.lus.values()]) {
      if (x.snapshot?.source !== diskName || x.snapshot.name !== snapshot) continue;
      x.target.luns.delete(x.lun);
      this.lus.delete(x.name);
      this.resolver.unregister(x.name);
      this.removeFaultsOf(x.name);
      await x.served.close();
      this.lunsChanged(x.target);
    }
    try {
      await e.store.deleteSnapshot(snapshot);
    } catch (err) {
      operationError(err);
    }
  }

  async createCheckpoint(diskName: string, name: string, granularityBytes?: number) {
    const e = this.fileDisk(diskName);
    if (typeof name !== 'string' || !isSnapshotName(name))
      throw badRequest('a checkpoint name is 1-64 of A-Z a-z 0-9 . _ + -');
    try {
      const info = await e.store.createCheckpoint(name, {
        granularityBytes: granularityBytes ?? e.diskConfig?.cbtGranularity,
      });
      return { ...info, createdAt: info.createdAt.toISOString() };
    } catch (err) {
      return operationError(err);
    }
  }

  listCheckpoints(diskName: string) {
    return this.fileDisk(diskName)
      .store.listCheckpoints()
      .map((c) => ({ ...c, createdAt: c.createdAt.toISOString() }));
  }

  async deleteCheckpoint(diskName: string, name: string): Promise<void> {
    try {
      await this.fileDisk(diskName).store.deleteCheckpoint(name);
    } catch (err) {
      operationError(err);
    }
  }

  changedExtents(diskName: string, name: string) {
    const store = this.fileDisk(diskName).store;
    try {
      const info = store.listCheckpoints().find((c) => c.name === name);
      const extents = store.changedExtents(name).map((x) => ({
        lba: Number(x.lba),
        count: Number(x.count),
        offsetBytes: x.offsetBytes,
        lengthBytes: x.lengthBytes,
      }));
      return {
        checkpoint: name,
        granularityBytes: info?.granularityBytes,
        conservative: info?.conservative,
        blockSize: store.blockSize,
        extents,
      };
    } catch (err) {
      return operationError(err);
    }
  }

  // ---- cartridges, drives and changers ------------------------------------------------------------------

  private placementNow(): Placement {
    const drives: Record<string, string | null> = {};
    const changers: Record<string, ChangerPlacement> = {};
    for (const e of this.lus.values()) {
      if (e.tape !== undefined) {
        const p = e.tape.cartridgePath;
        drives[e.name] = p === undefined ? null : (this.shelf.barcodeOfPath(p) ?? null);
      }
      if (e.changer !== undefined) {
        const inv = e.changer.inventory();
        const barcodeAt = (x: { path?: string }): string | null =>
          x.path === undefined ? null : (this.shelf.barcodeOfPath(x.path) ?? null);
        changers[e.name] = {
          slots: inv.filter((x) => x.type === ELEMENT_TYPE.storage).map(barcodeAt),
          importExport: barcodeAt(inv.find((x) => x.type === ELEMENT_TYPE.importExport) ?? {}),
        };
      }
    }
    return { drives, changers };
  }

  private savePlacement(): void {
    try {
      savePlacement(this.dataDir, this.placementNow());
    } catch (e) {
      this.log.error(`cannot save placement.json: ${errorText(e)}`);
    }
  }

  listCartridges(): CartridgeStatus[] {
    const where = new Map<string, CartridgeStatus['location']>();
    const live = new Map<string, Cartridge>();
    for (const e of this.lus.values()) {
      if (e.tape !== undefined && e.tape.cartridgePath !== undefined) {
        const b = this.shelf.barcodeOfPath(e.tape.cartridgePath);
        if (b !== undefined) where.set(b, { kind: 'drive', lu: e.name, state: e.tape.mediumState });
        const c = e.tape.cartridge;
        if (b !== undefined && c !== undefined && !c.closed) live.set(b, c);
      }
      if (e.changer !== undefined) {
        let slot = 0;
        for (const x of e.changer.inventory()) {
          const b = x.path === undefined ? undefined : this.shelf.barcodeOfPath(x.path);
          if (x.type === ELEMENT_TYPE.storage) {
            if (b !== undefined) where.set(b, { kind: 'slot', changer: e.name, address: x.address, slot });
            slot++;
          } else if (x.type === ELEMENT_TYPE.importExport && b !== undefined) {
            where.set(b, { kind: 'import-export', changer: e.name, address: x.address });
          }
        }
      }
    }
    return this.shelf.barcodes().map((barcode) => {
      const s: CartridgeStatus = { barcode, location: where.get(barcode) ?? { kind: 'shelf' } };
      let c = live.get(barcode);
      let opened = false;
      try {
        if (c === undefined) {
          c = Cartridge.open(this.shelf.pathOf(barcode), { readOnly: true, countLoad: false });
          opened = true;
        }
        s.capacityBytes = c.info.capacityBytes;
        s.earlyWarningBytes = c.info.earlyWarningBytes;
        s.usedBytes = c.usedBytes;
        s.objects = c.eod;
        s.writeProtected = c.writeProtected;
      } catch (e) {
        this.log.warn(`cartridge ${barcode}: ${errorText(e)}`);
      } finally {
        if (opened) c?.close();
      }
      return s;
    });
  }

  /** A new blank cartridge on the shelf. */
  createCartridge(c: CartridgeConfig): CartridgeStatus {
    try {
      this.shelf.create(c);
    } catch (e) {
      operationError(e);
    }
    this.log.info(`cartridge ${c.barcode} created`);
    const s = this.listCartridges().find((x) => x.barcode === c.barcode);
    if (s === undefined) throw new Error(`cartridge ${c.barcode} vanished`);
    return s;
  }

  private locationOf(barcode: string): CartridgeStatus['location'] {
    if (!this.shelf.exists(barcode)) throw notFound(`no cartridge ${barcode}`);
    const s = this.listCartridges().find((x) => x.barcode === barcode);
    return s?.location ?? { kind: 'shelf' };
  }

  private changerOfDrive(
    driveName: string,
  ): { changer: LuEntry & { changer: SanChanger }; address: number } | undefined {
    for (const e of this.lus.values()) {
      if (e.changer === undefined) continue;
      const drives = e.changer.inventory().filter((x) => x.type === ELEMENT_TYPE.dataTransfer);
      const cfg = e.target.config.luns.find((l) => l.name === e.name);
      if (cfg?.type !== 'changer') continue;
      const i = cfg.drives.indexOf(driveName);
      if (i >= 0 && drives[i] !== undefined)
        return { changer: e as LuEntry & { changer: SanChanger }, address: drives[i].address };
    }
    return undefined;
  }

  /** MOVE MEDIUM through the changer LU itself, as an initiator would (admin nexus). */
  private async moveMedium(changer: LuEntry, from: number, to: number): Promise<void> {
    const t = new InProcessTransport(changer.served, {
      nexus: ADMIN_NEXUS,
      address: `admin://${changer.name}`,
    });
    try {
      await runCommand(
        t,
        {
          cdb: encodeMoveMedium({
            mediumTransportAddress: 0,
            sourceAddress: from,
            destinationAddress: to,
            invert: false,
            control: 0,
          }),
        },
        { unitAttentionRetries: 8 },
      );
    } catch (e) {
      operationError(e);
    } finally {
      await t.close();
    }
  }

  /** Put a cartridge into a drive: from the drive's changer (slot or import/export) or from the shelf. */
  async loadCartridge(driveName: string, barcode: string): Promise<CartridgeStatus> {
    const drive = this.entry(driveName, 'tape');
    const tape = drive.tape as SanTape;
    const loc = this.locationOf(barcode);
    if (loc.kind === 'drive') throw conflict(`${barcode} is already in drive ${loc.lu}`);
    if (tape.mediumState !== 'empty') throw conflict(`drive ${driveName} is not empty`);
    if (loc.kind === 'shelf') {
      let c: Cartridge;
      try {
        c = this.shelf.open(barcode);
      } catch (e) {
        return operationError(e);
      }
      tape.loadCartridge(c);
    } else {
      const owner = this.changerOfDrive(driveName);
      if (owner === undefined || owner.changer.name !== loc.changer)
        throw conflict(`${barcode} is in changer ${loc.changer}, which cannot reach drive ${driveName}`);
      await this.moveMedium(owner.changer, loc.address, owner.address);
    }
    this.savePlacement();
    return this.cartridgeStatus(barcode);
  }

  /**
   * Take the cartridge out of a drive: back into its changer (its source slot, else the first
   * empty one) or, for a drive without a changer or with `toShelf`, onto the shelf.
   */
  async unloadCartridge(
    driveName: string,
    opts: { force?: boolean; toShelf?: boolean } = {},
  ): Promise<CartridgeStatus> {
    const drive = this.entry(driveName, 'tape');
    const tape = drive.tape as SanTape;
    const p = tape.cartridgePath;
    if (p === undefined) throw conflict(`drive ${driveName} is empty`);
    const barcode = this.shelf.barcodeOfPath(p) ?? p;
    const owner = this.changerOfDrive(driveName);
    // Without a changer, on request, or forced past PREVENT MEDIUM REMOVAL: onto the shelf.
    if (owner === undefined || opts.toShelf === true || (opts.force === true && tape.removalPrevented)) {
      try {
        tape.unloadCartridge({ force: opts.force });
      } catch (e) {
        operationError(e);
      }
    } else {
      const slots = owner.changer.changer.inventory().filter((x) => x.type === ELEMENT_TYPE.storage);
      const source = await this.sourceSlot(owner.changer, owner.address);
      const slot =
        slots.find((x) => x.address === source && x.path === undefined) ??
        slots.find((x) => x.path === undefined);
      if (slot === undefined) throw conflict(`changer ${owner.changer.name} has no empty slot`);
      await this.moveMedium(owner.changer, owner.address, slot.address);
    }
    this.savePlacement();
    return this.cartridgeStatus(barcode);
  }

  /** The storage element a drive's cartridge came from (READ ELEMENT STATUS: SVALID, SOURCE ADDRESS). */
  private async sourceSlot(changer: LuEntry, driveAddress: number): Promise<number | undefined> {
    const t = new InProcessTransport(changer.served, {
      nexus: ADMIN_NEXUS,
      address: `admin://${changer.name}`,
    });
    try {
      const r = await runCommand(
        t,
        {
          cdb: encodeReadElementStatus({
            voltag: false,
            elementTypeCode: ELEMENT_TYPE.dataTransfer,
            startingElementAddress: driveAddress,
            numberOfElements: 1,
            curdata: true,
            dvcid: false,
            allocationLength: 1024,
            control: 0,
          }),
          dataInLength: 1024,
        },
        { unitAttentionRetries: 8 },
      );
      const d = decodeElementStatusData(r.dataIn).pages[0]?.descriptors[0];
      return d !== undefined && d.elementAddress === driveAddress && d.svalid
        ? d.sourceStorageElementAddress
        : undefined;
    } finally {
      await t.close();
    }
  }

  private cartridgeStatus(barcode: string): CartridgeStatus {
    const s = this.listCartridges().find((x) => x.barcode === barcode);
    if (s === undefined) throw notFound(`no cartridge ${barcode}`);
    return s;
  }

  /** An operator puts a shelf cartridge into the changer's import/export element. */
  importCartridge(changerName: string, barcode: string): CartridgeStatus {
    const e = this.entry(changerName, 'changer');
    const loc = this.locationOf(barcode);
    if (loc.kind !== 'shelf') throw conflict(`${barcode} is not on the shelf`);
    try {
      (e.changer as SanChanger).importCartridge(this.shelf.pathOf(barcode));
    } catch (err) {
      throw conflict(errorText(err));
    }
    this.savePlacement();
    return this.cartridgeStatus(barcode);
  }

  /** An operator takes the cartridge out of the import/export element onto the shelf. */
  exportCartridge(changerName: string): CartridgeStatus {
    const e = this.entry(changerName, 'changer');
    const p = (e.changer as SanChanger).exportCartridge();
    if (p === undefined) throw conflict(`the import/export element of ${changerName} is empty`);
    this.savePlacement();
    return this.cartridgeStatus(this.shelf.barcodeOfPath(p) ?? p);
  }

  /** MOVE MEDIUM between two element addresses. */
  async moveInChanger(changerName: string, from: number, to: number) {
    const e = this.entry(changerName, 'changer');
    await this.moveMedium(e, from, to);
    this.savePlacement();
    return this.changerStatus(changerName);
  }

  changerStatus(changerName: string) {
    const e = this.entry(changerName, 'changer');
    const names = ['', 'medium-transport', 'storage', 'import-export', 'data-transfer'];
    const cfg = e.target.config.luns.find((l) => l.name === e.name);
    const driveNames = cfg?.type === 'changer' ? cfg.drives : [];
    let drive = 0;
    return {
      elements: (e.changer as SanChanger).inventory().map((x) => {
        const out: Record<string, unknown> = { address: x.address, type: names[x.type] };
        if (x.type === ELEMENT_TYPE.dataTransfer) out.drive = driveNames[drive++];
        if (x.path !== undefined) out.barcode = this.shelf.barcodeOfPath(x.path) ?? x.barcode;
        return out;
      }),
    };
  }

  setWriteProtected(driveName: string, on: boolean): void {
    const tape = this.entry(driveName, 'tape').tape as SanTape;
    try {
      tape.setWriteProtected(on);
    } catch (e) {
      if (e instanceof TapeError) throw badRequest(e.message);
      throw conflict(errorText(e));
    }
  }

  /** LOGICAL UNIT RESET as a task management function would do it. */
  resetLu(name: string): void {
    this.entry(name).served.reset('lu-reset');
  }

  // ---- faults ---------------------------------------------------------------------------------------------

  addFault(spec: FaultSpec): { id: number } {
    const id = this.nextFaultId++;
    const entry = this.applyFault(id, spec);
    this.faultBook.set(id, entry);
    this.log.info(`fault ${id}: ${JSON.stringify(spec)}`);
    return { id };
  }

  private rule(spec: FaultSpec & { lu: string }, fault: Fault, id: number): FaultEntry {
    const served = this.entry(spec.lu).served;
    const ruleId = served.addFault(fault);
    return {
      id,
      spec,
      undo: () => served.removeFault(ruleId),
      counters: () => {
        const r = served.faults().find((x) => x.id === ruleId);
        return { seen: r?.seen ?? 0, fired: r?.fired ?? 0 };
      },
    };
  }

  private applyFault(id: number, spec: FaultSpec): FaultEntry {
    switch (spec.kind) {
      case 'medium-error': {
        const disk = this.entry(spec.lu, ['disk']).disk as SanDisk;
        const kinds: ('read' | 'write')[] = spec.operation === 'any' ? ['read', 'write'] : [spec.operation];
        const lba = BigInt(spec.lba);
        const count = BigInt(spec.blocks);
        try {
          for (const k of kinds) disk.injectMediumError(lba, count, k);
        } catch (e) {
          throw badRequest(errorText(e));
        }
        return { id, spec, undo: () => kinds.forEach((k) => disk.clearMediumErrors(k, { lba, count })) };
      }
      case 'tape-medium-error': {
        const tape = this.entry(spec.lu, 'tape').tape as SanTape;
        if (tape.cartridge === undefined) throw conflict(`drive ${spec.lu} holds no cartridge`);
        tape.injectMediumError(spec.object);
        return {
          id,
          spec,
          undo: () => {
            // The drive clears all its object errors at once: put back the others of this drive.
            tape.clearMediumErrors();
            for (const f of this.faultBook.values()) {
              if (
                f.id !== id &&
                f.spec.kind === 'tape-medium-error' &&
                f.spec.lu === spec.lu &&
                tape.cartridge !== undefined
              )
                tape.injectMediumError(f.spec.object);
            }
          },
        };
      }
      case 'early-warning':
      case 'end-of-partition': {
        const tape = this.entry(spec.lu, 'tape').tape as SanTape;
        const set = (v: number | null): void =>
          spec.kind === 'early-warning' ? tape.forceEarlyWarningAt(v) : tape.forceEndOfPartitionAt(v);
        // One forced position per drive and kind: a new one replaces the old one.
        for (const f of [...this.faultBook.values()]) {
          if (f.spec.kind === spec.kind && 'lu' in f.spec && f.spec.lu === spec.lu)
            this.faultBook.delete(f.id);
        }
        set(spec.object);
        return { id, spec, undo: () => set(null) };
      }
      case 'delay':
        return this.rule(
          spec,
          { kind: 'delay', ms: spec.ms, opcodes: spec.opcodes, skip: spec.skip, times: spec.times },
          id,
        );
      case 'sense':
        return this.rule(
          spec,
          {
            kind: 'sense',
            opcodes: spec.opcodes,
            senseKey: spec.senseKey,
            asc: spec.asc,
            ascq: spec.ascq,
            information: spec.information === undefined ? undefined : BigInt(spec.information),
            filemark: spec.filemark,
            eom: spec.eom,
            ili: spec.ili,
            skip: spec.skip,
            times: spec.times,
          },
          id,
        );
      case 'status':
        return this.rule(
          spec,
          { kind: 'status', status: spec.status, opcodes: spec.opcodes, skip: spec.skip, times: spec.times },
          id,
        );
      case 'drop-connection':
        this.connectionFaults.add(id, {
          afterBytes: spec.afterBytes,
          direction: spec.direction,
          target: spec.target,
          initiator: spec.initiator,
          times: spec.times,
        });
        return {
          id,
          spec,
          undo: () => this.connectionFaults.remove(id),
          counters: () => ({ fired: this.connectionFaults.fired(id) }),
        };
    }
  }

  listFaults(): ({ id: number } & FaultSpec & { seen?: number; fired?: number })[] {
    return [...this.faultBook.values()].map((f) => ({ id: f.id, ...f.spec, ...(f.counters?.() ?? {}) }));
  }

  removeFault(id: number): void {
    const f = this.faultBook.get(id);
    if (f === undefined) throw notFound(`no fault ${id}`);
    this.faultBook.delete(id);
    f.undo();
  }

  clearFaults(): number {
    const all = [...this.faultBook.values()];
    this.faultBook.clear();
    for (const f of all) f.undo();
    return all.length;
  }

  private removeFaultsOf(lu: string): void {
    for (const f of [...this.faultBook.values()]) {
      if ('lu' in f.spec && f.spec.lu === lu) this.faultBook.delete(f.id);
    }
  }

  // ---- stop ----------------------------------------------------------------------------------------------

  /** Stop serving: initiators are asked to log out, stores and cartridges are flushed and closed. */
  stop(): Promise<void> {
    this.stopping ??= this.teardown();
    return this.stopping;
  }

  private async teardown(): Promise<void> {
    if (this.server !== undefined) {
      await this.server.close({ graceMs: this.opts.logoutGraceMs ?? 1000 });
    }
    if (this.lus.size > 0) this.savePlacement();
    // Snapshot views before their stores, then everything else.
    const entries = [...this.lus.values()].sort(
      (a, b) => Number(b.snapshot !== undefined) - Number(a.snapshot !== undefined),
    );
    for (const e of entries) {
      try {
        await e.served.close();
      } catch (err) {
        this.log.error(`closing ${e.name}: ${errorText(err)}`);
      }
    }
    this.lus.clear();
    if (this.ownsDir) fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
