// Medium changer (SMC-3) of the emulated SAN: one medium transport, storage slots, one
// import/export element and data transfer elements bound to tape drive LUs (tape.ts). Cartridges
// are virtual cartridge files (emulator/tape); volume tags come from their MAM BARCODE attribute.
// MOVE MEDIUM slot -> drive opens the cartridge and loads it (the drive raises 28/00 for its
// initiators); drive -> slot unloads it (rewind, close) unless an initiator of the drive prevents
// medium removal (MEDIUM REMOVAL PREVENTED).
import { invalidCdbField } from '../../cdb/errors';
import {
  buildElementStatusData,
  decodeInitializeElementStatus,
  decodeInitializeElementStatusWithRange,
  decodeMoveMedium,
  decodeReadElementStatus,
  ELEMENT_TYPE,
  encodeElementStatusData,
  type ElementDescriptor,
  type ElementStatusPageInput,
} from '../../cdb/smc';
import { encodeElementAddressAssignmentModePage } from '../../cdb/spc/mode-page-1d';
import type { LuResponse } from '../lu';
import { Cartridge, MamId } from '../tape';
import type { CommandContext } from './command-table';
import { GOOD, goodData, ScsiDevice, type ScsiDeviceOptions } from './device';
import { VersionDescriptor } from './inquiry';
import { controlModePage, type ModePageDefinition } from './mode-pages';
import { accessClassOf, type AccessClass } from './reservations';
import { senseError, SenseKey } from './sense';
import { MediumRemovalPreventedError, type TapeDevice } from './tape';
import type { UnitAttention } from './unit-attention';

export const MEDIUM_CHANGER_DEVICE = 0x08;

/** IMPORT OR EXPORT ELEMENT ACCESSED (28/01): the operator used the mail slot. */
export const UA_IMPORT_EXPORT_ACCESSED: UnitAttention = { asc: 0x28, ascq: 0x01 };

export interface ElementAddresses {
  mediumTransport: number;
  firstStorage: number;
  importExport: number;
  firstDataTransfer: number;
}

export const DEFAULT_ELEMENT_ADDRESSES: ElementAddresses = {
  mediumTransport: 0x0000,
  importExport: 0x0010,
  firstDataTransfer: 0x0100,
  firstStorage: 0x1000,
};

export interface ChangerOptions extends ScsiDeviceOptions {
  /** Tape drive LUs, one per data transfer element, in element address order. */
  drives: TapeDevice[];
  /** Storage slots in address order: a cartridge file path, or undefined for an empty slot. */
  slots: (string | undefined)[];
  /** A cartridge waiting in the import/export element. */
  importExport?: string;
  addresses?: Partial<ElementAddresses>;
}

interface Volume {
  path: string;
  barcode: string;
  /** Storage element the volume was last moved from (SVALID, SOURCE STORAGE ELEMENT ADDRESS). */
  source?: number;
}

type ElementTypeCode = 1 | 2 | 3 | 4;

interface Element {
  address: number;
  type: ElementTypeCode;
  /** Data transfer elements: the drive. */
  drive?: TapeDevice;
  /** Storage, import/export (and medium transport, always empty here). */
  volume?: Volume;
}

/** SMC-3 data medium type in element descriptors. */
const MEDIUM_TYPE_DATA = 1;

const CHANGER_ACCESS_CLASSES: Readonly<Record<number, AccessClass>> = {
  0x07: 'write', // INITIALIZE ELEMENT STATUS
  0x37: 'write', // INITIALIZE ELEMENT STATUS WITH RANGE
  0xa5: 'write', // MOVE MEDIUM
  0xb8: 'read', // READ ELEMENT STATUS
};

function illegal(asc: number, ascq: number, what: string): Error {
  return senseError(SenseKey.ILLEGAL_REQUEST, asc, ascq, what);
}

/** The BARCODE (0806h) of a cartridge's MAM, without its space padding; else the label barcode. */
export function barcodeOf(c: Cartridge): string {
  const a = c.mamAttribute(MamId.barcode);
  const tag = a === undefined ? c.info.barcode : a.value.toString('latin1');
  return tag.replace(/[^\x20-\x7e]/g, ' ').replace(/ +$/, '');
}

