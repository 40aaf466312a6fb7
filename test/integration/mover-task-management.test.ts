// Task management against a running EXTENDED COPY, over the wire: the SAN's processor LU copies
// between two disks whose destination WRITEs are slowed by an injected delay; our initiator sends
// ABORT TASK (the command's timeout) or, from another session, LOGICAL UNIT RESET. The copy stops
// promptly: no WRITE reaches the destination after the TMF completed, COPY STATUS (after ABORT TASK)
// reports the list terminated with a transfer count equal to what the destination holds, and
// after the reset the list and its results are gone (29/03 first, then 05/24/00).
import fs from 'node:fs';
import { RCR_SERVICE_ACTION } from '../../cdb/xcopy/receive-copy-results';
import { decodeCopyStatus } from '../../cdb/xcopy/copy-status';
import { LIST_ID_USAGE } from '../../cdb/xcopy/parameter-list';
import { setLogLevel } from '../../emulator/log';
import { parseSanConfig, startSan, type RunningSan } from '../../emulator/san';
import { runCommand } from '../../targets/command';
import type { IscsiTransport } from '../../targets/iscsi/initiator-transport';
import { TmfFunction, TmfResponse } from '../../targets/iscsi/pdu';
import { TransportTimeoutError } from '../../targets/transport';
import { b2b, naaTarget, paramList, pattern, rcrCdb, xcopyCdb } from '../unit/mover/helpers';
import { drainUnitAttentions, openLu, read16, senseOf, tempDir, write16 } from '../unit/san/helpers';

jest.setTimeout(60000);
setLogLevel('error');

