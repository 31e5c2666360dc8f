import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';
import { scrubSecrets } from '../shared/requests.ts';

function format(parts: unknown[]): string {
  return scrubSecrets(parts.map((p) => (p instanceof Error ? `${p.name}: ${p.message}` : typeof p === 'string' ? p : safeJson(p))).join(' '));
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Bolt's warning for a request its `authorize` refused (no installation for the workspace). */
function isUnauthorised(parts: unknown[]): boolean {
  return typeof parts[0] === 'string' && parts[0].startsWith('Authorization of incoming event did not succeed');
}

/** The Bolt log level that matches a pino logger's level. */
export function boltLevel(logger: Logger): LogLevel {
  const v = logger.levelVal;
  if (v <= 20) return LogLevel.DEBUG;
  if (v <= 30) return LogLevel.INFO;
  if (v <= 40) return LogLevel.WARN;
  return LogLevel.ERROR;
}

/**
 * Bolt's Logger interface over our pino logger (child `{ component: 'bolt' }`). Tokens are scrubbed
 * from every line. The level stays the one pino was configured with: Bolt's `setLevel` is ignored.
 * While `quiet()` is true (start-up, whose failure the adapter reports itself, and an app given up
 * after a failed start), warnings and errors are logged at debug level.
 */
export function boltLogger(logger: Logger, name = 'bolt', quiet: () => boolean = () => false): BoltLogger {
  let log = logger.child({ component: name });
  return {
    debug: (...msg: unknown[]) => log.debug(format(msg)),
    info: (...msg: unknown[]) => log.info(format(msg)),
    // A request from a workspace without an installation (OAuth mode) is routine: the adapter logs it at debug.
    warn: (...msg: unknown[]) => (quiet() || isUnauthorised(msg) ? log.debug(format(msg)) : log.warn(format(msg))),
    error: (...msg: unknown[]) => (quiet() ? log.debug(format(msg)) : log.error(format(msg))),
    setLevel: () => {},
    getLevel: () => boltLevel(logger),
    setName: (n: string) => {
      log = logger.child({ component: n });
    },
  };
}
