import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaperboy, type Booted } from '../../src/app/boot.ts';
import { silentLogger } from '../../src/app/logger.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import type { Paper } from '../../src/papers/paper.ts';
import { SHELL_CONTEXT } from '../../src/reply/context.ts';
import { plain, type Action, type Block, type Reply } from '../../src/reply/reply.ts';
import { renderText } from '../../src/render/text.ts';
import { paperFromFeed } from '../../src/sources/from-feed.ts';
import type { FetchedPaper } from '../../src/sources/types.ts';
import { ask, testPaperboy } from '../helpers/paperboy.ts';

const text = (r: Reply) => renderText(r);
const actions = (r: Reply): Action[] => r.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : []));
const cards = (r: Reply) => r.blocks.filter((b): b is Extract<Block, { kind: 'paper' }> => b.kind === 'paper').map((b) => b.paper);

describe('search', () => {
  it('finds KV cache compression papers, ranked, with marked snippets and paging', async () => {
    const r = await ask('search kv cache compression');
    expect(r.tone).toBe('ok');
    const found = cards(r);
    expect(found).toHaveLength(5);
    expect(found[0]!.rank).toBe(1);
    expect(found.some((c) => /kv|cache/i.test(c.title))).toBe(true);
    expect(found.every((c) => c.snippet?.some((s) => s.kind === 'mark'))).toBe(true);
    expect(r.paging?.next?.command).toBe('search kv cache compression --page 2');
    expect(r.data?.type).toBe('results');
  });
  it('free text is a search, and /papers is accepted', async () => {
    const a = await ask('kv cache compression');
    const b = await ask('/papers search kv cache compression');
    expect(cards(a).map((c) => c.id)).toEqual(cards(b).map((c) => c.id));
  });
  it('pages through results without overlap', async () => {
    const p1 = cards(await ask('search efficient --limit 3'));
    const p2 = cards(await ask('search efficient --limit 3 --page 2'));
    expect(p2[0]!.rank).toBe(4);
    expect(p1.map((c) => c.id).filter((id) => p2.some((c) => c.id === id))).toEqual([]);
  });
  it('says when a page is past the end', async () => {
    const r = await ask('search snapkv --page 50');
    expect(r.tone).toBe('empty');
    expect(text(r)).toMatch(/past the end/);
  });
  it('--code keeps only papers with code links', async () => {
    const r = await ask('search gaussian splatting --code --limit 10');
    expect(cards(r).length).toBeGreaterThan(0);
    expect(cards(r).every((c) => c.links.some((l) => l.kind === 'code'))).toBe(true);
  });
  it('no results: a clear reply with a way forward', async () => {
    const r = await ask('search zzqxv wplmk');
    expect(r.tone).toBe('empty');
    expect(text(r)).toMatch(/No papers match/);
    expect(r.blocks.some((b) => b.kind === 'actions')).toBe(true);
  });
});

describe('show', () => {
  it('shows SnapKV with abstract, highlights and links', async () => {
    const r = await ask('show snapkv');
    expect(r.tone).toBe('ok');
    const [card] = cards(r);
    expect(card!.name).toBe('SnapKV');
    expect(card!.abstract).toMatch(/KV cache/);
    expect(card!.highlights.length).toBeGreaterThan(0);
    expect(r.data?.type).toBe('paper');
  });
  it('resolves aliases and typos', async () => {
    expect(cards(await ask('show MiKV'))[0]?.title).toMatch(/No Token Left Behind/);
    expect(cards(await ask('show snpakv'))[0]?.name).toBe('SnapKV');
  });
  it('lists candidates when the name is ambiguous', async () => {
    const r = await ask('show flashattention');
    const all = text(r);
    // Either it is exact (FlashAttention) or it asks; it must never pick FlashAttention-2 for "flashattention".
    if (r.tone === 'ok') expect(cards(r)[0]!.name).toBe('FlashAttention');
    else expect(all).toMatch(/FlashAttention-2/);
  });
  it('unknown paper: says so, with suggestions', async () => {
    const r = await ask('show qqqqqqqq');
    expect(r.tone).toBe('empty');
    expect(text(r)).toMatch(/No paper is called/);
  });
  it('needs a paper', async () => {
    const r = await ask('show');
    expect(r.tone).toBe('error');
    expect(text(r)).toMatch(/Usage: show <paper>/);
  });
});

