import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.ts';
import { SHELL_CONTEXT, type RequestContext } from '../../src/reply/context.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import { plain, type Block, type PaperCard, type Reply } from '../../src/reply/reply.ts';
import { renderText } from '../../src/render/text.ts';
import { startReading, type Reading } from '../../src/reading/index.ts';
import { BIBTEX_PART_CHARS } from '../../src/reading/saved-command.ts';
import { SqliteReadingListStore } from '../../src/reading/sqlite-store.ts';
import type { ReadingListStore } from '../../src/reading/store.ts';
import { StateStoreError } from '../../src/db/errors.ts';
import { newTestPaperboy } from '../helpers/paperboy.ts';
import { parseBibtex } from './helpers.ts';

let dir: string;
let bot: Paperboy;
let reading: Reading;
let store: SqliteReadingListStore;
let userSeq = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paperboy-reading-cmd-'));
  bot = await newTestPaperboy();
  store = SqliteReadingListStore.open(join(dir, 'state.db'));
  reading = startReading({ paperboy: bot, logger: silentLogger(), store });
});
afterAll(async () => {
  await reading.store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A new person (their own list and conversation) on a platform. */
function person(platform: RequestContext['platform'] = 'shell'): (text: string) => Promise<Reply> {
  const ctx: RequestContext = { ...SHELL_CONTEXT, platform, userId: `user-${++userSeq}`, channelId: 'C1' };
  return (text) => bot.run(text, ctx);
}

const cards = (r: Reply): PaperCard[] => r.blocks.flatMap((b) => (b.kind === 'paper' ? [b.paper] : []));
const codeOf = (r: Reply): string => r.blocks.flatMap((b: Block) => (b.kind === 'code' ? [b.text] : [])).join('\n');
const notes = (r: Reply): string => r.blocks.flatMap((b) => (b.kind === 'note' ? [plain(b.text)] : [])).join('\n');
const idOf = (ref: string): string => {
  const r = bot.deps.engine.resolve(ref);
  if (r.kind !== 'found') throw new Error(`no paper ${ref}`);
  return r.paper.id;
};
const value = (r: Reply): Record<string, unknown> => (r.data?.type === 'other' ? (r.data.value as Record<string, unknown>) : {});

describe('save / unsave / saved in the shell', () => {
  it('save snapkv, then again: already saved; saved lists it as a card; unsave removes it; unsave again says so', async () => {
    const ask = person();
    const saved = await ask('save snapkv');
    expect(saved.tone).toBe('ok');
    expect(saved.summary).toBe('Saved SnapKV to your reading list (1 paper).');
    const again = await ask('save snapkv');
    expect(again.tone).toBe('info');
    expect(again.summary).toMatch(/^SnapKV is already in your reading list \(saved 2026-11-26\)\.$/);
    const list = await ask('saved');
    expect(list.tone).toBe('ok');
    expect(cards(list).map((c) => c.name)).toEqual(['SnapKV']);
    expect(cards(list)[0]!.byline).toMatch(/saved 2026-11-26/);
    expect(cards(list)[0]!.actions.map((a) => a.command)).toEqual(['show snapkv', 'cite snapkv', 'unsave snapkv']);
    expect(renderText(list)).toMatch(/Your reading list\n1 paper/);
    const removed = await ask('unsave snapkv');
    expect(removed.summary).toBe('Removed SnapKV from your reading list.');
    const notThere = await ask('unsave snapkv');
    expect(notThere.tone).toBe('empty');
    expect(notThere.summary).toBe('SnapKV is not in your reading list.');
  });

  it('an empty list says how to save', async () => {
    const r = await person()('saved');
    expect(r.tone).toBe('empty');
    expect(renderText(r)).toMatch(/Your reading list is empty\.\n\nSave a paper with save <paper> \(e\.g\. save snapkv\), save 2 after a search/);
    const bib = await person()('saved --bibtex');
    expect(bib.summary).toBe('Your reading list is empty.');
  });

  it("save 2 after a search saves its second result; cite 4 cites the fourth; show 2 after saved shows the list's second paper", async () => {
    const ask = person();
    const results = await ask('search kv cache compression');
    const ids = results.data?.type === 'results' ? results.data.results.map((r) => r.id) : [];
    expect(ids.length).toBe(5);
    const saved = await ask('save 2');
    expect(value(saved)).toMatchObject({ saved: true, paperId: ids[1] });
    const cited = await ask('cite 4');
    expect(value(cited)['paperId']).toBe(ids[3]);
    await ask('save snapkv');
    const list = await ask('saved');
    expect(cards(list).map((c) => c.id)).toEqual([idOf('snapkv'), ids[1]]);
    const shown = await ask('show 2');
    expect(shown.data?.type === 'paper' && shown.data.paper.id).toBe(ids[1]);
    // After a reply about one paper, the name can be left out.
    const again = await ask('save');
    expect(again.summary).toMatch(/is already in your reading list/);
  });

  it('bad references get clear replies: a number with no list, past the end, an unknown name, no paper at all', async () => {
    const ask = person();
    expect((await ask('save 2')).summary).toBe('There is no list to take result 2 from here yet.');
    await ask('search lora --limit 3');
    expect((await ask('save 9')).summary).toBe('No result 9: the last list shows results 1–3.');
    const unknown = await ask('save qqqzzzxxyy');
    expect(unknown.tone).toBe('empty');
    expect(unknown.data).toMatchObject({ type: 'results', match: 'none' });
    const fresh = person();
    const missing = await fresh('save');
    expect(missing.tone).toBe('error');
    expect(renderText(missing)).toMatch(/save <paper>/);
    expect((await fresh('cite')).tone).toBe('error');
    expect((await fresh('unsave qqqzzzxxyy')).data).toMatchObject({ match: 'none' });
    expect((await fresh('saved --page 0')).tone).toBe('error');
    expect((await fresh('saved extra words')).tone).toBe('error');
    expect((await ask('cite 0')).summary).toMatch(/No result 0/);
  });

  it('candidate buttons of an ambiguous save answer only the clicker', async () => {
    const r = await person()('save kv cache');
    expect(r.data).toMatchObject({ type: 'results', match: 'ambiguous' });
    expect(r.summary).toMatch(/matches \d+ papers\. Which one\?/);
    const actions = r.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : []));
    const saves = actions.filter((a) => a.command.startsWith('save '));
    expect(saves.length).toBeGreaterThan(1);
    expect(saves.every((a) => a.personal === true)).toBe(true);
    // The other buttons (search instead) are not personal.
    expect(actions.filter((a) => !a.command.startsWith('save ')).every((a) => a.personal === undefined)).toBe(true);
  });

  it('lists pages of 5, with paging, numbers that continue, and a past-the-end page', async () => {
    const ask = person();
    const ids = bot.deps.papers.slice(0, 7).map((p) => p.id);
    for (const id of ids) expect((await ask(`save ${id}`)).tone).toBe('ok');
    const first = await ask('saved');
    expect(cards(first).map((c) => c.rank)).toEqual([1, 2, 3, 4, 5]);
    // Newest saved first.
    expect(cards(first)[0]!.id).toBe(ids[6]);
    expect(first.paging).toMatchObject({ page: 1, pages: 2, total: 7, next: { command: 'saved --page 2' } });
    const second = await ask('more');
    expect(cards(second).map((c) => c.rank)).toEqual([6, 7]);
    expect(cards(second).map((c) => c.id)).toEqual([ids[1], ids[0]]);
    const sixth = await ask('show 6');
    expect(sixth.data?.type === 'paper' && sixth.data.paper.id).toBe(ids[1]);
    const past = await ask('saved --page 3');
    expect(past.tone).toBe('empty');
    expect(past.summary).toBe('Page 3 is past the end (7 papers fit on 2 pages).');
  });

  it('a saved paper that is no longer in the library shows as (id), can be unsaved by id, and is left out of the export', async () => {
    const ask = person();
    const ctxUser = `user-${userSeq}`;
    await ask('save snapkv');
    await store.save({ platform: 'shell', userId: ctxUser }, 'gone-paper-1234', { now: new Date('2026-11-20T00:00:00Z'), max: 100 });
    const list = await ask('saved');
    const gone = cards(list).find((c) => c.id === 'gone-paper-1234')!;
    expect(gone.title).toBe('Unknown paper (gone-paper-1234)');
    expect(gone.byline).toBe('No longer in the paper library · saved 2026-11-20');
    expect(renderText(list)).toMatch(/Unknown paper \(gone-paper-1234\)/);
    const bib = await ask('saved --bibtex');
    expect(bib.tone).toBe('ok');
    expect(parseBibtex(codeOf(bib)).map((e) => e.key)).toEqual(['snapkv']);
    expect(notes(bib)).toMatch(/Left out: 1 paper no longer in the paper library \(gone-paper-1234\)/);
    expect(value(bib)['missing']).toEqual(['gone-paper-1234']);
    // `unsave 2` refers to the list's second card: the missing paper.
    expect((await ask('unsave 2')).summary).toBe('Removed gone-paper-1234 from your reading list.');
    expect((await store.all({ platform: 'shell', userId: ctxUser })).map((s) => s.paperId)).toHaveLength(1);
  });

  it('lists are per person and per platform', async () => {
    const a = person('slack');
    const b = person('slack');
    await a('save snapkv');
    expect((await b('saved')).tone).toBe('empty');
    expect(cards(await a('saved'))).toHaveLength(1);
  });
});

