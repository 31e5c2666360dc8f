import { describe, expect, it } from 'vitest';
import { CpuQueue } from '../../adapters/slack/cpu-queue.ts';
import { seenBefore } from '../../adapters/shared/seen.ts';
import { MemoryEphemeralStore } from '../../src/ephemeral/store.ts';
import { deliveryFailureReason } from '../../adapters/slack/delivery-error.ts';
import { commandText, slackTokensToText, unescapeSlack } from '../../adapters/slack/incoming.ts';
import { normalizeApiUrl } from '../../adapters/slack/index.ts';
import { parseActionId, actionId } from '../../adapters/slack/action-ids.ts';
import { legacySharedBy } from '../../adapters/slack/interaction-handler.ts';

describe('incoming Slack text', () => {
  it('strips the bot mention; bare mention and empty text mean help', () => {
    expect(commandText('<@UBOT> search kv cache', 'UBOT')).toBe('search kv cache');
    expect(commandText('<@UBOT|paperboy>: show snapkv', 'UBOT')).toBe('show snapkv');
    expect(commandText('<@UBOT>', 'UBOT')).toBe('help');
    expect(commandText('   ', 'UBOT')).toBe('help');
    expect(commandText(undefined)).toBe('help');
  });

  it('turns Slack tokens into what the person typed and decodes entities once', () => {
    expect(slackTokensToText('<@U1|ann> <#C1|general> <!here> <!subteam^S1|@team> <https://x.org|x.org> <https://y.org>')).toBe(
      '@ann #general @here @@team x.org https://y.org',
    );
    expect(unescapeSlack('a &lt;b&gt; &amp;lt; &amp;')).toBe('a <b> &lt; &');
    expect(commandText('search state &amp; space', 'UBOT')).toBe('search state & space');
  });
});

describe('seenBefore', () => {
  it('reports a repeat within the TTL (per kind), and forgets after it', async () => {
    let now = 0;
    const seen = seenBefore({ ttlMs: 1000, now: () => now });
    expect(await seen('slack-event', 'a')).toBe(false);
    expect(await seen('slack-event', 'a')).toBe(true);
    expect(await seen('slack-signature', 'a')).toBe(false);
    now = 1500;
    expect(await seen('slack-event', 'a')).toBe(false);
  });

  it('a shared store that fails counts every id as new, and says so', async () => {
    const errors: unknown[] = [];
    const broken = new MemoryEphemeralStore();
    broken.claim = () => Promise.reject(new Error('database down'));
    const seen = seenBefore({ store: broken, ttlMs: 1000, onError: (e) => errors.push(e) });
    expect(await seen('slack-event', 'a')).toBe(false);
    expect(await seen('slack-event', 'a')).toBe(false);
    expect(errors).toHaveLength(2);
  });
});

describe('CpuQueue', () => {
  it('starts jobs one per turn, in order, and a failing job does not stop the next', async () => {
    const q = new CpuQueue();
    const order: string[] = [];
    const a = q.run(() => {
      order.push('a');
      return 1;
    });
    const b = q.run(() => {
      order.push('b');
      throw new Error('boom');
    });
    const c = q.run(() => {
      order.push('c');
      return 3;
    });
    expect(await a).toBe(1);
    await expect(b).rejects.toThrow('boom');
    expect(await c).toBe(3);
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('a job waiting on I/O does not hold up the next one (only CPU work is queued)', async () => {
    const q = new CpuQueue();
    let release = (): void => {};
    const io = new Promise<void>((r) => (release = r));
    const order: string[] = [];
    const waiting = q.run(async () => {
      order.push('a starts');
      await io; // a database round trip
      order.push('a ends');
    });
    const next = q.run(() => {
      order.push('b');
    });
    await next;
    expect(order).toEqual(['a starts', 'b']);
    release();
    await waiting;
    expect(order).toEqual(['a starts', 'b', 'a ends']);
  });

  it('a request that arrives during a job is handled before the next job starts', async () => {
    const q = new CpuQueue();
    const order: string[] = [];
    void q.run(() => {
      order.push('job 1');
      // An ack that became due while job 1 ran: it gets its turn before job 2.
      setImmediate(() => order.push('ack'));
    });
    const second = q.run(() => order.push('job 2'));
    await second;
    expect(order).toEqual(['job 1', 'ack', 'job 2']);
  });
});

describe('small pieces', () => {
  it('normalises SLACK_API_URL to end with /', () => {
    expect(normalizeApiUrl('http://127.0.0.1:9/api')).toBe('http://127.0.0.1:9/api/');
    expect(normalizeApiUrl('http://127.0.0.1:9/api/')).toBe('http://127.0.0.1:9/api/');
    expect(normalizeApiUrl(' ')).toBeUndefined();
  });

  it('action ids encode the delivery and stay short and safe', () => {
    expect(actionId('update', 'next')).toBe('pb:page:next');
    expect(parseActionId(actionId('update', 'next'))).toEqual({ delivery: 'update' });
    expect(parseActionId(actionId('public'))).toEqual({ delivery: 'public' });
    expect(actionId('public')).toBe('pb:share');
    const long = actionId('reply', `1.${'x:'.repeat(300)}`);
    expect(long.length).toBeLessThanOrEqual(255);
    expect(parseActionId(long)).toEqual({ delivery: 'reply' });
    expect(parseActionId('pb:delete:1')).toBeUndefined();
    expect(parseActionId('other')).toBeUndefined();
  });

  it('finds the "Shared by" user of a message posted by an earlier version', () => {
    expect(legacySharedBy([{ type: 'context', elements: [{ type: 'mrkdwn', text: 'Shared by <@U0AB>' }] }])).toBe('U0AB');
    expect(legacySharedBy([{ type: 'context', elements: [{ type: 'mrkdwn', text: 'Shared by <!channel>' }] }])).toBeUndefined();
    expect(legacySharedBy(undefined)).toBeUndefined();
  });

  it('names delivery failures by their Slack reason', () => {
    expect(deliveryFailureReason({ code: 'slack_webapi_platform_error', data: { error: 'not_in_channel' } })).toBe('not_in_channel');
    expect(deliveryFailureReason({ code: 'slack_bolt_respond_error', statusCode: 404 })).toMatch(/expired/);
    expect(deliveryFailureReason({ code: 'slack_webapi_rate_limited_error', retryAfter: 3 })).toMatch(/rate_limited/);
    expect(deliveryFailureReason(new Error('boom'))).toBe('boom');
  });
});
