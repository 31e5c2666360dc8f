/**
 * Answers that say what they guessed (issue 21): a name that matched a paper only approximately
 * says so in one line and offers the alternatives; exact references stay silent; a paper described
 * in words (`the paper about X`, `the one on X`, `that X paper`) is found as a search finds it;
 * `save it` right after `save 2` means that paper; buttons and hints name papers by their short name.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.ts';
import { paperRef } from '../../src/commands/ref.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import { startReading, type Reading } from '../../src/reading/index.ts';
import { SqliteReadingListStore } from '../../src/reading/sqlite-store.ts';
import { SHELL_CONTEXT, type RequestContext } from '../../src/reply/context.ts';
import { plain, type Action, type Block, type Reply } from '../../src/reply/reply.ts';
import { renderText } from '../../src/render/text.ts';
import { newTestPaperboy } from '../helpers/paperboy.ts';

let dir: string;
let bot: Paperboy;
let reading: Reading;
let seq = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paperboy-guesses-'));
  bot = await newTestPaperboy();
  reading = startReading({ paperboy: bot, logger: silentLogger(), store: SqliteReadingListStore.open(join(dir, 'state.db')) });
});
afterAll(async () => {
  await reading.store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A new conversation (its own list and reading list). */
function person(): (text: string) => Promise<Reply> {
  const ctx: RequestContext = { ...SHELL_CONTEXT, userId: `guesser-${++seq}`, channelId: 'C1' };
  return (text) => bot.run(text, ctx);
}
const ask = (text: string): Promise<Reply> => person()(text);

const notes = (r: Reply): string[] => r.blocks.flatMap((b: Block) => (b.kind === 'note' ? [plain(b.text)] : []));
const actions = (r: Reply): Action[] => r.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : []));
const shown = (r: Reply): string | undefined => (r.data?.type === 'paper' ? r.data.paper.id : undefined);
const valueOf = (r: Reply): Record<string, unknown> => (r.data?.type === 'other' ? (r.data.value as Record<string, unknown>) : {});
const idOf = (name: string): string => {
  const p = bot.deps.engine.papers.find((x) => x.name === name || x.aliases.includes(name));
  if (!p) throw new Error(`no paper ${name}`);
  return p.id;
};

describe('a name that matched only approximately says so', () => {
  it('show lora: one line first, that lora names no paper and LoRAM is the closest name, with the alternatives as buttons', async () => {
    const r = await ask('show lora');
    expect(shown(r)).toBe(idOf('LoRAM'));
    expect(r.blocks[0]).toEqual({ kind: 'note', text: [{ kind: 'text', text: 'No paper is called “lora”; showing LoRAM, the closest name.' }] });
    const offered = actions(r).map((a) => a.command);
    expect(offered.filter((c) => c.startsWith('show ')).length).toBeGreaterThan(0);
    expect(offered).toContain('search lora');
    for (const c of offered.filter((x) => x.startsWith('show '))) {
      expect(c).not.toBe(`show ${paperRef(bot.deps.engine, bot.deps.engine.byId(idOf('LoRAM'))!)}`);
      expect((await ask(c)).tone, c).toBe('ok');
    }
    expect(renderText(r)).toMatch(/^No paper is called “lora”; showing LoRAM, the closest name\.$/m);
  });

  it('every command that takes a paper says so: show, similar, cite, save, who wrote', async () => {
    const cases: [string, RegExp][] = [
      ['show snpakv', /^No paper is called “snpakv”; showing SnapKV, the closest name\.$/],
      ['similar lora', /^No paper is called “lora”; showing papers similar to LoRAM, the closest name\.$/],
      ['cite lora', /^No paper is called “lora”; citing LoRAM, the closest name\.$/],
      ['save zipcahce', /^No paper is called “zipcahce”; saving ZipCache, the closest name\.$/],
      ['who wrote lora?', /^No paper is called “lora”; showing LoRAM, the closest name\.$/],
    ];
    for (const [text, line] of cases) {
      const r = await ask(text);
      expect(r.tone, text).not.toBe('error');
      expect(notes(r)[0], text).toMatch(line);
    }
    // Alternatives of a save are the asker's own business, like the save.
    const saved = await ask('save lora');
    expect(
      actions(saved)
        .filter((a) => a.command.startsWith('save '))
        .every((a) => a.personal === true),
    ).toBe(true);
  });

  it('exact names, aliases, ids, titles and title parts as cited stay silent', async () => {
    const engine = bot.deps.engine;
    const snap = engine.papers.find((p) => p.name === 'SnapKV')!;
    for (const ref of ['snapkv', 'SnapKV', 'MiKV', 'loram', snap.id, snap.title, 'LLM in a flash', '"LLM in a flash"']) {
      const r = await ask(`show ${ref}`);
      expect(r.data?.type, ref).toBe('paper');
      expect(notes(r).join('\n'), ref).not.toMatch(/No paper is called|best match/);
    }
  });
});