describe('similar, code, topics, random, digest, stats, help', () => {
  it('similar excludes the paper itself', async () => {
    const snap = cards(await ask('show snapkv'))[0]!;
    const r = await ask('similar snapkv');
    expect(r.tone).toBe('ok');
    expect(cards(r).map((c) => c.id)).not.toContain(snap.id);
    expect(cards(r).length).toBe(5);
  });
  it('code lists only papers with code links', async () => {
    const r = await ask('code --limit 10');
    expect(cards(r).every((c) => c.links.some((l) => l.kind === 'code'))).toBe(true);
    expect(r.paging?.total).toBeGreaterThan(10);
  });
  it('topics lists every topic with a count; topic shows its papers', async () => {
    const pb = await testPaperboy();
    const r = await ask('topics');
    for (const t of pb.deps.topics) expect(text(r)).toContain(t.name);
    const k = await ask('topic kv-cache');
    expect(k.tone).toBe('ok');
    expect(cards(k).length).toBeGreaterThan(0);
  });
  it('a topic gathers the papers of each of its phrases, not only those matching every word', async () => {
    const k = await ask('topic kv-cache --limit 10');
    const names = cards(k).map((c) => c.name);
    for (const n of ['SnapKV', 'ZipCache', 'SentenceKV', 'PrefixKV', 'EMS']) expect(names, n).toContain(n);
    const all = [...cards(k), ...cards(await ask('topic kv-cache --limit 10 --page 2'))];
    expect(all.every((c) => /\bKV\b|key-value|cache/i.test(`${c.title} ${c.snippet?.map((s) => s.text).join('') ?? ''}`))).toBe(true);
  });
  it('unknown topic suggests the closest', async () => {
    const r = await ask('topic kv-cash');
    expect(r.tone).toBe('error');
    expect(text(r)).toMatch(/Did you mean kv-cache/);
  });
  it('random is drawn from the injected random source', async () => {
    const a = await ask('random');
    const b = await ask('random');
    expect(cards(a)[0]!.id).toBe(cards(b)[0]!.id);
    const q = await ask('random quantization');
    expect(cards(q)).toHaveLength(1);
  });
  it('digest takes a count and a query; refuses a bad count', async () => {
    expect(cards(await ask('digest'))).toHaveLength(5);
    expect(cards(await ask('digest 3 kv cache'))).toHaveLength(3);
    const bad = await ask('digest 0');
    expect(bad.tone).toBe('error');
    expect(text(bad)).toMatch(/1 to 10/);
  });
  it('stats counts the built-in set', async () => {
    const r = await ask('stats');
    expect(r.summary).toMatch(/^116 papers/);
  });
  it('help lists every registered command and explains one', async () => {
    const pb = await testPaperboy();
    const r = await ask('help');
    for (const c of pb.commands) expect(text(r)).toContain(c.name);
    const s = await ask('help search');
    expect(text(s)).toMatch(/--limit N/);
    expect(text(s)).toMatch(/whole number from 1 to 10/);
    const u = await ask('help serach');
    expect(u.tone).toBe('error');
    expect(text(u)).toMatch(/Did you mean search/);
  });
  it('bare input shows help', async () => {
    expect((await ask('')).summary).toMatch(/Paperboy commands/);
    expect((await ask('/papers')).summary).toMatch(/Paperboy commands/);
  });
});

describe('bad input', () => {
  it('unknown slash command gets "did you mean"', async () => {
    const r = await ask('/serach kv');
    expect(r.tone).toBe('error');
    expect(text(r)).toMatch(/Unknown command/);
    expect(text(r)).toMatch(/Did you mean search/);
  });
  it('a mistyped command word with no results is an unknown command', async () => {
    const r = await ask('shwo snapkv');
    expect(text(r)).toMatch(/show/);
  });
  it('--limit 0 and --limit abc explain the range', async () => {
    for (const q of ['search kv --limit 0', 'search kv --limit abc']) {
      const r = await ask(q);
      expect(r.tone).toBe('error');
      expect(text(r)).toMatch(/whole number from 1 to 10/);
    }
  });
  it('over-long input and control characters are refused clearly', async () => {
    expect(text(await ask('x'.repeat(501)))).toMatch(/too long/);
    expect(text(await ask('search \u0000kv'))).toMatch(/control characters/);
  });
  it('mentions and markup in a query come back as plain data', async () => {
    const r = await ask('search <!channel> @everyone');
    expect(['empty', 'ok']).toContain(r.tone);
    const shown = r.blocks.map((b) => (b.kind === 'paragraph' || b.kind === 'note' ? plain(b.text) : b.kind === 'heading' ? b.text : '')).join('\n');
    expect(shown).toContain('<!channel> @everyone');
  });
});