function readBarcode(path: string): string {
  const c = Cartridge.open(path, { readOnly: true, countLoad: false });
  try {
    return barcodeOf(c);
  } finally {
    c.close();
  }
}

function elementAddressPage(a: ElementAddresses, slots: number, drives: number): ModePageDefinition {
  const defaults = encodeElementAddressAssignmentModePage({
    kind: 'elementAddressAssignment',
    ps: false,
    firstMediumTransportElementAddress: a.mediumTransport,
    numberOfMediumTransportElements: 1,
    firstStorageElementAddress: a.firstStorage,
    numberOfStorageElements: slots,
    firstImportExportElementAddress: a.importExport,
    numberOfImportExportElements: 1,
    firstDataTransferElementAddress: a.firstDataTransfer,
    numberOfDataTransferElements: drives,
  });
  return { pageCode: 0x1d, defaults, changeable: Buffer.alloc(defaults.length) };
}

export class MediaChanger extends ScsiDevice {
  readonly deviceType = MEDIUM_CHANGER_DEVICE;
  readonly addresses: ElementAddresses;
  private readonly elementList: Element[];

  constructor(opts: ChangerOptions) {
    const addresses = { ...DEFAULT_ELEMENT_ADDRESSES, ...opts.addresses };
    super(opts, { product: 'VIRTUAL LIBRARY' }, [
      controlModePage(),
      elementAddressPage(addresses, opts.slots.length, opts.drives.length),
    ]);
    this.addresses = addresses;
    const els: Element[] = [{ address: addresses.mediumTransport, type: ELEMENT_TYPE.mediumTransport }];
    const ie: Element = { address: addresses.importExport, type: ELEMENT_TYPE.importExport };
    if (opts.importExport !== undefined)
      ie.volume = { path: opts.importExport, barcode: readBarcode(opts.importExport) };
    els.push(ie);
    opts.drives.forEach((drive, i) =>
      els.push({ address: addresses.firstDataTransfer + i, type: ELEMENT_TYPE.dataTransfer, drive }),
    );
    opts.slots.forEach((path, i) => {
      const e: Element = { address: addresses.firstStorage + i, type: ELEMENT_TYPE.storage };
      if (path !== undefined) e.volume = { path, barcode: readBarcode(path) };
      els.push(e);
    });
    const seen = new Set<number>();
    for (const e of els) {
      if (e.address > 0xffff || seen.has(e.address))
        throw new RangeError(`element address ${e.address} clashes`);
      seen.add(e.address);
    }
    this.elementList = els.sort((a, b) => a.address - b.address);
    this.registerSmcCommands();
  }

  // ---- admin API ---------------------------------------------------------------------------------

  /** Every element with what it holds (path and barcode), in address order. */
  inventory(): Array<{ address: number; type: ElementTypeCode; barcode?: string; path?: string }> {
    return this.elementList.map((e) => {
      const v = this.volumeAt(e);
      return v === undefined
        ? { address: e.address, type: e.type }
        : { address: e.address, type: e.type, barcode: v.barcode, path: v.path };
    });
  }

  /** An operator puts a cartridge into the import/export element (IMPORT OR EXPORT ELEMENT ACCESSED). */
  importCartridge(path: string): void {
    const ie = this.element(this.addresses.importExport);
    if (ie?.volume !== undefined) throw new Error('the import/export element is full');
    if (ie !== undefined) ie.volume = { path, barcode: readBarcode(path) };
    this.unitAttentions.establish(UA_IMPORT_EXPORT_ACCESSED);
  }

  /** An operator takes the cartridge out of the import/export element. */
  exportCartridge(): string | undefined {
    const ie = this.element(this.addresses.importExport);
    const v = ie?.volume;
    if (ie === undefined || v === undefined) return undefined;
    delete ie.volume;
    this.unitAttentions.establish(UA_IMPORT_EXPORT_ACCESSED);
    return v.path;
  }

  // ---- ScsiDevice hooks ---------------------------------------------------------------------------

  protected versionDescriptors(): number[] {
    return [VersionDescriptor.SAM5, VersionDescriptor.ISCSI, VersionDescriptor.SPC4, VersionDescriptor.SMC3];
  }

