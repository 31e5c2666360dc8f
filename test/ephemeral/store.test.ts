/** The ephemeral store's contract, on every backend (and the in-memory one). */
import { describe, expect, it } from 'vitest';
import { ConversationMemory } from '../../src/conversation/memory.ts';
import { MemoryEphemeralStore, type EphemeralStore } from '../../src/ephemeral/store.ts';
import { eachBackend } from '../helpers/backends.ts';

const at = (s: number) => new Date(Date.UTC(2026, 11, 4, 12, 0, s));

function contract(open: () => Promise<EphemeralStore>): void {
  it('keeps a value until it expires, and put replaces it', async () => {
    const store = await open();
    await store.put('conversation', 'k', 'one', at(10));
    expect(await store.get('conversation', 'k', at(5))).toBe('one');
    await store.put('conversation', 'k', 'two', at(20));
    expect(await store.get('conversation', 'k', at(15))).toBe('two');
    expect(await store.get('conversation', 'k', at(20))).toBeUndefined();
    expect(await store.get('post', 'k', at(5))).toBeUndefined();
  });

  it('claim records a key once until it expires, then again', async () => {
    const store = await open();
    expect(await store.claim('slack-event', 'Ev1', at(10), at(0))).toBe(true);
    expect(await store.claim('slack-event', 'Ev1', at(10), at(5))).toBe(false);
    expect(await store.claim('slack-signature', 'Ev1', at(10), at(5))).toBe(true);
    expect(await store.claim('slack-event', 'Ev1', at(30), at(10))).toBe(true);
  });

  it('prune deletes only what expired', async () => {
    const store = await open();
    await store.put('post', 'old', 'x', at(5));
    await store.put('post', 'new', 'y', at(50));
    expect(await store.prune(at(10))).toBe(1);
    expect(await store.get('post', 'new', at(10))).toBe('y');
  });
}

describe('MemoryEphemeralStore', () => contract(async () => new MemoryEphemeralStore()));

eachBackend((backend) => {
  contract(async () => (await (await backend.fresh()).open()).ephemeral);

  it('two processes claiming the same keys at once: each key is claimed exactly once', async () => {
    const db = await backend.fresh();
    const [a, b] = [await db.open(), await db.open()];
    const keys = Array.from({ length: 40 }, (_, i) => `Ev${i}`);
    const results = await Promise.all(
      keys.flatMap((k) => [a.ephemeral.claim('slack-event', k, at(60), at(0)), b.ephemeral.claim('slack-event', k, at(60), at(0))]),
    );
    for (let i = 0; i < keys.length; i++) expect(Number(results[2 * i]) + Number(results[2 * i + 1]), keys[i]).toBe(1);
  });

  it('a value put by one process is read by another', async () => {
    const db = await backend.fresh();
    const [a, b] = [await db.open(), await db.open()];
    await a.ephemeral.put('conversation', 'slack|T1|C1||U1', '{"ids":["p1"]}', at(60));
    expect(await b.ephemeral.get('conversation', 'slack|T1|C1||U1', at(1))).toBe('{"ids":["p1"]}');
  });
});

describe('conversation memory on a shared store', () => {
  eachBackend((backend) => {
    it('a list remembered by one process is recalled by another, for a real Slack conversation', async () => {
      const db = await backend.fresh();
      const [a, b] = [await db.open(), await db.open()];
      const ctx = { platform: 'slack' as const, workspaceId: 'T0001', channelId: 'C0001', threadId: '1700000000.000100', userId: 'U0001' };
      await new ConversationMemory({ store: a.ephemeral }).remember(ctx, { ids: ['p1', 'p2'], firstRank: 1 });
      expect((await new ConversationMemory({ store: b.ephemeral }).lastList(ctx))?.ids).toEqual(['p1', 'p2']);
      await new ConversationMemory({ store: a.ephemeral }).rememberPost('discord', '900000000000000001', { ids: ['p3'], firstRank: 1 });
      expect((await new ConversationMemory({ store: b.ephemeral }).postList({ platform: 'discord', underPost: '900000000000000001' }))?.ids).toEqual(['p3']);
    });
  });
});
