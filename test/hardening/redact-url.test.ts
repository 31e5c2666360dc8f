import { describe, expect, it } from 'vitest';
import { SourceError } from '../../src/sources/types.ts';
import { redactUrlCredentials } from '../../src/text/redact-url.ts';
import { scrubSecrets } from '../../adapters/shared/requests.ts';

describe('URL credentials are never shown or logged', () => {
  it('redactUrlCredentials replaces user info in every URL of a text, and leaves the rest', () => {
    expect(redactUrlCredentials('at http://user:pa%40ss@proxy:8080/api/ and https://a@b.example/x')).toBe(
      'at http://[redacted]@proxy:8080/api/ and https://[redacted]@b.example/x',
    );
    expect(redactUrlCredentials('mail ann@example.org, see https://example.org/@ann')).toBe('mail ann@example.org, see https://example.org/@ann');
  });
  it('a source failure names the URL without its credentials', () => {
    const err = new SourceError('HTTP 503', 'https://bot:hunter2@hf.example/api/daily_papers?date=2026-11-27');
    expect(err.message).toBe('HTTP 503 (https://[redacted]@hf.example/api/daily_papers?date=2026-11-27)');
    expect(err.url).not.toContain('hunter2');
  });
  it('the adapters’ scrubber redacts them with the tokens', () => {
    expect(scrubSecrets('GET http://u:p@127.0.0.1/api/auth.test failed')).toBe('GET http://[redacted]@127.0.0.1/api/auth.test failed');
  });
});
