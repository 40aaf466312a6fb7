// The framework hooks of ScsiDevice: the access check after the unit attention check (RESERVATION
// CONFLICT for every command, including EXTENDED COPY and commands registered late), persistent
// reservation unit attentions for single nexuses in the device's own table, the real PERSISTENT
// RESERVE IN on every device type, copy manager hosting (3PC, VPD 8Fh, opcodes, reset and nexus
// loss) and INQUIRY VERSION.
import { encodeExtendedCopy } from '../../../../cdb/xcopy/extended-copy';
import { encodeExtendedCopyParameterList, LIST_ID_USAGE } from '../../../../cdb/xcopy/parameter-list';
import {
  encodeReceiveCopyResults,
  RCR_SERVICE_ACTION,
  type RcrServiceAction,
} from '../../../../cdb/xcopy/receive-copy-results';
import { RamBlockDevice } from '../../../../emulator/devices/block-store';
import type { CommandContext, OpcodeEntry } from '../../../../emulator/devices/command-table';
import { copyManagerFor } from '../../../../emulator/devices/copy-hosting';
import { MediaChanger } from '../../../../emulator/devices/changer';
import { DiskDevice, type DiskOptions } from '../../../../emulator/devices/disk';
import { ProcessorDevice } from '../../../../emulator/devices/processor';
import { accessClassOf } from '../../../../emulator/devices/reservations';
import { checkCondition, SenseKey } from '../../../../emulator/devices/sense';
import { TapeDevice } from '../../../../emulator/devices/tape';
import type { ItNexus, LogicalUnit, LuResponse } from '../../../../emulator/lu';
import { DEFAULT_MOVER_NEXUS } from '../../../../emulator/mover/config';
import { LocalLuResolver } from '../../../../emulator/mover/local-resolver';
import { clearUa, exec, hex, nexus, sense } from '../helpers';

const CONFLICT = 0x18;
const A = nexus(1);
const B = nexus(2);
const C = nexus(3);

function resolver(): LocalLuResolver {
  return new LocalLuResolver({ moverNexus: DEFAULT_MOVER_NEXUS, mayAccess: () => true });
}

/** A RAM disk hosting a copy manager through the base class option. */
function copyDisk(id = 'cm-disk'): DiskDevice {
  return new DiskDevice({
    identity: { id },
    store: RamBlockDevice.create(512, 2048n),
    hostCopyManager: copyManagerFor({ resolver: resolver() }),
  });
}

/** EXTENDED COPY(LID1) with an empty parameter list (no CSCDs, no segments): GOOD when allowed. */
function xcopy(lu: LogicalUnit, n: ItNexus, listIdentifier = 1): Promise<LuResponse> {
  const list = encodeExtendedCopyParameterList({
    listIdentifier,
    str: false,
    listIdUsage: LIST_ID_USAGE.hold,
    priority: 0,
    targetDescriptors: [],
    segmentDescriptors: [],
    inlineData: Buffer.alloc(0),
  });
  return exec(lu, encodeExtendedCopy({ parameterListLength: list.length, control: 0 }), {
    dataOut: list,
    nexus: n,
  });
}

function rcr(lu: LogicalUnit, n: ItNexus, serviceAction: RcrServiceAction, listIdentifier = 0) {
  const cdb = encodeReceiveCopyResults({ serviceAction, listIdentifier, allocationLength: 1024, control: 0 });
  return exec(lu, cdb, { nexus: n });
}

/** PERSISTENT RESERVE OUT: service action, type, RESERVATION KEY, SERVICE ACTION RESERVATION KEY. */
function prOut(lu: LogicalUnit, n: ItNexus, sa: number, type: number, key: bigint, saKey: bigint) {
  const params = Buffer.alloc(24);
  params.writeBigUInt64BE(key, 0);
  params.writeBigUInt64BE(saKey, 8);
  const cdb = `5f ${sa.toString(16).padStart(2, '0')} ${type.toString(16).padStart(2, '0')} 0000 00000018 00`;
  return exec(lu, cdb, { dataOut: params, nexus: n });
}