describe('a paper described in words is found as a search finds it', () => {
  it('who wrote the paper about zipcache, code for the paper about zipcache, show me the paper about zipcache', async () => {
    const zip = idOf('ZipCache');
    for (const q of [
      'who wrote the paper about zipcache',
      'code for the paper about zipcache',
      'show me the paper about zipcache',
      'the paper about zipcache',
    ]) {
      const r = await ask(q);
      expect(shown(r), q).toBe(zip);
      expect(notes(r).join('\n'), q).not.toMatch(/No paper is called/);
      expect(notes(r)[0], q).toBe('Showing ZipCache, the best match for “zipcache”.');
    }
  });

  it('the one on X, that X paper: the best match, from the last list when it has one of the best', async () => {
    const me = person();
    expect(shown(await me('the one on sentence level caching'))).toBe(idOf('SentenceKV'));
    const list = await me('search kv cache compression');
    const listed = list.data?.type === 'results' ? list.data.results.map((x) => x.id) : [];
    const r = await me('that KV cache paper');
    expect(listed).toContain(shown(r));
    expect(notes(r)[0]).toMatch(/^Showing .+, the best match for “KV cache” in the last list\.$/);
    expect(valueOf(await me('save the paper about zipcache'))['paperId']).toBe(idOf('ZipCache'));
    expect(valueOf(await me('cite the paper about zipcache'))['paperId']).toBe(idOf('ZipCache'));
  });

  it('a description that matches nothing says so rather than guessing', async () => {
    const r = await ask('show the paper about zzqxv wplmk');
    expect(r.tone).toBe('empty');
    expect(r.data?.type).toBe('results');
  });
});

describe('it means the paper of the last reply', () => {
  it('save it right after save 2 saves the same paper (as after show 2); cite it too', async () => {
    const me = person();
    const list = await me('search kv cache compression');
    const second = list.data?.type === 'results' ? list.data.results[1]!.id : '';
    const saved = await me('save 2');
    expect(valueOf(saved)).toMatchObject({ saved: true, paperId: second });
    const again = await me('save it');
    expect(valueOf(again)).toMatchObject({ already: true, paperId: second });
    expect(valueOf(await me('cite it'))['paperId']).toBe(second);
    // The list is still there: numbers still refer to it.
    expect(valueOf(await me('save 3'))['paperId']).toBe(list.data?.type === 'results' ? list.data.results[2]!.id : '');
  });
});

describe('hints and buttons name a paper by its short name', () => {
  it('after show, every hint, button and the reply command use the short name the list used, never the id', async () => {
    const engine = bot.deps.engine;
    let checked = 0;
    for (const p of engine.papers) {
      const ref = paperRef(engine, p);
      if (ref === p.id || checked >= 25) continue;
      checked++;
      for (const text of [`show ${p.id}`, `show ${ref}`]) {
        const r = await ask(text);
        expect(r.command, text).toBe(`show ${ref}`);
        const commands = [...r.blocks.flatMap((b) => (b.kind === 'paper' ? b.paper.actions.map((a) => a.command) : [])), ...actions(r).map((a) => a.command)];
        for (const c of commands) expect(c, text).not.toContain(p.id);
      }
    }
    expect(checked).toBe(25);
    const random = await ask('random');
    const picked = random.data?.type === 'results' ? engine.byId(random.data.results[0]!.id)! : undefined;
    expect(random.command).toBe(`show ${paperRef(engine, picked!)}`);
  });
});