describe('paper references in buttons', () => {
  it('use the short name when it brings back exactly that paper, else the id', async () => {
    const r = await ask('search kv cache compression --limit 10');
    for (const c of cards(r)) {
      for (const a of c.actions) {
        const again = await ask(a.command);
        expect(again.tone, a.command).toBe('ok');
        if (a.command.startsWith('show ')) expect(cards(again)[0]!.id, a.command).toBe(c.id);
      }
    }
    const snap = cards(r).find((c) => c.name === 'SnapKV');
    if (snap) expect(snap.actions[0]!.command).toBe('show snapkv');
  });
});

describe('mistyped command words', () => {
  it('a mistyped search word searches for the rest', async () => {
    const a = await ask('serach kv cache compression');
    const b = await ask('search kv cache compression');
    expect(cards(a).map((c) => c.id)).toEqual(cards(b).map((c) => c.id));
    expect(text(a)).toMatch(/Read “serach” as search/);
  });
  it('a lone mistyped command word is an unknown command with a button to run the right one', async () => {
    const r = await ask('halp');
    expect(r.tone).toBe('error');
    expect(text(r)).toMatch(/Unknown command halp\. Did you mean help\?/);
    const actions = r.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : []));
    expect(actions.map((a) => a.command)).toEqual(['help', 'search halp']);
  });
  it('a mistyped command before a paper name offers the command', async () => {
    const r = await ask('shwo snapkv');
    expect(r.tone).toBe('error');
    const actions = r.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : []));
    expect(actions[0]!.command).toBe('show snapkv');
  });
  it('a real word that resembles a command is still a search', async () => {
    // "state" is one edit from the command "stats", and a word of many abstracts.
    const r = await ask('state space models');
    expect(r.tone).toBe('ok');
    expect(cards(r).length).toBeGreaterThan(0);
    expect(text(r)).toMatch(/Did you mean the stats command/);
  });
});