  protected accessClass(cdb: Buffer): AccessClass {
    return accessClassOf(cdb, CHANGER_ACCESS_CLASSES);
  }

  // ---- elements --------------------------------------------------------------------------------------

  private element(address: number): Element | undefined {
    return this.elementList.find((e) => e.address === address);
  }

  /** The volume in an element; a drive's is read from the drive (it may have been loaded directly). */
  private volumeAt(e: Element): Volume | undefined {
    if (e.drive === undefined) return e.volume;
    const path = e.drive.cartridgePath;
    if (path === undefined) {
      delete e.volume;
      return undefined;
    }
    if (e.volume?.path !== path) {
      const mounted = e.drive.cartridge;
      e.volume = { path, barcode: mounted !== undefined ? barcodeOf(mounted) : readBarcode(path) };
    }
    return e.volume;
  }

  private descriptor(e: Element, voltag: boolean, identifierLength: number | undefined): ElementDescriptor {
    const v = this.volumeAt(e);
    const full = v !== undefined;
    const d: ElementDescriptor = {
      elementAddress: e.address,
      oir: false,
      // CMC=0: the import/export element is a port the medium transport reaches.
      cmc: false,
      inEnab: e.type === ELEMENT_TYPE.importExport,
      exEnab: e.type === ELEMENT_TYPE.importExport,
      access: e.type !== ELEMENT_TYPE.mediumTransport,
      except: false,
      impExp: false,
      full,
      additionalSenseCode: 0,
      additionalSenseCodeQualifier: 0,
      svalid: v?.source !== undefined,
      invert: false,
      ed: false,
      mediumType: full ? MEDIUM_TYPE_DATA : 0,
      sourceStorageElementAddress: v?.source ?? 0,
      vendorSpecific: Buffer.alloc(0),
    };
    if (voltag) d.primaryVolumeTag = { volumeIdentifier: v?.barcode ?? '', volumeSequenceNumber: 0 };
    if (identifierLength !== undefined && e.drive !== undefined) {
      // DVCID: the drive's serial number, ASCII (CODE SET 2h), vendor specific designator (SMC-3).
      const serial = Buffer.alloc(identifierLength, 0x20);
      serial.write(e.drive.identity.serial, 'latin1');
      d.deviceIdentifier = {
        protocolIdentifier: 0,
        codeSet: 2,
        piv: false,
        association: 0,
        identifierType: 0,
        identifier: serial,
      };
    }
    return d;
  }

  // ---- commands ---------------------------------------------------------------------------------------

  private registerSmcCommands(): void {
    const t = this.table;
    const timeouts = { nominal: 0, recommended: 300 };
    t.command(
      'INITIALIZE ELEMENT STATUS',
      [0x07, 0, 0, 0, 0, 0x04],
      (c) => this.initializeElementStatus(c, false),
      {
        timeouts,
      },
    );
    t.command(
      'INITIALIZE ELEMENT STATUS WITH RANGE',
      [0x37, 0x03, 0xff, 0xff, 0, 0, 0xff, 0xff, 0, 0x04],
      (c) => this.initializeElementStatus(c, true),
      { timeouts },
    );
    t.command(
      'MOVE MEDIUM',
      [0xa5, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0x01, 0x04],
      (c) => this.moveMedium(c),
      { timeouts },
    );
    t.command(
      'READ ELEMENT STATUS',
      [0xb8, 0x1f, 0xff, 0xff, 0xff, 0xff, 0x03, 0xff, 0xff, 0xff, 0, 0x04],
      (c) => this.readElementStatus(c),
    );
  }

