/**
 * Stopping the Slack adapter (what SIGTERM does): it takes no new requests, and answers every
 * command it already acknowledged before it resolves; past its drain time it gives up and says so.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../adapters/slack/index.ts';
import { createLogger } from '../../src/app/logger.ts';
import { FakeSlackApi } from '../fakes/slack/web-api.ts';
import { testPaperboy } from '../helpers/paperboy.ts';
import { BOT_TOKEN, FORM, holdWork, latch, post, responseId, SECRET, slashBody } from './harness.ts';

const apis: FakeSlackApi[] = [];
afterEach(async () => {
  for (const api of apis.splice(0)) await api.stop();
});

async function start(drainMs?: number) {
  const api = new FakeSlackApi();
  apis.push(api);
  await api.start();
  const lines: string[] = [];
  const paperboy = await testPaperboy();
  const adapter = createSlackAdapter({
    config: { botToken: BOT_TOKEN, signingSecret: SECRET, apiUrl: api.apiUrl, port: 0 },
    paperboy,
    logger: createLogger('info', { write: (l: string) => void lines.push(l) }),
    retries: 0,
    ...(drainMs !== undefined ? { drainMs } : {}),
  });
  await adapter.start();
  return { api, adapter, paperboy, lines, base: `http://127.0.0.1:${adapter.port}` };
}

describe('stopping the Slack adapter (HTTP mode)', () => {
  it('answers a command it acknowledged before stopping, then refuses new connections', async () => {
    const s = await start();
    const gate = latch();
    const held = holdWork(s.paperboy, gate);
    const { body, responseUrl } = slashBody(s.api, 'search kv cache');
    expect((await post(s.base, body, FORM)).status).toBe(200);
    await expect.poll(() => held.started).toBe(1);

    let stopped = false;
    const stopping = s.adapter.stop().then(() => (stopped = true));
    // The port is closed to new work while the acknowledged command is still being worked on.
    await expect(fetch(`${s.base}/slack/events`, { method: 'POST', body: 'x' })).rejects.toThrow();
    expect(stopped).toBe(false);

    gate.open();
    await stopping;
    const id = responseId(responseUrl);
    expect(s.api.responses.filter((r) => r.id === id)).toHaveLength(1);
    expect(s.lines.join('\n')).not.toMatch(/still unanswered/);
    held.restore();
  });

  it('gives up after its drain time, and logs how many answers were left', async () => {
    const s = await start(50);
    const gate = latch();
    const held = holdWork(s.paperboy, gate);
    const { body, responseUrl } = slashBody(s.api, 'search lora');
    expect((await post(s.base, body, FORM)).status).toBe(200);
    await expect.poll(() => held.started).toBe(1);
    await s.adapter.stop();
    expect(s.lines.join('\n')).toMatch(/"left":1.*stopped with acknowledged requests still unanswered/);
    expect(s.api.responses.some((r) => r.id === responseId(responseUrl))).toBe(false);
    held.restore();
    gate.open();
  });
});