const REGISTER = 0x00;
const RESERVE = 0x01;
const PREEMPT = 0x04;
const CLEAR = 0x03;
const WRITE_EXCLUSIVE = 0x01;
const EXCLUSIVE_ACCESS = 0x03;
const WRITE_EXCLUSIVE_REGISTRANTS_ONLY = 0x05;

async function settle(lu: LogicalUnit, ...ns: ItNexus[]): Promise<void> {
  for (const n of ns) await clearUa(lu, n);
}

describe('access classes of the copy manager commands (SPC-4 reservations table)', () => {
  it('EXTENDED COPY is write-class, RECEIVE COPY RESULTS is allowed under every persistent reservation', () => {
    expect(accessClassOf(hex('83 00'), {})).toBe('write');
    expect(accessClassOf(hex('84 03'), {})).toBe('info');
  });
});

describe('RESERVATION CONFLICT on a copy manager LU', () => {
  let lu: DiskDevice;
  beforeEach(async () => {
    lu = copyDisk();
    await settle(lu, A, B, C);
  });

  it('EXTENDED COPY from a non-holder of a Write Exclusive reservation conflicts; the holder copies', async () => {
    expect((await prOut(lu, A, REGISTER, 0, 0n, 0xan)).status).toBe(0);
    expect((await prOut(lu, A, RESERVE, WRITE_EXCLUSIVE, 0xan, 0n)).status).toBe(0);
    expect(await xcopy(lu, B)).toEqual({ status: CONFLICT });
    // Nothing ran: B has no list 1 to ask about (RECEIVE COPY RESULTS itself is allowed).
    expect(sense(await rcr(lu, B, RCR_SERVICE_ACTION.copyStatus, 1))).toMatchObject({ key: 5, asc: 0x24 });
    expect((await xcopy(lu, A)).status).toBe(0);
    expect((await rcr(lu, A, RCR_SERVICE_ACTION.copyStatus, 1)).status).toBe(0);
    // RECEIVE COPY RESULTS stays allowed for everyone.
    const params = await rcr(lu, B, RCR_SERVICE_ACTION.operatingParameters);
    expect(params.status).toBe(0);
    expect(params.dataIn?.readUInt32BE(0)).toBe((params.dataIn?.length ?? 0) - 4);
  });

  it('under Exclusive Access RECEIVE COPY RESULTS is still allowed, EXTENDED COPY is not', async () => {
    await prOut(lu, A, REGISTER, 0, 0n, 0xan);
    await prOut(lu, A, RESERVE, EXCLUSIVE_ACCESS, 0xan, 0n);
    expect((await xcopy(lu, B)).status).toBe(CONFLICT);
    expect((await rcr(lu, B, RCR_SERVICE_ACTION.operatingParameters)).status).toBe(0);
  });

  it('a registrant may send EXTENDED COPY under Write Exclusive - Registrants Only; others may not', async () => {
    await prOut(lu, A, REGISTER, 0, 0n, 0xan);
    await prOut(lu, B, REGISTER, 0, 0n, 0xbn);
    await prOut(lu, A, RESERVE, WRITE_EXCLUSIVE_REGISTRANTS_ONLY, 0xan, 0n);
    expect((await xcopy(lu, B)).status).toBe(0);
    expect((await xcopy(lu, C)).status).toBe(CONFLICT);
  });

  it('an SPC-2 reservation blocks both copy manager commands for others', async () => {
    expect((await exec(lu, '16 00 00 00 00 00', { nexus: A })).status).toBe(0);
    expect((await xcopy(lu, B)).status).toBe(CONFLICT);
    expect((await rcr(lu, B, RCR_SERVICE_ACTION.operatingParameters)).status).toBe(CONFLICT);
    expect((await xcopy(lu, A)).status).toBe(0);
  });

  it('the processor LU has reservations too: RESERVE makes EXTENDED COPY from others conflict', async () => {
    const p = new ProcessorDevice({ identity: { id: 'p-res' }, resolver: resolver() });
    await settle(p, A, B);
    expect((await exec(p, '16 00 00 00 00 00', { nexus: A })).status).toBe(0);
    expect((await xcopy(p, B)).status).toBe(CONFLICT);
    expect((await xcopy(p, A)).status).toBe(0);
    expect((await exec(p, '17 00 00 00 00 00', { nexus: A })).status).toBe(0);
    expect((await xcopy(p, B, 2)).status).toBe(0);
  });
});

