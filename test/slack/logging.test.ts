import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app/logger.ts';
import { APP_TOKEN, BOT_TOKEN, SECRET, eventBody, expectNoRejections, post, slashBody, startHttp, type HttpHarness } from './harness.ts';
import { scrubSecrets } from '../../adapters/shared/requests.ts';

const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, cb) {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    cb();
  },
});

let h: HttpHarness;
beforeAll(async () => {
  h = await startHttp({ logger: createLogger('debug', sink) });
});
afterAll(async () => {
  await h.stop();
});
expectNoRejections(() => h.api);

describe('Slack adapter logging', () => {
  it('logs failures with their reason and a reference id, never a token or the signing secret', async () => {
    h.api.failNext('response_url', { kind: 'http', status: 404 });
    h.api.failNext('response_url', { kind: 'http', status: 404 });
    const { body } = slashBody(h.api, 'search kv cache');
    await post(h.base, body, 'application/x-www-form-urlencoded');
    h.api.failNext('chat.postMessage', { kind: 'platform', error: 'channel_not_found' });
    h.api.failNext('chat.postMessage', { kind: 'platform', error: 'channel_not_found' });
    const ev = { type: 'app_mention', user: 'U1', text: '<@UBOT0001> stats', ts: '1.1', channel: 'C404' };
    await post(h.base, eventBody(ev), 'application/json');
    // Wait for both failures to be logged (polling, not a fixed sleep: the CI machine is noisy).
    const failureReasons = () =>
      lines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => typeof l.ref === 'string')
        .map((l) => String(l.reason));
    await expect
      .poll(() => failureReasons().some((r) => r.includes('404')) && failureReasons().includes('channel_not_found'), { timeout: 10_000, interval: 25 })
      .toBe(true);

    const all = lines.join('\n');
    expect(all).not.toContain(BOT_TOKEN);
    expect(all).not.toContain(SECRET);
    expect(all).not.toMatch(/xox[bp]-|xapp-/);
    const failures = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => typeof l.ref === 'string');
    expect(failures.some((f) => String(f.reason).includes('404'))).toBe(true);
    expect(failures.some((f) => f.reason === 'channel_not_found')).toBe(true);
  });

  it('scrubs token-shaped strings from anything Bolt logs', () => {
    expect(scrubSecrets(`token ${BOT_TOKEN} and ${APP_TOKEN} and xoxp-1-2-3`)).toBe('token [redacted] and [redacted] and [redacted]');
  });
});