describe('cite and saved --bibtex', () => {
  it('cite snapkv gives a valid @misc entry with a note about unknown authors, and the text in reply data', async () => {
    const r = await person()('cite snapkv');
    expect(r.tone).toBe('ok');
    expect(r.command).toMatch(/^cite snapkv-/);
    const [entry] = parseBibtex(codeOf(r));
    expect(entry).toEqual({
      type: 'misc',
      key: 'snapkv',
      fields: { title: '{SnapKV}: {LLM} {Knows} {What} {You} are {Looking} for {Before} {Generation}', note: 'Authors unknown' },
    });
    expect(value(r)).toEqual({ paperId: expect.stringMatching(/^snapkv-/), key: 'snapkv', bibtex: codeOf(r) });
    expect(notes(r)).toMatch(/no authors/);
    expect(r.blocks.some((b) => b.kind === 'code' && b.language === 'bibtex')).toBe(true);
  });

  it('cite of an unknown paper says so', async () => {
    const r = await person()('cite nothing-like-this-paper-exists');
    expect(r.tone).toBe('empty');
    expect(r.summary).toMatch(/No paper is called/);
  });

  it('saved --bibtex exports every saved paper, oldest first, keys unique, all in one in the shell', async () => {
    const ask = person();
    const ids = bot.deps.papers.slice(0, 12).map((p) => p.id);
    for (const id of ids) await ask(`save ${id}`);
    const r = await ask('saved --bibtex');
    const entries = parseBibtex(codeOf(r));
    expect(entries).toHaveLength(12);
    expect(new Set(entries.map((e) => e.key)).size).toBe(12);
    expect(r.paging).toBeUndefined();
    expect(value(r)).toMatchObject({ entries: 12, part: 1, parts: 1 });
    // The first entry is the one `cite` gives for the first paper saved (its key cannot collide).
    const cite = await ask(`cite ${ids[0]}`);
    expect(codeOf(r).startsWith(`${codeOf(cite)}\n\n`)).toBe(true);
  });

  it('keys that collide in an export get letter suffixes', async () => {
    const ask = person();
    // Papers whose titles start with the same word (no authors in the built-in set: the key is that word).
    const byWord = new Map<string, string[]>();
    for (const p of bot.deps.papers) {
      const w = p.title.split(/[\s:]+/)[0]!.toLowerCase();
      byWord.set(w, [...(byWord.get(w) ?? []), p.id]);
    }
    const group = [...byWord.entries()].find(([w, ids]) => ids.length >= 2 && /^[a-z]+$/.test(w) && !['a', 'an', 'the', 'on', 'towards'].includes(w))!;
    for (const id of group[1].slice(0, 2)) await ask(`save ${id}`);
    const keys = parseBibtex(codeOf(await ask('saved --bibtex'))).map((e) => e.key);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(`${keys[0]}a`);
  });

  it('in chat, a long export comes in parts of whole entries, with paging; in the shell in one', async () => {
    const ask = person('discord');
    const ids = bot.deps.papers.slice(0, 30).map((p) => p.id);
    for (const id of ids) await ask(`save ${id}`);
    const first = await ask('saved --bibtex');
    expect(first.paging).toMatchObject({ page: 1, next: { command: 'saved --bibtex --page 2' } });
    const pages = first.paging!.pages;
    expect(pages).toBeGreaterThan(1);
    const all: string[] = [];
    for (let p = 1; p <= pages; p++) {
      const r = await ask(`saved --bibtex --page ${p}`);
      expect(codeOf(r).length).toBeLessThanOrEqual(BIBTEX_PART_CHARS);
      all.push(...parseBibtex(codeOf(r)).map((e) => e.key));
    }
    expect(all).toHaveLength(30);
    expect(new Set(all).size).toBe(30);
    const past = await ask(`saved --bibtex --page ${pages + 1}`);
    expect(past.summary).toBe(`Part ${pages + 1} is past the end (the export has ${pages} parts).`);
  });
});