/** A disk whose test can register commands and access checks after construction. */
class HookDisk extends DiskDevice {
  constructor(opts: DiskOptions) {
    super(opts);
  }

  addLateCommand(entry: OpcodeEntry): void {
    this.table.add(entry);
  }

  addCheck(check: (entry: OpcodeEntry, ctx: CommandContext) => LuResponse | undefined): void {
    this.addAccessCheck(check);
  }
}

function hookDisk(): HookDisk {
  return new HookDisk({ identity: { id: 'hooks' }, store: RamBlockDevice.create(512, 64n) });
}

/** A vendor-specific command (C0h) registered after the constructor: GOOD with one data byte. */
const LATE: OpcodeEntry = {
  opcode: 0xc0,
  name: 'VENDOR C0h',
  cdbLength: 6,
  usage: [0xc0, 0, 0, 0, 0, 0x04],
  handler: () => ({ status: 0, dataIn: Buffer.from([0x5a]) }),
};

describe('the access check of ScsiDevice.execute', () => {
  it('covers commands registered after the constructor (unknown opcodes count as writes)', async () => {
    const lu = hookDisk();
    lu.addLateCommand(LATE);
    await settle(lu, A, B);
    expect(await exec(lu, 'c0 00 00 00 00 00', { nexus: B })).toEqual({ status: 0, dataIn: hex('5a') });
    await exec(lu, '16 00 00 00 00 00', { nexus: A });
    expect(await exec(lu, 'c0 00 00 00 00 00', { nexus: B })).toEqual({ status: CONFLICT });
    expect(await exec(lu, 'c0 00 00 00 00 00', { nexus: A })).toEqual({ status: 0, dataIn: hex('5a') });
  });

  it('runs pluggable steps in order after the unit attention check, before the handler', async () => {
    const lu = hookDisk();
    lu.addLateCommand(LATE);
    const seen: string[] = [];
    lu.addCheck((entry) => {
      seen.push(entry.name);
      return entry.opcode === 0xc0
        ? checkCondition({ senseKey: SenseKey.DATA_PROTECT, asc: 0x27, ascq: 0x00 })
        : undefined;
    });
    // A fresh nexus: the unit attention comes first, the access check does not run.
    expect(sense(await exec(lu, 'c0 00 00 00 00 00', { nexus: A }))).toMatchObject({ key: 6, asc: 0x29 });
    expect(seen).toEqual([]);
    expect(sense(await exec(lu, 'c0 00 00 00 00 00', { nexus: A }))).toMatchObject({ key: 7, asc: 0x27 });
    expect((await exec(lu, '00 00 00 00 00 00', { nexus: A })).status).toBe(0);
    expect(seen).toEqual(['VENDOR C0h', 'TEST UNIT READY']);
    // The reservation check is the first step: a conflict stops the command before this one.
    await clearUa(lu, B);
    await exec(lu, '16 00 00 00 00 00', { nexus: B });
    expect(await exec(lu, 'c0 00 00 00 00 00', { nexus: A })).toEqual({ status: CONFLICT });
    expect(seen).toEqual(['VENDOR C0h', 'TEST UNIT READY', 'TEST UNIT READY', 'RESERVE(6)']);
  });
});

