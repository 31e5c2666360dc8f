import type { Logger } from 'pino';

/**
 * The last line of defence of a long-running process, for failures nothing else caught:
 * - a promise rejected with no handler (an event handler's slip): logged, and the process keeps
 *   serving, since nothing is left half-done by a promise that merely failed;
 * - an exception thrown with no handler: the process can no longer be trusted, so it is logged
 *   and `fatal` runs (a graceful stop, then exit 1), and a supervisor restarts it (see
 *   docs/operations.md). Installed once by the bot; the one-shot CLI keeps Node's defaults.
 * Returns a function that removes both handlers.
 */
export function installLastResort(logger: Logger, fatal: (err: unknown) => void): () => void {
  const rejected = (reason: unknown) => {
    logger.error({ err: reason }, 'unhandled promise rejection (logged; still serving)');
  };
  let failing = false;
  const thrown = (err: Error, origin: string) => {
    logger.fatal({ err, origin }, 'uncaught exception: stopping');
    if (failing) return;
    failing = true;
    fatal(err);
  };
  process.on('unhandledRejection', rejected);
  process.on('uncaughtException', thrown);
  return () => {
    process.off('unhandledRejection', rejected);
    process.off('uncaughtException', thrown);
  };
}
