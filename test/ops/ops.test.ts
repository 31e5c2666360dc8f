/** `/healthz` and `/metrics`: what they answer, and where they are served. */
import { afterAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../adapters/slack/index.ts';
import { loadConfig } from '../../src/app/config.ts';
import { silentLogger } from '../../src/app/logger.ts';
import { checkHealth, opsRoutes, startOpsServer } from '../../src/app/ops.ts';
import { SHELL_CONTEXT } from '../../src/reply/context.ts';
import { openMemoryState } from '../../src/state/sqlite-state.ts';
import { FakeSlackApi } from '../fakes/slack/web-api.ts';
import { testPaperboy } from '../helpers/paperboy.ts';

const state = openMemoryState();
afterAll(() => state.close());
const library = { papers: [{ id: 'p' }] as unknown as readonly never[] };

describe('checkHealth', () => {
  it('is ok when the database answers and papers are loaded', async () => {
    expect(await checkHealth({ state, library })).toEqual({ ok: true, checks: { process: 'ok', database: 'ok', index: 'ok' } });
  });
  it('names the database when it fails or does not answer, and an empty index', async () => {
    const down = { ping: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')) };
    expect(await checkHealth({ state: down, library })).toEqual({
      ok: false,
      checks: { process: 'ok', database: 'unreachable: connect ECONNREFUSED 127.0.0.1:5432', index: 'ok' },
    });
    const silent = { ping: () => new Promise<void>(() => {}) };
    expect((await checkHealth({ state: silent, library }, 20)).checks.database).toBe('no answer within 20 ms');
    expect((await checkHealth({ state, library: { papers: [] } })).checks.index).toBe('no papers loaded');
  });
});

describe('the ops server (METRICS_PORT)', () => {
  it('serves /healthz and /metrics, and nothing else', async () => {
    const paperboy = await testPaperboy();
    await paperboy.run('search kv cache', SHELL_CONTEXT);
    const server = await startOpsServer(opsRoutes({ state, library, logger: silentLogger() }), 0, '127.0.0.1');
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok', process: 'ok', database: 'ok', index: 'ok' });
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await metrics.text();
      expect(text).toMatch(/paperboy_commands_total\{platform="shell",command="search",tone="\w+"\} \d+/);
      expect(text).toContain('paperboy_reply_seconds_bucket');
      expect(text).toContain('paperboy_process_cpu_seconds_total');
      expect((await fetch(`${base}/other`)).status).toBe(404);
      expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('METRICS_PORT is validated with the other settings', () => {
    const bad = loadConfig({ METRICS_PORT: 'lots' });
    expect(!bad.ok && bad.problems).toEqual(['METRICS_PORT: must be a port number']);
    const good = loadConfig({ METRICS_PORT: '9464', HOST: '127.0.0.1' });
    expect(good.ok && [good.config.metricsPort, good.config.host]).toEqual([9464, '127.0.0.1']);
  });
});

describe('Slack HTTP mode serves them on its own port', () => {
  it('GET /healthz and /metrics answer beside /slack/events', async () => {
    const api = new FakeSlackApi();
    await api.start();
    const adapter = createSlackAdapter({
      config: { botToken: ['xoxb', 'ops', '1234567890', 'abcdefghij'].join('-'), signingSecret: 'ops-secret-0123456789', apiUrl: api.apiUrl, port: 0 },
      paperboy: await testPaperboy(),
      logger: silentLogger(),
      retries: 0,
      routes: opsRoutes({ state, library, logger: silentLogger() }),
    });
    await adapter.start();
    try {
      const base = `http://127.0.0.1:${adapter.port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${base}/metrics`)).text()).toContain('paperboy_commands_total');
    } finally {
      await adapter.stop();
      await api.stop();
    }
  });
});