describe('the same options mean the same everywhere (issue 21)', () => {
  const NOW = new Date('2026-11-29T12:00:00Z');
  const feed = (arxivId: string, title: string, published: string, upvotes: number, extra: Partial<FetchedPaper> = {}): Paper => {
    const r = paperFromFeed(
      { arxivId, title, published, upvotes, authors: ['Someone Else'], abstract: `We present ${title}. It is 2x faster on six benchmarks.`, ...extra },
      'hf',
    );
    if (!r.ok) throw new Error(r.message);
    return r.paper;
  };
  const PAPERS = [
    feed('2611.00011', 'Sparse Attention Kernels for Long Context', '2026-11-28', 10, { githubRepo: 'https://github.com/x/sparse', authors: ['Ada Lovelace'] }),
    feed('2611.00012', 'Quantized Diffusion Models at Scale', '2026-11-28', 30),
    feed('2611.00013', 'Speculative Decoding with Draft Trees', '2026-11-28', 20, { githubRepo: 'https://github.com/x/draft' }),
    feed('2611.00014', 'Mixture of Experts Routing Revisited', '2026-11-28', 5),
    feed('2611.00021', 'Retrieval Augmented Planning for Robots', '2026-11-20', 50, { authors: ['Ada Lovelace'] }),
  ];
  let dir: string;
  let store: SqlitePaperStore;
  let booted: Booted;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-options-'));
    store = SqlitePaperStore.open(join(dir, 'state.db'));
    await store.upsertBatch(PAPERS);
    booted = await createPaperboy({ logger: silentLogger(), store, now: () => NOW });
  });
  afterAll(async () => {
    await booted?.library.close();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const dated = (q: string): Promise<Reply> => booted.paperboy.run(q, { ...SHELL_CONTEXT, userId: `opt-${q}` });
  const ids = (r: Reply): string[] => (r.data?.type === 'results' ? r.data.results.map((x) => x.id) : []);

  it('new --limit 3 is new 3; trending --limit 2 is trending 2; digest --limit 2 is digest 2', async () => {
    for (const [a, b] of [
      ['new --limit 3', 'new 3'],
      ['trending --limit 2', 'trending 2'],
      ['digest --limit 2', 'digest 2'],
    ] as const) {
      const x = await dated(a);
      expect(x.tone, a).toBe('ok');
      expect(ids(x), a).toEqual(ids(await dated(b)));
      expect(ids(x).length, a).toBe(Number(b.split(' ')[1]));
    }
    const both = await dated('new 3 --limit 4');
    expect(both.tone).toBe('error');
    expect(text(both)).toMatch(/N and --limit/);
  });

  it('--code, --since and --author filter every command that lists papers', async () => {
    const hasCode = (r: Reply): boolean => r.data?.type === 'results' && r.data.results.every((x) => x.links.some((l) => l.kind === 'code'));
    for (const q of ['new --code', 'trending --code', 'digest --code', 'search attention decoding --code', 'code', 'random --code']) {
      const r = await dated(q);
      expect(r.tone, q).toBe('ok');
      expect(hasCode(r), q).toBe(true);
    }
    expect(ids(await dated('new --code'))).toEqual(['2611.00013', '2611.00011']);
    for (const q of ['new --author lovelace --days 30', 'trending --author lovelace --days 30', 'digest --author lovelace', 'search --author lovelace']) {
      expect(new Set(ids(await dated(q))), q).toEqual(new Set(['2611.00011', '2611.00021']));
    }
    expect(ids(await dated('trending --since 2026-11-25'))).not.toContain('2611.00021');
    expect(ids(await dated('trending --since 30d'))).toContain('2611.00021');
    expect((await dated('trending --since 7d --days 3')).tone).toBe('error');
    // Paging keeps the filters.
    expect((await dated('new 1 --code')).paging?.next?.command).toBe('new 1 --code --page 2');
  });

  it('on the built-in papers too: topic, similar, random, code take the filters', async () => {
    for (const q of ['topic kv-cache --code --limit 10', 'similar snapkv --code --limit 10', 'random kv cache --code', 'digest 3 kv cache --code']) {
      const r = await ask(q);
      expect(r.tone, q).toBe('ok');
      expect(cards(r).length, q).toBeGreaterThan(0);
      expect(
        cards(r).every((c) => c.links.some((l) => l.kind === 'code')),
        q,
      ).toBe(true);
    }
    expect((await ask('similar snapkv --code --limit 2')).paging?.next?.command).toBe('similar snapkv --limit 2 --code --page 2');
    expect((await ask('code --since 7d')).tone).toBe('empty');
  });

  it('an unknown option names the command and its options, and suggests the one meant', async () => {
    const r = await ask('new --bogus');
    expect(r.tone).toBe('error');
    expect(r.summary).toBe(
      'new has no option --bogus. Its options: --days N, --page N, --limit N, --code, --since 7d|YYYY-MM-DD, --author NAME, --category cs.CL|cs.',
    );
    expect(text(await ask('search kv --count 3'))).toMatch(/Did you mean --limit\?/);
    expect(text(await ask('search kv --pgae 2'))).toMatch(/Did you mean --page\?/);
    expect(text(await ask('search kv --days 7'))).toMatch(/Did you mean --since\?/);
    expect(text(await ask('show snapkv --limit 3'))).toMatch(/show has no option --limit\. It takes no options\./);
  });

  it('an option with no command word is not blamed on search; --help is help', async () => {
    const r = await ask('--bogus');
    expect(r.tone).toBe('error');
    expect(r.summary).not.toMatch(/search has no option/);
    expect(r.summary).toMatch(/^Unknown option --bogus\./);
    expect((await ask('--help')).summary).toMatch(/^Paperboy commands/);
    expect((await ask('-h')).summary).toMatch(/^Paperboy commands/);
    expect((await ask('show --help')).command).toBe('help show');
    expect((await ask('new 3 --help')).command).toBe('help new');
  });
});

describe('an unclosed quote (issue 21)', () => {
  it('is said, and no stray correction is offered ("unclosed quite")', async () => {
    const r = await ask('search "unclosed quote');
    expect(text(r)).toMatch(/The quote before “unclosed quote” is not closed/);
    expect(text(r)).not.toMatch(/quite/);
    expect(actions(r).map((a) => a.command)).not.toContain('search unclosed quite');
    const free = await ask('unclosed "quote');
    expect(text(free)).toMatch(/is not closed/);
    expect(text(free)).not.toMatch(/Did you mean/);
    // A closed quote says nothing about quotes.
    expect(text(await ask('search "kv cache" eviction'))).not.toMatch(/not closed/);
  });
});
