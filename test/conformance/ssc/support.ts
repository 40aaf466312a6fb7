// SSC conformance suite support: a tape LU reached through ScsiTransports (three I_T nexuses), CDB
// builders from the cdb/ codecs, and sense helpers. Tests talk SCSI only through ScsiTransport;
// what a transport cannot do (fault injection, medium handling, resets) goes through TapeControl,
// which the SAN admin API offers for our target. openInProcessTape() builds both over an
// in-process TapeDevice with a real cartridge file in a temporary directory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeSense, isFixedSense } from '../../../cdb/spc/sense';
import {
  encodeErase6,
  encodeLoadUnload,
  encodeLocate10,
  encodeLocate16,
  encodeRead6,
  encodeReadBlockLimits,
  encodeReadPosition,
  encodeReportDensitySupport,
  encodeRewind,
  encodeSpace16,
  encodeSpace6,
  encodeWrite6,
  encodeWriteFilemarks6,
  decodeReadPositionExtended,
  decodeReadPositionLong,
  decodeReadPositionShort,
  ReadPositionForm,
  type LocateDestType,
  type ReadPositionExtended,
  type ReadPositionLong,
  type ReadPositionShort,
  type SpaceCode,
} from '../../../cdb/ssc';
import { encodeModeSelect6 } from '../../../cdb/spc/mode-select';
import { encodeModeSense6 } from '../../../cdb/spc/mode-sense';
import { decodeModeParameterList, type ModeParameterList } from '../../../cdb/spc/mode-parameters';
import { TapeDevice } from '../../../emulator/devices/tape';
import type { ItNexus } from '../../../emulator/lu';
import { Cartridge, type CreateOptions } from '../../../emulator/tape';
import { InProcessTransport } from '../../../targets/inprocess-transport';
import type { ScsiResult, ScsiTransport } from '../../../targets/transport';

export const GOOD = 0x00;
export const CHECK_CONDITION = 0x02;
export const RESERVATION_CONFLICT = 0x18;

export const KEY = {
  NO_SENSE: 0x0,
  NOT_READY: 0x2,
  MEDIUM_ERROR: 0x3,
  ILLEGAL_REQUEST: 0x5,
  UNIT_ATTENTION: 0x6,
  DATA_PROTECT: 0x7,
  BLANK_CHECK: 0x8,
  VOLUME_OVERFLOW: 0xd,
} as const;

// ---- the device under test ----------------------------------------------------------------------

/** What the suite needs besides SCSI: the SAN admin API of our target offers the same. */
export interface TapeControl {
  forceEarlyWarningAt(objectNumber: number | null): void;
  forceEndOfPartitionAt(objectNumber: number | null): void;
  injectMediumError(objectNumber: number): void;
  setWriteProtected(on: boolean): void;
  /** Take the cartridge out of the drive (changer or operator); returns a handle for reinsertion. */
  removeCartridge(): string;
  /** Put a new blank cartridge in and load it. */
  insertNewCartridge(overrides?: Partial<CreateOptions>): void;
  /** Put a cartridge removed earlier back in and load it. */
  reinsertCartridge(handle: string): void;
  /** A THIRD-PARTY DEVICE ID that stands for the initiator port of `transport`. */
  bindThirdPartyDevice(deviceId: bigint, transport: ScsiTransport): void;
  /** LOGICAL UNIT RESET task management function. */
  logicalUnitReset(): void;
  /** The I_T nexus of `transport` is lost (logout, connection drop). */
  nexusLoss(transport: ScsiTransport): void;
}

export interface TapeTarget {
  /** Three transports on distinct I_T nexuses to the same tape LU, power-on UAs consumed. */
  t1: ScsiTransport;
  t2: ScsiTransport;
  t3: ScsiTransport;
  control: TapeControl;
  close(): Promise<void>;
}

export const CARTRIDGE: CreateOptions = {
  barcode: 'CONF01L8',
  capacityBytes: 32 * 1024 * 1024,
  earlyWarningBytes: 1024 * 1024,
  mediumSerial: 'CONFSN0001',
  densityCode: 0x5e,
};

export function nexus(n: number): ItNexus {
  return {
    initiatorPort: `iqn.2024-01.test.conformance:host${n},i,0x00023d00000${n}`,
    initiatorName: `iqn.2024-01.test.conformance:host${n}`,
    targetPort: 'iqn.2024-01.test.conformance:tape,t,0x0001',
    relativeTargetPort: 1,
  };
}

