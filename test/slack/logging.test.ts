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

describe('scrubSecrets: OAuth bodies', () => {
  it('blanks the client secret, tokens and Slack authorisation codes in logged request bodies, JSON or form', () => {
    const jsonBody = 'http request body: {"code":"c-1","client_id":"1.2","client_secret":"s3cr3t-value"}';
    expect(scrubSecrets(jsonBody)).toBe('http request body: {"code":"c-1","client_id":"1.2","client_secret":"[redacted]"}');
    // As it appears inside a JSON log line (quotes escaped).
    expect(scrubSecrets('{\\"client_secret\\":\\"s3cr3t-value\\"}')).toBe('{\\"client_secret\\":\\"[redacted]\\"}');
    expect(scrubSecrets('client_id=1.2&client_secret=s3cr3t&code=x')).toBe('client_id=1.2&client_secret=[redacted]&code=x');
    expect(scrubSecrets('{"refresh_token":"xoxe-1-abc","access_token":"at-123"}')).toBe('{"refresh_token":"[redacted]","access_token":"[redacted]"}');
    expect(scrubSecrets('code 1234567890.1234567890.0123456789abcdef0123456789abcdef used')).toBe('code [redacted] used');
    // Error codes and ordinary words stay.
    expect(scrubSecrets('{"code":"slack_webapi_platform_error","error":"invalid_code"}')).toBe('{"code":"slack_webapi_platform_error","error":"invalid_code"}');
  });
});
