import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';

/** Anything that looks like a Slack token or a signature becomes `[redacted]` before it is logged. */
export function scrubSecrets(s: string): string {
  return s.replace(/\b(xox[a-z]|xapp)-[A-Za-z0-9-]+/g, '[redacted]').replace(/\bv0=[0-9a-f]{64}\b/g, '[redacted]');
}

function format(parts: unknown[]): string {
  return scrubSecrets(
    parts
      .map((p) => (p instanceof Error ? `${p.name}: ${p.message}` : typeof p === 'string' ? p : safeJson(p)))
      .join(' '),
  );
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
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
 */
export function boltLogger(logger: Logger, name = 'bolt'): BoltLogger {
  let log = logger.child({ component: name });
  return {
    debug: (...msg: unknown[]) => log.debug(format(msg)),
    info: (...msg: unknown[]) => log.info(format(msg)),
    warn: (...msg: unknown[]) => log.warn(format(msg)),
    error: (...msg: unknown[]) => log.error(format(msg)),
    setLevel: () => {},
    getLevel: () => boltLevel(logger),
    setName: (n: string) => {
      log = logger.child({ component: n });
    },
  };
}