const IQN = 'iqn.2024-01.test.san:mover-tmf';
const BS = 512;
const MiB = 1024 * 1024;
const DISK_BYTES = 16 * MiB;
const WRITE_DELAY_MS = 400;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('ABORT TASK and LOGICAL UNIT RESET stop a running EXTENDED COPY (over iSCSI)', () => {
  let dir: string;
  let san: RunningSan;
  let data: Buffer;
  const lu = (name: string) => {
    const l = san.ready.luns.find((x) => x.name === name);
    if (l === undefined) throw new Error(`no LU ${name}`);
    return l;
  };
  const lunOf = (name: string): number => Number(lu(name).url.split('/').pop());
  const open = async (name: string): Promise<IscsiTransport> => {
    const t = await openLu(lu(name).url);
    await drainUnitAttentions(t);
    return t;
  };

  beforeAll(async () => {
    dir = tempDir('mover-tmf-');
    san = await startSan(
      parseSanConfig({
        targets: [
          {
            iqn: IQN,
            luns: [
              { name: 'src', type: 'disk', size: '16M', memory: true },
              { name: 'dst', type: 'disk', size: '16M', memory: true },
              { name: 'cm', type: 'processor' },
            ],
          },
        ],
      }),
      { dir },
    );
    data = pattern(DISK_BYTES, 11);
    const src = await open('src');
    for (let off = 0; off < DISK_BYTES; off += MiB) {
      await runCommand(src, { cdb: write16(off / BS, MiB / BS), dataOut: data.subarray(off, off + MiB) });
    }
    await src.close();
  });

  afterAll(async () => {
    await san.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    san.san.clearFaults();
    // Zero the destination, then slow its WRITEs down.
    const dst = await open('dst');
    for (let off = 0; off < DISK_BYTES; off += MiB) {
      await runCommand(dst, { cdb: write16(off / BS, MiB / BS), dataOut: Buffer.alloc(MiB) });
    }
    await dst.close();
    san.san.addFault({ kind: 'delay', lu: 'dst', ms: WRITE_DELAY_MS, opcodes: [0x2a, 0x8a] });
  });

  function copyList(listIdentifier: number): Buffer {
    return paramList({
      listIdentifier,
      listIdUsage: LIST_ID_USAGE.hold,
      targets: [
        naaTarget(Buffer.from(lu('src').naa, 'hex'), { diskBlockLength: BS }),
        naaTarget(Buffer.from(lu('dst').naa, 'hex'), { diskBlockLength: BS }),
      ],
      segments: [b2b(0, 1, DISK_BYTES / BS, 0n, 0n)],
    });
  }

  async function destination(): Promise<Buffer> {
    const dst = await open('dst');
    const parts: Buffer[] = [];
    for (let off = 0; off < DISK_BYTES; off += MiB) {
      parts.push((await runCommand(dst, { cdb: read16(off / BS, MiB / BS), dataInLength: MiB })).dataIn);
    }
    await dst.close();
    return Buffer.concat(parts);
  }

  /** Bytes at the start of the destination equal to the source, and whether all after them are zero. */
  function copiedPrefix(now: Buffer): { bytes: number; restZero: boolean } {
    let n = 0;
    while (n < DISK_BYTES && now[n] === data[n]) n++;
    const block = Math.floor(n / BS) * BS;
    return { bytes: block, restZero: now.subarray(block).every((b) => b === 0) };
  }

  it('ABORT TASK (sent by the initiator when the command times out) ends the copy at once', async () => {
    const cm = await open('cm');
    const tmf = jest.spyOn(cm.session, 'taskManagement');
    const list = copyList(21);
    const started = Date.now();
    const e = await cm
      .execute({ cdb: xcopyCdb(list.length), dataOut: list, timeoutMs: 700 })
      .catch((x: unknown) => x);
    const abortedAfter = Date.now() - started;
    // The initiator aborted the task and the target answered ABORT TASK with Function Complete.
    expect(e).toBeInstanceOf(TransportTimeoutError);
    expect(tmf).toHaveBeenCalledTimes(1);
    expect(tmf.mock.calls[0][0]).toBe(TmfFunction.AbortTask);
    expect(await tmf.mock.results[0].value).toBe(TmfResponse.FunctionComplete);
    expect(abortedAfter).toBeLessThan(700 + 2 * WRITE_DELAY_MS + 500);
    const st = await runCommand(cm, {
      cdb: rcrCdb(RCR_SERVICE_ACTION.copyStatus, 21),
      dataInLength: 0x100,
    });
    const status = decodeCopyStatus(st.dataIn);
    // SPC-4 6.18.3: 02h = operation completed with errors (terminated).
    expect(status.copyManagerStatus).toBe(2);
    const counted = Number(status.transferCount) * transferUnit(status.transferCountUnits);
    expect(counted).toBeGreaterThan(0);
    expect(counted).toBeLessThan(DISK_BYTES);
    await cm.close();
    // Nothing is written after the abort: the destination holds exactly what was counted, twice.
    const first = await destination();
    await sleep(4 * WRITE_DELAY_MS);
    const second = await destination();
    expect(second.equals(first)).toBe(true);
    const prefix = copiedPrefix(first);
    expect(prefix.restZero).toBe(true);
    expect(prefix.bytes).toBe(counted);
  });

  it('LOGICAL UNIT RESET from another session ends the copy and drops its results', async () => {
    const cm = await open('cm');
    const resetter = await open('cm');
    const list = copyList(22);
    const copy = cm
      .execute({ cdb: xcopyCdb(list.length), dataOut: list, timeoutMs: 2500 })
      .then((r) => ({ status: r.status }))
      .catch((x: unknown) => x);
    await sleep(500);
    const resetAt = Date.now();
    await resetter.session.logicalUnitReset(lunOf('cm'));
    const resetTook = Date.now() - resetAt;
    expect(resetTook).toBeLessThan(2 * WRITE_DELAY_MS + 500);
    // The command's own initiator sees it end: TASK ABORTED (TAS) or no response (timeout).
    const outcome = await copy;
    if (outcome instanceof Error) expect(outcome).toBeInstanceOf(TransportTimeoutError);
    else expect(outcome).toEqual({ status: 0x40 });
    const first = await destination();
    await sleep(4 * WRITE_DELAY_MS);
    expect((await destination()).equals(first)).toBe(true);
    const prefix = copiedPrefix(first);
    expect(prefix.restZero).toBe(true);
    expect(prefix.bytes).toBeGreaterThan(0);
    expect(prefix.bytes).toBeLessThan(DISK_BYTES);
    // The reset's unit attention first, then the list is unknown.
    const ua = await cm.execute({ cdb: rcrCdb(RCR_SERVICE_ACTION.copyStatus, 22), dataInLength: 0x100 });
    expect(senseOf(ua)).toMatchObject({ key: 0x06, asc: 0x29, ascq: 0x03 });
    const gone = await cm.execute({ cdb: rcrCdb(RCR_SERVICE_ACTION.copyStatus, 22), dataInLength: 0x100 });
    expect(senseOf(gone)).toMatchObject({ key: 0x05, asc: 0x24, ascq: 0x00 });
    await cm.close();
    await resetter.close();
  });
});

/** Bytes per TRANSFER COUNT unit (SPC-4 table: 00h bytes, 01h KiB, 02h MiB, ...). */
function transferUnit(units: number): number {
  return 1024 ** units;
}
