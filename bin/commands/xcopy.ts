// `xcopyctl xcopy run MOVER --list FILE [--progress] [--held FILE] [--timeout S] [--json]`: send one
// EXTENDED COPY(LID1) parameter list (a file as printed by `xcopy-decode --json`, or its bytes as
// binary or hex text) to a copy manager, follow it with RECEIVE COPY STATUS on the same I_T nexus
// (copy results are kept per nexus), and report how it ended: GOOD with the transfer count and any
// held data (RECEIVE COPY DATA), or the COPY ABORTED sense explained (segment, field, the copy
// source's or destination's own sense) with FAILED SEGMENT DETAILS. Exit code 0 when the copy ended
// GOOD, 1 when it ended with another status or the mover could not be reached, 2 for bad input.
// `xcopyctl xcopy params MOVER [--json]`: RECEIVE COPY OPERATING PARAMETERS.
import { writeFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { decodeSense } from '../../cdb/spc/sense';
import { STATUS_CHECK_CONDITION, STATUS_GOOD } from '../../cdb/spc/status';
import { encodeTestUnitReady } from '../../cdb/spc/test-unit-ready';
import {
  COPY_MANAGER_STATUS,
  type CopyAbortedDetails,
  type CopyStatus,
  type ExtendedCopyParameterList,
  type OperatingParameters,
  LIST_ID_USAGE,
  RCR_SERVICE_ACTION,
  SPEC_MAXIMUM_LIMITS,
  decodeCopyAbortedSense,
  decodeCopyStatus,
  decodeExtendedCopyParameterList,
  decodeFailedSegmentDetails,
  decodeOperatingParameters,
  decodeReceiveData,
  descriptorTypeName,
  encodeExtendedCopy,
  encodeReceiveCopyResults,
  fullResponseLength,
  isHeldDataSegmentType,
  isVendorSpecificCode,
  parameterListLayout,
  transferCountBytes,
} from '../../cdb/xcopy/index';
import { executeAbsorbingUnitAttention, runCommand } from '../../targets/command';
import type { ScsiResult, ScsiTransport } from '../../targets/transport';
import { type Io, readInputFile, toHex, toJson, UsageError } from '../usage';
import { withTransport } from './device-common';
import { describeSense } from './tape';
import { encodeFromJson, listBytes } from './xcopy-decode';

const POLL_MS = 250;
/** RECEIVE COPY RESULTS allocation for COPY STATUS, FAILED SEGMENT DETAILS, OPERATING PARAMETERS. */
const SMALL_ALLOCATION = 0x1000;

/** The copy ended with a status other than GOOD: exit code 1 after the report was printed. */
export class CopyFailed extends Error {
  readonly exitCode = 1;
  constructor(status: number) {
    super(`xcopy: EXTENDED COPY ended with status ${status.toString(16).padStart(2, '0')}h`);
    this.name = 'CopyFailed';
  }
}

/** A parameter list file: the JSON `xcopy-decode --json` prints, or the list bytes (binary or hex). */
export function readParameterList(path: string): Buffer {
  const raw = readInputFile(path);
  if (raw.toString('utf8').trimStart().startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch (e) {
      throw new UsageError(`${path} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    return encodeFromJson(json);
  }
  return listBytes(path);
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** Whether the copy manager keeps results for the list (LIST ID USAGE 00b or 10b). */
function tracked(list: ExtendedCopyParameterList): boolean {
  return list.listIdUsage === LIST_ID_USAGE.hold || list.listIdUsage === LIST_ID_USAGE.discard;
}

/** Send a command, absorbing the new nexus's UNIT ATTENTION; any status is returned. */
function send(
  t: ScsiTransport,
  cdb: Buffer,
  o: { dataOut?: Buffer; dataInLength?: number; timeoutMs?: number },
): Promise<ScsiResult> {
  return executeAbsorbingUnitAttention((c) => t.execute(c), { cdb, ...o });
}

async function receiveCopyResults(
  t: ScsiTransport,
  serviceAction: 0 | 1 | 3 | 4,
  listIdentifier: number,
  allocationLength = SMALL_ALLOCATION,
): Promise<Buffer> {
  const cdb = encodeReceiveCopyResults({ serviceAction, listIdentifier, allocationLength, control: 0 });
  const r = await runCommand(t, { cdb, dataInLength: allocationLength });
  return r.dataIn;
}

function describeStatus(s: CopyStatus): string {
  const state =
    s.copyManagerStatus === COPY_MANAGER_STATUS.inProgress
      ? 'in progress'
      : s.copyManagerStatus === COPY_MANAGER_STATUS.completed
        ? 'completed'
        : s.copyManagerStatus === COPY_MANAGER_STATUS.completedWithErrors
          ? 'completed with errors'
          : `status ${hex2(s.copyManagerStatus)}h`;
  const bytes = transferCountBytes(s);
  const count =
    bytes !== undefined
      ? `${bytes} bytes`
      : `${s.transferCount} (TRANSFER COUNT UNITS ${hex2(s.transferCountUnits)}h)`;
  return `${state}, ${s.segmentsProcessed} segment(s) processed, ${count} transferred${s.hdd ? ', held data discarded' : ''}`;
}

/** "CSCD descriptor 1 (byte 48 of the parameter list)", "byte 29 of CSCD descriptor 1 (byte 77 ...)". */
function listPlace(list: ExtendedCopyParameterList, at: number): string {
  const layout = parameterListLayout(list);
  const starts: [string, number][] = [
    ...layout.cscdDescriptorOffsets.map((o, i): [string, number] => [`CSCD descriptor ${i}`, o]),
    ...layout.segmentDescriptorOffsets.map((o, i): [string, number] => [`segment descriptor ${i}`, o]),
  ];
  const whole = `byte ${at} of the parameter list`;
  const hit = starts.filter(([, o]) => o <= at && at < layout.inlineDataOffset).pop();
  if (hit === undefined) return whole;
  return at === hit[1] ? `${hit[0]} (${whole})` : `byte ${at - hit[1]} of ${hit[0]} (${whole})`;
}

/** The lines explaining a COPY ABORTED (or other) sense against the list that was sent. */
export function describeCopySense(d: CopyAbortedDetails, list: ExtendedCopyParameterList): string[] {
  const lines = [`CHECK CONDITION: ${describeSense(d.sense)}`];
  if (d.segmentNumber !== undefined) {
    const seg = list.segmentDescriptors[d.segmentNumber];
    const what =
      seg === undefined
        ? ''
        : ` (${hex2(seg.descriptorTypeCode)}h ${descriptorTypeName(seg.descriptorTypeCode)})`;
    lines.push(`  segment ${d.segmentNumber}${what}`);
  }
  if (d.segmentPointer !== undefined) {
    const p = d.segmentPointer;
    const bit = p.bitPointer === undefined ? '' : ` bit ${p.bitPointer} of`;
    if (p.segmentDescriptor)
      lines.push(`  points at${bit} byte ${p.fieldPointer} of that segment descriptor`);
    else lines.push(`  points at${bit} ${listPlace(list, p.fieldPointer)}`);
  }
  const sks = d.sense.senseKeySpecific;
  if (sks?.kind === 'fieldPointer' && !sks.commandData) {
    // ILLEGAL REQUEST while the parameter list was checked: the field pointer is a list byte.
    const bit = sks.bitPointer === undefined ? '' : ` bit ${sks.bitPointer} of`;
    lines.push(`  points at${bit} ${listPlace(list, sks.fieldPointer)}`);
  }
  for (const f of d.forwarded) {
    let text: string;
    try {
      text = describeSense(decodeSense(f.sense));
    } catch {
      text = toHex(f.sense);
    }
    lines.push(
      `  copy ${f.source} answered status ${hex2(f.status)}h${f.truncated ? ' (sense cut short)' : ''}: ${text}`,
    );
  }
  return lines;
}

interface RunArgs {
  mover: string;
  list: string;
  progress: boolean;
  held?: string;
  timeout?: number;
  json: boolean;
}

interface RunReport {
  mover: string;
  listIdentifier: number;
  status: number;
  sense?: string;
  copyAborted?: Omit<CopyAbortedDetails, 'sense' | 'forwarded'> & {
    forwarded: { source: string; status: number; sense: string; truncated: boolean }[];
  };
  copyStatus?: CopyStatus;
  failedSegmentDetails?: { copyCommandStatus: number; sense: string };
  heldData?: string;
}

async function runList(a: RunArgs, io: Io): Promise<void> {
  const bytes = readParameterList(a.list);
  const list = decodeExtendedCopyParameterList(bytes, SPEC_MAXIMUM_LIMITS);
  if (a.timeout !== undefined && (!Number.isFinite(a.timeout) || a.timeout <= 0))
    throw new UsageError(`--timeout must be a positive number of seconds, not ${a.timeout}`);
  const follow = tracked(list);
  if (a.progress && !follow)
    throw new UsageError(
      '--progress needs a list the copy manager keeps results of (LIST ID USAGE 00b or 10b)',
    );
  await withTransport(a.mover, async (t) => {
    // A first command takes the new nexus's UNIT ATTENTION, so the copy and the polls do not race for it.
    await send(t, encodeTestUnitReady({ control: 0 }), {});
    let done = false;
    let last = '';
    const poller = (async () => {
      if (!a.progress) return;
      while (!done) {
        await new Promise((r) => setTimeout(r, POLL_MS));
        if (done) break;
        try {
          const s = decodeCopyStatus(
            await receiveCopyResults(t, RCR_SERVICE_ACTION.copyStatus, list.listIdentifier),
          );
          const line = describeStatus(s);
          if (line !== last && s.copyManagerStatus === COPY_MANAGER_STATUS.inProgress)
            io.err(`progress: ${line}`);
          last = line;
        } catch {
          // Not started yet (unknown list identifier) or already gone: the next poll tells.
        }
      }
    })();
    let r: ScsiResult;
    try {
      r = await send(t, encodeExtendedCopy({ parameterListLength: bytes.length, control: 0 }), {
        dataOut: bytes,
        ...(a.timeout === undefined ? {} : { timeoutMs: Math.round(a.timeout * 1000) }),
      });
    } finally {
      done = true;
      await poller;
    }
    const report: RunReport = { mover: a.mover, listIdentifier: list.listIdentifier, status: r.status };
    const lines: string[] = [];
    if (r.status === STATUS_GOOD) lines.push('EXTENDED COPY: GOOD');
    else if (r.status === STATUS_CHECK_CONDITION && r.sense.length > 0) {
      report.sense = toHex(r.sense);
      try {
        const d = decodeCopyAbortedSense(r.sense);
        const { sense: _sense, forwarded, ...rest } = d;
        report.copyAborted = { ...rest, forwarded: forwarded.map((f) => ({ ...f, sense: toHex(f.sense) })) };
        lines.push(...describeCopySense(d, list));
      } catch {
        lines.push(`CHECK CONDITION with sense data that does not decode: ${toHex(r.sense)}`);
      }
    } else lines.push(`EXTENDED COPY: status ${hex2(r.status)}h`);
    if (follow) {
      try {
        report.copyStatus = decodeCopyStatus(
          await receiveCopyResults(t, RCR_SERVICE_ACTION.copyStatus, list.listIdentifier),
        );
        lines.push(`COPY STATUS: ${describeStatus(report.copyStatus)}`);
      } catch (e) {
        lines.push(`COPY STATUS: not available (${e instanceof Error ? e.message : String(e)})`);
      }
      if (r.status !== STATUS_GOOD) {
        try {
          const f = decodeFailedSegmentDetails(
            await receiveCopyResults(t, RCR_SERVICE_ACTION.failedSegmentDetails, list.listIdentifier),
          );
          if (f.detailsAvailable) {
            report.failedSegmentDetails = {
              copyCommandStatus: f.copyCommandStatus,
              sense: toHex(f.senseData),
            };
            lines.push(
              `FAILED SEGMENT DETAILS: status ${hex2(f.copyCommandStatus)}h, ${f.senseData.length} bytes of sense`,
            );
          }
        } catch {
          // The copy manager keeps no details for this list.
        }
      }
      if (list.listIdUsage === LIST_ID_USAGE.hold && list.segmentDescriptors.some(holdsData)) {
        const first = await receiveCopyResults(t, RCR_SERVICE_ACTION.receiveData, list.listIdentifier, 4);
        const total = fullResponseLength(first);
        const held = decodeReceiveData(
          total > 4
            ? await receiveCopyResults(t, RCR_SERVICE_ACTION.receiveData, list.listIdentifier, total)
            : first,
        ).heldData;
        report.heldData = held.toString('hex');
        if (a.held !== undefined) {
          writeFileSync(a.held, held);
          lines.push(`held data: ${held.length} bytes written to ${a.held}`);
        } else lines.push(`held data: ${held.length} bytes${held.length > 0 ? `: ${toHex(held)}` : ''}`);
      }
    }
    if (a.json) io.out(toJson(report));
    else for (const l of lines) io.out(l);
    if (r.status !== STATUS_GOOD) throw new CopyFailed(r.status);
  });
}

/** Segment types whose data the copy manager holds for RECEIVE COPY DATA (0Bh-0Fh, vendor C0h-DFh). */
function holdsData(s: { descriptorTypeCode: number }): boolean {
  return isHeldDataSegmentType(s.descriptorTypeCode) || isVendorSpecificCode(s.descriptorTypeCode);
}

/** The lines of an OPERATING PARAMETERS response. */
export function describeOperatingParameters(p: OperatingParameters): string[] {
  return [
    `SNLID: ${p.snlid ? 1 : 0}`,
    `MAXIMUM CSCD DESCRIPTOR COUNT: ${p.maximumCscdDescriptorCount}`,
    `MAXIMUM SEGMENT DESCRIPTOR COUNT: ${p.maximumSegmentDescriptorCount}`,
    `MAXIMUM DESCRIPTOR LIST LENGTH: ${p.maximumDescriptorListLength}`,
    `MAXIMUM SEGMENT LENGTH: ${p.maximumSegmentLength}`,
    `MAXIMUM INLINE DATA LENGTH: ${p.maximumInlineDataLength}`,
    `HELD DATA LIMIT: ${p.heldDataLimit}`,
    `MAXIMUM STREAM DEVICE TRANSFER SIZE: ${p.maximumStreamDeviceTransferSize}`,
    `TOTAL CONCURRENT COPIES: ${p.totalConcurrentCopies}`,
    `MAXIMUM CONCURRENT COPIES: ${p.maximumConcurrentCopies}`,
    `DATA SEGMENT GRANULARITY: ${2 ** p.dataSegmentGranularity} bytes`,
    `INLINE DATA GRANULARITY: ${2 ** p.inlineDataGranularity} bytes`,
    `HELD DATA GRANULARITY: ${2 ** p.heldDataGranularity} bytes`,
    `IMPLEMENTED DESCRIPTOR TYPE CODES (${p.implementedDescriptorTypeCodes.length}):`,
    ...p.implementedDescriptorTypeCodes.map((c) => `  ${hex2(c).toUpperCase()}h ${descriptorTypeName(c)}`),
  ];
}

export function xcopyVerb(io: Io): CommandModule {
  const run: CommandModule<object, RunArgs> = {
    command: 'run <mover>',
    describe: 'send one EXTENDED COPY parameter list to a copy manager and report how it ended',
    builder: (y: Argv<object>): Argv<RunArgs> =>
      y
        .positional('mover', {
          type: 'string',
          demandOption: true,
          describe: 'copy manager LU (iscsi:// URL or /dev/sgN)',
        })
        .option('list', {
          type: 'string',
          demandOption: true,
          describe:
            'parameter list: JSON as printed by `xcopy-decode --json`, or its bytes (binary or hex text)',
        })
        .option('progress', {
          type: 'boolean',
          default: false,
          describe: 'print COPY STATUS changes on stderr while the copy runs',
        })
        .option('held', { type: 'string', describe: 'write the held data (RECEIVE COPY DATA) to this file' })
        .option('timeout', {
          type: 'number',
          describe: 'abort the copy (ABORT TASK) after this many seconds',
        })
        .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON' })
        .example(
          '$0 xcopy run iscsi://127.0.0.1:3260/iqn.x:t/3 --list backup.json --progress',
          'run a backup list',
        ),
    handler: (argv) => runList(argv, io),
  };
  const params: CommandModule<object, { mover: string; json: boolean }> = {
    command: 'params <mover>',
    describe: "print a copy manager's RECEIVE COPY OPERATING PARAMETERS",
    builder: (y: Argv<object>): Argv<{ mover: string; json: boolean }> =>
      y
        .positional('mover', {
          type: 'string',
          demandOption: true,
          describe: 'copy manager LU (iscsi:// URL or /dev/sgN)',
        })
        .option('json', { type: 'boolean', default: false, describe: 'print the parameters as JSON' }),
    handler: (argv) =>
      withTransport(argv.mover, async (t) => {
        const p = decodeOperatingParameters(
          await receiveCopyResults(t, RCR_SERVICE_ACTION.operatingParameters, 0),
        );
        if (argv.json) io.out(toJson(p));
        else for (const l of describeOperatingParameters(p)) io.out(l);
      }),
  };
  return {
    command: 'xcopy <command>',
    describe: 'drive a copy manager: run an EXTENDED COPY list, read its operating parameters',
    builder: (y: Argv<object>) =>
      y
        .command(run as CommandModule)
        .command(params as CommandModule)
        .demandCommand(1, 'name an xcopy command (run, params)'),
    handler: () => undefined,
  };
}