  private readElementStatus(ctx: CommandContext): LuResponse {
    const d = decodeReadElementStatus(ctx.cdb);
    const ofType = this.elementList.filter(
      (e) => d.elementTypeCode === ELEMENT_TYPE.all || e.type === d.elementTypeCode,
    );
    const from = ofType.filter((e) => e.address >= d.startingElementAddress);
    // SMC-3 READ ELEMENT STATUS: a starting address past every element of the requested type is invalid.
    if (from.length === 0 && ofType.length > 0) {
      throw illegal(0x21, 0x01, `no element at or after ${d.startingElementAddress.toString(16)}h`);
    }
    const chosen = from.slice(0, d.numberOfElements);
    const serialLength = Math.max(0, ...this.elementList.map((e) => e.drive?.identity.serial.length ?? 0));
    const pages: ElementStatusPageInput[] = [];
    for (const e of chosen) {
      let page = pages[pages.length - 1];
      if (page === undefined || page.elementTypeCode !== e.type) {
        page = { elementTypeCode: e.type, pvoltag: d.voltag, avoltag: false, descriptors: [] };
        pages.push(page);
      }
      page.descriptors.push(this.descriptor(e, d.voltag, d.dvcid ? serialLength : undefined));
    }
    const data = encodeElementStatusData(buildElementStatusData(pages));
    return goodData(data, d.allocationLength);
  }

  private moveMedium(ctx: CommandContext): LuResponse {
    const d = decodeMoveMedium(ctx.cdb);
    if (d.invert) throw invalidCdbField(10, 'INVERT is not supported (single-sided media)', 0);
    if (d.mediumTransportAddress !== 0 && d.mediumTransportAddress !== this.addresses.mediumTransport) {
      throw illegal(0x21, 0x01, `no medium transport at ${d.mediumTransportAddress.toString(16)}h`);
    }
    const src = this.movable(d.sourceAddress);
    const dst = this.movable(d.destinationAddress);
    const volume = this.volumeAt(src);
    if (volume === undefined) throw illegal(0x3b, 0x0e, `element ${src.address.toString(16)}h is empty`);
    if (this.volumeAt(dst) !== undefined)
      throw illegal(0x3b, 0x0d, `element ${dst.address.toString(16)}h is full`);
    if (src.drive !== undefined) {
      try {
        src.drive.unloadCartridge();
      } catch (e) {
        if (e instanceof MediumRemovalPreventedError) throw illegal(0x53, 0x02, e.message);
        throw e;
      }
      delete src.volume;
    } else {
      delete src.volume;
    }
    const moved: Volume = { path: volume.path, barcode: volume.barcode };
    const source = src.type === ELEMENT_TYPE.storage ? src.address : volume.source;
    if (source !== undefined) moved.source = source;
    if (dst.drive !== undefined) {
      let c: Cartridge;
      try {
        c = Cartridge.open(moved.path);
      } catch (e) {
        // The cartridge cannot be loaded: it goes back where it came from.
        this.putBack(src, volume);
        throw e;
      }
      dst.drive.loadCartridge(c);
    }
    dst.volume = moved;
    return GOOD;
  }

  private putBack(src: Element, volume: Volume): void {
    if (src.drive === undefined) {
      src.volume = volume;
      return;
    }
    try {
      src.drive.loadCartridge(Cartridge.open(volume.path));
    } catch (e) {
      this.log.error(`${volume.path}: lost in drive ${src.address.toString(16)}h: ${String(e)}`);
    }
  }

  /** A storage, import/export or data transfer element (SMC-3: else INVALID ELEMENT ADDRESS). */
  private movable(address: number): Element {
    const e = this.element(address);
    if (e === undefined || e.type === ELEMENT_TYPE.mediumTransport) {
      throw illegal(0x21, 0x01, `invalid element address ${address.toString(16)}h`);
    }
    return e;
  }

  private initializeElementStatus(ctx: CommandContext, withRange: boolean): LuResponse {
    let targets = this.elementList;
    if (withRange) {
      const d = decodeInitializeElementStatusWithRange(ctx.cdb);
      if (d.range) {
        if (this.element(d.startingElementAddress) === undefined) {
          throw illegal(0x21, 0x01, `invalid element address ${d.startingElementAddress.toString(16)}h`);
        }
        const end = d.startingElementAddress + d.numberOfElements;
        targets = targets.filter((e) => e.address >= d.startingElementAddress && e.address < end);
      }
    } else {
      decodeInitializeElementStatus(ctx.cdb);
    }
    // Re-read the volume tags (the barcode scan of a real library).
    for (const e of targets) {
      if (e.drive !== undefined) {
        delete e.volume;
        this.volumeAt(e);
      } else if (e.volume !== undefined) {
        e.volume.barcode = readBarcode(e.volume.path);
      }
    }
    return GOOD;
  }
}
