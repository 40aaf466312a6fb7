// The emulator's logger: winston writing every level to stderr, so stdout stays free for the
// one machine-readable line a verb like `xcopyctl san up` prints. Level from XCOPY_LOG_LEVEL
// (error, warn, info, debug; default warn; "silent" turns logging off).
import winston from 'winston';

export type Logger = winston.Logger;

const LEVELS = new Set(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']);

function levelFromEnv(): { level: string; silent: boolean } {
  const raw = (process.env.XCOPY_LOG_LEVEL ?? 'warn').toLowerCase();
  if (raw === 'silent' || raw === 'off') return { level: 'error', silent: true };
  return { level: LEVELS.has(raw) ? raw : 'warn', silent: false };
}

let root: winston.Logger | undefined;

/** The process-wide logger (created on first use). */
export function rootLogger(): winston.Logger {
  if (root === undefined) {
    const { level, silent } = levelFromEnv();
    root = winston.createLogger({
      level,
      silent,
      format: winston.format.combine(
        winston.format.timestamp(),
        winston.format.printf((info) => {
          const component = typeof info.component === 'string' ? ` [${info.component}]` : '';
          return `${String(info.timestamp)} ${info.level}${component}: ${String(info.message)}`;
        }),
      ),
      // stderrLevels lists every level: nothing goes to stdout.
      transports: [new winston.transports.Console({ stderrLevels: [...LEVELS] })],
    });
  }
  return root;
}

/** A child logger tagged with a component name, e.g. "iscsi-target". */
export function getLogger(component: string): winston.Logger {
  return rootLogger().child({ component });
}

/** Change the level at run time (the `san up --log-level` option, tests). */
export function setLogLevel(level: string): void {
  const logger = rootLogger();
  if (level === 'silent' || level === 'off') {
    logger.silent = true;
    return;
  }
  logger.silent = false;
  logger.level = LEVELS.has(level) ? level : 'warn';
}
