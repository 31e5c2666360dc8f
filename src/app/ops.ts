/**
 * What operators ask a running bot over HTTP: `GET /healthz` (the process is up, the database
 * answers, the index is loaded: 200, else 503 naming what fails) and `GET /metrics` (Prometheus
 * text). Served on Slack HTTP mode's own port, or on `METRICS_PORT` otherwise.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Library } from '../library/library.ts';
import { registry } from '../metrics/metrics.ts';
import type { State } from '../state/state.ts';

/** A handler for one GET path. */
export type Route = (req: IncomingMessage, res: ServerResponse) => void;

export interface Health {
  ok: boolean;
  /** Each part: `ok`, or what is wrong with it. */
  checks: { process: string; database: string; index: string };
}

/** Check the parts a request needs: the database answers within `timeoutMs`, the index is loaded. */
export async function checkHealth(deps: { state: Pick<State, 'ping'>; library: Pick<Library, 'papers'> }, timeoutMs = 2000): Promise<Health> {
  let timer: NodeJS.Timeout | undefined;
  const database = await Promise.race([
    deps.state.ping().then(
      () => 'ok',
      (err: unknown) => `unreachable: ${err instanceof Error ? err.message.slice(0, 200) : String(err)}`,
    ),
    new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  const index = deps.library.papers.length > 0 ? 'ok' : 'no papers loaded';
  return { ok: database === 'ok' && index === 'ok', checks: { process: 'ok', database, index } };
}

/** The `/healthz` and `/metrics` routes over this process's state and library. */
export function opsRoutes(deps: { state: Pick<State, 'ping'>; library: Pick<Library, 'papers'>; logger: Logger }): Record<string, Route> {
  return {
    '/healthz': (_req, res) => {
      void checkHealth(deps).then((health) => {
        res.writeHead(health.ok ? 200 : 503, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
        res.end(JSON.stringify({ status: health.ok ? 'ok' : 'failing', ...health.checks }));
      });
    },
    '/metrics': (_req, res) => {
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(text);
        },
        (err: unknown) => {
          deps.logger.error({ err }, 'metrics could not be collected');
          res.writeHead(500).end();
        },
      );
    },
  };
}

/** Serve `routes` (GET only; anything else is 404) on `port` at `host` (absent: every interface). */
export async function startOpsServer(routes: Record<string, Route>, port: number, host: string | undefined): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = req.method === 'GET' ? routes[path] : undefined;
    if (route) route(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, ...(host ? { host } : {}) }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
