import type { Logger } from 'pino';
import type { Library } from '../library/library.ts';
import type { Paperboy } from '../core/paperboy.ts';
import type { Admins } from '../reply/context.ts';
import { createArxivClient, DEFAULT_ARXIV_API_URL } from '../sources/arxiv.ts';
import { createHfClient, DEFAULT_HF_API_URL } from '../sources/hf.ts';
import { createOaiClient, DEFAULT_OAI_URL } from '../sources/oai.ts';
import type { HttpOptions } from '../sources/http.ts';
import { createIngestCommand } from './ingest-command.ts';
import { startIngestJobs, type IngestJobs, type IngestSourceSpec } from './jobs.ts';

export { ingestHf, ingestArxiv, type IngestReport } from './run.ts';
export { createIngestCommand } from './ingest-command.ts';
export type { IngestSourceSpec } from './jobs.ts';

export interface StartIngestOptions {
  /** Base URLs of the sources (default: the real services). */
  config: { hfApiUrl?: string | undefined; arxivApiUrl?: string | undefined; oaiUrl?: string | undefined };
  paperboy: Paperboy;
  library: Library;
  /** From the config file: who may ingest from chat, and the scheduled ingests. */
  settings: { admins: Admins; sources: readonly IngestSourceSpec[] };
  logger: Logger;
  /** Run the config file's scheduled ingests (the bot: yes; one-shot CLI: no). */
  jobs: boolean;
  /** HTTP behaviour of the clients (tests: short timeouts, no real sleeps). */
  http?: HttpOptions;
  /** Minimum time between arXiv requests (default 3 s, arXiv's terms). */
  arxivMinIntervalMs?: number;
}

export interface Ingesting {
  jobs: IngestJobs | undefined;
  close(): Promise<void>;
}

/** Register the `ingest` command and (when asked) start the scheduled ingests of the config file. */
export function startIngest(opts: StartIngestOptions): Ingesting {
  const logger = opts.logger.child({ component: 'ingest' });
  const http: HttpOptions = { logger, ...opts.http };
  // One arXiv client per process, so its rate limit holds across commands and scheduled runs.
  const arxivClient = createArxivClient({
    baseUrl: opts.config.arxivApiUrl ?? DEFAULT_ARXIV_API_URL,
    http,
    ...(opts.arxivMinIntervalMs !== undefined ? { minIntervalMs: opts.arxivMinIntervalMs } : {}),
  });
  // One OAI client too: arXiv's OAI-PMH asks for one request every 3 s, across harvests.
  const oaiClient = createOaiClient({
    baseUrl: opts.config.oaiUrl ?? DEFAULT_OAI_URL,
    http,
    ...(opts.arxivMinIntervalMs !== undefined ? { minIntervalMs: opts.arxivMinIntervalMs } : {}),
  });
  const hf = () => createHfClient({ baseUrl: opts.config.hfApiUrl ?? DEFAULT_HF_API_URL, http });
  const arxiv = () => arxivClient;
  const oai = () => oaiClient;
  opts.paperboy.register(createIngestCommand({ hf, arxiv, oai, admins: opts.settings.admins }));
  const store = opts.library.store;
  const jobs =
    opts.jobs && store && opts.settings.sources.length > 0
      ? startIngestJobs({ sources: opts.settings.sources, store, library: opts.library, hf, arxiv, oai, logger })
      : undefined;
  return {
    jobs,
    async close() {
      await jobs?.stop();
    },
  };
}
