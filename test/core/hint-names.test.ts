import { describe, expect, it } from 'vitest';
import { paperRef } from '../../src/commands/ref.ts';
import { renderText } from '../../src/render/text.ts';
import type { Action, PaperCard, Reply } from '../../src/reply/reply.ts';
import { builtinPapers, engineOver, rig, spec, tempDb, TestClock } from '../schedule/helpers.ts';
import { ask, testPaperboy } from '../helpers/paperboy.ts';

const MIKV_ID = 'no-token-left-behind-reliable-kv-cache-compression-via-importance-aware-18crmmi';

function cards(reply: Reply): PaperCard[] {
  return reply.blocks.flatMap((b) => (b.kind === 'paper' ? [b.paper] : []));
}
function commands(reply: Reply): string[] {
  return cards(reply).flatMap((c) => c.actions.map((a: Action) => a.command));
}

describe('hint names: the shortest name that brings back the paper', () => {
  it('uses the short name, else an alias that resolves to the paper alone, else the id', async () => {
    const { engine } = (await testPaperboy()).deps;
    const byId = (id: string) => engine.papers.find((p) => p.id === id)!;
    const snapkv = engine.papers.find((p) => p.name === 'SnapKV')!;
    expect(paperRef(engine, snapkv)).toBe('snapkv');
    const mikv = byId(MIKV_ID);
    expect(mikv.name).toBeUndefined();
    expect(mikv.aliases).toContain('MiKV');
    expect(paperRef(engine, mikv)).toBe('mikv');
    // Each ref really brings back its paper.
    for (const p of engine.papers) {
      const ref = paperRef(engine, p);
      const r = engine.resolve(ref);
      expect(r.kind === 'found' && r.paper.id, ref).toBe(p.id);
    }
  });

  it('an alias another paper also answers to is not used', async () => {
    const papers = await builtinPapers();
    const twin = { ...papers.find((p) => p.name === 'SnapKV')!, id: 'twin-paper', title: 'A Twin Paper About Caches', name: undefined, aliases: ['MiKV'] };
    const engine = engineOver([...papers.filter((p) => p.id !== twin.id), twin]);
    expect(
      paperRef(
        engine,
        engine.papers.find((p) => p.id === MIKV_ID)!,
      ),
    ).not.toBe('mikv');
  });

  it('`show MiKV` prints the title once and hints `similar mikv`', async () => {
    const reply = await ask('show MiKV');
    const out = renderText(reply);
    const title = 'No Token Left Behind: Reliable KV Cache Compression';
    expect(out.split(title)).toHaveLength(2);
    expect(reply.blocks.some((b) => b.kind === 'heading')).toBe(false);
    expect(commands(reply)).toEqual(['similar mikv', 'save mikv']);
    expect(out).toMatch(/^ {3}similar mikv · save mikv$/m);
  });

  it('`show snapkv` keeps its short-name heading above the full title', async () => {
    const reply = await ask('show snapkv');
    expect(reply.blocks[0]).toEqual({ kind: 'heading', text: 'SnapKV' });
    expect(renderText(reply)).toContain('SnapKV: LLM Knows What You are Looking for Before Generation');
  });

  it('search and similar hint short names', async () => {
    expect(commands(await ask('search kv cache --limit 10'))).toContain('similar mikv');
    const similar = await ask('similar mikv');
    expect(commands(similar)).toContain('show ems');
    for (const c of commands(similar)) expect(c.length, c).toBeLessThan(80);
  });

  it('scheduled posts name papers as search does (`show ems`, not the id)', async () => {
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const r = await rig({ file: tempDb(), clock });
    await r.store.insertSchedule(spec({ id: 'ems', count: 1, filter: { kind: 'query', query: 'evict then merge head-wise' } }), { now: clock.now() }, 10);
    await r.store.insertSchedule(
      spec({ id: 'potd', kind: 'paper-of-the-day', channelId: 'C2', filter: { kind: 'query', query: 'evict then merge head-wise' } }),
      { now: clock.now() },
      10,
    );
    await r.scheduler.runNow('ems');
    await r.scheduler.runNow('potd');
    const [digest, potd] = r.poster.posts.map((p) => p.reply);
    expect(cards(digest!)[0]!.id).toMatch(/^ems-adaptive/);
    expect(commands(digest!)).toEqual(['show ems', 'similar ems']);
    expect(commands(potd!)).toEqual(['similar ems', 'save ems']);
    const searched = await ask('search evict then merge head-wise --limit 1');
    expect(commands(searched)).toEqual(commands(digest!));
    await r.store.close();
  });
});
