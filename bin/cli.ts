// xcopyctl: the command-line front end of the backup server, data mover and emulated SAN.
import yargs from 'yargs';
import { VERBS } from './commands/index';
import { type Io, UsageError } from './usage';
import { SenseError } from '../cdb/errors';
import { packageVersion } from './version';

const defaultIo: Io = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
};

/** Run the CLI; resolves to the process exit code. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  let code = 0;
  const parser = yargs(argv)
    .scriptName('xcopyctl')
    .usage('$0 <command> [options]')
    .version(packageVersion())
    .strict()
    .strictCommands()
    .demandCommand(1, 'name a command (see --help)')
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .exitProcess(false)
    .fail((msg: string | undefined, err: Error | undefined) => {
      throw err ?? new UsageError(msg ?? 'invalid arguments');
    })
    .help();
  for (const verb of VERBS) parser.command(verb(io));
  try {
    await parser.parseAsync();
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`xcopyctl: ${e.message}`);
      code = 2;
    } else if (e instanceof SenseError) {
      // Input bytes that do not decode are bad input too.
      io.err(`xcopyctl: ${e.message}`);
      code = 2;
    } else {
      io.err(`xcopyctl: ${e instanceof Error ? e.message : String(e)}`);
      code =
        typeof (e as { exitCode?: unknown }).exitCode === 'number' ? (e as { exitCode: number }).exitCode : 1;
    }
  }
  return process.exitCode !== undefined && code === 0 ? Number(process.exitCode) : code;
}

export function run(): void {
  // `xcopyctl ... | head`: a reader that goes away is not an error; stop quietly.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`xcopyctl: ${String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