export function tempDir(prefix = 'ssc-conf-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Run TEST UNIT READY until no unit attention is left (a fresh nexus starts with 29/00). */
export async function drainUnitAttentions(t: ScsiTransport): Promise<void> {
  for (let i = 0; i < 8; i++) {
    const r = await t.execute({ cdb: Buffer.from([0, 0, 0, 0, 0, 0]) });
    if (r.status !== CHECK_CONDITION || senseOf(r).key !== KEY.UNIT_ATTENTION) return;
  }
  throw new Error('unit attentions do not clear');
}

/** A tape LU in this process with a blank cartridge loaded, variable-block mode. */
export async function openInProcessTape(
  overrides: Partial<CreateOptions> = {},
): Promise<TapeTarget & { lu: TapeDevice; dir: string }> {
  const dir = tempDir();
  const lu = new TapeDevice({ identity: { id: 'conformance-tape', serial: 'CONFTAPE0001' } });
  let serial = 0;
  const newCartridge = (o: Partial<CreateOptions>): Cartridge =>
    Cartridge.create(path.join(dir, `cart${++serial}.vtape`), { ...CARTRIDGE, ...o });
  lu.loadCartridge(newCartridge(overrides));
  const transports = [1, 2, 3].map((n) => new InProcessTransport(lu, { nexus: nexus(n) }));
  for (const t of transports) await drainUnitAttentions(t);
  const control: TapeControl = {
    forceEarlyWarningAt: (n) => lu.forceEarlyWarningAt(n),
    forceEndOfPartitionAt: (n) => lu.forceEndOfPartitionAt(n),
    injectMediumError: (n) => lu.injectMediumError(n),
    setWriteProtected: (on) => lu.setWriteProtected(on),
    removeCartridge: () => lu.unloadCartridge(),
    insertNewCartridge: (o = {}) => lu.loadCartridge(newCartridge(o)),
    reinsertCartridge: (handle) => lu.loadCartridge(Cartridge.open(handle)),
    bindThirdPartyDevice: (id, t) =>
      lu.reservations.bindThirdPartyDevice(id, (t as InProcessTransport).nexus.initiatorPort),
    logicalUnitReset: () => lu.reset('lu-reset'),
    nexusLoss: (t) => lu.nexusLost((t as InProcessTransport).nexus),
  };
  return {
    lu,
    dir,
    t1: transports[0],
    t2: transports[1],
    t3: transports[2],
    control,
    close: async () => {
      for (const t of transports) await t.close();
      await lu.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The tape under test of one suite: a fresh in-process tape before each test, closed after it. */
export interface TapeFixture {
  dut: TapeTarget & { lu: TapeDevice; dir: string };
  /** The tape as seen from the first I_T nexus. */
  tape: Tape;
}

/**
 * Register beforeEach/afterEach hooks that open a fresh in-process tape (cartridge overrides as for
 * openInProcessTape), optionally prepare it, and close it; the returned fixture holds the current one.
 */
export function useInProcessTape(
  o: { cartridge?: Partial<CreateOptions>; setup?: (tape: Tape) => Promise<void> } = {},
): TapeFixture {
  const f = {} as TapeFixture;
  beforeEach(async () => {
    f.dut = await openInProcessTape(o.cartridge);
    f.tape = new Tape(f.dut.t1);
    await o.setup?.(f.tape);
  });
  afterEach(async () => {
    await f.dut.close();
  });
  return f;
}

// ---- sense -----------------------------------------------------------------------------------------

export interface StreamSense {
  key: number;
  asc: number;
  ascq: number;
  filemark: boolean;
  eom: boolean;
  ili: boolean;
  /** INFORMATION as a signed value (two's complement of the format's width), when VALID. */
  information?: bigint;
}

export function senseOf(r: ScsiResult): StreamSense {
  if (r.sense.length === 0) throw new Error(`status ${r.status} without sense data`);
  const s = decodeSense(r.sense);
  const out: StreamSense = {
    key: s.senseKey,
    asc: s.asc,
    ascq: s.ascq,
    filemark: s.filemark,
    eom: s.eom,
    ili: s.ili,
  };
  if (s.information !== undefined) {
    out.information = isFixedSense(s) ? BigInt.asIntN(32, s.information) : BigInt.asIntN(64, s.information);
  }
  return out;
}

export interface ExpectedSense {
  key: number;
  asc: number;
  ascq: number;
  filemark?: boolean;
  eom?: boolean;
  ili?: boolean;
  /** Expected INFORMATION; `null` = VALID must be zero. */
  information?: bigint | number | null;
}

/** CHECK CONDITION with exactly these fields (flags default to false). */
export function expectSense(r: ScsiResult, e: ExpectedSense): void {
  expect(r.status).toBe(CHECK_CONDITION);
  const s = senseOf(r);
  expect({ key: s.key, asc: s.asc, ascq: s.ascq }).toEqual({ key: e.key, asc: e.asc, ascq: e.ascq });
  expect({ filemark: s.filemark, eom: s.eom, ili: s.ili }).toEqual({
    filemark: e.filemark ?? false,
    eom: e.eom ?? false,
    ili: e.ili ?? false,
  });
  if (e.information === null) expect(s.information).toBeUndefined();
  else if (e.information !== undefined) expect(s.information).toBe(BigInt(e.information));
}

export function expectGood(r: ScsiResult): void {
  if (r.status !== GOOD) {
    const why =
      r.sense.length > 0
        ? JSON.stringify(senseOf(r), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
        : '';
    throw new Error(`expected GOOD, got status ${r.status} ${why}`);
  }
}

/** 05/24/00 INVALID FIELD IN CDB. */
export function expectInvalidCdb(r: ScsiResult): void {
  expectSense(r, { key: KEY.ILLEGAL_REQUEST, asc: 0x24, ascq: 0x00 });
}

// ---- data ------------------------------------------------------------------------------------------

/** Deterministic block contents: block `i` of length `length`. */
export function block(i: number, length: number): Buffer {
  const b = Buffer.alloc(length);
  let x = (i * 2654435761 + 12345) >>> 0;
  for (let k = 0; k < length; k++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[k] = x >>> 24;
  }
  return b;
}

// ---- commands ----------------------------------------------------------------------------------------

/** SSC commands over a transport, built with the cdb/ codecs. */
export class Tape {
  constructor(readonly t: ScsiTransport) {}

  exec(cdb: Buffer, opts: { dataOut?: Buffer; dataInLength?: number } = {}): Promise<ScsiResult> {
    return this.t.execute({ cdb, ...opts });
  }

  testUnitReady(): Promise<ScsiResult> {
    return this.exec(Buffer.alloc(6));
  }

  /** READ(6): variable (bytes) or fixed (blocks of `blockLength`). */
  read(
    transferLength: number,
    o: { fixed?: boolean; sili?: boolean; blockLength?: number } = {},
  ): Promise<ScsiResult> {
    const fixed = o.fixed ?? false;
    const cdb = encodeRead6({ sili: o.sili ?? false, fixed, transferLength, control: 0 });
    return this.exec(cdb, { dataInLength: fixed ? transferLength * (o.blockLength ?? 0) : transferLength });
  }

  /** WRITE(6) of one variable block. */
  write(data: Buffer): Promise<ScsiResult> {
    return this.exec(encodeWrite6({ fixed: false, transferLength: data.length, control: 0 }), {
      dataOut: data,
    });
  }

  /** WRITE(6) in fixed-block mode: `blocks` blocks carried in `data`. */
  writeFixed(blocks: number, data: Buffer): Promise<ScsiResult> {
    return this.exec(encodeWrite6({ fixed: true, transferLength: blocks, control: 0 }), { dataOut: data });
  }

  writeFilemarks(count: number, o: { wsmk?: boolean } = {}): Promise<ScsiResult> {
    return this.exec(
      encodeWriteFilemarks6({ wsmk: o.wsmk ?? false, immed: false, filemarkCount: count, control: 0 }),
    );
  }

  space(code: SpaceCode, count: number): Promise<ScsiResult> {
    return this.exec(encodeSpace6({ code, count, control: 0 }));
  }

  space16(code: SpaceCode, count: bigint): Promise<ScsiResult> {
    return this.exec(encodeSpace16({ code, count, parameterLength: 0, control: 0 }));
  }

  rewind(): Promise<ScsiResult> {
    return this.exec(encodeRewind({ immed: false, control: 0 }));
  }

  locate10(objectId: number, o: { cp?: boolean; partition?: number } = {}): Promise<ScsiResult> {
    return this.exec(
      encodeLocate10({
        bt: false,
        cp: o.cp ?? false,
        immed: false,
        logicalObjectIdentifier: objectId,
        partition: o.partition ?? 0,
        control: 0,
      }),
    );
  }

  locate16(destType: LocateDestType, id: bigint): Promise<ScsiResult> {
    return this.exec(
      encodeLocate16({
        destType,
        cp: false,
        immed: false,
        bam: false,
        partition: 0,
        logicalIdentifier: id,
        control: 0,
      }),
    );
  }

  async readPositionShort(): Promise<ReadPositionShort> {
    const r = await this.exec(
      encodeReadPosition({ serviceAction: ReadPositionForm.SHORT_BLOCK_ID, allocationLength: 0, control: 0 }),
      { dataInLength: 20 },
    );
    expectGood(r);
    expect(r.dataIn.length).toBe(20);
    return decodeReadPositionShort(r.dataIn);
  }

  async readPositionLong(): Promise<ReadPositionLong> {
    const r = await this.exec(
      encodeReadPosition({ serviceAction: ReadPositionForm.LONG, allocationLength: 0, control: 0 }),
      {
        dataInLength: 32,
      },
    );
    expectGood(r);
    expect(r.dataIn.length).toBe(32);
    return decodeReadPositionLong(r.dataIn);
  }

  async readPositionExtended(allocationLength = 32): Promise<ReadPositionExtended> {
    const r = await this.exec(
      encodeReadPosition({ serviceAction: ReadPositionForm.EXTENDED, allocationLength, control: 0 }),
      {
        dataInLength: allocationLength,
      },
    );
    expectGood(r);
    return decodeReadPositionExtended(r.dataIn);
  }

  /** Logical object number from READ POSITION (long form). */
  async position(): Promise<number> {
    return Number((await this.readPositionLong()).logicalObjectNumber);
  }

  readBlockLimits(mloi = false): Promise<ScsiResult> {
    return this.exec(encodeReadBlockLimits({ mloi, control: 0 }), { dataInLength: mloi ? 20 : 6 });
  }

  loadUnload(o: { load: boolean; hold?: boolean; eot?: boolean; reten?: boolean }): Promise<ScsiResult> {
    return this.exec(
      encodeLoadUnload({
        immed: false,
        hold: o.hold ?? false,
        eot: o.eot ?? false,
        reten: o.reten ?? false,
        load: o.load,
        control: 0,
      }),
    );
  }

  erase(long = false): Promise<ScsiResult> {
    return this.exec(encodeErase6({ immed: false, long, control: 0 }));
  }

  reportDensitySupport(o: {
    media: boolean;
    mediumType: boolean;
    allocationLength?: number;
  }): Promise<ScsiResult> {
    const allocationLength = o.allocationLength ?? 0xffff;
    return this.exec(
      encodeReportDensitySupport({ mediumType: o.mediumType, media: o.media, allocationLength, control: 0 }),
      { dataInLength: allocationLength },
    );
  }

  /** MODE SENSE(6) of one page (3Fh = all) with the block descriptor. */
  modeSense(pageCode: number, o: { pc?: number; dbd?: boolean } = {}): Promise<ScsiResult> {
    return this.exec(
      encodeModeSense6({
        dbd: o.dbd ?? false,
        pc: o.pc ?? 0,
        pageCode,
        subpageCode: 0,
        allocationLength: 0xff,
        control: 0,
      }),
      { dataInLength: 0xff },
    );
  }

  async modeParameters(pageCode = 0x3f): Promise<ModeParameterList> {
    const r = await this.modeSense(pageCode);
    expectGood(r);
    return decodeModeParameterList(r.dataIn, { format: 6, use: 'sense', deviceType: 1 });
  }

  /**
   * MODE SELECT(6) with a header (DEVICE-SPECIFIC PARAMETER 10h, BUFFERED MODE 1, unless given),
   * an optional block descriptor and pages.
   */
  modeSelect(o: {
    deviceSpecificParameter?: number;
    blockDescriptor?: { densityCode: number; blockLength: number };
    pages?: Buffer[];
  }): Promise<ScsiResult> {
    const bd = Buffer.alloc(o.blockDescriptor === undefined ? 0 : 8);
    if (o.blockDescriptor !== undefined) {
      bd[0] = o.blockDescriptor.densityCode;
      bd.writeUIntBE(o.blockDescriptor.blockLength, 5, 3);
    }
    const header = Buffer.from([0, 0, o.deviceSpecificParameter ?? 0x10, bd.length]);
    const data = Buffer.concat([header, bd, ...(o.pages ?? [])]);
    return this.exec(
      encodeModeSelect6({ pf: true, rtd: false, sp: false, parameterListLength: data.length, control: 0 }),
      {
        dataOut: data,
      },
    );
  }

  /** Switch to fixed-block mode with blocks of `blockLength` bytes (0 = variable). */
  async setBlockLength(blockLength: number): Promise<void> {
    expectGood(await this.modeSelect({ blockDescriptor: { densityCode: 0, blockLength } }));
  }

  /** REQUEST SENSE data (fixed format). */
  async requestSense(): Promise<Buffer> {
    const r = await this.exec(Buffer.from([0x03, 0, 0, 0, 0xfc, 0]), { dataInLength: 0xfc });
    expectGood(r);
    return r.dataIn;
  }

  /** Write a layout: numbers are variable block lengths, 'F' a filemark; block i gets block(i, len). */
  async writeLayout(layout: (number | 'F')[]): Promise<void> {
    for (const [i, item] of layout.entries()) {
      const r = item === 'F' ? await this.writeFilemarks(1) : await this.write(block(i, item));
      expectGood(r);
    }
  }
}
