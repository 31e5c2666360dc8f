/**
 * The fake Discord behaves like Discord where the tests rely on it:
 * - it rejects what Discord rejects, with Discord's 400 answer (50035 Invalid Form Body and the
 *   errors tree down to the field, or 50006 for an empty message), on every route that takes a
 *   message body, and accepts bodies right at the limits;
 * - it answers 429 on demand with Discord's body and rate-limit headers, which discord.js obeys:
 *   it waits, then the request goes through.
 * (The gateway's drop, op 7 and RESUME are exercised with the real adapter in reconnect.test.ts.)
 */
import { DiscordAPIError, REST } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../fakes/discord/fake-discord.ts';
import type { ErrorTree } from '../fakes/discord/form-body.ts';
import { startFakeExtras } from './fake-extras.ts';

let fake: FakeDiscord;
let rest: REST;
beforeAll(async () => {
  fake = await FakeDiscord.start();
  rest = new REST({ api: fake.apiUrl, retries: 0 }).setToken(fake.token);
});
afterAll(async () => {
  await fake.close();
});

type Msg = Record<string, unknown>;
const button = (i: number, extra: Msg = {}): Msg => ({ type: 2, style: 2, label: `B${i}`, custom_id: `b:${i}`, ...extra });
const row = (n: number, from = 0): Msg => ({ type: 1, components: Array.from({ length: n }, (_, i) => button(from + i)) });
const embed = (extra: Msg = {}): Msg => ({ title: 'A paper', description: 'About it.', ...extra });
const field = (name = 'Year', value = '2024'): Msg => ({ name, value, inline: true });
const base: Msg = { content: '', embeds: [embed()], components: [row(2)], allowed_mentions: { parse: [] } };

/** A body Discord rejects, the field it names (within the message) and its error code. */
const rejected: [string, Msg, (string | number)[], string][] = [
  ['content over 2000', { ...base, content: 'x'.repeat(2001) }, ['content'], 'BASE_TYPE_MAX_LENGTH'],
  ['more than 10 embeds', { ...base, embeds: Array.from({ length: 11 }, () => embed()) }, ['embeds'], 'BASE_TYPE_MAX_LENGTH'],
  ['embed title over 256', { ...base, embeds: [embed({ title: 't'.repeat(257) })] }, ['embeds', 0, 'title'], 'BASE_TYPE_MAX_LENGTH'],
  ['description over 4096', { ...base, embeds: [embed(), embed({ description: 'd'.repeat(4097) })] }, ['embeds', 1, 'description'], 'BASE_TYPE_MAX_LENGTH'],
  ['more than 25 fields', { ...base, embeds: [embed({ fields: Array.from({ length: 26 }, () => field()) })] }, ['embeds', 0, 'fields'], 'BASE_TYPE_MAX_LENGTH'],
  ['field name over 256', { ...base, embeds: [embed({ fields: [field('n'.repeat(257))] })] }, ['embeds', 0, 'fields', 0, 'name'], 'BASE_TYPE_MAX_LENGTH'],
  [
    'field value over 1024',
    { ...base, embeds: [embed({ fields: [field(), field('v', 'v'.repeat(1025))] })] },
    ['embeds', 0, 'fields', 1, 'value'],
    'BASE_TYPE_MAX_LENGTH',
  ],
  ['an empty field value', { ...base, embeds: [embed({ fields: [field('Year', '')] })] }, ['embeds', 0, 'fields', 0, 'value'], 'BASE_TYPE_REQUIRED'],
  ['footer over 2048', { ...base, embeds: [embed({ footer: { text: 'f'.repeat(2049) } })] }, ['embeds', 0, 'footer', 'text'], 'BASE_TYPE_MAX_LENGTH'],
  ['author name over 256', { ...base, embeds: [embed({ author: { name: 'a'.repeat(257) } })] }, ['embeds', 0, 'author', 'name'], 'BASE_TYPE_MAX_LENGTH'],
  [
    'over 6000 characters across all embeds',
    { ...base, embeds: [embed({ title: undefined, description: 'd'.repeat(3000) }), embed({ title: undefined, description: 'd'.repeat(3001) })] },
    ['embeds'],
    'MAX_EMBED_SIZE_EXCEEDED',
  ],
  ['more than 5 action rows', { ...base, components: Array.from({ length: 6 }, (_, i) => row(1, i)) }, ['components'], 'BASE_TYPE_MAX_LENGTH'],
  ['more than 5 buttons in a row', { ...base, components: [row(6)] }, ['components', 0, 'components'], 'BASE_TYPE_BAD_LENGTH'],
  [
    'a button label over 80',
    { ...base, components: [{ type: 1, components: [button(1, { label: 'l'.repeat(81) })] }] },
    ['components', 0, 'components', 0, 'label'],
    'BASE_TYPE_MAX_LENGTH',
  ],
  [
    'a custom_id over 100',
    { ...base, components: [{ type: 1, components: [button(1, { custom_id: 'c'.repeat(101) })] }] },
    ['components', 0, 'components', 0, 'custom_id'],
    'BASE_TYPE_BAD_LENGTH',
  ],
  [
    'a duplicate custom_id',
    { ...base, components: [row(1), { type: 1, components: [button(0)] }] },
    ['components', 1, 'components', 0, 'custom_id'],
    'COMPONENT_CUSTOM_ID_DUPLICATED',
  ],
  [
    'a link button URL over 512',
    { ...base, components: [{ type: 1, components: [{ type: 2, style: 5, label: 'Code', url: `https://example.org/${'u'.repeat(493)}` }] }] },
    ['components', 0, 'components', 0, 'url'],
    'BASE_TYPE_MAX_LENGTH',
  ],
  [
    'a link button URL that is not http(s)',
    { ...base, components: [{ type: 1, components: [{ type: 2, style: 5, label: 'Code', url: 'ftp://example.org/x' }] }] },
    ['components', 0, 'components', 0, 'url'],
    'URL_TYPE_INVALID_URL',
  ],
  [
    'a button with both url and custom_id',
    { ...base, components: [{ type: 1, components: [{ type: 2, style: 5, label: 'Code', url: 'https://example.org/x', custom_id: 'x' }] }] },
    ['components', 0, 'components', 0, 'custom_id'],
    'COMPONENT_LINK_BUTTON_CUSTOM_ID',
  ],
];