describe('the Save button', () => {
  it('a show reply has a personal Save button running save <ref>; a result card has none', async () => {
    const ask = person();
    const shown = await ask('show snapkv');
    const save = cards(shown)[0]!.actions.find((a) => a.label === 'Save')!;
    expect(save).toMatchObject({ command: 'save snapkv', personal: true });
    // Running its command as the person who clicked saves it to their list.
    expect((await ask(save.command)).tone).toBe('ok');
    const results = await ask('search kv cache');
    expect(cards(results).every((c) => !c.actions.some((a) => a.label === 'Save'))).toBe(true);
  });
});

describe('a state database that stops working while the bot runs', () => {
  it('is a clear reply, not a crash, and cite still works', async () => {
    // A disk that went read-only, say: every call fails as the SQLite store reports it.
    const failure = () =>
      Promise.reject(new StateStoreError('Cannot write the state database /srv/blocker/state.db (SQLITE_READONLY).', '/srv/blocker/state.db'));
    const broken: ReadingListStore = { location: '/srv/blocker/state.db', save: failure, unsave: failure, list: failure, all: failure, close: async () => {} };
    const p = await newTestPaperboy();
    startReading({ paperboy: p, logger: silentLogger(), store: broken });
    const reply = await p.run('save snapkv', SHELL_CONTEXT);
    expect(reply.tone).toBe('error');
    expect(reply.summary).toMatch(/^Reading lists are not available: Cannot write the state database .*blocker/);
    expect((await p.run('saved', SHELL_CONTEXT)).tone).toBe('error');
    expect((await p.run('cite snapkv', SHELL_CONTEXT)).tone).toBe('ok');
  });

  it('a request without a user gets a clear reply', async () => {
    const reply = await bot.run('saved', { platform: 'slack', channelId: 'C1' });
    expect(reply.tone).toBe('error');
    expect(reply.summary).toMatch(/cannot tell who is asking/);
  });
});
