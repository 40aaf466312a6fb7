// `xcopyctl conformance MOVER_URL --disk URL --tape URL [--restore URL] [--json] [--only PREFIX...]`:
// run the EXTENDED COPY conformance checks (src/conformance) against any copy manager and print a
// table (or JSON). Exit code 0 when no check failed, 1 otherwise, 2 for bad arguments.
// DESTRUCTIVE for --disk, --restore and --tape.
import type { Argv, CommandModule } from 'yargs';
import {
  MINIMUM_DISK_BYTES,
  runConformance,
  type CheckRecord,
  type ConformanceReport,
} from '../../src/conformance';
import { openTransport } from '../../targets/open';
import type { ScsiTransport } from '../../targets/transport';
import { type Io, toJson } from '../usage';

interface ConformanceArgs {
  mover: string;
  disk: string;
  tape: string;
  restore?: string;
  json: boolean;
  only?: string[];
}

/** Some check failed: exit code 1 after the report was printed. */
export class ConformanceFailed extends Error {
  readonly exitCode = 1;
  constructor(failed: number, total: number) {
    super(`conformance: ${failed} of ${total} checks failed`);
    this.name = 'ConformanceFailed';
  }
}

const RESULT_LABEL: Record<CheckRecord['result'], string> = {
  pass: 'PASS',
  fail: 'FAIL',
  'skip-not-advertised': 'SKIP',
};

export function reportLines(r: ConformanceReport): string[] {
  const m = r.mover;
  const who =
    m.vendor !== undefined
      ? ` (${m.vendor} ${m.product ?? ''} ${m.revision ?? ''}, 3PC=${m.threePc ? 1 : 0})`
      : '';
  const lines = [
    `copy manager ${m.address}${who}`,
    `  advertised descriptor type codes: ${m.advertisedCodes === null ? 'none reported' : m.advertisedCodes.join(' ')}`,
    ...(m.untestedCodes.length > 0 ? [`  advertised but not exercised: ${m.untestedCodes.join(' ')}`] : []),
    `  disk ${r.disk}, tape ${r.tape}${r.restore !== undefined ? `, restore ${r.restore}` : ''}`,
  ];
  const idWidth = Math.max(...r.checks.map((c) => c.id.length), 2);
  lines.push(`${'RESULT'.padEnd(6)}  ${'ID'.padEnd(idWidth)}  ${'SENSE'.padEnd(8)}  DETAIL`);
  for (const c of r.checks) {
    lines.push(
      `${RESULT_LABEL[c.result].padEnd(6)}  ${c.id.padEnd(idWidth)}  ${(c.sense ?? '-').padEnd(8)}  ${c.detail}`,
    );
  }
  const s = r.summary;
  lines.push(
    `${r.checks.length} checks: ${s.pass} passed, ${s.fail} failed, ${s.skipNotAdvertised} not advertised`,
  );
  return lines;
}

async function closeAll(transports: (ScsiTransport | undefined)[]): Promise<void> {
  const open = transports.filter((t): t is ScsiTransport => t !== undefined);
  await Promise.allSettled(open.map((t) => t.close()));
}

async function open(addresses: (string | undefined)[]): Promise<(ScsiTransport | undefined)[]> {
  const opened: (ScsiTransport | undefined)[] = [];
  try {
    for (const a of addresses) opened.push(a === undefined ? undefined : await openTransport(a));
    return opened;
  } catch (e) {
    await closeAll(opened);
    throw e;
  }
}

export function conformanceVerb(io: Io): CommandModule {
  const verb: CommandModule<object, ConformanceArgs> = {
    command: 'conformance <mover>',
    describe: `check an EXTENDED COPY copy manager: every advertised segment and descriptor type between --disk and --tape, error cases, RECEIVE COPY RESULTS, concurrency. DESTRUCTIVE: overwrites the first ${MINIMUM_DISK_BYTES / (1024 * 1024)} MiB of --disk and --restore and the whole tape`,
    builder: (y: Argv<object>): Argv<ConformanceArgs> =>
      y
        .positional('mover', {
          type: 'string',
          demandOption: true,
          describe: 'the copy manager LU: iscsi://host[:port]/iqn/lun or /dev/sgN',
        })
        .option('disk', {
          type: 'string',
          demandOption: true,
          describe: 'a disk LU the copy manager can reach',
        })
        .option('tape', {
          type: 'string',
          demandOption: true,
          describe: 'a tape LU the copy manager can reach',
        })
        .option('restore', { type: 'string', describe: 'a second disk LU to restore into' })
        .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON' })
        .option('only', {
          type: 'string',
          array: true,
          describe: 'run only checks whose id starts with this',
        })
        .example(
          '$0 conformance iscsi://127.0.0.1:3260/iqn.2024-01.example:san/0 --disk iscsi://127.0.0.1:3260/iqn.2024-01.example:san/0 --tape iscsi://127.0.0.1:3260/iqn.2024-01.example:san/1',
          'check the data mover of an emulated SAN',
        ),
    handler: async (argv) => {
      const [mover, disk, tape, restore] = await open([argv.mover, argv.disk, argv.tape, argv.restore]);
      let report: ConformanceReport;
      try {
        report = await runConformance(
          {
            mover: mover as ScsiTransport,
            disk: disk as ScsiTransport,
            tape: tape as ScsiTransport,
            ...(restore !== undefined ? { restore } : {}),
          },
          argv.only !== undefined ? { only: argv.only } : {},
        );
      } finally {
        await closeAll([mover, disk, tape, restore]);
      }
      if (argv.json) io.out(toJson(report));
      else for (const line of reportLines(report)) io.out(line);
      if (report.summary.fail > 0) throw new ConformanceFailed(report.summary.fail, report.checks.length);
    },
  };
  return verb as CommandModule;
}