/** Bodies right at Discord's limits, which Discord accepts. */
const atLimits: [string, Msg][] = [
  ['content of 2000, no embeds, no buttons', { content: 'x'.repeat(2000), embeds: [], components: [] }],
  ['10 embeds', { ...base, embeds: Array.from({ length: 10 }, () => embed()) }],
  [
    'title 256, description 4096, footer 1024, author 256: 5632 in all',
    {
      ...base,
      embeds: [embed({ title: 't'.repeat(256), description: 'd'.repeat(4096), footer: { text: 'f'.repeat(1024) }, author: { name: 'a'.repeat(256) } })],
    },
  ],
  ['25 fields of 1 + 10 characters', { ...base, embeds: [embed({ fields: Array.from({ length: 25 }, () => field('n', 'v'.repeat(10))) })] }],
  [
    'exactly 6000 characters across embeds',
    { ...base, embeds: [embed({ title: undefined, description: 'd'.repeat(3000) }), embed({ title: undefined, description: 'd'.repeat(3000) })] },
  ],
  [
    '5 rows of 5 buttons, labels of 80 and custom_ids of 100',
    {
      ...base,
      components: Array.from({ length: 5 }, (_, r) => ({
        type: 1,
        components: Array.from({ length: 5 }, (_, i) => button(r * 5 + i, { label: 'l'.repeat(80), custom_id: `${r * 5 + i}`.padEnd(100, 'c') })),
      })),
    },
  ],
  [
    'a link button URL of exactly 512',
    { ...base, components: [{ type: 1, components: [{ type: 2, style: 5, label: 'Code', url: `https://example.org/${'u'.repeat(492)}` }] }] },
  ],
  ['only buttons', { content: '', embeds: [], components: [row(1)] }],
];