describe('persistent reservation unit attentions for single nexuses', () => {
  it('PREEMPT: the preempted nexus alone gets REGISTRATIONS PREEMPTED (2A/05), after older conditions', async () => {
    const lu = hookDisk();
    await settle(lu, A, B, C);
    for (const [n, key] of [
      [A, 0xan],
      [B, 0xbn],
      [C, 0xcn],
    ] as const)
      await prOut(lu, n, REGISTER, 0, 0n, key);
    await prOut(lu, A, RESERVE, WRITE_EXCLUSIVE_REGISTRANTS_ONLY, 0xan, 0n);
    // A MODE SELECT by registrant C gives A and B MODE PARAMETERS CHANGED first.
    const control = hex('00 00 00 00  0a 0a 00 10 08 00 00 00 ff ff 00 00');
    expect((await exec(lu, '15 10 00 00 10 00', { dataOut: control, nexus: C })).status).toBe(0);
    await clearUa(lu, B);
    expect((await prOut(lu, B, PREEMPT, WRITE_EXCLUSIVE_REGISTRANTS_ONLY, 0xbn, 0xan)).status).toBe(0);
    expect(lu.pendingUnitAttentions(A)).toEqual([
      { asc: 0x2a, ascq: 0x01 },
      { asc: 0x2a, ascq: 0x05 },
    ]);
    expect(lu.pendingUnitAttentions(B)).toEqual([]);
    expect(lu.pendingUnitAttentions(C)).toEqual([]);
    expect(sense(await exec(lu, '00 00 00 00 00 00', { nexus: A }))).toMatchObject({ asc: 0x2a, ascq: 0x01 });
    // REQUEST SENSE reports and clears the next one (fixed format, UNIT ATTENTION 2A/05).
    const rs = await exec(lu, '03 00 00 00 12 00', { nexus: A });
    expect(rs.dataIn?.subarray(0, 14)).toEqual(hex('70 00 06 00000000 0a 00000000 2a 05'));
    expect((await exec(lu, '03 00 00 00 12 00', { nexus: A })).dataIn?.[2]).toBe(0);
    expect(lu.pendingUnitAttentions(A)).toEqual([]);
  });

  it('a changer tells the other registrants of a CLEAR (2A/03); READ KEYS is the real one', async () => {
    const ch = new MediaChanger({ identity: { id: 'ch-pr' }, drives: [], slots: [undefined] });
    await settle(ch, A, B);
    await prOut(ch, A, REGISTER, 0, 0n, 0xan);
    await prOut(ch, B, REGISTER, 0, 0n, 0xbn);
    expect((await exec(ch, '5e 00 00 00 00 00 00 00 ff 00', { nexus: A })).dataIn).toEqual(
      hex('00000002 00000010 000000000000000a 000000000000000b'),
    );
    expect((await prOut(ch, A, CLEAR, 0, 0xan, 0n)).status).toBe(0);
    expect(sense(await exec(ch, '00 00 00 00 00 00', { nexus: B }))).toMatchObject({
      key: 6,
      asc: 0x2a,
      ascq: 0x03,
    });
    expect((await exec(ch, '00 00 00 00 00 00', { nexus: A })).status).toBe(0);
  });

  it('the processor LU answers PERSISTENT RESERVE IN with its registrations', async () => {
    const p = new ProcessorDevice({ identity: { id: 'p-pr' }, resolver: resolver() });
    await settle(p, A);
    expect((await prOut(p, A, REGISTER, 0, 0n, 0x1234n)).status).toBe(0);
    expect((await exec(p, '5e 00 00 00 00 00 00 00 ff 00', { nexus: A })).dataIn).toEqual(
      hex('00000001 00000008 0000000000001234'),
    );
    expect((await exec(p, '5e 02 00 00 00 00 00 00 ff 00', { nexus: A })).dataIn).toEqual(
      hex('0008 10 80 ea 01 0000'),
    );
  });
});

