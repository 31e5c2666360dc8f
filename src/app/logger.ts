import { pino, type Logger, type DestinationStream } from 'pino';
import type { LogLevel } from './config.ts';

/** Paths pino blanks out wherever they appear, so a token never reaches a log line. */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'appToken',
  '*.appToken',
  'signingSecret',
  '*.signingSecret',
  'clientSecret',
  '*.clientSecret',
  'stateSecret',
  '*.stateSecret',
  'encryptionKey',
  '*.encryptionKey',
  'oldEncryptionKey',
  '*.oldEncryptionKey',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  'config.slack',
  'config.discord',
];

/** Where a logger made by `createLogger` writes; `redirectLogs` points it elsewhere. */
interface Sink {
  target: DestinationStream;
}
const sinks = new WeakMap<Logger, Sink>();

/** A JSON logger on stderr (or the given stream). `redirectLogs` can move it (and its children) later. */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const sink: Sink = { target: destination ?? pino.destination(2) };
  const logger = pino(
    { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'paperboy' } },
    { write: (line: string) => sink.target.write(line) },
  );
  sinks.set(logger, sink);
  return logger;
}

/**
 * From now on, send the lines of a logger made by `createLogger`, and of its children (made
 * before or after), to `destination`. False (and nothing changes) for any other logger.
 */
export function redirectLogs(logger: Logger, destination: DestinationStream): boolean {
  const sink = sinks.get(logger);
  if (!sink) return false;
  sink.target = destination;
  return true;
}

/** The log file the shell writes to (in DATA_DIR) when LOG_LEVEL is not set. */
export const SHELL_LOG_FILE = 'paperboy.log';

/**
 * A log file, appended to (its folder is made if needed). Written synchronously: log lines are
 * few, and none is lost when the process exits. Throws when the file cannot be opened.
 */
export function logFile(path: string): DestinationStream {
  // The log names users and channels: private to its owner, like the rest of DATA_DIR.
  return pino.destination({ dest: path, append: true, mkdir: true, sync: true, mode: 0o600 });
}

/** A logger that writes nothing (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
