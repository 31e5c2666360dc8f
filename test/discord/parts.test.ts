import { describe, expect, it } from 'vitest';
import { ActionStore } from '../../adapters/discord/action-store.ts';
import { MemoryEphemeralStore } from '../../src/ephemeral/store.ts';
import { decodeCustomId, encodeCustomId, inlineCustomId } from '../../adapters/discord/custom-id.ts';
import { commandTextFromMessage } from '../../adapters/discord/mention.ts';
import { BOT_PERMISSIONS, inviteUrl } from '../../adapters/discord/permissions.ts';
import { describeRestError } from '../../adapters/discord/rest-error.ts';

describe('ActionStore', () => {
  it('stores commands under short keys and expires them', () => {
    let now = 0;
    const s = new ActionStore({ ttlMs: 1000, now: () => now });
    const k = s.put({ command: 'search kv --page 2', delivery: 'update' });
    expect(k).toMatch(/^[\w-]{12}$/);
    expect(s.get(k)).toEqual({ command: 'search kv --page 2', delivery: 'update' });
    now = 999;
    expect(s.get(k)).toEqual({ command: 'search kv --page 2', delivery: 'update' });
    now = 1000;
    expect(s.get(k)).toBeUndefined();
    expect(s.size).toBe(0);
  });

  it('is bounded, evicting the least recently used', () => {
    const s = new ActionStore({ maxEntries: 3 });
    const a = s.put({ command: 'a', delivery: 'ephemeral' });
    const b = s.put({ command: 'b', delivery: 'ephemeral' });
    const c = s.put({ command: 'c', delivery: 'ephemeral' });
    s.get(a);
    const d = s.put({ command: 'd', delivery: 'ephemeral' });
    expect(s.size).toBe(3);
    expect(s.get(b)).toBeUndefined();
    expect([s.get(a)?.command, s.get(c)?.command, s.get(d)?.command]).toEqual(['a', 'c', 'd']);
    for (let i = 0; i < 100; i++) s.put({ command: `x${i}`, delivery: 'update' });
    expect(s.size).toBe(3);
  });

  it('with a shared store, a button rendered by one process works when clicked through another', async () => {
    const shared = new MemoryEphemeralStore();
    const here = new ActionStore({ shared });
    const there = new ActionStore({ shared });
    const key = here.put({ command: 'similar snapkv --page 3', delivery: 'update' });
    await here.flush();
    expect(there.get(key)).toBeUndefined();
    expect(await there.find(key)).toEqual({ command: 'similar snapkv --page 3', delivery: 'update' });
    expect(await there.find('nokeyatallx')).toBeUndefined();
  });

  it('a shared store that fails leaves the button working in the process that rendered it, and says so', async () => {
    const broken = new MemoryEphemeralStore();
    broken.put = () => Promise.reject(new Error('database down'));
    const errors: unknown[] = [];
    const s = new ActionStore({ shared: broken, onSharedError: (e) => errors.push(e) });
    const key = s.put({ command: 'search kv --page 2', delivery: 'update' });
    await s.flush();
    expect(errors).toHaveLength(1);
    expect(await s.find(key)).toEqual({ command: 'search kv --page 2', delivery: 'update' });
  });

  it('rejects nonsense settings', () => {
    expect(() => new ActionStore({ ttlMs: 0 })).toThrow(/positive/);
  });
});

describe('custom ids', () => {
  it('round-trips and stays far below 100 characters', () => {
    const id = encodeCustomId('update', 'AbC_-123xyz0');
    expect(id.length).toBeLessThanOrEqual(100);
    expect(decodeCustomId(id)).toEqual({ kind: 'action', delivery: 'update', key: 'AbC_-123xyz0' });
    expect(decodeCustomId(encodeCustomId('ephemeral', 'k'))).toMatchObject({ delivery: 'ephemeral' });
    expect(decodeCustomId('noop:page')).toEqual({ kind: 'noop' });
    for (const bad of ['', 'pb1:x:abc', 'pb1:u:', 'pb1:u:a b', 'pb2:u:', 'pb3:u:abc', 'x'.repeat(100)])
      expect(decodeCustomId(bad)).toEqual({ kind: 'unknown' });
  });

  it('carry a short command in the id itself (it survives a restart); a long one only by key', () => {
    const id = inlineCustomId('update', 'search kv cache --page 2')!;
    expect(id).toBe('pb2:u:search kv cache --page 2');
    expect(decodeCustomId(id)).toEqual({ kind: 'command', delivery: 'update', command: 'search kv cache --page 2' });
    expect(decodeCustomId(inlineCustomId('ephemeral', 'show “E²GAN”')!)).toEqual({ kind: 'command', delivery: 'ephemeral', command: 'show “E²GAN”' });
    expect(inlineCustomId('update', 'x'.repeat(94))).toBe(`pb2:u:${'x'.repeat(94)}`);
    expect(inlineCustomId('update', 'x'.repeat(95))).toBeUndefined();
    expect(inlineCustomId('update', 'search a\nb')).toBeUndefined();
  });
});

describe('mentions', () => {
  it('strips the bot mention in any form and position', () => {
    expect(commandTextFromMessage('<@42> search kv', '42')).toBe('search kv');
    expect(commandTextFromMessage('<@!42>   show\nsnapkv ', '42')).toBe('show snapkv');
    expect(commandTextFromMessage('hey <@42> stats', '42')).toBe('hey stats');
    expect(commandTextFromMessage('<@&7> help', '42', '7')).toBe('help');
    expect(commandTextFromMessage('<@42>', '42')).toBe('');
    expect(commandTextFromMessage('<@421> x', '42')).toBe('<@421> x');
  });
});

describe('permissions and invite', () => {
  it('asks only for view, send, send in threads, embed links and read history', () => {
    expect(BOT_PERMISSIONS).toBe(1024n + 2048n + 16384n + 65536n + 274877906944n);
    const url = new URL(inviteUrl('123456789012345678'));
    expect(url.origin + url.pathname).toBe('https://discord.com/oauth2/authorize');
    expect(url.searchParams.get('scope')).toBe('bot applications.commands');
    expect(url.searchParams.get('permissions')).toBe('274877991936');
    expect(url.searchParams.get('client_id')).toBe('123456789012345678');
  });
});

describe('REST errors', () => {
  it('describes Discord errors without URLs', () => {
    const err = Object.assign(new Error('Missing Permissions'), {
      status: 403,
      code: 50013,
      url: 'https://x/interactions/1/SECRET/callback',
      rawError: { message: 'Missing Permissions', code: 50013 },
    });
    const d = describeRestError(err);
    expect(d).toMatchObject({ status: 403, code: 50013, reason: 'Missing Permissions' });
    expect(d.hint).toMatch(/permission/);
    expect(JSON.stringify(d)).not.toContain('SECRET');
    expect(describeRestError('boom')).toEqual({ reason: 'boom' });
    expect(describeRestError(new Error('POST /webhooks/123/abc.def/messages/@original failed')).reason).toBe(
      'POST /webhooks/123/[redacted]/messages/@original failed',
    );
  });
});