describe('copy manager hosting in the base class', () => {
  async function inquiry(lu: LogicalUnit, cdb: string): Promise<Buffer> {
    const r = await exec(lu, cdb, { nexus: A });
    expect(r.status).toBe(0);
    return r.dataIn ?? Buffer.alloc(0);
  }

  it('any device type: 3PC=1, VPD page 8Fh, EXTENDED COPY and RECEIVE COPY RESULTS in its table', async () => {
    const tape = new TapeDevice({
      identity: { id: 'cm-tape' },
      hostCopyManager: copyManagerFor({ resolver: resolver() }),
    });
    // INQUIRY runs with the power-on unit attention pending (a tape without medium is not ready).
    for (const lu of [copyDisk(), tape]) {
      expect((await inquiry(lu, '12 00 00 00 60 00'))[5] & 0x08).toBe(0x08);
      expect([...(await inquiry(lu, '12 01 00 00 ff 00'))]).toContain(0x8f);
      expect((await inquiry(lu, '12 01 8f 00 ff 00')).subarray(0, 2)).toEqual(
        Buffer.from([lu.deviceType, 0x8f]),
      );
      const names = lu.commands().map((e) => `${e.opcode.toString(16)}/${e.serviceAction ?? '-'}`);
      expect(names).toEqual(expect.arrayContaining(['83/0', '84/0', '84/1', '84/3', '84/4']));
      expect(lu.copyManager).toBeDefined();
    }
    const plain = new TapeDevice({ identity: { id: 'plain-tape' } });
    expect((await inquiry(plain, '12 00 00 00 60 00'))[5] & 0x08).toBe(0);
    expect([...(await inquiry(plain, '12 01 00 00 ff 00'))]).not.toContain(0x8f);
    expect(plain.copyManager).toBeUndefined();
    // REQUEST SENSE takes the power-on unit attention; RECEIVE COPY RESULTS is then an unknown opcode.
    expect((await exec(plain, '03 00 00 00 12 00', { nexus: A })).dataIn?.[12]).toBe(0x29);
    expect(sense(await rcr(plain, A, RCR_SERVICE_ACTION.operatingParameters))).toMatchObject({
      key: 5,
      asc: 0x20,
    });
  });

  it('a LU reset and the loss of a nexus drop the copy manager state of that LU', async () => {
    const lu = copyDisk();
    await settle(lu, A, B);
    expect((await xcopy(lu, A, 7)).status).toBe(0);
    expect((await xcopy(lu, B, 7)).status).toBe(0);
    expect((await rcr(lu, A, RCR_SERVICE_ACTION.copyStatus, 7)).status).toBe(0);
    lu.nexusLost(A);
    await clearUa(lu, A);
    // SPC-4 6.18.2: no such list from this nexus: INVALID FIELD IN CDB at the LIST IDENTIFIER.
    expect(sense(await rcr(lu, A, RCR_SERVICE_ACTION.copyStatus, 7))).toMatchObject({
      key: 5,
      asc: 0x24,
      sks: [0xc0, 0, 2],
    });
    expect((await rcr(lu, B, RCR_SERVICE_ACTION.copyStatus, 7)).status).toBe(0);
    lu.reset('lu-reset');
    await clearUa(lu, B);
    expect(sense(await rcr(lu, B, RCR_SERVICE_ACTION.copyStatus, 7))).toMatchObject({ key: 5, asc: 0x24 });
  });

  it('INQUIRY VERSION is 6h (SPC-4) on every device type', async () => {
    const tape = new TapeDevice({ identity: { id: 'v-tape' } });
    const lus: LogicalUnit[] = [
      copyDisk('v-disk'),
      tape,
      new MediaChanger({ identity: { id: 'v-ch' }, drives: [tape], slots: [undefined] }),
      new ProcessorDevice({ identity: { id: 'v-p' }, resolver: resolver() }),
    ];
    for (const lu of lus) {
      const std = await inquiry(lu, '12 00 00 00 60 00');
      expect({ type: lu.deviceType, version: std[2] }).toEqual({ type: lu.deviceType, version: 0x06 });
    }
  });
});