/** Every route that takes a message body: how the message goes in the request, and where Discord's errors tree puts it. */
const routes = (): { name: string; method: string; path: string; wrap: (m: Msg) => Msg; at: string[] }[] => [
  { name: 'channel message', method: 'POST', path: `/channels/${fake.world.channelId}/messages`, wrap: (m) => m, at: [] },
  {
    name: 'interaction reply (callback 4)',
    method: 'POST',
    path: '/interactions/100000000000009999/tok-1-secret/callback',
    wrap: (m) => ({ type: 4, data: m }),
    at: ['data'],
  },
  {
    name: 'interaction update (callback 7)',
    method: 'POST',
    path: '/interactions/100000000000009999/tok-1-secret/callback',
    wrap: (m) => ({ type: 7, data: m }),
    at: ['data'],
  },
  { name: 'webhook follow-up', method: 'POST', path: `/webhooks/${fake.world.applicationId}/tok-1-secret`, wrap: (m) => m, at: [] },
  { name: 'webhook edit', method: 'PATCH', path: `/webhooks/${fake.world.applicationId}/tok-1-secret/messages/@original`, wrap: (m) => m, at: [] },
];

async function call(method: string, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> | undefined }> {
  const res = await fetch(`${fake.apiUrl}/v10${path}`, {
    method,
    headers: { authorization: `Bot ${fake.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}

/** The error codes Discord's tree holds at `path`. */
function codesAt(tree: unknown, path: (string | number)[]): string[] {
  let node: unknown = tree;
  for (const key of path) node = typeof node === 'object' && node !== null ? (node as ErrorTree)[String(key)] : undefined;
  const errors = typeof node === 'object' && node !== null ? (node as ErrorTree)['_errors'] : undefined;
  return Array.isArray(errors) ? errors.map((e) => e.code) : [];
}

describe('the fake Discord rejects what Discord rejects, on every route that takes a message', () => {
  it.each(rejected)('%s: 400, 50035 Invalid Form Body, the errors tree names the field', async (_what, message, path, code) => {
    for (const route of routes()) {
      const { status, json } = await call(route.method, route.path, route.wrap(message));
      expect([route.name, status, json?.['code'], json?.['message']]).toEqual([route.name, 400, 50035, 'Invalid Form Body']);
      expect(codesAt(json?.['errors'], [...route.at, ...path]), route.name).toContain(code);
    }
  });

  it('an empty message (no content, embeds or components): 400, 50006 Cannot send an empty message', async () => {
    for (const route of routes()) {
      const { status, json } = await call(route.method, route.path, route.wrap({ content: '', embeds: [], components: [], allowed_mentions: { parse: [] } }));
      expect([route.name, status, json]).toEqual([route.name, 400, { code: 50006, message: 'Cannot send an empty message' }]);
    }
  });

  it.each(atLimits)('accepts a body right at the limits: %s', async (_what, message) => {
    for (const route of routes()) {
      const { status } = await call(route.method, route.path, route.wrap(message));
      expect([route.name, status]).toEqual([route.name, route.method === 'POST' && route.path.endsWith('/callback') ? 204 : 200]);
    }
  });

  it('records each rejected request with its reasons, and only those', async () => {
    const from = fake.requests.length;
    await call('POST', `/channels/${fake.world.channelId}/messages`, { ...base, embeds: [embed({ title: 't'.repeat(257) })] });
    await call('POST', `/channels/${fake.world.channelId}/messages`, base);
    expect(fake.invalidSummary(from)).toEqual([
      `POST /channels/${fake.world.channelId}/messages: embeds.0.title: Must be 256 or fewer in length. (BASE_TYPE_MAX_LENGTH)`,
    ]);
  });

  it('an autocomplete answer (callback 8) with more than 25 choices or a choice name over 100 is rejected', async () => {
    const path = '/interactions/100000000000009999/tok-2-secret/callback';
    const choices = (n: number, name = 'c') => Array.from({ length: n }, (_, i) => ({ name: `${name}${i}`, value: `v${i}` }));
    const many = await call('POST', path, { type: 8, data: { choices: choices(26) } });
    expect(codesAt(many.json?.['errors'], ['data', 'choices'])).toEqual(['BASE_TYPE_MAX_LENGTH']);
    const long = await call('POST', path, { type: 8, data: { choices: choices(1, 'n'.repeat(100)) } });
    expect(codesAt(long.json?.['errors'], ['data', 'choices', 0, 'name'])).toEqual(['BASE_TYPE_BAD_LENGTH']);
    expect((await call('POST', path, { type: 8, data: { choices: choices(25) } })).status).toBe(204);
  });

  it('discord.js reads the rejection as Discord’s: a DiscordAPIError 50035 that names the field', async () => {
    const err = await rest.post(`/channels/${fake.world.channelId}/messages`, { body: { ...base, embeds: [embed({ title: 't'.repeat(257) })] } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DiscordAPIError);
    expect(err).toMatchObject({ status: 400, code: 50035 });
    expect((err as DiscordAPIError).message).toBe('Invalid Form Body\nembeds[0].title[BASE_TYPE_MAX_LENGTH]: Must be 256 or fewer in length.');
  });
});

describe('the fake Discord rate-limits on demand, as Discord does', () => {
  const path = (): `/${string}` => `/channels/${fake.world.channelId}/messages`;

  it('a per-route (user) limit: 429 with retry_after and every X-RateLimit-* header of an exhausted bucket', async () => {
    fake.rateLimit('POST', /\/messages$/, { retryAfter: 0.25 });
    const res = await fetch(`${fake.apiUrl}/v10${path()}`, {
      method: 'POST',
      headers: { authorization: `Bot ${fake.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(base),
    });
    expect(res.status).toBe(429);
    expect(await res.json()).toEqual({ message: 'You are being rate limited.', retry_after: 0.25, global: false });
    const h = Object.fromEntries([...res.headers].filter(([k]) => /^(retry-after|x-ratelimit-)/.test(k)));
    expect(h).toEqual({
      'retry-after': '1',
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': expect.stringMatching(/^\d+\.\d{3}$/),
      'x-ratelimit-reset-after': '0.250',
      'x-ratelimit-bucket': expect.stringMatching(/^\w+$/),
      'x-ratelimit-scope': 'user',
    });
  });

  it('a global limit: 429 with global true, X-RateLimit-Global and scope global, no bucket headers', async () => {
    fake.rateLimit('POST', /\/messages$/, { retryAfter: 0.25, scope: 'global' });
    const res = await fetch(`${fake.apiUrl}/v10${path()}`, { method: 'POST', headers: { authorization: `Bot ${fake.token}` }, body: JSON.stringify(base) });
    expect(await res.json()).toEqual({ message: 'You are being rate limited.', retry_after: 0.25, global: true });
    const h = Object.fromEntries([...res.headers].filter(([k]) => /^(retry-after|x-ratelimit-)/.test(k)));
    expect(h).toEqual({ 'retry-after': '1', 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' });
  });

  it('the front with DM and delete routes (fake-extras) passes a 429 and its rate-limit headers through', async () => {
    const extras = await startFakeExtras(fake);
    try {
      fake.rateLimit('POST', /\/messages$/, { retryAfter: 0.25 });
      const res = await fetch(`${extras.apiUrl}/v10${path()}`, { method: 'POST', headers: { authorization: `Bot ${fake.token}` }, body: JSON.stringify(base) });
      expect(res.status).toBe(429);
      expect([res.headers.get('retry-after'), res.headers.get('x-ratelimit-remaining'), res.headers.get('x-ratelimit-scope')]).toEqual(['1', '0', 'user']);
      expect(await res.json()).toMatchObject({ retry_after: 0.25, global: false });
    } finally {
      await extras.close();
    }
  });

  it.each([
    ['user', 0.4],
    ['shared', 0.4],
    ['global', 0.4],
  ] as const)('discord.js waits out a %s limit (retry_after %s s), then the request goes through', async (scope, retryAfter) => {
    const limited: unknown[] = [];
    const onLimit = (info: unknown) => limited.push(info);
    rest.on('rateLimited', onLimit);
    try {
      fake.rateLimit('POST', /\/messages$/, { retryAfter, scope });
      const from = fake.requests.length;
      const created = (await rest.post(path(), { body: { ...base, content: `after a ${scope} limit` } })) as { id: string; content: string };
      expect(created.content).toBe(`after a ${scope} limit`);
      const sent = fake.requests.slice(from);
      expect(sent.map((r) => r.status)).toEqual([429, 200]);
      expect(sent[1]!.body).toEqual(sent[0]!.body);
      // It waited at least what Discord asked before sending again (a lower bound: a slow machine only waits longer).
      expect(sent[1]!.at - sent[0]!.at).toBeGreaterThanOrEqual(retryAfter * 1000);
      // discord.js reports the wait when the bucket (user) or everything (global) is exhausted; a shared limit it just sleeps out.
      if (scope !== 'shared') expect(limited).toEqual([expect.objectContaining({ global: scope === 'global', method: 'POST' })]);
    } finally {
      rest.off('rateLimited', onLimit);
    }
  });
});
